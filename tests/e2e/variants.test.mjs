// Campaign variants end to end (issue 12): a campaign with three message variants and a
// control group meets 200 simulated visitors, each from its own client address (the
// public rate limit is per client). Each visitor is shown exactly the message of the arm
// the hash of (customer id, campaign id) gives, computed here independently with
// SHA-256, and the control group nothing; the per-arm counts and goals of
// `GET /admin/v1/campaigns/{id}/variants` match what the visitors saw and did. After the
// shares change and a day passes, a re-visit keeps the first arm (new visitors follow
// the new shares), and signing in keeps it too: when two devices of one member merge,
// the earlier assignment wins, in the member's messages and in the counts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { adminCall, moveClock, suite } from "./harness.mjs";

const HOUR = 3_600_000;
const env = suite({ browser: false });
const call = (method, path, body) => adminCall(env.worker, method, path, body);

const message = (text, display = "bubble") => ({ sender: { name: "Kizuna Tea" }, text, display });
const TEXTS = ["Variant A: free shipping", "Variant B: 10% off", "Variant C: a sample of matcha"];
const DISPLAYS = ["bubble", "bubble", "fullscreen"];
const LAB_URL = "https://shop.example/variants/lab";

/** The arm the worker must assign: `variants::assign`, written again from its definition. */
function expectedArm(visitorId, campaignId, shares) {
  const digest = createHash("sha256").update(`variant-arm:1\0${visitorId}\0${campaignId}\0`).digest();
  const bucket = Number(digest.readBigUInt64BE(0) % 10_000n);
  let end = 0;
  for (const [index, share] of shares.entries()) {
    end += share * 100;
    if (bucket < end) return index;
  }
  return "control";
}

