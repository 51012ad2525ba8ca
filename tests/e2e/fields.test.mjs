// A channel's field schema: custom profile.* fields of every type, sent by the site's
// JS API from a real page and edited by managers; wrong types refused naming the field;
// write-once kept; display names, order, hiding and archiving; filters on custom fields.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { adminCall, customerWhen, suite } from "./harness.mjs";

const STAFF_TOKEN = "kz_demo_staff_token";
const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const env = suite({
  sql: [
    `INSERT INTO members (id, email, name, created_at) VALUES ('m_staff', 'staff@example.jp', 'Staff', 0);
     INSERT INTO channel_members (channel_id, member_id, role) VALUES ('demo', 'm_staff', 'member');
     INSERT INTO api_tokens (token_hash, member_id, label, created_at) VALUES ('${sha256(STAFF_TOKEN)}', 'm_staff', 'staff', 0);`,
  ],
});

const call = (method, path, body) => adminCall(env.worker, method, `/admin/v1/channels/demo${path}`, body);
const keys = (fields) => fields.filter((f) => f.key.startsWith("profile.")).map((f) => f.key);

test("managers add typed custom fields; the site's values are checked, kept once, filtered on", async () => {
  const listed = await call("GET", "/fields");
  assert.equal(listed.status, 200);
  const email = listed.body.fields.find((f) => f.key === "profile.email");
  assert.deepEqual([email.type, email.builtIn, email.access], ["string", true, "siteAndManager"]);
  assert.equal(listed.body.fields.find((f) => f.key === "profile.utmSource").writeOnce, true);

  for (const [key, displayName, type, writeOnce] of [
    ["profile.plan", "Plan", "string", false],
    ["profile.points", "Points", "number", false],
    ["profile.vip", "VIP", "boolean", false],
    ["profile.signedUpAt", "Signed up", "date", true],
    ["profile.interests", "Interests", "list", false],
  ]) {
    const added = await call("POST", "/fields", { key, displayName, type, writeOnce });
    assert.equal(added.status, 201, JSON.stringify(added.body));
  }
  for (const [body, field] of [
    [{ key: "profile.color", displayName: "Color", type: "colour" }, "type"],
    [{ key: "plan2", displayName: "Plan", type: "string" }, "key"],
    [{ key: "profile.plan", displayName: "Plan again", type: "string" }, "key"],
    [{ key: "profile.email", displayName: "Mail", type: "string" }, "key"],
    [{ key: "profile.has space", displayName: "x", type: "string" }, "key"],
    [{ key: "profile.x", displayName: " ", type: "string" }, "displayName"],
  ]) {
    const refused = await call("POST", "/fields", body);
    assert.equal(refused.status, 400, JSON.stringify(body));
    assert.equal(refused.body.error.field, field, JSON.stringify(refused.body));
  }
  const staff = await fetch(`${env.worker.base}/admin/v1/channels/demo/fields`, {
    method: "POST",
    headers: { authorization: `Bearer ${STAFF_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ key: "profile.staffField", displayName: "x", type: "string" }),
  });
  assert.equal(staff.status, 403, "members read the schema; owners change it");

  // The site sends custom values through the JS API, on a real page.
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const warnings = [];
  page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  await page.goto(`${env.worker.base}/`);
  const visitor = await page.waitForFunction(() => localStorage.getItem("kz:demo:visitor")).then((h) => h.jsonValue());
  await page.evaluate(() =>
    window.Kizuna("boot", {
      memberId: "member-fields",
      profile: { name: "Mio Kato", plan: "free", points: 3, vip: true, signedUpAt: 1_700_000_000_000, interests: ["sencha", "hojicha"] },
    }),
  );
  const booted = await customerWhen(env.worker, visitor, (c) => c.profile.plan === "free");
  assert.deepEqual(
    [booted.profile.points, booted.profile.vip, booted.profile.signedUpAt, booted.profile.interests],
    [3, true, 1_700_000_000_000, ["sencha", "hojicha"]],
  );
  await page.evaluate(() => window.Kizuna("updateUser", { profile: { plan: "gold", signedUpAt: 1_800_000_000_000 } }));
  const updated = await customerWhen(env.worker, visitor, (c) => c.profile.plan === "gold");
  assert.equal(updated.profile.signedUpAt, 1_700_000_000_000, "a write-once field keeps its first value");

  // The page's visitor token, renewed by its boots: public requests carry it.
  const token = await page.evaluate(() => localStorage.getItem("kz:demo:token"));
  const wrongType = await fetch(`${env.worker.base}/v1/profile`, {
    method: "POST",
    body: JSON.stringify({ channel: "demo", visitorId: visitor, token, profile: { points: "many" } }),
  });
  assert.equal(wrongType.status, 400);
  assert.equal((await wrongType.json()).error.field, "profile.points");
  const unknown = await fetch(`${env.worker.base}/v1/profile`, {
    method: "POST",
    body: JSON.stringify({ channel: "demo", visitorId: visitor, token, profile: { shoeSize: 42 } }),
  });
  assert.equal((await unknown.json()).error.field, "profile.shoeSize");
  await page.evaluate(() => window.Kizuna("updateUser", { profile: { vip: "yes" } }));
  await page.waitForFunction(() => true);
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(warnings.some((w) => w.includes("profile.vip")), `the widget explains the refusal: ${warnings}`);

  // Filters and segments use custom fields with the operators of their type.
  const search = (filter) => call("POST", "/customers/search", { filter });
  const found = await search({
    all: [
      { field: "profile.points", op: "greaterThan", value: 2 },
      { field: "profile.vip", op: "isTrue" },
      { field: "profile.interests", op: "containsAny", value: ["hojicha"] },
      { field: "profile.signedUpAt", op: "before", value: 1_750_000_000_000 },
      { field: "profile.plan", op: "equals", value: "gold" },
    ],
  });
  assert.equal(found.status, 200, JSON.stringify(found.body));
  assert.deepEqual(found.body.customers.map((c) => c.id), [visitor]);
  const wrongOp = await search({ field: "profile.points", op: "contains", value: "3" });
  assert.equal(wrongOp.body.error.field, "filter.op");

  // Managers edit values: types checked, write-once refused whole, the memo theirs.
  const edit = (profile) => call("PATCH", `/customers/${visitor}`, { profile });
  const conflict = await edit({ plan: "platinum", signedUpAt: 1_900_000_000_000 });
  assert.equal(conflict.status, 409);
  assert.equal(conflict.body.error.field, "profile.signedUpAt");
  const unchanged = await call("GET", `/customers/${visitor}`);
  assert.equal(unchanged.body.profile.plan, "gold", "nothing half-written");
  assert.equal((await edit({ points: [1] })).body.error.field, "profile.points");
  assert.equal((await edit({ utmSource: "manual" })).body.error.field, "profile.utmSource");
  const memo = await edit({ description: "Prefers sencha", points: 10, interests: [] });
  assert.equal(memo.status, 200, JSON.stringify(memo.body));
  assert.deepEqual([memo.body.profile.description, memo.body.profile.points, memo.body.profile.interests], ["Prefers sencha", 10, []]);
  const siteMemo = await fetch(`${env.worker.base}/v1/profile`, {
    method: "POST",
    body: JSON.stringify({ channel: "demo", visitorId: visitor, token, profile: { description: "from the site" } }),
  });
  assert.equal((await siteMemo.json()).error.field, "profile.description");

  // Display names, order, hiding and archiving.
  const renamed = await call("PATCH", "/fields/profile.plan", { displayName: "Membership plan" });
  assert.equal(renamed.body.fields.find((f) => f.key === "profile.plan").displayName, "Membership plan");
  assert.equal((await call("PATCH", "/fields/profile.plan", { type: "number" })).body.error.field, "type");
  assert.equal((await call("PATCH", "/fields/profile.email", { visibility: "hidden" })).body.error.field, "visibility");
  assert.equal((await call("PATCH", "/fields/profile.nope", { displayName: "x" })).status, 404);
  const order = keys(renamed.body.fields);
  const reordered = [order.at(-1), ...order.slice(0, -1)];
  const put = await call("PUT", "/fields/order", { keys: reordered });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.deepEqual(keys(put.body.fields), reordered);
  assert.deepEqual(keys((await call("GET", "/fields")).body.fields), reordered, "the order is kept");
  assert.equal((await call("PUT", "/fields/order", { keys: reordered.slice(1) })).body.error.field, "keys");

  const archived = await call("PATCH", "/fields/profile.interests", { visibility: "archived" });
  assert.equal(archived.body.fields.find((f) => f.key === "profile.interests").visibility, "archived");
  await call("PATCH", "/fields/profile.vip", { visibility: "hidden" });
  const afterHide = await call("GET", `/customers/${visitor}`);
  assert.equal(afterHide.body.profile.vip, undefined, "a hidden field is not shown");
  assert.deepEqual(afterHide.body.profile.interests, [], "an archived field is still shown in the customer database");
  assert.equal((await search({ field: "profile.vip", op: "isTrue" })).body.error.field, "filter.field");
  assert.equal((await edit({ vip: false })).body.error.field, "profile.vip");
  // The site's value for a hidden field is no longer collected (and breaks nothing).
  const dropped = await fetch(`${env.worker.base}/v1/profile`, {
    method: "POST",
    body: JSON.stringify({ channel: "demo", visitorId: visitor, token, profile: { vip: false, points: 11 } }),
  });
  assert.equal(dropped.status, 200);
  await customerWhen(env.worker, visitor, (c) => c.profile.points === 11);
  await call("PATCH", "/fields/profile.vip", { visibility: "visible" });
  assert.equal((await call("GET", `/customers/${visitor}`)).body.profile.vip, true, "hiding kept the data");
  await context.close();
});
