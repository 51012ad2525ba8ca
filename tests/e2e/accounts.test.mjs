// Accounts and sessions (issue 11, first slice): the first account only with the setup
// secret, signing in with the demo owner's password, the `__Host-` session cookie in
// headless Chromium on http://127.0.0.1, the Origin check on cookie changes, revoking,
// signing out, 30 days idle, and the 429 after five wrong passwords.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DEMO_OWNER, SCREENSHOTS, moveClock, settle, sqlNow, sqlRows, suite } from "./harness.mjs";

const SETUP_TOKEN = "e2e-setup-secret";
const DEMO = DEMO_OWNER;
const DAY = 24 * 60 * 60 * 1000;

const env = suite({ vars: { SETUP_TOKEN } });

let nextClient = 0;
/** A client address of its own, so the limit per address does not mix tests. */
const clientAddress = () => `203.0.113.${++nextClient}`;

async function call(method, path, { body, cookie, origin, client = clientAddress() } = {}) {
  const headers = { "content-type": "application/json", "cf-connecting-ip": client };
  if (cookie) headers.cookie = cookie;
  if (origin) headers.origin = origin;
  const response = await fetch(`${env.worker.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

/** Signs in from node; answers the `cookie` header value that carries the session. */
async function signIn(credentials = DEMO) {
  const answer = await call("POST", "/admin/v1/sessions", { body: credentials });
  assert.equal(answer.status, 200, JSON.stringify(answer.json));
  const set = answer.headers.getSetCookie().find((c) => c.startsWith("__Host-kizuna_session="));
  assert.ok(set, "no session cookie");
  return set.split(";")[0];
}

test("the demo owner's stored hash records 100,000 PBKDF2 iterations", () => {
  const [row] = sqlRows(env.worker, "SELECT password_iterations AS n, length(password_salt) AS salt, length(password_hash) AS hash FROM members WHERE id = 'm_demo_owner'");
  assert.deepEqual(row, { n: 100000, salt: 32, hash: 64 });
});

test("the session cookie round-trips in headless Chromium on http://127.0.0.1", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.worker.base}/`);
  const signedIn = await page.evaluate(async (credentials) => {
    const response = await fetch("/admin/v1/sessions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(credentials) });
    return { status: response.status, body: await response.json() };
  }, DEMO);
  assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
  assert.equal(signedIn.body.account.email, DEMO.email);
  const cookies = await context.cookies(env.worker.base);
  const session = cookies.find((c) => c.name === "__Host-kizuna_session");
  assert.ok(session, `Chromium kept no __Host- cookie: ${JSON.stringify(cookies)}`);
  assert.deepEqual([session.httpOnly, session.secure, session.sameSite, session.path], [true, true, "Lax", "/"]);
  const me = await page.evaluate(async () => {
    const response = await fetch("/admin/v1/me");
    return { status: response.status, body: await response.json(), readable: document.cookie.includes("kizuna_session") };
  });
  assert.equal(me.status, 200, JSON.stringify(me.body));
  assert.equal(me.body.account.email, DEMO.email);
  assert.deepEqual(me.body.channels.find((c) => c.id === "demo"), { id: "demo", name: "Kizuna Demo Shop", role: "owner" });
  assert.equal(me.readable, false, "the cookie is HttpOnly");
  // A change from the page itself carries its own Origin: allowed.
  const made = await page.evaluate(async () => {
    const response = await fetch("/admin/v1/channels/demo/segments", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Made in the browser", filter: { field: "country", op: "equals", value: "JP" } }),
    });
    return response.status;
  });
  assert.equal(made, 201);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.goto(`${env.worker.base}/admin/v1/me`);
  await page.screenshot({ path: join(SCREENSHOTS, "accounts-me.png") });
  await context.close();
});

test("a wrong password and an unknown email get the same 401 naming password", async () => {
  const wrong = await call("POST", "/admin/v1/sessions", { body: { email: DEMO.email, password: "not-the-password" } });
  const unknown = await call("POST", "/admin/v1/sessions", { body: { email: "nobody@accounts.invalid", password: "not-the-password" } });
  for (const answer of [wrong, unknown]) {
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json.error, { code: "unauthorized", message: "password: email or password is wrong", field: "password" });
    assert.equal(answer.headers.getSetCookie().length, 0);
  }
});

test("a session cookie is refused from another origin for changes, not for reads", async () => {
  const cookie = await signIn();
  const segment = { name: "Cross-site", filter: { field: "country", op: "equals", value: "JP" } };
  const foreign = await call("POST", "/admin/v1/channels/demo/segments", { cookie, origin: "http://evil.example", body: segment });
  assert.equal(foreign.status, 403);
  assert.equal(foreign.json.error.field, "origin");
  const none = await call("POST", "/admin/v1/channels/demo/segments", { cookie, body: segment });
  assert.equal(none.status, 403, "a change without Origin");
  const own = await call("POST", "/admin/v1/channels/demo/segments", { cookie, origin: env.worker.base, body: segment });
  assert.equal(own.status, 201, JSON.stringify(own.json));
  const read = await call("GET", "/admin/v1/channels/demo/segments", { cookie, origin: "http://evil.example" });
  assert.equal(read.status, 200);
});

