// The customer page (issue 11): a visitor of the demo shop becomes a customer with a
// profile, device and first-touch UTM; the page shows them with the messages they
// received (GET …/customers/{id}/messages, whose paging and channel boundary are pinned
// here too); values are edited inline by keyboard and the API's refusal is shown beside
// the value; a write-once value is locked once set; a hidden field is absent; a member
// sees no delete button and the API refuses them; the owner deletes after confirming.
// English and Japanese, axe-core on every captured screen. Real worker, no mocks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { adminCall, customerWhen, moveClock, settle, sqlNow, suite } from "./harness.mjs";
import { consoleKit, focused } from "./console-kit.mjs";

const env = suite({
  sql: [
    `INSERT INTO profile_fields (channel_id, name, display_name, type, built_in, write_once, visibility, position) VALUES
       ('demo', 'plan', 'Plan', 'string', 0, 0, 'visible', 20),
       ('demo', 'score', 'Score', 'number', 0, 0, 'visible', 21),
       ('demo', 'code', 'Referral code', 'string', 0, 1, 'visible', 22),
       ('demo', 'secret', 'Secret note', 'string', 0, 0, 'visible', 23)`,
    `INSERT INTO channels (id, name, utc_offset_minutes, created_at) VALUES ('other', 'Other shop', 0, 0)`,
    `INSERT INTO customers (channel_id, id, created_at, updated_at) VALUES ('other', 'v_other_channel', 0, 0)`,
    // Last seen before session starts were kept (migration 0015): its last session is unknown.
    `INSERT INTO customers (channel_id, id, created_at, updated_at, last_seen_at, sessions_count, name)
       VALUES ('demo', 'v_before_session_starts', 1795000000000, 1795000000000, 1795000000000, 3, 'Ken Aoki')`,
    `INSERT INTO deliveries (id, channel_id, campaign_id, visitor_id, display, sent_at) VALUES ('d_other', 'other', 'c_tea_bubble', 'v_other_channel', 'bubble', 5)`,
  ],
});
const { openSignedIn, assertAccessible, bothLanguages, screenshot } = consoleKit(env);

const call = (method, path, body) => adminCall(env.worker, method, `/admin/v1/channels/demo${path}`, body);

const SENT = 1_795_000_000_000; // 2026-11-18
const MINUTE = 60_000;
let customer; // the visitor's id
let sessionStartedAt; // when the worker saw the visitor's session begin
let seeding;
/** Makes the customer once, before the first test that needs it (after the suite's hooks). */
const seeded = () => (seeding ??= seed());

async function seed() {
  // A real visit from Chromium: browser facts and first-touch UTM.
  const context = await env.browser.newContext();
  const visit = await context.newPage();
  await visit.goto(`${env.worker.base}/?utm_source=newsletter&utm_campaign=autumn`);
  customer = await visit.waitForFunction(() => localStorage.getItem("kz:demo:visitor")).then((h) => h.jsonValue());
  const started = await customerWhen(env.worker, customer, (c) => c.sessionsCount === 1 && c.web.browserName);
  sessionStartedAt = started.lastSessionStartedAt;
  assert.equal(typeof sessionStartedAt, "number", JSON.stringify(started));
  // Ten minutes on (the worker's clock; the browser's session goes on), another page of the
  // same session: last seen moves, the session's start does not.
  await moveClock(env.worker, 10 * MINUTE);
  await visit.goto(`${env.worker.base}/newsletter`); // a page no campaign listens to
  const later = await customerWhen(env.worker, customer, (c) => c.lastSeenAt >= sessionStartedAt + 10 * MINUTE);
  await moveClock(env.worker, 0);
  assert.deepEqual([later.sessionsCount, later.lastSessionStartedAt], [1, sessionStartedAt]);
  await context.close();
  const named = await call("PATCH", `/customers/${customer}`, {
    profile: { name: "Hanako Sato", email: "hanako@example.jp", plan: "gold", score: 7, secret: "keep out" },
  });
  assert.equal(named.status, 200, JSON.stringify(named.body));
  const hidden = await call("PATCH", "/fields/profile.secret", { visibility: "hidden" });
  assert.equal(hidden.status, 200, JSON.stringify(hidden.body));
  await call("POST", "/customers/bulk", { ids: [customer], addTags: ["vip"] });
  // Three messages: one viewed and clicked, one only sent, one of a campaign since deleted.
  sqlNow(
    env.worker,
    `INSERT INTO deliveries (id, channel_id, campaign_id, visitor_id, display, sent_at, view_at, click_at) VALUES
       ('d_page_1', 'demo', 'c_tea_bubble', '${customer}', 'bubble', ${SENT}, ${SENT + MINUTE}, ${SENT + 2 * MINUTE}),
       ('d_page_2', 'demo', 'c_deleted_long_ago', '${customer}', 'fullscreen', ${SENT - 86_400_000}, NULL, NULL),
       ('d_page_3', 'demo', 'c_tea_bubble', '${customer}', 'bubble', ${SENT - 2 * 86_400_000}, NULL, NULL)`,
  );
  await settle(env.worker);
}

