// The console's members, invitations, API tokens and account pages (issue 11), all through
// the screens in Chromium against the real worker: an owner invites, copies the link, and a
// fresh browser joins as a member who cannot reach the tokens (screen and API); roles change
// and members are removed through a keyboard-safe confirmation; the last owner cannot leave;
// expired and used invitations are refused on screen; a password is reset through the
// development outbox; five wrong passwords give the 429 message; a cookie change from another
// loopback origin is refused; tokens are made and revoked; the account screen changes the
// password and email and signs out other sessions. Screenshots and axe on every screen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { DEMO_OWNER, settle, sqlNow, sqlRows, suite } from "./harness.mjs";
import { consoleKit } from "./console-kit.mjs";

/** Accounts of their own (the demo owner's password), so no test changes the demo owner. */
const account = (id, email, name) =>
  `INSERT INTO members (id, email, name, created_at, password_hash, password_salt, password_iterations)
   SELECT '${id}', '${email}', '${name}', 1795000000000, password_hash, password_salt, password_iterations
   FROM members WHERE id = 'm_demo_owner';`;
const SECOND = { email: "second@members.invalid", password: DEMO_OWNER.password };
const HOLDER = { email: "holder@members.invalid", password: DEMO_OWNER.password };
const RESETTER = "resetter@members.invalid";

const env = suite({
  sql: [
    account("m_second", SECOND.email, "Second Person"),
    "INSERT INTO channel_members (channel_id, member_id, role) VALUES ('demo', 'm_second', 'member');",
    account("m_holder", HOLDER.email, "Account Holder"),
    account("m_resetter", RESETTER, "Reset Person"),
  ],
});
const { assertAccessible, screenshot, openSignedIn, bothLanguages } = consoleKit(env);

let nextClient = 0;
/** A client address of its own (the worker counts sign-in failures per address). */
const ownAddress = () => ({ "cf-connecting-ip": `198.51.100.${++nextClient}` });

/** A fresh context (no session) on `url`, with its own client address. */
async function fresh(url, locale = "en-US") {
  const context = await env.browser.newContext({ locale, viewport: { width: 1024, height: 760 } });
  await context.setExtraHTTPHeaders(ownAddress());
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url.startsWith("http") ? url : `${env.worker.base}${url}`);
  return { page, context, errors, close: () => context.close() };
}

const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return { id: el?.id ?? "", label: el?.getAttribute("aria-label") ?? el?.textContent?.trim() ?? "", inDialog: !!el?.closest("dialog[open]") };
  });

async function outbox(to) {
  const answer = await fetch(`${env.worker.base}/dev/outbox.json`);
  const { mails } = await answer.json();
  const mail = mails.find((m) => m.to === to);
  assert.ok(mail, `no mail to ${to}: ${JSON.stringify(mails.map((m) => m.to))}`);
  return mail;
}

/** A cookie-authenticated call from `page`'s own origin. */
const fromPage = (page, method, path, body) =>
  page.evaluate(
    async ({ method, path, body }) => {
      const response = await fetch(path, { method, headers: { "content-type": "application/json" }, body: body && JSON.stringify(body) });
      return { status: response.status, body: await response.json().catch(() => null) };
    },
    { method, path, body },
  );

let joinerPage;

