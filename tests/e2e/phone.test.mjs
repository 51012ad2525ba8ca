// What a visitor sees on a phone (issue 10, item 12): the demo shop fits a 375-px-wide
// screen without sideways scrolling, and the widget's bubble and fullscreen message sit
// entirely on screen, close button included.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { NEWSLETTER_FULLSCREEN, SCREENSHOTS, suite } from "./harness.mjs";

const env = suite({ sql: [NEWSLETTER_FULLSCREEN] });
const PHONE = { width: 375, height: 667 };

before(() => mkdirSync(SCREENSHOTS, { recursive: true }));

/** A new visitor on a phone: each has its own storage, so each meets the campaigns afresh. */
async function phone() {
  const context = await env.browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return { context, page, errors };
}

/** How far the page reaches sideways: more than the screen's width means sideways scrolling. */
const pageWidth = (page) => page.evaluate(() => document.documentElement.scrollWidth);

/** Waits for `locator`'s entrance animation to end, then asserts its box lies within the screen. */
async function assertOnScreen(locator, what) {
  await locator.evaluate((element) => Promise.all(element.getAnimations().map((animation) => animation.finished)));
  const box = await locator.boundingBox();
  assert.ok(box, `${what} is rendered`);
  const inside = box.x >= 0 && box.y >= 0 && box.x + box.width <= PHONE.width && box.y + box.height <= PHONE.height;
  assert.ok(inside, `${what} lies within the ${PHONE.width}×${PHONE.height} screen: ${JSON.stringify(box)}`);
}

/** A close button a finger hits without aiming: at least 44 CSS px square (WCAG 2.5.5's target size). */
async function assertFingerSized(locator, what) {
  const box = await locator.boundingBox();
  assert.ok(box.width >= 44 && box.height >= 44, `${what} is at least 44 px square: ${JSON.stringify(box)}`);
}

test("r10: every page of the demo shop fits a 375-px phone without sideways scrolling", async () => {
  const { context, page, errors } = await phone();
  for (const path of ["/", "/products/sencha", "/products/hojicha", "/sale", "/newsletter"]) {
    await page.goto(`${env.worker.base}${path}`);
    assert.ok((await pageWidth(page)) <= PHONE.width, `${path} is ${await pageWidth(page)} px wide`);
    if (path === "/") await page.screenshot({ path: join(SCREENSHOTS, "phone-home.png"), animations: "disabled" });
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("r10: on a phone the bubble and its close button are entirely on screen, the button finger-sized", async () => {
  const { context, page, errors } = await phone();
  await page.goto(`${env.worker.base}/products/sencha`);
  const bubble = page.locator("[data-kizuna] .b");
  await bubble.waitFor({ state: "visible", timeout: 15_000 });
  await assertOnScreen(bubble, "the bubble");
  await assertOnScreen(bubble.locator(".x"), "the bubble's close button");
  await assertFingerSized(bubble.locator(".x"), "the bubble's close button");
  assert.ok((await pageWidth(page)) <= PHONE.width, "the bubble widens nothing");
  await page.screenshot({ path: join(SCREENSHOTS, "phone-bubble.png"), animations: "disabled" });
  assert.deepEqual(errors, []);
  await context.close();
});

test("r10: on a phone the fullscreen message, its button and its close button are entirely on screen, the close button finger-sized", async () => {
  const { context, page, errors } = await phone();
  await page.goto(`${env.worker.base}/newsletter`);
  const message = page.locator("[data-kizuna] .f");
  await message.waitFor({ state: "visible", timeout: 15_000 });
  await assertOnScreen(message, "the fullscreen message");
  await assertOnScreen(message.locator(".x"), "the fullscreen message's close button");
  await assertFingerSized(message.locator(".x"), "the fullscreen message's close button");
  await assertOnScreen(message.getByRole("link", { name: "Subscribe" }), "the Subscribe button");
  assert.ok((await pageWidth(page)) <= PHONE.width, "the overlay widens nothing");
  await page.screenshot({ path: join(SCREENSHOTS, "phone-fullscreen.png"), animations: "disabled" });
  assert.deepEqual(errors, []);
  await context.close();
});
