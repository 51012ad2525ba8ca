// The console's channel screens (issue 11), against the real worker: the home's channel
// cards; an owner makes a channel through the form (errors beside the fields, the
// console's own check and then the API's), sees its identity secret once, copies the
// exact script tag, watches "waiting for your site" turn into "last seen" without a
// reload when a page view arrives; changes the settings, which persist; rotates the
// identity secret; a member sees the settings read-only and, without a channel, the
// empty home; deleting takes the exact name and removes the channel from the switcher.
// Screenshots in both languages, axe-core on each.
import { test } from "node:test";
import assert from "node:assert/strict";
import { bootVisitor, suite } from "./harness.mjs";
import { consoleKit, focused } from "./console-kit.mjs";

const env = suite();
const { assertAccessible, screenshot, openSignedIn, bothLanguages } = consoleKit(env);

const NAME = "Matcha Corner";
const MEMBER = { email: "member@channels-console.invalid", password: "a member's long password" };
let owner; // { page, errors, context, close }: the demo owner, kept across the tests below
let channel;
let firstSecret;

/** Browser errors other than the failed requests a test provoked on purpose. */
const unexpected = (errors) => errors.filter((e) => !/status of (400|401|403|404)/.test(e));

async function call(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const response = await fetch(path, {
        method,
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : undefined };
    },
    { method, path, body },
  );
}

test("the home shows the account's channels as cards that open their customers", async () => {
  owner = await openSignedIn("/console/");
  const { page } = owner;
  await page.getByRole("heading", { name: "Your channels" }).waitFor();
  const cards = page.locator(".channels li");
  assert.ok((await cards.count()) >= 1);
  assert.equal(await cards.filter({ hasText: "Owner" }).count(), await cards.count(), "the demo owner owns each");
  await page.getByRole("link", { name: "New channel", exact: true }).waitFor();
  await bothLanguages(page, "channels-home", async (lang) => {
    await page.getByRole("heading", { name: lang === "ja" ? "あなたのチャネル" : "Your channels" }).waitFor();
  });
  // The whole card opens the channel's customers.
  const first = cards.first().locator("a.channel");
  const href = await first.getAttribute("href");
  assert.match(href, /^\/console\/c\/[^/]+\/customers$/);
});

test("a new channel: errors beside the fields, then its identity secret shown once", async () => {
  const { page } = owner;
  await page.getByRole("link", { name: "New channel", exact: true }).click();
  await page.getByRole("heading", { name: "New channel" }).waitFor();
  assert.equal(new URL(page.url()).pathname, "/console/channels/new");
  // The browser's own zone is the default.
  const browserZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  assert.equal(await page.locator("#timeZone").inputValue(), browserZone);
  await bothLanguages(page, "channels-new", async (lang) => {
    await page.getByRole("heading", { name: lang === "ja" ? "新しいチャネル" : "New channel" }).waitFor();
  });

  // The console's own check: a site address without https:// never leaves the browser.
  let posted = 0;
  page.on("request", (r) => r.url().endsWith("/admin/v1/channels") && r.method() === "POST" && posted++);
  await page.getByLabel("Channel name").fill(NAME);
  await page.getByLabel("Site address").fill("matcha.example");
  await page.getByLabel("Time zone").fill("Tokyo");
  await page.getByRole("button", { name: "Create channel" }).click();
  const siteError = page.locator("#siteUrl-error");
  await siteError.filter({ hasText: /./ }).waitFor();
  assert.equal(await siteError.textContent(), "Enter the site's address starting with https://, such as https://shop.example");
  assert.equal(await page.getAttribute("#siteUrl", "aria-invalid"), "true");
  await focused(page, "siteUrl");
  assert.equal(posted, 0);

  // The API's check: an unknown zone, said beside the zone.
  await page.getByLabel("Site address").fill("https://matcha.example");
  const refused = page.waitForResponse((r) => r.url().endsWith("/admin/v1/channels") && r.request().method() === "POST");
  await page.getByRole("button", { name: "Create channel" }).click();
  const answer = await refused;
  assert.equal(answer.status(), 400);
  assert.equal((await answer.json()).error.field, "timeZone");
  const zoneError = page.locator("#timeZone-error");
  await zoneError.filter({ hasText: /./ }).waitFor();
  assert.equal(await zoneError.textContent(), "Use a time zone name such as Asia/Tokyo, or UTC+05:30.");
  assert.equal(await siteError.textContent(), "");
  await focused(page, "timeZone");
  await assertAccessible(page, "new channel with errors (en)");
  await screenshot(page, "channels-new-errors-en");

  await page.getByLabel("Time zone").fill("Asia/Tokyo");
  const made = page.waitForResponse((r) => r.url().endsWith("/admin/v1/channels") && r.request().method() === "POST");
  await page.getByRole("button", { name: "Create channel" }).click();
  const created = await made;
  assert.equal(created.status(), 201);
  const body = await created.json();
  channel = body.id;
  firstSecret = body.identitySecret;
  await page.getByRole("heading", { name: "Channel created" }).waitFor();
  await focused(page, "created-title");
  assert.equal((await page.locator("#identity-secret").textContent()).trim(), firstSecret);
  assert.match(firstSecret, /^kzs_/);
  await page.getByText("It is shown only this once").waitFor();
  // The switcher knows the new channel (the account was read again).
  await page.locator(".switch select option", { hasText: NAME }).waitFor({ state: "attached" });
  await bothLanguages(page, "channels-created", async (lang) => {
    await page.getByRole("heading", { name: lang === "ja" ? "チャネルを作成しました" : "Channel created" }).waitFor();
  });

  await page.getByRole("link", { name: "Continue to the channel's settings" }).click();
  await page.getByRole("heading", { name: "Channel settings" }).waitFor();
  assert.equal(new URL(page.url()).pathname, `/console/c/${channel}/settings`);
  await page.locator("#tag-status").waitFor();
  assert.equal(await page.locator("#identity-secret").count(), 0);
  assert.ok(!(await page.content()).includes(firstSecret), "the secret is shown only once");
});