test("an owner invites an email on screen, copies the link, and a fresh browser joins as a member", async () => {
  const owner = await openSignedIn("/console/c/demo/members");
  await owner.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.worker.base });
  const { page } = owner;
  await page.getByRole("heading", { name: "Members", exact: true }).waitFor();
  await page.locator("table.members").getByText(DEMO_OWNER.email).waitFor();
  await page.getByRole("heading", { name: "Pending invitations" }).waitFor();

  // The console checks the address before sending it.
  await page.locator("#email").fill("not an address");
  await page.getByRole("button", { name: "Send invitation" }).click();
  assert.equal(await page.locator("#email-error").textContent(), "Enter an email address like name@example.com.");
  // The API's refusal (already a member) beside the field it names.
  await page.locator("#email").fill(SECOND.email);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await page.locator("#email-error").filter({ hasText: "already a member" }).waitFor();

  await page.locator("#email").fill("joiner@members.invalid");
  await page.locator("#role").selectOption("member");
  const made = page.waitForResponse((r) => r.url().endsWith("/admin/v1/channels/demo/invitations") && r.request().method() === "POST");
  await page.getByRole("button", { name: "Send invitation" }).click();
  assert.equal((await made).status(), 201);
  await page.locator("#invite-link").waitFor();
  assert.equal(await page.locator("#email-error").textContent(), "");
  await page.locator("#invite-link-copy").click();
  await page.locator("#invite-link-status").filter({ hasText: "Copied." }).waitFor();
  assert.equal(await page.locator("#invite-link-status").getAttribute("aria-live"), "polite");
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(link, await page.locator("#invite-link").inputValue(), "the clipboard holds the link shown");
  assert.match(link, /\/console\/accept\?token=[0-9a-f]{64}$/);
  assert.equal((await outbox("joiner@members.invalid")).link, link, "the emailed link is the one copied");
  const pending = page.locator("table.invitations tr").filter({ hasText: "joiner@members.invalid" });
  await pending.waitFor();
  assert.match(await pending.locator("td").nth(2).textContent(), /\d{4}/, "the expiry is a date");
  await bothLanguages(page, "members-owner", async (code) =>
    page.getByRole("heading", { name: code === "ja" ? "保留中の招待" : "Pending invitations" }).waitFor(),
  );
  await owner.close();

  // A fresh browser opens the copied link, sees what it offers, and makes an account.
  const joiner = await fresh(link);
  const accept = joiner.page;
  await accept.getByRole("heading", { name: "Join a channel" }).waitFor();
  await accept.getByText("Demo Owner invited you to join Kizuna Demo Shop.").waitFor();
  assert.equal(await accept.locator(".facts dd.email").textContent(), "joiner@members.invalid");
  await bothLanguages(accept, "accept", async (code) =>
    accept.getByRole("heading", { name: code === "ja" ? "チャネルに参加" : "Join a channel" }).waitFor(),
  );
  await accept.locator("#name").fill("Joiner");
  await accept.locator("#password").fill("joiner-password");
  await accept.locator("#passwordAgain").fill("joiner-passw0rd");
  await accept.getByRole("button", { name: "Create account and join" }).click();
  assert.equal(await accept.locator("#passwordAgain-error").textContent(), "The two passwords are not the same.");
  await accept.locator("#passwordAgain").fill("joiner-password");
  await accept.getByRole("button", { name: "Create account and join" }).click();
  await accept.waitForURL(/\/console\/c\/demo\/customers$/);
  const nav = accept.locator(".channel-nav");
  await nav.getByRole("link", { name: "Members" }).waitFor();
  assert.equal(await nav.getByRole("link", { name: "API tokens" }).count(), 0, "members see no tokens page");

  // The tokens page is owners-only on screen, and the API refuses a member there too.
  await accept.goto(`${env.worker.base}/console/c/demo/tokens`);
  await accept.getByText("Only the channel's owners can open this page.").waitFor();
  await assertAccessible(accept, "tokens as a member");
  await screenshot(accept, "tokens-member-en");
  assert.equal((await fromPage(accept, "GET", "/admin/v1/channels/demo/tokens")).status, 403);
  const refusedToken = await fromPage(accept, "POST", "/admin/v1/channels/demo/tokens", { label: "mine", role: "owner" });
  assert.equal(refusedToken.status, 403);

  // A member's members screen: roles as text, no invitations, and Leave.
  await accept.goto(`${env.worker.base}/console/c/demo/members`);
  await accept.locator("table.members").getByText("joiner@members.invalid").waitFor();
  assert.equal(await accept.locator("table.members select").count(), 0);
  assert.equal(await accept.getByRole("heading", { name: "Invite someone" }).count(), 0);
  await bothLanguages(accept, "members-member", async (code) =>
    accept.getByRole("button", { name: code === "ja" ? "チャネルから退出" : "Leave channel" }).waitFor(),
  );
  assert.deepEqual(joiner.errors, []);
  joinerPage = joiner;

  // The used link is refused on screen.
  const again = await fresh(link, "ja-JP");
  await again.page.getByText("この招待は有効期限切れ、取り消し済み、または使用済みです。", { exact: false }).waitFor();
  await bothLanguages(again.page, "accept-refused");
  await again.close();
});

