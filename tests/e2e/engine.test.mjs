// The campaign engine end to end, in moved time (the worker's development clock): an
// automated campaign with a wait and a schedule window fires at the right moment; a
// click and a goal count, a goal 8 days after delivery does not; a repeat-off campaign
// never shows twice; the stats answer exactly per day; a broadcast reaches an online
// visitor as a popup and an offline one by email (captured by a local provider server),
// then as a popup on their next visit. The clock only moves forward in this file.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { SCREENSHOTS, admin, adminCall, fireCron, kvNow, moveClock, settle, sqlNow, sqlRows, startWorker, statsWhen, suite } from "./harness.mjs";
import { startProviders } from "./providers.mjs";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TOKYO = 9 * HOUR; // the demo channel's zone, Asia/Tokyo, has no daylight saving

const providers = await startProviders();
after(() => providers.stop());
const env = suite({
  vars: {
    EMAIL_API_URL: providers.url,
    EMAIL_API_KEY: "test-email-key",
    SMS_API_URL: providers.url,
    SMS_API_KEY: "test-sms-key",
    EMAIL_FROM: "Kizuna Tea Shop <shop@example.jp>",
    TRACKING_SECRET: "test-tracking-secret",
    EMAIL_WEBHOOK_SECRET: "test-webhook-secret",
    PUBLIC_URL: "https://shop.kizuna.example",
  },
});
const call = (method, path, body) => adminCall(env.worker, method, path, body);

/** The worker's clock is moved to `at` (ms since the epoch, worker time). */
let offset = 0;
async function setClock(at) {
  offset = at - Date.now();
  return moveClock(env.worker, offset);
}
const workerNow = () => Date.now() + offset;

/** Tokyo's civil date (YYYY-MM-DD) and midnight of the day `days` after `at`'s. */
function tokyoDay(at, days = 0) {
  const midnight = Math.floor((at + TOKYO) / DAY) * DAY - TOKYO + days * DAY;
  return { midnight, date: new Date(midnight + TOKYO).toISOString().slice(0, 10), weekday: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][new Date(midnight + TOKYO).getUTCDay()] };
}

async function create(settings) {
  const created = await call("POST", "/admin/v1/channels/demo/campaigns", settings);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const started = await call("POST", `/admin/v1/campaigns/${created.body.id}/start`);
  assert.equal(started.status, 200, JSON.stringify(started.body));
  return created.body.id;
}

