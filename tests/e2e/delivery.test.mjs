// How messages reach a visitor beyond a trigger: on demand from the site's JS (only a
// campaign with onDemand, within its repeat rule), queued at boot one behind the other,
// only to a segment's customers, taken back when a campaign that deletes unviewed
// messages stops, and within the channel's frequency cap. Bad campaign and channel
// settings are refused naming the field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { admin, adminCall, asVisitor, bootVisitor, settle, sqlRows, statsWhen, suite } from "./harness.mjs";

const env = suite();
const call = (method, path, body) => adminCall(env.worker, method, path, body);
const message = (text, display = "bubble") => ({ sender: { name: "Kizuna Tea Shop" }, text, display });

async function create(settings, start = true) {
  const created = await call("POST", "/admin/v1/channels/demo/campaigns", settings);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  if (start) assert.equal((await call("POST", `/admin/v1/campaigns/${created.body.id}/start`)).status, 200);
  return created.body.id;
}

async function visit(path, context) {
  context ??= await env.browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${env.worker.base}${path}`);
  await page.waitForFunction(() => localStorage.getItem("kz:demo:visitor"));
  return { context, page, errors, visitorId: await page.evaluate(() => localStorage.getItem("kz:demo:visitor")) };
}

/** Waits until the campaign's deliveries in D1 have `states` (by id), e.g. the queue fanned a broadcast out. */
async function deliveriesIn(campaign, states) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const rows = sqlRows(env.worker, `SELECT state FROM deliveries WHERE campaign_id = '${campaign}' ORDER BY id`);
    await settle(env.worker);
    if (rows.map((r) => r.state).join() === states.join()) return;
    if (Date.now() > deadline) throw new Error(`${campaign}: deliveries ${JSON.stringify(rows)}, not ${states}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const bubbleText = (page, ms = 15_000) =>
  page.locator("[data-kizuna] .b").waitFor({ state: "visible", timeout: ms }).then(() => page.locator("[data-kizuna] .b .t").innerText(), () => null);

test("Kizuna('showCampaign', id) shows an onDemand campaign once however often it is called, and one without onDemand never (issue 10)", async () => {
  const id = await create({
    name: "Size guide",
    onDemand: true,
    trigger: { event: "NeverSent" },
    message: { ...message("Our size guide: cups from **90 ml** to _400 ml_. <img src=x onerror=alert(1)>"), imageUrl: "/favicon-cups.png" },
  });
  const triggerOnly = await create({ name: "Only by its trigger", trigger: { event: "NeverSent" }, message: message("Not on demand.") });
  const v = await visit("/");
  const warnings = [];
  v.page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  await v.page.waitForLoadState("networkidle");
  // Resolves once the page has had `n` answers to POST /v1/show.
  const answers = (n) =>
    new Promise((resolve) => {
      let seen = 0;
      v.page.on("response", (r) => r.url().endsWith("/v1/show") && ++seen === n && resolve());
    });
  await v.page.evaluate((id) => window.Kizuna("showCampaign", id), id);
  assert.match(await bubbleText(v.page), /size guide/);
  const html = await v.page.locator("[data-kizuna] .b").innerHTML();
  assert.match(html, /<strong>90 ml<\/strong> to <em>400 ml<\/em>\. &lt;img src=x onerror=alert\(1\)&gt;/, "the formatting subset; markup stays text");
  assert.match(html, /<img class="i" alt="" src="\/favicon-cups.png">/);
  const four = answers(4);
  await v.page.evaluate((id) => { for (let i = 0; i < 4; i++) window.Kizuna("showCampaign", id); }, id);
  await four;
  const sizeGuide = await admin(env.worker, `/admin/v1/campaigns/${id}/stats`);
  assert.equal(sizeGuide.totals.sent, 1, "five calls with fresh request ids, one delivery: without repeat it reaches a visitor once");

  const refused = answers(1);
  await v.page.evaluate((id) => window.Kizuna("showCampaign", id), triggerOnly);
  await refused;
  assert.equal((await admin(env.worker, `/admin/v1/campaigns/${triggerOnly}/stats`)).totals.sent, 0, "onDemand is off: nothing shown");
  assert.ok(warnings.some((w) => w.includes("does not show on demand")), `a console warning says why: ${warnings}`);
  const visitor = await v.page.evaluate(() => ({ visitorId: localStorage.getItem("kz:demo:visitor"), token: localStorage.getItem("kz:demo:token") }));
  const direct = await asVisitor(env.worker, "/v1/show", visitor, { campaignId: triggerOnly, requestId: "r_not_on_demand" });
  assert.equal(direct.status, 400);
  const error = (await direct.json()).error;
  assert.equal(error.field, "campaignId");
  assert.match(error.message, /this campaign does not show on demand \(onDemand is off\)/);

  await v.page.evaluate(() => window.Kizuna("showCampaign", "no such id!"));
  assert.deepEqual(v.errors, [], "refusals and a bad id are console warnings, never page errors");
  await v.context.close();
});

test("messages delivered while the visitor was away wait for the next page, the second behind the first", async () => {
  const v = await visit("/");
  await v.page.close();
  const audience = { filter: { field: "id", op: "equals", value: v.visitorId } };
  const one = await create({ name: "Away 1", kind: "broadcast", priority: 1, audience, message: message("First: new matcha tins.") });
  const two = await create({ name: "Away 2", kind: "broadcast", priority: 2, audience, message: message("Second: the tasting room reopens.") });
  for (const id of [one, two]) await deliveriesIn(id, ["pending"]); // the queue fanned it out; no page took it yet
  for (const id of [one, two]) assert.equal((await admin(env.worker, `/admin/v1/campaigns/${id}/stats`)).totals.sent, 0, "away: not sent yet");
  const back = await visit("/", v.context);
  assert.match(await bubbleText(back.page), /First: new matcha/);
  await back.page.locator("[data-kizuna] .b .x").click();
  assert.match(await bubbleText(back.page), /Second: the tasting room/);
  for (const id of [one, two]) await statsWhen(env.worker, id, (s) => s.totals.sent === 1); // the page took both
  await v.context.close();
});

test("a message triggered by a page's last events (its pagehide beacon) waits for the next page", async () => {
  await create({ name: "Cart left behind", trigger: { event: "LeftWithCart" }, message: message("Your cart is saved for you.") });
  const leaving = await bootVisitor(env.worker);
  const beacon = await asVisitor(env.worker, "/v1/events", leaving, { sessionId: "s_leaving", leaving: true, events: [{ id: "e_leave_1", name: "LeftWithCart" }] });
  assert.equal(beacon.status, 200);
  assert.deepEqual((await beacon.json()).popups, [], "nobody reads a beacon's answer: nothing is handed to it");
  const context = await env.browser.newContext();
  await context.addInitScript(({ visitorId, token }) => {
    localStorage.setItem("kz:demo:visitor", visitorId);
    localStorage.setItem("kz:demo:token", token);
  }, leaving);
  const next = await visit("/", context);
  assert.match(await bubbleText(next.page), /cart is saved/, "shown on the next page");
  await context.close();
});

test("a segment audience reaches only its customers, checked when the trigger fires", async () => {
  const segment = await call("POST", "/admin/v1/channels/demo/segments", { name: "Tea club", filter: { tags: { include: ["tea-club"] } } });
  assert.equal(segment.status, 201, JSON.stringify(segment.body));
  const id = await create({
    name: "Tea club members on the sale page",
    trigger: { event: "PageView", urlContains: "/sale" },
    audience: { segment: segment.body.id },
    message: message("Tea club: your extra 5% is applied at checkout."),
  });
  const v = await visit("/sale");
  assert.equal(await bubbleText(v.page, 3000), null, "not in the segment yet");
  const tagged = await call("POST", "/admin/v1/channels/demo/customers/bulk", { ids: [v.visitorId], addTags: ["tea-club"] });
  assert.equal(tagged.status, 200, JSON.stringify(tagged.body));
  await v.page.reload();
  assert.match(await bubbleText(v.page), /Tea club: your extra 5%/);
  assert.equal((await statsWhen(env.worker, id, (s) => s.totals.sent === 1)).totals.sent, 1);
  await v.context.close();
});

test("stopping a campaign that deletes unviewed messages takes back what the visitor has not seen", async () => {
  const v = await visit("/");
  await v.page.close();
  const id = await create({
    name: "Flash sale (withdrawn)",
    kind: "broadcast",
    deleteUnviewed: true,
    audience: { filter: { field: "id", op: "equals", value: v.visitorId } },
    message: message("Flash sale: one hour only."),
  });
  await deliveriesIn(id, ["pending"]);
  assert.equal((await call("POST", `/admin/v1/campaigns/${id}/stop`)).body.state, "ended");
  const back = await visit("/", v.context);
  await back.page.waitForLoadState("networkidle");
  assert.equal(await bubbleText(back.page, 3000), null);
  await deliveriesIn(id, ["withdrawn"]);
  assert.equal((await admin(env.worker, `/admin/v1/campaigns/${id}/stats`)).totals.sent, 0, "withdrawn before any page took it: never sent");
  await v.context.close();
});

test("bad campaign and channel settings are refused naming the field", async () => {
  const base = { name: "x", trigger: { event: "PageView" }, message: message("Hi") };
  for (const [body, field] of [
    [{ ...base, audience: { segment: "seg_nope" } }, "audience.segment"],
    [{ ...base, audience: { filter: { field: "nope", op: "exists" } } }, "audience.filter.field"],
    [{ ...base, schedule: { businessHours: "nope" } }, "schedule.businessHours"],
    [{ ...base, schedule: { windows: [{ days: ["mon"], from: "25:00", to: "26:00" }] } }, "schedule.windows[0].from"],
    [{ ...base, wait: { days: 91 } }, "wait"],
    [{ ...base, kind: "broadcast" }, "trigger"],
    [{ ...base, trigger: { event: "Cart", conditions: [{ property: "total", op: "lessThan", value: "x" }] } }, "trigger.conditions[0].value"],
    [{ ...base, offline: { email: "yes" } }, "offline.email"],
  ]) {
    const refused = await call("POST", "/admin/v1/channels/demo/campaigns", body);
    assert.equal(refused.status, 400, JSON.stringify(body));
    assert.equal(refused.body.error.field, field, JSON.stringify(refused.body));
  }
  for (const [body, field] of [
    [{ timeZone: "Mars/Olympus" }, "timeZone"],
    [{ frequencyCap: { perDay: 0 } }, "frequencyCap"],
    [{ businessHours: [{ name: "support", windows: [{ days: [], from: "09:00", to: "18:00" }] }] }, "businessHours[0].windows[0].days"],
  ]) {
    const refused = await call("PATCH", "/admin/v1/channels/demo", body);
    assert.equal(refused.status, 400, JSON.stringify(body));
    assert.equal(refused.body.error.field, field, JSON.stringify(refused.body));
  }
  assert.equal((await call("GET", "/admin/v1/channels/demo")).body.timeZone, "Asia/Tokyo", "nothing half-written");
});

test("the channel's frequency cap holds automated messages to one per visit", async () => {
  const settings = await call("PATCH", "/admin/v1/channels/demo", { frequencyCap: { perSession: 1 } });
  assert.equal(settings.status, 200, JSON.stringify(settings.body));
  const first = await create({ name: "Letter A", priority: 1, trigger: { event: "PageView", urlContains: "/newsletter" }, message: message("Letter A") });
  const second = await create({ name: "Letter B", priority: 2, trigger: { event: "PageView", urlContains: "/newsletter" }, message: message("Letter B") });
  await new Promise((r) => setTimeout(r, 11_000)); // other isolates see the new channel settings within 10 s
  const v = await visit("/newsletter");
  assert.equal(await bubbleText(v.page), "Letter A", "the higher priority first");
  await v.page.reload();
  assert.equal(await bubbleText(v.page, 3000), null, "one per visit");
  assert.equal((await admin(env.worker, `/admin/v1/campaigns/${second}/stats`)).totals.sent, 0);
  assert.equal((await admin(env.worker, `/admin/v1/campaigns/${first}/stats`)).totals.sent, 1);
  await v.context.close();
});
