// Becoming a member: the JS API's boot with memberId (queued before the widget loads, as
// a site's snippet would), identity verification with HMAC hashes and secret rotation,
// a second device merged into the member's customer, and shutdown.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { OWNER_TOKEN, admin, adminCall, suite } from "./harness.mjs";

const env = suite();

const hash = (secret, memberId) => createHmac("sha256", secret).update(memberId).digest("hex");

async function identity(body) {
  const answer = await adminCall(env.worker, "PUT", "/admin/v1/channels/demo/identity-verification", body);
  assert.equal(answer.status, 200);
  return answer.body;
}

/** A env.browser (a device) whose page calls Kizuna('boot', options) before the widget loads. */
async function device(bootOptions) {
  const context = await env.browser.newContext();
  await context.addInitScript((options) => {
    window.Kizuna = function () {
      (window.Kizuna.q = window.Kizuna.q || []).push(arguments);
    };
    if (options) window.Kizuna("boot", options);
  }, bootOptions);
  const page = await context.newPage();
  const warnings = [];
  page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  return { context, page, warnings };
}

async function visit(page, path) {
  await page.goto(`${env.worker.base}${path}`);
  await page.waitForLoadState("networkidle");
  return page.evaluate(() => localStorage.getItem("kz:demo:visitor"));
}

async function customersMatching(q) {
  return (await admin(env.worker, `/admin/v1/channels/demo/customers?q=${encodeURIComponent(q)}`)).customers;
}

test("members: accepted without verification, then only with a valid hash", async () => {
  const plain = await device({ memberId: "member-7", profile: { name: "Kenji Sato" } });
  await visit(plain.page, "/");
  const [kenji] = await customersMatching("kenji");
  assert.equal(kenji?.memberId, "member-7", "verification is off by default: the member id is taken");

  const { secret } = await identity({ enabled: true });
  assert.match(secret, /^kzs_[0-9a-f]{32}$/);

  const forged = await device({
    memberId: "member-42",
    memberHash: hash("not-the-secret", "member-42"),
    profile: { name: "Aiko Tanaka", email: "aiko@example.jp" },
  });
  const forgedVisitor = await visit(forged.page, "/");
  assert.ok(forged.warnings.some((w) => w.includes("memberHash")), `the refusal is explained: ${forged.warnings}`);
  assert.deepEqual(await customersMatching("aiko"), [], "a wrong hash links nothing");
  const anonymous = await admin(env.worker, `/admin/v1/channels/demo/customers/${forgedVisitor}`);
  assert.equal(anonymous.member, false);

  const phone = await device({
    memberId: "member-42",
    memberHash: hash(secret, "member-42"),
    profile: { name: "Aiko Tanaka", email: "aiko@example.jp" },
  });
  const phoneVisitor = await visit(phone.page, "/products/sencha");
  const [aiko] = await customersMatching("AIKO@example");
  assert.equal(aiko.id, phoneVisitor);
  assert.equal(aiko.member, true);
  assert.equal(aiko.memberId, "member-42");
  assert.equal(aiko.name, "Aiko Tanaka");
  assert.equal(aiko.sessionsCount, 1);

  // The same member on a second device: that visitor merges into the member's customer.
  const laptop = await device({ memberId: "member-42", memberHash: hash(secret, "member-42") });
  await visit(laptop.page, "/");
  const laptopVisitor = await laptop.page.evaluate(() => localStorage.getItem("kz:demo:visitor"));
  assert.equal(laptopVisitor, phoneVisitor, "the second device now uses the member's customer id");
  const merged = await customersMatching("aiko");
  assert.equal(merged.length, 1, "one customer per member");
  assert.equal(merged[0].sessionsCount, 2, "both devices' visits");

  // Rotation: the previous secret keeps working, an unknown one does not.
  const rotated = await identity({ enabled: true, rotateSecret: true });
  assert.notEqual(rotated.secret, secret);
  const boot = (memberHash) =>
    fetch(`${env.worker.base}/v1/boot`, {
      method: "POST",
      body: JSON.stringify({ channel: "demo", visitorId: phoneVisitor, memberId: "member-42", memberHash }),
    });
  assert.equal((await boot(hash(secret, "member-42"))).status, 200, "the previous secret is still honoured");
  assert.equal((await boot(hash(rotated.secret, "member-42"))).status, 200);
  const refused = await boot(hash("kzs_unknown", "member-42"));
  assert.equal(refused.status, 403);
  assert.equal((await refused.json()).error.field, "memberHash");

  // MAU counts each customer active this month once: the merged device is not extra.
  const everyone = (await admin(env.worker, "/admin/v1/channels/demo/customers?limit=200")).customers;
  const mau = await admin(env.worker, "/admin/v1/channels/demo/mau");
  assert.equal(mau.mau, everyone.length);
  assert.equal(everyone.length, 3, "member-7, the refused visitor, and member-42 (two devices)");
  assert.deepEqual(await admin(env.worker, "/admin/v1/channels/demo/mau?month=2020-01"), { month: "2020-01", mau: 0 });
  const badMonth = await fetch(`${env.worker.base}/admin/v1/channels/demo/mau?month=2026-13`, { headers: { authorization: `Bearer ${OWNER_TOKEN}` } });
  assert.equal(badMonth.status, 400);
  assert.equal((await badMonth.json()).error.field, "month");

  // Shutdown forgets the member: a new anonymous visitor begins.
  await phone.page.evaluate(() => window.Kizuna("shutdown"));
  const after = await phone.page.evaluate(() => localStorage.getItem("kz:demo:visitor"));
  assert.notEqual(after, phoneVisitor);
  for (const d of [plain, forged, phone, laptop]) await d.context.close();
});
