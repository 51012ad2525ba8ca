// The campaign editor and its live preview: a campaign made and changed on screen reaches
// the API as typed; the preview draws the message with the widget's own renderer (the same
// markup the real widget shows on the demo shop); API errors are shown at their field; a
// running campaign asks before saving; both languages pass axe and are photographed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { adminCall, sqlNow, suite } from "./harness.mjs";
import { consoleKit, focused } from "./console-kit.mjs";

const env = suite();
const kit = consoleKit(env);

/** The markup inside the preview's shadow root. */
async function previewMarkup(page) {
  return page.evaluate(() => document.querySelector("#preview-stage")?.shadowRoot?.innerHTML ?? "");
}

/** The id of the campaign an editor address names. */
function idOf(url) {
  return new URL(url).pathname.match(/\/campaigns\/([^/]+)\/edit$/)?.[1];
}

let created;

test("a campaign typed in the editor: the preview follows each keystroke, the API gets what was typed, and the widget on the demo shop draws the preview's markup", async () => {
  const { page, close } = await kit.openSignedIn("/console/c/demo/campaigns/new");
  await page.getByRole("heading", { name: "New automated campaign" }).waitFor();
  await page.locator("#name").fill("Sale page greeting");
  await page.locator("#message\\.sender\\.name").fill("Kizuna Tea Shop");
  const text = page.locator("#message\\.text");
  await text.fill("Hello");
  await page.waitForFunction(() => document.querySelector("#preview-stage")?.shadowRoot?.querySelector(".t")?.textContent === "Hello");
  // Each keystroke reaches the preview, the formatting subset included.
  await text.pressSequentially(" **tea** lovers");
  await page.waitForFunction(
    () => document.querySelector("#preview-stage")?.shadowRoot?.querySelector(".t")?.innerHTML === "Hello <strong>tea</strong> lovers",
  );
  await page.getByRole("button", { name: "Add a button" }).click();
  await page.locator("#message\\.buttons\\[0\\]\\.label").fill("See the sale");
  await page.locator("#message\\.buttons\\[0\\]\\.url").fill("/sale?from=greeting");
  await page.waitForFunction(() => document.querySelector("#preview-stage")?.shadowRoot?.querySelector(".a a")?.textContent === "See the sale");
  assert.match(await previewMarkup(page), /^<div class="kz b" data-kz="open" role="dialog" aria-label="Kizuna Tea Shop">/);
  // Only the sale page.
  await page.getByRole("button", { name: "Add a URL rule" }).click();
  await page.locator("#trigger\\.url\\.include\\[0\\]\\.op").selectOption("equals");
  await page.locator("#trigger\\.url\\.include\\[0\\]\\.value").fill("/sale");
  await page.getByRole("button", { name: "Create campaign" }).click();
  await page.waitForURL(/\/console\/c\/demo\/campaigns\/c_[^/]+\/edit$/);
  created = idOf(page.url());
  await page.getByRole("heading", { name: "Edit campaign" }).waitFor();

  const { status, body } = await adminCall(env.worker, "GET", `/admin/v1/campaigns/${created}`);
  assert.equal(status, 200);
  assert.equal(body.name, "Sale page greeting");
  assert.equal(body.state, "draft");
  assert.deepEqual(body.message, {
    sender: { name: "Kizuna Tea Shop", avatarUrl: null },
    text: "Hello **tea** lovers",
    buttons: [{ label: "See the sale", url: "/sale?from=greeting" }],
    display: "bubble",
  });
  assert.deepEqual(body.trigger, { event: "PageView", url: { include: [{ op: "equals", value: "/sale" }], exclude: [] } });
  assert.deepEqual(body.goal, { kind: "clicked" }, "the default goal: a link in the message clicked");
  // The editor reads back what it saved.
  assert.equal(await page.locator("#message\\.buttons\\[0\\]\\.url").inputValue(), "/sale?from=greeting");
  const preview = await previewMarkup(page);

  assert.equal((await adminCall(env.worker, "POST", `/admin/v1/campaigns/${created}/start`)).status, 200);
  const visitor = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const shop = await visitor.newPage();
  await shop.goto(`${env.worker.base}/sale`);
  await shop.locator("[data-kizuna] .b").waitFor({ state: "visible", timeout: 15_000 });
  // The widget's view (beside its styles and its status line for screen readers).
  const widget = await shop.evaluate(() => document.querySelector("[data-kizuna]").shadowRoot.querySelector("div").innerHTML);
  assert.equal(widget, preview, "the widget and the preview draw the same markup");
  await visitor.close();
  await close();
});