/** A time as the page writes it: the viewer's locale, the channel's zone (Asia/Tokyo). */
const tokyo = (page, ms, locale = "en") =>
  page.evaluate(
    ({ ms, locale }) => new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Tokyo" }).format(new Date(ms)),
    { ms, locale },
  );

const byId = (page, id) => page.locator(`[id="${id}"]`);

test("GET …/customers/{id}/messages lists what the customer received, newest first, in pages, and only in its channel", async () => {
  await seeded();
  const all = await call("GET", `/customers/${customer}/messages`);
  assert.equal(all.status, 200, JSON.stringify(all.body));
  const mine = all.body.messages.filter((m) => m.id.startsWith("d_page_"));
  assert.deepEqual(
    mine.map((m) => [m.id, m.campaignId, m.campaignName, m.display, m.sentAt, m.viewAt, m.clickAt, m.goalAt]),
    [
      ["d_page_1", "c_tea_bubble", "Tea lovers: autumn sale bubble", "bubble", SENT, SENT + MINUTE, SENT + 2 * MINUTE, null],
      ["d_page_2", "c_deleted_long_ago", null, "fullscreen", SENT - 86_400_000, null, null, null],
      ["d_page_3", "c_tea_bubble", "Tea lovers: autumn sale bubble", "bubble", SENT - 2 * 86_400_000, null, null, null],
    ],
  );
  assert.equal(all.body.nextCursor, null);

  const first = await call("GET", `/customers/${customer}/messages?limit=1`);
  assert.equal(first.body.messages.length, 1);
  const seen = [first.body.messages[0].id];
  let cursor = first.body.nextCursor;
  while (cursor) {
    const next = await call("GET", `/customers/${customer}/messages?limit=1&cursor=${encodeURIComponent(cursor)}`);
    assert.equal(next.status, 200, JSON.stringify(next.body));
    seen.push(...next.body.messages.map((m) => m.id));
    cursor = next.body.nextCursor;
  }
  assert.deepEqual(seen, all.body.messages.map((m) => m.id), "pages follow each other without gaps or repeats");

  for (const [query, field] of [["?limit=101", "limit"], ["?limit=0", "limit"], ["?cursor=soon", "cursor"], ["?sort=sentAt", "sort"]]) {
    const refused = await call("GET", `/customers/${customer}/messages${query}`);
    assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.field], [400, "invalid", field], query);
  }
  const missing = await call("GET", "/customers/v_nobody/messages");
  assert.equal(missing.status, 404);
  const elsewhere = await call("GET", "/customers/v_other_channel/messages");
  assert.equal(elsewhere.status, 404, "another channel's customer is not found here");
  assert.doesNotMatch(JSON.stringify(elsewhere.body), /d_other/);
});

