// The console's two campaign lists (issue 12), in Chromium against the real worker: the
// broadcast list's empty state, then broadcasts and automated campaigns made through the
// admin API, with real counts (visitors get messages, view, click and reach the goal); each
// row's numbers and rates against the API's own list; search, sorting by keyboard-operable
// headers, the state filter; every action through the screen (start after the audience
// count, pause, stop, duplicate, delete a draft) and the API's state after it; a refusal
// the API answers shown with its message. Axe and screenshots of both lists in English and
// Japanese.
import { test } from "node:test";
import assert from "node:assert/strict";
import { adminCall, asVisitor, bootVisitor, statsWhen, suite } from "./harness.mjs";
import { consoleKit, focused } from "./console-kit.mjs";

const env = suite();
const { assertAccessible, screenshot, openSignedIn, bothLanguages } = consoleKit(env);
const call = (method, path, body) => adminCall(env.worker, method, path, body);

const message = (text) => ({ sender: { name: "Kizuna Tea Shop" }, text, buttons: [{ label: "Look", url: "/products/sencha" }], display: "bubble" });
const automated = (name, trigger, extra = {}) => ({ name, trigger: { event: trigger }, message: message(name), goal: { kind: "event", name: "ListTeaBought" }, ...extra });
const broadcast = (name, extra = {}) => ({ name, kind: "broadcast", message: message(name), ...extra });

async function create(doc) {
  const made = await call("POST", "/admin/v1/channels/demo/campaigns", doc);
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return made.body.id;
}

/** The API's list, by id. */
async function listed() {
  const list = await call("GET", "/admin/v1/channels/demo/campaigns");
  assert.equal(list.status, 200);
  return new Map(list.body.campaigns.map((c) => [c.id, c]));
}

/** What the screen's table shows: each row's id, state, name and the four counts with their rates. */
const tableRows = (page) =>
  page.locator("table.campaigns tbody tr").evaluateAll((rows) =>
    rows.map((tr) => {
      const cell = (col) => tr.querySelector(`td[data-col="${col}"]`);
      const count = (col) => Number(cell(col).dataset.count);
      const rate = (col) => (cell(col).dataset.rate === undefined ? null : Number(cell(col).dataset.rate));
      return {
        id: tr.dataset.id,
        state: tr.dataset.state,
        name: tr.querySelector("th.name a").textContent.trim(),
        schedule: tr.querySelector("td.schedule").textContent.trim(),
        sent: count("sent"),
        view: count("view"),
        click: count("click"),
        goal: count("goal"),
        viewRate: rate("view"),
        clickRate: rate("click"),
        goalRate: rate("goal"),
        viewText: cell("view").textContent.trim(),
        buttons: [...tr.querySelectorAll(".row-actions button, .row-actions a")].map((b) => b.textContent.trim()),
      };
    }),
  );

/** A visitor who gets `campaign` through its trigger event; answers the visitor and the delivery. */
async function reached(campaign, trigger, n) {
  const visitor = await bootVisitor(env.worker);
  const reply = await asVisitor(env.worker, "/v1/events", visitor, { sessionId: `s_lists_${n}`, events: [{ id: `e_lists_${n}`, name: trigger }] });
  const popups = (await reply.json()).popups.filter((p) => p.campaignId === campaign);
  assert.equal(popups.length, 1, `visitor ${n} got ${campaign}`);
  return { visitor, delivery: popups[0].deliveryId };
}

const ratio = (part, whole) => (whole > 0 ? part / whole : null);

test("an empty broadcast list says what a broadcast is and offers a new one", async () => {
  const { page, errors, close } = await openSignedIn("/console/c/demo/broadcasts");
  const empty = page.locator(".empty-state");
  await empty.getByRole("heading", { name: "No broadcasts yet" }).waitFor();
  assert.match(await empty.innerText(), /newsletter/);
  const link = empty.getByRole("link", { name: "+ New broadcast" });
  assert.equal(await link.getAttribute("href"), "/console/c/demo/broadcasts/new");
  await assertAccessible(page, "empty broadcast list");
  await screenshot(page, "broadcasts-empty-en");
  assert.deepEqual(errors, []);
  await close();
});

