// Campaigns through the admin API: created as drafts, validated naming the field,
// started, edited while running (statistics kept), paused, stopped, scheduled; what a
// visitor in Chromium sees follows each state.
import { test } from "node:test";
import assert from "node:assert/strict";
import { adminCall, statsWhen, suite } from "./harness.mjs";

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