let nextClient = 0;
/** POSTs `body` to a public route from its own client address. */
async function post(path, body, client) {
  const response = await fetch(`${env.worker.base}${path}`, {
    method: "POST",
    headers: { "content-type": "text/plain", "cf-connecting-ip": client },
    body: JSON.stringify({ channel: "demo", ...body }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `${path}: ${text}`);
  return JSON.parse(text);
}

/** A new visitor from a new client address: booted, then a page view of the lab page. */
async function newVisitor() {
  const n = ++nextClient;
  const client = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  const boot = await post("/v1/boot", {}, client);
  const visitor = { visitorId: boot.visitorId, token: boot.token, client };
  visitor.firstSeen = await view(visitor, `first${n}`);
  return visitor;
}

/** A page view of the lab page; answers the arm whose message the reply shows ("control": none). */
async function view(visitor, eventId) {
  const reply = await post(
    "/v1/events",
    { visitorId: visitor.visitorId, token: visitor.token, events: [{ id: eventId, name: "PageView", properties: { url: LAB_URL } }] },
    visitor.client,
  );
  return armShown(reply.popups);
}

let campaignId;
function armShown(popups) {
  const ours = popups.filter((p) => p.campaignId === campaignId);
  assert.equal(ours.length, popups.length, `only this campaign shows: ${JSON.stringify(popups)}`);
  assert.ok(ours.length <= 1, `at most one message: ${JSON.stringify(popups)}`);
  if (ours.length === 0) return "control";
  const index = TEXTS.indexOf(ours[0].text);
  assert.ok(index >= 0, `a variant's text: ${ours[0].text}`);
  assert.equal(ours[0].display, DISPLAYS[index], "and its display");
  return index;
}

/** Runs `work` for each item, `size` at a time. */
async function inBatches(items, size, work) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return out;
}

/** The arms' counts as the API answers them: `{0: {assigned, reachedGoal}, …, control: …}`. */
async function armCounts() {
  const { status, body } = await call("GET", `/admin/v1/campaigns/${campaignId}/variants`);
  assert.equal(status, 200, JSON.stringify(body));
  const counts = { control: { assigned: body.control.assigned, reachedGoal: body.control.reachedGoal } };
  for (const v of body.variants) counts[v.index] = { assigned: v.assigned, reachedGoal: v.reachedGoal };
  return { counts, body };
}

function tally(visitors, arm = (v) => v.firstSeen) {
  const counts = { 0: { assigned: 0, reachedGoal: 0 }, 1: { assigned: 0, reachedGoal: 0 }, 2: { assigned: 0, reachedGoal: 0 }, control: { assigned: 0, reachedGoal: 0 } };
  for (const v of visitors) {
    counts[arm(v)].assigned += 1;
    if (v.goal) counts[arm(v)].reachedGoal += 1;
  }
  return counts;
}

test("200 visitors see only their arm's message, keep it on a re-visit and after signing in, and the API counts what they saw", async () => {
  const started = Date.now();
  const shares = [30, 30, 20];
  const settings = {
    name: "Variants lab",
    trigger: { event: "PageView", url: { include: [{ op: "contains", value: "/variants/lab" }] } },
    message: message(TEXTS[0]),
    variants: [{ share: 30 }, { share: 30, message: message(TEXTS[1]) }, { share: 20, message: message(TEXTS[2], "fullscreen") }],
    controlPercent: 20,
    repeat: { everyHours: 24 },
    goal: { kind: "event", name: "CheckoutComplete" },
  };
  const refused = await call("POST", "/admin/v1/channels/demo/campaigns", { ...settings, controlPercent: 30 });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error.field, "variants", "the shares must add up to 100");
  const created = await call("POST", "/admin/v1/channels/demo/campaigns", settings);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  campaignId = created.body.id;
  assert.deepEqual(created.body.variants.map((v) => v.share), shares, "the variants are stored as given");
  assert.equal(created.body.variants[0].message, undefined, "the first variant's message is `message`");
  assert.equal(created.body.variants[2].message.text, TEXTS[2]);
  assert.equal(created.body.controlPercent, 20);
  assert.equal((await call("POST", `/admin/v1/campaigns/${campaignId}/start`)).status, 200);

  // 200 visitors, 40 at a time: each sees the message of the arm the hash gives, or nothing.
  const visitors = await inBatches(Array.from({ length: 200 }), 40, () => newVisitor());
  for (const v of visitors) {
    assert.equal(v.firstSeen, expectedArm(v.visitorId, campaignId, shares), `${v.visitorId} sees its own arm`);
  }
  const seen = tally(visitors);
  for (const arm of [0, 1, 2, "control"]) assert.ok(seen[arm].assigned > 0, `some visitors are in arm ${arm}: ${JSON.stringify(seen)}`);

  // Every third visitor reaches the goal (no message needed: the control counts too).
  await inBatches(visitors.filter((_, i) => i % 3 === 0), 20, async (v, i) => {
    v.goal = true;
    await post("/v1/events", { visitorId: v.visitorId, token: v.token, events: [{ id: `goal-${v.visitorId}`, name: "CheckoutComplete" }] }, v.client);
  });
  const first = await armCounts();
  assert.deepEqual(first.counts, tally(visitors), "the API counts each arm's visitors and goals as they happened");
  assert.equal(first.body.variants.length, 3);
  for (const v of first.body.variants) {
    assert.equal(v.share, shares[v.index]);
    assert.equal(v.goalRate, v.reachedGoal / v.assigned);
    assert.ok(v.vsControl && Number.isFinite(v.vsControl.z) && v.vsControl.pValue >= 0 && v.vsControl.pValue <= 1, JSON.stringify(v));
    assert.equal(v.vsControl.significant, v.vsControl.pValue < 0.05);
    assert.ok(Math.abs(v.vsControl.difference - (v.goalRate - first.body.control.goalRate)) < 1e-12);
  }

  // Two members, each with two devices of different arms and no goal, assigned in this
  // order: device 1 of each before device 2 (the 200 were assigned in batches, in order).
  const pick = (from, unlike) => from.find((v) => !v.goal && !v.paired && v.firstSeen !== unlike && (v.paired = true));
  const early1 = pick(visitors.slice(0, 60));
  const late1 = pick(visitors.slice(140), early1.firstSeen);
  const early2 = pick(visitors.slice(0, 60));
  const late2 = pick(visitors.slice(140), early2.firstSeen);
  const signIn = (v, memberId) => post("/v1/boot", { visitorId: v.visitorId, token: v.token, memberId }, v.client);
  // Member 1 signs in on the earlier device first, then on the later one (merged into it).
  const member1 = await signIn(early1, "variants-member-1");
  assert.equal(member1.visitorId, early1.visitorId, "the first device becomes the member's customer");
  const merged1 = await signIn(late1, "variants-member-1");
  assert.equal(merged1.visitorId, early1.visitorId, "the second device merges into it");
  // Member 2 signs in on the later device first: the earlier, anonymous one merges into it.
  const member2 = await signIn(late2, "variants-member-2");
  assert.equal(member2.visitorId, late2.visitorId);
  const merged2 = await signIn(early2, "variants-member-2");
  assert.equal(merged2.visitorId, late2.visitorId);
  const members = [
    { visitorId: early1.visitorId, token: merged1.token, client: late1.client, arm: early1.firstSeen },
    { visitorId: late2.visitorId, token: merged2.token, client: early2.client, arm: early2.firstSeen },
  ];
  // The merged-away device's row is gone; the member keeps the earlier arm.
  // (Member 2's customer is the later device's id, holding the earlier device's arm.)
  const afterMerge = tally(visitors.filter((v) => v !== late1 && v !== late2));
  assert.deepEqual((await armCounts()).counts, afterMerge, "a merge keeps one assignment per customer, the earlier");

  // The shares change; a day later the campaign may reach everyone again (it repeats).
  const newShares = [10, 10, 60];
  const edited = await call("PUT", `/admin/v1/campaigns/${campaignId}`, {
    ...settings,
    variants: settings.variants.map((v, i) => ({ ...v, share: newShares[i] })),
  });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
  await moveClock(env.worker, 25 * HOUR);

  // Re-visits keep the first arm, whatever the new shares say.
  const returning = visitors.filter((v) => !v.paired).slice(0, 60);
  const moved = returning.filter((v) => expectedArm(v.visitorId, campaignId, newShares) !== v.firstSeen);
  assert.ok(moved.length > 0, "the new shares would put some of them elsewhere");
  const again = await inBatches(returning, 20, (v) => view(v, `again-${v.visitorId}`));
  assert.deepEqual(again, returning.map((v) => v.firstSeen), "each returning visitor sees its first arm again");
  // Signed-in members see the earlier device's arm on their next page.
  for (const [i, member] of members.entries()) {
    assert.equal(await view(member, `member-${i}`), member.arm, `member ${i + 1} keeps the earlier arm`);
  }
  // New visitors follow the new shares.
  const newcomers = await inBatches(Array.from({ length: 20 }), 20, () => newVisitor());
  for (const v of newcomers) assert.equal(v.firstSeen, expectedArm(v.visitorId, campaignId, newShares));

  const last = await armCounts();
  const expected = tally(newcomers);
  for (const arm of [0, 1, 2, "control"]) {
    expected[arm].assigned += afterMerge[arm].assigned;
    expected[arm].reachedGoal += afterMerge[arm].reachedGoal;
  }
  assert.deepEqual(last.counts, expected, "re-visits add no assignment; newcomers add theirs");
  console.log(`# the visitors took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