test("the automated list shows each campaign's real counts and rates as the API gives them; search, sort by keyboard, filter by state", async () => {
  const tea = await create(automated("Autumn sencha bubble", "ListSenchaShown"));
  const matcha = await create(automated("Matcha week", "ListMatchaShown"));
  const gift = await create(automated("Gift wrapping (draft)", "ListGiftShown", { endsAt: Date.now() + 30 * 86_400_000 }));
  for (const id of [tea, matcha]) assert.equal((await call("POST", `/admin/v1/campaigns/${id}/start`)).status, 200);

  // Three visitors get the sencha bubble: two view it, one clicks and buys. One gets matcha and views it.
  const got = [await reached(tea, "ListSenchaShown", 1), await reached(tea, "ListSenchaShown", 2), await reached(tea, "ListSenchaShown", 3)];
  for (const { visitor, delivery } of got.slice(0, 2)) {
    assert.equal((await asVisitor(env.worker, `/v1/deliveries/${delivery}/view`, visitor)).status, 200);
  }
  assert.equal((await asVisitor(env.worker, `/v1/deliveries/${got[0].delivery}/click`, got[0].visitor)).status, 200);
  await asVisitor(env.worker, "/v1/events", got[0].visitor, { sessionId: "s_lists_1", events: [{ id: "e_lists_goal", name: "ListTeaBought" }] });
  const m = await reached(matcha, "ListMatchaShown", 4);
  assert.equal((await asVisitor(env.worker, `/v1/deliveries/${m.delivery}/view`, m.visitor)).status, 200);
  await statsWhen(env.worker, tea, (s) => s.totals.sent === 3 && s.totals.view === 2 && s.totals.click === 1 && s.totals.goal === 1);
  await statsWhen(env.worker, matcha, (s) => s.totals.view === 1);

  const api = await listed();
  assert.deepEqual(api.get(tea).stats, { sent: 3, view: 2, click: 1, goal: 1 }, "the list's stats are the campaign's totals");
  assert.deepEqual(api.get(gift).stats, { sent: 0, view: 0, click: 0, goal: 0 });
  const perDay = (await call("GET", `/admin/v1/campaigns/${tea}/stats`)).body.totals;
  assert.deepEqual(api.get(tea).stats, perDay, "the list agrees with the statistics route");

  const { page, errors, close } = await openSignedIn("/console/c/demo/campaigns");
  await page.locator("table.campaigns tbody tr").first().waitFor();
  const automatedIds = [...api.values()].filter((c) => (c.kind ?? "automated") === "automated").map((c) => c.id);
  let rows = await tableRows(page);
  assert.deepEqual(rows.map((r) => r.id).sort(), automatedIds.sort(), "every automated campaign, no broadcast");
  for (const row of rows) {
    const { stats, state, name } = api.get(row.id);
    assert.deepEqual(
      [row.name, row.state, row.sent, row.view, row.click, row.goal],
      [name, state, stats.sent, stats.view, stats.click, stats.goal],
      `row ${row.id}`,
    );
    assert.deepEqual(
      [row.viewRate, row.clickRate, row.goalRate],
      [ratio(stats.view, stats.sent), ratio(stats.click, stats.view), ratio(stats.goal, stats.view)],
      `rates of ${row.id}: views ÷ sent, clicks ÷ views, goals ÷ views (as the statistics screen)`,
    );
  }
  const teaRow = rows.find((r) => r.id === tea);
  assert.match(teaRow.viewText, /^2\s*66\.7%$/, "2 views of 3 sent");
  assert.equal(teaRow.schedule, "From its start – no end");
  assert.deepEqual(teaRow.buttons, ["Edit", "Pause", "Stop", "Duplicate"], "a running campaign: no start, no delete");
  assert.deepEqual(rows.find((r) => r.id === gift).buttons, ["Edit", "Start", "Duplicate", "Delete"], "a draft");
  // The header says what each rate divides.
  assert.match(await page.locator("thead").innerText(), /rate: views ÷ sent[\s\S]*rate: clicks ÷ views[\s\S]*rate: goals ÷ views/);

  // Sorting: the Sent header by keyboard, largest first, then again smallest first.
  const sent = page.locator("thead button[data-column=sent]");
  await sent.focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("thead th:nth-child(4)").getAttribute("aria-sort") === "descending");
  rows = await tableRows(page);
  assert.deepEqual(rows.map((r) => r.sent), [...rows.map((r) => r.sent)].sort((a, b) => b - a));
  assert.equal(rows[0].id, tea);
  await page.keyboard.press("Space");
  await page.waitForFunction(() => document.querySelector("thead th:nth-child(4)").getAttribute("aria-sort") === "ascending");
  rows = await tableRows(page);
  assert.deepEqual(rows.map((r) => r.sent), [...rows.map((r) => r.sent)].sort((a, b) => a - b));
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.column), "sent", "focus stays on the header");
  await page.locator("thead button[data-column=name]").click();
  rows = await tableRows(page);
  const names = rows.map((r) => r.name);
  assert.deepEqual(names, [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())), "names A to Z");

  // Search by name, then the state filter; nothing matching offers to clear both.
  await page.getByLabel("Search by name").fill("MATCHA");
  await page.waitForFunction(() => document.querySelectorAll("table.campaigns tbody tr").length === 1);
  assert.equal((await tableRows(page))[0].id, matcha);
  assert.equal(await page.locator(".shown-count").innerText(), `1 of ${automatedIds.length}`);
  await page.getByLabel("Search by name").fill("");
  await page.getByLabel("State", { exact: true }).selectOption("draft");
  await page.waitForFunction(() => [...document.querySelectorAll("table.campaigns tbody tr")].every((tr) => tr.dataset.state === "draft"));
  assert.deepEqual((await tableRows(page)).map((r) => r.id), [...api.values()].filter((c) => c.state === "draft" && c.kind !== "broadcast").map((c) => c.id));
  await page.getByLabel("Search by name").fill("no such campaign");
  await page.getByText("Nothing matches the search and the state filter.").waitFor();
  await page.getByRole("button", { name: "Clear search and filter" }).click();
  await page.waitForFunction((n) => document.querySelectorAll("table.campaigns tbody tr").length === n, automatedIds.length);
  await focused(page, "campaign-search");

  // The name opens the statistics screen's address; Edit opens the editor's.
  assert.equal(await page.locator(`#campaign-${tea}`).getAttribute("href"), `/console/c/demo/campaigns/${tea}`);
  assert.equal(await page.locator(`tr[data-id="${tea}"] a.edit`).getAttribute("href"), `/console/c/demo/campaigns/${tea}/edit`);

  await bothLanguages(page, "campaigns", async (code) => {
    await page.locator("h1", { hasText: code === "ja" ? "キャンペーン" : "Campaigns" }).waitFor();
    await page.locator("table.campaigns tbody tr").first().waitFor();
  });
  assert.deepEqual(errors, []);
  await close();
});