test("sessions are listed, one is revoked by id, and signing out refuses the cookie", async () => {
  const first = await signIn();
  const second = await signIn();
  const listed = await call("GET", "/admin/v1/sessions", { cookie: first });
  assert.equal(listed.status, 200);
  const current = listed.json.sessions.filter((s) => s.current);
  assert.equal(current.length, 1);
  const secondId = (await call("GET", "/admin/v1/sessions", { cookie: second })).json.sessions.find((s) => s.current).id;
  assert.notEqual(secondId, current[0].id);
  assert.ok(listed.json.sessions.some((s) => s.id === secondId && !s.current));
  const revoked = await call("DELETE", `/admin/v1/sessions/${secondId}`, { cookie: first, origin: env.worker.base });
  assert.equal(revoked.status, 200, JSON.stringify(revoked.json));
  assert.equal((await call("GET", "/admin/v1/me", { cookie: second })).status, 401, "a revoked session");
  assert.equal((await call("DELETE", `/admin/v1/sessions/${secondId}`, { cookie: first, origin: env.worker.base })).status, 404);
  const out = await call("DELETE", "/admin/v1/sessions/current", { cookie: first, origin: env.worker.base });
  assert.equal(out.status, 200);
  assert.match(out.headers.getSetCookie()[0] ?? "", /^__Host-kizuna_session=;.*Max-Age=0/);
  assert.equal((await call("GET", "/admin/v1/me", { cookie: first })).status, 401, "signed out");
});

test("a session idle for 31 days is refused", async () => {
  const cookie = await signIn();
  assert.equal((await call("GET", "/admin/v1/me", { cookie })).status, 200);
  try {
    await moveClock(env.worker, 31 * DAY);
    assert.equal((await call("GET", "/admin/v1/me", { cookie })).status, 401);
  } finally {
    await moveClock(env.worker, 0);
  }
});

test("five wrong passwords for one email make the sixth try 429 with Retry-After", async () => {
  sqlNow(
    env.worker,
    `INSERT INTO members (id, email, name, created_at, password_hash, password_salt, password_iterations)
     SELECT 'm_locked', 'locked@accounts.invalid', 'Locked', 0, password_hash, password_salt, password_iterations FROM members WHERE id = 'm_demo_owner';`,
  );
  await settle(env.worker);
  const locked = { email: "locked@accounts.invalid", password: DEMO.password };
  for (let i = 0; i < 5; i++) {
    const wrong = await call("POST", "/admin/v1/sessions", { body: { ...locked, password: `wrong-${i}` } });
    assert.equal(wrong.status, 401, `try ${i + 1}`);
  }
  const sixth = await call("POST", "/admin/v1/sessions", { body: locked });
  assert.equal(sixth.status, 429, "even the right password waits");
  assert.equal(sixth.json.error.field, "email");
  const retry = Number(sixth.headers.get("retry-after"));
  assert.ok(retry > 800 && retry <= 900, `Retry-After: ${retry}`);
  const [count] = sqlRows(env.worker, "SELECT COUNT(*) AS n FROM sign_in_attempts WHERE email = 'locked@accounts.invalid'");
  assert.equal(count.n, 5, "failures are counted in D1");
  // The window passes: sign-in opens again.
  try {
    await moveClock(env.worker, 16 * 60 * 1000);
    assert.equal((await call("POST", "/admin/v1/sessions", { body: locked })).status, 200);
  } finally {
    await moveClock(env.worker, 0);
  }
});

test("twenty wrong passwords from one address make its next try 429", async () => {
  const client = "203.0.113.250";
  for (let i = 0; i < 20; i++) {
    const wrong = await call("POST", "/admin/v1/sessions", { client, body: { email: `guess-${i}@accounts.invalid`, password: "wrong-password" } });
    assert.equal(wrong.status, 401, `try ${i + 1}`);
  }
  const next = await call("POST", "/admin/v1/sessions", { client, body: DEMO });
  assert.equal(next.status, 429);
  assert.equal(next.json.error.field, "client");
  assert.ok(Number(next.headers.get("retry-after")) > 0);
  assert.equal((await call("POST", "/admin/v1/sessions", { body: DEMO })).status, 200, "another address still signs in");
});

// Last: it removes every account.
test("setup makes the first account once, only with the deployment's secret", async () => {
  const account = { email: "First@Accounts.Example", password: "first-owner-password", name: "First owner" };
  const taken = await call("POST", "/admin/v1/setup", { body: { ...account, setupToken: SETUP_TOKEN } });
  assert.equal(taken.status, 409, "the demo owner exists");
  assert.equal(taken.json.error.field, "setupToken");
  sqlNow(env.worker, "DELETE FROM sessions; DELETE FROM api_tokens; DELETE FROM channel_members; DELETE FROM members;");
  await settle(env.worker);
  const wrong = await call("POST", "/admin/v1/setup", { body: { ...account, setupToken: "not-the-secret" } });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.error.field, "setupToken");
  const short = await call("POST", "/admin/v1/setup", { body: { ...account, password: "short", setupToken: SETUP_TOKEN } });
  assert.equal(short.status, 400);
  assert.equal(short.json.error.field, "password");
  const made = await call("POST", "/admin/v1/setup", { body: { ...account, setupToken: SETUP_TOKEN } });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  assert.equal(made.json.account.email, "first@accounts.example");
  const again = await call("POST", "/admin/v1/setup", { body: { ...account, email: "second@accounts.example", setupToken: SETUP_TOKEN } });
  assert.equal(again.status, 409);
  const [row] = sqlRows(env.worker, "SELECT COUNT(*) AS n, MAX(password_iterations) AS iterations FROM members");
  assert.deepEqual(row, { n: 1, iterations: 100000 });
  const cookie = await signIn({ email: "first@accounts.example", password: account.password });
  const me = await call("GET", "/admin/v1/me", { cookie });
  assert.deepEqual(me.json, { account: made.json.account, channels: [] });
});
