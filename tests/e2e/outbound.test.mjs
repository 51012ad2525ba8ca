// Email and SMS messages, from the reader's side: the open pixel and tracked clicks count
// once through the delivery counters, a click leads only to the campaign's button, an SMS
// without a button opens a page with the message, unsubscribe links (a form in a browser,
// or RFC 8058 one-click) set the customer's flag, and the email provider's webhook sets
// the customer's emailStatus. Sending itself runs from the campaign queue (tested there);
// the provider stand-in it will use is checked here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { SCREENSHOTS, admin, adminCall, statsWhen, suite } from "./harness.mjs";
import { startProviders } from "./providers.mjs";

const TRACKING_SECRET = "e2e-tracking-secret";
const WEBHOOK_SECRET = "e2e-webhook-secret";
const PUBLIC_URL = "https://shop.kizuna.example";
const NOW = "CAST(strftime('%s', 'now') AS INTEGER) * 1000";

const delivery = (id, visitor, campaign) =>
  `INSERT INTO deliveries (id, channel_id, campaign_id, visitor_id, display, sent_at)
   VALUES ('${id}', 'demo', '${campaign}', '${visitor}', 'bubble', ${NOW})`;

const env = suite({
  vars: { TRACKING_SECRET, EMAIL_WEBHOOK_SECRET: WEBHOOK_SECRET, PUBLIC_URL },
  sql: [
    `INSERT INTO customers (channel_id, id, created_at, updated_at, profile_email, profile_mobile_number)
     VALUES ('demo', 'v_out_reader', 1795000000000, 1795000000000, 'reader@tea.example', '+819000000001'),
            ('demo', 'v_out_other', 1795000000000, 1795000000000, 'other@tea.example', NULL),
            ('elsewhere', 'v_out_reader', 1795000000000, 1795000000000, 'reader@tea.example', NULL)`,
    // A campaign whose message has no button (its SMS links to the open page).
    `INSERT INTO campaigns (id, channel_id, name, state, priority, definition, created_at, updated_at)
     VALUES ('c_out_plain', 'demo', 'Plain <notice>', 'paused', 20,
       '{"id":"c_out_plain","name":"Plain <notice>","state":"paused",
         "trigger":{"event":"PageView","urlContains":"/never/"},
         "message":{"sender":{"name":"Kizuna Tea Shop"},"text":"Our shop is closed on <Monday>.\\nSee you soon.",
                    "buttons":[],"display":"bubble"},
         "goal":{"kind":"event","name":"CheckoutComplete"}}',
       1795000000000, 1795000000000)`,
    delivery("d_out_open", "v_out_reader", "c_tea_bubble"),
    delivery("d_out_click", "v_out_reader", "c_tea_bubble"),
    delivery("d_out_plain", "v_out_reader", "c_out_plain"),
    delivery("d_out_unsub", "v_out_reader", "c_tea_bubble"),
  ],
});

/** The token the worker signs: `{delivery}.{e|s}.{first 16 bytes of HMAC-SHA256, hex}`. */
function token(deliveryId, medium) {
  const sig = createHmac("sha256", TRACKING_SECRET).update(`${deliveryId}|${medium}`).digest("hex").slice(0, 32);
  return `${deliveryId}.${medium[0]}.${sig}`;
}

const link = (deliveryId, medium, rest) => `${env.worker.base}/t/${token(deliveryId, medium)}/${rest}`;
const totals = async (campaign) => (await admin(env.worker, `/admin/v1/campaigns/${campaign}/stats`)).totals;
const customer = async (id) => (await adminCall(env.worker, "GET", `/admin/v1/channels/demo/customers/${id}`)).body;

