// The HTTP contract of the skeleton, against the real worker: the widget's files, CORS,
// errors that name the field, size limits, de-duplication, tokens, the OpenAPI document.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { OWNER_TOKEN, bootVisitor, startWorker } from "./harness.mjs";

let worker;
before(async () => {
  worker = await startWorker();
});
after(async () => {
  await worker?.stop();
});

const post = (path, body, headers = {}) =>
  fetch(`${worker.base}${path}`, {
    method: "POST",
    headers: { "content-type": "text/plain;charset=UTF-8", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

/** A new visitor's channel, id and token (what every public body but boot's starts with). */
const visitor = async () => {
  const { visitorId, token } = await bootVisitor(worker);
  return { channel: "demo", visitorId, token };
};

async function error(response, status) {
  assert.equal(response.status, status, `expected ${status}`);
  assert.match(response.headers.get("content-type"), /application\/json/);
  return (await response.json()).error;
}

test("the widget's files are served with their types and CORS", async () => {
  const js = await fetch(`${worker.base}/widget.js`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get("content-type"), /javascript/);
  assert.equal(js.headers.get("access-control-allow-origin"), "*");
  const wasm = await fetch(`${worker.base}/widget.wasm`);
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get("content-type"), "application/wasm");
  assert.equal(wasm.headers.get("access-control-allow-origin"), "*");
  const bytes = new Uint8Array(await wasm.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 4)], [0, 0x61, 0x73, 0x6d], "a wasm module");
});

