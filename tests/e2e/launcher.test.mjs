// Messages wait to be read (issue 12): a message a page took but the visitor did not view
// stays behind the widget's launcher, in every tab and on the next page, until it is
// opened (which counts its view), marked read, seven days pass, or its campaign stops with
// "delete unviewed" (then open pages drop it too). The launcher is reached by keyboard,
// tells screen readers its count, speaks the browser's language, and passes axe.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { adminCall, asVisitor, ROOT, SCREENSHOTS, statsWhen, suite } from "./harness.mjs";

const env = suite();
const AXE = readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");
const call = (method, path, body) => adminCall(env.worker, method, path, body);

/** An automated bubble campaign shown on pages whose path contains `path`, started. (The
 * demo's own campaign shows on /products/ pages: these tests stay off them.) */
async function campaignOn(path, name, text, extra = {}) {
  const created = await call("POST", "/admin/v1/channels/demo/campaigns", {
    name,
    trigger: { event: "PageView", url: { include: [{ op: "contains", value: path }] } },
    message: { sender: { name: "Kizuna Tea Shop" }, text, display: "bubble", buttons: [{ label: "See the sale", url: "/sale" }] },
    ...extra,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal((await call("POST", `/admin/v1/campaigns/${created.body.id}/start`)).status, 200);
  return created.body.id;
}

const launcher = (page) => page.locator("[data-kizuna] .l");
const count = (page) => page.locator("[data-kizuna] .lb .n").innerText();
const status = (page) => page.evaluate(() => document.querySelector("[data-kizuna]")?.shadowRoot?.querySelector("[role=status]")?.textContent ?? null);

async function axeOnWidget(page, what) {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => (await window.axe.run({ include: [["[data-kizuna]"]] })).violations);
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [], `axe on ${what}`);
}

async function shot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `widget-${name}.png`), animations: "disabled" });
}

/** Presses Tab until the focus is inside the widget's shadow root on the element with `className`. */
async function tabTo(page, className) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    const at = await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.className ?? null);
    if (at === className) return;
  }
  throw new Error(`Tab never reached .${className}`);
}

test("a bubble closed unread waits behind the launcher on the next page and in a second tab, and opening it by keyboard counts its view", async () => {
  const campaign = await campaignOn("/sale", "Unread waits", "Our autumn tins are here.");
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const first = await context.newPage();
  await first.goto(`${env.worker.base}/sale`);
  await first.locator("[data-kizuna] .b").waitFor({ state: "visible", timeout: 15_000 });
  await first.locator("[data-kizuna] .x").click();
  await launcher(first).waitFor({ state: "visible" });
  assert.equal(await count(first), "1");
  assert.equal(await status(first), "1 unread message", "the status line tells screen readers");
  assert.equal(await first.locator("[data-kizuna] .lb").getAttribute("aria-label"), "1 unread message");
  await statsWhen(env.worker, campaign, (s) => s.totals.sent === 1);

  // The next page of the site, and a second tab: the list lives in the visitor's object.
  await first.goto(`${env.worker.base}/`);
  await launcher(first).waitFor({ state: "visible", timeout: 15_000 });
  assert.equal(await first.locator("[data-kizuna] .b").count(), 0, "the message itself does not pop up again");
  const second = await context.newPage();
  await second.goto(`${env.worker.base}/newsletter`);
  await launcher(second).waitFor({ state: "visible", timeout: 15_000 });
  assert.equal(await count(second), "1");
  await axeOnWidget(second, "the launcher");
  await shot(second, "launcher-en");
  assert.equal((await statsWhen(env.worker, campaign, (s) => s.totals.sent === 1)).totals.view, 0, "closed unread: no view");

  // By keyboard: Tab reaches the launcher, Enter opens the message and counts the view.
  await second.bringToFront();
  await tabTo(second, "lb");
  await second.keyboard.press("Enter");
  await second.locator("[data-kizuna] .b").waitFor({ state: "visible" });
  assert.equal(await second.locator("[data-kizuna] .b .t").innerText(), "Our autumn tins are here.");
  assert.equal(await second.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.className), "x", "focus moved into the message");
  const viewed = await statsWhen(env.worker, campaign, (s) => s.totals.view === 1);
  assert.equal(viewed.totals.sent, 1, "opening it sent nothing again");
  await second.keyboard.press("Escape");
  await second.locator("[data-kizuna] .b").waitFor({ state: "detached" });
  assert.equal(await launcher(second).count(), 0, "nothing is left unread");
  // The first tab learns it at its next poll (every 10 s while the visitor is active).
  await first.bringToFront();
  await launcher(first).waitFor({ state: "detached", timeout: 25_000 });
  await context.close();
  assert.equal((await call("POST", `/admin/v1/campaigns/${campaign}/stop`)).status, 200);
});

