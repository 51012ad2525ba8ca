// The route matrix: every route of the worker × every method × five callers, with the
// status each cell answers today, written down before the router is rebuilt (issue 9).
// The expected statuses are a table in this file, taken from edge/openapi.json and
// confirmed against the worker before the refactor; nothing here derives them from a
// response. Also pinned: the error `code` and `field` of one malformed body (or query)
// per endpoint that takes one, and the places where a body is checked before the token.
// Cells changed on purpose since (issue 10, item 9), each marked where it stands: admin
// routes check the token before the body or query (four anonymous 400s became 401), and
// members may not delete customers (their DELETE cells became 403, decided before the
// customer is looked up).
//
// Order does not matter: every call that deletes or changes state (DELETE, start, pause,
// stop) acts on a row made for that caller, and the calls that change the channel's field
// list run after the rest. Each public request comes from its own client address, so the
// public rate limit (600 a minute per channel and client) never applies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { OWNER_TOKEN, bootVisitor, sqlNow, suite } from "./harness.mjs";

const sha256 = (text) => createHash("sha256").update(text).digest("hex");

const MEMBER_TOKEN = "kz_matrix_member_token";
const OTHER_OWNER_TOKEN = "kz_matrix_other_owner_token";
const TRACKING_SECRET = "matrix-tracking-secret";
const WEBHOOK_SECRET = "whsec_matrix";

/** The callers, in the order of the table's columns. */
const CALLERS = {
  anonymous: undefined,
  wrongToken: "kz_no_such_token",
  member: MEMBER_TOKEN,
  owner: OWNER_TOKEN,
  otherOwner: OTHER_OWNER_TOKEN,
};
const CALLER_NAMES = Object.keys(CALLERS);
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** An automated campaign document whose trigger never fires in this file. */
const campaignDoc = (id, state, extra = {}) =>
  JSON.stringify({
    id,
    name: `Matrix ${id}`,
    state,
    trigger: { event: "MatrixNeverSent" },
    message: { sender: { name: "Matrix" }, text: "Hello", buttons: [], display: "bubble" },
    ...extra,
  });
const campaignRow = (id, state, extra) =>
  `INSERT INTO campaigns (id, channel_id, name, state, priority, definition, created_at, updated_at)
   VALUES ('${id}', 'demo', 'Matrix ${id}', '${state}', 0, '${campaignDoc(id, state, extra)}', 0, 0);`;
const customerRow = (id) => `INSERT INTO customers (channel_id, id, created_at, updated_at) VALUES ('demo', '${id}', 0, 0);`;
const segmentRow = (id) =>
  `INSERT INTO segments (id, channel_id, name, filter, created_at, updated_at)
   VALUES ('${id}', 'demo', 'Matrix ${id}', '{"field":"country","op":"equals","value":"JP"}', 0, 0);`;

const FIXTURES = [
  // A member (role member) of the demo channel, and another channel with its own owner.
  `INSERT INTO members (id, email, name, created_at) VALUES ('m_matrix_member', 'member@matrix.invalid', 'Matrix member', 0);
   INSERT INTO channel_members (channel_id, member_id, role) VALUES ('demo', 'm_matrix_member', 'member');
   INSERT INTO api_tokens (token_hash, member_id, label, created_at) VALUES ('${sha256(MEMBER_TOKEN)}', 'm_matrix_member', 'member', 0);
   INSERT INTO channels (id, name, utc_offset_minutes, created_at) VALUES ('other', 'Other shop', 0, 0);
   INSERT INTO members (id, email, name, created_at) VALUES ('m_other_owner', 'owner@other.invalid', 'Other owner', 0);
   INSERT INTO channel_members (channel_id, member_id, role) VALUES ('other', 'm_other_owner', 'owner');
   INSERT INTO api_tokens (token_hash, member_id, label, created_at) VALUES ('${sha256(OTHER_OWNER_TOKEN)}', 'm_other_owner', 'other owner', 0);
   INSERT INTO members (id, email, name, created_at) VALUES ('m_matrix_removable', 'removable@matrix.invalid', 'Removable', 0);
   INSERT INTO channel_members (channel_id, member_id, role) VALUES ('demo', 'm_matrix_removable', 'member');
   INSERT INTO members (id, email, name, created_at) VALUES ('m_matrix_kept', 'kept@matrix.invalid', 'Kept', 0);
   INSERT INTO channel_members (channel_id, member_id, role) VALUES ('demo', 'm_matrix_kept', 'member');
   UPDATE channels SET site_url = 'https://shop.example/' WHERE id = 'demo';
   ${campaignRow("c_fixture", "draft")}
   ${campaignRow("c_del_member", "draft")}
   ${campaignRow("c_del_owner", "draft")}
   ${campaignRow("c_start_member", "draft")}
   ${campaignRow("c_start_owner", "draft")}
   ${campaignRow("c_pause_member", "running")}
   ${campaignRow("c_pause_owner", "running")}
   ${campaignRow("c_stop_member", "running")}
   ${campaignRow("c_stop_owner", "running")}
   INSERT INTO campaigns (id, channel_id, name, state, priority, definition, created_at, updated_at)
   VALUES ('c_bcast', 'demo', 'Matrix broadcast', 'ended', 0,
     '{"id":"c_bcast","name":"Matrix broadcast","state":"ended","kind":"broadcast","message":{"sender":{"name":"Matrix"},"text":"News","buttons":[],"display":"bubble"}}', 0, 0);
   INSERT INTO broadcast_runs (campaign_id, channel_id, evaluated_at, state, total, processed, created_at, updated_at)
   VALUES ('c_bcast', 'demo', 0, 'done', 0, 0, 0, 0);
   ${customerRow("v_fixture")}
   ${customerRow("v_del_member")}
   ${customerRow("v_del_owner")}
   ${segmentRow("seg_fixture")}
   ${segmentRow("seg_del_member")}
   ${segmentRow("seg_del_owner")}
   INSERT INTO bulk_jobs (id, channel_id, target, change, evaluated_at, state, total, created_at, updated_at)
   VALUES ('job_fixture', 'demo', '{"ids":["v_fixture"]}', '{"addTags":["x"],"removeTags":[],"unsubscribeEmail":null,"unsubscribeTexting":null}', 0, 'done', 1, 0, 0);
   INSERT INTO exports (id, channel_id, requested_by, requester_name, requester_email, reason, format, scope, columns,
     evaluated_at, state, total, created_at, updated_at, finished_at)
   VALUES ('exp_fixture', 'demo', 'm_demo_owner', 'Demo Owner', 'owner@demo.kizuna.invalid', 'matrix', 'xlsx', 'all', '["id"]',
     0, 'done', 0, 0, 0, 0);`,
];

