// Downloads in the console (issue 13, seeds 000, 003, 004): the download dialog on a
// campaign's statistics (each refusal beside its field, a valid one saves a workbook
// encrypted as Excel does, an OLE file), a customer export of the list's selection as a
// job that the job list shows done with its file (a ZIP of the CSV), one customer's data
// from the customer page (a ZIP), the audit log listing those downloads filtered by
// person, and a member who sees no download button and whom the API refuses. English and
// Japanese, axe-core on every captured screen. Real worker, no mocks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { DEMO_OWNER, fireCron, suite } from "./harness.mjs";
import { consoleKit, focused } from "./console-kit.mjs";

/** An account of its own (the demo owner's password), a member of the demo channel. */
const MEMBER = { email: "dl-member@downloads.invalid", password: DEMO_OWNER.password };
const env = suite({
  sql: [
    `INSERT INTO members (id, email, name, created_at, password_hash, password_salt, password_iterations)
     SELECT 'm_dl_member', '${MEMBER.email}', 'Dana Member', 1795000000000, password_hash, password_salt, password_iterations
     FROM members WHERE id = 'm_demo_owner';`,
    "INSERT INTO channel_members (channel_id, member_id, role) VALUES ('demo', 'm_dl_member', 'member');",
    `INSERT INTO customers (channel_id, id, created_at, updated_at, last_seen_at, sessions_count, name) VALUES
       ('demo', 'v_dl_aiko', 1795000000000, 1795000000000, 1795000300000, 2, 'Aiko Download'),
       ('demo', 'v_dl_bunta', 1795000000000, 1795000000000, 1795000200000, 1, 'Bunta Download'),
       ('demo', 'v_dl_chika', 1795000000000, 1795000000000, 1795000100000, 1, 'Chika Download')`,
  ],
});
const { openSignedIn, assertAccessible, screenshot, bothLanguages } = consoleKit(env);

const CAMPAIGN = "c_tea_bubble";
const OLE = [0xd0, 0xcf, 0x11, 0xe0];
const REASON = "Quarterly review of the autumn sale";
const PASSWORD = "correct horse battery";

const dialog = (page) => page.locator("dialog.download");
const submit = (page) => dialog(page).locator("button[type=submit]");

/** The first bytes of a download the page started while `act` ran. */
async function downloaded(page, act) {
  const [download] = await Promise.all([page.waitForEvent("download"), act()]);
  const bytes = readFileSync(await download.path());
  return { name: download.suggestedFilename(), bytes };
}

test("the statistics screen's download dialog shows each refusal beside its field and saves an encrypted workbook", async () => {
  for (const [locale, code] of [["en-US", "en"], ["ja-JP", "ja"]]) {
    const { page, errors, close } = await openSignedIn(`/console/c/demo/campaigns/${CAMPAIGN}`, { locale });
    await page.locator("#download-results").click();
    await dialog(page).waitFor();
    await focused(page, "reason");
    // Nothing typed: both fields say what is missing, focus on the first.
    await submit(page).click();
    await page.locator("#reason-error").filter({ hasText: code === "en" ? "Say why" : "理由" }).waitFor();
    await page.locator("#password-error").filter({ hasText: "8" }).waitFor();
    assert.equal(await page.locator("#password").getAttribute("aria-invalid"), "true");
    await focused(page, "reason");
    // A reason and a short password: only the password is refused.
    await page.locator("#reason").fill(REASON);
    await page.locator("#password").fill("short");
    await submit(page).click();
    await page.waitForFunction(() => !document.querySelector("#reason-error")?.textContent);
    await page.locator("#password-error").filter({ hasText: "255" }).waitFor();
    await focused(page, "password");
    // The password can be shown, and hidden again.
    const toggle = dialog(page).locator("button[aria-controls=password]");
    await toggle.click();
    assert.equal(await page.locator("#password").getAttribute("type"), "text");
    assert.equal(await toggle.getAttribute("aria-pressed"), "true");
    await toggle.click();
    assert.equal(await page.locator("#password").getAttribute("type"), "password");
    await assertAccessible(page, `download dialog (${code})`);
    await screenshot(page, `download-dialog-${code}`);
    // Tab stays in the dialog.
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press("Tab");
      assert.ok(await page.evaluate(() => !!document.activeElement?.closest("dialog.download")), `Tab ${i} left the dialog`);
    }
    if (code === "en") {
      // A valid download: an Excel workbook with a password to open is an OLE compound file.
      await page.locator("#password").fill(PASSWORD);
      const file = await downloaded(page, () => submit(page).click());
      assert.deepEqual([...file.bytes.subarray(0, 4)], OLE, `${file.name} is an encrypted workbook`);
      assert.match(file.name, /\.xlsx$/);
      await dialog(page).waitFor({ state: "hidden" });
      await focused(page, "download-results");
      await page.locator(".download-saved").filter({ hasText: file.name }).waitFor();
      // Escape closes it again, focus back on the button.
      await page.locator("#download-results").click();
      await dialog(page).waitFor();
      await page.keyboard.press("Escape");
      await dialog(page).waitFor({ state: "hidden" });
      await focused(page, "download-results");
    }
    assert.deepEqual(errors, []);
    await close();
  }
});

