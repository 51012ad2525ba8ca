// Issue 10, items 4 and 5: inputs a hostile client sizes to hurt. Filters the database
// cannot run (D1 binds at most 100 parameters a statement; `wrangler dev` does not
// enforce it, so these tests check our side: the filter with its statement's own
// parameters is counted and refused above 100 with 400 naming `filter`); long URLs,
// property values, rule values and message texts are refused naming the field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { adminCall, bootVisitor, suite } from "./harness.mjs";

const env = suite({ browser: false });
const search = (body) => adminCall(env.worker, "POST", "/admin/v1/channels/demo/customers/search", body);
const equals = (n) => Array.from({ length: n }, (_, i) => ({ field: "name", op: "equals", value: `n${i}` }));
// What a customer list statement binds besides its filter: channel, keyset cursor (3), limit.
const STATEMENT_PARAMS = 5;

test("r10: a filter at 100 parameters runs, at 101 gets 400 naming filter", async () => {
  const at100 = await search({ filter: { any: equals(100 - STATEMENT_PARAMS) } });
  assert.equal(at100.status, 200, JSON.stringify(at100.body));
  const at101 = await search({ filter: { any: equals(101 - STATEMENT_PARAMS) } });
  assert.equal(at101.status, 400, JSON.stringify(at101.body));
  assert.equal(at101.body.error.field, "filter");
  assert.match(at101.body.error.message, /101 database parameters/);

  // The quick search binds three (name, email, mobile number): counted with the filter.
  const withSearch = await search({ q: "ren", filter: { any: equals(100 - STATEMENT_PARAMS - 3) } });
  assert.equal(withSearch.status, 200, JSON.stringify(withSearch.body));
  const overWithSearch = await search({ q: "ren", filter: { any: equals(101 - STATEMENT_PARAMS - 3) } });
  assert.deepEqual([overWithSearch.status, overWithSearch.body.error?.field], [400, "filter"]);
});

test("r10: a list binds one parameter however long, and empty groups count toward the size limit", async () => {
  const tags = Array.from({ length: 100 }, (_, i) => `tag${i}`);
  const lists = await search({ filter: { any: Array.from({ length: 90 }, () => ({ field: "tags", op: "containsAny", value: tags })) } });
  assert.equal(lists.status, 200, JSON.stringify(lists.body));
  const empties = await search({ filter: { any: Array.from({ length: 1_000 }, () => ({ all: [] })) } });
  assert.equal(empties.status, 400, JSON.stringify(empties.body));
  assert.match(empties.body.error.field, /^filter/);
});

const campaign = (settings) => adminCall(env.worker, "POST", "/admin/v1/channels/demo/campaigns", {
  name: "Limits",
  message: { sender: { name: "Kizuna Tea Shop" }, text: "Hello", display: "bubble", buttons: [] },
  ...settings,
});

test("r10: the longest URL, property-condition value, rule value and message text are refused naming the field", async () => {
  const visitor = await bootVisitor(env.worker);
  const events = (url) => fetch(`${env.worker.base}/v1/events`, {
    method: "POST",
    body: JSON.stringify({ channel: "demo", visitorId: visitor.visitorId, token: visitor.token, events: [{ id: "long1", name: "PageView", properties: { url } }] }),
  });
  const long = await events(`https://shop.example/${"a".repeat(30_000)}`);
  assert.equal(long.status, 400);
  assert.equal((await long.json()).error.field, "events[0].properties.url");
  const longest = await events(`https://shop.example/${"a".repeat(8_192 - 21)}`);
  assert.equal(longest.status, 200, "8,192 characters are taken");

  const property = await campaign({ trigger: { event: "Cart", conditions: [{ property: "note", op: "matches", value: "*".repeat(100_000) }] } });
  assert.deepEqual([property.status, property.body.error?.field], [400, "trigger.conditions[0].value"]);
  const rule = await campaign({ trigger: { event: "PageView", url: { include: [{ op: "matches", value: `/${"*a".repeat(1_025)}` }] } } });
  assert.deepEqual([rule.status, rule.body.error?.field], [400, "trigger.url.include[0].value"]);
  const text = await campaign({ trigger: { event: "PageView" }, message: { sender: { name: "Shop" }, text: "x".repeat(2_001), display: "bubble", buttons: [] } });
  assert.deepEqual([text.status, text.body.error?.field], [400, "message.text"]);
  const fits = await campaign({ trigger: { event: "Cart", conditions: [{ property: "note", op: "matches", value: "*".repeat(2_048) }] } });
  assert.equal(fits.status, 201, JSON.stringify(fits.body));
});
