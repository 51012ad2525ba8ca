// End-to-end harness: the built worker under `wrangler dev` on a free loopback port with a
// fresh state folder (migrated and seeded like `scripts/dev`), and headless Chromium.
import { spawn, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync,
} from "node:fs";
import { createServer } from "node:net";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { before, after } from "node:test";
import { chromium } from "playwright-core";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const OUT = join(ROOT, "target", "e2e");
export const SCREENSHOTS = join(OUT, "screenshots");
export const OWNER_TOKEN = "kz_demo_owner_token";
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitUntil(what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The demo owner `edge/seed/demo.sql` seeds (an account of the console; `scripts/dev` prints it). */
export const DEMO_OWNER = { email: "owner@demo.kizuna.invalid", password: "demo-owner-password" };

/** A running fullscreen campaign on the demo shop's newsletter page (a fixture for `startWorker({ sql })`). */
export const NEWSLETTER_FULLSCREEN = `INSERT INTO campaigns (id, channel_id, name, state, priority, definition, created_at, updated_at)
VALUES ('c_newsletter_full', 'demo', 'Newsletter: fullscreen invitation', 'running', 20,
 '{"id":"c_newsletter_full","name":"Newsletter: fullscreen invitation","state":"running",
   "trigger":{"event":"PageView","urlContains":"/newsletter"},
   "message":{"sender":{"name":"Kizuna Tea Shop"},"text":"Join 4,000 tea lovers: one letter a month, 10% off your next order.",
              "buttons":[{"label":"Subscribe","url":"/sale"}],"display":"fullscreen"},
   "goal":{"kind":"clicked"}}', 1795000000000, 1795000000000)`;

/**
 * The state folder `scripts/seed-local` makes (migrations and the demo seed), made once per
 * run and copied for each worker: seeding takes ~19 s of `wrangler` start-ups, the copy
 * milliseconds. Named by a hash of the migrations and the seed, so a changed migration
 * seeds again; made in a scratch folder and renamed, so a concurrent file never copies
 * a half-seeded one.
 */
function seededState() {
  const migrations = join(ROOT, "edge", "migrations");
  const hash = createHash("sha256");
  for (const name of readdirSync(migrations).sort()) hash.update(name).update(readFileSync(join(migrations, name)));
  hash.update(readFileSync(join(ROOT, "edge", "seed", "demo.sql")));
  const seeded = join(OUT, `seeded-${hash.digest("hex").slice(0, 16)}`);
  if (!existsSync(seeded)) {
    const scratch = mkdtempSync(join(OUT, "seeding-"));
    execFileSync("bash", [join(ROOT, "scripts", "seed-local"), scratch], { cwd: ROOT, stdio: "inherit" });
    try {
      renameSync(scratch, seeded);
    } catch {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return seeded;
}

/**
 * Starts the worker with a fresh, seeded state folder. `sql` statements run against its
 * D1 database before it starts (fixtures beyond the demo seed); `vars` (`{ NAME: value }`)
 * are passed to `wrangler dev` as `--var NAME:value` (settings and secrets).
 */
export async function startWorker({ sql = [], devClock = true, vars = {} } = {}) {
  mkdirSync(OUT, { recursive: true });
  const state = mkdtempSync(join(OUT, "state-"));
  cpSync(seededState(), state, { recursive: true });
  if (sql.length > 0) {
    withD1(state, (db) => db.exec(`BEGIN;\n${sql.map((statement) => `${statement.trim().replace(/;$/, "")};\n`).join("")}COMMIT;`));
  }
  // VISITOR_SECRET signs visitor tokens (the public API refuses to work without it);
  // EXPORT_SECRET seals an export's file password while its job waits.
  const settings = { VISITOR_SECRET: "e2e-visitor-secret", EXPORT_SECRET: "e2e-export-secret", ...vars };
  const varArgs = Object.entries(settings).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  // Two files start at once (scripts/test): wrangler has been seen to lose a race for one
  // of its own local sockets ("Address already in use") and hang, and a start-up beside
  // another file's work on two cores to take over a minute. So a start that does not
  // answer within two minutes is stopped and made again on a new port, three times at most.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const logPath = join(OUT, `wrangler-${port}.log`);
    const log = createWriteStream(logPath);
    const child = spawn(
      WRANGLER,
      [
        "dev", "-c", "edge/wrangler.toml", "--local", "--test-scheduled", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", state,
        // The development clock (edge/src/clock.rs): tests move time with PUT /dev/clock.
        ...(devClock ? ["--var", "KIZUNA_DEV_CLOCK:on"] : []),
        ...varArgs,
      ],
      { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
    );
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    let gone = false;
    const exited = new Promise((resolve) => child.once("exit", () => resolve((gone = true))));
    const kill = async () => {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {}
      }, 5000);
      await exited;
      clearTimeout(timer);
    };
    if (await answers(base, () => gone, 120_000)) {
      return {
        base,
        state,
        async stop() {
          await kill();
          rmSync(state, { recursive: true, force: true });
        },
      };
    }
    await kill();
    if (attempt >= 3) throw new Error(`wrangler dev did not answer ${base}/healthz in three tries (its log: ${logPath})`);
  }
}

/** Polls `base`/healthz until it answers 200 (true), or the server is `gone()` or `ms` pass (false). */
async function answers(base, gone, ms) {
  const deadline = Date.now() + ms;
  while (!gone() && Date.now() < deadline) {
    try {
      const response = await fetch(`${base}/healthz`);
      await response.arrayBuffer();
      if (response.ok) return true;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

/**
 * `fetch` for a request that changes nothing, tried again (three tries in all) when the
 * connection fails before any answer: the dev server has been seen to drop a pooled
 * connection after `wrangler d1 execute` touched its state from another process, which is
 * not what a test is about. A request that changes something is never repeated.
 */
export async function fetchRead(url, init = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

/** GETs an admin endpoint with the demo owner's token. */
export async function admin(worker, path) {
  const response = await fetchRead(`${worker.base}${path}`, { headers: { authorization: `Bearer ${OWNER_TOKEN}` } });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Polls a campaign's stats until `ready(stats)`: reports sent with keepalive may land after navigation. */
export async function statsWhen(worker, campaign, ready) {
  let last;
  try {
    return await waitUntil(`stats of ${campaign}`, async () => {
      last = await admin(worker, `/admin/v1/campaigns/${campaign}/stats`);
      return ready(last) && last;
    }, 10_000);
  } catch (error) {
    throw new Error(`${error.message}; last answer: ${JSON.stringify(last?.totals)}`);
  }
}

/** Polls a customer of the demo channel until `ready(customer)` (rows are written as visits land). */
export async function customerWhen(worker, id, ready) {
  let last;
  try {
    return await waitUntil(`customer ${id}`, async () => {
      last = await admin(worker, `/admin/v1/channels/demo/customers/${id}`).catch(() => undefined);
      return last && ready(last) && last;
    }, 10_000);
  } catch (error) {
    throw new Error(`${error.message}; last answer: ${JSON.stringify(last)}`);
  }
}

/**
 * Registers hooks that start a worker (fresh state, `sql` fixtures, `vars`) and, unless
 * told otherwise, headless Chromium for the calling test file, and stop both after it.
 * Returns an object whose `worker` and `browser` are set once the hooks ran.
 */
export function suite({ sql = [], browser = true, devClock = true, vars = {} } = {}) {
  const env = {};
  before(async () => {
    env.worker = await startWorker({ sql, devClock, vars });
    if (browser) env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.worker?.stop();
  });
  return env;
}

/** Calls the admin API with the demo owner's token; answers `{status, body}`. */
export async function adminCall(worker, method, path, body) {
  const response = await (method === "GET" ? fetchRead : fetch)(`${worker.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${OWNER_TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/**
 * Opens the local D1 database of a state folder (the SQLite file `wrangler dev` keeps for
 * the `DB` binding) with foreign keys on, as D1 has them, and waits up to 10 s for a lock
 * the running worker holds. Direct, not `wrangler d1 execute`: each of those starts
 * wrangler and a workerd, about 4 s of CPU, and dozens ran per test run.
 */
function withD1(state, use) {
  const dir = join(state, "v3", "d1", "miniflare-D1DatabaseObject");
  const files = readdirSync(dir).filter((name) => name.endsWith(".sqlite") && name !== "metadata.sqlite");
  if (files.length !== 1) throw new Error(`one D1 database expected in ${dir}: ${files}`);
  const db = new DatabaseSync(join(dir, files[0]));
  try {
    db.exec("PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;");
    return use(db);
  } finally {
    db.close();
  }
}

/** Runs SQL statements against a running worker's local D1 database (as a redelivered job or a crash would leave it). */
export function sqlNow(worker, statement) {
  withD1(worker.state, (db) => db.exec(statement));
}

/** The rows an SQL query answers from a running worker's local D1 database. */
export function sqlRows(worker, query) {
  return withD1(worker.state, (db) => db.prepare(query).all().map((row) => ({ ...row })));
}

/**
 * Waits until the worker answers again after `wrangler d1 execute` or `wrangler kv`
 * touched its local state from another process: the dev server has been seen to drop
 * the next connection once ("other side closed"), which is not what a test is about.
 */
export async function settle(worker) {
  for (let i = 0; ; i++) {
    try {
      const response = await fetch(`${worker.base}/healthz`);
      await response.text();
      if (response.ok) return;
    } catch (error) {
      if (i >= 5) throw error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Writes (or with `value` null, deletes) a key of a running worker's local KV namespace, as a stale published copy would leave it. */
export function kvNow(worker, key, value) {
  const args = value === null ? ["kv", "key", "delete", key] : ["kv", "key", "put", key, value];
  execFileSync(WRANGLER, [...args, "--binding", "KV", "--local", "--persist-to", worker.state, "-c", "edge/wrangler.toml"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** Moves the worker's development clock to `offsetMs` from real time; answers the worker's now. */
export async function moveClock(worker, offsetMs) {
  const response = await fetch(`${worker.base}/dev/clock`, { method: "PUT", body: JSON.stringify({ offsetMs }) });
  if (!response.ok) throw new Error(`/dev/clock: ${response.status} ${await response.text()}`);
  return (await response.json()).now;
}

/**
 * Boots a new visitor of `channel` through `POST /v1/boot` (`extra`: memberId, profile,
 * or the visitorId and token of a returning one); answers the boot's reply, whose
 * `visitorId` and `token` every other public request carries.
 */
export async function bootVisitor(worker, extra = {}, channel = "demo") {
  const response = await fetch(`${worker.base}/v1/boot`, { method: "POST", body: JSON.stringify({ channel, ...extra }) });
  const text = await response.text();
  if (!response.ok) throw new Error(`/v1/boot: ${response.status} ${text}`);
  return JSON.parse(text);
}

/** POSTs `body` to a public route as `visitor` (a `bootVisitor` reply): adds its channel, id and token. */
export async function asVisitor(worker, path, visitor, body = {}) {
  return fetch(`${worker.base}${path}`, {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: JSON.stringify({ channel: "demo", visitorId: visitor.visitorId, token: visitor.token, ...body }),
  });
}

/** Fires the worker's cron once (wakes due visitors, starts due broadcasts). */
export async function fireCron(worker) {
  const response = await fetch(`${worker.base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}`);
  if (!response.ok) throw new Error(`cron: ${response.status} ${await response.text()}`);
}
