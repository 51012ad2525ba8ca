// Issue 10, items 2 and 10: the edge issues visitor ids and visitor tokens at boot, and
// knowing someone's visitor id no longer makes you that visitor. Each impersonation
// attempt below worked before the token; anonymous boot validates and keeps its profile;
// the widget boots again when its token is refused and resends its outbox, counted once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { admin, adminCall, asVisitor, bootVisitor, moveClock, statsWhen, suite } from "./harness.mjs";

const env = suite();
const DAY = 24 * 60 * 60 * 1000;
const call = (method, path, body) => adminCall(env.worker, method, path, body);
const customer = async (id) => (await call("GET", `/admin/v1/channels/demo/customers/${id}`)).body;

async function refusedForToken(response) {
  assert.equal(response.status, 401, "refused without the visitor's own token");
  const { error } = await response.json();
  assert.deepEqual([error.code, error.field], ["unauthorized", "token"]);
}

test("the edge issues the visitor id and token; it never adopts an id the caller chose", async () => {
  const first = await bootVisitor(env.worker);
  assert.match(first.visitorId, /^v_[0-9a-f]{32}$/);
  assert.match(first.token, /^\d+\.[0-9a-f]{64}$/);
  const again = await bootVisitor(env.worker, { visitorId: first.visitorId, token: first.token });
  assert.equal(again.visitorId, first.visitorId, "a valid token keeps the visitor");
  // A 1-character id (or any id a browser kept from before tokens) gets a fresh one.
  for (const visitorId of ["a", "v_kept_from_before"]) {
    const booted = await bootVisitor(env.worker, { visitorId });
    assert.notEqual(booted.visitorId, visitorId);
    assert.match(booted.visitorId, /^v_[0-9a-f]{32}$/);
  }
  const flipped = first.token.endsWith("0") ? "1" : "0";
  const forged = await bootVisitor(env.worker, { visitorId: first.visitorId, token: `${first.token.slice(0, -1)}${flipped}` });
  assert.notEqual(forged.visitorId, first.visitorId, "a forged token is no token");
  await refusedForToken(await asVisitor(env.worker, "/v1/events", { visitorId: "a" }, { events: [{ id: "e1", name: "PageView" }] }));
});

test("someone else's visitor id does not take their pending messages", async () => {
  const created = await call("POST", "/admin/v1/channels/demo/campaigns", {
    name: "Left a cart",
    trigger: { event: "TokenCartLeft" },
    message: { sender: { name: "Shop" }, text: "Your cart waits.", display: "bubble" },
  });
  assert.equal((await call("POST", `/admin/v1/campaigns/${created.body.id}/start`)).status, 200);
  const victim = await bootVisitor(env.worker);
  const beacon = await asVisitor(env.worker, "/v1/events", victim, { leaving: true, events: [{ id: "e_cart", name: "TokenCartLeft" }] });
  assert.equal(beacon.status, 200);
  const attacker = await bootVisitor(env.worker);
  await refusedForToken(await asVisitor(env.worker, "/v1/messages", { visitorId: victim.visitorId }));
  await refusedForToken(await asVisitor(env.worker, "/v1/messages", { visitorId: victim.visitorId, token: attacker.token }));
  const own = await (await asVisitor(env.worker, "/v1/messages", victim)).json();
  assert.deepEqual(own.popups.map((p) => p.text), ["Your cart waits."], "still the victim's");
});

test("a member's email cannot be rewritten with only their customer id, nor their sign-in claimed by booting it", async () => {
  const member = await bootVisitor(env.worker, { memberId: "member-token-1", profile: { email: "aiko@example.jp" } });
  assert.equal(member.member, true);
  await refusedForToken(await asVisitor(env.worker, "/v1/profile", { visitorId: member.visitorId }, { profile: { email: "thief@example.com" } }));
  assert.equal((await customer(member.visitorId)).profile.email, "aiko@example.jp");
  const claimed = await bootVisitor(env.worker, { visitorId: member.visitorId });
  assert.equal(claimed.member, false, "booting a member's customer id is not signing in");
  assert.notEqual(claimed.visitorId, member.visitorId);
});