test("an API error is shown beside the field it names, and focused", async () => {
  const { page, close } = await kit.openSignedIn("/console/c/demo/broadcasts/new");
  await page.getByRole("heading", { name: "New one-time broadcast" }).waitFor();
  await page.locator("#name").fill("Broken goal");
  await page.locator("#message\\.sender\\.name").fill("Shop");
  await page.locator("#message\\.text").fill("Hi");
  await page.getByLabel("An event sent by the site").check();
  await page.locator("#goal\\.name").fill("not a name!");
  await page.getByRole("button", { name: "Create campaign" }).click();
  const field = page.locator("#goal\\.name");
  await page.waitForFunction(() => document.querySelector("#goal\\.name")?.getAttribute("aria-invalid") === "true");
  assert.match(await page.locator("#goal\\.name-error").innerText(), /event name/);
  await page.waitForFunction(() => document.activeElement?.id === "goal.name");
  assert.equal(await field.inputValue(), "not a name!");
  assert.match(page.url(), /\/broadcasts\/new$/, "nothing was created");
  await close();
});

test("saving a running campaign asks first; Cancel keeps the stored copy, confirming saves it", async () => {
  assert.ok(created, "the first test made a campaign");
  const { page, close } = await kit.openSignedIn(`/console/c/demo/campaigns/${created}/edit`);
  await page.getByRole("heading", { name: "Edit campaign" }).waitFor();
  await page.locator(".state-badge", { hasText: "Running" }).waitFor();
  // A started campaign's split says what editing it does to customers already assigned.
  await page.locator(".variant-started").getByText("Customers keep the variant they were first given").waitFor();
  await page.locator("#message\\.text").fill("Welcome back, tea lovers");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /Sale page greeting/);
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.equal((await adminCall(env.worker, "GET", `/admin/v1/campaigns/${created}`)).body.message.text, "Hello **tea** lovers");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await dialog.getByRole("button", { name: "Save while running" }).click();
  await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
  const after = (await adminCall(env.worker, "GET", `/admin/v1/campaigns/${created}`)).body;
  assert.equal(after.message.text, "Welcome back, tea lovers");
  assert.equal(after.state, "running", "editing keeps it running");
  await close();
});

test("'Try it on my site' opens the channel's site with what the editor holds, unsaved, and says when the channel has no site address", async () => {
  assert.ok(created, "the first test made a campaign");
  const { page, context, close } = await kit.openSignedIn(`/console/c/demo/campaigns/${created}/edit`);
  await page.getByRole("heading", { name: "Edit campaign" }).waitFor();
  const stored = (await adminCall(env.worker, "GET", `/admin/v1/campaigns/${created}`)).body.message.text;
  // The test worker's demo channel has no site address yet.
  await page.getByRole("button", { name: "Try it on my site" }).click();
  await page.getByText("The channel has no site address to open the preview on.").waitFor();
  sqlNow(env.worker, `UPDATE channels SET site_url = '${env.worker.base}/' WHERE id = 'demo'`);

  await page.locator("#message\\.text").fill("Only a try, not saved");
  await page.getByRole("button", { name: "Try it on my site" }).click();
  const link = page.locator("#try-link");
  await link.waitFor();
  await focused(page, "try-link");
  assert.match(await link.getAttribute("href"), new RegExp(`^${env.worker.base}/#kizuna-preview=[0-9a-f]{64}$`));
  await kit.screenshot(page, "campaign-edit-try-on-site");
  const [site] = await Promise.all([context.waitForEvent("page"), link.click()]);
  const bubble = site.locator("[data-kizuna] .b");
  await bubble.waitFor({ state: "visible", timeout: 15_000 });
  assert.match(await bubble.innerText(), /Only a try, not saved/);
  assert.equal((await adminCall(env.worker, "GET", `/admin/v1/campaigns/${created}`)).body.message.text, stored, "trying saves nothing");
  await close();
});

