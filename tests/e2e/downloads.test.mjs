// Downloads (issue 13), opened the way a user's software opens them: every workbook is
// decrypted by msoffcrypto-tool with its integrity verified and read by openpyxl, every
// ZIP is opened by pyzipper (and tested by 7-Zip where Debian's 7z is installed), through
// tests/tools/open_file.py in the project's virtual environment (scripts/lib.sh
// ensure_pyenv). Values are checked against the admin API. The rows carry every built-in
// field, five custom fields and Japanese text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OUT, ROOT, admin, adminCall, fireCron, moveClock, settle, sqlNow, sqlRows, suite } from "./harness.mjs";

const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const MEMBER_TOKEN = "kz_downloads_member_token";
const PYTHON = join(ROOT, "target", "pyenv", "bin", "python");
const OPEN_FILE = join(ROOT, "tests", "tools", "open_file.py");
const FILES = join(OUT, "downloads");
mkdirSync(FILES, { recursive: true });

const DAY = 24 * 60 * 60 * 1000;
const BULK = 30_000;
const now = Date.now();
const tokyoDay = (ms) => new Date(ms + 9 * 60 * 60 * 1000).toISOString().slice(0, 10);

const CUSTOM = [
  ["plan", "プラン", "string", 11],
  ["points", "ポイント", "number", 12],
  ["vip", "VIP会員", "boolean", 13],
  ["birthday", "誕生日", "date", 14],
  ["interests", "興味", "list", 15],
];
const birthday = Date.UTC(1990, 4, 17, 0, 0, 0);
const customer = (id, name, email, extra = "") =>
  `INSERT INTO customers (channel_id, id, member_id, member, name, tags, city, country, language, created_at, last_seen_at, updated_at,
     sessions_count, web_browser, web_browser_name, web_os, web_os_name, web_device, web_last_seen_at, web_sessions_count,
     profile_name, profile_email, profile_mobile_number, profile_description, profile_last_checkout_completed_at, profile_referrer,
     profile_utm_source, profile_utm_medium, profile_utm_campaign, profile_utm_content, profile_utm_term, profile)
   VALUES ('demo', '${id}', 'member-${id}', 1, '${name}', '["常連","vip"]', '渋谷区', 'JP', 'ja', ${now - 10 * DAY}, ${now - DAY}, ${now - DAY},
     7, 'Chrome 131', 'Chrome', 'macOS 15', 'macOS', 'desktop', ${now - DAY}, 7,
     '${name}', '${email}', '+81 90-1234-5678', 'メモ', ${now - 2 * DAY}, 'https://example.jp/',
     'newsletter', 'email', '冬セール', 'banner', 'お茶', '{"plan":"ゴールド","points":1200,"vip":true,"birthday":${birthday},"interests":["茶","和菓子"]}')${extra};`;

// A campaign that is started and stopped through the API, and a broadcast, each with deliveries.
const automated = JSON.stringify({
  id: "c_dl_auto",
  name: "お茶の案内",
  state: "draft",
  trigger: { event: "DownloadsNeverSent" },
  message: { sender: { name: "Shop" }, text: "新しいお茶", buttons: [], display: "bubble" },
});
const broadcast = JSON.stringify({
  id: "c_dl_news",
  name: "冬のお知らせ",
  state: "ended",
  kind: "broadcast",
  message: { sender: { name: "Shop" }, text: "News", buttons: [], display: "bubble" },
});
const delivery = (id, campaign, visitor, state, sentAt, viewAt = "NULL", clickAt = "NULL", goalAt = "NULL") =>
  `INSERT INTO deliveries (id, channel_id, campaign_id, visitor_id, display, sent_at, view_at, click_at, goal_at, state)
   VALUES ('${id}', 'demo', '${campaign}', '${visitor}', 'bubble', ${sentAt}, ${viewAt}, ${clickAt}, ${goalAt}, '${state}');`;