test("an email's open pixel counts one view, once, and always answers a 1x1 GIF", async () => {
  const before = await totals("c_tea_bubble");
  for (let i = 0; i < 3; i++) {
    const pixel = await fetch(link("d_out_open", "email", "open.gif"));
    assert.equal(pixel.status, 200);
    assert.equal(pixel.headers.get("content-type"), "image/gif");
    assert.match(pixel.headers.get("cache-control"), /no-store/);
    const bytes = Buffer.from(await pixel.arrayBuffer());
    assert.equal(bytes.subarray(0, 6).toString("latin1"), "GIF89a");
    assert.deepEqual([bytes.readUInt16LE(6), bytes.readUInt16LE(8)], [1, 1]);
  }
  const after = await statsWhen(env.worker, "c_tea_bubble", (s) => s.totals.view === before.view + 1);
  assert.equal(after.totals.click, before.click, "opening is not clicking");
  assert.equal((await totals("c_tea_bubble")).view, before.view + 1, "three opens count one view");

  // A token the worker did not sign reaches nothing.
  const good = token("d_out_open", "email");
  for (const bad of [good.replace(".e.", ".s."), `${good.slice(0, -1)}${good.endsWith("0") ? "1" : "0"}`, "d_out_open.e.00"]) {
    const refused = await fetch(`${env.worker.base}/t/${bad}/open.gif`);
    assert.equal(refused.status, 404, bad);
    assert.equal((await refused.json()).error.code, "not_found");
  }
});

test("a tracked click counts a view and a click and redirects only to the campaign's button", async () => {
  const before = await totals("c_tea_bubble");
  const click = await fetch(`${link("d_out_click", "email", "click/0")}?url=https://evil.example/`, { redirect: "manual" });
  assert.equal(click.status, 302);
  assert.equal(click.headers.get("location"), `${PUBLIC_URL}/sale`, "the button's site path, made absolute against PUBLIC_URL");
  const after = await statsWhen(env.worker, "c_tea_bubble", (s) => s.totals.click === before.click + 1);
  assert.equal(after.totals.view, before.view + 1, "a click implies a view");

  const again = await fetch(link("d_out_click", "sms", "click/0"), { redirect: "manual" });
  assert.equal(again.status, 302, "a second click still leads to the button");
  assert.equal((await totals("c_tea_bubble")).click, before.click + 1, "but counts nothing twice");

  for (const rest of ["click/1", "click/x", "click/-1"]) {
    assert.equal((await fetch(link("d_out_click", "email", rest), { redirect: "manual" })).status, 404, rest);
  }
});

test("an SMS link without a button counts the view and shows the message, escaped, without script", async () => {
  const before = await totals("c_out_plain");
  const opened = await fetch(link("d_out_plain", "sms", "open"));
  assert.equal(opened.status, 200);
  assert.match(opened.headers.get("content-type"), /^text\/html/);
  assert.match(opened.headers.get("content-security-policy"), /default-src 'none'/);
  const html = await opened.text();
  assert.ok(html.includes("<title>Plain &lt;notice&gt;</title>"), html);
  assert.ok(html.includes("Our shop is closed on &lt;Monday&gt;.<br>See you soon."), html);
  assert.ok(!html.includes("<script"));
  await statsWhen(env.worker, "c_out_plain", (s) => s.totals.view === before.view + 1);
});

test("an unsubscribe link shows a form; confirming it in a browser sets unsubscribeEmail", async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const before = await customer("v_out_reader");
  assert.deepEqual([before.unsubscribeEmail, before.unsubscribeTexting], [false, false]);

  const page = await env.browser.newPage();
  await page.goto(link("d_out_unsub", "email", "unsubscribe"));
  assert.match(await page.textContent("body"), /Stop receiving marketing emails from Kizuna Demo Shop\?/);
  assert.equal((await customer("v_out_reader")).unsubscribeEmail, false, "looking at the page changes nothing");
  await page.screenshot({ path: join(SCREENSHOTS, "unsubscribe-form.png") });
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  assert.match(await page.textContent("h1"), /You are unsubscribed/);
  await page.screenshot({ path: join(SCREENSHOTS, "unsubscribed.png") });
  await page.close();

  const after = await customer("v_out_reader");
  assert.deepEqual([after.unsubscribeEmail, after.unsubscribeTexting], [true, false], "only the email flag");
  assert.ok(after.updatedAt > before.updatedAt, "a change to the customer moves updatedAt");
});

