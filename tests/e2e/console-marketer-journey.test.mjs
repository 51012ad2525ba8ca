// A marketer's job from start to end (issue 12, "Done when"), in Chromium against the real
// worker: sign in through the sign-in screen, open the automated campaigns, make a bubble
// campaign in the editor with a URL rule and the default goal while the live preview follows
// the typing, save it, start it from the list (the dialog counts its audience), then a
// visitor on the demo shop page the rule names sees the bubble and clicks its button; the
// statistics screen then shows sent, view, click and goal 1 on today's point of the chart,
// in the totals and in the per-recipient list, as the API answers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEMO_OWNER, adminCall, bootVisitor, statsWhen, suite } from "./harness.mjs";
import { consoleKit } from "./console-kit.mjs";

const env = suite();
const kit = consoleKit(env);
const call = (method, path, body) => adminCall(env.worker, method, path, body);

const NAME = "Autumn sale welcome";
const STEPS = ["sent", "view", "click", "goal"];
const number = (text) => Number(text.replace(/[^\d]/g, ""));

/** The preview's message text (inside its shadow root), as markup. */
const previewText = (page) => page.evaluate(() => document.querySelector("#preview-stage")?.shadowRoot?.querySelector(".t")?.innerHTML ?? null);

/** Waits until the preview's message text is `markup`. */
async function previewShows(page, markup) {
  try {
    await page.waitForFunction(
      (want) => document.querySelector("#preview-stage")?.shadowRoot?.querySelector(".t")?.innerHTML === want,
      markup,
      { timeout: 5000 },
    );
  } catch {
    assert.fail(`the preview shows ${JSON.stringify(await previewText(page))}, not ${JSON.stringify(markup)}`);
  }
}

