// Bulk actions: tags and unsubscribe flags on every result of a filter (1,200 customers,
// so several batches through the real queue) or on selected ids; idempotent reruns;
// MAU counts only customers the action changed; a stalled job restarted by the cron.
import { test } from "node:test";
import assert from "node:assert/strict";
import { adminCall, suite } from "./harness.mjs";

const CHANGE = `{"addTags":["rescued"],"removeTags":[],"unsubscribeEmail":null,"unsubscribeTexting":null}`;
const env = suite({
  browser: false,
  sql: [
    // 1,200 customers: v_bulk_0001..1200, even ones tagged "even", the first 1,000 in JP.
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
     INSERT INTO customers (channel_id, id, created_at, updated_at, tags, country)
     SELECT 'demo', printf('v_bulk_%04d', i), 1795000000000, 1795000000000,
            CASE WHEN i % 2 = 0 THEN '["even"]' ELSE '[]' END, CASE WHEN i <= 1000 THEN 'JP' ELSE 'US' END FROM n`,
    // A job whose chain of queue messages broke long ago.
    `INSERT INTO bulk_jobs (id, channel_id, target, change, evaluated_at, state, total, created_at, updated_at)
     VALUES ('job_stalled', 'demo', '{"ids":["v_bulk_1199"]}', '${CHANGE}', 0, 'running', 1, 0, 0)`,
  ],
});

const call = (method, path, body) => adminCall(env.worker, method, `/admin/v1/channels/demo${path}`, body);
const bulk = (body) => call("POST", "/customers/bulk", body);

async function jobWhenDone(id) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { body } = await call("GET", `/jobs/${id}`);
    if (body.state !== "running") return body;
    if (Date.now() > deadline) throw new Error(`job ${id} still running: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Every customer id the filter matches, page by page. */
async function idsMatching(filter) {
  const ids = [];
  let cursor;
  do {
    const { body } = await call("POST", "/customers/search", { filter, limit: 200, sort: "createdAt", ...(cursor ? { cursor } : {}) });
    ids.push(...body.customers.map((c) => c.id));
    cursor = body.nextCursor;
  } while (cursor);
  return ids;
}

test("a bulk action on every result of a filter runs in batches until all 1,000 are done", async () => {
  const started = await bulk({ filter: { field: "country", op: "equals", value: "JP" }, addTags: ["autumn"], unsubscribeEmail: true });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  assert.equal(started.body.total, 1000);
  const job = await jobWhenDone(started.body.id);
  assert.deepEqual([job.state, job.processed, job.changed, job.batches], ["done", 1000, 1000, 3]);

  const tagged = await idsMatching({ all: [{ tags: { include: ["autumn"] } }, { field: "unsubscribeEmail", op: "isTrue" }] });
  assert.equal(tagged.length, 1000);
  assert.ok(tagged.every((id) => id <= "v_bulk_1000"), "only the filter's customers");
  const even = (await call("GET", "/customers/v_bulk_0002")).body;
  assert.deepEqual(even.tags, ["autumn", "even"], "existing tags are kept");
  assert.ok(even.updatedAt > 1795000000000, "a changed customer's updatedAt moves");
  assert.equal((await call("GET", "/mau")).body.mau, 1000, "the changed customers count toward this month's MAU");

  // The same action again changes nothing.
  const again = await bulk({ filter: { field: "country", op: "equals", value: "JP" }, addTags: ["autumn"], unsubscribeEmail: true });
  const rerun = await jobWhenDone(again.body.id);
  assert.deepEqual([rerun.processed, rerun.changed], [1000, 0]);
  assert.equal((await call("GET", "/customers/v_bulk_0002")).body.updatedAt, even.updatedAt);
});

test("a bulk action on selected ids finishes before the answer; bad input is refused naming the field", async () => {
  const done = await bulk({ ids: ["v_bulk_0002", "v_bulk_0004", "v_bulk_0004", "v_nobody"], removeTags: ["even"], unsubscribeTexting: true });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.deepEqual([done.body.state, done.body.total, done.body.processed, done.body.changed], ["done", 2, 2, 2]);
  const customer = (await call("GET", "/customers/v_bulk_0004")).body;
  assert.equal(customer.tags.includes("even"), false);
  assert.equal(customer.unsubscribeTexting, true);
  assert.equal((await call("GET", "/customers/v_bulk_0006")).body.tags.includes("even"), true, "others untouched");

  const cleared = await bulk({ q: "", filter: { field: "country", op: "equals", value: "US" }, unsubscribeEmail: false });
  assert.equal((await jobWhenDone(cleared.body.id)).changed, 0, "clearing an unset flag changes nothing");

  for (const [body, field] of [
    [{ addTags: ["x"] }, "ids"],
    [{ ids: ["v_bulk_0001"], q: "x", addTags: ["x"] }, "ids"],
    [{ ids: ["v_bulk_0001"] }, "addTags"],
    [{ ids: ["v_bulk_0001"], addTags: [""] }, "addTags[0]"],
    [{ ids: ["v_bulk_0001"], addTags: ["a"], removeTags: ["a"] }, "removeTags"],
    [{ ids: ["not an id"], addTags: ["a"] }, "ids[0]"],
    [{ filter: { field: "country", op: "greaterThan", value: 1 }, addTags: ["a"] }, "filter.op"],
    [{ segment: "seg_missing", addTags: ["a"] }, "segment"],
    [{ ids: ["v_bulk_0001"], addTag: ["a"] }, "addTag"],
  ]) {
    const refused = await bulk(body);
    assert.equal(refused.status, 400, JSON.stringify(body));
    assert.equal(refused.body.error.field, field, JSON.stringify(refused.body));
  }
  assert.equal((await call("GET", "/jobs/job_missing")).status, 404);
});

test("the cron restarts a job whose chain of queue messages broke", async () => {
  assert.equal((await call("GET", "/jobs/job_stalled")).body.state, "running");
  const cron = await fetch(`${env.worker.base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}`);
  assert.equal(cron.status, 200);
  const job = await jobWhenDone("job_stalled");
  assert.deepEqual([job.state, job.changed], ["done", 1]);
  assert.ok((await call("GET", "/customers/v_bulk_1199")).body.tags.includes("rescued"));
});