const FIXTURES = [
  `INSERT INTO members (id, email, name, created_at) VALUES ('m_dl_member', 'member@downloads.invalid', 'Downloads member', 0);
   INSERT INTO channel_members (channel_id, member_id, role) VALUES ('demo', 'm_dl_member', 'member');
   INSERT INTO api_tokens (token_hash, member_id, label, created_at) VALUES ('${sha256(MEMBER_TOKEN)}', 'm_dl_member', 'member', 0);
   ${CUSTOM.map(([name, display, type, position]) => `INSERT INTO profile_fields (channel_id, name, display_name, type, built_in, write_once, visibility, position)
     VALUES ('demo', '${name}', '${display}', '${type}', 0, 0, 'visible', ${position});`).join("\n")}
   ${customer("v_dl_1", "山田 花子", "hanako@example.jp")}
   ${customer("v_dl_2", "=HYPERLINK(\"https://evil.example\")", "formula@example.jp")}
   ${customer("v_dl_3", "佐藤 太郎", "taro@example.jp")}
   UPDATE customers SET profile_description = replace(hex(zeroblob(40000)), '00', '長') WHERE id = 'v_dl_3';
   INSERT INTO campaigns (id, channel_id, name, state, priority, definition, created_at, updated_at)
   VALUES ('c_dl_auto', 'demo', 'お茶の案内', 'draft', 0, '${automated}', ${now - 3 * DAY}, ${now - 3 * DAY});
   INSERT INTO campaigns (id, channel_id, name, state, priority, definition, created_at, updated_at, started_at)
   VALUES ('c_dl_news', 'demo', '冬のお知らせ', 'ended', 0, '${broadcast}', ${now - 2 * DAY}, ${now - 2 * DAY}, ${now - DAY});
   ${delivery("d_dl_n1", "c_dl_news", "v_dl_1", "sent", now - DAY, now - DAY + 60_000)}
   ${delivery("d_dl_n2", "c_dl_news", "v_dl_2", "sent", now - DAY)}
   INSERT INTO campaign_daily_stats (campaign_id, day, sent, view, click, goal) VALUES ('c_dl_news', '${tokyoDay(now - DAY)}', 2, 1, 0, 0);`,
  // 30,000 more customers, for the split into numbered files and the queue's budget.
  `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${BULK})
   INSERT INTO customers (channel_id, id, name, tags, created_at, updated_at, sessions_count, profile_email, profile)
   SELECT 'demo', 'v_bulk_' || printf('%05d', i), '顧客 ' || i, '[]', ${now - 5 * DAY}, ${now - 5 * DAY}, i % 10,
     'bulk' || i || '@example.jp', '{"plan":"ベーシック","points":' || i || '}' FROM n;`,
];
const env = suite({ sql: FIXTURES, browser: false });