const env = suite({
  sql: FIXTURES,
  browser: false,
  vars: { TRACKING_SECRET, EMAIL_WEBHOOK_SECRET: WEBHOOK_SECRET },
});

// Shorthands for the table: the same status for every caller, and the admin patterns.
const all = (status) => [status, status, status, status, status];
//                           anonymous wrongToken member owner otherOwner
const channelRead = (ok) => [401, 401, ok, ok, 403]; // any role of the channel
const ownerOnly = (ok) => [401, 401, 403, ok, 403]; // owners of the channel
const campaignRead = (ok) => [401, 401, ok, ok, 404]; // other channels learn nothing
// Owners only, decided before the row is looked up (issue 10: members may not delete
// customers; the permission table answers before the handler runs).
const ownerAction = (ok) => [401, 401, 403, ok, 403];

/**
 * The visitor of the public rows: booted before the matrix runs (the edge issues visitor
 * ids and tokens, issue 10), with a delivery of its own to view and click.
 */
const VISITOR = { channel: "demo" };
let booting;
const ensureVisitor = () => (booting ??= bootMatrixVisitor());
async function bootMatrixVisitor() {
  const booted = await bootVisitor(env.worker);
  Object.assign(VISITOR, { visitorId: booted.visitorId, token: booted.token });
  sqlNow(
    env.worker,
    `INSERT INTO deliveries (id, channel_id, campaign_id, visitor_id, display, sent_at) VALUES ('d_matrix', 'demo', 'c_tea_bubble', '${booted.visitorId}', 'bubble', 0);`,
  );
}

/**
 * Every route: its path (per caller where the call changes a row), the bodies of its
 * writing methods, and the expected status of each method for each caller. Methods
 * without a body row send none.
 */