test("the page shows the profile in the field order, device, first touch, tags and the messages received", async () => {
  await seeded();
  const { page, errors, close } = await openSignedIn(`/console/c/demo/customers/${customer}`);
  await page.getByRole("heading", { level: 1, name: "Hanako Sato" }).waitFor();
  await page.getByRole("button", { name: "Edit Plan" }).waitFor();
  const labels = await page.locator(".profile-list dt").allTextContents();
  assert.deepEqual(labels.slice(0, 3), ["Name", "Email", "Mobile number"]);
  assert.ok(labels.indexOf("Plan") < labels.indexOf("Score") && labels.indexOf("Score") < labels.indexOf("Referral code"), labels.join());
  assert.ok(!labels.includes("Secret note"), "a hidden field is absent");
  assert.ok(!labels.includes("UTM Source"), "first touch is shown on its own");
  assert.doesNotMatch(await page.locator("main").textContent(), /Secret note|keep out/);
  const row = (label) => page.locator(".profile-row", { has: page.locator("dt", { hasText: new RegExp(`^${label}$`) }) });
  assert.equal((await row("Plan").locator(".value").textContent()).trim(), "gold");
  assert.equal((await row("Score").locator(".value").textContent()).trim(), "7");

  const fact = (section, label) => page.locator(`section[aria-labelledby="${section}"] dt:text-is("${label}") + dd`);
  assert.match(await fact("device-title", "Browser").textContent(), /Chrome/);
  assert.match(await fact("device-title", "Operating system").textContent(), /Linux/);
  assert.equal(await fact("device-title", "Device type").textContent(), "desktop");
  assert.equal(await fact("touch-title", "UTM Source").textContent(), "newsletter");
  assert.equal(await fact("touch-title", "UTM Campaign").textContent(), "autumn");
  assert.equal(await fact("activity-title", "Sessions").textContent(), "1");
  const shown = (await call("GET", `/customers/${customer}`)).body;
  assert.equal(await fact("activity-title", "Last session").textContent(), await tokyo(page, sessionStartedAt));
  assert.equal(await fact("activity-title", "Last seen").textContent(), await tokyo(page, shown.lastSeenAt));
  assert.notEqual(await tokyo(page, sessionStartedAt), await tokyo(page, shown.lastSeenAt), "the session began before last seen");
  assert.deepEqual(await page.locator(".chip > span").allTextContents(), ["vip"]);

  const message = page.locator('tr[data-campaign="c_tea_bubble"]').first();
  await message.waitFor();
  const cells = await message.locator("th, td").allTextContents();
  assert.deepEqual(cells.slice(0, 5), [
    "Tea lovers: autumn sale bubble",
    "Bubble",
    await tokyo(page, SENT),
    await tokyo(page, SENT + MINUTE),
    await tokyo(page, SENT + 2 * MINUTE),
  ]);
  assert.match(cells[5], /^—/, "no goal yet");
  const deleted = await page.locator('tr[data-campaign="c_deleted_long_ago"] th').textContent();
  assert.equal(deleted, "Deleted campaign (c_deleted_long_ago)");

  await bothLanguages(page, "customer", async (code) => {
    if (code === "ja") await page.getByRole("heading", { name: "受信したメッセージ" }).waitFor();
  });
  await message.scrollIntoViewIfNeeded();
  await screenshot(page, "customer-messages-en");
  assert.deepEqual(errors, []);
  await close();
});