test("'delete unviewed' takes an unviewed bubble off an open page and out of another tab's launcher; sent stays, no view", async () => {
  const campaign = await campaignOn("/newsletter", "Withdrawn while open", "One hour only.", { deleteUnviewed: true });
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const open = await context.newPage();
  await open.goto(`${env.worker.base}/newsletter`);
  await open.locator("[data-kizuna] .b").waitFor({ state: "visible", timeout: 15_000 });
  const other = await context.newPage();
  await other.goto(`${env.worker.base}/`);
  await launcher(other).waitFor({ state: "visible", timeout: 15_000 });
  assert.equal((await call("POST", `/admin/v1/campaigns/${campaign}/stop`)).body.state, "ended");
  await open.bringToFront();
  await open.locator("[data-kizuna] .b").waitFor({ state: "detached", timeout: 25_000 });
  await other.bringToFront();
  await launcher(other).waitFor({ state: "detached", timeout: 25_000 });
  const stats = await statsWhen(env.worker, campaign, (s) => s.totals.sent === 1);
  assert.equal(stats.totals.view, 0);
  await context.close();
});

test("'mark all read' clears the count, in a Japanese browser in Japanese, and POST /v1/read refuses what it must", async () => {
  const campaign = await campaignOn("/sale", "Marked read", "秋の缶が入荷しました。");
  const context = await env.browser.newContext({ locale: "ja-JP", viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${env.worker.base}/sale`);
  await page.locator("[data-kizuna] .b").waitFor({ state: "visible", timeout: 15_000 });
  await page.locator("[data-kizuna] .x").click();
  await launcher(page).waitFor({ state: "visible" });
  assert.equal(await page.locator("[data-kizuna] .lb").getAttribute("aria-label"), "未読メッセージ 1 件");
  assert.equal(await status(page), "未読メッセージ 1 件");
  assert.equal(await page.locator("[data-kizuna] .lr").innerText(), "すべて既読にする");
  await axeOnWidget(page, "the launcher in Japanese");
  await shot(page, "launcher-ja");
  const visitor = await page.evaluate(() => ({ visitorId: localStorage.getItem("kz:demo:visitor"), token: localStorage.getItem("kz:demo:token") }));
  // The widget names what it listed (a keepalive request: its body is read from the request).
  const read = page.waitForRequest((r) => r.url().endsWith("/v1/read"));
  await page.locator("[data-kizuna] .lr").click();
  assert.equal(JSON.parse((await read).postData()).deliveryIds.length, 1);
  await launcher(page).waitFor({ state: "detached" });
  assert.equal(await status(page), "");
  const after = await (await asVisitor(env.worker, "/v1/messages", visitor)).json();
  assert.deepEqual(after.unread, [], "read for every tab");
  assert.equal((await statsWhen(env.worker, campaign, (s) => s.totals.sent === 1)).totals.view, 0, "marking read is no view");

  const refused = async (deliveryIds, field) => {
    const response = await asVisitor(env.worker, "/v1/read", visitor, { deliveryIds });
    assert.equal(response.status, 400);
    assert.equal((await response.json()).error.field, field);
  };
  await refused(Array.from({ length: 21 }, (_, i) => `d_${i}`), "deliveryIds");
  await refused(["ok_id", "not an id"], "deliveryIds[1]");
  const elsewhere = await asVisitor(env.worker, "/v1/read", visitor, { deliveryIds: ["d_someone_elses"] });
  assert.deepEqual(await elsewhere.json(), { read: 0 }, "an id not unread for this visitor changes nothing");
  await context.close();
  assert.equal((await call("POST", `/admin/v1/campaigns/${campaign}/stop`)).status, 200);
});

test("a signed-in member's unread message follows them to another device", async () => {
  const verification = await call("PUT", "/admin/v1/channels/demo/identity-verification", { enabled: true });
  assert.equal(verification.status, 200);
  const memberHash = createHmac("sha256", verification.body.secret).update("member-unread").digest("hex");
  const campaign = await campaignOn("/sale", "For members", "Members: free shipping this week.");
  /** A device whose page signs the member in before the widget loads, as a site's snippet does. */
  const device = async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript((options) => {
      window.Kizuna = function () {
        (window.Kizuna.q = window.Kizuna.q || []).push(arguments);
      };
      window.Kizuna("boot", options);
    }, { memberId: "member-unread", memberHash });
    return context;
  };
  const laptop = await device();
  const onLaptop = await laptop.newPage();
  await onLaptop.goto(`${env.worker.base}/sale`);
  await onLaptop.locator("[data-kizuna] .b").waitFor({ state: "visible", timeout: 15_000 });
  await onLaptop.locator("[data-kizuna] .x").click();
  await launcher(onLaptop).waitFor({ state: "visible" });
  const phone = await device();
  const onPhone = await phone.newPage();
  await onPhone.goto(`${env.worker.base}/`);
  await launcher(onPhone).waitFor({ state: "visible", timeout: 15_000 });
  await onPhone.locator("[data-kizuna] .lb").click();
  assert.equal(await onPhone.locator("[data-kizuna] .b .t").innerText(), "Members: free shipping this week.");
  assert.equal((await statsWhen(env.worker, campaign, (s) => s.totals.view === 1)).totals.sent, 1, "one message, viewed on the other device");
  await laptop.close();
  await phone.close();
});