test("a customer export of the selection runs as a job, and the job list shows it done with its file", async () => {
  const { page, errors, close } = await openSignedIn("/console/c/demo/customers");
  await page.getByRole("checkbox", { name: "Select Aiko Download" }).check();
  await page.getByRole("checkbox", { name: "Select Bunta Download" }).check();
  await page.locator("#download-customers").click();
  await dialog(page).waitFor();
  // The selection is offered first; the columns arrive, all ticked.
  const chosen = await dialog(page).locator("input[name=scope]:checked").getAttribute("id");
  assert.equal(await dialog(page).locator(`label[for="${chosen}"]`).textContent(), "The selected customers (2)");
  await page.locator("#columns").waitFor();
  const boxes = dialog(page).locator(".column-picks input[type=checkbox]");
  assert.ok((await boxes.count()) > 5);
  assert.equal(await dialog(page).locator(".column-picks input:not(:checked)").count(), 0);
  // No column: refused beside the picker.
  await dialog(page).getByRole("button", { name: "Clear all columns" }).click();
  await page.locator("#reason").fill("Send the VIP list to the shop manager");
  await page.locator("#password").fill(PASSWORD);
  await submit(page).click();
  await page.locator("#columns-error").filter({ hasText: "at least one column" }).waitFor();
  // Two columns, as CSV.
  await dialog(page).locator('.column-picks input[value="id"]').check();
  await dialog(page).locator('.column-picks input[value="name"]').check();
  await page.locator("#format-csv").check();
  await submit(page).click();
  await page.waitForURL(/\/console\/c\/demo\/exports\?started=/);
  const job = new URL(page.url()).searchParams.get("started");
  await page.locator(".notice").filter({ hasText: "export has started" }).waitFor();
  // What was asked, as the API keeps it.
  const asked = await page.evaluate(async (id) => (await fetch(`/admin/v1/channels/demo/exports/${id}`)).json(), job);
  assert.deepEqual([asked.scope, asked.format, asked.columns, asked.total], ["selection", "csv", ["id", "name"], 2], JSON.stringify(asked));
  // The list asks again every 2 s while the job is open; it ends done with one file.
  const row = page.locator(`tr[data-job="${job}"]`);
  for (let i = 0; (await row.getAttribute("data-state")) !== "done"; i++) {
    assert.ok(i < 60, `the job stays ${await row.getAttribute("data-state")}`);
    if (i % 5 === 4) await fireCron(env.worker);
    await page.waitForTimeout(1000);
  }
  const link = row.locator("a.file-link");
  await link.waitFor();
  assert.match(await link.getAttribute("download"), /\.zip$/);
  assert.equal(await row.locator("button").count(), 0, "a finished job cannot be cancelled");
  const head = await page.evaluate(async (href) => [...new Uint8Array(await (await fetch(href)).arrayBuffer()).subarray(0, 2)], await link.getAttribute("href"));
  assert.equal(String.fromCharCode(...head), "PK");
  await bothLanguages(page, "exports");
  assert.deepEqual(errors, []);
  await close();
});

