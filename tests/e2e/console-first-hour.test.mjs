// A new owner's first hour, as issue 11 walks it, in one Chromium session against the real
// worker: sign in as the demo owner, create a channel, see "waiting for your site", copy its
// script tag into a page on a second loopback origin, visit that page as a visitor, see the
// channel turn to "last seen" and the visitor appear in the customer list without a manual
// reload, add a custom field, filter on it, save a segment, bulk-tag the segment, open the
// customer.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { DEMO_OWNER, suite } from "./harness.mjs";
import { consoleKit } from "./console-kit.mjs";

const env = suite();
const kit = consoleKit(env);

/**
 * The owner's own site on another loopback origin. It serves whatever script tag the test
 * pasted into it (`site.tag`), as a site owner pastes the console's snippet into a page.
 */
async function startSite() {
  const site = { tag: "" };
  const server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><head><title>Matcha Garden</title>${site.tag}</head>
      <body><h1>Matcha Garden</h1><p>Fresh tea, shipped weekly.</p></body></html>`);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  site.origin = `http://127.0.0.1:${server.address().port}`;
  site.close = () => new Promise((r) => server.close(r));
  return site;
}

let site;
after(() => site?.close());

/** A GET of the admin API with the page's own session (the new channel has no API token). */
async function session(page, path) {
  return page.evaluate(async (path) => {
    const response = await fetch(path);
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return response.json();
  }, path);
}