test("a mail client's one-click unsubscribe (RFC 8058) on an SMS token sets unsubscribeTexting", async () => {
  const oneClick = await fetch(link("d_out_unsub", "sms", "unsubscribe"), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "List-Unsubscribe=One-Click",
  });
  assert.equal(oneClick.status, 200);
  assert.match(await oneClick.text(), /marketing text messages/);
  assert.equal((await customer("v_out_reader")).unsubscribeTexting, true);
  const again = await fetch(link("d_out_unsub", "sms", "unsubscribe"), { method: "POST", body: "List-Unsubscribe=One-Click" });
  assert.equal(again.status, 200, "unsubscribing twice is fine");
});

test("the email webhook sets emailStatus in the event's channel; wrong secrets and bad bodies are refused", async () => {
  const hook = (body, secret = WEBHOOK_SECRET) =>
    fetch(`${env.worker.base}/v1/webhooks/email`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(secret ? { authorization: `Bearer ${secret}` } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  assert.equal((await customer("v_out_other")).emailStatus, "unconfirmed");

  const complained = await hook({
    events: [
      { channel: "demo", email: "reader@tea.example", status: "complained", timestamp: 1 },
      { channel: "demo", email: "other@tea.example", status: "delivered" },
    ],
  });
  assert.equal(complained.status, 200);
  // Two rows, not three: the customer with the same address in channel "elsewhere" is untouched.
  assert.deepEqual(await complained.json(), { received: 2, updated: 2 });
  assert.equal((await customer("v_out_reader")).emailStatus, "spam");
  assert.equal((await customer("v_out_other")).emailStatus, "ok");

  // emailStatus is a read-only built-in field that filters see.
  const found = await adminCall(env.worker, "POST", "/admin/v1/channels/demo/customers/search", {
    filter: { field: "emailStatus", op: "equals", value: "spam" },
  });
  assert.deepEqual(found.body.customers.map((c) => c.id), ["v_out_reader"]);
  const fields = await adminCall(env.worker, "GET", "/admin/v1/channels/demo/fields");
  const field = fields.body.fields.find((f) => f.key === "emailStatus");
  assert.deepEqual([field?.type, field?.access], ["string", "readOnly"]);

  for (const secret of ["wrong-secret", `${WEBHOOK_SECRET}x`, null]) {
    const refused = await hook({ events: [{ channel: "demo", email: "reader@tea.example", status: "delivered" }] }, secret);
    assert.equal(refused.status, 401, String(secret));
  }
  for (const [body, field] of [
    [{ events: [{ channel: "demo", email: "reader@tea.example", status: "opened" }] }, "events[0].status"],
    [{ events: [{ channel: "demo", email: "a@b.c", status: "bounced" }, { channel: "demo", email: "nobody", status: "bounced" }] }, "events[1].email"],
    [{ events: [{ channel: "not a channel", email: "a@b.c", status: "bounced" }] }, "events[0].channel"],
    [{ events: "all of them" }, "events"],
  ]) {
    const refused = await hook(body);
    assert.equal(refused.status, 400, JSON.stringify(body));
    assert.equal((await refused.json()).error.field, field, JSON.stringify(body));
  }
  assert.equal((await customer("v_out_reader")).emailStatus, "spam", "refused calls changed nothing");
});

test("the provider stand-in records each message once per Idempotency-Key", async () => {
  const providers = await startProviders();
  try {
    const post = (path, key, body) =>
      fetch(`${providers.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer k", "idempotency-key": key },
        body: JSON.stringify(body),
      }).then((r) => r.json());
    const first = await post("/send", "d_1-email", { to: "a@b.c", subject: "Hi" });
    const retry = await post("/send", "d_1-email", { to: "a@b.c", subject: "Hi" });
    const text = await post("/messages", "d_1-sms", { to: "+81", body: "Hi" });
    assert.equal(retry.id, first.id);
    assert.notEqual(text.id, first.id);
    assert.equal(providers.emails.length, 1);
    assert.equal(providers.emails[0].headers.authorization, "Bearer k");
    assert.deepEqual(providers.sms.map((m) => m.body), [{ to: "+81", body: "Hi" }]);
  } finally {
    await providers.stop();
  }
});