test("anonymous boot refuses an unknown or mistyped profile value naming it, and keeps a valid one", async () => {
  const boot = (profile) => fetch(`${env.worker.base}/v1/boot`, { method: "POST", body: JSON.stringify({ channel: "demo", profile }) });
  for (const [profile, field] of [
    [{ favouriteColour: "green" }, "profile.favouriteColour"],
    [{ email: 42 }, "profile.email"],
  ]) {
    const refused = await boot(profile);
    assert.equal(refused.status, 400, JSON.stringify(profile));
    assert.equal((await refused.json()).error.field, field);
  }
  const kept = await (await boot({ email: "mio@example.jp" })).json();
  assert.equal(kept.member, false);
  assert.equal((await customer(kept.visitorId)).profile.email, "mio@example.jp");
});

test("with verification off, naming a memberId neither overwrites a trusted email or phone nor reads earlier pending messages", async () => {
  // The demo channel keeps identity verification off (its static shop has no server).
  const victim = await bootVisitor(env.worker, { memberId: "member-victim", profile: { name: "Aiko" } });
  const edited = await call("PATCH", `/admin/v1/channels/demo/customers/${victim.visitorId}`, {
    profile: { email: "aiko@example.jp", mobileNumber: "+81 90-1111-2222" },
  });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
  const created = await call("POST", "/admin/v1/channels/demo/campaigns", {
    name: "For Aiko only",
    kind: "broadcast",
    audience: { filter: { field: "id", op: "equals", value: victim.visitorId } },
    message: { sender: { name: "Shop" }, text: "Your private offer.", display: "bubble" },
  });
  assert.equal((await call("POST", `/admin/v1/campaigns/${created.body.id}/start`)).status, 200);
  await fannedOut(created.body.id);

  const attacker = await bootVisitor(env.worker, {
    memberId: "member-victim",
    profile: { email: "thief@example.com", mobileNumber: "+1 555-0100", name: "Thief" },
  });
  assert.equal(attacker.visitorId, victim.visitorId, "the sign-in itself still works (verification is off)");
  assert.deepEqual(attacker.popups, []);
  const seen = await (await asVisitor(env.worker, "/v1/messages", attacker)).json();
  assert.deepEqual(seen.popups, [], "no message delivered before the sign-in");
  const profile = (await customer(victim.visitorId)).profile;
  assert.deepEqual([profile.email, profile.mobileNumber], ["aiko@example.jp", "+81 90-1111-2222"], "the manager's values stay");
  await asVisitor(env.worker, "/v1/profile", attacker, { profile: { email: "thief@example.com" } });
  assert.equal((await customer(victim.visitorId)).profile.email, "aiko@example.jp", "nor does updateUser replace them");
  assert.equal((await admin(env.worker, `/admin/v1/campaigns/${created.body.id}/stats`)).totals.sent, 0, "no page of the attacker took it: not sent");
  const own = await (await asVisitor(env.worker, "/v1/messages", victim)).json();
  assert.deepEqual(own.popups.map((p) => p.text), ["Your private offer."], "the member's own page still gets it");
  await statsWhen(env.worker, created.body.id, (s) => s.totals.sent === 1); // sent when the member's own page took it
});