test("the editor with its preview in both languages, fullscreen at phone width, and the email and SMS it becomes", async () => {
  const { page, close } = await kit.openSignedIn("/console/c/demo/campaigns/new");
  await page.getByRole("heading", { name: "New automated campaign" }).waitFor();
  await page.locator("#name").fill("Autumn tea sale");
  await page.locator("#message\\.sender\\.name").fill("Kizuna Tea Shop");
  await page.locator("#message\\.text").fill("**20% off** every tea until Sunday.\n_Your cup is waiting._");
  await page.getByRole("button", { name: "Add a button" }).click();
  await page.locator("#message\\.buttons\\[0\\]\\.label").fill("See the sale");
  await page.locator("#message\\.buttons\\[0\\]\\.url").fill("/sale");
  await page.getByRole("button", { name: "Add a URL rule" }).click();
  await page.locator("#trigger\\.url\\.include\\[0\\]\\.value").fill("/products/");
  await page.waitForFunction(() => document.querySelector("#preview-stage")?.shadowRoot?.querySelector(".a a"));
  await page.locator(".match-count[data-count]").waitFor();
  await kit.bothLanguages(page, "campaign-edit", async (lang) => {
    await page.getByRole("heading", { name: lang === "ja" ? "自動配信を作成" : "New automated campaign" }).waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  // Fullscreen at phone width: the backdrop fills the phone frame, not the console.
  await page.getByLabel("Fullscreen (covers the page)").check();
  await page.locator("#preview-phone").click();
  await page.waitForFunction(() => document.querySelector("#preview-stage")?.shadowRoot?.querySelector(".o .f"));
  const [frame, backdrop] = await page.evaluate(() => {
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height) };
    };
    return [box(document.querySelector("#preview-stage")), box(document.querySelector("#preview-stage").shadowRoot.querySelector(".o"))];
  });
  assert.deepEqual(backdrop, frame, "the widget's fixed backdrop is held inside the preview frame");
  assert.ok(frame.width <= 320, `a phone-wide frame: ${frame.width}`);
  await kit.assertAccessible(page, "fullscreen preview");
  await page.locator(".preview").scrollIntoViewIfNeeded();
  await kit.screenshot(page, "campaign-edit-fullscreen-phone");

  // The email and the SMS, composed by the code the edge sends with.
  await page.getByRole("button", { name: "Email", exact: true }).click();
  await page.waitForFunction(() => document.querySelector("#preview-mail")?.shadowRoot?.querySelector("strong")?.textContent === "20% off");
  assert.equal(await page.locator("#preview-subject").innerText(), "Autumn tea sale");
  const mail = await page.evaluate(() => document.querySelector("#preview-mail").shadowRoot.innerHTML);
  assert.match(mail, /\/t\/preview\/click\/0/, "the button is a tracked link");
  assert.match(mail, /Unsubscribe/);
  await kit.assertAccessible(page, "email preview");
  await kit.screenshot(page, "campaign-edit-email");
  await page.getByRole("button", { name: "SMS", exact: true }).click();
  const sms = await page.locator("#preview-sms").innerText();
  assert.match(sms, /^Kizuna Tea Shop: \*\*20% off\*\* every tea/);
  assert.match(sms, /\/t\/preview\/click\/0$/);
  await kit.screenshot(page, "campaign-edit-sms");
  await close();
});