const ROUTES = [
  // Worker and site files.
  { path: "/healthz", expect: { GET: all(200), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) } },
  { path: "/openapi.json", expect: { GET: all(200), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) } },
  { path: "/widget.js", expect: { GET: all(200), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) } },
  { path: "/", expect: { GET: all(200), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) } },
  { path: "/no-such-file.txt", expect: { GET: all(404), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) } },

  // The public API: no bearer token is read, the visitor token is in the body (boot
  // needs none); OPTIONS under /v1 is the CORS preflight.
  { path: "/v1/boot", body: () => VISITOR, expect: { GET: all(405), POST: all(200), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(204) } },
  {
    path: "/v1/events",
    body: () => ({ ...VISITOR, sessionId: "s_matrix", events: [{ id: "e_matrix", name: "MatrixEvent" }] }),
    expect: { GET: all(405), POST: all(200), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(204) },
  },
  {
    path: "/v1/profile",
    body: () => ({ ...VISITOR, profile: { name: "Matrix visitor" } }),
    expect: { GET: all(405), POST: all(200), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(204) },
  },
  { path: "/v1/messages", body: () => VISITOR, expect: { GET: all(405), POST: all(200), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(204) } },
  {
    path: "/v1/show",
    body: () => ({ ...VISITOR, campaignId: "c_tea_bubble", requestId: "r_matrix" }),
    expect: { GET: all(405), POST: all(200), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(204) },
  },
  // A preview link's token this channel never made.
  {
    path: "/v1/preview",
    body: () => ({ ...VISITOR, preview: "ab12" }),
    expect: { GET: all(405), POST: all(404), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(204) },
  },
  // A shutdown refuses the token from then on: each call shuts down a visitor of its own.
  {
    path: "/v1/shutdown",
    body: async () => {
      const own = await bootVisitor(env.worker);
      return { channel: "demo", visitorId: own.visitorId, token: own.token };
    },
    expect: { GET: all(405), POST: all(200), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(204) },
  },
  { path: "/v1/read", body: () => ({ ...VISITOR, deliveryIds: ["d_matrix"] }), expect: { GET: all(405), POST: all(200), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(204) } },
  { path: "/v1/deliveries/d_matrix/view", body: () => VISITOR, expect: { GET: all(405), POST: all(200), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(204) } },
  { path: "/v1/deliveries/d_matrix/click", body: () => VISITOR, expect: { GET: all(405), POST: all(200), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(204) } },
  { path: "/v1/deliveries/d_none/view", body: () => VISITOR, expect: { GET: all(405), POST: all(404), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(204) } },
  // The webhook takes its own secret, which none of these callers has.
  {
    path: "/v1/webhooks/email",
    body: { events: [{ channel: "demo", email: "nobody@example.com", status: "delivered" }] },
    expect: { GET: all(405), POST: all(401), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(204) },
  },
  { path: "/v1/no-such-route", body: {}, expect: { GET: all(404), POST: all(404), PUT: all(404), PATCH: all(404), DELETE: all(404), OPTIONS: all(204) } },
  { path: "/v1/boot/extra", body: () => VISITOR, expect: { GET: all(404), POST: all(404), PUT: all(404), PATCH: all(404), DELETE: all(404), OPTIONS: all(204) } },

  // The development clock (on here; loopback): GET and PUT only, and no other method is known.
  { path: "/dev/clock", body: { offsetMs: 0 }, expect: { GET: all(200), POST: all(404), PUT: all(200), PATCH: all(404), DELETE: all(404), OPTIONS: all(404) } },
  // The development outbox of account emails (on here; loopback): GET only.
  { path: "/dev/outbox", expect: { GET: all(200), POST: all(404), PUT: all(404), PATCH: all(404), DELETE: all(404), OPTIONS: all(404) } },
  { path: "/dev/outbox.json", expect: { GET: all(200), POST: all(404), PUT: all(404), PATCH: all(404), DELETE: all(404), OPTIONS: all(404) } },
  { path: "/dev/no-such-route", body: {}, expect: { GET: all(404), POST: all(404), PUT: all(404), PATCH: all(404), DELETE: all(404), OPTIONS: all(404) } },

  // Email and SMS links: a token this worker did not sign is not found.
  { path: "/t/forged/open.gif", body: {}, expect: { GET: all(404), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) } },
  { path: "/t/forged/open", body: {}, expect: { GET: all(404), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) } },
  { path: "/t/forged/click/0", body: {}, expect: { GET: all(404), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) } },
  { path: "/t/forged/unsubscribe", body: {}, expect: { GET: all(404), POST: all(404), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) } },

  // The admin API: accounts (issue 11). Setup is off here (no SETUP_TOKEN), sign-in with
  // an unknown email is 401 for everyone (five failures from five addresses: none is the
  // sixth), and a bearer token is an account with no current session.
  {
    path: "/admin/v1/setup",
    body: { setupToken: "matrix", email: "setup@matrix.invalid", password: "matrix-password", name: "Matrix" },
    expect: { GET: all(405), POST: all(403), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/sessions",
    body: { email: "nobody@matrix.invalid", password: "matrix-password" },
    expect: { GET: [401, 401, 200, 200, 200], POST: all(401), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  { path: "/admin/v1/me", expect: { GET: [401, 401, 200, 200, 200], POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) } },
  {
    path: "/admin/v1/sessions/current",
    expect: { GET: all(405), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: [401, 401, 404, 404, 404], OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/sessions/ses_no_such_session",
    expect: { GET: all(405), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: [401, 401, 404, 404, 404], OPTIONS: all(405) },
  },
  // Invitations, password change and reset, email change (issue 11): the links' routes are
  // public (the emailed token is the credential; an unknown one is 404 for everyone), a
  // password or email change needs the account's current password (none of these
  // token-only accounts has one: 401), and a reset request is always 202.
  {
    path: "/admin/v1/channels/demo/invitations",
    body: { email: "invitee@matrix.invalid", role: "member" },
    expect: { GET: ownerOnly(200), POST: ownerOnly(201), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/invitations/inv_no_such_invitation",
    expect: { GET: all(405), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: ownerOnly(404), OPTIONS: all(405) },
  },
  { path: "/admin/v1/invitations/no_such_token", body: {}, expect: { GET: all(404), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) } },
  {
    path: "/admin/v1/invitations/no_such_token/accept",
    body: { name: "Matrix", password: "matrix-password" },
    expect: { GET: all(405), POST: all(404), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/me/password",
    body: { currentPassword: "matrix-password", newPassword: "matrix-new-password" },
    expect: { GET: all(405), POST: all(405), PUT: all(401), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/me/email",
    body: { email: "moved@matrix.invalid", currentPassword: "matrix-password" },
    expect: { GET: all(405), POST: all(405), PUT: all(401), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/password-resets",
    body: { email: "reset@matrix.invalid" },
    expect: { GET: all(405), POST: all(202), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/password-resets/no_such_token",
    body: { newPassword: "matrix-new-password" },
    expect: { GET: all(405), POST: all(404), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  { path: "/admin/v1/email-changes/no_such_token", body: {}, expect: { GET: all(405), POST: all(404), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) } },
  { path: "/admin/no-such-route", body: {}, expect: { GET: all(404), POST: all(404), PUT: all(404), PATCH: all(404), DELETE: all(404), OPTIONS: all(404) } },
  { path: "/admin/v1/no-such-route", body: {}, expect: { GET: all(404), POST: all(404), PUT: all(404), PATCH: all(404), DELETE: all(404), OPTIONS: all(404) } },
  {
    path: "/admin/v1/channels/demo",
    body: { timeZone: "Asia/Tokyo" },
    expect: { GET: channelRead(200), POST: all(405), PUT: all(405), PATCH: ownerOnly(200), DELETE: ownerOnly(400), OPTIONS: all(405) },
  },
  // Channels, members and tokens (issue 11). Any account makes a channel; DELETE sends no
  // body in the matrix, so the owner's is 400 (no `confirmName`) and demo stays. Only the
  // owner's DELETE of a member removes one (a fixture member); a member removing someone
  // else is 403 (leaving is in channels.test.mjs).
  {
    path: "/admin/v1/channels",
    body: (caller) => ({ name: `Matrix ${caller}`, siteUrl: "https://matrix.example", timeZone: "Asia/Tokyo" }),
    expect: { GET: all(405), POST: [401, 401, 201, 201, 201], PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/members",
    expect: { GET: channelRead(200), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/members/m_matrix_kept",
    body: { role: "member" },
    expect: { GET: all(405), POST: all(405), PUT: all(405), PATCH: ownerOnly(200), OPTIONS: all(405) },
  },
  {
    path: (caller) => `/admin/v1/channels/demo/members/${caller === "owner" ? "m_matrix_removable" : "m_matrix_kept"}`,
    expect: { DELETE: ownerOnly(200) },
    methods: ["DELETE"],
  },
  {
    path: "/admin/v1/channels/demo/members/m_no_such_member",
    body: { role: "member" },
    expect: { GET: all(405), POST: all(405), PUT: all(405), PATCH: ownerOnly(404), DELETE: ownerOnly(404), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/tokens",
    body: (caller) => ({ label: `Matrix ${caller}`, role: "member" }),
    expect: { GET: ownerOnly(200), POST: ownerOnly(201), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/tokens/tok_no_such_token",
    expect: { GET: all(405), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: ownerOnly(404), OPTIONS: all(405) },
  },
  // A channel that does not exist is refused like another's (403), not 404.
  {
    path: "/admin/v1/channels/no_such_channel",
    body: { timeZone: "Asia/Tokyo" },
    expect: { GET: [401, 401, 403, 403, 403], POST: all(405), PUT: all(405), PATCH: [401, 401, 403, 403, 403], DELETE: [401, 401, 403, 403, 403], OPTIONS: all(405) },
  },
  { path: "/admin/v1/channels/demo/no-such-route", body: {}, expect: { GET: all(404), POST: all(404), PUT: all(404), PATCH: all(404), DELETE: all(404), OPTIONS: all(404) } },
  {
    path: "/admin/v1/channels/demo/mau",
    expect: { GET: channelRead(200), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/identity-verification",
    body: { enabled: false },
    expect: { GET: ownerOnly(200), POST: all(405), PUT: ownerOnly(200), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },

  // Campaigns.
  {
    path: "/admin/v1/channels/demo/campaigns",
    body: JSON.parse(campaignDoc("", "draft")),
    expect: { GET: channelRead(200), POST: [401, 401, 201, 201, 403], PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: (caller) => `/admin/v1/campaigns/${caller === "owner" ? "c_del_owner" : caller === "member" ? "c_del_member" : "c_fixture"}`,
    methods: ["DELETE"],
    expect: { DELETE: campaignRead(200) },
  },
  {
    path: "/admin/v1/campaigns/c_fixture",
    body: JSON.parse(campaignDoc("", "draft")),
    expect: { GET: campaignRead(200), POST: all(405), PUT: campaignRead(200), PATCH: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/campaigns/c_no_such_campaign",
    body: JSON.parse(campaignDoc("", "draft")),
    expect: { GET: [401, 401, 404, 404, 404], POST: all(405), PUT: [401, 401, 404, 404, 404], PATCH: all(405), DELETE: [401, 401, 404, 404, 404], OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/campaigns/c_tea_bubble/stats",
    expect: { GET: campaignRead(200), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  // A campaign's variants against its control group (issue 12): one without variants has
  // no arms, but answers.
  {
    path: "/admin/v1/campaigns/c_tea_bubble/variants",
    expect: { GET: campaignRead(200), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/campaigns/c_bcast/broadcast",
    expect: { GET: campaignRead(200), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  // "Try it on my site" (issue 12): a single-use link; anyone who may edit the campaign.
  {
    path: "/admin/v1/campaigns/c_tea_bubble/preview-link",
    expect: { GET: all(405), POST: campaignRead(201), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  // Downloads (issue 13): owners only; a member's attempt is answered 403 by the handler
  // (after it is logged as denied), another channel's owner learns nothing of the campaign.
  {
    path: "/admin/v1/campaigns/c_fixture/download",
    body: { reason: "route matrix", password: "matrix-password" },
    expect: { GET: all(405), POST: [401, 401, 403, 200, 404], PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  // A campaign that never broadcast has no run to show.
  {
    path: "/admin/v1/campaigns/c_tea_bubble/broadcast",
    expect: { GET: [401, 401, 404, 404, 404], POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  ...["start", "pause", "stop"].map((command) => ({
    path: (caller) => `/admin/v1/campaigns/c_${command}_${caller === "owner" ? "owner" : "member"}/${command}`,
    expect: { GET: all(405), POST: campaignRead(200), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  })),
  // A draft copy of a campaign (issue 12): any role of its channel; others learn nothing.
  {
    path: "/admin/v1/campaigns/c_fixture/duplicate",
    body: {},
    expect: { GET: all(405), POST: campaignRead(201), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  // A campaign's recipients (issue 12): read in the path's channel; a campaign that is not
  // the channel's is not found, so the other channel's owner, asking through their own
  // channel, learns nothing of this one.
  {
    path: "/admin/v1/channels/demo/campaigns/c_tea_bubble/recipients",
    expect: { GET: channelRead(200), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/campaigns/c_no_such_campaign/recipients",
    expect: { GET: channelRead(404), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/other/campaigns/c_tea_bubble/recipients",
    expect: { GET: [401, 401, 403, 403, 404], POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  { path: "/admin/v1/campaigns/c_fixture/no-such-command", body: {}, expect: { GET: all(404), POST: all(404), PUT: all(404), PATCH: all(404), DELETE: all(404), OPTIONS: all(404) } },

  // Customers.
  {
    path: "/admin/v1/channels/demo/customers",
    body: { profile: { name: "Made by hand" } },
    expect: { GET: channelRead(200), POST: [401, 401, 201, 201, 403], PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  // `search` and `bulk` are also read as a customer id by GET, PATCH and DELETE.
  {
    path: "/admin/v1/channels/demo/customers/search",
    body: { q: "Matrix" },
    expect: { GET: channelRead(404), POST: channelRead(200), PUT: all(405), PATCH: channelRead(404), DELETE: ownerAction(404), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/customers/bulk",
    body: { ids: ["v_fixture"], addTags: ["matrix"] },
    expect: { GET: channelRead(404), POST: channelRead(200), PUT: all(405), PATCH: channelRead(404), DELETE: ownerAction(404), OPTIONS: all(405) },
  },
  // Downloads and the audit log (issue 13): owners only. The fixture export finished at 0,
  // more than 24 hours ago, so its file is gone (404) and it cannot be cancelled (409).
  {
    path: "/admin/v1/channels/demo/customers/v_fixture/download",
    body: { reason: "route matrix", password: "matrix-password" },
    expect: { GET: all(405), POST: ownerOnly(200), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/exports",
    body: { reason: "route matrix", password: "matrix-password", format: "csv", ids: ["v_fixture"] },
    expect: { GET: ownerOnly(200), POST: ownerOnly(202), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/exports/columns",
    expect: { GET: ownerOnly(200), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/exports/exp_fixture",
    expect: { GET: ownerOnly(200), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/exports/exp_fixture/cancel",
    expect: { GET: all(405), POST: ownerOnly(409), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/exports/exp_fixture/files/1",
    expect: { GET: ownerOnly(404), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/audit",
    expect: { GET: ownerOnly(200), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/customers/v_fixture",
    body: { profile: { name: "Patched" } },
    expect: { GET: channelRead(200), POST: all(405), PUT: all(405), PATCH: channelRead(200), OPTIONS: all(405) },
  },
  {
    path: (caller) => `/admin/v1/channels/demo/customers/${caller === "owner" ? "v_del_owner" : caller === "member" ? "v_del_member" : "v_fixture"}`,
    methods: ["DELETE"],
    expect: { DELETE: ownerAction(200) },
  },
  {
    path: "/admin/v1/channels/demo/customers/v_no_such_customer",
    body: { profile: { name: "Patched" } },
    expect: { GET: channelRead(404), POST: all(405), PUT: all(405), PATCH: channelRead(404), DELETE: ownerAction(404), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/customers/v_fixture/messages",
    expect: { GET: channelRead(200), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/customers/v_no_such_customer/messages",
    expect: { GET: channelRead(404), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  { path: "/admin/v1/channels/demo/customers/v_fixture/extra", body: {}, expect: { GET: all(404), POST: all(404), PUT: all(404), PATCH: all(404), DELETE: all(404), OPTIONS: all(404) } },
  {
    path: "/admin/v1/channels/demo/jobs/job_fixture",
    expect: { GET: channelRead(200), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/jobs/job_no_such_job",
    expect: { GET: channelRead(404), POST: all(405), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  // `jobs` alone is no route.
  { path: "/admin/v1/channels/demo/jobs", body: {}, expect: { GET: all(404), POST: all(404), PUT: all(404), PATCH: all(404), DELETE: all(404), OPTIONS: all(404) } },

  // Segments.
  {
    path: "/admin/v1/channels/demo/segments",
    body: (caller) => ({ name: `Made by ${caller}`, filter: { field: "country", op: "equals", value: "JP" } }),
    expect: { GET: channelRead(200), POST: [401, 401, 201, 201, 403], PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/segments/seg_fixture",
    body: { filter: { field: "country", op: "equals", value: "FR" } },
    expect: { GET: channelRead(200), POST: all(405), PUT: all(405), PATCH: channelRead(200), OPTIONS: all(405) },
  },
  {
    path: (caller) => `/admin/v1/channels/demo/segments/${caller === "owner" ? "seg_del_owner" : caller === "member" ? "seg_del_member" : "seg_fixture"}`,
    methods: ["DELETE"],
    expect: { DELETE: channelRead(200) },
  },
  {
    path: "/admin/v1/channels/demo/segments/seg_no_such_segment",
    body: { name: "Renamed" },
    expect: { GET: channelRead(404), POST: all(405), PUT: all(405), PATCH: channelRead(404), DELETE: channelRead(404), OPTIONS: all(405) },
  },

  // Profile fields: they change the channel's field list, so they run after the rest.
  {
    path: "/admin/v1/channels/demo/fields",
    serial: true,
    body: (caller) => ({ key: `profile.matrix_${caller}`, displayName: `Matrix ${caller}`, type: "string" }),
    expect: { GET: channelRead(200), POST: ownerOnly(201), PUT: all(405), PATCH: all(405), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/fields/profile.name",
    serial: true,
    body: { displayName: "Full name" },
    expect: { GET: all(405), POST: all(405), PUT: all(405), PATCH: ownerOnly(200), DELETE: all(405), OPTIONS: all(405) },
  },
  {
    path: "/admin/v1/channels/demo/fields/profile.no_such_field",
    serial: true,
    body: { displayName: "Nothing" },
    expect: { GET: all(405), POST: all(405), PUT: all(405), PATCH: ownerOnly(404), DELETE: all(405), OPTIONS: all(405) },
  },
  // `order` is a field key to PATCH (no such field); PUT's body lists every key as it is now.
  {
    path: "/admin/v1/channels/demo/fields/order",
    serial: true,
    body: (_caller, method) => (method === "PATCH" ? { displayName: "Order" } : "currentFieldOrder"),
    expect: { GET: all(405), POST: all(405), PUT: ownerOnly(200), PATCH: ownerOnly(404), DELETE: all(405), OPTIONS: all(405) },
  },
];

let nextClient = 0;
/** A fresh client address per request: the public rate limit counts per address. */
const clientAddress = () => {
  nextClient += 1;
  return `198.51.${(nextClient >> 8) & 255}.${nextClient & 255}`;
};

async function bodyFor(route, caller, method) {
  const body = typeof route.body === "function" ? await route.body(caller, method) : route.body;
  if (body === "currentFieldOrder") {
    const answer = await fetch(`${env.worker.base}/admin/v1/channels/demo/fields`, { headers: { authorization: `Bearer ${OWNER_TOKEN}` } });
    return { keys: (await answer.json()).fields.map((field) => field.key).filter((key) => key.startsWith("profile.")) };
  }
  return body;
}

async function call(method, path, { token, body, rawBody, query = "" } = {}) {
  const headers = { "cf-connecting-ip": clientAddress() };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  let payload;
  if (method !== "GET" && method !== "OPTIONS") {
    if (rawBody !== undefined) payload = rawBody;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers["content-type"] = "application/json";
  }
  const response = await fetch(`${env.worker.base}${path}${query}`, { method, headers, body: payload, redirect: "manual" });
  const text = await response.text();
  return { status: response.status, text };
}

async function runCell(cell) {
  const { route, method, caller } = cell;
  const path = typeof route.path === "function" ? route.path(caller) : route.path;
  const body = method === "GET" || method === "OPTIONS" || method === "DELETE" ? undefined : await bodyFor(route, caller, method);
  const answer = await call(method, path, { token: CALLERS[caller], body });
  return { ...cell, path, got: answer.status, text: answer.text };
}

/** Runs `cells` with at most `width` requests in flight. */
async function pool(cells, width) {
  const results = [];
  let next = 0;
  const lanes = Array.from({ length: width }, async () => {
    while (next < cells.length) {
      const cell = cells[next++];
      results.push(await runCell(cell));
    }
  });
  await Promise.all(lanes);
  return results;
}

test("every route × method × caller answers the status written in the table", async () => {
  await ensureVisitor();
  const cells = [];
  for (const route of ROUTES) {
    for (const method of route.methods ?? METHODS) {
      const row = route.expect[method];
      if (!row) continue;
      assert.equal(row.length, CALLER_NAMES.length, `${method} ${route.path}: one status per caller`);
      CALLER_NAMES.forEach((caller, i) => cells.push({ route, method, caller, expected: row[i] }));
    }
  }
  const started = Date.now();
  const results = [
    ...(await pool(cells.filter((c) => !c.route.serial), 6)),
    ...(await pool(cells.filter((c) => c.route.serial), 1)),
  ];
  const wrong = results
    .filter((r) => r.got !== r.expected)
    .map((r) => `${r.method} ${r.path} as ${r.caller}: expected ${r.expected}, got ${r.got} ${r.text.slice(0, 160)}`);
  console.log(`route matrix: ${results.length} cells in ${Date.now() - started} ms`);
  assert.deepEqual(wrong, [], `${wrong.length} of ${results.length} cells differ:\n${wrong.join("\n")}`);
});

test("the routes of the OpenAPI document are all in the matrix", async () => {
  const document = JSON.parse(await (await fetch(`${env.worker.base}/openapi.json`)).text());
  const covered = ROUTES.map((r) => (typeof r.path === "function" ? r.path("owner") : r.path));
  const asPattern = (path) => new RegExp(`^${path.replace(/\{[^}]+\}/g, "[^/]+").replace(/\./g, "\\.")}$`);
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const method of Object.keys(operations).filter((m) => METHODS.includes(m.toUpperCase()))) {
      const route = ROUTES.find((r) => {
        const concrete = typeof r.path === "function" ? r.path("owner") : r.path;
        return asPattern(path).test(concrete) && r.expect[method.toUpperCase()] && r.expect[method.toUpperCase()][3] !== 405;
      });
      assert.ok(route, `${method.toUpperCase()} ${path} has a row in the matrix (covered: ${covered.length} paths)`);
    }
  }
});

/**
 * One malformed body (or query) per endpoint that takes one, with the exact error code and
 * field today's worker answers. `caller` is who sends it (the owner unless the order of
 * checks is the point).
 */
const MALFORMED = [
  // Public API. (Issue 10: `{channel}` alone is a first boot now, and a missing field is
  // named itself; the other routes answer 401 naming `token` before validating the body.)
  { method: "POST", path: "/v1/boot", body: { channel: "demo", visitorId: 42 }, status: 400, code: "invalid", field: "visitorId" },
  { method: "POST", path: "/v1/boot", body: {}, status: 400, code: "invalid", field: "channel" },
  { method: "POST", path: "/v1/boot", rawBody: "{not json", status: 400, code: "invalid", field: "body" },
  { method: "POST", path: "/v1/boot", body: { channel: "demo", profile: { favouriteColour: "green" } }, status: 400, code: "invalid", field: "profile.favouriteColour" },
  { method: "POST", path: "/v1/boot", body: { channel: "demo", profile: { email: 42 } }, status: 400, code: "invalid", field: "profile.email" },
  { method: "POST", path: "/v1/events", body: () => ({ ...VISITOR, events: [{ id: "e_bad", name: "" }] }), status: 400, code: "invalid", field: "events[0].name" },
  { method: "POST", path: "/v1/events", body: () => ({ ...VISITOR, events: [{ id: "e_bad" }] }), status: 400, code: "invalid", field: "events[0].name" },
  { method: "POST", path: "/v1/events", body: () => ({ ...VISITOR, token: undefined, events: [] }), status: 401, code: "unauthorized", field: "token" },
  { method: "POST", path: "/v1/events", rawBody: "{", status: 401, code: "unauthorized", field: "token" },
  { method: "POST", path: "/v1/profile", body: () => ({ ...VISITOR, profile: { email: "not an address" } }), status: 400, code: "invalid", field: "profile.email" },
  { method: "POST", path: "/v1/profile", body: () => ({ ...VISITOR, visitorId: "v_someone_else", profile: {} }), status: 401, code: "unauthorized", field: "token" },
  { method: "POST", path: "/v1/messages", body: { channel: "demo" }, status: 401, code: "unauthorized", field: "token" },
  { method: "POST", path: "/v1/messages", body: () => ({ ...VISITOR, token: `${VISITOR.token}0` }), status: 401, code: "unauthorized", field: "token" },
  { method: "POST", path: "/v1/shutdown", body: { channel: "demo" }, status: 401, code: "unauthorized", field: "token" },
  { method: "POST", path: "/v1/read", body: { channel: "demo", deliveryIds: [] }, status: 401, code: "unauthorized", field: "token" },
  { method: "POST", path: "/v1/read", body: () => ({ ...VISITOR }), status: 400, code: "invalid", field: "deliveryIds" },
  { method: "POST", path: "/v1/read", body: () => ({ ...VISITOR, deliveryIds: ["d_ok", "d bad"] }), status: 400, code: "invalid", field: "deliveryIds[1]" },
  { method: "POST", path: "/v1/show", body: () => ({ ...VISITOR, campaignId: "c_no_such_campaign", requestId: "r_bad" }), status: 400, code: "invalid", field: "campaignId" },
  { method: "POST", path: "/v1/show", body: () => ({ ...VISITOR, requestId: "r_bad" }), status: 400, code: "invalid", field: "campaignId" },
  { method: "POST", path: "/v1/preview", body: () => ({ ...VISITOR, preview: "not a token" }), status: 400, code: "invalid", field: "preview" },
  { method: "POST", path: "/v1/deliveries/d_matrix/view", body: { channel: "demo", visitorId: "" }, status: 401, code: "unauthorized", field: "token" },
  { method: "POST", path: "/v1/deliveries/d_matrix/click", body: () => ({ ...VISITOR, channel: "no_such_channel" }), status: 401, code: "unauthorized", field: "token" },
  {
    method: "POST",
    path: "/v1/webhooks/email",
    token: WEBHOOK_SECRET,
    body: { events: [{ channel: "demo", email: "a@example.com", status: "lost" }] },
    status: 400,
    code: "invalid",
    field: "events[0].status",
  },
  { method: "PUT", path: "/dev/clock", body: { offsetMs: 99_999_999_999_999 }, status: 400, code: "invalid", field: "offsetMs" },
  // Admin API.
  { method: "POST", path: "/admin/v1/campaigns/c_fixture/download", body: { reason: "why", password: "short" }, status: 400, code: "invalid", field: "password" },
  { method: "POST", path: "/admin/v1/channels/demo/customers/v_fixture/download", body: { reason: " ", password: "long enough" }, status: 400, code: "invalid", field: "reason" },
  { method: "POST", path: "/admin/v1/channels/demo/exports", body: { reason: "why", password: "long enough", format: "xlsx", columns: ["id", "nope"] }, status: 400, code: "invalid", field: "columns[1]" },
  { method: "POST", path: "/admin/v1/channels/demo/exports", body: { reason: "why", password: "long enough", format: "pdf" }, status: 400, code: "invalid", field: "format" },
  { caller: "member", method: "POST", path: "/admin/v1/channels/demo/exports", rawBody: "{", status: 403, code: "forbidden", field: "role" },
  { method: "GET", path: "/admin/v1/channels/demo/audit", query: "?limit=0", status: 400, code: "invalid", field: "limit" },
  { caller: "anonymous", method: "POST", path: "/admin/v1/setup", body: { setupToken: "x" }, status: 403, code: "forbidden", field: "setupToken" },
  { method: "POST", path: "/admin/v1/channels/demo/invitations", body: { email: "a@matrix.invalid", role: "admin" }, status: 400, code: "invalid", field: "role" },
  { method: "POST", path: "/admin/v1/channels/demo/invitations", body: { email: "not an email", role: "member" }, status: 400, code: "invalid", field: "email" },
  { caller: "anonymous", method: "POST", path: "/admin/v1/password-resets", body: { email: "nope" }, status: 400, code: "invalid", field: "email" },
  { caller: "anonymous", method: "POST", path: "/admin/v1/sessions", rawBody: "{", status: 400, code: "invalid", field: "body" },
  { caller: "anonymous", method: "POST", path: "/admin/v1/sessions", body: { email: "nobody@matrix.invalid", password: "x", extra: 1 }, status: 400, code: "invalid", field: "extra" },
  { method: "PATCH", path: "/admin/v1/channels/demo", body: { frequencyCap: { perDay: 0 } }, status: 400, code: "invalid", field: "frequencyCap" },
  { method: "PUT", path: "/admin/v1/channels/demo/identity-verification", body: { enabled: "yes" }, status: 400, code: "invalid", field: "enabled" },
  { method: "POST", path: "/admin/v1/channels", body: { name: "Matrix", siteUrl: "https://matrix.example", timeZone: "Mars/Olympus" }, status: 400, code: "invalid", field: "timeZone" },
  { method: "DELETE", path: "/admin/v1/channels/demo", body: { confirmName: "not demo's name" }, status: 400, code: "invalid", field: "confirmName" },
  { method: "PATCH", path: "/admin/v1/channels/demo/members/m_matrix_member", body: { role: "admin" }, status: 400, code: "invalid", field: "role" },
  { method: "POST", path: "/admin/v1/channels/demo/tokens", body: { label: "", role: "member" }, status: 400, code: "invalid", field: "label" },
  {
    method: "POST",
    path: "/admin/v1/channels/demo/campaigns",
    body: { ...JSON.parse(campaignDoc("", "draft")), message: { sender: { name: "Matrix" }, text: "Hi", display: "sideways" } },
    status: 400,
    code: "invalid",
    field: "message.display",
  },
  {
    method: "PUT",
    path: "/admin/v1/campaigns/c_fixture",
    body: { ...JSON.parse(campaignDoc("", "draft")), kind: "broadcast", trigger: undefined },
    status: 400,
    code: "invalid",
    field: "kind",
  },
  { method: "POST", path: "/admin/v1/channels/demo/customers", body: { profile: { email: "not an address" } }, status: 400, code: "invalid", field: "profile.email" },
  { method: "POST", path: "/admin/v1/channels/demo/customers/search", body: { sort: "nope" }, status: 400, code: "invalid", field: "sort" },
  { method: "POST", path: "/admin/v1/channels/demo/customers/bulk", body: { ids: ["v_fixture"], addTags: [""] }, status: 400, code: "invalid", field: "addTags[0]" },
  { method: "PATCH", path: "/admin/v1/channels/demo/customers/v_fixture", body: { memberId: "m_1" }, status: 400, code: "invalid", field: "memberId" },
  { method: "POST", path: "/admin/v1/channels/demo/segments", body: { name: "No filter" }, status: 400, code: "invalid", field: "filter" },
  { method: "PATCH", path: "/admin/v1/channels/demo/segments/seg_fixture", body: { name: "" }, status: 400, code: "invalid", field: "name" },
  { method: "POST", path: "/admin/v1/channels/demo/fields", body: { key: "plan", displayName: "Plan", type: "string" }, status: 400, code: "invalid", field: "key" },
  { method: "PATCH", path: "/admin/v1/channels/demo/fields/profile.name", body: { visibility: "gone" }, status: 400, code: "invalid", field: "visibility" },
  { method: "PUT", path: "/admin/v1/channels/demo/fields/order", body: { keys: ["profile.name"] }, status: 400, code: "invalid", field: "keys" },
  // Queries.
  { method: "GET", path: "/admin/v1/channels/demo/customers", query: "?limit=lots", status: 400, code: "invalid", field: "limit" },
  { method: "GET", path: "/admin/v1/channels/demo/customers/v_fixture/messages", query: "?limit=101", status: 400, code: "invalid", field: "limit" },
  { method: "GET", path: "/admin/v1/campaigns/c_tea_bubble/stats", query: "?from=yesterday", status: 400, code: "invalid", field: "from" },
  { method: "GET", path: "/admin/v1/channels/demo/campaigns/c_tea_bubble/recipients", query: "?limit=201", status: 400, code: "invalid", field: "limit" },
  { method: "POST", path: "/admin/v1/campaigns/c_fixture/duplicate", body: { name: " " }, status: 400, code: "invalid", field: "name" },
  { method: "GET", path: "/admin/v1/channels/demo/campaigns/c_tea_bubble/recipients", query: "?cursor=soon", status: 400, code: "invalid", field: "cursor" },
  { caller: "anonymous", method: "GET", path: "/admin/v1/channels/demo/campaigns/c_tea_bubble/recipients", query: "?limit=201", status: 401, code: "unauthorized", field: undefined },
  { method: "GET", path: "/admin/v1/channels/demo/mau", query: "?month=May", status: 400, code: "invalid", field: "month" },
  // Every admin route checks the token before the body or query (issue 10; these four
  // answered 400 before it, judging an anonymous caller's input).
  { caller: "anonymous", method: "POST", path: "/admin/v1/channels/demo/customers/search", body: { sort: 5 }, status: 401, code: "unauthorized", field: undefined },
  { caller: "anonymous", method: "POST", path: "/admin/v1/channels/demo/customers/search", rawBody: "{", status: 401, code: "unauthorized", field: undefined },
  { caller: "anonymous", method: "GET", path: "/admin/v1/channels/demo/customers", query: "?bogus=1", status: 401, code: "unauthorized", field: undefined },
  { caller: "anonymous", method: "GET", path: "/admin/v1/channels/demo/customers", query: "?limit=lots", status: 401, code: "unauthorized", field: undefined },
  { caller: "otherOwner", method: "POST", path: "/admin/v1/channels/demo/customers/search", body: { sort: 5 }, status: 403, code: "forbidden", field: undefined },
  { caller: "anonymous", method: "GET", path: "/admin/v1/campaigns/not%20an%20id/stats", status: 401, code: "unauthorized", field: undefined },
  { caller: "wrongToken", method: "GET", path: "/admin/v1/campaigns/not%20an%20id/stats", status: 400, code: "invalid", field: "campaignId" },
  // ...as these always did.
  { caller: "anonymous", method: "POST", path: "/admin/v1/channels/demo/campaigns", rawBody: "{", status: 401, code: "unauthorized", field: undefined },
  { caller: "anonymous", method: "POST", path: "/admin/v1/channels/demo/customers", rawBody: "{", status: 401, code: "unauthorized", field: undefined },
  { caller: "anonymous", method: "POST", path: "/admin/v1/channels/demo/customers/bulk", rawBody: "{", status: 401, code: "unauthorized", field: undefined },
  { caller: "anonymous", method: "POST", path: "/admin/v1/channels/demo/segments", rawBody: "{", status: 401, code: "unauthorized", field: undefined },
  { caller: "anonymous", method: "GET", path: "/admin/v1/campaigns/c_tea_bubble/stats", query: "?from=yesterday", status: 401, code: "unauthorized", field: undefined },
  { caller: "anonymous", method: "GET", path: "/admin/v1/channels/demo/mau", query: "?month=May", status: 401, code: "unauthorized", field: undefined },
  { caller: "member", method: "PATCH", path: "/admin/v1/channels/demo", rawBody: "{", status: 403, code: "forbidden", field: undefined },
  { caller: "member", method: "POST", path: "/admin/v1/channels/demo/fields", rawBody: "{", status: 403, code: "forbidden", field: undefined },
  { caller: "owner", method: "PATCH", path: "/admin/v1/channels/demo/customers/v_no_such_customer", rawBody: "{", status: 404, code: "not_found", field: undefined },
  { caller: "owner", method: "PATCH", path: "/admin/v1/channels/demo/fields/profile.no_such_field", body: { keys: [] }, status: 400, code: "invalid", field: "keys" },
  { caller: "anonymous", method: "POST", path: "/v1/webhooks/email", rawBody: "{", status: 401, code: "unauthorized", field: undefined },
];

test("a malformed body or query gets the error code and field written here", async () => {
  await ensureVisitor();
  const wrong = [];
  for (const c of MALFORMED) {
    const caller = c.caller ?? "owner";
    const token = c.token ?? CALLERS[caller];
    const body = typeof c.body === "function" ? c.body() : c.body;
    const answer = await call(c.method, c.path, { token, body, rawBody: c.rawBody, query: c.query });
    let error;
    try {
      error = JSON.parse(answer.text).error;
    } catch {
      error = undefined;
    }
    const got = { status: answer.status, code: error?.code, field: error?.field };
    const expected = { status: c.status, code: c.code, field: c.field };
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      wrong.push(`${c.method} ${c.path}${c.query ?? ""} as ${caller}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)} ${answer.text.slice(0, 160)}`);
    }
  }
  assert.deepEqual(wrong, [], `${wrong.length} of ${MALFORMED.length} differ:\n${wrong.join("\n")}`);
});

test("the email webhook with its secret is accepted", async () => {
  const answer = await call("POST", "/v1/webhooks/email", {
    token: WEBHOOK_SECRET,
    body: { events: [{ channel: "demo", email: "nobody@example.com", status: "delivered" }] },
  });
  assert.equal(answer.status, 200, answer.text);
  assert.deepEqual(JSON.parse(answer.text), { received: 1, updated: 0 });
});