/** Runs open_file.py: `{json}` on success, `{refused: "password" | "integrity", ...}` on code 3. */
function openFile(kind, path, password) {
  const run = spawnSync(PYTHON, [OPEN_FILE, kind, path, password], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  if (run.error) throw new Error(`${PYTHON}: ${run.error.message} (run: source scripts/lib.sh; ensure_pyenv)`);
  const out = run.stdout.trim().split("\n").pop() ?? "";
  if (run.status === 3) return { refused: JSON.parse(out).error };
  if (run.status !== 0) throw new Error(`open_file.py ${kind} exited ${run.status}: ${run.stderr.slice(-2000)}`);
  return JSON.parse(run.stdout);
}

/** POSTs a download as `token` (the owner by default); answers the response. */
function download(path, body, token) {
  const headers = { "content-type": "application/json" };
  headers.authorization = `Bearer ${token ?? "kz_demo_owner_token"}`;
  return fetch(`${env.worker.base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
}

async function save(response, name) {
  assert.equal(response.status, 200, `${name}: ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const path = join(FILES, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

/** A time cell as openpyxl reads it (ISO, no zone), compared with a time in ms in Tokyo. */
function sameTime(cell, ms, what) {
  assert.ok(typeof cell === "string", `${what}: ${JSON.stringify(cell)} is a time`);
  const read = Date.parse(`${cell}+09:00`);
  assert.ok(Math.abs(read - ms) < 1000, `${what}: ${cell} is ${new Date(ms).toISOString()} in Tokyo`);
}

/** The API's value of `key` (a column key) for a customer, as a file writes it. */
function apiValue(api, key) {
  const [head, rest] = key.split(".");
  const value = key.startsWith("profile.") ? api.profile[rest] : key.startsWith("web.") ? api.web[rest] : api[head];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Checks every cell of a file's customer row against the API, column by column. */
async function sameCustomer(row, columns) {
  const id = row[columns.findIndex((c) => c.key === "id")];
  const api = await admin(env.worker, `/admin/v1/channels/demo/customers/${id}`);
  columns.forEach((column, i) => {
    const cell = row[i] ?? null;
    const value = apiValue(api, column.key) ?? null;
    if (column.type === "date") {
      if (value === null) assert.equal(cell, null, `${id} ${column.key}`);
      else sameTime(cell, value, `${id} ${column.key}`);
    } else if (typeof value === "string" && value.length > 32_767) {
      assert.ok(cell.endsWith("…[cut]") && value.startsWith(cell.slice(0, -"…[cut]".length)), `${id} ${column.key} is cut`);
    } else {
      assert.deepEqual(cell, value, `${id} ${column.key}`);
    }
  });
  return api;
}

async function jobWhen(id, ready, timeout = 120_000) {
  const started = Date.now();
  for (;;) {
    const job = await admin(env.worker, `/admin/v1/channels/demo/exports/${id}`);
    if (ready(job)) return job;
    if (Date.now() - started > timeout) throw new Error(`export ${id}: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

test("an automated campaign's results workbook opens with its password, sheet by sheet, as the API counts it", async () => {
  const started = await adminCall(env.worker, "POST", "/admin/v1/campaigns/c_dl_auto/start");
  assert.equal(started.status, 200, JSON.stringify(started.body));
  const startedAt = Date.now();
  const sent = Date.now();
  sqlNow(
    env.worker,
    `${delivery("d_dl_a1", "c_dl_auto", "v_dl_1", "sent", sent, sent + 1000, sent + 2000, sent + 3000)}
     ${delivery("d_dl_a2", "c_dl_auto", "v_dl_3", "sent", sent + 10)}
     ${delivery("d_dl_a3", "c_dl_auto", "v_dl_2", "pending", sent + 20)}
     INSERT INTO campaign_daily_stats (campaign_id, day, sent, view, click, goal) VALUES ('c_dl_auto', '${tokyoDay(sent)}', 2, 1, 1, 1);`,
  );
  await settle(env.worker);
  const stopped = await adminCall(env.worker, "POST", "/admin/v1/campaigns/c_dl_auto/stop");
  assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
  const stoppedAt = Date.now();

  const password = "お茶-results-2026";
  const { path, bytes } = await save(
    await download("/admin/v1/campaigns/c_dl_auto/download", { reason: "月次レポート", password }),
    "campaign-auto.xlsx",
  );
  assert.deepEqual([...bytes.subarray(0, 4)], [0xd0, 0xcf, 0x11, 0xe0], "an OLE compound file (an encrypted workbook)");
  const book = openFile("xlsx", path, password);
  assert.deepEqual(Object.keys(book.sheets), ["Campaign data", "CampaignStat data", "CampaignUser data", "User data"]);

  const stats = await admin(env.worker, "/admin/v1/campaigns/c_dl_auto/stats");
  const [head, row] = book.sheets["Campaign data"];
  assert.deepEqual(head, ["id", "name", "state", "sent", "view", "goal", "click", "startAt", "endAt", "createdAt", "updatedAt"]);
  assert.deepEqual(row.slice(0, 7), ["c_dl_auto", "お茶の案内", "ended", stats.totals.sent, stats.totals.view, stats.totals.goal, stats.totals.click]);
  assert.ok(Date.parse(`${row[7]}+09:00`) >= startedAt - 5000 && Date.parse(`${row[7]}+09:00`) <= startedAt + 1000, `startAt ${row[7]}`);
  assert.ok(Date.parse(`${row[8]}+09:00`) <= stoppedAt + 1000 && Date.parse(`${row[8]}+09:00`) >= startedAt, `endAt ${row[8]}`);
  sameTime(row[9], now - 3 * DAY, "createdAt");

  const [statHead, ...days] = book.sheets["CampaignStat data"];
  assert.deepEqual(statHead, ["campaignId", "date", "sent", "view", "goal", "click"]);
  assert.deepEqual(days, [["c_dl_auto", tokyoDay(sent), 2, 1, 1, 1]], "one row per day of the campaign, in Tokyo");

  const [userHead, ...users] = book.sheets["CampaignUser data"];
  assert.deepEqual(userHead, ["campaignId", "userId", "state", "sent", "view", "goal", "click"]);
  assert.deepEqual(users.map((u) => [u[1], u[2]]), [["v_dl_1", "sent"], ["v_dl_3", "sent"], ["v_dl_2", "pending"]], "one row per delivery, with its state");
  sameTime(users[0][3], sent, "sent");
  sameTime(users[0][4], sent + 1000, "view");
  sameTime(users[0][5], sent + 3000, "goal");
  sameTime(users[0][6], sent + 2000, "click");
  assert.equal(users[2][3] ?? null, null, "a pending delivery has not been sent");

  const columns = (await admin(env.worker, "/admin/v1/channels/demo/exports/columns")).columns;
  const [profileHead, ...profiles] = book.sheets["User data"];
  assert.deepEqual(profileHead, columns.map((c) => c.title));
  assert.deepEqual(profiles.map((p) => p[0]).sort(), ["v_dl_1", "v_dl_2", "v_dl_3"]);

  assert.deepEqual(openFile("xlsx", path, "wrong password"), { refused: "password" });
  const tampered = Buffer.from(bytes);
  // A byte in the middle of the file: inside the EncryptedPackage stream, most of the file.
  tampered[Math.floor(tampered.length / 2)] ^= 0x55;
  writeFileSync(join(FILES, "campaign-auto-tampered.xlsx"), tampered);
  assert.deepEqual(openFile("xlsx", join(FILES, "campaign-auto-tampered.xlsx"), password), { refused: "integrity" });
});

test("a broadcast's workbook has its own sheets and all its data", async () => {
  const password = "broadcast-pass";
  const { path } = await save(await download("/admin/v1/campaigns/c_dl_news/download", { reason: "効果測定", password }), "broadcast.xlsx");
  const book = openFile("xlsx", path, password);
  assert.deepEqual(Object.keys(book.sheets), ["OneTimeMsg data", "OneTimeMsgUser data", "User data"]);
  const [head, row] = book.sheets["OneTimeMsg data"];
  assert.deepEqual(head, ["id", "name", "state", "sent", "view", "goal", "click", "createdAt", "startAt"]);
  assert.deepEqual(row.slice(0, 7), ["c_dl_news", "冬のお知らせ", "ended", 2, 1, 0, 0]);
  sameTime(row[8], now - DAY, "startAt");
  const [userHead, ...users] = book.sheets["OneTimeMsgUser data"];
  assert.deepEqual(userHead, ["oneTimeMsgId", "userId", "state", "sent", "view", "goal", "click"]);
  assert.deepEqual(users.map((u) => u[1]).sort(), ["v_dl_1", "v_dl_2"]);
  // The formula-looking name stays text: openpyxl reads it as a string, never a formula.
  const names = book.sheets["User data"].slice(1).map((r) => r[3]);
  assert.ok(names.includes('=HYPERLINK("https://evil.example")'), JSON.stringify(names));
});

test("a customer export as a workbook: chosen columns in the channel's order with display names, values as the API has them", async () => {
  const password = "顧客リスト-2026";
  const pick = ["profile.interests", "id", "name", "tags", "createdAt", "sessionsCount", "member", "profile.email", "profile.description", "profile.plan", "profile.points", "profile.vip", "profile.birthday", "web.browser", "unsubscribeEmail"];
  const asked = await adminCall(env.worker, "POST", "/admin/v1/channels/demo/exports", {
    reason: "顧客分析", password, format: "xlsx", columns: pick, ids: ["v_dl_1", "v_dl_2", "v_dl_3"],
  });
  assert.equal(asked.status, 202, JSON.stringify(asked.body));
  assert.equal(asked.body.total, 3);
  const sealed = sqlRows(env.worker, `SELECT sealed_password FROM exports WHERE id = '${asked.body.id}'`)[0].sealed_password;
  assert.ok(sealed === null || !sealed.includes(Buffer.from(password).toString("hex")), "the password never rests in clear");
  const job = await jobWhen(asked.body.id, (j) => j.state === "done");
  assert.equal(job.files.length, 1);
  assert.equal(job.requestedBy.email, "owner@demo.kizuna.invalid");
  assert.equal(sqlRows(env.worker, `SELECT sealed_password FROM exports WHERE id = '${job.id}'`)[0].sealed_password, null, "erased when the job ended");
  const file = await fetch(`${env.worker.base}/admin/v1/channels/demo/exports/${job.id}/files/1`, { headers: { authorization: "Bearer kz_demo_owner_token" } });
  const { path } = await save(file, "customers.xlsx");
  const [head, ...rows] = openFile("xlsx", path, password).sheets.Customers;
  const columns = (await admin(env.worker, "/admin/v1/channels/demo/exports/columns")).columns.filter((c) => pick.includes(c.key));
  assert.deepEqual(head, columns.map((c) => c.title), "the channel's order and display names, not the request's order");
  assert.ok(head.includes("プラン") && head.includes("誕生日"));
  const at = (row, key) => row[columns.findIndex((c) => c.key === key)];
  for (const row of rows) {
    const api = await admin(env.worker, `/admin/v1/channels/demo/customers/${at(row, "id")}`);
    assert.equal(at(row, "name"), api.name);
    assert.equal(at(row, "tags"), api.tags.join(", "));
    assert.equal(at(row, "sessionsCount"), api.sessionsCount);
    assert.equal(at(row, "member"), api.member);
    assert.equal(at(row, "profile.email"), api.profile.email);
    assert.equal(at(row, "profile.plan"), api.profile.plan);
    assert.equal(at(row, "profile.points"), api.profile.points);
    assert.equal(at(row, "profile.vip"), api.profile.vip);
    assert.equal(at(row, "profile.interests"), api.profile.interests.join(", "));
    assert.equal(at(row, "web.browser"), api.web.browser);
    assert.equal(at(row, "unsubscribeEmail"), api.unsubscribeEmail);
    sameTime(at(row, "createdAt"), api.createdAt, "createdAt");
    sameTime(at(row, "profile.birthday"), api.profile.birthday, "birthday");
  }
  const long = rows.find((r) => at(r, "id") === "v_dl_3");
  const memo = at(long, "profile.description");
  assert.ok(memo.length <= 32_767 && memo.length > 32_000, `a cell over Excel's limit is cut (${memo.length})`);
  assert.ok(memo.endsWith("…[cut]"), "and marked");
});

test("a CSV export of a search comes in an AES-256 ZIP, UTF-8 with a byte-order mark, formulas escaped", async () => {
  const password = "csv-password";
  const asked = await adminCall(env.worker, "POST", "/admin/v1/channels/demo/exports", {
    reason: "メール配信リスト", password, format: "csv", q: "example.jp",
    filter: { field: "tags", op: "containsAny", value: ["常連"] }, columns: ["id", "name", "profile.email"],
  });
  assert.equal(asked.status, 202, JSON.stringify(asked.body));
  const job = await jobWhen(asked.body.id, (j) => j.state === "done");
  const file = await fetch(`${env.worker.base}/admin/v1/channels/demo/exports/${job.id}/files/1`, { headers: { authorization: "Bearer kz_demo_owner_token" } });
  const { path } = await save(file, "customers-csv.zip");
  const opened = openFile("zip", path, password);
  const csv = opened.entries["customers.csv"];
  assert.ok(csv.startsWith("\uFEFF"), "a byte-order mark for Excel");
  assert.ok(csv.includes("山田 花子"));
  assert.ok(csv.includes(`"'=HYPERLINK(""https://evil.example"")"`), "a formula-looking name is escaped");
  assert.equal(job.total, 3);
  assert.equal(job.files[0].rows, job.total);
  assert.equal(csv.trim().split("\r\n").length, 4, "a header and three rows, CRLF");
  assert.deepEqual(openFile("zip", path, "not the password"), { refused: "password" });
  // Debian's 7-Zip (installed by ensure_pyenv): `7zz` on bookworm, `7z` elsewhere.
  const sevenZip = ["7zz", "7z"].find((name) => !spawnSync(name, ["i"], { encoding: "utf8" }).error);
  assert.ok(sevenZip, "7-Zip is installed (scripts/lib.sh ensure_pyenv)");
  const tested = spawnSync(sevenZip, ["t", `-p${password}`, path], { encoding: "utf8" });
  assert.equal(tested.status, 0, tested.stdout);
  assert.notEqual(spawnSync(sevenZip, ["t", "-pwrong-one", path], { encoding: "utf8" }).status, 0, "7-Zip refuses a wrong password");
});

test("one customer's data: everything Kizuna holds, as JSON in an AES-256 ZIP", async () => {
  const password = "data-access-request";
  const { path, bytes } = await save(
    await download("/admin/v1/channels/demo/customers/v_dl_1/download", { reason: "開示請求", password }),
    "customer-data.zip",
  );
  assert.equal(bytes.subarray(0, 2).toString(), "PK");
  const doc = JSON.parse(openFile("zip", path, password).entries["customer-v_dl_1.json"]);
  const api = await admin(env.worker, "/admin/v1/channels/demo/customers/v_dl_1");
  assert.equal(doc.customer.profile.email, api.profile.email);
  assert.deepEqual(doc.customer.tags, api.tags);
  assert.equal(doc.sessions.count, 7);
  assert.deepEqual(doc.messages.map((m) => m.campaignId).sort(), ["c_dl_auto", "c_dl_news"]);
  assert.ok(Array.isArray(doc.emailsAndSms));
  assert.deepEqual(openFile("zip", path, "wrong-password"), { refused: "password" });
});

test("a member's attempts are refused, produce nothing and are logged as denied; bad input names its field", async () => {
  const exportsBefore = sqlRows(env.worker, "SELECT COUNT(*) AS n FROM exports")[0].n;
  const denied = await download("/admin/v1/campaigns/c_dl_auto/download", { reason: "見たい", password: "member-pass" }, MEMBER_TOKEN);
  assert.equal(denied.status, 403);
  assert.equal((await denied.json()).error.field, "role");
  const deniedExport = await download("/admin/v1/channels/demo/exports", { reason: "持ち出し", password: "member-pass", format: "csv" }, MEMBER_TOKEN);
  assert.equal(deniedExport.status, 403);
  assert.equal(sqlRows(env.worker, "SELECT COUNT(*) AS n FROM exports")[0].n, exportsBefore, "no job was made");
  const list = await fetch(`${env.worker.base}/admin/v1/channels/demo/exports`, { headers: { authorization: `Bearer ${MEMBER_TOKEN}` } });
  assert.equal(list.status, 403);

  const audit = await admin(env.worker, "/admin/v1/channels/demo/audit?actor=m_dl_member");
  assert.deepEqual(
    audit.items.map((e) => [e.action, e.allowed, e.reason, e.actor.name, e.actor.email]),
    [
      ["customerExport", false, "持ち出し", "Downloads member", "member@downloads.invalid"],
      ["campaignResults", false, "見たい", "Downloads member", "member@downloads.invalid"],
    ],
  );

  for (const [body, field] of [
    [{ reason: "", password: "long enough" }, "reason"],
    [{ reason: "x", password: "short" }, "password"],
    [{ reason: "x", password: "p".repeat(256) }, "password"],
    [{ reason: "x", password: "long enough", extra: 1 }, "extra"],
  ]) {
    const answer = await download("/admin/v1/campaigns/c_dl_auto/download", body);
    assert.equal(answer.status, 400);
    assert.equal((await answer.json()).error.field, field);
  }
  const bad = await adminCall(env.worker, "POST", "/admin/v1/channels/demo/exports", {
    reason: "x", password: "long enough", format: "xlsx", ids: ["v_dl_1", "not an id"],
  });
  assert.equal(bad.body.error.field, "ids[1]");
});

test("30,000 customers and more finish through the queue in numbered files; a file answers 404 after 24 hours and the cron deletes it", async () => {
  const password = "全顧客-password";
  const started = Date.now();
  const asked = await adminCall(env.worker, "POST", "/admin/v1/channels/demo/exports", { reason: "全件バックアップ", password, format: "xlsx" });
  assert.equal(asked.status, 202, JSON.stringify(asked.body));
  const total = asked.body.total;
  assert.ok(total > BULK, `${total} customers`);
  const job = await jobWhen(asked.body.id, (j) => j.state === "done" || j.state === "failed", 300_000);
  console.log(`export of ${total} customers: ${Date.now() - started} ms through the queue, files ${job.files.map((f) => `${f.rows} rows ${f.bytes} bytes`).join(", ")}`);
  assert.equal(job.state, "done", job.error ?? "");
  assert.deepEqual(job.files.map((f) => f.rows), [30_000, total - 30_000]);
  assert.equal(job.processed, total);
  const auth = { headers: { authorization: "Bearer kz_demo_owner_token" } };
  const second = await save(await fetch(`${env.worker.base}/admin/v1/channels/demo/exports/${job.id}/files/2`, auth), "all-2.xlsx");
  const rows = openFile("xlsx", second.path, password).sheets.Customers;
  assert.equal(rows.length - 1, total - 30_000);
  // Every column, built-in and custom, of the customers the fixtures made whole.
  const columns = (await admin(env.worker, "/admin/v1/channels/demo/exports/columns")).columns;
  assert.deepEqual(rows[0], columns.map((c) => c.title));
  assert.equal(columns.filter((c) => ["プラン", "ポイント", "VIP会員", "誕生日", "興味"].includes(c.title)).length, 5);
  const whole = rows.slice(1).filter((r) => String(r[0]).startsWith("v_dl_"));
  assert.equal(whole.length, 3);
  for (const row of whole) await sameCustomer(row, columns);
  const first = await save(await fetch(`${env.worker.base}/admin/v1/channels/demo/exports/${job.id}/files/1`, auth), "all-1.xlsx");
  const firstRows = openFile("xlsx", first.path, password).sheets.Customers;
  assert.equal(firstRows.length - 1, 30_000);
  await sameCustomer(firstRows[12_345], columns);

  // The owner who asked was emailed a link to the job list.
  const { mails: outbox } = await (await fetch(`${env.worker.base}/dev/outbox.json`)).json();
  const mail = outbox.find((m) => m.to === "owner@demo.kizuna.invalid" && m.link.endsWith("/console/c/demo/exports"));
  assert.ok(mail, `the owner was told by email: ${JSON.stringify(outbox).slice(0, 400)}`);
  assert.ok(mail.link.startsWith(env.worker.base), `${mail.link} is on the origin the owner asked from`);

  // Another owner of the channel (a second owner account) gets 404 for the same file.
  sqlNow(
    env.worker,
    `INSERT INTO members (id, email, name, created_at) VALUES ('m_dl_owner2', 'owner2@downloads.invalid', 'Second owner', 0);
     INSERT INTO channel_members (channel_id, member_id, role) VALUES ('demo', 'm_dl_owner2', 'owner');
     INSERT INTO api_tokens (token_hash, member_id, label, created_at) VALUES ('${sha256("kz_dl_owner2")}', 'm_dl_owner2', 'owner2', 0);`,
  );
  await settle(env.worker);
  const other = await fetch(`${env.worker.base}/admin/v1/channels/demo/exports/${job.id}/files/1`, { headers: { authorization: "Bearer kz_dl_owner2" } });
  assert.equal(other.status, 404, "only the owner who asked");

  await moveClock(env.worker, DAY + 60_000);
  const late = await fetch(`${env.worker.base}/admin/v1/channels/demo/exports/${job.id}/files/1`, auth);
  assert.equal(late.status, 404, "24 hours after the job ended");
  await fireCron(env.worker);
  const deleted = sqlRows(env.worker, `SELECT files_deleted_at FROM exports WHERE id = '${job.id}'`)[0].files_deleted_at;
  assert.ok(deleted !== null, "the cron deleted the files");
  await moveClock(env.worker, 0);
});

test("a running export can be cancelled: its password is erased and it writes nothing more", async () => {
  const asked = await adminCall(env.worker, "POST", "/admin/v1/channels/demo/exports", { reason: "取り消し", password: "cancel-me-please", format: "csv" });
  const cancelled = await adminCall(env.worker, "POST", `/admin/v1/channels/demo/exports/${asked.body.id}/cancel`);
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
  assert.equal(cancelled.body.state, "cancelled");
  assert.equal(sqlRows(env.worker, `SELECT sealed_password FROM exports WHERE id = '${asked.body.id}'`)[0].sealed_password, null);
  const again = await adminCall(env.worker, "POST", `/admin/v1/channels/demo/exports/${asked.body.id}/cancel`);
  assert.equal(again.status, 409);
  assert.equal(again.body.error.field, "state");

  // Five downloads in preparation at once are the most a channel gets; the sixth waits (429).
  const running = Array.from({ length: 5 }, (_, i) => `('exp_busy_${i}', 'demo', 'm_demo_owner', 'Demo Owner', 'owner@demo.kizuna.invalid',
    'busy', 'csv', 'all', '["id"]', ${Date.now()}, 'running', 1, ${Date.now()}, ${Date.now()})`);
  sqlNow(env.worker, `INSERT INTO exports (id, channel_id, requested_by, requester_name, requester_email, reason, format, scope, columns,
    evaluated_at, state, total, created_at, updated_at) VALUES ${running.join(", ")};`);
  await settle(env.worker);
  const sixth = await adminCall(env.worker, "POST", "/admin/v1/channels/demo/exports", { reason: "もう一つ", password: "one-more-time", format: "csv" });
  assert.equal(sixth.status, 429, JSON.stringify(sixth.body));
  assert.equal(sixth.body.error.field, "exports");
  sqlNow(env.worker, "UPDATE exports SET state = 'cancelled', finished_at = updated_at WHERE id LIKE 'exp_busy_%';");
  await settle(env.worker);

  // A job whose messages kept failing for an hour is given up by the cron, and says why.
  const hourAgo = Date.now() - 61 * 60 * 1000;
  sqlNow(env.worker, `INSERT INTO exports (id, channel_id, requested_by, requester_name, requester_email, reason, format, scope, columns,
    evaluated_at, sealed_password, state, total, created_at, updated_at) VALUES ('exp_stuck', 'demo', 'm_demo_owner', 'Demo Owner',
    'owner@demo.kizuna.invalid', 'stuck', 'csv', 'all', '["id"]', ${hourAgo}, 'abcd', 'running', 1, ${hourAgo}, ${hourAgo});`);
  await settle(env.worker);
  await fireCron(env.worker);
  const stuck = await admin(env.worker, "/admin/v1/channels/demo/exports/exp_stuck");
  assert.equal(stuck.state, "failed");
  assert.match(stuck.error, /within an hour/);
  assert.equal(sqlRows(env.worker, "SELECT sealed_password FROM exports WHERE id = 'exp_stuck'")[0].sealed_password, null);
});

test("the audit log lists every download by person and period, and the cron forgets entries older than a year", async () => {
  const all = await admin(env.worker, "/admin/v1/channels/demo/audit?limit=100");
  const mine = all.items.filter((e) => e.actor.accountId === "m_demo_owner");
  for (const action of ["campaignResults", "customerExport", "exportFile", "customerData"]) {
    assert.ok(mine.some((e) => e.action === action && e.allowed), `${action} is logged`);
  }
  const results = mine.find((e) => e.action === "campaignResults" && e.campaignId === "c_dl_auto");
  assert.equal(results.reason, "月次レポート");
  assert.equal(results.fileKind, "xlsx");
  assert.ok(results.rows >= 3);
  const exported = mine.find((e) => e.action === "customerExport" && e.reason === "顧客分析");
  assert.deepEqual(exported.search, { ids: 3 });
  assert.ok(exported.columns.includes("profile.plan"));
  const searched = mine.find((e) => e.action === "customerExport" && e.reason === "メール配信リスト");
  assert.equal(searched.search.q, "example.jp");
  assert.deepEqual(searched.search.filter, { field: "tags", op: "containsAny", value: ["常連"] });

  const period = await admin(env.worker, `/admin/v1/channels/demo/audit?from=${now - 1000}&to=${now}`);
  assert.deepEqual(period.items, [], "nothing was logged before the tests began");
  const page = await admin(env.worker, "/admin/v1/channels/demo/audit?limit=2");
  assert.equal(page.items.length, 2);
  const next = await admin(env.worker, `/admin/v1/channels/demo/audit?limit=2&next=${encodeURIComponent(page.next)}`);
  assert.notEqual(next.items[0].id, page.items[1].id);

  const old = Date.now() - 366 * DAY;
  sqlNow(
    env.worker,
    `INSERT INTO audit_log (id, channel_id, at, actor_account_id, actor_name, actor_email, action, allowed, reason)
     VALUES ('aud_old', 'demo', ${old}, 'm_gone', 'Left long ago', 'gone@example.invalid', 'customerExport', 1, 'old'),
            ('aud_young', 'demo', ${Date.now() - 364 * DAY}, 'm_gone', 'Left long ago', 'gone@example.invalid', 'customerExport', 1, 'young');`,
  );
  await settle(env.worker);
  const before = await admin(env.worker, "/admin/v1/channels/demo/audit?actor=m_gone");
  assert.deepEqual(before.items.map((e) => e.id), ["aud_young", "aud_old"], "a person who left is still named");
  await fireCron(env.worker);
  const after = await admin(env.worker, "/admin/v1/channels/demo/audit?actor=m_gone");
  assert.deepEqual(after.items.map((e) => e.id), ["aud_young"], "366 days old is gone; 364 stays");
  for (const method of ["PUT", "PATCH", "DELETE"]) {
    const answer = await fetch(`${env.worker.base}/admin/v1/channels/demo/audit`, { method, headers: { authorization: "Bearer kz_demo_owner_token" } });
    assert.equal(answer.status, 405, `no route ${method}s the log`);
  }
});