test("the customer page downloads one customer's data as a password-protected ZIP", async () => {
  const { page, errors, close } = await openSignedIn("/console/c/demo/customers/v_dl_aiko");
  await page.locator("#download-customer").click();
  await dialog(page).waitFor();
  await page.locator("#reason").fill("Data-access request from the customer");
  await page.locator("#password").fill(PASSWORD);
  const file = await downloaded(page, () => submit(page).click());
  assert.equal(file.bytes.subarray(0, 2).toString("latin1"), "PK");
  assert.match(file.name, /\.zip$/);
  await focused(page, "download-customer");
  assert.deepEqual(errors, []);
  await close();
});

test("a member sees no download button or owners' page, and the API refuses their download", async () => {
  const { page, errors, close } = await openSignedIn(`/console/c/demo/campaigns/${CAMPAIGN}`, { who: MEMBER });
  await page.locator(".stats-head h1").waitFor();
  assert.equal(await page.locator("#download-results").count(), 0);
  assert.equal(await page.locator(".channel-nav a[href$='/exports'], .channel-nav a[href$='/audit']").count(), 0);
  await page.goto(`${env.worker.base}/console/c/demo/customers`);
  await page.locator(".grid-scroll").waitFor();
  assert.equal(await page.locator("#download-customers").count(), 0);
  await page.goto(`${env.worker.base}/console/c/demo/customers/v_dl_aiko`);
  await page.locator("h1").first().waitFor();
  await page.locator("#download-customer").waitFor({ state: "detached" });
  await page.goto(`${env.worker.base}/console/c/demo/audit`);
  await page.getByText("Only the channel's owners can open this page.").waitFor();
  const refused = await page.evaluate(
    async ({ id, reason, password }) =>
      (await fetch(`/admin/v1/campaigns/${id}/download`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ reason, password }) })).status,
    { id: CAMPAIGN, reason: "curious", password: PASSWORD },
  );
  assert.equal(refused, 403);
  assert.deepEqual(errors.filter((e) => !e.includes("403")), []);
  await close();
});

test("the audit log lists who downloaded what, filtered by person and period", async () => {
  const { page, errors, close } = await openSignedIn("/console/c/demo/audit");
  const rows = page.locator("table.audit-table tbody tr");
  await rows.first().waitFor();
  const actions = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.action));
  for (const action of ["campaignResults", "customerExport", "customerData"]) {
    assert.ok(actions.includes(action), `${action} in ${actions}`);
  }
  // The owner's own downloads: every row is allowed and names the owner.
  await page.locator("#auditActor").selectOption("m_demo_owner");
  const today = await page.evaluate(() => new Date().toLocaleDateString("sv"));
  await page.locator("#auditFrom").fill(today);
  await page.locator("#auditTo").fill(today);
  await page.getByRole("button", { name: "Show entries" }).click();
  await page.waitForFunction(() => [...document.querySelectorAll("table.audit-table tbody tr")].every((tr) => tr.dataset.allowed === "true"));
  const mine = await rows.evaluateAll((trs) => trs.map((tr) => [tr.dataset.action, tr.textContent]));
  assert.ok(mine.length >= 3, JSON.stringify(mine));
  assert.ok(mine.every(([, text]) => text.includes(DEMO_OWNER.email)), JSON.stringify(mine));
  assert.ok(mine.some(([, text]) => text.includes(REASON)), "the reason is shown");
  // The member's refused attempt, and only theirs.
  await page.locator("#auditActor").selectOption("m_dl_member");
  await page.getByRole("button", { name: "Show entries" }).click();
  await page.waitForFunction(() => {
    const trs = [...document.querySelectorAll("table.audit-table tbody tr")];
    return trs.length > 0 && trs.every((tr) => tr.dataset.allowed === "false" && tr.textContent.includes("Dana Member"));
  });
  // A period that ends before it starts is refused beside the last day.
  await page.locator("#auditFrom").fill("2026-12-31");
  await page.locator("#auditTo").fill("2026-01-01");
  await page.getByRole("button", { name: "Show entries" }).click();
  await page.locator("#auditTo-error").filter({ hasText: "last day" }).waitFor();
  await page.locator("#auditFrom").fill("");
  await page.locator("#auditTo").fill("");
  await page.locator("#auditActor").selectOption("");
  await page.getByRole("button", { name: "Show entries" }).click();
  await page.waitForFunction(() => document.querySelectorAll("table.audit-table tbody tr").length >= 4);
  await bothLanguages(page, "audit");
  assert.deepEqual(errors, []);
  await close();
});