test("weekly windows on a grid: clicking hours adds and removes them, the rows say the same to the minute, and the API gets it", async () => {
  const { page, close } = await kit.openSignedIn("/console/c/demo/campaigns/new");
  await page.getByRole("heading", { name: "New automated campaign" }).waitFor();
  await page.locator("#name").fill("Office hours only");
  await page.locator("#message\\.sender\\.name").fill("Kizuna Tea Shop");
  await page.locator("#message\\.text").fill("We are here to help.");
  await page.getByLabel("Weekly windows").check();
  const cell = (day, hour) => page.locator(`.week-grid .wg-cell[data-day="${day}"][data-hour="${hour}"]`);
  const rows = () =>
    page.evaluate(() =>
      [...document.querySelectorAll(".row-box.window")].map((row) => [
        [...row.querySelectorAll(".days input:checked")].length,
        row.querySelector('input[id$=".from"]').value,
        row.querySelector('input[id$=".to"]').value,
      ]),
    );
  // The new window, weekdays 09:00–18:00, drawn on the grid.
  await cell(0, 9).and(page.locator(".on")).waitFor();
  assert.equal(await cell(5, 9).getAttribute("class"), "wg-cell", "not on Saturday");
  await cell(5, 10).click();
  await cell(0, 12).click();
  assert.deepEqual(await rows(), [[1, "09:00", "12:00"], [4, "09:00", "18:00"], [1, "10:00", "11:00"], [1, "13:00", "18:00"]]);
  // A minute typed in a row shows as part of an hour.
  await page.locator('.row-box.window input[id$=".from"]').first().fill("09:30");
  await cell(0, 9).and(page.locator(".part")).waitFor();
  await kit.assertAccessible(page, "the weekly grid");
  await page.locator(".week-grid").scrollIntoViewIfNeeded();
  await kit.screenshot(page, "campaign-edit-week-grid-en");
  await page.getByRole("button", { name: "Create campaign" }).click();
  await page.waitForURL(/\/edit$/);
  const saved = await adminCall(env.worker, "GET", `/admin/v1/campaigns/${idOf(page.url())}`);
  assert.deepEqual(saved.body.schedule.windows, [
    { days: ["mon"], from: "09:30", to: "12:00" },
    { days: ["tue", "wed", "thu", "fri"], from: "09:00", to: "18:00" },
    { days: ["sat"], from: "10:00", to: "11:00" },
    { days: ["mon"], from: "13:00", to: "18:00" },
  ]);
  await close();
});