test("values are edited inline by keyboard; Escape cancels; the API's refusal is shown beside the value; write-once locks", async () => {
  await seeded();
  const { page, errors, close } = await openSignedIn(`/console/c/demo/customers/${customer}`);
  const edit = page.getByRole("button", { name: "Edit Plan" });
  await edit.waitFor();

  // A text value: Enter on Edit opens the input with focus, Enter saves, focus returns.
  await edit.focus();
  await page.keyboard.press("Enter");
  await focused(page, "profile.plan");
  assert.equal(await byId(page, "profile.plan").inputValue(), "gold");
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("platinum");
  const saved = page.waitForResponse((r) => r.request().method() === "PATCH");
  await page.keyboard.press("Enter");
  assert.deepEqual(JSON.parse((await saved).request().postData()).profile, { plan: "platinum" });
  await page.getByRole("button", { name: "Edit Plan" }).waitFor();
  await focused(page, "edit-profile.plan");
  assert.equal((await call("GET", `/customers/${customer}`)).body.profile.plan, "platinum");

  // Escape cancels without sending.
  let patches = 0;
  page.on("request", (r) => r.method() === "PATCH" && patches++);
  await page.keyboard.press("Enter");
  await focused(page, "profile.plan");
  await page.keyboard.type(" and more");
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Edit Plan" }).waitFor();
  await focused(page, "edit-profile.plan");
  assert.equal(patches, 0);

  // A number value, typed as a number.
  await page.getByRole("button", { name: "Edit Score" }).focus();
  await page.keyboard.press("Enter");
  await focused(page, "profile.score");
  assert.equal(await byId(page, "profile.score").getAttribute("type"), "number");
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("42.5");
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Edit Score" }).waitFor();
  assert.equal((await call("GET", `/customers/${customer}`)).body.profile.score, 42.5);

  // The API refuses an email: its words are shown beside the value, and the input keeps focus.
  await page.getByRole("button", { name: "Edit Email" }).click();
  await focused(page, "profile.email");
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("not-an-email");
  const refused = page.waitForResponse((r) => r.request().method() === "PATCH");
  await page.keyboard.press("Enter");
  const answer = await refused;
  assert.equal(answer.status(), 400);
  assert.equal((await answer.json()).error.field, "profile.email");
  const beside = byId(page, "profile.email-error");
  await beside.filter({ hasText: /./ }).waitFor();
  assert.equal(await beside.textContent(), "Enter an email address like name@example.com.");
  assert.equal(await byId(page, "profile.email").getAttribute("aria-invalid"), "true");
  assert.match(await byId(page, "profile.email").getAttribute("aria-describedby"), /profile\.email-error/);
  await focused(page, "profile.email");
  await bothLanguages(page, "customer-edit-error", async (code) => {
    const want = code === "ja" ? "name@example.com の形式でメールアドレスを入力してください。" : "Enter an email address like name@example.com.";
    await beside.filter({ hasText: want }).waitFor();
  });
  await byId(page, "profile.email").press("Escape");
  assert.equal((await call("GET", `/customers/${customer}`)).body.profile.email, "hanako@example.jp");

  // A write-once value can be set once, then it is locked, here and in the API.
  await page.getByRole("button", { name: "Edit Referral code" }).click();
  await byId(page, "profile.code").fill("TEA-2026");
  await byId(page, "profile.code").press("Enter");
  const locked = page.locator(".profile-row", { has: page.locator("dt", { hasText: /^Referral code$/ }) });
  await locked.getByText("Locked: this field keeps its first value.").waitFor();
  assert.equal(await page.getByRole("button", { name: "Edit Referral code" }).count(), 0);
  assert.equal((await locked.locator(".value").textContent()).trim(), "TEA-2026");
  const again = await call("PATCH", `/customers/${customer}`, { profile: { code: "OTHER" } });
  assert.deepEqual([again.status, again.body.error.field], [409, "profile.code"]);

  // A date is typed as a wall time in the channel's zone (Asia/Tokyo, 9 hours east of UTC).
  await page.getByRole("button", { name: "Edit Last checkout" }).click();
  assert.equal(await byId(page, "profile.lastCheckoutCompletedAt").getAttribute("type"), "datetime-local");
  await byId(page, "profile.lastCheckoutCompletedAt").fill("2026-11-20T10:30");
  await byId(page, "profile.lastCheckoutCompletedAt").press("Enter");
  await page.getByRole("button", { name: "Edit Last checkout" }).waitFor();
  const checkout = Date.UTC(2026, 10, 20, 1, 30);
  assert.equal((await call("GET", `/customers/${customer}`)).body.profile.lastCheckoutCompletedAt, checkout);
  const checkoutRow = page.locator(".profile-row", { has: page.locator("dt", { hasText: /^Last checkout$/ }) });
  assert.equal((await checkoutRow.locator(".value").textContent()).trim(), await tokyo(page, checkout));
  // Opening it again starts from the same wall time.
  await page.getByRole("button", { name: "Edit Last checkout" }).click();
  assert.equal(await byId(page, "profile.lastCheckoutCompletedAt").inputValue(), "2026-11-20T10:30");
  await byId(page, "profile.lastCheckoutCompletedAt").press("Escape");

  // First-touch values are not editable.
  assert.equal(await page.getByRole("button", { name: "Edit UTM Source" }).count(), 0);
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  await close();
});

test("tags are added and removed from the page", async () => {
  await seeded();
  const { page, close } = await openSignedIn(`/console/c/demo/customers/${customer}`);
  await page.getByRole("button", { name: "Remove tag vip" }).waitFor();
  await page.locator("#new-tag").fill("autumn");
  await page.locator("#new-tag").press("Enter");
  await page.getByRole("button", { name: "Remove tag autumn" }).waitFor();
  assert.deepEqual((await call("GET", `/customers/${customer}`)).body.tags, ["autumn", "vip"]);
  await page.getByRole("button", { name: "Remove tag vip" }).click();
  await page.getByRole("button", { name: "Remove tag vip" }).waitFor({ state: "detached" });
  assert.deepEqual((await call("GET", `/customers/${customer}`)).body.tags, ["autumn"]);

  // The unsubscribe flags: anyone sets them, only owners clear them.
  await page.getByRole("button", { name: "Unsubscribe (Email)" }).click();
  await page.getByRole("button", { name: "Resubscribe (Email)" }).waitFor();
  assert.equal((await call("GET", `/customers/${customer}`)).body.unsubscribeEmail, true);
  await page.getByRole("button", { name: "Resubscribe (Email)" }).click();
  await page.getByRole("button", { name: "Unsubscribe (Email)" }).waitFor();
  assert.equal((await call("GET", `/customers/${customer}`)).body.unsubscribeEmail, false);
  await close();
});