test("start asks first with the audience's size, then pause, start again, stop, duplicate and delete, each through the screen and the API's state after it", async () => {
  const id = await create(automated("Hojicha evenings", "ListHojichaShown", { audience: { filter: { field: "country", op: "equals", value: "JP" } } }));
  const audience = await call("POST", "/admin/v1/channels/demo/customers/search", { filter: { field: "country", op: "equals", value: "JP" }, limit: 1 });
  assert.equal(audience.status, 200, JSON.stringify(audience.body));
  const { page, errors, close } = await openSignedIn("/console/c/demo/campaigns");
  const row = page.locator(`tr[data-id="${id}"]`);
  await row.waitFor();
  const state = async () => (await call("GET", `/admin/v1/campaigns/${id}`)).body.state;
  const dialog = page.locator("dialog.step-dialog");

  // Start by keyboard: the dialog counts the audience as the customer search does.
  await page.locator(`#start-${id}`).focus();
  await page.keyboard.press("Enter");
  await dialog.locator("#step-explain[data-audience]").waitFor();
  assert.equal(await dialog.locator("#step-explain").getAttribute("data-audience"), String(audience.body.total));
  assert.match(await dialog.innerText(), new RegExp(`Start “Hojicha evenings”\\?[\\s\\S]*${audience.body.total} customers match its audience now`));
  await assertAccessible(page, "the start dialog");
  await screenshot(page, "campaigns-start-dialog-en");
  // Focus stays inside: Tab goes between Cancel and Start.
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press("Tab");
    assert.ok(await page.evaluate(() => !!document.activeElement?.closest("dialog[open]")), "focus stays in the dialog");
  }
  // Escape closes without a change; focus returns to the Start button.
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  await focused(page, `start-${id}`);
  assert.equal(await state(), "draft");

  await page.keyboard.press("Enter");
  await dialog.locator("#step-explain[data-audience]").waitFor();
  await dialog.getByRole("button", { name: "Start" }).click();
  await page.getByText("“Hojicha evenings” started.").waitFor();
  assert.equal(await state(), "running");
  await focused(page, `campaign-${id}`);
  await row.locator("[data-state=running]").or(page.locator(`tr[data-id="${id}"][data-state=running]`)).first().waitFor();

  await page.locator(`#pause-${id}`).click();
  await page.getByText("“Hojicha evenings” is paused.").waitFor();
  assert.equal(await state(), "paused");
  await page.locator(`tr[data-id="${id}"][data-state=paused]`).waitFor();
  assert.equal(await page.locator(`#pause-${id}`).count(), 0, "a paused campaign offers no pause");

  await page.locator(`#start-${id}`).click();
  await dialog.locator("#step-explain[data-audience]").waitFor();
  await dialog.getByRole("button", { name: "Start" }).click();
  await page.locator(`tr[data-id="${id}"][data-state=running]`).waitFor();
  assert.equal(await state(), "running");

  await page.locator(`#stop-${id}`).click();
  assert.match(await dialog.innerText(), /Stop “Hojicha evenings” for good\?/);
  await dialog.getByRole("button", { name: "Stop" }).click();
  await page.getByText("“Hojicha evenings” has stopped.").waitFor();
  assert.equal(await state(), "ended");
  await page.locator(`tr[data-id="${id}"][data-state=ended]`).waitFor();
  assert.deepEqual((await tableRows(page)).find((r) => r.id === id).buttons, ["Duplicate"], "an ended campaign can only be copied");

  // Duplicate: a new draft named as a copy, with the same settings and no statistics.
  await page.locator(`#duplicate-${id}`).click();
  await page.getByText("Made a draft copy: “Copy of Hojicha evenings”.").waitFor();
  const copies = [...(await listed()).values()].filter((c) => c.name === "Copy of Hojicha evenings");
  assert.equal(copies.length, 1);
  const copy = copies[0];
  assert.deepEqual([copy.state, copy.audience, copy.trigger, copy.stats], ["draft", { filter: { field: "country", op: "equals", value: "JP" } }, { event: "ListHojichaShown" }, { sent: 0, view: 0, click: 0, goal: 0 }]);
  await focused(page, `campaign-${copy.id}`);

  // Delete the draft copy: asked first, then gone from the API and the screen.
  await page.locator(`#delete-${copy.id}`).click();
  assert.match(await dialog.innerText(), /Delete the draft “Copy of Hojicha evenings”\?/);
  await dialog.getByRole("button", { name: "Delete" }).click();
  await page.getByText("Deleted “Copy of Hojicha evenings”.").waitFor();
  assert.equal((await call("GET", `/admin/v1/campaigns/${copy.id}`)).status, 404);
  await page.locator(`tr[data-id="${copy.id}"]`).waitFor({ state: "detached" });
  await focused(page, "campaign-list-title");
  assert.deepEqual(errors, []);
  await close();
});