async function visit(path, context) {
  context ??= await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${env.worker.base}${path}`);
  await page.waitForFunction(() => localStorage.getItem("kz:demo:visitor"));
  const visitorId = await page.evaluate(() => localStorage.getItem("kz:demo:visitor"));
  return { context, page, errors, visitorId };
}

/** Whether the widget shows `selector` (".b" bubble, ".o" fullscreen) within `ms`. */
async function shows(page, selector, ms) {
  return page.locator(`[data-kizuna] ${selector}`).waitFor({ state: "visible", timeout: ms }).then(() => true, () => false);
}

/** A visitor who gave their email on a page, then closed it (the browser context stays). */
async function customerWithEmail(email) {
  const v = await visit("/");
  await v.page.evaluate((email) => window.Kizuna("updateUser", { profile: { email } }), email);
  await statsReady(() => admin(env.worker, `/admin/v1/channels/demo/customers/${v.visitorId}`), (c) => c.profile?.email === email);
  await v.page.close();
  return v;
}

function message(text, display = "bubble", buttons = []) {
  return { sender: { name: "Kizuna Tea Shop" }, text, display, buttons };
}

test("an automated campaign with a wait and a schedule window fires at the window's opening in moved time", async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const start = workerNow();
  const windowDay = tokyoDay(start, 2);
  const opening = windowDay.midnight + 9 * HOUR;
  const id = await create({
    name: "Letter readers: tea master's note",
    trigger: { event: "PageView", url: { include: [{ op: "startsWith", value: "/newsletter" }] } },
    wait: { hours: 2 },
    schedule: { windows: [{ days: [windowDay.weekday], from: "09:00", to: "10:00" }] },
    message: message("A note from our tea master: the first flush has arrived."),
  });
  const reader = await visit("/newsletter");
  assert.equal(await shows(reader.page, ".b", 2000), false, "the wait has not passed");

  await setClock(start + 2 * HOUR + MINUTE);
  await fireCron(env.worker);
  await reader.page.reload();
  assert.equal(await shows(reader.page, ".b", 2000), false, "the wait ended outside the window: it waits for it");

  await setClock(opening - MINUTE);
  await fireCron(env.worker);
  assert.equal((await admin(env.worker, `/admin/v1/campaigns/${id}/stats`)).totals.sent, 0, "a minute before the window");

  await setClock(opening + 30_000);
  await fireCron(env.worker);
  assert.equal(await shows(reader.page, ".b", 25_000), true, "the open page receives it once the window opens");
  assert.match(await reader.page.locator("[data-kizuna] .b").innerText(), /first flush/);
  await reader.page.screenshot({ path: join(SCREENSHOTS, "wait-and-window.png"), animations: "disabled" });
  const stats = await admin(env.worker, `/admin/v1/campaigns/${id}/stats?from=${windowDay.date}&to=${windowDay.date}`);
  assert.deepEqual(stats.days, [{ date: windowDay.date, sent: 1, view: 0, click: 0, goal: 0, reached: 1 }], "sent on the window's day, Tokyo time");
  assert.equal(stats.timeZone, "Asia/Tokyo");
  assert.deepEqual(reader.errors, []);
  await reader.context.close();
});

test("a click and a goal count; a goal 8 days after delivery does not; a repeat-off campaign never shows twice; stats are exact per day", async () => {
  const id = await create({
    name: "Sale page: checkout nudge",
    trigger: { event: "PageView", urlContains: "/sale" },
    message: message("Free shipping on orders over 3,000 yen today.", "bubble", [{ label: "Shop now", url: "/" }]),
    goal: { kind: "event", name: "CheckoutComplete", conditions: [{ property: "total", op: "greaterThan", value: 1000 }] },
  });
  const day0 = tokyoDay(workerNow());

  // Buyer: clicks the button (a click is a view too), then checks out: the goal counts.
  const buyer = await visit("/sale");
  assert.equal(await shows(buyer.page, ".b", 15_000), true);
  await Promise.all([buyer.page.waitForURL(`${env.worker.base}/`), buyer.page.locator("[data-kizuna] .b a").click()]);
  await buyer.page.evaluate(() => window.Kizuna("track", "CheckoutComplete", { total: 500 }));
  await statsWhen(env.worker, id, (s) => s.totals.click === 1);
  assert.equal((await admin(env.worker, `/admin/v1/campaigns/${id}/stats`)).totals.goal, 0, "a checkout of 500 is not the goal");
  await buyer.page.evaluate(() => window.Kizuna("track", "CheckoutComplete", { total: 4800 }));
  await statsWhen(env.worker, id, (s) => s.totals.goal === 1);

  // Late buyer: views the bubble, checks out 8 days later: no goal.
  const late = await visit("/sale");
  assert.equal(await shows(late.page, ".b", 15_000), true);
  await late.page.locator("[data-kizuna] .b .t").click();
  await statsWhen(env.worker, id, (s) => s.totals.view === 2);
  await setClock(workerNow() + 8 * DAY);
  await late.page.reload();
  assert.equal(await shows(late.page, ".b", 3000), false, "repeat off: never shown twice, even 8 days later");
  const tracked = late.page.waitForResponse((r) => r.url().endsWith("/v1/events") && r.request().postData()?.includes("CheckoutComplete"));
  await late.page.evaluate(() => window.Kizuna("track", "CheckoutComplete", { total: 9000 }));
  assert.equal((await tracked).status(), 200, "the edge took the late checkout");
  const day8 = tokyoDay(workerNow());

  const stats = await admin(env.worker, `/admin/v1/campaigns/${id}/stats?from=${day0.date}&to=${day8.date}`);
  assert.equal(stats.days.length, 9);
  assert.deepEqual(stats.days[0], { date: day0.date, sent: 2, view: 2, click: 1, goal: 1, reached: 2 });
  for (const day of stats.days.slice(1)) assert.deepEqual(day, { date: day.date, sent: 0, view: 0, click: 0, goal: 0, reached: 0 });
  assert.deepEqual(stats.totals, { sent: 2, view: 2, click: 1, goal: 1 });
  assert.equal(stats.reached, 2, "two customers reached in the period");
  assert.deepEqual(stats.rates, { viewRate: 1, clickRate: 0.5, goalRate: 0.5 });
  await buyer.context.close();
  await late.context.close();
});

test("a broadcast reaches an online visitor as a popup and an offline one by email, then as a popup on their next visit", async () => {
  // The offline customer: known by email, last seen 10 minutes ago.
  const away = await customerWithEmail("yui@example.jp");
  await setClock(workerNow() + 10 * MINUTE);

  const online = await visit("/");
  const id = await create({
    name: "Tea festival announcement",
    kind: "broadcast",
    audience: { filter: { any: [{ field: "id", op: "equals", value: away.visitorId }, { field: "id", op: "equals", value: online.visitorId }] } },
    message: message("Tea festival this Saturday: tastings all day.", "fullscreen", [{ label: "See the program", url: "https://example.jp/festival" }]),
    offline: { email: true },
  });
  assert.equal(await shows(online.page, ".o", 25_000), true, "the online visitor sees it at once");
  await online.page.screenshot({ path: join(SCREENSHOTS, "broadcast-online.png"), animations: "disabled" });

  const email = await statsReady(async () => providers.emails, (emails) => emails.length === 1);
  const sent = email[0];
  assert.equal(sent.body.to, "yui@example.jp");
  assert.match(sent.body.html, /Tea festival this Saturday/);
  assert.match(sent.body.html, /\/open\.gif/, "an open-tracking pixel");
  assert.match(sent.body.headers["List-Unsubscribe"], /\/unsubscribe/);
  assert.equal(sent.headers.authorization, "Bearer test-email-key");
  const run = await admin(env.worker, `/admin/v1/campaigns/${id}/broadcast`);
  assert.deepEqual([run.state, run.total, run.processed], ["done", 2, 2]);

  const back = await visit("/", away.context);
  assert.equal(await shows(back.page, ".o", 15_000), true, "the email recipient sees it on the next visit");
  const stats = await statsWhen(env.worker, id, (s) => s.totals.view === 2);
  assert.deepEqual(stats.totals, { sent: 2, view: 2, click: 0, goal: 0 });

  // The queue delivers at least once: run the whole fan-out again as a redelivery would.
  sqlNow(env.worker, `UPDATE broadcast_runs SET state = 'running', cursor = '', processed = 0 WHERE campaign_id = '${id}'`);
  await setClock(workerNow() + 3 * MINUTE); // the cron restarts a fan-out that stopped moving
  await fireCron(env.worker);
  await statsReady(() => admin(env.worker, `/admin/v1/campaigns/${id}/broadcast`), (r) => r.state === "done" && r.processed === 2);
  assert.deepEqual((await admin(env.worker, `/admin/v1/campaigns/${id}/stats`)).totals, { sent: 2, view: 2, click: 0, goal: 0 }, "sent nothing twice");
  assert.equal(providers.emails.length, 1, "one email, however often the queue delivered the batch");
  await online.context.close();
  await away.context.close();
});

test("a broadcast to a visitor who just closed the tab goes by email once five minutes pass without a page taking it", async () => {
  const v = await customerWithEmail("ren@example.jp");
  const id = await create({
    name: "Matcha restock",
    kind: "broadcast",
    audience: { filter: { field: "id", op: "equals", value: v.visitorId } },
    message: message("Matcha is back in stock."),
    offline: { email: true },
  });
  await statsReady(async () => deliveryStates(id), (states) => states.join() === "pending");
  const toRen = () => providers.emails.filter((e) => e.body.to === "ren@example.jp");
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(toRen().length, 0, "still counted as online: the page may take it");
  assert.equal((await admin(env.worker, `/admin/v1/campaigns/${id}/stats`)).totals.sent, 0, "released, but no page took it yet: not sent");
  await setClock(workerNow() + 5 * MINUTE + 30_000);
  await fireCron(env.worker);
  const sent = await statsReady(async () => toRen(), (emails) => emails.length === 1);
  assert.match(sent[0].body.html, /Matcha is back in stock/);
  await statsWhen(env.worker, id, (s) => s.totals.sent === 1); // the provider accepted it
  const back = await visit("/", v.context);
  assert.equal(await shows(back.page, ".b", 15_000), true, "and it still shows on the next visit");
  await v.context.close();
});

test("a broadcast scheduled for later goes out when its send time comes", async () => {
  const v = await visit("/");
  await v.page.close();
  const sendAt = workerNow() + HOUR;
  const id = await create({
    name: "Tomorrow's tasting",
    kind: "broadcast",
    startsAt: sendAt,
    audience: { filter: { field: "id", op: "equals", value: v.visitorId } },
    message: message("The tasting starts in an hour."),
  });
  assert.equal((await call("GET", `/admin/v1/campaigns/${id}`)).body.state, "scheduled");
  await fireCron(env.worker);
  assert.equal((await call("GET", `/admin/v1/campaigns/${id}/broadcast`)).status, 404, "not sent before its time");
  await setClock(sendAt + MINUTE);
  await fireCron(env.worker);
  await statsReady(async () => deliveryStates(id), (states) => states.join() === "pending");
  assert.equal((await admin(env.worker, `/admin/v1/campaigns/${id}/stats`)).totals.sent, 0, "the visitor is away: not sent until a page takes it");
  assert.equal((await call("GET", `/admin/v1/campaigns/${id}`)).body.state, "running");
  const back = await visit("/", v.context);
  assert.equal(await shows(back.page, ".b", 15_000), true, "shown on the next visit");
  await statsWhen(env.worker, id, (s) => s.totals.sent === 1);
  await v.context.close();
});

test("a live broadcast is never skipped because the published copy of the campaigns is stale", async () => {
  const v = await visit("/");
  await v.page.close();
  const sendAt = workerNow() + HOUR;
  const id = await create({
    name: "Harvest notes",
    kind: "broadcast",
    startsAt: sendAt,
    audience: { filter: { field: "id", op: "equals", value: v.visitorId } },
    message: message("Notes from the first-flush harvest."),
  });
  // A reader that loaded D1 just before the broadcast was created puts back a copy
  // without it (kv.rs: such a copy lives up to five minutes in KV).
  kvNow(env.worker, "v2/campaigns/demo", "[]");
  await setClock(sendAt + MINUTE);
  await fireCron(env.worker);
  const run = await statsReady(() => admin(env.worker, `/admin/v1/campaigns/${id}/broadcast`), (r) => r.state === "done");
  assert.equal(run.processed, 1);
  await statsReady(async () => deliveryStates(id), (states) => states.join() === "pending");
  const stale = await visit("/", v.context);
  assert.equal(await shows(stale.page, ".b", 3_000), false, "the stale copy cannot render it: it waits");
  await stale.page.close();
  kvNow(env.worker, "v2/campaigns/demo", null);
  await setClock(sendAt + 2 * MINUTE); // past the isolate's trust in its copy
  const fresh = await visit("/", v.context);
  assert.equal(await shows(fresh.page, ".b", 15_000), true, "shown once the copy is fresh");
  assert.match(await fresh.page.locator("[data-kizuna] .b .t").innerText(), /first-flush harvest/);
  await statsWhen(env.worker, id, (s) => s.totals.sent === 1); // sent when the fresh copy's page took it
  await v.context.close();
});

/** The states of a campaign's deliveries in D1, by id. */
async function deliveryStates(campaign) {
  const rows = sqlRows(env.worker, `SELECT state FROM deliveries WHERE campaign_id = '${campaign}' ORDER BY id`);
  await settle(env.worker);
  return rows.map((r) => r.state);
}

async function statsReady(read, ready, ms = 20_000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    last = await read().catch(() => undefined);
    if (last && ready(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test("the development clock exists only when the worker runs with KIZUNA_DEV_CLOCK=on", async () => {
  const plain = await startWorker({ devClock: false });
  try {
    const refused = await fetch(`${plain.base}/dev/clock`, { method: "PUT", body: JSON.stringify({ offsetMs: DAY }) });
    assert.equal(refused.status, 404);
    assert.equal((await refused.json()).error.code, "not_found");
  } finally {
    await plain.stop();
  }
  const bad = await fetch(`${env.worker.base}/dev/clock`, { method: "PUT", body: JSON.stringify({ offsetMs: "soon" }) });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error.field, "offsetMs");
});