test("a member sees no delete button and the API refuses them", async () => {
  await seeded();
  const email = "member@customer-page.invalid";
  const password = "member-page-password";
  const invited = await call("POST", "/invitations", { email, role: "member" });
  assert.equal(invited.status, 201, JSON.stringify(invited.body));
  const token = new URL(invited.body.link).searchParams.get("token");
  const accepted = await fetch(`${env.worker.base}/admin/v1/invitations/${token}/accept`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Page Member", password }),
  });
  assert.equal(accepted.status, 201, await accepted.text());

  const { page, close } = await openSignedIn(`/console/c/demo/customers/${customer}`, { who: { email, password } });
  await page.getByRole("heading", { level: 1, name: "Hanako Sato" }).waitFor();
  await page.getByRole("button", { name: "Edit Plan" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Delete customer" }).count(), 0);
  const status = await page.evaluate(async (id) => (await fetch(`/admin/v1/channels/demo/customers/${id}`, { method: "DELETE" })).status, customer);
  assert.equal(status, 403);
  await close();
});

test("a last session whose start is unknown shows a dash, not the last-seen time", async () => {
  const { page, errors, close } = await openSignedIn("/console/c/demo/customers/v_before_session_starts");
  await page.getByRole("heading", { level: 1, name: "Ken Aoki" }).waitFor();
  const fact = (label) => page.locator(`section[aria-labelledby="activity-title"] dt:text-is("${label}") + dd`);
  assert.equal(await fact("Last seen").textContent(), await tokyo(page, 1_795_000_000_000));
  assert.match(await fact("Last session").textContent(), /^—/);
  assert.equal((await call("GET", "/customers/v_before_session_starts")).body.lastSessionStartedAt, null);
  assert.deepEqual(errors, []);
  await close();
});

test("an unknown customer shows a clear not-found state", async () => {
  await seeded();
  const { page, errors, close } = await openSignedIn("/console/c/demo/customers/v_nobody");
  await page.getByRole("heading", { name: "Customer not found" }).waitFor();
  await assertAccessible(page, "customer not found (en)");
  assert.deepEqual(errors.filter((e) => !/status of 404/.test(e)), []);
  await close();
});

test("the owner deletes the customer after confirming in a dialog that keeps focus", async () => {
  await seeded();
  const { page, close } = await openSignedIn(`/console/c/demo/customers/${customer}`);
  const open = page.getByRole("button", { name: "Delete customer" });
  await open.waitFor();
  await open.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Delete this customer?" });
  await dialog.waitFor();
  await focused(page, "delete-cancel");
  // Tab stays inside the dialog.
  await page.keyboard.press("Tab");
  await focused(page, "delete-confirm");
  await page.keyboard.press("Tab");
  await focused(page, "delete-cancel");
  // Escape cancels, and focus returns to the button that opened it.
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  await focused(page, "delete-customer");
  assert.equal((await call("GET", `/customers/${customer}`)).status, 200);

  await page.keyboard.press("Enter");
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /Hanako Sato/);
  // The dialog is modal (the language switch is behind it): each language opens it anew.
  await assertAccessible(page, "delete dialog (en)");
  await screenshot(page, "customer-delete-en");
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "日本語", exact: true }).click();
  await page.getByRole("button", { name: "顧客を削除" }).click();
  await page.getByRole("dialog", { name: "この顧客を削除しますか？" }).waitFor();
  await assertAccessible(page, "delete dialog (ja)");
  await screenshot(page, "customer-delete-ja");
  await page.getByRole("dialog").getByRole("button", { name: "顧客を削除" }).click();
  await page.waitForURL(/\/console\/c\/demo\/customers$/);
  assert.equal((await call("GET", `/customers/${customer}`)).status, 404);
  assert.equal((await call("GET", `/customers/${customer}/messages`)).status, 404);
  await close();
});