test("an action the API refuses shows its message, and the list shows the state now", async () => {
  const id = await create(automated("Refused pause", "ListRefusedShown"));
  assert.equal((await call("POST", `/admin/v1/campaigns/${id}/start`)).status, 200);
  const { page, close } = await openSignedIn("/console/c/demo/campaigns");
  await page.locator(`#pause-${id}`).waitFor();
  // Someone else stops it meanwhile; this screen still offers Pause.
  assert.equal((await call("POST", `/admin/v1/campaigns/${id}/stop`)).status, 200);
  await page.locator(`#pause-${id}`).click();
  const alert = page.locator(".campaigns-screen > .alert");
  await alert.getByText("Its state does not allow this now").waitFor();
  assert.match(await alert.innerText(), /The server says: .*the campaign has ended; copy it to run it again/);
  await page.locator(`tr[data-id="${id}"][data-state=ended]`).waitFor();
  assert.equal(await page.locator(`#pause-${id}`).count(), 0);
  assert.equal((await call("GET", `/admin/v1/campaigns/${id}`)).body.state, "ended");
  await close();
});

test("the broadcast list shows each broadcast's state and send time in the channel's zone, and the API refuses a duplicate with a blank name", async () => {
  const later = Date.now() + 3 * 86_400_000;
  const draft = await create(broadcast("Winter newsletter"));
  const scheduled = await create(broadcast("New year opening hours", { startsAt: later }));
  assert.equal((await call("POST", `/admin/v1/campaigns/${scheduled}/start`)).body.state, "scheduled");
  const blank = await call("POST", `/admin/v1/campaigns/${draft}/duplicate`, { name: "  " });
  assert.deepEqual([blank.status, blank.body.error.field], [400, "name"]);
  const named = await call("POST", `/admin/v1/campaigns/${draft}/duplicate`);
  assert.deepEqual([named.status, named.body.name, named.body.kind, named.body.state], [201, "Copy of Winter newsletter", "broadcast", "draft"]);

  const zone = (await call("GET", "/admin/v1/channels/demo")).body.timeZone;
  const { page, errors, close } = await openSignedIn("/console/c/demo/broadcasts");
  await page.locator(`tr[data-id="${scheduled}"]`).waitFor();
  const rows = await tableRows(page);
  const api = await listed();
  assert.deepEqual(rows.map((r) => r.id).sort(), [...api.values()].filter((c) => c.kind === "broadcast").map((c) => c.id).sort());
  const expectedTime = await page.evaluate(
    ({ at, zone }) => new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: zone }).format(new Date(at)),
    { at: later, zone },
  );
  const s = rows.find((r) => r.id === scheduled);
  assert.deepEqual([s.state, s.schedule], ["scheduled", expectedTime]);
  assert.deepEqual(s.buttons, ["Edit", "Pause", "Stop", "Duplicate"]);
  assert.deepEqual([rows.find((r) => r.id === draft).schedule, rows.find((r) => r.id === draft).state], ["When started", "draft"]);
  // The send time is the list's first order, newest first.
  assert.match(await page.locator("thead th:nth-child(3)").innerText(), /^Send time\s*↓$/);
  assert.equal(await page.locator("thead th:nth-child(3)").getAttribute("aria-sort"), "descending");

  // Start a broadcast with a send time: the dialog says when it goes.
  await page.locator(`#start-${draft}`).click();
  const dialog = page.locator("dialog.step-dialog");
  await dialog.locator("#step-explain[data-audience]").waitFor();
  assert.match(await dialog.innerText(), /It will be sent now to the \d+ customers its audience matches\./);
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });

  await bothLanguages(page, "broadcasts", async () => {
    await page.locator("table.campaigns tbody tr").first().waitFor();
  });
  assert.deepEqual(errors, []);
  await close();
});