test("the exact script tag is copied, and a page view turns 'waiting' into 'last seen' without a reload", async () => {
  const { page, context } = owner;
  const status = page.locator("#tag-status");
  assert.equal(await status.textContent(), "Waiting for your site");
  await bothLanguages(page, "channels-settings-waiting", async (lang) => {
    await status.filter({ hasText: lang === "ja" ? "サイトからの接続を待っています" : "Waiting for your site" }).waitFor();
  });

  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.worker.base });
  const tag = `<script async src="${env.worker.base}/widget.js" data-channel="${channel}"></script>`;
  assert.equal(await page.locator("#script-tag").textContent(), tag);
  await page.getByRole("button", { name: "Copy tag" }).click();
  await page.locator(".copy-status", { hasText: "Copied." }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), tag);

  // The same document throughout: a marker set now must survive until "last seen" shows.
  await page.evaluate(() => (window.__stillHere = true));
  const visitor = await bootVisitor(env.worker, {}, channel);
  const url = "https://matcha.example/menu";
  const events = await fetch(`${env.worker.base}/v1/events`, {
    method: "POST",
    body: JSON.stringify({ channel, visitorId: visitor.visitorId, token: visitor.token, sessionId: "s_1", events: [{ id: "e_1", name: "PageView", properties: { url } }] }),
  });
  assert.equal(events.status, 200, await events.text());
  await status.filter({ hasText: "Last seen" }).waitFor({ timeout: 15_000 });
  assert.match(await status.textContent(), new RegExp(`^Last seen .+ on ${url.replace(/\./g, "\\.")}$`));
  assert.equal(await page.evaluate(() => window.__stillHere), true, "no reload");
  await bothLanguages(page, "channels-settings-seen", async (lang) => {
    await status.filter({ hasText: lang === "ja" ? "最終確認" : "Last seen" }).waitFor();
  });
});

