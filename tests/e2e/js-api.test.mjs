// The JS API beyond boot: updateUser and track, queued before the widget loads or called
// after; a tracked event reaching a campaign's goal; bad input explained, page untouched.
import { test } from "node:test";
import assert from "node:assert/strict";
import { admin, statsWhen, suite } from "./harness.mjs";

const env = suite();

test("updateUser and track work queued and live, and a tracked goal counts after a view", async () => {
  const context = await env.browser.newContext();
  await context.addInitScript(() => {
    window.Kizuna = function () {
      (window.Kizuna.q = window.Kizuna.q || []).push(arguments);
    };
    window.Kizuna("updateUser", { profile: { name: "Hana Kato", email: "hana@example.jp" } });
    window.Kizuna("track", "NewsletterOpened", { issue: 12 });
  });
  const page = await context.newPage();
  const errors = [];
  const warnings = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  const sent = [];
  page.on("request", (r) => r.url().endsWith("/v1/events") && sent.push(...JSON.parse(r.postData()).events.map((e) => e.name)));

  await page.goto(`${env.worker.base}/products/hojicha`);
  const bubble = page.locator("[data-kizuna] .b");
  await bubble.waitFor({ state: "visible", timeout: 15_000 });
  await page.waitForLoadState("networkidle");
  assert.deepEqual(sent, ["PageView", "NewsletterOpened"], "queued events follow the first page view, in order");
  const [hana] = (await admin(env.worker, "/admin/v1/channels/demo/customers?q=hana")).customers;
  assert.equal(hana?.profile.email, "hana@example.jp");

  // View the bubble (click its body), then the site reports the checkout: the goal counts.
  await bubble.locator(".t").click();
  await statsWhen(env.worker, "c_tea_bubble", (s) => s.totals.view === 1);
  await page.evaluate(() => window.Kizuna("track", "CheckoutComplete", { amount: 3000, coupon: "AUTUMN" }));
  const stats = await statsWhen(env.worker, "c_tea_bubble", (s) => s.totals.goal === 1);
  assert.deepEqual(stats.totals, { sent: 1, view: 1, click: 0, goal: 1 });

  // Nested properties are refused by the edge with the field named; the page is untouched.
  await page.evaluate(() => window.Kizuna("track", "Bad", { nested: { deep: 1 } }));
  await page.evaluate(() => window.Kizuna("updateUser", { profile: { email: "not-an-email" } }));
  await page.evaluate(() => window.Kizuna("nonsense"));
  await page.waitForLoadState("networkidle");
  const deadline = Date.now() + 5000;
  while (warnings.filter((w) => w.includes("events[0].properties") || w.includes("profile.email")).length < 2 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(warnings.some((w) => w.includes("events[0].properties")), `a bad property is explained: ${warnings}`);
  assert.ok(warnings.some((w) => w.includes("profile.email")), `a bad email is explained: ${warnings}`);
  assert.ok(warnings.some((w) => w.includes("unknown command")), `an unknown command is explained: ${warnings}`);
  const unchanged = await admin(env.worker, `/admin/v1/channels/demo/customers/${hana.id}`);
  assert.equal(unchanged.profile.email, "hana@example.jp", "nothing half-written");
  assert.deepEqual(errors, []);
  await context.close();
});