test("a member leaves the channel and lands home without it", async () => {
  assert.ok(joinerPage, "the previous test left the joiner signed in");
  const { page } = joinerPage;
  await page.getByRole("button", { name: "Leave channel" }).click();
  await page.locator("dialog[open]").getByRole("heading", { name: "Leave this channel?" }).waitFor();
  await page.locator("dialog[open]").getByRole("button", { name: "Leave channel" }).click();
  await page.getByRole("heading", { name: "Your channels" }).waitFor();
  await page.getByRole("heading", { name: "Start with your first channel" }).waitFor();
  assert.equal(sqlRows(env.worker, "SELECT COUNT(*) AS n FROM channel_members cm JOIN members m ON m.id = cm.member_id WHERE m.email = 'joiner@members.invalid'")[0].n, 0);
  await joinerPage.close();
});

test("an owner changes a role and removes a member through a dialog that keeps focus and cancels on Escape", async () => {
  const { page, close } = await openSignedIn("/console/c/demo/members");
  const role = page.locator("#role-m_second");
  await role.waitFor();
  assert.equal(await role.getAttribute("aria-label"), "Role of Second Person");
  const changed = page.waitForResponse((r) => r.url().endsWith("/members/m_second") && r.request().method() === "PATCH");
  await role.selectOption("owner");
  assert.equal((await changed).status(), 200);
  await page.getByRole("status").filter({ hasText: "Role changed." }).waitFor();
  assert.equal(sqlRows(env.worker, "SELECT role FROM channel_members WHERE member_id = 'm_second'")[0].role, "owner");
  await role.selectOption("member");
  await page.waitForFunction(() => document.querySelector("#role-m_second")?.value === "member");
  await settle(env.worker);
  assert.equal(sqlRows(env.worker, "SELECT role FROM channel_members WHERE member_id = 'm_second'")[0].role, "member");

  // The last owner demotes themselves: the API's refusal beside their select.
  await page.locator("#role-m_demo_owner").selectOption("member");
  await page.locator("#role-m_demo_owner-error").filter({ hasText: "at least one owner" }).waitFor();
  assert.equal(await page.locator("#role-m_demo_owner").inputValue(), "owner", "the select shows the kept role");

  // Remove, by keyboard: focus moves into the dialog, stays there, Escape cancels and
  // focus returns to the button that opened it.
  const remove = page.getByRole("button", { name: "Remove Second Person" });
  await remove.focus();
  await page.keyboard.press("Enter");
  const dialog = page.locator("dialog[open]");
  await dialog.getByRole("heading", { name: "Remove Second Person from this channel?" }).waitFor();
  assert.deepEqual(await focused(page), { id: "", label: "Cancel", inDialog: true });
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press("Tab");
    assert.ok((await focused(page)).inDialog, `Tab ${i + 1} stays in the dialog`);
  }
  await assertAccessible(page, "remove dialog (en)");
  await screenshot(page, "members-remove-dialog-en");
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.querySelector("dialog[open]"));
  assert.equal((await focused(page)).label, "Remove Second Person", "focus is back on the opener");
  assert.equal(sqlRows(env.worker, "SELECT COUNT(*) AS n FROM channel_members WHERE member_id = 'm_second'")[0].n, 1, "cancelled");

  // In Japanese, then confirmed.
  await page.getByRole("button", { name: "日本語" }).click();
  await page.getByRole("button", { name: "削除 Second Person" }).click();
  await page.locator("dialog[open]").getByRole("heading", { name: "Second Person をこのチャネルから削除しますか？" }).waitFor();
  await assertAccessible(page, "remove dialog (ja)");
  await screenshot(page, "members-remove-dialog-ja");
  await page.locator("dialog[open]").getByRole("button", { name: "削除" }).click();
  await page.waitForFunction(() => !document.querySelector("dialog[open]"));
  await page.locator("table.members").getByText(SECOND.email).waitFor({ state: "detached" });
  assert.equal(sqlRows(env.worker, "SELECT COUNT(*) AS n FROM channel_members WHERE member_id = 'm_second'")[0].n, 0);

  // The last owner cannot leave: the refusal beside the control.
  await page.getByRole("button", { name: "English" }).click();
  await page.getByRole("button", { name: "Leave channel" }).click();
  await page.locator("dialog[open]").getByRole("button", { name: "Leave channel" }).click();
  await page.locator("#leave-error").filter({ hasText: "A channel keeps at least one owner" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Leave channel" }).getAttribute("aria-describedby"), "leave-error");
  await assertAccessible(page, "last owner cannot leave");
  await screenshot(page, "members-last-owner-en");
  await close();
});

