// What every console test shares: a page in a fresh browser context with a locale, axe-core
// on what it shows, screenshots under target/e2e/screenshots/console-*.png, and signing in
// through the API (the cookie lands in the context). Import it beside `suite()`.
import assert from "node:assert/strict";
import { readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { DEMO_OWNER, ROOT, SCREENSHOTS } from "./harness.mjs";

const AXE = readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");

export function consoleKit(env) {
  /** A page in a fresh context with `locale`, recording every console error and page error. */
  async function open(path, locale = "en-US") {
    const context = await env.browser.newContext({ locale, viewport: { width: 1024, height: 720 } });
    const page = await context.newPage();
    const errors = [];
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${env.worker.base}${path}`);
    return { page, errors, context, close: () => context.close() };
  }

  /**
   * Runs axe-core with every rule it has. It is evaluated through the DevTools protocol
   * (`page.evaluate` of its source), which the page's CSP does not govern, so the page keeps
   * its real policy: `addScriptTag` would add an inline script the CSP refuses, and a
   * `bypassCSP` context would no longer test the page as served.
   */
  async function assertAccessible(page, what) {
    await page.evaluate(AXE);
    const violations = await page.evaluate(async () => (await window.axe.run(document)).violations);
    const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    assert.deepEqual(
      serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
      [],
      `axe on ${what}`,
    );
  }

  async function screenshot(page, name) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`), animations: "disabled" });
  }


  /**
   * A page already signed in as `who` (the demo owner by default): signs in through the
   * API inside the context, so the session cookie is the context's, then opens `path`.
   */
  async function openSignedIn(path, { locale = "en-US", who = DEMO_OWNER, viewport } = {}) {
    const context = await env.browser.newContext({ locale, viewport: viewport ?? { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = [];
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${env.worker.base}/console/sign-in`);
    const status = await page.evaluate(
      async ({ email, password }) =>
        (
          await fetch("/admin/v1/sessions", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ email, password }),
          })
        ).status,
      who,
    );
    assert.equal(status, 200, `sign in as ${who.email}`);
    await page.goto(`${env.worker.base}${path}`);
    return { page, errors, context, close: () => context.close() };
  }

  /** Captures `name` in English and Japanese (switching with the language button), with axe on each. */
  async function bothLanguages(page, name, ready = async () => {}) {
    const lang = await page.evaluate(() => document.documentElement.lang);
    for (const [code, button] of lang === "ja" ? [["ja", "English"], ["en", "日本語"]] : [["en", "日本語"], ["ja", "English"]]) {
      await ready(code);
      await assertAccessible(page, `${name} (${code})`);
      await screenshot(page, `${name}-${code}`);
      await page.getByRole("button", { name: button, exact: true }).first().click();
      await page.waitForFunction((want) => document.documentElement.lang !== want, code);
    }
  }

  return { open, assertAccessible, screenshot, openSignedIn, bothLanguages };
}

/**
 * Waits until the element with `id` has focus. The console moves focus on the frame after
 * the view changes (so a field is already `aria-invalid` when it gets focus), so a check
 * made the moment a message appears can run one frame early.
 */
export async function focused(page, id) {
  try {
    await page.waitForFunction((want) => document.activeElement?.id === want, id, { timeout: 5000 });
  } catch {
    const actual = await page.evaluate(() => document.activeElement?.id ?? "");
    assert.fail(`focus is on "${actual}", not "${id}"`);
  }
}