/** Waits until a broadcast's fan-out passed its one customer (the message is released, waiting for a page). */
async function fannedOut(campaign) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const run = await admin(env.worker, `/admin/v1/campaigns/${campaign}/broadcast`).catch(() => undefined);
    if (run?.state === "done" && run.processed === 1) return;
    if (Date.now() > deadline) throw new Error(`broadcast ${campaign}: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test("a token is refused after 30 days and once its customer is deleted", async () => {
  const visitor = await bootVisitor(env.worker);
  await moveClock(env.worker, 31 * DAY);
  try {
    await refusedForToken(await asVisitor(env.worker, "/v1/messages", visitor));
    const later = await bootVisitor(env.worker, { visitorId: visitor.visitorId, token: visitor.token });
    assert.notEqual(later.visitorId, visitor.visitorId, "an expired token starts a new visitor");
  } finally {
    await moveClock(env.worker, 0);
  }
  const deleted = await bootVisitor(env.worker);
  assert.equal((await asVisitor(env.worker, "/v1/events", deleted, { events: [{ id: "e1", name: "PageView" }] })).status, 200);
  assert.equal((await call("DELETE", `/admin/v1/channels/demo/customers/${deleted.visitorId}`)).status, 200);
  await refusedForToken(await asVisitor(env.worker, "/v1/messages", deleted));
});

test("the widget boots again when its token is refused and resends its outbox, counted once", async () => {
  const context = await env.browser.newContext();
  // A browser that kept an id from before tokens gets a new one at its next boot.
  await context.addInitScript(() => {
    if (!sessionStorage.getItem("seeded")) {
      sessionStorage.setItem("seeded", "1");
      localStorage.setItem("kz:demo:visitor", "v_kept_from_before");
    }
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  const sends = [];
  page.on("response", async (response) => {
    const body = response.request().postData() ?? "";
    if (response.url().endsWith("/v1/events") && body.includes("TokenRenewal")) {
      sends.push({ status: response.status(), reply: await response.json().catch(() => null) });
    }
  });
  await page.goto(`${env.worker.base}/`);
  await page.waitForFunction(() => localStorage.getItem("kz:demo:token"));
  const before = await page.evaluate(() => localStorage.getItem("kz:demo:visitor"));
  assert.notEqual(before, "v_kept_from_before");
  assert.match(before, /^v_[0-9a-f]{32}$/);

  await moveClock(env.worker, 31 * DAY); // the page's token expires
  try {
    await page.evaluate(() => window.Kizuna("track", "TokenRenewal", { step: 1 }));
    const deadline = Date.now() + 15_000;
    while (!sends.some((s) => s.status === 200) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(sends.map((s) => s.status), [401, 200], "refused, booted again, resent");
    assert.deepEqual([sends[1].reply.accepted, sends[1].reply.duplicates], [1, 0]);
    const after = await page.evaluate(() => localStorage.getItem("kz:demo:visitor"));
    assert.notEqual(after, before, "an expired token starts a new visitor");
    // Nothing is left in the outbox to send again: a reload sends no TokenRenewal.
    await page.reload();
    await page.waitForLoadState("networkidle");
    assert.equal(sends.length, 2, "counted once");
  } finally {
    await moveClock(env.worker, 0);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("a token is refused once its visitor shut down, and Kizuna('shutdown') in a browser does that", async () => {
  const member = await bootVisitor(env.worker, { memberId: "m-shut-api" });
  assert.equal(member.member, true);
  const shut = await asVisitor(env.worker, "/v1/shutdown", member, {});
  assert.equal(shut.status, 200);
  assert.deepEqual(await shut.json(), { shutDown: true });
  await refusedForToken(await asVisitor(env.worker, "/v1/messages", member));
  await refusedForToken(await asVisitor(env.worker, "/v1/shutdown", member, {}));
  const anonymous = await bootVisitor(env.worker, { visitorId: member.visitorId, token: member.token });
  assert.notEqual(anonymous.visitorId, member.visitorId, "the browser that kept it starts a new visitor");
  assert.equal(anonymous.member, false);
  const again = await bootVisitor(env.worker, { memberId: "m-shut-api", visitorId: member.visitorId, token: member.token });
  assert.equal(again.visitorId, member.visitorId, "signing in again reaches the member's customer");
  assert.equal((await asVisitor(env.worker, "/v1/messages", again)).status, 200, "with a new token");

  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.worker.base}/`);
  const signInAnswered = page.waitForResponse((r) => r.url().endsWith("/v1/boot") && (r.request().postData() ?? "").includes("m-shut-page"));
  await page.evaluate(() => window.Kizuna("boot", { memberId: "m-shut-page" }));
  const signedIn = await (await signInAnswered).json();
  assert.equal(signedIn.member, true);
  const old = await page
    .waitForFunction((id) => localStorage.getItem("kz:demo:visitor") === id && localStorage.getItem("kz:demo:token"), signedIn.visitorId)
    .then((h) => h.jsonValue());
  await page.evaluate(() => window.Kizuna("shutdown"));
  await page.waitForFunction((id) => {
    const now = localStorage.getItem("kz:demo:visitor");
    return now && now !== id;
  }, signedIn.visitorId);
  const deadline = Date.now() + 10_000;
  let status;
  do {
    status = (await asVisitor(env.worker, "/v1/messages", { visitorId: signedIn.visitorId, token: old })).status;
  } while (status !== 401 && Date.now() < deadline && (await new Promise((r) => setTimeout(r, 200)), true));
  assert.equal(status, 401, "the page's old token is refused after its shutdown");
  await context.close();
});