test("an expired invitation and a revoked one are refused on screen", async () => {
  const { page, close } = await openSignedIn("/console/c/demo/members");
  await page.getByRole("heading", { name: "Pending invitations" }).waitFor();
  const late = await fromPage(page, "POST", "/admin/v1/channels/demo/invitations", { email: "late@members.invalid", role: "member" });
  assert.equal(late.status, 201, JSON.stringify(late.body));
  const revoked = await fromPage(page, "POST", "/admin/v1/channels/demo/invitations", { email: "revoked@members.invalid", role: "owner" });
  assert.equal(revoked.status, 201);
  sqlNow(env.worker, `UPDATE invitations SET expires_at = 1 WHERE id = '${late.body.invitation.id}'`);
  await settle(env.worker);
  const expired = await fresh(late.body.link);
  await expired.page.getByText("This invitation has expired, was revoked or was already used.", { exact: false }).waitFor();
  assert.equal(await expired.page.locator("#name").count(), 0, "no form for a refused link");
  await expired.close();

  // Revoked on screen through the confirmation.
  await page.reload();
  await page.getByRole("button", { name: "Revoke revoked@members.invalid" }).click();
  await page.locator("dialog[open]").getByRole("button", { name: "Revoke" }).click();
  await page.locator("table.invitations").getByText("revoked@members.invalid").waitFor({ state: "detached" });
  const gone = await fresh(revoked.body.link);
  await gone.page.getByText("This invitation has expired, was revoked or was already used.", { exact: false }).waitFor();
  await gone.close();
  const unknown = await fresh("/console/accept?token=00");
  await unknown.page.getByText("This invitation link is not valid.", { exact: false }).waitFor();
  await unknown.close();
  await close();
});

