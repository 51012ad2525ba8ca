// The admin API as a member and as a hostile client (issue 10, item 9): what only owners
// may change inside routes members may call, bodies read with a cap even when chunked,
// one address per email, the identity secret shown once and its previous one honoured
// for 24 hours, and the live-campaign limit of a channel.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { OWNER_TOKEN, moveClock, suite } from "./harness.mjs";

const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const hash = (secret, memberId) => createHmac("sha256", secret).update(memberId).digest("hex");

const MEMBER_TOKEN = "kz_roles_member_token";

const env = suite({
  browser: false,
  sql: [
    `INSERT INTO members (id, email, name, created_at) VALUES ('m_roles_member', 'member@roles.invalid', 'Roles member', 0);
     INSERT INTO channel_members (channel_id, member_id, role) VALUES ('demo', 'm_roles_member', 'member');
     INSERT INTO api_tokens (token_hash, member_id, label, created_at) VALUES ('${sha256(MEMBER_TOKEN)}', 'm_roles_member', 'member', 0);
     INSERT INTO customers (channel_id, id, created_at, updated_at, unsubscribe_email) VALUES ('demo', 'v_roles_1', 0, 0, 1);
     INSERT INTO channels (id, name, utc_offset_minutes, created_at) VALUES ('crowded', 'Crowded shop', 0, 0);
     INSERT INTO channel_members (channel_id, member_id, role) VALUES ('crowded', 'm_demo_owner', 'owner');`,
    // 10,000 live drafts: the most a channel holds.
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
     INSERT INTO campaigns (id, channel_id, name, state, priority, definition, created_at, updated_at)
     SELECT 'c_crowd_' || i, 'crowded', 'Crowd ' || i, 'draft', 0,
       '{"id":"c_crowd_' || i || '","name":"Crowd ' || i || '","state":"draft","trigger":{"event":"Never"},"message":{"sender":{"name":"C"},"text":"Hi","buttons":[],"display":"bubble"}}', 0, 0
     FROM n;`,
  ],
});

async function call(token, method, path, body) {
  const response = await fetch(`${env.worker.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, body: json, text };
}
const asMember = (method, path, body) => call(MEMBER_TOKEN, method, path, body);
const asOwner = (method, path, body) => call(OWNER_TOKEN, method, path, body);

const campaign = (respectOptOut) => ({
  name: `Notice ${respectOptOut}`,
  trigger: { event: "RolesNeverSent" },
  offline: { email: true, sms: false, respectOptOut },
  message: { sender: { name: "Roles" }, text: "Important", buttons: [], display: "bubble" },
});

test("only owners turn off respecting marketing opt-out", async () => {
  const refused = await asMember("POST", "/admin/v1/channels/demo/campaigns", campaign(false));
  assert.equal(refused.status, 403, refused.text);
  assert.deepEqual([refused.body.error.code, refused.body.error.field], ["forbidden", "offline.respectOptOut"]);

  const mine = await asMember("POST", "/admin/v1/channels/demo/campaigns", campaign(true));
  assert.equal(mine.status, 201, mine.text);
  const turnedOff = await asMember("PUT", `/admin/v1/campaigns/${mine.body.id}`, campaign(false));
  assert.equal(turnedOff.status, 403, turnedOff.text);
  assert.equal(turnedOff.body.error.field, "offline.respectOptOut");

  const owners = await asOwner("POST", "/admin/v1/channels/demo/campaigns", campaign(false));
  assert.equal(owners.status, 201, owners.text);
  // A member may edit an owner's notice that already ignores opt-out, keeping that choice.
  const kept = await asMember("PUT", `/admin/v1/campaigns/${owners.body.id}`, { ...campaign(false), name: "Renamed" });
  assert.equal(kept.status, 200, kept.text);
});

test("only owners clear an unsubscribe flag or delete a customer", async () => {
  const path = "/admin/v1/channels/demo/customers/bulk";
  for (const flag of ["unsubscribeEmail", "unsubscribeTexting"]) {
    const refused = await asMember("POST", path, { ids: ["v_roles_1"], [flag]: false });
    assert.equal(refused.status, 403, refused.text);
    assert.deepEqual([refused.body.error.code, refused.body.error.field], ["forbidden", flag]);
  }
  assert.equal((await asMember("GET", "/admin/v1/channels/demo/customers/v_roles_1")).body.unsubscribeEmail, true, "nothing changed");
  const set = await asMember("POST", path, { ids: ["v_roles_1"], unsubscribeTexting: true, addTags: ["roles"] });
  assert.equal(set.status, 200, set.text);
  const cleared = await asOwner("POST", path, { ids: ["v_roles_1"], unsubscribeEmail: false });
  assert.equal(cleared.status, 200, cleared.text);
  assert.equal((await asOwner("GET", "/admin/v1/channels/demo/customers/v_roles_1")).body.unsubscribeEmail, false);

  const deleted = await asMember("DELETE", "/admin/v1/channels/demo/customers/v_roles_1");
  assert.equal(deleted.status, 403, deleted.text);
  assert.equal((await asOwner("DELETE", "/admin/v1/channels/demo/customers/v_roles_1")).status, 200);
});

test("a chunked body over the cap is refused with 413 without a Content-Length", async () => {
  const chunk = new TextEncoder().encode(`"${"x".repeat(64 * 1024)}",`);
  let sent = 0;
  const body = new ReadableStream({
    pull(controller) {
      if (sent === 0) controller.enqueue(new TextEncoder().encode('{"q": ['));
      if (sent < 16) controller.enqueue(chunk);
      else controller.close();
      sent += 1;
    },
  });
  const response = await fetch(`${env.worker.base}/admin/v1/channels/demo/customers/search`, {
    method: "POST",
    headers: { authorization: `Bearer ${OWNER_TOKEN}` },
    body,
    duplex: "half",
  });
  const text = await response.text();
  assert.equal(response.status, 413, text);
  assert.deepEqual([JSON.parse(text).error.code, JSON.parse(text).error.field], ["too_large", "body"]);
});

test("an email is one address", async () => {
  const answer = await asOwner("POST", "/admin/v1/channels/demo/customers", { profile: { email: "a@example.jp,b@example.jp" } });
  assert.equal(answer.status, 400, answer.text);
  assert.equal(answer.body.error.field, "profile.email");
});

test("a channel holds at most 10,000 live campaigns", async () => {
  const refused = await asOwner("POST", "/admin/v1/channels/crowded/campaigns", campaign(true));
  assert.equal(refused.status, 409, refused.text);
  assert.equal(refused.body.error.field, "campaigns");
  assert.match(refused.body.error.message, /10000 live campaigns/);
  assert.equal((await asOwner("DELETE", "/admin/v1/campaigns/c_crowd_1")).status, 200);
  assert.equal((await asOwner("POST", "/admin/v1/channels/crowded/campaigns", campaign(true))).status, 201, "room for one again");
});

// Last in this file: it moves the development clock a day forward.
test("the identity secret is shown once, and the previous one verifies for 24 hours unless revoked", async () => {
  const path = "/admin/v1/channels/demo/identity-verification";
  const enabled = await asOwner("PUT", path, { enabled: true });
  assert.equal(enabled.status, 200, enabled.text);
  const first = enabled.body.secret;
  assert.match(first, /^kzs_[0-9a-f]{32}$/);
  const read = await asOwner("GET", path);
  assert.deepEqual(read.body, { enabled: true, hasSecret: true }, "reading never shows the secret");
  const again = await asOwner("PUT", path, { enabled: true });
  assert.equal(again.body.secret, undefined, "a reply that makes no secret shows none");

  const rotated = await asOwner("PUT", path, { enabled: true, rotateSecret: true });
  const second = rotated.body.secret;
  assert.match(second, /^kzs_/);
  assert.notEqual(second, first);
  assert.ok(rotated.body.previousSecretValidUntil > Date.now() + 23 * 3600_000, JSON.stringify(rotated.body));

  const boot = async (secret, visitorId) => {
    const response = await fetch(`${env.worker.base}/v1/boot`, {
      method: "POST",
      body: JSON.stringify({ channel: "demo", visitorId, memberId: "member-roles", memberHash: hash(secret, "member-roles") }),
    });
    return response.status;
  };
  assert.equal(await boot(first, "v_roles_boot_1"), 200, "the previous secret works right after the rotation");
  assert.equal(await boot(second, "v_roles_boot_1"), 200);

  await moveClock(env.worker, 24 * 3600_000 + 60_000);
  assert.equal(await boot(first, "v_roles_boot_1"), 403, "and no longer after 24 hours");
  assert.equal(await boot(second, "v_roles_boot_1"), 200);
  assert.equal((await asOwner("GET", path)).body.previousSecretValidUntil, undefined);

  const third = (await asOwner("PUT", path, { enabled: true, rotateSecret: true })).body.secret;
  assert.equal(await boot(second, "v_roles_boot_1"), 200, "rotated out, still within its day");
  const revoked = await asOwner("PUT", path, { enabled: true, revokePreviousSecret: true });
  assert.deepEqual(revoked.body, { enabled: true, hasSecret: true });
  assert.equal(await boot(second, "v_roles_boot_1"), 403, "revoked: refused at once");
  assert.equal(await boot(third, "v_roles_boot_1"), 200);

  const member = await asMember("PUT", path, { enabled: false });
  assert.equal(member.status, 403, "members do not change identity settings");
  await moveClock(env.worker, 0);
});
