// The walking skeleton, end to end: the demo site's script tag loads the widget, a page
// view triggers a campaign, the popup renders in a shadow root, the visitor views and
// clicks it, and the stats endpoint counts exactly that.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { NEWSLETTER_FULLSCREEN, SCREENSHOTS, admin, launchBrowser, startWorker, statsWhen } from "./harness.mjs";

let worker;
let browser;

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  worker = await startWorker({ sql: [NEWSLETTER_FULLSCREEN] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await worker?.stop();
});

async function visitor() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return { context, page, errors };
}

/** The widget's popup element, looked up inside the widget host's shadow root only. */
async function inShadowRoot(page, selector) {
  return page.evaluate((selector) => {
    const host = document.querySelector("[data-kizuna]");
    return {
      inShadow: Boolean(host?.shadowRoot?.querySelector(selector)),
      inLightDom: Boolean(document.querySelector(selector)),
    };
  }, selector);
}

function today(stats) {
  return stats.days.at(-1);
}

test("a bubble on a product page is viewed and clicked, and the stats count sent=1 view=1 click=1", async () => {
  const { context, page, errors } = await visitor();
  await page.goto(`${worker.base}/products/sencha`);
  const bubble = page.locator("[data-kizuna] .b");
  await bubble.waitFor({ state: "visible", timeout: 15_000 });
  assert.deepEqual(await inShadowRoot(page, ".b"), { inShadow: true, inLightDom: false });
  assert.match(await bubble.innerText(), /Autumn sale: 20% off every tea/);
  assert.equal(await page.locator("h1").innerText(), "Sencha", "the host page is intact");
  await page.screenshot({ path: join(SCREENSHOTS, "bubble.png"), animations: "disabled" });

  const sent = await admin(worker, "/admin/v1/campaigns/c_tea_bubble/stats");
  assert.deepEqual(sent.totals, { sent: 1, view: 0, click: 0, goal: 0 }, "shown but not clicked: not viewed yet");

  await Promise.all([
    page.waitForURL(`${worker.base}/sale`),
    bubble.getByRole("link", { name: "See the sale" }).click(),
  ]);
  const stats = await statsWhen(worker, "c_tea_bubble", (s) => s.totals.click === 1);
  assert.deepEqual(stats.totals, { sent: 1, view: 1, click: 1, goal: 0 });
  assert.deepEqual(today(stats), { date: today(stats).date, sent: 1, view: 1, click: 1, goal: 0, reached: 1 });
  assert.equal(stats.days.length, 30, "the default period is the last 30 days");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a fullscreen message is viewed when shown and clicked through, sent=1 view=1 click=1", async () => {
  const { context, page, errors } = await visitor();
  await page.goto(`${worker.base}/newsletter`);
  const overlay = page.locator("[data-kizuna] .o");
  await overlay.waitFor({ state: "visible", timeout: 15_000 });
  assert.deepEqual(await inShadowRoot(page, ".f"), { inShadow: true, inLightDom: false });
  assert.match(await overlay.innerText(), /Join 4,000 tea lovers/);
  await page.screenshot({ path: join(SCREENSHOTS, "fullscreen.png"), animations: "disabled" });

  const viewed = await statsWhen(worker, "c_newsletter_full", (s) => s.totals.view === 1);
  assert.deepEqual(viewed.totals, { sent: 1, view: 1, click: 0, goal: 0 }, "displayed fullscreen is the view");

  await Promise.all([page.waitForURL(`${worker.base}/sale`), overlay.getByRole("link", { name: "Subscribe" }).click()]);
  const stats = await statsWhen(worker, "c_newsletter_full", (s) => s.totals.click === 1);
  assert.deepEqual(stats.totals, { sent: 1, view: 1, click: 1, goal: 1 }, "its goal is the click");
  assert.deepEqual(errors, []);
  await context.close();
});

test("Esc closes a fullscreen message without counting a click", async () => {
  const { context, page, errors } = await visitor();
  await page.goto(`${worker.base}/newsletter`);
  const overlay = page.locator("[data-kizuna] .o");
  await overlay.waitFor({ state: "visible", timeout: 15_000 });
  await page.keyboard.press("Escape");
  await overlay.waitFor({ state: "detached" });
  const stats = await statsWhen(worker, "c_newsletter_full", (s) => s.totals.view === 2);
  assert.deepEqual(stats.totals, { sent: 2, view: 2, click: 1, goal: 1 });
  assert.deepEqual(errors, []);
  await context.close();
});

test("a campaign reaches a visitor once: a reload shows nothing new", async () => {
  const { context, page } = await visitor();
  await page.goto(`${worker.base}/products/hojicha`);
  await page.locator("[data-kizuna] .b").waitFor({ state: "visible", timeout: 15_000 });
  await page.reload();
  await page.waitForLoadState("networkidle");
  assert.equal(await page.locator("[data-kizuna] .b").count(), 0);
  const stats = await admin(worker, "/admin/v1/campaigns/c_tea_bubble/stats");
  assert.equal(stats.totals.sent, 2, "one more visitor, one more delivery");
  await context.close();
});
