// "Try it on my site" (issue 12): a single-use link opens the channel's site, where the
// real widget shows the campaign's draft message, unsaved edits included; the page takes
// the message once, reports nothing about it, and the statistics count nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { SCREENSHOTS, adminCall, asVisitor, bootVisitor, sqlNow, suite } from "./harness.mjs";

const env = suite();
const call = (method, path, body) => adminCall(env.worker, method, path, body);

const DRAFT = {
  name: "Autumn tea (draft)",
  priority: 5,
  trigger: { event: "PageView", urlContains: "/never-here" },
  message: {
    sender: { name: "Kizuna Tea Shop" },
    text: "Saved text of the draft.",
    buttons: [{ label: "See the teas", url: "/products/sencha" }],
    display: "bubble",
  },
};

/** Takes a link's message as `visitor` (a `bootVisitor` reply): `{status, body}`. */
async function take(visitor, preview) {
  const response = await asVisitor(env.worker, "/v1/preview", visitor, { preview });
  return { status: response.status, body: await response.json() };
}

async function newDraft() {
  const created = await call("POST", "/admin/v1/channels/demo/campaigns", DRAFT);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id;
}

test("without a site address the channel gets no preview link, naming siteUrl", async () => {
  const id = await newDraft();
  const refused = await call("POST", `/admin/v1/campaigns/${id}/preview-link`);
  assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.field], [409, "conflict", "siteUrl"]);
});

test("a preview link shows the editor's unsaved message on the site once, counts nothing and reports nothing", async () => {
  sqlNow(env.worker, `UPDATE channels SET site_url = '${env.worker.base}/' WHERE id = 'demo'`);
  const id = await newDraft();
  const unsaved = { ...DRAFT, message: { ...DRAFT.message, text: "Unsaved words, straight from the editor." } };
  const before = Date.now();
  const made = await call("POST", `/admin/v1/campaigns/${id}/preview-link`, unsaved);
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.match(made.body.url, new RegExp(`^${env.worker.base}/#kizuna-preview=[0-9a-f]{64}$`));
  const thirtyMinutes = 30 * 60 * 1000;
  assert.ok(made.body.expiresAt >= before + thirtyMinutes - 60_000 && made.body.expiresAt <= Date.now() + thirtyMinutes + 60_000);
  assert.equal((await call("GET", `/admin/v1/campaigns/${id}`)).body.message.text, DRAFT.message.text, "the preview saves nothing");

  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const reports = [];
  page.on("request", (r) => /\/v1\/deliveries\//.test(r.url()) && reports.push(r.url()));
  await page.goto(made.body.url);
  const bubble = page.locator("[data-kizuna] .b");
  await bubble.waitFor({ state: "visible", timeout: 15_000 });
  assert.match(await bubble.innerText(), /Unsaved words, straight from the editor\./);
  assert.equal(new URL(page.url()).hash, "", "the token leaves the address bar");
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, "preview-link-on-site.png"), animations: "disabled" });
  await bubble.locator(".t").click();
  await Promise.all([page.waitForURL("**/products/sencha"), bubble.getByRole("link", { name: "See the teas" }).click()]);
  await page.waitForLoadState("networkidle");
  assert.deepEqual(reports, [], "no view or click is reported for a preview");
  const stats = (await call("GET", `/admin/v1/campaigns/${id}/stats`)).body;
  assert.deepEqual([stats.totals.sent, stats.totals.view, stats.totals.click, stats.totals.goal], [0, 0, 0, 0]);
  await context.close();

  // The same link again: nothing shows, and the edge says it is gone.
  const again = await env.browser.newContext();
  const second = await again.newPage();
  const warnings = [];
  second.on("console", (m) => warnings.push(m.text()));
  await second.goto(made.body.url);
  await second.waitForLoadState("networkidle");
  await second.waitForFunction(() => !location.hash);
  assert.equal(await second.locator("[data-kizuna] .b").count(), 0);
  assert.ok(warnings.some((w) => /preview link/.test(w)), warnings.join("\n"));
  await again.close();

  // Without a body the link shows the saved campaign.
  const saved = await call("POST", `/admin/v1/campaigns/${id}/preview-link`);
  assert.equal(saved.status, 201);
  const visitor = await bootVisitor(env.worker);
  const token = new URL(saved.body.url).hash.replace("#kizuna-preview=", "");
  const taken = await take(visitor, token);
  assert.equal(taken.status, 200, JSON.stringify(taken.body));
  assert.equal(taken.body.popups.length, 1);
  assert.equal(taken.body.popups[0].text, DRAFT.message.text);
  assert.equal(taken.body.popups[0].deliveryId, "preview");
  const gone = await take(visitor, token);
  assert.deepEqual([gone.status, gone.body.error.code, gone.body.error.field], [410, "gone", "preview"]);
});

test("a preview link refuses what is wrong, naming the field, and a channel holds at most 100 unopened links", async () => {
  sqlNow(env.worker, `UPDATE channels SET site_url = '${env.worker.base}/' WHERE id = 'demo'`);
  const id = await newDraft();
  const blank = await call("POST", `/admin/v1/campaigns/${id}/preview-link`, { ...DRAFT, message: { ...DRAFT.message, text: "  " } });
  assert.deepEqual([blank.status, blank.body.error.field], [400, "message.text"]);
  const unsafe = await call("POST", `/admin/v1/campaigns/${id}/preview-link`, {
    ...DRAFT,
    message: { ...DRAFT.message, buttons: [{ label: "x", url: "javascript:alert(1)" }] },
  });
  assert.deepEqual([unsafe.status, unsafe.body.error.field], [400, "message.buttons[0].url"]);
  const unknown = await call("POST", "/admin/v1/campaigns/c_no_such_campaign/preview-link");
  assert.equal(unknown.status, 404);

  const visitor = await bootVisitor(env.worker);
  const guessed = await take(visitor, "ab".repeat(32));
  assert.deepEqual([guessed.status, guessed.body.error.code, guessed.body.error.field], [404, "not_found", "preview"]);
  const huge = await take(visitor, "a".repeat(10_000));
  assert.deepEqual([huge.status, huge.body.error.field], [400, "preview"]);

  // Links not yet opened are bounded per channel (the earlier tests left a few unopened).
  sqlNow(env.worker, "DELETE FROM preview_links");
  const made = [];
  for (let i = 0; i < 100; i += 10) {
    const batch = await Promise.all(Array.from({ length: 10 }, () => call("POST", `/admin/v1/campaigns/${id}/preview-link`)));
    made.push(...batch.map((r) => r.status));
  }
  assert.deepEqual([...new Set(made)], [201]);
  const over = await call("POST", `/admin/v1/campaigns/${id}/preview-link`);
  assert.deepEqual([over.status, over.body.error.code, over.body.error.field], [429, "rate_limited", "previewLinks"]);
});