test("the settings change, each error beside its input, and persist across a reload", async () => {
  const { page } = owner;
  await page.getByLabel("Time zone").fill("Mars/Olympus");
  await page.getByRole("button", { name: "+ Add a business-hours set" }).click();
  const setName = page.locator("#businessHours\\[0\\]\\.name");
  await setName.waitFor();
  await focused(page, "businessHours[0].name");
  await setName.fill("Tea counter");
  await page.locator("#businessHours\\[0\\]\\.windows\\[0\\]\\.from").fill("10:00");
  await page.locator("#businessHours\\[0\\]\\.windows\\[0\\]\\.to").fill("25:00");
  await page.getByLabel("At most per day").fill("0");
  await page.getByRole("button", { name: "Save settings" }).click();
  // The console's own checks, beside each input.
  const toError = page.locator("#businessHours\\[0\\]\\.windows\\[0\\]\\.to-error");
  await toError.filter({ hasText: /./ }).waitFor();
  assert.equal(await toError.textContent(), "Enter a time as HH:MM, such as 09:00.");
  assert.equal(await page.locator("#frequencyCap\\.perDay-error").textContent(), "Enter a whole number of at least 1, or leave it empty.");
  await focused(page, "businessHours[0].windows[0].to");

  // Then the API's: the zone it does not know, beside the zone.
  await page.locator("#businessHours\\[0\\]\\.windows\\[0\\]\\.to").fill("18:00");
  await page.getByLabel("At most per day").fill("3");
  await page.locator(".day", { hasText: "Sat" }).first().locator("input").check();
  const refused = page.waitForResponse((r) => r.url().endsWith(`/admin/v1/channels/${channel}`) && r.request().method() === "PATCH");
  await page.getByRole("button", { name: "Save settings" }).click();
  const answer = await refused;
  assert.deepEqual([answer.status(), (await answer.json()).error.field], [400, "timeZone"]);
  await page.locator("#timeZone-error").filter({ hasText: "Use a time zone name" }).waitFor();
  await assertAccessible(page, "settings with errors (en)");
  await screenshot(page, "channels-settings-errors-en");

  await page.getByLabel("Time zone").fill("Europe/Paris");
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.locator(".saved", { hasText: "Saved." }).waitFor();
  const stored = await call(page, "GET", `/admin/v1/channels/${channel}`);
  assert.equal(stored.json.timeZone, "Europe/Paris");
  assert.deepEqual(stored.json.businessHours, [{ name: "Tea counter", windows: [{ days: ["mon", "tue", "wed", "thu", "fri", "sat"], from: "10:00", to: "18:00" }] }]);
  assert.deepEqual(stored.json.frequencyCap, { perDay: 3 });

  await page.reload();
  await page.getByRole("heading", { name: "Channel settings" }).waitFor();
  await page.locator("#businessHours\\[0\\]\\.name").waitFor();
  assert.equal(await page.locator("#timeZone").inputValue(), "Europe/Paris");
  assert.equal(await page.locator("#businessHours\\[0\\]\\.name").inputValue(), "Tea counter");
  assert.equal(await page.locator("#businessHours\\[0\\]\\.windows\\[0\\]\\.from").inputValue(), "10:00");
  assert.equal(await page.locator("#frequencyCap\\.perDay").inputValue(), "3");
  assert.equal(await page.locator("#frequencyCap\\.perSession").inputValue(), "");
  assert.equal(await page.locator(".day", { hasText: "Sat" }).first().locator("input").isChecked(), true);
  assert.equal(await page.locator(".day", { hasText: "Sun" }).first().locator("input").isChecked(), false);
});

test("rotating shows a new secret once and until when the previous one works; revoking ends it", async () => {
  const { page } = owner;
  await page.getByRole("heading", { name: "Identity verification" }).waitFor();
  assert.equal(await page.locator("#identity-enabled").isChecked(), true, "new channels start with verification on");
  const rotated = page.waitForResponse((r) => r.url().endsWith("/identity-verification") && r.request().method() === "PUT");
  await page.getByRole("button", { name: "Rotate secret" }).click();
  const reply = await (await rotated).json();
  const secret = page.locator("#new-secret");
  await secret.waitFor();
  assert.equal((await secret.textContent()).trim(), reply.secret);
  assert.notEqual(reply.secret, firstSecret);
  await page.locator("#previous-valid", { hasText: "The previous secret still works until" }).waitFor();
  await assertAccessible(page, "settings after rotation (en)");
  await page.locator("#identity-title").scrollIntoViewIfNeeded();
  await screenshot(page, "channels-rotated-en");
  await page.getByRole("button", { name: "Revoke the previous secret now" }).click();
  await page.getByText("The previous secret no longer works.").waitFor();
  assert.equal(await page.locator("#previous-valid").count(), 0);
  const identity = await call(page, "GET", `/admin/v1/channels/${channel}/identity-verification`);
  assert.deepEqual([identity.json.enabled, identity.json.previousSecretValidUntil], [true, undefined]);
  // A reload never shows a secret again.
  await page.reload();
  await page.getByRole("heading", { name: "Identity verification" }).waitFor();
  assert.equal(await page.locator("#new-secret").count(), 0);
});

