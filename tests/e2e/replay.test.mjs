// Issue 10, item 1: a replayed batch counts once, however late it comes. Every event id
// a visitor's object accepted in the last 7 days is remembered (the object's own SQLite),
// a batch holds at most 100 events, and a visitor's new events are capped per 24 hours.
// Time moves with the worker's development clock, only forward in this file. The daily
// cap is the shipped one (5,000): the 10,000 later events are spread over three days.
import { test } from "node:test";
import assert from "node:assert/strict";
import { admin, adminCall, bootVisitor, moveClock, statsWhen, suite } from "./harness.mjs";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DAILY_EVENTS = 5_000;

const env = suite({ browser: false });
let offset = 0;
async function setClock(at) {
  offset = at - Date.now();
  return moveClock(env.worker, offset);
}
const workerNow = () => Date.now() + offset;

/** Sends `events` as `visitor` (a `bootVisitor` reply: its id and visitor token). */
async function sendEvents(visitor, events) {
  const response = await fetch(`${env.worker.base}/v1/events`, {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: JSON.stringify({ channel: "demo", visitorId: visitor.visitorId, token: visitor.token, events }),
  });
  return { status: response.status, body: await response.json() };
}

/** `count` "Browse" events with ids `${prefix}${n}`, sent in batches of 100, each accepted whole. */
async function browse(visitor, prefix, count) {
  for (let start = 0; start < count; start += 100) {
    const events = Array.from({ length: Math.min(100, count - start) }, (_, i) => ({ id: `${prefix}${start + i}`, name: "Browse" }));
    const { status, body } = await sendEvents(visitor, events);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.accepted, events.length, `${prefix}${start}: ${JSON.stringify(body)}`);
  }
}

test("a batch over 100 events gets 413 naming events, and nothing of it is kept", async () => {
  const events = Array.from({ length: 101 }, (_, i) => ({ id: `big${i}`, name: "Browse" }));
  const visitor = await bootVisitor(env.worker);
  const { status, body } = await sendEvents(visitor, events);
  assert.equal(status, 413);
  assert.equal(body.error.field, "events");
  const hundred = await sendEvents(visitor, events.slice(0, 100));
  assert.deepEqual([hundred.status, hundred.body.accepted], [200, 100]);
});

test("a 100-event batch replayed after 10,000 later events, and after 6 days 23 hours, moves no count", async () => {
  const created = await adminCall(env.worker, "POST", "/admin/v1/channels/demo/campaigns", {
    name: "Replay guard",
    trigger: { event: "Replay" },
    repeat: { everyHours: 24 },
    message: { sender: { name: "Kizuna Tea Shop" }, text: "Once per replay, never", display: "bubble", buttons: [] },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const campaign = created.body.id;
  assert.equal((await adminCall(env.worker, "POST", `/admin/v1/campaigns/${campaign}/start`)).status, 200);

  const visitor = await bootVisitor(env.worker);
  const t0 = await setClock(Date.now());
  const batch = [{ id: "first0", name: "Replay" }, ...Array.from({ length: 99 }, (_, i) => ({ id: `first${i + 1}`, name: "Browse" }))];
  const first = await sendEvents(visitor, batch);
  assert.deepEqual([first.status, first.body.accepted, first.body.duplicates], [200, 100, 0]);
  await statsWhen(env.worker, campaign, (s) => s.totals.sent === 1);

  // Day 1: the visitor reaches the daily cap; one more new event is refused, a replay is not.
  await browse(visitor, "day1_", DAILY_EVENTS - 100);
  const over = await sendEvents(visitor, [{ id: "one_too_many", name: "Browse" }]);
  assert.equal(over.status, 429, JSON.stringify(over.body));
  assert.equal(over.body.error.field, "events");
  // Days 2 and 3: 10,000 later events in all.
  await setClock(t0 + DAY + MINUTE);
  await browse(visitor, "day2_", DAILY_EVENTS);
  await setClock(t0 + 2 * DAY + 2 * MINUTE);
  await browse(visitor, "day3_", 100);

  const replay = await sendEvents(visitor, batch);
  assert.deepEqual([replay.status, replay.body.accepted, replay.body.duplicates], [200, 0, 100], "after 10,000 later events");

  await setClock(t0 + 6 * DAY + 23 * HOUR);
  const late = await sendEvents(visitor, batch);
  assert.deepEqual([late.status, late.body.accepted, late.body.duplicates], [200, 0, 100], "after 6 days 23 hours");
  assert.equal((await admin(env.worker, `/admin/v1/campaigns/${campaign}/stats`)).totals.sent, 1, "the replays delivered nothing");

  // The campaign repeats after 24 hours, so a new Replay event does count now: the
  // replays above would have, had their ids been forgotten.
  const fresh = await sendEvents(visitor, [{ id: "second0", name: "Replay" }]);
  assert.deepEqual([fresh.status, fresh.body.accepted], [200, 1]);
  await statsWhen(env.worker, campaign, (s) => s.totals.sent === 2);
});
