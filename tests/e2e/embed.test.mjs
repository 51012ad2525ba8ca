// The widget as customers embed it: on a page of another origin, loading widget.js and
// widget.wasm cross-origin and posting to the edge with CORS; and, when misconfigured,
// leaving the host page unharmed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { join } from "node:path";
import { SCREENSHOTS, launchBrowser, startWorker, statsWhen } from "./harness.mjs";

let worker;
let browser;
let site;

/**
 * A customer's site: a plain HTTP server on its own loopback port (another origin than
 * Kizuna's) whose every page carries the script tag. A real server rather than a browser
 * route: Chromium's Local Network Access treats routed pages as public and would block a
 * public page from loading a loopback Kizuna, which a deployed, public Kizuna never is.
 */
async function startCustomerSite() {
  const server = createServer((req, res) => {
    const channel = new URL(req.url, "http://x").searchParams.get("channel") ?? "demo";
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html><head><title>Customer shop</title>
      <script async src="${worker.base}/widget.js" data-channel="${channel}"></script></head>
      <body><h1 id="own">The customer's own page</h1>
      <script>window.pageScriptRan = true;</script></body></html>`);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

before(async () => {
  worker = await startWorker();
  site = await startCustomerSite();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await worker?.stop();
});

async function visitor() {
  const context = await browser.newContext({ viewport: { width: 1024, height: 700 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return { context, page, errors };
}

test("on another origin's page the widget loads, shows the bubble and counts the click", async () => {
  const { context, page, errors } = await visitor();
  await page.goto(`${site.origin}/products/matcha`);
  assert.notEqual(new URL(page.url()).origin, new URL(worker.base).origin, "the page is cross-origin to Kizuna");
  const bubble = page.locator("[data-kizuna] .b");
  await bubble.waitFor({ state: "visible", timeout: 15_000 });
  await page.screenshot({ path: join(SCREENSHOTS, "cross-origin-bubble.png"), animations: "disabled" });
  await Promise.all([page.waitForURL(`${site.origin}/sale`), bubble.getByRole("link", { name: "See the sale" }).click()]);
  const stats = await statsWhen(worker, "c_tea_bubble", (s) => s.totals.click === 1);
  assert.deepEqual(stats.totals, { sent: 1, view: 1, click: 1, goal: 0 });
  assert.deepEqual(errors, []);
  await context.close();
});

test("a wrong channel leaves the host page working and throws nothing into it", async () => {
  const { context, page, errors } = await visitor();
  const warnings = [];
  page.on("console", (message) => message.type() === "warning" && warnings.push(message.text()));
  await page.goto(`${site.origin}/products/matcha?channel=no-such-channel`);
  await page.waitForLoadState("networkidle");
  assert.equal(await page.locator("#own").innerText(), "The customer's own page");
  assert.equal(await page.evaluate(() => window.pageScriptRan), true);
  assert.equal(await page.locator("[data-kizuna]").count(), 0, "nothing was added to the page");
  assert.deepEqual(errors, []);
  assert.ok(warnings.some((w) => w.includes("Kizuna")), `a console warning explains it: ${warnings}`);
  await context.close();
});