test("a member sees the settings read-only and no danger zone; without a channel, the home says how to start", async () => {
  const { page } = owner;
  const invited = await call(page, "POST", `/admin/v1/channels/${channel}/invitations`, { email: MEMBER.email, role: "member" });
  assert.equal(invited.status, 201, JSON.stringify(invited.json));
  const link = new URL(invited.json.link, env.worker.base);
  const token = link.searchParams.get("token") ?? link.pathname.split("/").pop();
  const accepted = await fetch(`${env.worker.base}/admin/v1/invitations/${encodeURIComponent(token)}/accept`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: env.worker.base },
    body: JSON.stringify({ name: "Member", password: MEMBER.password }),
  });
  assert.equal(accepted.status, 201, await accepted.text());

  const member = await openSignedIn(`/console/c/${channel}/settings`, { who: MEMBER });
  const m = member.page;
  await m.getByRole("heading", { name: "Channel settings" }).waitFor();
  await m.getByText("Only the channel's owners can change these settings.").waitFor();
  await m.locator("#businessHours\\[0\\]\\.name").waitFor();
  assert.equal(await m.locator("#timeZone").isDisabled(), true);
  assert.equal(await m.locator("#businessHours\\[0\\]\\.name").isDisabled(), true);
  assert.equal(await m.getByRole("button", { name: "Save settings" }).count(), 0);
  assert.equal(await m.getByRole("heading", { name: "Delete this channel" }).count(), 0);
  assert.equal(await m.getByRole("heading", { name: "Identity verification" }).count(), 0);
  assert.equal(await m.locator("#script-tag").count(), 1, "a member can still read the tag");
  await bothLanguages(m, "channels-settings-member", async (lang) => {
    await m.getByRole("heading", { name: lang === "ja" ? "チャネル設定" : "Channel settings" }).waitFor();
  });

  // The member leaves: an account without channels gets the empty home.
  const me = await call(m, "GET", "/admin/v1/me");
  const left = await call(m, "DELETE", `/admin/v1/channels/${channel}/members/${me.json.account.id}`);
  assert.equal(left.status, 200, JSON.stringify(left.json));
  await m.goto(`${env.worker.base}/console/`);
  await m.getByRole("heading", { name: "Start with your first channel" }).waitFor();
  await m.getByRole("link", { name: "Create your first channel" }).waitFor();
  assert.equal(await m.locator(".channels li").count(), 0);
  await bothLanguages(m, "channels-home-empty", async (lang) => {
    await m.getByRole("heading", { name: lang === "ja" ? "最初のチャネルを作りましょう" : "Start with your first channel" }).waitFor();
  });
  assert.deepEqual(unexpected(member.errors), []);
  await member.close();
});

test("deleting takes the channel's exact name, then the channel leaves the switcher and the home", async () => {
  const { page, errors } = owner;
  await page.getByRole("heading", { name: "Delete this channel" }).scrollIntoViewIfNeeded();
  const remove = page.getByRole("button", { name: "Delete channel" });
  assert.equal(await remove.getAttribute("aria-disabled"), "true");
  let deletes = 0;
  page.on("request", (r) => r.method() === "DELETE" && r.url().endsWith(`/admin/v1/channels/${channel}`) && deletes++);
  const confirm = page.getByLabel(`Type the channel's name, ${NAME}, to confirm`);
  await confirm.fill(NAME.toLowerCase());
  // The button says it is not ready yet (aria-disabled keeps it in the tab order); Enter
  // in the field tries anyway and is told why.
  await confirm.press("Enter");
  await page.locator("#confirmName-error", { hasText: "Type the channel's name exactly as shown." }).waitFor();
  assert.equal(deletes, 0);
  await focused(page, "confirmName");

  await confirm.fill(NAME);
  assert.equal(await remove.getAttribute("aria-disabled"), null);
  await bothLanguages(page, "channels-delete", async (lang) => {
    await page.getByRole("heading", { name: lang === "ja" ? "このチャネルを削除" : "Delete this channel" }).scrollIntoViewIfNeeded();
  });
  const deleted = page.waitForResponse((r) => r.request().method() === "DELETE" && r.url().endsWith(`/admin/v1/channels/${channel}`));
  await remove.click();
  assert.equal((await deleted).status(), 200);
  await page.getByRole("heading", { name: "Your channels" }).waitFor();
  assert.equal(new URL(page.url()).pathname, "/console/");
  await page.waitForFunction((name) => ![...document.querySelectorAll(".switch select option")].some((o) => o.textContent === name), NAME);
  assert.equal(await page.locator(".channels li", { hasText: NAME }).count(), 0);
  const me = await call(page, "GET", "/admin/v1/me");
  assert.ok(!me.json.channels.some((c) => c.id === channel));
  assert.deepEqual(unexpected(errors), []);
  await owner.close();
});
