// The worker's time per event with 1,000 running campaigns, under `wrangler dev`.
//   node scripts/bench-worker.mjs        (needs the build: scripts/bench runs it after build_all)
//
// Starts the built worker on a free loopback port with a fresh seeded state (the demo's
// own campaign ended, so the baseline has none), times POST /v1/events with no campaigns,
// creates and starts 1,000 automated campaigns through the admin API (8 at a time), then
// times a PageView under none of their URL rules and an event no campaign listens to.
// Workers expose no CPU time inside the isolate (Date.now stands still while it runs)
// and `wrangler dev` reports none per request, so this measures wall time per request on
// 127.0.0.1: the difference against the 0-campaign baseline is the engine's share.
// Public requests are paced under the channel's rate limit (600 a minute per client).
import { startWorker, OWNER_TOKEN } from "../tests/e2e/harness.mjs";

const CAMPAIGNS = 1_000;
const CONCURRENCY = 8;
const WARM_UP = 20;
/** More before the first row: a freshly started `wrangler dev` is slower for a while. */
const FIRST_WARM_UP = 100;
const MEASURED = 200;
const PUBLIC_GAP_MS = 60_000 / 500; // at most 500 public requests a minute

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const worker = await startWorker({
    devClock: false,
    sql: ["UPDATE campaigns SET state = 'ended', updated_at = 0 WHERE channel_id = 'demo'"],
  });
  const stop = () => worker.stop().finally(() => process.exit(130));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    await run(worker);
  } finally {
    await worker.stop();
  }
}

async function adminPost(worker, path, body) {
  const response = await fetch(`${worker.base}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${OWNER_TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

async function run(worker) {
  let nextEvent = 0;
  let nextSlot = 0;
  // Public requests carry the visitor token boot issues.
  const booted = await fetch(`${worker.base}/v1/boot`, { method: "POST", body: JSON.stringify({ channel: "demo" }) });
  if (!booted.ok) throw new Error(`/v1/boot: ${booted.status} ${await booted.text()}`);
  const visitor = await booted.json();
  /** One POST /v1/events, paced; answers its wall time in ms. */
  async function send(name, url) {
    const wait = nextSlot - performance.now();
    if (wait > 0) await sleep(wait);
    nextSlot = performance.now() + PUBLIC_GAP_MS;
    const body = JSON.stringify({
      channel: "demo",
      visitorId: visitor.visitorId,
      token: visitor.token,
      sessionId: "s_1",
      events: [{ id: `e_${++nextEvent}`, name, properties: url ? { url } : {} }],
    });
    const started = performance.now();
    const response = await fetch(`${worker.base}/v1/events`, { method: "POST", headers: { "content-type": "text/plain" }, body });
    const text = await response.text();
    const ms = performance.now() - started;
    if (!response.ok) throw new Error(`/v1/events: ${response.status} ${text}`);
    const reply = JSON.parse(text);
    if (reply.accepted !== 1) throw new Error(`/v1/events accepted ${reply.accepted}: ${text}`);
    return ms;
  }

  const results = [];
  async function scenario(label, name, url) {
    const warmUp = results.length ? WARM_UP : FIRST_WARM_UP;
    for (let i = 0; i < warmUp; i++) await send(name, url);
    const times = [];
    for (let i = 0; i < MEASURED; i++) times.push(await send(name, url));
    times.sort((a, b) => a - b);
    const at = (q) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
    results.push({ label, median: at(0.5), p90: at(0.9) });
    console.error(`  ${label}: median ${at(0.5).toFixed(2)} ms`);
  }

  console.error("timing with no campaigns");
  await scenario("0 campaigns, PageView", "PageView", "https://shop.example/nowhere");

  console.error(`creating and starting ${CAMPAIGNS} campaigns, ${CONCURRENCY} at a time`);
  const ids = new Array(CAMPAIGNS);
  let next = 0;
  async function creator() {
    for (let i = next++; i < CAMPAIGNS; i = next++) {
      const created = await adminPost(worker, "/admin/v1/channels/demo/campaigns", {
        name: `Bench ${i}`,
        trigger: { event: "PageView", url: { include: [{ op: "startsWith", value: `/bench/${i}/` }] } },
        message: { sender: { name: "Bench" }, text: "Hi", display: "bubble" },
      });
      const started = await adminPost(worker, `/admin/v1/campaigns/${created.id}/start`);
      if (started.state !== "running") throw new Error(`campaign ${created.id} is ${started.state}`);
      ids[i] = created.id;
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, creator));

  console.error("timing with the campaigns");
  await scenario(`${CAMPAIGNS} campaigns, PageView matching none`, "PageView", "https://shop.example/nowhere");
  await scenario(`${CAMPAIGNS} campaigns, unrelated event`, "CartUpdated");

  // The campaigns were really there: one matching page view delivers the last one.
  await send("PageView", `https://shop.example/bench/${CAMPAIGNS - 1}/x`);
  const stats = await fetch(`${worker.base}/admin/v1/campaigns/${ids[CAMPAIGNS - 1]}/stats`, {
    headers: { authorization: `Bearer ${OWNER_TOKEN}` },
  }).then((r) => r.json());
  if (stats.totals?.sent !== 1) throw new Error(`the matching campaign did not deliver: ${JSON.stringify(stats.totals)}`);

  const base = results[0].median;
  const ms = (v) => `${v.toFixed(2)} ms`;
  console.log(`### Worker: one event per request under \`wrangler dev\`, ${MEASURED} requests per row after ${WARM_UP} warm-up (${FIRST_WARM_UP} for the first)`);
  console.log("");
  console.log("Wall time per `POST /v1/events` on 127.0.0.1, **not CPU time**: Workers expose no CPU time inside");
  console.log("the isolate (Date.now stands still while it runs) and `wrangler dev` reports none per request.");
  console.log("The engine's share is the median minus the 0-campaign baseline's median.");
  console.log("");
  console.log("| scenario | median | p90 | engine's share (median − baseline) |");
  console.log("|---|---:|---:|---:|");
  for (const r of results) {
    const share = r === results[0] ? "baseline" : `${r.median - base >= 0 ? "+" : ""}${ms(r.median - base)}`;
    console.log(`| ${r.label} | ${ms(r.median)} | ${ms(r.p90)} | ${share} |`);
  }
  const noise = Math.max(...results.map((r) => r.p90 - r.median));
  if (results.slice(1).some((r) => Math.abs(r.median - base) < noise)) {
    console.log("");
    console.log(`A share smaller than the spread (p90 − median up to ${ms(noise)}), or below zero, is under what wall`);
    console.log("time resolves here: the criterion table (`scripts/bench engine`) gives the engine's cost.");
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
