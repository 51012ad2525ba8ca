// The admin console's skeleton (issue 11): served at /console/ from the assets with its
// security headers and never its sources; the sign-in screen in English and Japanese,
// by keyboard alone, with API errors in the chosen language; axe-core on every captured
// screen; the demo owner signs in, sees their channels and signs out. Runs against the
// real worker (no mocks).
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEMO_OWNER, suite } from "./harness.mjs";
import { consoleKit } from "./console-kit.mjs";

const env = suite();
const { open, openSignedIn, assertAccessible, screenshot, bothLanguages } = consoleKit(env);

const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const focused = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.className || "");

test("the console is served at /console/ with its security headers", async () => {
  const response = await fetch(`${env.worker.base}/console/`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type"), /text\/html/);
  assert.equal(response.headers.get("content-security-policy"), CSP);
  assert.equal(response.headers.get("x-content-type-options"), "nosniff");
  assert.equal(response.headers.get("referrer-policy"), "same-origin");
  const html = await response.text();
  assert.match(html, /<script type="module" src="\/console\/main.js"><\/script>/);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, "no inline script");
  // main.js starts the build in its hashed folder: the glue, the first-load wasm and the
  // loader of the lazily loaded parts.
  const starter = await (await fetch(`${env.worker.base}/console/main.js`)).text();
  const app = starter.match(/"\.\/(app-[0-9a-f]{16})\/kizuna_console\.js"/)?.[1];
  assert.ok(app, `main.js imports the hashed build: ${starter}`);
  const files = ["main.js", "console.css", `${app}/kizuna_console.js`, `${app}/kizuna_console_bg.wasm`, `${app}/__wasm_split.js`];
  for (const file of files) {
    const asset = await fetch(`${env.worker.base}/console/${file}`);
    assert.equal(asset.status, 200, file);
    assert.equal(asset.headers.get("x-content-type-options"), "nosniff", file);
    assert.equal(asset.headers.get("content-security-policy"), CSP, file);
  }
  assert.equal((await fetch(`${env.worker.base}/console/${app}/kizuna_console_bg.wasm`)).headers.get("content-type"), "application/wasm");
});

test("/console redirects to /console/, and a screen's path answers the console", async () => {
  const bare = await fetch(`${env.worker.base}/console`, { redirect: "manual" });
  assert.equal(bare.status, 308);
  assert.equal(bare.headers.get("location"), "/console/");
  const screen = await fetch(`${env.worker.base}/console/sign-in`);
  assert.equal(screen.status, 200);
  assert.equal(screen.headers.get("content-security-policy"), CSP);
  assert.match(await screen.text(), /\/console\/main.js/);
});

test("the console's sources are never served", async () => {
  for (const path of ["/console/Cargo.toml", "/console/src/lib.rs", "/console/src/app.rs", "/console/assets/index.html"]) {
    const response = await fetch(`${env.worker.base}${path}`);
    assert.equal(response.status, 404, path);
    await response.arrayBuffer();
  }
});

test("the sign-in screen runs under the CSP without errors, in English for an English browser", async () => {
  const { page, errors, close } = await open("/console/sign-in", "en-US");
  await page.getByRole("heading", { name: "Sign in to Kizuna" }).waitFor();
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.equal(await page.title(), "Sign in · Kizuna");
  await assertAccessible(page, "sign-in (en)");
  await screenshot(page, "signin-en");
  assert.deepEqual(errors, []);
  await close();
});

test("a Japanese browser gets Japanese, and the switch changes the language and is remembered", async () => {
  const { page, errors, close } = await open("/console/sign-in", "ja-JP");
  await page.getByRole("heading", { name: "Kizuna にサインイン" }).waitFor();
  assert.equal(await page.getAttribute("html", "lang"), "ja");
  await assertAccessible(page, "sign-in (ja)");
  await screenshot(page, "signin-ja");

  await page.getByRole("button", { name: "English" }).click();
  await page.getByRole("heading", { name: "Sign in to Kizuna" }).waitFor();
  assert.equal(await page.getAttribute("html", "lang"), "en");
  await page.reload();
  await page.getByRole("heading", { name: "Sign in to Kizuna" }).waitFor();
  await page.getByRole("button", { name: "日本語" }).click();
  await page.getByRole("heading", { name: "Kizuna にサインイン" }).waitFor();
  assert.deepEqual(errors, []);
  await close();
});

