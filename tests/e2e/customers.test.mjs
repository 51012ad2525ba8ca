// Visitors become customers: sessions by the 30-minute rule (shared by tabs) and when the
// last one started, browser facts and first-touch UTM, and the admin API finding the customer by a filter.
import { test } from "node:test";
import assert from "node:assert/strict";
import { admin, adminCall, asVisitor, bootVisitor, customerWhen as harnessCustomerWhen, OWNER_TOKEN, settle, sqlNow, sqlRows, suite } from "./harness.mjs";

const env = suite();

/** The demo channel's admin API: `call("POST", "/segments", {...})`. */
const call = (method, path, body) => adminCall(env.worker, method, `/admin/v1/channels/demo${path}`, body);

const search = (body) => adminCall(env.worker, "POST", "/admin/v1/channels/demo/customers/search", body);

const customerWhen = (id, ready) => harnessCustomerWhen(env.worker, id, ready);

test("three pages across two sessions, a second tab, and first-touch UTM kept", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.worker.base}/?utm_source=newsletter&utm_campaign=autumn`);
  const visitor = await page.waitForFunction(() => localStorage.getItem("kz:demo:visitor")).then((h) => h.jsonValue());
  const first = await customerWhen(visitor, (c) => c.sessionsCount === 1);
  assert.equal(typeof first.lastSessionStartedAt, "number", JSON.stringify(first));
  assert.ok(first.createdAt <= first.lastSessionStartedAt && first.lastSessionStartedAt <= first.lastSeenAt, JSON.stringify(first));

  await page.goto(`${env.worker.base}/products/sencha`);
  const second = await customerWhen(visitor, (c) => c.lastSeenAt > first.lastSeenAt);
  assert.equal(second.sessionsCount, 1, "a second page in the same visit is not a new session");
  assert.equal(second.lastSessionStartedAt, first.lastSessionStartedAt, "nor does it move the session's start");

  // 31 minutes pass (the stored last activity moves back instead of the test sleeping).
  await page.evaluate(() => {
    const [id] = localStorage.getItem("kz:demo:session").split(":");
    localStorage.setItem("kz:demo:session", `${id}:${Date.now() - 31 * 60 * 1000}`);
  });
  await page.goto(`${env.worker.base}/sale?utm_source=ads&utm_campaign=winter`);
  const customer = await customerWhen(visitor, (c) => c.sessionsCount === 2);
  assert.ok(customer.lastSessionStartedAt > second.lastSeenAt, "the new session started after the last page of the first");
  assert.ok(customer.lastSessionStartedAt <= customer.lastSeenAt);

  // A second tab of the same browser joins the current session.
  const tab = await context.newPage();
  await tab.goto(`${env.worker.base}/newsletter`);
  await tab.waitForLoadState("networkidle");
  const afterTab = await customerWhen(visitor, (c) => c.lastSeenAt > customer.lastSeenAt);
  assert.equal(afterTab.sessionsCount, 2, "two tabs do not count twice");
  assert.equal(afterTab.web.sessionsCount, 2);
  assert.equal(afterTab.lastSessionStartedAt, customer.lastSessionStartedAt, "a second tab joins the session, not restarts it");

  assert.equal(afterTab.profile.utmSource, "newsletter", "first touch is never overwritten");
  assert.equal(afterTab.profile.utmCampaign, "autumn");
  assert.equal(afterTab.web.browserName, "Chrome");
  assert.equal(afterTab.web.osName, "Linux");
  assert.equal(afterTab.web.device, "desktop");
  assert.ok(afterTab.language, "the browser's language is kept");

  const found = await search({
    filter: {
      all: [
        { field: "profile.utmSource", op: "equals", value: "newsletter" },
        { field: "sessionsCount", op: "equals", value: 2 },
        { field: "lastSeenAt", op: "withinLastDays", value: 1 },
      ],
    },
  });
  assert.equal(found.status, 200);
  assert.deepEqual(found.body.customers.map((c) => c.id), [visitor]);
  const none = await search({ filter: { field: "profile.utmSource", op: "equals", value: "ads" } });
  assert.deepEqual(none.body.customers, []);

  // The same customer by quick search (after the site names them) and by a saved segment.
  await page.evaluate(() => window.Kizuna("updateUser", { profile: { name: "Ren Ito", email: "ren@example.jp" } }));
  await customerWhen(visitor, (c) => c.name === "Ren Ito");
  assert.deepEqual((await search({ q: "ren ito" })).body.customers.map((c) => c.id), [visitor]);
  const segment = await call("POST", "/segments", {
    name: "Returning newsletter readers",
    filter: { all: [{ field: "profile.utmSource", op: "equals", value: "newsletter" }, { field: "sessionsCount", op: "greaterThan", value: 1 }] },
  });
  const bySegment = (await search({ segment: segment.body.id })).body.customers;
  assert.deepEqual(bySegment.map((c) => c.id), [visitor]);
  assert.equal(bySegment[0].sessionsCount, 2);
  assert.equal(bySegment[0].profile.utmSource, "newsletter");
  await call("DELETE", `/segments/${segment.body.id}`);
  await context.close();
});

test("customer lists page with a cursor and refuse bad input naming the field", async () => {
  const paged = [];
  for (let i = 1; i <= 3; i++) {
    const visitor = await bootVisitor(env.worker);
    paged.push(visitor.visitorId);
    await asVisitor(env.worker, "/v1/events", visitor, { sessionId: `s_page_${i}`, events: [{ id: "e1", name: "PageView", properties: { url: "http://shop/" } }] });
  }
  const seen = [];
  const totals = [];
  let cursor;
  do {
    const query = new URLSearchParams({ limit: "2", sort: "createdAt", order: "asc", ...(cursor ? { cursor } : {}) });
    const page = await admin(env.worker, `/admin/v1/channels/demo/customers?${query}`);
    seen.push(...page.customers.map((c) => c.id));
    totals.push(page.total);
    cursor = page.nextCursor;
  } while (cursor);
  assert.deepEqual(seen.filter((id) => paged.includes(id)), paged);
  assert.equal(new Set(seen).size, seen.length, "no customer appears twice across pages");
  assert.equal(totals[0], seen.length, "the first page counts every customer");
  assert.ok(totals.slice(1).every((t) => t === undefined), "later pages carry no total");

  const badOp = await search({ filter: { field: "country", op: "greaterThan", value: 3 } });
  assert.equal(badOp.status, 400);
  assert.equal(badOp.body.error.field, "filter.op");
  const badSort = await search({ sort: "name" });
  assert.equal(badSort.body.error.field, "sort");
  const unknown = await search({ filtre: {} });
  assert.equal(unknown.body.error.field, "filtre");
  const other = await fetch(`${env.worker.base}/admin/v1/channels/elsewhere/customers`, { headers: { authorization: `Bearer ${OWNER_TOKEN}` } });
  assert.equal(other.status, 403, "a token of one channel cannot read another");
});

test("single-page navigation sends page views without code from the site, and triggers campaigns", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const pageViews = [];
  page.on("request", (request) => {
    // Events that wait while another request is out travel together in one batch.
    if (request.url().endsWith("/v1/events")) pageViews.push(...JSON.parse(request.postData()).events.map((e) => e.properties.url));
  });
  await page.goto(`${env.worker.base}/`);
  await page.waitForLoadState("networkidle");
  assert.equal(pageViews.length, 1);

  // A client-side route change to a product page: the campaign's bubble appears.
  await page.evaluate(() => history.pushState({}, "", "/products/spa-matcha"));
  await page.locator("[data-kizuna] .b").waitFor({ state: "visible", timeout: 15_000 });
  // Same URL again (frameworks do this to store state): nothing new is sent.
  await page.evaluate(() => history.replaceState({ step: 2 }, "", location.href));
  await page.evaluate(() => {
    location.hash = "#reviews";
  });
  await page.evaluate(() => history.back());
  await page.waitForFunction(() => location.hash === "");
  // (waitForLoadState resolves at once once the page was idle: wait for the fourth view.)
  const deadline = Date.now() + 10_000;
  while (pageViews.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500)); // nothing more should follow
  assert.deepEqual(
    pageViews.map((url) => new URL(url).pathname + new URL(url).hash),
    ["/", "/products/spa-matcha", "/products/spa-matcha#reviews", "/products/spa-matcha"],
  );
  await context.close();
});

test("r10: a page load's first view keeps document.referrer, each in-app navigation names the previous in-app URL", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const views = [];
  page.on("request", (request) => {
    if (!request.url().endsWith("/v1/events")) return;
    for (const event of JSON.parse(request.postData()).events) if (event.name === "PageView") views.push(event.properties);
  });
  await page.goto(`${env.worker.base}/`, { referer: "https://search.example/" });
  await page.waitForLoadState("networkidle");
  const documentReferrer = await page.evaluate(() => document.referrer);
  assert.ok(documentReferrer.startsWith("https://search.example"), `the page load has a referrer: ${documentReferrer}`);

  await page.evaluate(() => history.pushState({}, "", "/products/sencha"));
  await page.evaluate(() => history.pushState({}, "", "/sale"));
  await page.evaluate(() => history.back());
  await page.waitForFunction(() => location.pathname === "/products/sencha");
  const deadline = Date.now() + 10_000;
  while (views.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const base = env.worker.base;
  assert.deepEqual(
    views.map((v) => [v.url, v.referrer]),
    [
      [`${base}/`, documentReferrer],
      [`${base}/products/sencha`, `${base}/`],
      [`${base}/sale`, `${base}/products/sencha`],
      [`${base}/products/sencha`, `${base}/sale`],
    ],
  );
  await context.close();
});

test("a segment stores conditions and is evaluated afresh each time it is used", async () => {
  const created = await call("POST", "/segments", {
    name: "Newsletter readers",
    filter: { all: [{ field: "profile.utmSource", op: "equals", value: "seg-news" }, { field: "sessionsCount", op: "greaterThan", value: 0 }] },
  });
  assert.equal(created.status, 201);
  const id = created.body.id;
  assert.match(id, /^seg_[0-9a-f]{32}$/);
  assert.deepEqual((await search({ segment: id })).body.customers, [], "nobody matches yet");

  const reader = await bootVisitor(env.worker);
  await asVisitor(env.worker, "/v1/events", reader, {
    sessionId: "s_reader",
    events: [{ id: "e1", name: "PageView", properties: { url: "http://shop/?utm_source=seg-news" } }],
  });
  assert.deepEqual((await search({ segment: id })).body.customers.map((c) => c.id), [reader.visitorId], "found by the saved conditions");
  assert.deepEqual((await search({ segment: id, q: "nobody-has-this-name" })).body.customers, [], "quick search narrows a segment");

  const renamed = await call("PATCH", `/segments/${id}`, { name: "Readers" });
  assert.equal(renamed.body.name, "Readers");
  assert.deepEqual((await call("GET", "/segments")).body.segments.map((s) => s.name), ["Readers"]);
  const clash = await call("POST", "/segments", { name: "Readers", filter: { field: "member", op: "isTrue" } });
  assert.equal(clash.status, 409);
  assert.equal(clash.body.error.field, "name");
  const bad = await call("POST", "/segments", { name: "Broken", filter: { field: "member", op: "contains", value: "x" } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, "filter.op");
  assert.deepEqual((await call("GET", "/segments")).body.segments.length, 1, "nothing half-written");

  assert.equal((await call("DELETE", `/segments/${id}`)).status, 200);
  assert.equal((await call("GET", `/segments/${id}`)).status, 404);
  const gone = await search({ segment: id });
  assert.equal(gone.status, 400);
  assert.equal(gone.body.error.field, "segment");
});

test("a customer is created by hand, edited, and deleted everywhere", async () => {
  const created = await call("POST", "/customers", { memberId: "crm-lead-1", profile: { name: "Yui Mori", email: "yui@example.jp" } });
  assert.equal(created.status, 201);
  assert.equal(created.body.member, true);
  assert.equal(created.body.profile.email, "yui@example.jp");
  assert.equal(created.body.lastSessionStartedAt, null, "made by hand: no session yet");
  const id = created.body.id;
  const twice = await call("POST", "/customers", { memberId: "crm-lead-1" });
  assert.equal(twice.status, 409);
  assert.equal(twice.body.error.field, "memberId");
  const invalid = await call("POST", "/customers", { profile: { email: "yui" } });
  assert.equal(invalid.body.error.field, "profile.email");

  const edited = await call("PATCH", `/customers/${id}`, { profile: { mobileNumber: "+81 90-1111-2222" } });
  assert.equal(edited.status, 200);
  assert.equal(edited.body.profile.mobileNumber, "+81 90-1111-2222");
  assert.equal(edited.body.profile.email, "yui@example.jp", "fields not given are kept");
  assert.deepEqual((await search({ q: "1111" })).body.customers.map((c) => c.id), [id], "quick search finds the mobile number");

  // A visitor with its history, then deleted everywhere.
  const booted = await bootVisitor(env.worker);
  const visitor = booted.visitorId;
  const event = (n) => ({ sessionId: `s_del_${n}`, events: [{ id: `e${n}`, name: "PageView", properties: { url: "http://shop/products/x" } }] });
  const first = await (await asVisitor(env.worker, "/v1/events", booted, event(1))).json();
  assert.equal(first.popups.length, 1, "the campaign reached it");
  await asVisitor(env.worker, "/v1/events", booted, event(2));
  assert.equal((await call("GET", `/customers/${visitor}`)).body.sessionsCount, 2);
  const mauBefore = (await admin(env.worker, "/admin/v1/channels/demo/mau")).mau;
  assert.equal((await call("DELETE", `/customers/${visitor}`)).status, 200);
  assert.equal((await call("GET", `/customers/${visitor}`)).status, 404);
  assert.equal((await admin(env.worker, "/admin/v1/channels/demo/mau")).mau, mauBefore - 1);
  const view = await asVisitor(env.worker, `/v1/deliveries/${first.popups[0].deliveryId}/view`, booted);
  assert.equal(view.status, 404, "its delivery records are gone");
  // The visitor's object forgot it too: its token is refused (issue 10), and the browser
  // coming back boots as a new visitor that starts from scratch.
  const stale = await asVisitor(env.worker, "/v1/events", booted, event(3));
  assert.equal(stale.status, 401);
  assert.equal((await stale.json()).error.field, "token");
  const again = await bootVisitor(env.worker, { visitorId: visitor, token: booted.token });
  assert.notEqual(again.visitorId, visitor, "a deleted customer does not come back");
  const back = await (await asVisitor(env.worker, "/v1/events", again, event(3))).json();
  assert.equal(back.accepted, 1);
  assert.equal((await call("GET", `/customers/${again.visitorId}`)).body.sessionsCount, 1);
  assert.equal((await call("GET", `/customers/${visitor}`)).status, 404);
});

test("a deleted customer stays deleted: every row about them goes, a later write is dropped, a returning browser is someone new", async () => {
  const booted = await bootVisitor(env.worker, { memberId: "m-erased", profile: { email: "erased@example.jp" } });
  const visitor = booted.visitorId;
  const other = (await bootVisitor(env.worker)).visitorId;
  const first = await (await asVisitor(env.worker, "/v1/events", booted, { sessionId: "s_erase", events: [{ id: "e1", name: "PageView", properties: { url: "http://shop/products/x" } }] })).json();
  const delivery = first.popups[0].deliveryId;
  // What an email send, a wake-up and a bulk job leave about the customer.
  sqlNow(
    env.worker,
    `INSERT INTO outbound_messages (delivery_id, medium, channel_id, visitor_id, campaign_id, state, address, created_at, updated_at)
       VALUES ('${delivery}', 'email', 'demo', '${visitor}', 'c_tea_bubble', 'sent', 'erased@example.jp', 0, 0);
     INSERT INTO visitor_wakeups VALUES ('demo', '${visitor}', 9999999999999);
     INSERT INTO bulk_jobs (id, channel_id, target, change, evaluated_at, state, total, created_at, updated_at)
       VALUES ('j_erase', 'demo', '{"ids":["${other}","${visitor}"]}', '{}', 0, 'done', 2, 0, 0)`,
  );
  const sentBefore = sqlRows(env.worker, "SELECT COALESCE(SUM(sent), 0) AS n FROM campaign_daily_stats WHERE campaign_id = 'c_tea_bubble'")[0].n;
  await settle(env.worker);
  assert.equal((await call("DELETE", `/customers/${visitor}`)).status, 200);

  const about = (table, column) => `(SELECT COUNT(*) FROM ${table} WHERE ${column} = '${visitor}') AS ${table}`;
  const left = () =>
    sqlRows(
      env.worker,
      `SELECT ${[["customers", "id"], ["customer_months", "customer_id"], ["deliveries", "visitor_id"], ["outbound_messages", "visitor_id"], ["visitor_wakeups", "visitor_id"]].map(([t, c]) => about(t, c)).join(", ")}`,
    )[0];
  const none = { customers: 0, customer_months: 0, deliveries: 0, outbound_messages: 0, visitor_wakeups: 0 };
  assert.deepEqual(left(), none);
  assert.equal(sqlRows(env.worker, "SELECT target FROM bulk_jobs WHERE id = 'j_erase'")[0].target, `{"ids":["${other}"]}`);
  assert.equal(sqlRows(env.worker, "SELECT COALESCE(SUM(sent), 0) AS n FROM campaign_daily_stats WHERE campaign_id = 'c_tea_bubble'")[0].n, sentBefore, "daily counters stay");
  const [tombstone] = sqlRows(env.worker, `SELECT erased_at FROM erased_customers WHERE channel_id = 'demo' AND customer_id = '${visitor}'`);
  assert.ok(tombstone && tombstone.erased_at > 0, "a tombstone with the deletion time");

  // Writes that were under way when the customer was deleted arrive now: dropped.
  sqlNow(
    env.worker,
    `INSERT INTO customers (channel_id, id, created_at, updated_at, profile_email) VALUES ('demo', '${visitor}', 1, 1, 'erased@example.jp');
     INSERT INTO customer_months VALUES ('demo', '2026-12', '${visitor}');
     INSERT INTO deliveries (id, channel_id, campaign_id, visitor_id, display, sent_at) VALUES ('d_late', 'demo', 'c_tea_bubble', '${visitor}', 'bubble', 1);
     INSERT INTO outbound_messages (delivery_id, medium, channel_id, visitor_id, campaign_id, state, address, created_at, updated_at)
       VALUES ('d_late', 'email', 'demo', '${visitor}', 'c_tea_bubble', 'sending', 'erased@example.jp', 1, 1);
     INSERT INTO visitor_wakeups VALUES ('demo', '${visitor}', 1)`,
  );
  assert.deepEqual(left(), none, "the tombstone dropped every later write");
  await settle(env.worker);
  assert.equal((await call("PATCH", `/customers/${visitor}`, { profile: { name: "Back?" } })).status, 404);

  // The old token is refused; the browser coming back, even signing in, is a new customer.
  const stale = await asVisitor(env.worker, "/v1/messages", booted);
  assert.equal(stale.status, 401);
  assert.equal((await stale.json()).error.field, "token");
  const again = await bootVisitor(env.worker, { memberId: "m-erased", visitorId: visitor, token: booted.token });
  assert.notEqual(again.visitorId, visitor);
  assert.equal(again.member, true);
  const fresh = await customerWhen(again.visitorId, (c) => c.memberId === "m-erased");
  assert.equal(fresh.profile.email ?? null, null, "nothing of the deleted customer comes back");
  assert.equal((await call("GET", `/customers/${visitor}`)).status, 404);
  assert.deepEqual(left(), none);
});
