// Campaigns through the admin API: created as drafts, validated naming the field,
// started, edited while running (statistics kept), paused, stopped, scheduled; what a
// visitor in Chromium sees follows each state. A campaign's recipients (issue 12): the
// customers it reached with their sent, view, click and goal times, in cursor pages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { adminCall, asVisitor, bootVisitor, moveClock, settle, sqlNow, statsWhen, suite } from "./harness.mjs";

const env = suite();
const call = (method, path, body) => adminCall(env.worker, method, path, body);

const SALE = {
  name: "Sale page: tea of the month",
  priority: 5,
  trigger: { event: "PageView", urlContains: "/sale" },
  message: {
    sender: { name: "Kizuna Tea Shop" },
    text: "Tea of the month: gyokuro, 15% off.",
    buttons: [{ label: "Take a look", url: "/products/sencha" }],
    display: "bubble",
  },
  goal: { kind: "clicked" },
};

/** Opens /sale in a fresh browser; answers the bubble's text, or null when none shows within `wait` ms. */
async function bubbleOnSale(wait = 4000) {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.worker.base}/sale`);
  await page.waitForLoadState("networkidle");
  const bubble = page.locator("[data-kizuna] .b");
  const shown = await bubble.waitFor({ state: "visible", timeout: wait }).then(() => true, () => false);
  const text = shown ? await bubble.innerText() : null;
  return { context, page, bubble, text };
}

test("a campaign goes from draft to running to paused to ended, and visitors see exactly that", async () => {
  const created = await call("POST", "/admin/v1/channels/demo/campaigns", SALE);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.state, "draft");
  const id = created.body.id;
  const draft = await bubbleOnSale(2000);
  assert.equal(draft.text, null, "a draft shows nothing");
  await draft.context.close();

  const started = await call("POST", `/admin/v1/campaigns/${id}/start`);
  assert.equal(started.body.state, "running");
  const running = await bubbleOnSale(15_000);
  assert.match(running.text, /gyokuro/);
  await running.bubble.locator(".t").click();
  await statsWhen(env.worker, id, (s) => s.totals.view === 1);
  await running.context.close();

  // Edited while running: the next visitor sees the new text; the statistics stay.
  const edited = await call("PUT", `/admin/v1/campaigns/${id}`, { ...SALE, message: { ...SALE.message, text: "Tea of the month: sencha, 20% off." } });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
  assert.equal(edited.body.state, "running");
  const after = await bubbleOnSale(15_000);
  assert.match(after.text, /sencha, 20% off/);
  await after.context.close();
  const stats = await statsWhen(env.worker, id, (s) => s.totals.sent === 2);
  assert.deepEqual([stats.totals.sent, stats.totals.view], [2, 1], "editing kept the statistics");

  assert.equal((await call("POST", `/admin/v1/campaigns/${id}/pause`)).body.state, "paused");
  const paused = await bubbleOnSale(2000);
  assert.equal(paused.text, null, "a paused campaign shows nothing");
  await paused.context.close();

  assert.equal((await call("POST", `/admin/v1/campaigns/${id}/start`)).body.state, "running");
  assert.equal((await call("POST", `/admin/v1/campaigns/${id}/stop`)).body.state, "ended");
  for (const [method, path] of [["POST", `/admin/v1/campaigns/${id}/start`], ["DELETE", `/admin/v1/campaigns/${id}`], ["PUT", `/admin/v1/campaigns/${id}`]]) {
    const refused = await call(method, path, method === "PUT" ? SALE : undefined);
    assert.equal(refused.status, 409, `${method} ${path}`);
    assert.equal(refused.body.error.field, "state");
  }
  const ended = await bubbleOnSale(2000);
  assert.equal(ended.text, null);
  await ended.context.close();
  assert.equal((await statsWhen(env.worker, id, () => true)).totals.sent, 2, "an ended campaign keeps its statistics");
});

test("start times schedule a campaign; drafts are deleted; bad settings are refused naming the field", async () => {
  const later = Date.now() + 3_600_000;
  const created = await call("POST", "/admin/v1/channels/demo/campaigns", { ...SALE, name: "Later", startsAt: later });
  const scheduled = await call("POST", `/admin/v1/campaigns/${created.body.id}/start`);
  assert.deepEqual([scheduled.body.state, scheduled.body.startsAt], ["scheduled", later]);
  assert.equal((await call("POST", `/admin/v1/campaigns/${created.body.id}/pause`)).body.state, "paused");
  // Moving the start time into the past and starting again runs it at once.
  const moved = await call("PUT", `/admin/v1/campaigns/${created.body.id}`, { ...SALE, name: "Later", startsAt: Date.now() - 1000 });
  assert.equal(moved.body.state, "paused");
  assert.equal((await call("POST", `/admin/v1/campaigns/${created.body.id}/start`)).body.state, "running");
  await call("POST", `/admin/v1/campaigns/${created.body.id}/stop`);

  const draft = await call("POST", "/admin/v1/channels/demo/campaigns", SALE);
  assert.equal((await call("POST", `/admin/v1/campaigns/${draft.body.id}/stop`)).body.error.field, "state");
  assert.equal((await call("DELETE", `/admin/v1/campaigns/${draft.body.id}`)).status, 200);
  assert.equal((await call("GET", `/admin/v1/campaigns/${draft.body.id}`)).status, 404);

  const listed = await call("GET", "/admin/v1/channels/demo/campaigns");
  assert.ok(listed.body.campaigns.some((c) => c.id === "c_tea_bubble" && c.state === "running"));
  assert.ok(listed.body.campaigns.some((c) => c.id === created.body.id && c.state === "ended"));

  const button = (url) => ({ ...SALE, message: { ...SALE.message, buttons: [{ label: "Go", url }] } });
  for (const [body, field] of [
    [button("javascript:alert(1)"), "message.buttons[0].url"],
    [button("http://plain.example"), "message.buttons[0].url"],
    [{ ...SALE, priority: 5000 }, "priority"],
    [{ ...SALE, startsAt: 2000, endsAt: 1000 }, "endsAt"],
    [{ ...SALE, name: "  " }, "name"],
    [{ ...SALE, message: { ...SALE.message, display: "banner" } }, "message.display"],
    [{ ...SALE, trigger: { event: "" } }, "trigger.event"],
    [{ ...SALE, goal: { kind: "event", name: "" } }, "goal.name"],
    [{ ...SALE, colour: "red" }, "colour"],
  ]) {
    const refused = await call("POST", "/admin/v1/channels/demo/campaigns", body);
    assert.equal(refused.status, 400, JSON.stringify(body));
    assert.equal(refused.body.error.field, field, JSON.stringify(refused.body));
  }
  const nothing = await call("GET", "/admin/v1/campaigns/c_nonexistent");
  assert.equal(nothing.status, 404);
});

test("URL rules: a campaign shows on the pages its rules include and never on the ones they exclude", async () => {
  const rules = {
    ...SALE,
    name: "Everywhere but the sale",
    trigger: { event: "PageView", url: { include: [{ op: "matches", value: "/*" }], exclude: [{ op: "startsWith", value: "/sale" }] } },
    message: { ...SALE.message, text: "Letters from the tea garden, monthly." },
  };
  const created = await call("POST", "/admin/v1/channels/demo/campaigns", rules);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.deepEqual(created.body.trigger.url.exclude, [{ op: "startsWith", value: "/sale" }]);
  await call("POST", `/admin/v1/campaigns/${created.body.id}/start`);

  const excluded = await bubbleOnSale(3000);
  assert.equal(excluded.text, null, "an excluded page shows nothing");
  // The same visitor moves on to an included page: the message appears there.
  await excluded.page.goto(`${env.worker.base}/newsletter`);
  await excluded.bubble.waitFor({ state: "visible", timeout: 15_000 });
  assert.match(await excluded.bubble.innerText(), /Letters from the tea garden/);
  await excluded.context.close();

  const bad = await call("POST", "/admin/v1/channels/demo/campaigns", {
    ...rules,
    trigger: { event: "PageView", url: { include: [{ op: "like", value: "/x" }] } },
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, "trigger.url.include[0].op");
  await call("POST", `/admin/v1/campaigns/${created.body.id}/stop`);
});

test("a campaign's recipients: one row per customer it reached, a repeat included, newest first, with their first times, in pages; other channels find nothing (issue 12)", async () => {
  const created = await call("POST", "/admin/v1/channels/demo/campaigns", {
    name: "Recipients: new tea",
    trigger: { event: "RecipientsTeaShown" },
    repeat: { everyHours: 24 },
    message: { sender: { name: "Kizuna Tea Shop" }, text: "New: hojicha.", buttons: [{ label: "Look", url: "/products/hojicha" }], display: "bubble" },
    goal: { kind: "event", name: "RecipientsTeaBought" },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  assert.equal((await call("POST", `/admin/v1/campaigns/${id}/start`)).status, 200);
  const recipients = (query = "", token) =>
    fetch(`${env.worker.base}/admin/v1/channels/demo/campaigns/${id}/recipients${query}`, {
      headers: token ? { authorization: `Bearer ${token}` } : { authorization: "Bearer kz_demo_owner_token" },
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
  assert.deepEqual((await recipients()).body, { recipients: [], nextCursor: null }, "nobody reached yet");

  // Two visitors get the message through the real worker; the first views it, clicks and buys.
  const hanako = await bootVisitor(env.worker, { profile: { name: "Hanako", email: "hanako@example.jp" } });
  const taro = await bootVisitor(env.worker);
  const shown = async (visitor, n) => {
    const reply = await asVisitor(env.worker, "/v1/events", visitor, { sessionId: `s_recipients_${n}`, events: [{ id: `e_recipients_${n}`, name: "RecipientsTeaShown" }] });
    const popups = (await reply.json()).popups.filter((p) => p.campaignId === id);
    assert.equal(popups.length, 1, "the campaign reached the visitor");
    return popups[0].deliveryId;
  };
  const delivery = await shown(hanako, 1);
  assert.equal((await asVisitor(env.worker, `/v1/deliveries/${delivery}/view`, hanako)).status, 200);
  assert.equal((await asVisitor(env.worker, `/v1/deliveries/${delivery}/click`, hanako)).status, 200);
  await asVisitor(env.worker, "/v1/events", hanako, { sessionId: "s_recipients_1", events: [{ id: "e_recipients_goal", name: "RecipientsTeaBought" }] });
  await shown(taro, 2);
  await statsWhen(env.worker, id, (s) => s.totals.sent === 2 && s.totals.goal === 1);

  const all = await recipients();
  assert.equal(all.status, 200, JSON.stringify(all.body));
  assert.equal(all.body.nextCursor, null);
  assert.deepEqual(all.body.recipients.map((r) => r.customerId), [taro.visitorId, hanako.visitorId], "newest first");
  const [second, first] = all.body.recipients;
  assert.deepEqual([first.name, first.email, first.deliveries], ["Hanako", "hanako@example.jp", 1]);
  assert.ok(first.sentAt <= first.viewAt && first.viewAt <= first.clickAt && first.clickAt <= first.goalAt, JSON.stringify(first));
  assert.deepEqual([second.name, second.email, second.viewAt, second.clickAt, second.goalAt], [null, null, null, null, null]);
  assert.ok(second.sentAt >= first.sentAt);

  // Pages of one: each a row, then a short (empty) last page without a cursor.
  const page1 = await recipients("?limit=1");
  assert.deepEqual(page1.body.recipients, [second]);
  assert.equal(page1.body.nextCursor, `${second.sentAt}:${second.customerId}`);
  const page2 = await recipients(`?limit=1&cursor=${encodeURIComponent(page1.body.nextCursor)}`);
  assert.deepEqual(page2.body.recipients, [first]);
  const page3 = await recipients(`?limit=1&cursor=${encodeURIComponent(page2.body.nextCursor)}`);
  assert.deepEqual(page3.body, { recipients: [], nextCursor: null });

  // Bad values are refused naming them; an unknown campaign is not found.
  for (const [query, field] of [["?limit=0", "limit"], ["?limit=201", "limit"], ["?limit=many", "limit"], ["?cursor=yesterday", "cursor"], ["?cursor=5:", "cursor"], ["?order=asc", "order"]]) {
    const refused = await recipients(query);
    assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.field], [400, "invalid", field], query);
  }
  assert.equal((await recipients("?limit=200")).status, 200);
  const unknown = await call("GET", "/admin/v1/channels/demo/campaigns/c_no_such_campaign/recipients");
  assert.deepEqual([unknown.status, unknown.body.error.code], [404, "not_found"]);

  // A member of another channel: through their own channel the campaign does not exist
  // (404); through this channel's path they have no role (403, before any lookup).
  const token = "kz_recipients_other_member";
  sqlNow(
    env.worker,
    `INSERT INTO channels (id, name, utc_offset_minutes, created_at) VALUES ('recipients_other', 'Other shop', 0, 0);
     INSERT INTO members (id, email, name, created_at) VALUES ('m_recipients_other', 'other@recipients.invalid', 'Other', 0);
     INSERT INTO channel_members (channel_id, member_id, role) VALUES ('recipients_other', 'm_recipients_other', 'member');
     INSERT INTO api_tokens (token_hash, member_id, label, created_at)
       VALUES ('${createHash("sha256").update(token).digest("hex")}', 'm_recipients_other', 'other', 0);`,
  );
  await settle(env.worker);
  const theirs = await fetch(`${env.worker.base}/admin/v1/channels/recipients_other/campaigns/${id}/recipients`, { headers: { authorization: `Bearer ${token}` } });
  const body = await theirs.json();
  assert.deepEqual([theirs.status, body.error.code], [404, "not_found"], JSON.stringify(body));
  assert.ok(!JSON.stringify(body).includes(hanako.visitorId));
  const ours = await recipients("", token);
  assert.deepEqual([ours.status, ours.body.error.code], [403, "forbidden"]);

  // The campaign repeats: a day later Hanako gets it again and views it. She is still one
  // row, at her first delivery, with her first view; `deliveries` says two.
  await moveClock(env.worker, 25 * 60 * 60 * 1000);
  try {
    const again = await shown(hanako, 3);
    assert.notEqual(again, delivery);
    assert.equal((await asVisitor(env.worker, `/v1/deliveries/${again}/view`, hanako)).status, 200);
    await statsWhen(env.worker, id, (s) => s.totals.sent === 3 && s.totals.view === 2);
    const repeated = (await recipients()).body.recipients;
    assert.deepEqual(repeated.map((r) => r.customerId), [taro.visitorId, hanako.visitorId], "ordered by first delivery");
    assert.deepEqual(repeated[1], { ...first, deliveries: 2 });
  } finally {
    await moveClock(env.worker, 0);
  }
});

test("a campaign saved without a goal gets 'a link in the message clicked', and a click on its button counts the goal", async () => {
  const { goal: _, ...noGoal } = SALE;
  const letter = { ...noGoal, name: "Newsletter page", trigger: { event: "PageView", urlContains: "/newsletter" } };
  const created = await call("POST", "/admin/v1/channels/demo/campaigns", letter);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.deepEqual(created.body.goal, { kind: "clicked" }, "the default goal, stored");
  const id = created.body.id;
  const nulled = await call("PUT", `/admin/v1/campaigns/${id}`, { ...letter, goal: null });
  assert.deepEqual(nulled.body.goal, { kind: "clicked" }, "null is no goal chosen: the default");
  assert.deepEqual((await call("GET", `/admin/v1/campaigns/${id}`)).body.goal, { kind: "clicked" });
  await call("POST", `/admin/v1/campaigns/${id}/start`);

  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.worker.base}/newsletter`);
  const bubble = page.locator("[data-kizuna] .b");
  await bubble.waitFor({ state: "visible", timeout: 15_000 });
  await Promise.all([page.waitForURL(/\/products\/sencha$/), bubble.getByRole("link", { name: "Take a look" }).click()]);
  const stats = await statsWhen(env.worker, id, (s) => s.totals.goal === 1);
  assert.deepEqual(stats.totals, { sent: 1, view: 1, click: 1, goal: 1 });
  await context.close();
});