test("sign-in works by keyboard alone: Tab reaches email, password, submit, the reset link and the language switch; Enter submits", async () => {
  const { page, close } = await open("/console/sign-in", "en-US");
  await page.getByRole("heading", { name: "Sign in to Kizuna" }).waitFor();
  const order = [];
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press("Tab");
    order.push(await focused(page));
  }
  assert.deepEqual(order, ["email", "password", "primary", "link", "language"]);

  // Enter in an empty form: each field says what it needs, beside it, and focus goes to the first.
  for (let i = 0; i < 4; i++) await page.keyboard.press("Shift+Tab");
  assert.equal(await focused(page), "email");
  await page.keyboard.press("Enter");
  assert.equal(await page.locator("#email-error").textContent(), "Enter your email address.");
  assert.equal(await page.locator("#password-error").textContent(), "Enter your password.");
  assert.equal(await page.getAttribute("#email", "aria-invalid"), "true");
  assert.equal(await page.getAttribute("#email", "aria-describedby"), "email-error");
  assert.equal(await focused(page), "email");
  await assertAccessible(page, "sign-in with field errors (en)");
  await screenshot(page, "signin-field-errors-en");

  // The errors follow the language.
  await page.getByRole("button", { name: "日本語" }).click();
  assert.equal(await page.locator("#email-error").textContent(), "メールアドレスを入力してください。");
  await page.getByRole("button", { name: "English" }).click();

  await page.locator("#email").focus();
  await page.keyboard.type("owner@example.com");
  await page.keyboard.press("Tab");
  await page.keyboard.type("correct horse battery staple");
  const posted = page.waitForRequest((r) => r.url().endsWith("/admin/v1/sessions") && r.method() === "POST");
  await page.keyboard.press("Enter");
  const request = await posted;
  assert.deepEqual(JSON.parse(request.postData()), { email: "owner@example.com", password: "correct horse battery staple" });
  assert.match(request.headers()["content-type"], /application\/json/);
  await close();
});

test("the worker's real answer to a sign-in is shown in the chosen language, beside the field it names", async () => {
  const { page, close } = await open("/console/sign-in", "ja-JP");
  await page.getByRole("heading", { name: "Kizuna にサインイン" }).waitFor();
  await page.locator("#email").fill("owner@example.com");
  await page.locator("#password").fill("not the password");
  const answered = page.waitForResponse((r) => r.url().endsWith("/admin/v1/sessions"));
  await page.getByRole("button", { name: "サインイン" }).click();
  const response = await answered;
  const { error } = await response.json();

  // What the console must say for each answer the worker can give (see src/problem.rs).
  assert.equal(response.status(), 401, JSON.stringify(error));
  assert.equal(error.field, "password");
  // Beside the field the answer names, in the same words for an unknown email and a
  // wrong password: nobody learns who has an account.
  const beside = page.locator("#password-error");
  await beside.filter({ hasText: /./ }).waitFor();
  assert.equal((await beside.textContent()).trim(), "メールアドレスまたはパスワードが正しくありません。");
  assert.equal(await page.getAttribute("#password", "aria-invalid"), "true");
  assert.equal(await page.locator("#email-error").textContent(), "");
  await assertAccessible(page, "sign-in with a form error (ja)");
  await screenshot(page, "signin-form-error-ja");
  await close();
});

test("an unknown console path shows the not-found screen, which links home", async () => {
  const { page, errors, close } = await open("/console/no-such-screen", "en-US");
  await page.getByRole("heading", { name: "Page not found" }).waitFor();
  await assertAccessible(page, "not found (en)");
  assert.deepEqual(errors, []);
  await close();
});

test("the home asks the worker who is signed in, and without a session leads to sign-in", async () => {
  const { page, close } = await open("/console/", "en-US");
  const me = await page.waitForResponse((r) => r.url().endsWith("/admin/v1/me"));
  assert.equal(me.status(), 401);
  // No session: straight to the sign-in screen, replacing the home in the history.
  await page.getByRole("heading", { name: "Sign in to Kizuna" }).waitFor();
  assert.equal(new URL(page.url()).pathname, "/console/sign-in");
  await close();
});