test("the public API answers CORS preflights", async () => {
  const response = await fetch(`${worker.base}/v1/events`, {
    method: "OPTIONS",
    headers: { origin: "https://shop.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
  });
  assert.equal(response.status, 204);
  assert.equal(response.headers.get("access-control-allow-origin"), "*");
  assert.match(response.headers.get("access-control-allow-methods"), /POST/);
});

test("bad JSON and unknown or invalid fields get a 400 naming the field", async () => {
  assert.equal((await error(await post("/v1/boot", "{not json"), 400)).field, "body");
  const unknown = await error(await post("/v1/boot", { channel: "demo", visitorId: "v1", extra: 1 }), 400);
  assert.equal(unknown.field, "extra");
  assert.match(unknown.message, /unknown field/);
  const me = await visitor();
  const badId = await error(await post("/v1/events", { ...me, events: [{ id: "a b", name: "PageView" }] }), 400);
  assert.equal(badId.field, "events[0].id");
  const badName = await error(await post("/v1/events", { ...me, events: [{ id: "e1", name: "" }] }), 400);
  assert.equal(badName.field, "events[0].name");
  const noChannel = await error(await post("/v1/boot", { channel: "nope", visitorId: "v1" }), 400);
  assert.equal(noChannel.field, "channel");
  // Issue 10: a missing required field is named itself, not its enclosing object.
  const missing = await error(await post("/v1/events", { ...me }), 400);
  assert.equal(missing.field, "events");
  const missingName = await error(await post("/v1/events", { ...me, events: [{ id: "e2" }] }), 400);
  assert.equal(missingName.field, "events[0].name");
});

test("an event over 32 KB and a body over 500 KB get 413", async () => {
  const me = await visitor();
  const big = { id: "e_big", name: "PageView", properties: { blob: "x".repeat(33 * 1024) } };
  const event = await error(await post("/v1/events", { ...me, events: [big] }), 413);
  assert.equal(event.field, "events[0]");
  const many = Array.from({ length: 20 }, (_, i) => ({ id: `e${i}`, name: "PageView", properties: { blob: "x".repeat(30 * 1024) } }));
  const batch = await error(await post("/v1/events", { ...me, events: many }), 413);
  assert.equal(batch.field, "body");
  // Nothing was half-written: the visitor's events were never accepted.
  const retry = await post("/v1/events", { ...me, events: [{ id: "e0", name: "PageView" }] });
  assert.deepEqual((await retry.json()).accepted, 1);
});

test("a replayed batch is counted once", async () => {
  const me = await visitor();
  const batch = {
    ...me,
    events: [{ id: "e_r1", name: "PageView", properties: { url: "http://shop/products/sencha" } }],
  };
  const first = await (await post("/v1/events", batch)).json();
  const again = await (await post("/v1/events", batch)).json();
  assert.equal(first.accepted, 1);
  assert.equal(first.popups.length, 1);
  assert.deepEqual(again, { accepted: 0, duplicates: 1, popups: [] });
  const view = (await (await post(`/v1/deliveries/${first.popups[0].deliveryId}/view`, me)).json()).counted;
  const twice = (await (await post(`/v1/deliveries/${first.popups[0].deliveryId}/view`, me)).json()).counted;
  assert.equal(view.view, 1);
  assert.equal(twice.view, 0);
  const stranger = await post(`/v1/deliveries/${first.popups[0].deliveryId}/view`, await visitor());
  assert.equal(stranger.status, 404, "another visitor cannot touch this delivery");
});

test("the admin API needs a valid token and validates its query", async () => {
  const path = "/admin/v1/campaigns/c_tea_bubble/stats";
  assert.equal((await error(await fetch(`${worker.base}${path}`), 401)).code, "unauthorized");
  const wrong = await fetch(`${worker.base}${path}`, { headers: { authorization: "Bearer nope" } });
  assert.equal(wrong.status, 401);
  const auth = { headers: { authorization: `Bearer ${OWNER_TOKEN}` } };
  const badDay = await error(await fetch(`${worker.base}${path}?from=2026-02-30`, auth), 400);
  assert.equal(badDay.field, "from");
  const unknown = await error(await fetch(`${worker.base}${path}?form=2026-01-01`, auth), 400);
  assert.equal(unknown.field, "form");
  const missing = await fetch(`${worker.base}/admin/v1/campaigns/c_nope/stats`, auth);
  assert.equal(missing.status, 404);
  const week = await (await fetch(`${worker.base}${path}?from=2026-11-01&to=2026-11-07`, auth)).json();
  assert.deepEqual(week.days.map((d) => d.date), ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-07"]);
});

test("the OpenAPI document is served and describes every route", async () => {
  const doc = await (await fetch(`${worker.base}/openapi.json`)).json();
  assert.equal(doc.openapi, "3.1.0");
  for (const path of [
    "/healthz",
    "/v1/boot",
    "/v1/events",
    "/v1/profile",
    "/v1/deliveries/{deliveryId}/view",
    "/v1/deliveries/{deliveryId}/click",
    "/admin/v1/setup",
    "/admin/v1/sessions",
    "/admin/v1/sessions/current",
    "/admin/v1/sessions/{sessionId}",
    "/admin/v1/me",
    "/admin/v1/campaigns/{campaignId}/stats",
    "/admin/v1/channels/{channel}/customers",
    "/admin/v1/channels/{channel}/customers/search",
    "/admin/v1/channels/{channel}/customers/{customerId}",
    "/admin/v1/channels/{channel}/identity-verification",
    "/admin/v1/channels/{channel}/mau",
    "/admin/v1/channels/{channel}/segments",
    "/admin/v1/channels/{channel}/segments/{segmentId}",
    "/admin/v1/channels/{channel}/fields",
    "/admin/v1/channels/{channel}/fields/{key}",
    "/admin/v1/channels/{channel}/fields/order",
    "/admin/v1/channels/{channel}/customers/bulk",
    "/admin/v1/channels/{channel}/jobs/{jobId}",
    "/admin/v1/channels/{channel}/campaigns",
    "/admin/v1/campaigns/{campaignId}",
    "/admin/v1/campaigns/{campaignId}/start",
    "/admin/v1/campaigns/{campaignId}/pause",
    "/admin/v1/campaigns/{campaignId}/stop",
    "/admin/v1/campaigns/{campaignId}/broadcast",
    "/admin/v1/channels/{channel}",
    "/v1/messages",
    "/v1/show",
    "/v1/shutdown",
    "/dev/clock",
  ]) {
    assert.ok(doc.paths[path], `${path} is documented`);
  }
});