test("a password is reset through the development outbox, then signs in on screen", async () => {
  const { page, close, errors } = await fresh("/console/sign-in");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await page.getByRole("heading", { name: "Reset your password" }).waitFor();
  await bothLanguages(page, "forgot", async (code) =>
    page.getByRole("heading", { name: code === "ja" ? "パスワードの再設定" : "Reset your password" }).waitFor(),
  );
  await page.locator("#email").fill(RESETTER);
  await page.getByRole("button", { name: "Send link" }).click();
  await page.getByText("If an account uses this address", { exact: false }).waitFor();
  await assertAccessible(page, "forgot sent");
  await screenshot(page, "forgot-sent-en");

  const { link } = await outbox(RESETTER);
  assert.match(link, /\/console\/reset-password\?token=[0-9a-f]{64}$/);
  await page.goto(link);
  await page.getByLabel("New password", { exact: true }).waitFor();
  await bothLanguages(page, "reset", async (code) =>
    page.getByRole("heading", { name: code === "ja" ? "パスワードの再設定" : "Reset your password" }).waitFor(),
  );
  await page.locator("#newPassword").fill("short");
  await page.locator("#newPasswordAgain").fill("short");
  await page.getByRole("button", { name: "Set password" }).click();
  assert.equal(await page.locator("#newPassword-error").textContent(), "Use at least 10 characters.");
  await page.locator("#newPassword").fill("a brand new password");
  await page.locator("#newPasswordAgain").fill("a brand new password");
  await page.getByRole("button", { name: "Set password" }).click();
  await page.getByText("Your password was changed", { exact: false }).waitFor();
  await assertAccessible(page, "reset done");
  await screenshot(page, "reset-done-en");

  // Sign in with the new password, on the screen.
  await page.getByRole("link", { name: "Go to sign-in" }).click();
  await page.locator("#email").fill(RESETTER);
  await page.locator("#password").fill("a brand new password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Your channels" }).waitFor();

  // The used link is refused, with a way to ask again.
  await page.goto(link);
  await page.locator("#newPassword").fill("a third new password");
  await page.locator("#newPasswordAgain").fill("a third new password");
  await page.getByRole("button", { name: "Set password" }).click();
  await page.getByText("This link has expired or was already used.").waitFor();
  await page.getByRole("link", { name: "Ask for a new link" }).waitFor();
  await bothLanguages(page, "reset-refused");
  assert.deepEqual(errors, []);
  await close();
});

test("five wrong passwords on the sign-in screen give the 429 message with seconds", async () => {
  const { page, close } = await fresh("/console/sign-in");
  await page.locator("#email").fill("locked@members.invalid");
  for (let i = 0; i < 5; i++) {
    await page.locator("#password").fill(`wrong password ${i}`);
    const answered = page.waitForResponse((r) => r.url().endsWith("/admin/v1/sessions"));
    await page.getByRole("button", { name: "Sign in" }).click();
    assert.equal((await answered).status(), 401, `try ${i + 1}`);
  }
  await page.locator("#password").fill("the sixth try");
  const sixth = page.waitForResponse((r) => r.url().endsWith("/admin/v1/sessions"));
  await page.getByRole("button", { name: "Sign in" }).click();
  assert.equal((await sixth).status(), 429);
  const message = page.locator("#email-error");
  await message.filter({ hasText: /Try again in \d+ seconds\./ }).waitFor();
  const seconds = Number((await message.textContent()).match(/(\d+) seconds/)[1]);
  assert.ok(seconds > 800 && seconds <= 900, `${seconds} s`);
  await bothLanguages(page, "signin-rate-limited", async (code) =>
    message.filter({ hasText: code === "ja" ? /\d+ 秒後/ : /\d+ seconds/ }).waitFor(),
  );
  await close();
});