test("the demo owner signs in by keyboard, sees their channels in both languages, and signs out", async () => {
  const { page, errors, close } = await open("/console/sign-in", "en-US");
  await page.getByRole("heading", { name: "Sign in to Kizuna" }).waitFor();
  await page.keyboard.press("Tab");
  await page.keyboard.type(DEMO_OWNER.email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(DEMO_OWNER.password);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Your channels" }).waitFor();
  assert.equal(new URL(page.url()).pathname, "/console/");
  assert.equal((await page.locator(".account").textContent()).trim(), DEMO_OWNER.email);
  const demo = page.locator(".channels li").filter({ hasText: "Owner" });
  assert.equal(await demo.count(), 1, "the demo channel, as its owner");
  await assertAccessible(page, "home (en)");
  await screenshot(page, "home-en");
  await page.getByRole("button", { name: "日本語" }).click();
  await page.getByRole("heading", { name: "あなたのチャネル" }).waitFor();
  assert.equal(await page.locator(".channels li").filter({ hasText: "オーナー" }).count(), 1);
  await assertAccessible(page, "home (ja)");
  await screenshot(page, "home-ja");
  // The session lives in an HttpOnly cookie the page cannot read.
  assert.equal(await page.evaluate(() => document.cookie), "");
  await page.getByRole("button", { name: "サインアウト" }).click();
  await page.getByRole("heading", { name: "Kizuna にサインイン" }).waitFor();
  assert.equal(await page.evaluate(async () => (await fetch("/admin/v1/me")).status), 401, "signed out");
  assert.deepEqual(errors.filter((e) => !/401/.test(e)), []);
  await close();
});

test("the first load holds no screen's part; a part arrives in the background once signed in, and its screen opens", async () => {
  const { page, close } = await open("/console/sign-in");
  const fetched = [];
  page.on("request", (request) => fetched.push(new URL(request.url()).pathname));
  await page.getByLabel("Email").fill(DEMO_OWNER.email);
  await page.getByLabel("Password").fill(DEMO_OWNER.password);
  const before = fetched.length;
  assert.deepEqual(fetched.filter((path) => /\/(split|chunk)_.*\.wasm$/.test(path)), [], "sign-in needs no part");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Your channels" }).waitFor();
  // The background preload fetches each screen's part without being asked.
  await page.waitForFunction(() => performance.getEntriesByType("resource").some((e) => e.name.includes("split_console_settings")), null, {
    timeout: 20_000,
  });
  const parts = fetched.slice(before).filter((path) => /\/split_console_\w+\.wasm$/.test(path));
  // Four parts (www/console/src/parts.rs), each fetched once, and few shared chunks: one
  // part per screen once made 218 chunks, about 230 wasm files per signed-in page load.
  for (const part of ["customers", "campaigns", "campaign_edit", "settings"]) {
    assert.equal(parts.filter((path) => path.endsWith(`/split_console_${part}.wasm`)).length, 1, `the ${part} part, once: ${parts}`);
  }
  assert.equal(parts.length, 4, `no other part: ${parts}`);
  const chunks = fetched.filter((path) => /\/chunk_\d+\.wasm$/.test(path));
  assert.ok(chunks.length <= 11, `at most one chunk per set of parts sharing code: ${chunks.length}`);
  await page.locator(".channels li a").first().click();
  await page.locator("table.grid").waitFor();
  await close();
});

test("a screen whose part cannot load says so and offers a reload, which brings the screen", async () => {
  const { page, context, errors, close } = await openSignedIn("/console/sign-in");
  // As if the network dropped, or a deploy replaced the build this console was loaded from.
  await context.route("**/split_console_customers.wasm", (route) => route.abort());
  await page.goto(`${env.worker.base}/console/c/demo/customers`);
  const alert = page.getByRole("alert").filter({ hasText: "This screen could not be loaded" });
  await alert.waitFor({ timeout: 20_000 });
  await bothLanguages(page, "part-failed", async (lang) =>
    page.getByRole("button", { name: lang === "ja" ? "コンソールを再読み込み" : "Reload the console" }).waitFor(),
  );
  assert.ok(errors.every((e) => /split_console_customers|Failed to fetch|net::ERR_FAILED|TypeError/.test(e)), `only the failed fetch: ${errors}`);
  await context.unroute("**/split_console_customers.wasm");
  await page.getByRole("button", { name: "Reload the console" }).click();
  await page.locator("table.grid").waitFor({ timeout: 20_000 });
  await close();
});