test("a new owner's first hour: channel, script tag on their site, the visitor live in the list, a field, a segment, a bulk tag", async () => {
  site = await startSite();
  const kizuna = new URL(env.worker.base).origin;
  assert.notEqual(new URL(site.origin).port, new URL(kizuna).port, "the site is another origin");

  // Sign in as the demo owner, by the sign-in screen.
  const { page, errors, context, close } = await kit.open("/console/sign-in", "en-US");
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: kizuna });
  await page.getByRole("heading", { name: "Sign in to Kizuna" }).waitFor();
  await page.getByLabel("Email").fill(DEMO_OWNER.email);
  await page.getByLabel("Password").fill(DEMO_OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Your channels" }).waitFor();

  // Create a channel for the site.
  await page.getByRole("link", { name: "New channel" }).click();
  await page.getByLabel("Channel name").fill("Matcha Garden");
  await page.getByLabel("Site address").fill(site.origin);
  await page.getByRole("button", { name: "Create channel" }).click();
  // The identity secret is shown once; then on to the channel's settings.
  await page.getByRole("heading", { name: "Channel created" }).waitFor();
  assert.match(await page.locator("#identity-secret").textContent(), /^kzs_[0-9a-f]{32}$/);
  await page.getByRole("link", { name: "Continue to the channel's settings" }).click();
  await page.getByRole("heading", { name: "Channel settings" }).waitFor();
  const channel = new URL(page.url()).pathname.split("/")[3];
  assert.match(channel, /^[A-Za-z0-9_-]+$/);
  await page.locator("#tag-status").filter({ hasText: "Waiting for your site" }).waitFor();
  await kit.screenshot(page, "first-hour-waiting-en");

  // Copy the script tag and paste it into the site's page.
  await page.getByRole("button", { name: "Copy tag" }).click();
  await page.locator(".copy-status").filter({ hasText: "Copied." }).first().waitFor();
  const tag = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(tag, (await page.locator("#script-tag").textContent()).trim());
  assert.match(tag, /^<script async src="http:\/\/127\.0\.0\.1:\d+\/widget\.js" data-channel="[^"]+"><\/script>$/);
  assert.ok(tag.includes(`data-channel="${channel}"`), tag);
  site.tag = tag;

  // A visitor opens the site; the widget boots and sends its page view.
  const visitorContext = await env.browser.newContext();
  const visitor = await visitorContext.newPage();
  const booted = visitor.waitForResponse((r) => r.url().endsWith("/v1/boot") && r.ok(), { timeout: 15_000 });
  await visitor.goto(`${site.origin}/tea/sencha?utm_source=newsletter`);
  await booted;

  // Without a reload, the settings turn to "last seen" on the site's page.
  await page.locator("#tag-status").filter({ hasText: "Last seen" }).waitFor({ timeout: 20_000 });
  assert.ok((await page.locator("#tag-status").textContent()).includes(`${site.origin}/tea/sencha`));
  await kit.screenshot(page, "first-hour-seen-en");

  // The customer list shows the visitor, and a second visitor arrives while it is open.
  await page.getByRole("link", { name: "Customers", exact: true }).click();
  await page.getByRole("heading", { name: "Customers", level: 1 }).waitFor();
  await page.locator(".counts .total").getByText("1 customer", { exact: true }).waitFor({ timeout: 20_000 });
  const second = await env.browser.newContext();
  await (await second.newPage()).goto(`${site.origin}/`);
  await page.locator(".counts .total").getByText("2 customers", { exact: true }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator("table.grid tbody tr.row").count(), 2, "both rows, without a reload");
  await kit.screenshot(page, "first-hour-customers-en");
  await second.close();

  // Add a custom field in the profile settings.
  await page.getByRole("link", { name: "Profile settings" }).click();
  await page.getByRole("heading", { name: "Profile settings", level: 1 }).waitFor();
  await page.getByRole("button", { name: "Add profile field" }).click();
  await page.locator("#key").fill("profile.plan");
  await page.locator("#displayName").fill("Plan");
  await page.locator("form.add-field-form button[type=submit]").click();
  await page.locator('tr[data-key="profile.plan"]').waitFor();

  // Give the first visitor a plan on their customer page, inline.
  const { customers } = await session(page, `/admin/v1/channels/${channel}/customers`);
  assert.equal(customers.length, 2);
  const first = customers.find((c) => c.profile.utmSource === "newsletter");
  assert.ok(first, "the first visitor's UTM source was kept");
  await page.goto(`${env.worker.base}/console/c/${channel}/customers/${first.id}`);
  await page.getByRole("button", { name: "Edit Plan" }).click();
  await page.locator('[id="profile.plan"]').fill("gold");
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Edit Plan" }).waitFor();

  // Filter the list on the new field: the server's count follows; save it as a segment.
  await page.getByRole("link", { name: "Customers", exact: true }).click();
  await page.locator(".counts .total").getByText("2 customers", { exact: true }).waitFor();
  await page.locator("details.filter > summary").click();
  const root = page.locator(".filter-builder > .filter-group");
  await root.locator(":scope > .filter-add").getByRole("button", { name: "Add condition" }).click();
  const condition = root.locator(":scope > .filter-parts > li").nth(0);
  await condition.getByLabel("Field", { exact: true }).selectOption("profile.plan");
  await condition.getByLabel("Operator").selectOption("equals");
  await condition.getByLabel("Value", { exact: true }).fill("gold");
  await page.locator(".counts .total").getByText("1 customer", { exact: true }).waitFor({ timeout: 10_000 });
  await page.locator("#name").fill("Gold plan");
  await page.getByRole("button", { name: "Save as segment" }).click();
  await page.getByText("Segment “Gold plan” saved.").waitFor();

  // Open the segment from the segments list and tag everyone in it.
  await page.getByRole("link", { name: "Segments" }).click();
  await page.getByRole("heading", { name: "Segments", level: 1 }).waitFor();
  await page.getByRole("link", { name: "Show customers" }).first().click();
  await page.getByText("Gold plan").first().waitFor();
  await page.locator(".counts .total").getByText("1 customer", { exact: true }).waitFor();
  await page.locator("thead th.pick input").click();
  await page.locator(".selection-bar .link-button").first().click();
  await page.locator(".selection-bar .primary").click();
  const dialog = page.locator("dialog.bulk");
  await dialog.waitFor();
  await page.locator("#addTags").fill("vip");
  await dialog.locator("button[type=submit]").click();
  await dialog.locator(".notice").waitFor({ timeout: 30_000 });
  await kit.screenshot(page, "first-hour-bulk-en");
  await page.keyboard.press("Escape");
  const tagged = await session(page, `/admin/v1/channels/${channel}/customers/${first.id}`);
  assert.deepEqual(tagged.tags, ["vip"]);

  // Open the customer from the list: their tag, plan and first touch are on the page.
  await page.locator("table.grid tbody tr.row a").first().click();
  await page.getByRole("button", { name: "Edit Plan" }).waitFor();
  await page.locator("ul.chips li.chip").getByText("vip").waitFor();
  await page.getByText("newsletter").first().waitFor();
  await kit.screenshot(page, "first-hour-customer-en");

  assert.deepEqual(errors.filter((e) => !/401|404/.test(e)), []);
  await visitorContext.close();
  await close();
});