test("a marketer signs in, makes and starts a bubble campaign in the editor, a visitor clicks its button, and the statistics screen counts it", async () => {
  // Two customers exist before the start: the dialog counts them as the customer search does.
  for (const name of ["Early customer 1", "Early customer 2"]) await bootVisitor(env.worker, { profile: { name } });
  const audience = await call("POST", "/admin/v1/channels/demo/customers/search", { limit: 1 });
  assert.equal(audience.status, 200, JSON.stringify(audience.body));

  // 1. Sign in by typing, as a person does.
  const { page, errors, close } = await kit.open("/console/sign-in");
  await page.getByRole("heading", { name: "Sign in to Kizuna" }).waitFor();
  await page.getByLabel("Email").click();
  await page.keyboard.type(DEMO_OWNER.email);
  await page.getByLabel("Password").click();
  await page.keyboard.type(DEMO_OWNER.password);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Your channels" }).waitFor();

  // 2. The channel, its automated campaigns, "New".
  await page.getByRole("link", { name: "Kizuna Demo Shop" }).click();
  await page.getByRole("navigation", { name: "Channel" }).getByRole("link", { name: "Campaigns", exact: true }).click();
  await page.waitForURL("**/console/c/demo/campaigns");
  await page.getByRole("link", { name: "+ New campaign" }).click();
  await page.getByRole("heading", { name: "New automated campaign" }).waitFor();
  await page.waitForURL("**/console/c/demo/campaigns/new");

  await page.getByLabel("Campaign name").fill(NAME);
  await page.getByLabel("Sender name").fill("Kizuna Tea Shop");
  // The preview follows each part of the typing, formatting included.
  const text = page.getByLabel("Message text");
  await text.click();
  await text.pressSequentially("Welcome to the sale");
  await previewShows(page, "Welcome to the sale");
  await text.pressSequentially(": **20% off** every tea");
  await previewShows(page, "Welcome to the sale: <strong>20% off</strong> every tea");
  await text.press("Backspace");
  await text.press("Backspace");
  await text.press("Backspace");
  // Deleting works too (the renderer drops the trailing space).
  await previewShows(page, "Welcome to the sale: <strong>20% off</strong> every");
  await text.pressSequentially("cup.");
  await previewShows(page, "Welcome to the sale: <strong>20% off</strong> every cup.");

  await page.getByRole("button", { name: "Add a button" }).click();
  const button = page.getByRole("group", { name: "Button 1" });
  await button.getByLabel("Button label").fill("Shop the teas");
  await button.getByLabel("Button link").fill("/newsletter?from=journey");
  await page.waitForFunction(() => document.querySelector("#preview-stage")?.shadowRoot?.querySelector(".a a")?.textContent === "Shop the teas");

  // The trigger: a page view whose address contains the sale page's path.
  assert.equal(await page.getByLabel("Event", { exact: true }).inputValue(), "PageView", "a page view by default");
  await page.getByRole("button", { name: "Add a URL rule" }).click();
  assert.equal(await page.locator("#trigger\\.url\\.include\\[0\\]\\.op").inputValue(), "contains");
  await page.getByLabel("URL or path").fill("/sale");
  // The goal stays at its default.
  assert.equal(await page.getByRole("radio", { name: "A link in the message clicked (default)" }).isChecked(), true);

  await page.locator(".preview").scrollIntoViewIfNeeded();
  await kit.assertAccessible(page, "the editor with its preview");
  await kit.screenshot(page, "journey-editor-en");

  // 3. Save, then start it from the list.
  await page.getByRole("button", { name: "Create campaign" }).click();
  await page.waitForURL(/\/console\/c\/demo\/campaigns\/c_[^/]+\/edit$/);
  const id = new URL(page.url()).pathname.match(/\/campaigns\/([^/]+)\/edit$/)[1];
  await page.getByRole("heading", { name: "Edit campaign" }).waitFor();
  const saved = await call("GET", `/admin/v1/campaigns/${id}`);
  assert.equal(saved.status, 200);
  assert.deepEqual(
    [saved.body.name, saved.body.state, saved.body.message.text, saved.body.message.buttons, saved.body.message.display],
    [NAME, "draft", "Welcome to the sale: **20% off** every cup.", [{ label: "Shop the teas", url: "/newsletter?from=journey" }], "bubble"],
  );
  assert.deepEqual(saved.body.trigger, { event: "PageView", url: { include: [{ op: "contains", value: "/sale" }], exclude: [] } });
  assert.deepEqual(saved.body.goal, { kind: "clicked" }, "the default goal: a link in the message clicked");

  await page.locator(".crumbs").getByRole("link", { name: "Campaigns", exact: true }).click();
  await page.waitForURL("**/console/c/demo/campaigns");
  await page.locator(`tr[data-id="${id}"][data-state="draft"]`).waitFor();
  await page.locator(`#start-${id}`).click();
  const dialog = page.locator("dialog.step-dialog");
  await dialog.locator("#step-explain[data-audience]").waitFor();
  assert.ok(audience.body.total >= 2, `the customers booted first: ${audience.body.total}`);
  assert.equal(await dialog.locator("#step-explain").getAttribute("data-audience"), String(audience.body.total));
  assert.match(await dialog.innerText(), new RegExp(`Start “${NAME}”\\?[\\s\\S]*${audience.body.total} customers match its audience now`));
  await dialog.getByRole("button", { name: "Start" }).click();
  await page.getByText(`“${NAME}” started.`).waitFor();
  await page.locator(`tr[data-id="${id}"][data-state="running"]`).waitFor();
  assert.equal((await call("GET", `/admin/v1/campaigns/${id}`)).body.state, "running");

  // 4. A visitor on the sale page sees the bubble and clicks its button.
  const visitor = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const shop = await visitor.newPage();
  await shop.goto(`${env.worker.base}/sale`);
  const bubble = shop.locator("[data-kizuna] .b");
  await bubble.waitFor({ state: "visible", timeout: 15_000 });
  assert.match(await bubble.innerText(), /Welcome to the sale: 20% off every cup\./);
  await Promise.all([shop.waitForURL("**/newsletter?from=journey"), bubble.getByRole("link", { name: "Shop the teas" }).click()]);
  await visitor.close();

  // The view, the click and the goal arrive as the page reports them.
  const stats = await statsWhen(env.worker, id, (s) => STEPS.every((step) => s.totals[step] === 1));
  const today = stats.days.find((d) => d.date === stats.to);
  assert.deepEqual(STEPS.map((s) => today[s]), [1, 1, 1, 1], "all on today");
  const recipients = (await call("GET", `/admin/v1/channels/demo/campaigns/${id}/recipients`)).body.recipients;
  assert.equal(recipients.length, 1);
  const [r] = recipients;
  for (const at of [r.sentAt, r.viewAt, r.clickAt, r.goalAt]) assert.equal(typeof at, "number", JSON.stringify(r));

  // 5. The statistics screen, opened from the list.
  await page.locator(`#campaign-${id}`).click();
  await page.waitForURL(`**/console/c/demo/campaigns/${id}`);
  await page.getByRole("heading", { name: NAME }).waitFor();
  await page.locator(".chart-host .uplot").waitFor({ timeout: 20_000 });
  // Today is the chart's last point: a click there opens its popover.
  const over = await page.locator(".chart-host .u-over").boundingBox();
  await page.mouse.click(over.x + over.width - 4, over.y + over.height / 2);
  const pop = page.locator(`.stats-pop[data-date="${stats.to}"]`);
  await pop.waitFor({ timeout: 5000 });
  for (const step of STEPS) assert.equal(number(await pop.locator(`.pop-row.${step} dd`).innerText()), 1, `today's ${step}`);
  for (const step of STEPS) assert.equal(number(await page.locator(`.totals .total.${step} dd`).innerText()), stats.totals[step], `total ${step}`);

  // The per-recipient list: one customer, with the four times the API gives.
  const rows = page.locator("table.recipients tbody tr");
  await rows.first().waitFor();
  assert.equal(await rows.count(), 1);
  assert.equal(await rows.first().getAttribute("data-customer"), r.customerId);
  const zone = (await call("GET", "/admin/v1/channels/demo")).body.timeZone;
  const times = await page.evaluate(
    ({ ats, zone }) => ats.map((at) => new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: zone }).format(new Date(at))),
    { ats: [r.sentAt, r.viewAt, r.clickAt, r.goalAt], zone },
  );
  const cells = await rows.first().locator("td").allInnerTexts();
  assert.deepEqual(cells.slice(0, 4), times, "sent, view, click and goal times");
  assert.equal(number(cells[4]), 1, "one delivery");

  await kit.assertAccessible(page, "the statistics screen");
  await kit.screenshot(page, "journey-stats-en");
  assert.deepEqual(errors, []);
  await close();
});
