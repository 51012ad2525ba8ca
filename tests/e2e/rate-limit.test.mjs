// Public endpoints are rate limited per channel and client: 600 requests a minute.
// Its own worker, so no other test shares the budget.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./harness.mjs";

let worker;
before(async () => {
  worker = await startWorker();
});
after(async () => {
  await worker?.stop();
});

// One returning visitor (its id and token from a boot by another client), so the burst
// does not make 650 new visitors.
let visitor;
const boot = (headers = {}) =>
  fetch(`${worker.base}/v1/boot`, {
    method: "POST",
    headers,
    body: JSON.stringify({ channel: "demo", visitorId: visitor.visitorId, token: visitor.token }),
  });

test("a client over 600 requests a minute gets 429 with Retry-After; other clients do not", async () => {
  // The limiter counts in fixed one-minute windows aligned to the clock (Cloudflare's
  // and wrangler dev's alike): start early in a window so the whole burst falls in one.
  const intoWindow = Date.now() % 60_000;
  if (intoWindow > 30_000) await new Promise((r) => setTimeout(r, 60_000 - intoWindow + 250));
  const first = await fetch(`${worker.base}/v1/boot`, {
    method: "POST",
    headers: { "cf-connecting-ip": "203.0.113.50" },
    body: JSON.stringify({ channel: "demo" }),
  });
  visitor = await first.json();
  const statuses = [];
  let refused;
  for (let batch = 0; batch < 13; batch++) {
    const answers = await Promise.all(Array.from({ length: 50 }, () => boot()));
    for (const answer of answers) {
      statuses.push(answer.status);
      if (answer.status === 429 && !refused) refused = { retryAfter: answer.headers.get("retry-after"), body: await answer.json() };
      else await answer.text();
    }
  }
  assert.equal(statuses.filter((s) => s === 200).length, 600);
  assert.equal(statuses.indexOf(429), 600, "the first 600 pass");
  assert.equal(refused.retryAfter, "60");
  assert.equal(refused.body.error.code, "rate_limited");
  assert.equal((await boot({ "cf-connecting-ip": "203.0.113.9" })).status, 200, "another client has its own budget");
});
