// Channels, members and API tokens (issue 11): the demo owner, signed in with the session
// cookie, makes a channel and sees its identity secret once; the tag's last page view;
// tokens that reach only their channel, listed without the token, refused once revoked;
// roles and the last-owner rule; deleting with the name typed again removes everything.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { settle, sqlNow, sqlRows, suite } from "./harness.mjs";

const DEMO = { email: "owner@demo.kizuna.invalid", password: "demo-owner-password" };
const SECOND_TOKEN = "kz_channels_second_account";
const sha256 = (text) => createHash("sha256").update(text).digest("hex");

const env = suite({
  browser: false,
  sql: [
    `INSERT INTO members (id, email, name, created_at) VALUES ('m_second', 'second@channels.invalid', 'Second', 0);
     INSERT INTO api_tokens (token_hash, member_id, label, created_at) VALUES ('${sha256(SECOND_TOKEN)}', 'm_second', 'second', 0);`,
  ],
});

let nextClient = 0;
async function call(method, path, { body, cookie, token } = {}) {
  const headers = { "content-type": "application/json", "cf-connecting-ip": `198.51.100.${++nextClient}` };
  if (cookie) Object.assign(headers, { cookie, origin: env.worker.base });
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${env.worker.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

let cookie;
async function owner() {
  if (cookie) return cookie;
  const response = await fetch(`${env.worker.base}/admin/v1/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": "198.51.100.250" },
    body: JSON.stringify(DEMO),
  });
  assert.equal(response.status, 200);
  cookie = response.headers.getSetCookie().find((c) => c.startsWith("__Host-kizuna_session=")).split(";")[0];
  return cookie;
}

const NEW = { name: "Matcha Corner", siteUrl: "https://matcha.example", timeZone: "Asia/Tokyo" };
let channel;

test("any signed-in account makes a channel, becomes its owner and sees the identity secret once", async () => {
  const bad = await call("POST", "/admin/v1/channels", { cookie: await owner(), body: { ...NEW, timeZone: "Tokyo" } });
  assert.deepEqual([bad.status, bad.json.error.field], [400, "timeZone"]);
  const badSite = await call("POST", "/admin/v1/channels", { cookie: await owner(), body: { ...NEW, siteUrl: "matcha.example" } });
  assert.deepEqual([badSite.status, badSite.json.error.field], [400, "siteUrl"]);
  assert.equal((await call("POST", "/admin/v1/channels", { body: NEW })).status, 401);
  const made = await call("POST", "/admin/v1/channels", { cookie: await owner(), body: NEW });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  channel = made.json.id;
  assert.match(channel, /^ch_[0-9a-f]{32}$/);
  assert.equal(made.json.identityVerification, true);
  assert.match(made.json.identitySecret, /^kzs_/);
  assert.deepEqual([made.json.role, made.json.timeZone, made.json.tagLastSeen], ["owner", "Asia/Tokyo", null]);
  const identity = await call("GET", `/admin/v1/channels/${channel}/identity-verification`, { cookie: await owner() });
  assert.deepEqual([identity.status, identity.json.enabled, identity.json.hasSecret, identity.json.secret], [200, true, true, undefined]);
  const me = await call("GET", "/admin/v1/me", { cookie: await owner() });
  assert.deepEqual(me.json.channels.find((c) => c.id === channel), { id: channel, name: NEW.name, role: "owner" });
});

test("the channel waits for its site, then shows where and when the tag was last seen", async () => {
  const before = await call("GET", `/admin/v1/channels/${channel}`, { cookie: await owner() });
  assert.equal(before.status, 200, JSON.stringify(before.json));
  assert.deepEqual([before.json.name, before.json.siteUrl, before.json.tagLastSeen], [NEW.name, NEW.siteUrl, null]);
  const boot = await fetch(`${env.worker.base}/v1/boot`, { method: "POST", body: JSON.stringify({ channel }) });
  assert.equal(boot.status, 200);
  const visitor = await boot.json();
  const url = "https://matcha.example/menu";
  const events = await fetch(`${env.worker.base}/v1/events`, {
    method: "POST",
    body: JSON.stringify({ channel, visitorId: visitor.visitorId, token: visitor.token, sessionId: "s_1", events: [{ id: "e_1", name: "PageView", properties: { url } }] }),
  });
  assert.equal(events.status, 200, await events.text());
  const after = await call("GET", `/admin/v1/channels/${channel}`, { cookie: await owner() });
  assert.equal(after.json.tagLastSeen?.url, url);
  assert.ok(after.json.tagLastSeen.at > 0);
});

test("an owner makes a channel token, shown once; it reaches only its channel and is refused once revoked", async () => {
  const made = await call("POST", `/admin/v1/channels/${channel}/tokens`, { cookie: await owner(), body: { label: "CI", role: "member" } });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  const { token, id } = made.json;
  assert.match(token, /^kz_[0-9a-f]{64}$/);
  const stored = sqlRows(env.worker, `SELECT token_hash FROM api_tokens WHERE id = '${id}'`);
  assert.deepEqual(stored, [{ token_hash: sha256(token) }]);
  await settle(env.worker);
  assert.equal((await call("GET", `/admin/v1/channels/${channel}/customers`, { token })).status, 200);
  assert.equal((await call("GET", "/admin/v1/channels/demo/customers", { token })).status, 403);
  assert.equal((await call("GET", `/admin/v1/channels/${channel}/tokens`, { token })).status, 403, "a member's token is not an owner");
  assert.equal((await call("GET", "/admin/v1/me", { token })).status, 403);
  assert.equal((await call("POST", "/admin/v1/channels", { token, body: NEW })).status, 403);
  const listed = await call("GET", `/admin/v1/channels/${channel}/tokens`, { cookie: await owner() });
  assert.equal(listed.json.tokens.length, 1);
  const [entry] = listed.json.tokens;
  assert.deepEqual([entry.id, entry.label, entry.role, entry.token], [id, "CI", "member", undefined]);
  assert.ok(entry.lastUsedAt >= entry.createdAt, "its use was recorded");
  const revoked = await call("DELETE", `/admin/v1/channels/${channel}/tokens/${id}`, { cookie: await owner() });
  assert.equal(revoked.status, 200);
  assert.equal((await call("GET", `/admin/v1/channels/${channel}/customers`, { token })).status, 401);
  assert.equal((await call("DELETE", `/admin/v1/channels/${channel}/tokens/${id}`, { cookie: await owner() })).status, 404);
});

test("roles change, members are removed or leave, and the last owner stays", async () => {
  sqlNow(env.worker, `INSERT INTO channel_members (channel_id, member_id, role) VALUES ('${channel}', 'm_second', 'member')`);
  await settle(env.worker);
  const members = `/admin/v1/channels/${channel}/members`;
  const listed = await call("GET", members, { token: SECOND_TOKEN });
  assert.deepEqual(listed.json.members.map((m) => [m.email, m.role]), [["owner@demo.kizuna.invalid", "owner"], ["second@channels.invalid", "member"]]);
  const demote = await call("PATCH", `${members}/m_demo_owner`, { cookie: await owner(), body: { role: "member" } });
  assert.deepEqual([demote.status, demote.json.error.field], [409, "role"]);
  const leave = await call("DELETE", `${members}/m_demo_owner`, { cookie: await owner() });
  assert.deepEqual([leave.status, leave.json.error.field], [409, "role"]);
  assert.equal((await call("DELETE", `${members}/m_demo_owner`, { token: SECOND_TOKEN })).status, 403, "a member removes only themselves");
  assert.equal((await call("PATCH", `${members}/m_second`, { token: SECOND_TOKEN, body: { role: "owner" } })).status, 403);
  const badRole = await call("PATCH", `${members}/m_second`, { cookie: await owner(), body: { role: "admin" } });
  assert.deepEqual([badRole.status, badRole.json.error.field], [400, "role"]);
  assert.equal((await call("PATCH", `${members}/m_second`, { cookie: await owner(), body: { role: "owner" } })).status, 200);
  assert.equal((await call("PATCH", `${members}/m_demo_owner`, { token: SECOND_TOKEN, body: { role: "member" } })).status, 200);
  assert.equal((await call("DELETE", `${members}/m_second`, { token: SECOND_TOKEN })).status, 409, "the last owner cannot leave");
  assert.equal((await call("PATCH", `${members}/m_demo_owner`, { token: SECOND_TOKEN, body: { role: "owner" } })).status, 200);
  assert.equal((await call("DELETE", `${members}/m_second`, { token: SECOND_TOKEN })).status, 200, "a non-last owner leaves");
  assert.equal((await call("GET", members, { token: SECOND_TOKEN })).status, 403);
  assert.equal((await call("DELETE", `${members}/m_second`, { cookie: await owner() })).status, 404);
});

test("deleting a channel takes its name typed again and removes all its data", async () => {
  const kept = await call("POST", `/admin/v1/channels/${channel}/tokens`, { cookie: await owner(), body: { label: "kept", role: "owner" } });
  assert.equal(kept.status, 201);
  assert.ok(sqlRows(env.worker, `SELECT COUNT(*) AS n FROM customers WHERE channel_id = '${channel}'`)[0].n > 0);
  await settle(env.worker);
  const wrong = await call("DELETE", `/admin/v1/channels/${channel}`, { cookie: await owner(), body: { confirmName: "matcha corner" } });
  assert.deepEqual([wrong.status, wrong.json.error.field], [400, "confirmName"]);
  const deleted = await call("DELETE", `/admin/v1/channels/${channel}`, { cookie: await owner(), body: { confirmName: NEW.name } });
  assert.equal(deleted.status, 200, JSON.stringify(deleted.json));
  for (const table of ["customers", "customer_months", "channel_members", "api_tokens", "profile_fields"]) {
    assert.deepEqual(sqlRows(env.worker, `SELECT COUNT(*) AS n FROM ${table} WHERE channel_id = '${channel}'`), [{ n: 0 }], table);
  }
  assert.deepEqual(sqlRows(env.worker, `SELECT COUNT(*) AS n FROM channels WHERE id = '${channel}'`), [{ n: 0 }]);
  await settle(env.worker);
  assert.equal((await call("GET", `/admin/v1/channels/${channel}/customers`, { token: kept.json.token })).status, 401, "its tokens are gone");
  const boot = await fetch(`${env.worker.base}/v1/boot`, { method: "POST", body: JSON.stringify({ channel }) });
  const refused = await boot.json();
  assert.deepEqual([boot.status, refused.error.field], [400, "channel"], "boot answers as for any unknown channel");
  const me = await call("GET", "/admin/v1/me", { cookie: await owner() });
  assert.equal(me.json.channels.find((c) => c.id === channel), undefined);
});