test("a session cookie is refused for a change made from another loopback origin", async () => {
  // A second origin on the same loopback host: same site, so the browser sends the
  // session cookie (SameSite=Lax), but a different port, so a different origin.
  const other = createServer((_, res) => res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>other origin</title><p>other origin</p>"));
  await new Promise((resolve) => other.listen(0, "127.0.0.1", resolve));
  const otherOrigin = `http://127.0.0.1:${other.address().port}`;
  const { page, close } = await openSignedIn("/console/");
  await page.getByRole("heading", { name: "Your channels" }).waitFor();
  // A simple request (text/plain, no-cors): no preflight, the browser sends it with the
  // cookie, and the page gets an opaque answer it cannot read.
  const send = (name, mode = "cors") =>
    page.evaluate(
      async ({ url, name, mode }) => {
        try {
          const response = await fetch(url, {
            method: "POST",
            mode,
            credentials: "include",
            headers: { "content-type": "text/plain" },
            body: JSON.stringify({ name, filter: { field: "country", op: "equals", value: "JP" } }),
          });
          return response.status;
        } catch {
          return "unreadable";
        }
      },
      { url: `${env.worker.base}/admin/v1/channels/demo/segments`, name, mode },
    );
  // From the console's own origin, the same request is accepted.
  assert.equal(await send("Made on the own origin"), 201);

  await page.goto(otherOrigin);
  const answered = page.waitForResponse((r) => r.url().endsWith("/admin/v1/channels/demo/segments"));
  const seen = await send("Made from another origin", "no-cors");
  const response = await answered;
  // 403, not 401: the browser sent the session cookie, and the worker refused the origin.
  assert.equal(response.status(), 403, "refused for its origin");
  const body = await response.json().catch(() => null);
  if (body) assert.equal(body.error.field, "origin");
  assert.equal(seen, 0, "and the page cannot read the answer (opaque)");
  await settle(env.worker);
  const names = sqlRows(env.worker, "SELECT name FROM segments WHERE channel_id = 'demo'").map((r) => r.name);
  assert.ok(names.includes("Made on the own origin"));
  assert.ok(!names.includes("Made from another origin"), "nothing was made");
  await close();
  await new Promise((resolve) => other.close(resolve));
});

test("an owner makes a token, sees it once with a copy button, and revokes it with confirmation", async () => {
  const { page, context, close, errors } = await openSignedIn("/console/c/demo/tokens");
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.worker.base });
  await page.getByRole("heading", { name: "API tokens" }).waitFor();
  await page.getByRole("heading", { name: "New token" }).waitFor();
  await page.getByText("This channel has no API tokens.").waitFor();
  await page.getByRole("button", { name: "Create token" }).click();
  assert.equal(await page.locator("#label-error").textContent(), "Give the token a name.");
  await page.locator("#label").fill("CRM sync");
  await page.locator("#role").selectOption("member");
  await page.getByRole("button", { name: "Create token" }).click();
  const shown = page.locator("#new-token");
  await shown.waitFor();
  const token = await shown.inputValue();
  assert.match(token, /^kz_[0-9a-f]{64}$/);
  await page.getByText("it is shown only this once", { exact: false }).waitFor();
  await page.locator("#new-token-copy").click();
  await page.locator("#new-token-status").filter({ hasText: "Copied." }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);
  const row = page.locator("table.tokens tr").filter({ hasText: "CRM sync" });
  await row.waitFor();
  assert.equal(await row.locator("td").nth(3).textContent(), "Never");
  await bothLanguages(page, "tokens", async (code) =>
    page.getByRole("heading", { name: code === "ja" ? "作成したトークン" : "Your new token" }).waitFor(),
  );
  // The token works, as a member.
  const use = (path) => fetch(`${env.worker.base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal((await use("/admin/v1/channels/demo/customers")).status, 200);
  assert.equal((await use("/admin/v1/channels/demo/tokens")).status, 403, "a member token cannot list tokens");
  await page.getByRole("button", { name: "Done" }).click();
  assert.equal(await shown.count(), 0, "shown only once");
  await page.reload();
  await row.waitFor();
  assert.notEqual(await row.locator("td").nth(3).textContent(), "Never", "last used");

  await page.getByRole("button", { name: "Revoke CRM sync" }).click();
  await page.locator("dialog[open]").getByRole("heading", { name: 'Revoke the token "CRM sync"?' }).waitFor();
  await assertAccessible(page, "revoke token dialog");
  await screenshot(page, "tokens-revoke-dialog-en");
  await page.locator("dialog[open]").getByRole("button", { name: "Revoke" }).click();
  await row.waitFor({ state: "detached" });
  assert.equal((await use("/admin/v1/channels/demo/customers")).status, 401, "revoked");
  assert.deepEqual(errors, []);
  await close();
});

test("the account screen changes the password and the email, and signs out the other sessions", async () => {
  // A second session of the same account, elsewhere.
  const elsewhere = await fetch(`${env.worker.base}/admin/v1/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "Mozilla/5.0 (Windows NT 10.0) Firefox/133.0" },
    body: JSON.stringify(HOLDER),
  });
  assert.equal(elsewhere.status, 200);
  const { page, close, errors } = await openSignedIn("/console/account", { who: HOLDER });
  await page.getByRole("heading", { name: "Your account" }).waitFor();
  assert.equal(await page.locator("#account-email").textContent(), HOLDER.email);
  const sessions = page.locator("table.sessions tbody tr");
  await page.locator("table.sessions").waitFor();
  assert.equal(await sessions.count(), 2);
  assert.equal(await sessions.filter({ hasText: "This session" }).count(), 1);
  await sessions.filter({ hasText: "Firefox · Windows" }).waitFor();
  await bothLanguages(page, "account", async (code) =>
    page.getByRole("heading", { name: code === "ja" ? "セッション" : "Sessions" }).waitFor(),
  );

  // A wrong current password, beside its field.
  await page.locator("#currentPassword").fill("not the password");
  await page.locator("#newPassword").fill("holder-new-password");
  await page.locator("#newPasswordAgain").fill("holder-new-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.locator("#currentPassword-error").filter({ hasText: "This is not your current password." }).waitFor();

  // Sign out everywhere else.
  await page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await page.getByText("Your other sessions were signed out.").waitFor();
  await page.waitForFunction(() => document.querySelectorAll("table.sessions tbody tr").length === 1);
  const cookie = elsewhere.headers.getSetCookie()[0].split(";")[0];
  assert.equal((await fetch(`${env.worker.base}/admin/v1/me`, { headers: { cookie } })).status, 401);

  // The password, changed.
  await page.locator("#currentPassword").fill(HOLDER.password);
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByText("Password changed.", { exact: false }).waitFor();

  // The email: a wrong password beside this form's own field, then a confirmation link.
  await page.locator("#email").fill("holder-new@members.invalid");
  await page.locator("#emailCurrentPassword").fill("wrong password!");
  await page.getByRole("button", { name: "Send confirmation link" }).click();
  await page.locator("#emailCurrentPassword-error").filter({ hasText: "This is not your current password." }).waitFor();
  await page.locator("#emailCurrentPassword").fill("holder-new-password");
  await page.getByRole("button", { name: "Send confirmation link" }).click();
  await page.getByText("A confirmation link was sent to holder-new@members.invalid.", { exact: false }).waitFor();
  await assertAccessible(page, "account after changes");
  await screenshot(page, "account-changed-en");
  const { link } = await outbox("holder-new@members.invalid");
  await page.goto(link);
  await page.getByRole("heading", { name: "Confirm your new email address" }).waitFor();
  await bothLanguages(page, "confirm-email", async (code) =>
    page.getByRole("button", { name: code === "ja" ? "アドレスを確認" : "Confirm address" }).waitFor(),
  );
  await page.getByRole("button", { name: "Confirm address" }).click();
  await page.getByText("Your email address is now holder-new@members.invalid.").waitFor();
  await assertAccessible(page, "email confirmed");
  await screenshot(page, "confirm-email-done-en");
  await page.getByRole("link", { name: "Go to the console" }).click();
  await page.locator(".topbar .account").filter({ hasText: "holder-new@members.invalid" }).waitFor();
  // The link works once.
  await page.goto(link);
  await page.getByRole("button", { name: "Confirm address" }).click();
  await page.getByText("This link has expired or was already used.").waitFor();
  assert.deepEqual(errors.filter((e) => !/40[19]|410/.test(e)), []);
  await close();
});
