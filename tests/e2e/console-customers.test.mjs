// The console's customer list over 10,000 customers: the server's total, scrolling to the
// end by keyboard with never more than ~200 rows in the page, sorting, quick search by
// email and phone, the column chooser remembered per channel, a segment from the address,
// a new visitor appearing without a reload, and a bulk tag on every result of a search
// with its progress, errors beside the tags input. English and Japanese screenshots with
// axe on each. Runs against the real worker (no mocks).
import { test } from "node:test";
import assert from "node:assert/strict";
import { adminCall, asVisitor, bootVisitor, suite } from "./harness.mjs";
import { consoleKit, focused } from "./console-kit.mjs";

const SEEDED = 10_000;
// c_seed_00001..10000: "Customer 00042", c00042@example.com, +81-90-00042-00; last seen
// later as i grows, created earlier as i grows; every third one in JP.
const env = suite({
  sql: [
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${SEEDED})
     INSERT INTO customers (channel_id, id, created_at, updated_at, last_seen_at, sessions_count, name, profile_name,
                            profile_email, profile_mobile_number, country, tags)
     SELECT 'demo', printf('c_seed_%05d', i), 1700000000000 - i * 1000, 1700000000000, 1700000000000 + i * 60000,
            i % 17, printf('Customer %05d', i), printf('Customer %05d', i), printf('c%05d@example.com', i),
            printf('+81-90-%05d-00', i), CASE WHEN i % 3 = 0 THEN 'JP' ELSE 'US' END, '[]' FROM n`,
  ],
});
const { openSignedIn, assertAccessible, screenshot, bothLanguages } = consoleKit(env);
const LIST = "/console/c/demo/customers";
const MAX_ROWS = 220;

const call = (method, path, body) => adminCall(env.worker, method, `/admin/v1/channels/demo${path}`, body);
const digits = (text) => Number((text ?? "").replace(/[^0-9]/g, ""));
const loaded = async (page) => digits(await page.locator(".counts .loaded").textContent());
const rowsInPage = (page) => page.locator("table.grid tbody tr.row").count();
const firstName = (page) => page.locator("table.grid tbody tr.row th.who a").first().textContent();

async function listReady(page, total) {
  await page.waitForFunction(
    (want) => document.querySelector(".counts .total")?.textContent.replace(/[^0-9]/g, "") === String(want),
    total,
    { timeout: 20_000 },
  );
  if (total > 0) await page.locator("table.grid tbody tr.row").first().waitFor();
}

test("the list shows the server's total and scrolls to the 10,000th customer with at most ~200 rows in the page", async () => {
  const { page, errors, close } = await openSignedIn(LIST);
  await listReady(page, SEEDED);
  assert.match(await page.locator(".counts .total").textContent(), /^10,000 customers$/);
  assert.ok((await loaded(page)) <= 300, "a few pages ahead of the window, not more");
  assert.equal(await firstName(page), "Customer 10000", "last seen first");
  await bothLanguages(page, "customers-list", async () => listReady(page, SEEDED));

  const grid = page.locator(".grid-scroll");
  await grid.focus();
  let most = await rowsInPage(page);
  // One read per turn: a page that lands between two reads would leave `before` at the
  // end and the wait below waiting for a page that never comes.
  for (let turn = 0, before = await loaded(page); before < SEEDED; turn++, before = await loaded(page)) {
    assert.ok(turn < 200, "scrolling ends");
    await page.keyboard.press("End");
    await page
      .waitForFunction(
        (n) => Number(document.querySelector(".counts .loaded").textContent.replace(/[^0-9]/g, "")) > n,
        before,
        // A page of 100 is one D1 query; the fresh-clone run on two busy cores once took
        // over 15 s for the last one, so the wait is generous (a hang still fails).
        { timeout: 40_000 },
      )
      .catch(async (error) => {
        const state = await page.evaluate(() => {
          const el = document.querySelector(".grid-scroll");
          return {
            top: el.scrollTop,
            height: el.scrollHeight,
            client: el.clientHeight,
            active: document.activeElement?.className,
            loading: !!document.querySelector(".loading-more"),
            rows: document.querySelectorAll("tr.row").length,
            last: document.querySelector("tr.row:last-of-type")?.getAttribute("aria-rowindex"),
          };
        });
        throw new Error(`${error.message}: ${JSON.stringify(state)} loaded ${await loaded(page)}`);
      });
    const rows = await rowsInPage(page);
    most = Math.max(most, rows);
    assert.ok(rows <= MAX_ROWS, `${rows} rows in the page after scrolling (turn ${turn})`);
  }
  await page.keyboard.press("End");
  await page.getByRole("link", { name: "Customer 00001", exact: true }).waitFor();
  assert.equal(await page.locator("tr.row").last().getAttribute("aria-rowindex"), String(SEEDED + 1));
  assert.ok((await rowsInPage(page)) <= MAX_ROWS);
  // Mouse wheel back up: the rows near the top come back, still windowed.
  await page.keyboard.press("Home");
  await page.mouse.wheel(0, 4000);
  await page.waitForTimeout(300);
  assert.ok((await rowsInPage(page)) <= MAX_ROWS);
  assert.ok(most > 100, "the window held more than a page");
  assert.deepEqual(errors, []);
  await close();
});

test("sorting by a column header changes the order and says so; quick search finds by email and by phone", async () => {
  const { page, errors, close } = await openSignedIn(LIST);
  await listReady(page, SEEDED);
  const created = page.getByRole("columnheader", { name: /First seen/ });
  await created.getByRole("button").click();
  await page.waitForFunction(() => document.querySelector("tr.row th.who a")?.textContent === "Customer 00001");
  assert.equal(await created.getAttribute("aria-sort"), "descending");
  await created.getByRole("button").click();
  await page.waitForFunction(() => document.querySelector("tr.row th.who a")?.textContent === "Customer 10000");
  assert.equal(await created.getAttribute("aria-sort"), "ascending");
  assert.equal(await page.getByRole("columnheader", { name: /Last seen/ }).getAttribute("aria-sort"), "none");
  const sessions = page.getByRole("columnheader", { name: /Sessions/ });
  await sessions.getByRole("button").click();
  await page.waitForFunction(() => document.querySelector("tr.row td.num")?.textContent === "16");

  const search = page.getByRole("searchbox", { name: "Search by name, email or phone" });
  await search.fill("c04242@example.com");
  await listReady(page, 1);
  assert.equal(await page.locator(".counts .total").textContent(), "1 customer");
  assert.equal(await firstName(page), "Customer 04242");
  assert.equal(await rowsInPage(page), 1);
  await search.fill("90-00777");
  await page.waitForFunction(() => document.querySelector("tr.row th.who a")?.textContent === "Customer 00777");
  await listReady(page, 1);
  await search.fill("nobody-by-this-name");
  await listReady(page, 0);
  await page.getByText("No customers match.").waitFor();
  await search.fill("");
  await listReady(page, SEEDED);
  assert.deepEqual(errors, []);
  await close();
});

test("the column chooser hides and shows a column by keyboard and remembers the choice for the channel", async () => {
  const { page, errors, close } = await openSignedIn(LIST);
  await listReady(page, SEEDED);
  const country = () => page.getByRole("columnheader", { name: "Country", exact: true });
  assert.equal(await country().count(), 1);
  await page.locator("details.columns summary").focus();
  await page.keyboard.press("Enter");
  await page.getByRole("checkbox", { name: "Country", exact: true }).waitFor();
  await bothLanguages(page, "customers-columns", async () => page.locator("details.columns[open] .popover").waitFor());
  const box = page.getByRole("checkbox", { name: "Country", exact: true });
  await box.focus();
  await page.keyboard.press("Space");
  await page.waitForFunction(() => ![...document.querySelectorAll("thead th")].some((th) => th.textContent === "Country"));
  await page.keyboard.press("Escape");
  assert.equal(await page.locator("details.columns[open]").count(), 0, "Escape closes the chooser");

  await page.reload();
  await listReady(page, SEEDED);
  assert.equal(await country().count(), 0, "remembered after a reload");
  await page.locator("details.columns summary").click();
  await page.getByRole("checkbox", { name: "Country", exact: true }).check();
  await country().waitFor();
  assert.deepEqual(errors, []);
  await close();
});

test("a segment from the address shows its name and results, and can be cleared", async () => {
  const made = await call("POST", "/segments", { name: "Japan", filter: { field: "country", op: "equals", value: "JP" } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const { page, errors, close } = await openSignedIn(`${LIST}?segment=${made.body.id}`);
  await listReady(page, 3333);
  await page.getByText("Segment: Japan").waitFor();
  await assertAccessible(page, "customers in a segment");
  await page.getByRole("button", { name: "Show all customers" }).click();
  await listReady(page, SEEDED);
  assert.equal(new URL(page.url()).search, "");
  assert.deepEqual(errors, []);
  await close();
});

test("a new visitor appears at the top of the open list without a reload", async () => {
  const { page, errors, close } = await openSignedIn(LIST);
  await listReady(page, SEEDED);
  const visitor = await bootVisitor(env.worker);
  const view = await asVisitor(env.worker, "/v1/events", visitor, {
    sessionId: "s_live",
    events: [{ id: "e1", name: "PageView", properties: { url: "http://shop/" } }],
  });
  assert.ok(view.ok);
  const row = page.locator("tbody tr.row").first().locator(`a[href$="/customers/${visitor.visitorId}"]`);
  await page.locator(`a[href$="/customers/${visitor.visitorId}"]`).waitFor({ timeout: 30_000 });
  assert.equal(await row.count(), 1, "at the top");
  assert.equal(await row.textContent(), "Anonymous visitor");
  await page.waitForFunction(() => document.querySelector(".counts .total").textContent === "10,001 customers");
  assert.deepEqual(errors, []);
  await close();
});

test("a bulk tag on every result of a search shows its progress and lands; an API error is shown beside the tags", async () => {
  // Every seeded customer in English; the 999 of c00001..c00999 in Japanese (a shorter job).
  for (const [locale, tag, lang, q, count] of [["en-US", "autumn-e2e", "en", "@example.com", SEEDED], ["ja-JP", "spring-e2e", "ja", "c00", 999]]) {
    const { page, errors, close } = await openSignedIn(LIST, { locale });
    await listReady(page, SEEDED + 1);
    const search = page.locator("#q");
    await search.fill(q);
    await listReady(page, count);
    await page.locator("thead th.pick input").click();
    await page.locator(".selection-bar").waitFor();
    const everything = page.locator(".selection-bar .link-button").first();
    assert.match(await everything.textContent(), new RegExp(count.toLocaleString("en")));
    await everything.click();
    await page.locator(".selection-bar .primary").click();
    const dialog = page.locator("dialog.bulk");
    await dialog.waitFor();
    assert.match(await dialog.locator("h2").textContent(), new RegExp(count.toLocaleString("en")));
    await assertAccessible(page, `bulk dialog (${lang})`);
    await screenshot(page, `customers-bulk-${lang}`);

    // The API refuses a tag that is too long: beside the tags input, focused.
    await page.locator("#addTags").fill("x".repeat(51));
    await dialog.locator("button[type=submit]").click();
    await page.locator("#addTags-error:not(:empty)").waitFor();
    await focused(page, "addTags");

    await page.locator("#addTags").fill(tag);
    await dialog.locator("button[type=submit]").click();
    await dialog.locator("progress").waitFor();
    await assertAccessible(page, `bulk progress (${lang})`);
    await screenshot(page, `customers-progress-${lang}`);
    await dialog.locator(".notice").waitFor({ timeout: 90_000 });
    const tagged = await call("POST", "/customers/search", { filter: { tags: { include: [tag] } }, limit: 1 });
    assert.equal(tagged.body.total, count, `${tag} on every result of the search`);
    await page.keyboard.press("Escape");
    assert.deepEqual(errors.filter((e) => !e.includes("status of 400")), [], "only the refused tag's 400");
    await close();
  }
});

test("deleting selected customers asks first, naming the count, then erases each with progress", async () => {
  const { page, errors, close } = await openSignedIn(LIST);
  await page.locator("#q").fill("c0000");
  await listReady(page, 9);
  await page.getByRole("checkbox", { name: "Select Customer 00001" }).click();
  await page.getByRole("checkbox", { name: "Select Customer 00002" }).click();
  await page.getByText("2 selected").waitFor();
  await page.locator(".selection-bar .primary").click();
  await page.locator("#bulk-action").selectOption("delete");
  const warning = page.locator("dialog.bulk .danger-note");
  assert.match(await warning.textContent(), /^Delete 2 customers\?/);
  await assertAccessible(page, "delete confirmation");
  await page.locator("dialog.bulk").getByRole("button", { name: "Delete", exact: true }).click();
  await page.getByText("Deleted 2 customers.").waitFor({ timeout: 30_000 });
  assert.equal((await call("GET", "/customers/c_seed_00001")).status, 404);
  assert.equal((await call("GET", "/customers/c_seed_00003")).status, 200, "others stay");
  await page.keyboard.press("Escape");
  await listReady(page, 7);
  assert.deepEqual(errors, []);
  await close();
});
