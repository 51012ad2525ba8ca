// When a message counts as sent (issue 12): a released message is pending until a page
// of the customer takes it (the polling protocol's `POST /v1/messages`) or a provider
// accepts it. An away customer without an address adds no `sent`; the page that takes
// it a day later adds `sent` on that day, once however often it asks again; another
// visitor cannot report on it; a message withdrawn before any page took it is never sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { admin, adminCall, asVisitor, bootVisitor, moveClock, settle, sqlRows, suite } from "./harness.mjs";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TOKYO = 9 * HOUR; // the demo channel's zone, Asia/Tokyo, has no daylight saving

const env = suite({ browser: false });
const call = (method, path, body) => adminCall(env.worker, method, path, body);
const message = (text) => ({ sender: { name: "Kizuna Tea Shop" }, text, display: "bubble" });
const tokyoDate = (at) => new Date(at + TOKYO).toISOString().slice(0, 10);

/** Creates and starts a broadcast to one customer; waits until its fan-out passed them. */
async function broadcastTo(visitorId, settings) {
  const created = await call("POST", "/admin/v1/channels/demo/campaigns", {
    kind: "broadcast",
    audience: { filter: { field: "id", op: "equals", value: visitorId } },
    ...settings,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  assert.equal((await call("POST", `/admin/v1/campaigns/${id}/start`)).status, 200);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const run = await admin(env.worker, `/admin/v1/campaigns/${id}/broadcast`).catch(() => undefined);
    if (run?.state === "done" && run.processed === 1) return id;
    if (Date.now() > deadline) throw new Error(`broadcast ${id}: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The campaign's deliveries as D1 holds them. */
async function deliveries(campaign) {
  const rows = sqlRows(env.worker, `SELECT id, visitor_id, state, sent_at, view_at FROM deliveries WHERE campaign_id = '${campaign}'`);
  await settle(env.worker);
  return rows;
}

const stats = (campaign, from, to) => admin(env.worker, `/admin/v1/campaigns/${campaign}/stats?from=${from}&to=${to}`);
/** A new visitor with a customer row (written by their first event), no email and no phone. */
let visitors = 0;
async function newCustomer() {
  const visitor = await bootVisitor(env.worker);
  const events = [{ id: `e_states_${++visitors}`, name: "Browse" }];
  assert.equal((await asVisitor(env.worker, "/v1/events", visitor, { sessionId: `s_states_${visitors}`, events })).status, 200);
  return visitor;
}

const messagesOf = async (visitorId) => (await admin(env.worker, `/admin/v1/channels/demo/customers/${visitorId}/messages`)).messages;

test("an away customer without an address adds no sent; the page that takes the message a day later adds sent on that day, once", async () => {
  const t0 = await moveClock(env.worker, 0);
  try {
    const away = await newCustomer();
    const other = await newCustomer();
    await moveClock(env.worker, 10 * MINUTE); // away: no activity for ten minutes
    const id = await broadcastTo(away.visitorId, { name: "Autumn tins", message: message("Autumn tins are in."), offline: { email: true, sms: true } });
    const releaseDay = tokyoDate(t0 + 10 * MINUTE);

    const [released] = await deliveries(id);
    assert.deepEqual([released.visitor_id, released.state], [away.visitorId, "pending"], "released, waiting for a page: no address to send it to");
    const before = await stats(id, releaseDay, releaseDay);
    assert.deepEqual([before.totals.sent, before.reached, before.days[0].reached], [0, 0, 0], "not sent, nobody reached");
    assert.deepEqual((await messagesOf(away.visitorId)).map((m) => m.state), ["pending"]);

    // Another visitor names the delivery: not theirs, so nothing of it is theirs to report.
    for (const action of ["view", "click"]) {
      const refused = await asVisitor(env.worker, `/v1/deliveries/${released.id}/${action}`, other);
      assert.equal(refused.status, 404, `another visitor's ${action}`);
    }

    // The next day the customer's page asks over the polling protocol and takes it.
    const t1 = await moveClock(env.worker, DAY + 10 * MINUTE);
    const takeDay = tokyoDate(t1);
    const taken = await (await asVisitor(env.worker, "/v1/messages", away)).json();
    assert.deepEqual(taken.popups.map((p) => [p.deliveryId, p.text]), [[released.id, "Autumn tins are in."]]);
    const again = await (await asVisitor(env.worker, "/v1/messages", away)).json();
    assert.deepEqual(again.popups, [], "handed once");
    // A replayed take (another tab, a retried call) and a replayed view count nothing more.
    for (let i = 0; i < 2; i++) assert.equal((await asVisitor(env.worker, `/v1/deliveries/${released.id}/view`, away)).status, 200);

    const [sent] = await deliveries(id);
    assert.equal(sent.state, "sent");
    assert.ok(sent.sent_at >= t1 && sent.view_at >= sent.sent_at, JSON.stringify(sent));
    const after = await stats(id, releaseDay, takeDay);
    assert.deepEqual(
      after.days,
      [
        { date: releaseDay, sent: 0, view: 0, click: 0, goal: 0, reached: 0 },
        { date: takeDay, sent: 1, view: 1, click: 0, goal: 0, reached: 1 },
      ],
      "sent on the day the page took it, not the day it was released",
    );
    assert.deepEqual([after.totals.sent, after.totals.view, after.reached], [1, 1, 1]);
    assert.deepEqual((await messagesOf(away.visitorId)).map((m) => [m.state, m.sentAt === sent.sent_at]), [["sent", true]]);
  } finally {
    await moveClock(env.worker, 0);
  }
});

test("a message withdrawn before any page took it is never sent, and a page asking later gets nothing", async () => {
  const t0 = await moveClock(env.worker, 0);
  try {
    const away = await newCustomer();
    await moveClock(env.worker, 10 * MINUTE);
    const id = await broadcastTo(away.visitorId, { name: "Flash sale", deleteUnviewed: true, message: message("One hour only.") });
    assert.deepEqual((await deliveries(id)).map((d) => d.state), ["pending"]);
    assert.equal((await call("POST", `/admin/v1/campaigns/${id}/stop`)).body.state, "ended");

    await moveClock(env.worker, 20 * MINUTE);
    const asked = await (await asVisitor(env.worker, "/v1/messages", away)).json();
    assert.deepEqual(asked.popups, [], "withdrawn: no page gets it");
    const [withdrawn] = await deliveries(id);
    assert.equal(withdrawn.state, "withdrawn");
    // A page that still had its id cannot make it count.
    assert.equal((await asVisitor(env.worker, `/v1/deliveries/${withdrawn.id}/view`, away)).status, 200);
    const day = tokyoDate(t0 + 20 * MINUTE);
    const after = await stats(id, day, day);
    assert.deepEqual([after.totals, after.reached], [{ sent: 0, view: 0, click: 0, goal: 0 }, 0]);
    assert.deepEqual((await messagesOf(away.visitorId)).map((m) => m.state), ["withdrawn"]);
  } finally {
    await moveClock(env.worker, 0);
  }
});
