// Invitations, password change and reset, email change, and the development outbox
// (issue 11): the demo owner invites a new email, the mail lands in /dev/outbox, the link
// is accepted in Chromium by a new account that is then signed in as a member; a reused,
// revoked or expired link is 410; a password is reset through the outbox and changed
// with the other sessions revoked; the outbox page is escaped and exists only in
// development.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { SCREENSHOTS, moveClock, settle, sqlNow, sqlRows, startWorker, suite } from "./harness.mjs";

const DEMO = { email: "owner@demo.kizuna.invalid", password: "demo-owner-password" };
const DAY = 24 * 60 * 60 * 1000;

const env = suite();

let nextClient = 0;
/** A client address of its own, so the sign-in limits per address do not mix tests. */
const clientAddress = () => `203.0.113.${++nextClient}`;

async function call(method, path, { body, cookie, origin, base = env.worker.base } = {}) {
  const headers = { "content-type": "application/json", "cf-connecting-ip": clientAddress() };
  if (cookie) headers.cookie = cookie;
  if (origin ?? cookie) headers.origin = origin ?? base;
  const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

function sessionCookie(answer) {
  const set = answer.headers.getSetCookie().find((c) => c.startsWith("__Host-kizuna_session="));
  assert.ok(set, "no session cookie");
  return set.split(";")[0];
}

async function signIn(credentials = DEMO) {
  const answer = await call("POST", "/admin/v1/sessions", { body: credentials });
  assert.equal(answer.status, 200, JSON.stringify(answer.json));
  return sessionCookie(answer);
}

/** The newest mail to `to` in the development outbox. */
async function mailTo(to) {
  const answer = await call("GET", "/dev/outbox.json");
  assert.equal(answer.status, 200);
  const mail = answer.json.mails.find((m) => m.to === to);
  assert.ok(mail, `no mail to ${to} in ${JSON.stringify(answer.json.mails.map((m) => m.to))}`);
  return mail;
}

const tokenOf = (link) => new URL(link).searchParams.get("token");

async function invite(email, role = "member", cookie) {
  const answer = await call("POST", "/admin/v1/channels/demo/invitations", { cookie: cookie ?? (await signIn()), body: { email, role } });
  assert.equal(answer.status, 201, JSON.stringify(answer.json));
  return answer.json;
}

test("an invitation accepted by a new account signs it in as a member; the link then is 410", async () => {
  const owner = await signIn();
  const made = await invite("newcomer@invites.invalid", "member", owner);
  assert.equal(made.invitation.email, "newcomer@invites.invalid");
  assert.equal(made.invitation.role, "member");
  assert.equal(made.invitation.expiresAt - made.invitation.createdAt, 7 * DAY);
  assert.match(made.link, new RegExp(`^${env.worker.base}/console/accept\\?token=[0-9a-f]{64}$`));
  const mail = await mailTo("newcomer@invites.invalid");
  assert.equal(mail.link, made.link, "the emailed link is the one the console shows");
  assert.match(mail.subject, /invited you to Kizuna Demo Shop/);
  const token = tokenOf(mail.link);
  const [stored] = sqlRows(env.worker, `SELECT token_hash FROM invitations WHERE id = '${made.invitation.id}'`);
  assert.notEqual(stored.token_hash, token, "the token is stored only hashed");
  const pending = await call("GET", "/admin/v1/channels/demo/invitations", { cookie: owner });
  assert.ok(pending.json.invitations.some((i) => i.id === made.invitation.id));
  const offered = await call("GET", `/admin/v1/invitations/${token}`);
  assert.equal(offered.status, 200);
  assert.deepEqual(offered.json.channel, { id: "demo", name: "Kizuna Demo Shop" });
  assert.equal(offered.json.email, "newcomer@invites.invalid");

  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.worker.base}/`);
  const accepted = await page.evaluate(async (token) => {
    const response = await fetch(`/admin/v1/invitations/${token}/accept`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "New Comer", password: "newcomer-password" }),
    });
    return { status: response.status, body: await response.json() };
  }, token);
  assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
  assert.deepEqual(accepted.body.channel, { id: "demo", name: "Kizuna Demo Shop", role: "member" });
  const me = await page.evaluate(async () => {
    const response = await fetch("/admin/v1/me");
    return { status: response.status, body: await response.json() };
  });
  assert.equal(me.status, 200, JSON.stringify(me.body));
  assert.equal(me.body.account.email, "newcomer@invites.invalid");
  assert.deepEqual(me.body.channels, [{ id: "demo", name: "Kizuna Demo Shop", role: "member" }]);
  const [hash] = sqlRows(env.worker, "SELECT password_iterations AS n FROM members WHERE email = 'newcomer@invites.invalid'");
  assert.equal(hash.n, 100000);
  await settle(env.worker);
  const again = await page.evaluate(async (token) => {
    const response = await fetch(`/admin/v1/invitations/${token}/accept`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "Twice", password: "another-password" }) });
    return { status: response.status, body: await response.json() };
  }, token);
  assert.equal(again.status, 410, JSON.stringify(again.body));
  assert.equal(again.body.error.field, "token");
  await context.close();
  assert.equal((await call("GET", `/admin/v1/invitations/${token}`)).status, 410);
  assert.equal((await call("GET", "/admin/v1/invitations/0000")).status, 404);
  const after = await call("GET", "/admin/v1/channels/demo/invitations", { cookie: owner });
  assert.ok(!after.json.invitations.some((i) => i.id === made.invitation.id), "a used invitation is not pending");
  // The new account signs in with its own password.
  await signIn({ email: "newcomer@invites.invalid", password: "newcomer-password" });
});

test("a signed-in account accepts with its session and joins with the invited role", async () => {
  sqlNow(env.worker, "INSERT INTO channels (id, name, utc_offset_minutes, created_at) VALUES ('second', 'Second shop', 0, 0); INSERT INTO channel_members (channel_id, member_id, role) VALUES ('second', 'm_demo_owner', 'owner');");
  await settle(env.worker);
  const owner = await signIn();
  const made = await call("POST", "/admin/v1/channels/second/invitations", { cookie: owner, body: { email: "someone-else@invites.invalid", role: "member" } });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  const invitee = await call("POST", "/admin/v1/invitations/" + tokenOf(made.json.link) + "/accept", { body: { name: "Second", password: "second-password" } });
  assert.equal(invitee.status, 201, JSON.stringify(invitee.json));
  const second = sessionCookie(invitee);
  const demoInvite = await invite("another-address@invites.invalid");
  const none = await call("POST", `/admin/v1/invitations/${tokenOf(demoInvite.link)}/accept`);
  assert.equal(none.status, 401, "no body and not signed in");
  const joined = await call("POST", `/admin/v1/invitations/${tokenOf(demoInvite.link)}/accept`, { cookie: second });
  assert.equal(joined.status, 200, JSON.stringify(joined.json));
  const me = await call("GET", "/admin/v1/me", { cookie: second });
  assert.deepEqual(me.json.channels.map((c) => [c.id, c.role]), [["demo", "member"], ["second", "member"]]);
});

test("an expired or revoked invitation is refused with 410 naming token", async () => {
  const owner = await signIn();
  const revoked = await invite("revoked@invites.invalid", "member", owner);
  const gone = await call("DELETE", `/admin/v1/channels/demo/invitations/${revoked.invitation.id}`, { cookie: owner });
  assert.equal(gone.status, 200, JSON.stringify(gone.json));
  const refused = await call("POST", `/admin/v1/invitations/${tokenOf(revoked.link)}/accept`, { body: { name: "R", password: "revoked-password" } });
  assert.equal(refused.status, 410);
  assert.equal(refused.json.error.field, "token");
  const late = await invite("late@invites.invalid", "member", owner);
  try {
    await moveClock(env.worker, 8 * DAY);
    const expired = await call("POST", `/admin/v1/invitations/${tokenOf(late.link)}/accept`, { body: { name: "Late", password: "late-password!" } });
    assert.equal(expired.status, 410, JSON.stringify(expired.json));
    assert.equal(expired.json.error.field, "token");
    assert.match(expired.json.error.message, /expired/);
    assert.equal(sqlRows(env.worker, "SELECT COUNT(*) AS n FROM members WHERE email = 'late@invites.invalid'")[0].n, 0);
  } finally {
    await moveClock(env.worker, 0);
  }
});

test("a password is reset through the development outbox, once", async () => {
  const email = "resetter@invites.invalid";
  const made = await invite(email);
  const joined = await call("POST", `/admin/v1/invitations/${tokenOf(made.link)}/accept`, { body: { name: "Resetter", password: "first-password" } });
  assert.equal(joined.status, 201);
  const asked = await call("POST", "/admin/v1/password-resets", { body: { email } });
  assert.equal(asked.status, 202);
  const unknown = await call("POST", "/admin/v1/password-resets", { body: { email: "nobody@invites.invalid" } });
  assert.equal(unknown.status, 202, "no account enumeration");
  assert.deepEqual(unknown.json, asked.json);
  const mail = await mailTo(email);
  assert.match(mail.link, /\/console\/reset-password\?token=[0-9a-f]{64}$/);
  const token = tokenOf(mail.link);
  const short = await call("POST", `/admin/v1/password-resets/${token}`, { body: { newPassword: "short" } });
  assert.equal(short.status, 400);
  assert.equal(short.json.error.field, "newPassword");
  const set = await call("POST", `/admin/v1/password-resets/${token}`, { body: { newPassword: "second-password" } });
  assert.equal(set.status, 200, JSON.stringify(set.json));
  assert.equal((await call("GET", "/admin/v1/me", { cookie: sessionCookie(joined) })).status, 401, "every session was revoked");
  const old = await call("POST", "/admin/v1/sessions", { body: { email, password: "first-password" } });
  assert.equal(old.status, 401, "the old password is refused");
  await signIn({ email, password: "second-password" });
  const reused = await call("POST", `/admin/v1/password-resets/${token}`, { body: { newPassword: "third-password" } });
  assert.equal(reused.status, 410);
  assert.equal(reused.json.error.field, "token");
  assert.equal((await call("POST", "/admin/v1/password-resets/00", { body: { newPassword: "third-password" } })).status, 404);
});

test("changing one's password needs the current one and revokes the other sessions", async () => {
  const email = "changer@invites.invalid";
  const made = await invite(email);
  const joined = await call("POST", `/admin/v1/invitations/${tokenOf(made.link)}/accept`, { body: { name: "Changer", password: "changer-password" } });
  const first = sessionCookie(joined);
  const second = await signIn({ email, password: "changer-password" });
  const wrong = await call("PUT", "/admin/v1/me/password", { cookie: first, body: { currentPassword: "not-it-at-all", newPassword: "changed-password" } });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.error.field, "currentPassword");
  const foreign = await call("PUT", "/admin/v1/me/password", { cookie: first, origin: "http://evil.example", body: { currentPassword: "changer-password", newPassword: "changed-password" } });
  assert.equal(foreign.status, 403);
  const changed = await call("PUT", "/admin/v1/me/password", { cookie: first, body: { currentPassword: "changer-password", newPassword: "changed-password" } });
  assert.equal(changed.status, 200, JSON.stringify(changed.json));
  assert.equal((await call("GET", "/admin/v1/me", { cookie: first })).status, 200, "the asking session stays");
  assert.equal((await call("GET", "/admin/v1/me", { cookie: second })).status, 401, "the other session is revoked");
  await signIn({ email, password: "changed-password" });
});

test("an email change is confirmed by the link sent to the new address", async () => {
  const made = await invite("mover@invites.invalid");
  const joined = await call("POST", `/admin/v1/invitations/${tokenOf(made.link)}/accept`, { body: { name: "Mover", password: "mover-password" } });
  const cookie = sessionCookie(joined);
  const wrong = await call("PUT", "/admin/v1/me/email", { cookie, body: { email: "moved@invites.invalid", currentPassword: "wrong-password" } });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.error.field, "currentPassword");
  const taken = await call("PUT", "/admin/v1/me/email", { cookie, body: { email: DEMO.email, currentPassword: "mover-password" } });
  assert.equal(taken.status, 409);
  const asked = await call("PUT", "/admin/v1/me/email", { cookie, body: { email: "moved@invites.invalid", currentPassword: "mover-password" } });
  assert.equal(asked.status, 202, JSON.stringify(asked.json));
  assert.equal((await call("GET", "/admin/v1/me", { cookie })).json.account.email, "mover@invites.invalid", "not before it is confirmed");
  const mail = await mailTo("moved@invites.invalid");
  const token = tokenOf(mail.link);
  assert.equal((await call("POST", `/admin/v1/email-changes/${token}`)).status, 200);
  assert.equal((await call("GET", "/admin/v1/me", { cookie })).json.account.email, "moved@invites.invalid");
  assert.equal((await call("POST", `/admin/v1/email-changes/${token}`)).status, 410);
  await signIn({ email: "moved@invites.invalid", password: "mover-password" });
});

test("the outbox page is escaped HTML with clickable links", async () => {
  sqlNow(env.worker, `INSERT INTO dev_outbox (to_address, subject, body, link, created_at) VALUES ('x@invites.invalid', '<script>window.pwned = 1</script>', 'Tom & "Jerry"', 'http://127.0.0.1/console/accept?token=ab&x=<b>', 1);`);
  await settle(env.worker);
  const answer = await call("GET", "/dev/outbox");
  assert.equal(answer.status, 200);
  assert.match(answer.headers.get("content-type"), /^text\/html/);
  assert.ok(!answer.text.includes("<script>"), "unescaped markup");
  assert.ok(answer.text.includes("&lt;script&gt;window.pwned = 1&lt;/script&gt;"));
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.worker.base}/dev/outbox`);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  const links = await page.$$eval("a", (as) => as.map((a) => a.getAttribute("href")));
  assert.ok(links.some((href) => /\/console\/accept\?token=[0-9a-f]{64}$/.test(href)), JSON.stringify(links));
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, "dev-outbox.png"), fullPage: true });
  await context.close();
});

test("without the development flag the outbox does not exist and keeps nothing", async () => {
  const production = await startWorker({ devClock: false });
  try {
    for (const path of ["/dev/outbox", "/dev/outbox.json"]) {
      assert.equal((await call("GET", path, { base: production.base })).status, 404, path);
    }
    const asked = await call("POST", "/admin/v1/password-resets", { base: production.base, body: { email: DEMO.email } });
    assert.equal(asked.status, 202);
    const owner = await call("POST", "/admin/v1/sessions", { base: production.base, body: DEMO });
    const made = await call("POST", "/admin/v1/channels/demo/invitations", { base: production.base, cookie: sessionCookie(owner), body: { email: "prod@invites.invalid", role: "member" } });
    assert.equal(made.status, 201, "the link is still shown to copy");
    assert.equal(sqlRows(production, "SELECT COUNT(*) AS n FROM dev_outbox")[0].n, 0);
  } finally {
    await production.stop();
  }
});