test("variants in the editor: two variants and a 20% control, the preview shows the variant chosen, a split not adding up to 100 is refused beside its input as the API refuses it, and the split is saved as typed", async () => {
  // Tall enough to photograph the variant picker, the message and the split together.
  const { page, errors, close } = await kit.openSignedIn("/console/c/demo/campaigns/new", { viewport: { width: 1280, height: 1700 } });
  await page.getByRole("heading", { name: "New automated campaign" }).waitFor();
  const shownText = () => page.evaluate(() => document.querySelector("#preview-stage")?.shadowRoot?.querySelector(".t")?.textContent ?? "");
  const previewSays = (text) =>
    page.waitForFunction((want) => document.querySelector("#preview-stage")?.shadowRoot?.querySelector(".t")?.textContent === want, text, { timeout: 5000 });
  await page.locator("#name").fill("Tea A/B");
  await page.locator("#message\\.sender\\.name").fill("Kizuna Tea Shop");
  await page.locator("#message\\.text").fill("Variant A: free shipping");
  await previewSays("Variant A: free shipping");
  // No split yet: the variant picker is hidden and variant A takes every customer.
  assert.equal(await page.locator(".variant-pick").isVisible(), false);
  await page.getByText("Variant A goes to 100% of the customers.").waitFor();

  // Add variant B: it starts as a copy of A, and the inputs and the preview switch to it.
  await page.getByRole("button", { name: "Add a variant" }).click();
  await focused(page, "variants[1].message.text");
  const textB = page.locator("#variants\\[1\\]\\.message\\.text");
  assert.equal(await textB.inputValue(), "Variant A: free shipping");
  await textB.fill("Variant B: 10% off");
  await previewSays("Variant B: 10% off");
  assert.equal(await page.locator("#preview-caption").innerText(), "Showing variant B");
  assert.equal(await page.locator("#variants\\[0\\]\\.share").inputValue(), "50");
  assert.equal(await page.locator("#variants\\[1\\]\\.share").inputValue(), "50");

  // A 20% control group on top of 50 + 50: the console refuses it beside the variants.
  await page.locator("#controlPercent").fill("20");
  await page.getByText("Shares and control group together: 120% of 100%.").waitFor();
  await page.getByRole("button", { name: "Create campaign" }).click();
  await page.locator("#variants-error").getByText("The variants' shares and the control group must add up to 100%.").waitFor();
  await focused(page, "variants");
  assert.match(page.url(), /\/campaigns\/new$/, "nothing was created");
  // The API refuses the same document naming the same field: the input the console marked.
  const body = (shares, control) => ({
    name: "Tea A/B",
    trigger: { event: "PageView" },
    message: { sender: { name: "Kizuna Tea Shop" }, text: "Variant A: free shipping", display: "bubble" },
    variants: [{ share: shares[0] }, { share: shares[1], message: { sender: { name: "Kizuna Tea Shop" }, text: "Variant B: 10% off", display: "bubble" } }],
    controlPercent: control,
  });
  const total = await adminCall(env.worker, "POST", "/admin/v1/channels/demo/campaigns", body([50, 50], 20));
  assert.deepEqual([total.status, total.body.error.field], [400, "variants"]);
  assert.equal(await page.locator(`[id="${total.body.error.field}"]`).count(), 1, "the API's field is an input's id");
  // A share of 0: refused at that share's input, by the console and by the API alike.
  await page.locator("#variants\\[1\\]\\.share").fill("0");
  await page.getByRole("button", { name: "Create campaign" }).click();
  await page.locator("#variants\\[1\\]\\.share-error").getByText("Enter a share of 1 to 100 (%).").waitFor();
  await focused(page, "variants[1].share");
  const share = await adminCall(env.worker, "POST", "/admin/v1/channels/demo/campaigns", body([80, 0], 20));
  assert.deepEqual([share.status, share.body.error.field], [400, "variants[1].share"]);
  assert.equal(await page.locator(`[id="${share.body.error.field}"]`).getAttribute("aria-invalid"), "true");

  // 40 + 40 + 20: the total is right; the segmented control picks the message shown.
  await page.locator("#variants\\[0\\]\\.share").fill("40");
  await page.locator("#variants\\[1\\]\\.share").fill("40");
  await page.getByText("Shares and control group together: 100% of 100%.").waitFor();
  await page.getByRole("button", { name: "Variant A", exact: true }).click();
  await previewSays("Variant A: free shipping");
  assert.equal(await page.locator("#message\\.text").inputValue(), "Variant A: free shipping");
  await page.getByRole("button", { name: "Variant B", exact: true }).click();
  await previewSays("Variant B: 10% off");
  assert.equal(await page.getByRole("button", { name: "Variant B", exact: true }).getAttribute("aria-pressed"), "true");
  assert.equal(await shownText(), "Variant B: 10% off");
  assert.equal(await page.locator("#variants\\[1\\]\\.share-error").innerText(), "", "the share's refusal went once the split adds up");
  await kit.bothLanguages(page, "campaign-edit-variants", async (lang) => {
    await page.locator("#variants legend", { hasText: lang === "ja" ? "バリエーション（A/Bテスト）" : "Variants (A/B test)" }).waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  await page.getByRole("button", { name: "Create campaign" }).click();
  await page.waitForURL(/\/console\/c\/demo\/campaigns\/c_[^/]+\/edit$/);
  const saved = (await adminCall(env.worker, "GET", `/admin/v1/campaigns/${idOf(page.url())}`)).body;
  assert.equal(saved.message.text, "Variant A: free shipping");
  assert.deepEqual(saved.variants, [
    { share: 40 },
    { share: 40, message: { sender: { name: "Kizuna Tea Shop", avatarUrl: null }, text: "Variant B: 10% off", buttons: [], display: "bubble" } },
  ]);
  assert.equal(saved.controlPercent, 20);

  // Removing B leaves one variant; with the control at 0 the campaign saves without a split.
  await page.getByRole("heading", { name: "Edit campaign" }).waitFor();
  await page.getByRole("button", { name: "Remove variant B" }).click();
  await page.locator("#controlPercent").fill("0");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
  const plain = (await adminCall(env.worker, "GET", `/admin/v1/campaigns/${idOf(page.url())}`)).body;
  assert.deepEqual([plain.variants, plain.controlPercent, plain.message.text], [undefined, undefined, "Variant A: free shipping"]);
  assert.deepEqual(errors, []);
  await close();
});
