// The widget's outbox: events tracked offline wait in localStorage and go out with
// backoff once the network is back; a page that goes away hands them to sendBeacon and
// the next page sends them again (the edge counts an event id once); two tabs keep and
// send their own events, neither overwriting nor double-sending the other's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { suite } from "./harness.mjs";

const env = suite();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Records the /v1/events traffic of a page: every attempt, and the delivered ones with their answers. */
function traffic(page) {
  const log = { attempts: 0, failed: 0, delivered: [] };
  page.on("request", (r) => r.url().endsWith("/v1/events") && log.attempts++);
  page.on("requestfailed", (r) => r.url().endsWith("/v1/events") && log.failed++);
  page.on("response", async (r) => {
    if (!r.url().endsWith("/v1/events") || !r.ok()) return;
    const body = JSON.parse(r.request().postData());
    log.delivered.push({ ids: body.events.map((e) => e.id), names: body.events.map((e) => e.name), answer: await r.json() });
  });
  return log;
}

/** This page's outboxes in localStorage: key to the event ids queued. */
const outboxes = (page) =>
  page.evaluate(() =>
    Object.fromEntries(
      Object.keys(localStorage)
        .filter((k) => k.startsWith("kz:demo:out:"))
        .map((k) => [k, localStorage.getItem(k).split("\n").slice(1).map((line) => JSON.parse(line.split("\t")[2]))]),
    ),
  );

async function until(what, check, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(100);
  }
}

test("events tracked offline wait in the outbox, retry with backoff, and go out once when back online", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const log = traffic(page);
  const warnings = [];
  page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  await page.goto(`${env.worker.base}/`);
  await page.waitForLoadState("networkidle");
  assert.deepEqual(await outboxes(page), {}, "a delivered page view leaves nothing behind");

  await context.setOffline(true);
  const before = log.attempts;
  await page.evaluate(() => {
    window.Kizuna("track", "OfflineOne", { n: 1 });
    window.Kizuna("track", "Malformed", { nested: { n: 2 } });
    window.Kizuna("track", "OfflineTwo", { n: 3 });
  });
  const queued = await until("three events queued", async () => {
    const boxes = Object.values(await outboxes(page));
    return boxes.length === 1 && boxes[0].length === 3 && boxes[0];
  });
  assert.deepEqual(queued.map((e) => e.name), ["OfflineOne", "Malformed", "OfflineTwo"]);
  await sleep(4000);
  const attempts = log.attempts - before;
  assert.ok(attempts >= 2 && attempts <= 5, `retries back off (1 s, 2 s, 4 s …), not a storm: ${attempts} attempts in 4 s`);

  await context.setOffline(false);
  await until("the outbox emptied", async () => Object.keys(await outboxes(page)).length === 0);
  // The page empties its outbox as soon as an answer arrives; this test's record of that
  // answer (Playwright's response event, then reading its body) may land a moment later.
  await until("the answers recorded", async () => {
    const ids = log.delivered.flatMap((d) => d.ids);
    return ids.includes(queued[0].id) && ids.includes(queued[2].id);
  });
  // The batch of three is refused for the malformed event: the events then go one by
  // one, so the good ones are delivered (once each) and the bad one is dropped alone.
  const delivered = log.delivered.flatMap((d) => d.ids);
  assert.deepEqual(
    [queued[0].id, queued[1].id, queued[2].id].map((id) => delivered.filter((d) => d === id).length),
    [1, 0, 1],
  );
  assert.equal(log.delivered.reduce((n, d) => n + d.answer.duplicates, 0), 0);
  assert.ok(warnings.some((w) => w.includes("events[0].properties")), `the refusal is explained: ${warnings}`);
  await context.close();
});

test("a page that goes away beacons its outbox, and the next page sends it again, counted once", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const log = traffic(page);
  let failFetches = false;
  await page.route("**/v1/events", (route) =>
    failFetches && route.request().resourceType() === "fetch" ? route.abort() : route.continue(),
  );
  await page.goto(`${env.worker.base}/`);
  await page.waitForLoadState("networkidle");

  failFetches = true; // the network drops this page's requests (not beacons)
  await page.evaluate(() => window.Kizuna("track", "Leaving", { step: "checkout" }));
  const [leaving] = await until("the event queued", async () => Object.values(await outboxes(page))[0]);
  assert.equal(leaving.name, "Leaving");

  failFetches = false;
  await page.goto(`${env.worker.base}/sale`); // pagehide: the outbox goes out as a beacon
  const resent = await until("the next page re-sends the left outbox", () => log.delivered.find((d) => d.ids.includes(leaving.id)));
  // Every fetch carrying the event was dropped, so only the beacon can have delivered it:
  // the edge reports the re-sent copy as a duplicate and takes the new page view.
  assert.deepEqual(resent.names.sort(), ["Leaving", "PageView"]);
  assert.deepEqual([resent.answer.duplicates, resent.answer.accepted], [1, 1], JSON.stringify(resent.answer));
  await until("no outbox left", async () => Object.keys(await outboxes(page)).length === 0);
  await context.close();
});

test("two tabs keep their own outboxes and send only their own events", async () => {
  const context = await env.browser.newContext();
  const [first, second] = [await context.newPage(), await context.newPage()];
  const logs = [traffic(first), traffic(second)];
  for (const page of [first, second]) {
    await page.goto(`${env.worker.base}/`);
    await page.waitForLoadState("networkidle");
  }
  await context.setOffline(true);
  await first.evaluate(() => {
    window.Kizuna("track", "TabOneA");
    window.Kizuna("track", "TabOneB");
  });
  await second.evaluate(() => window.Kizuna("track", "TabTwo"));
  const boxes = await until("both tabs queued", async () => {
    const all = await outboxes(first);
    return Object.keys(all).length === 2 && Object.values(all).flat().length === 3 && all;
  });
  const names = Object.values(boxes).map((events) => events.map((e) => e.name).sort().join(","));
  assert.deepEqual(names.sort(), ["TabOneA,TabOneB", "TabTwo"], "each tab's events in its own key, none overwritten");

  await context.setOffline(false);
  await until("both outboxes sent", async () => Object.keys(await outboxes(first)).length === 0);
  const sentBy = logs.map((log) => log.delivered.flatMap((d) => d.names).filter((n) => n.startsWith("Tab")).sort());
  assert.deepEqual(sentBy, [["TabOneA", "TabOneB"], ["TabTwo"]], "each tab sends its own events, each once");
  await context.close();
});
