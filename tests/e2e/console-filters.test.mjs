// The console's filter builder, segments and profile settings, through the screens against
// the real worker: a custom number field added on the profile settings screen, values set
// through the API, a filter with nested AND/OR groups and a tag condition built in the
// segment editor whose count is the API's own, saved, edited, opened in the customer list;
// fields reordered by keyboard and by drag (the API's order follows), renamed, hidden,
// archived; errors beside their inputs; axe and screenshots in both languages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { adminCall, suite } from "./harness.mjs";
import { consoleKit, focused } from "./console-kit.mjs";

// A member of the demo channel who signs in with the demo owner's password (same PBKDF2
// hash and salt as edge/seed/demo.sql).
const MEMBER = { email: "fields-member@demo.kizuna.invalid", password: "demo-owner-password" };
const env = suite({
  sql: [
    `INSERT INTO members (id, email, name, created_at, password_hash, password_salt, password_iterations)
     VALUES ('m_fields_member', '${MEMBER.email}', 'Fields member', 0,
             'cd943e411aa30b8a612ff7695020beb2c709db4c342e9189707f806d4f91ebcd', 'df3cdab6aaa10da03120303dc74360d1', 100000);
     INSERT INTO channel_members (channel_id, member_id, role) VALUES ('demo', 'm_fields_member', 'member');`,
  ],
});
const { openSignedIn, assertAccessible, bothLanguages } = consoleKit(env);

const api = (method, path, body) => adminCall(env.worker, method, `/admin/v1/channels/demo${path}`, body);
const profileKeys = async () => (await api("GET", "/fields")).body.fields.map((f) => f.key).filter((k) => k.startsWith("profile."));
const byId = (page, id) => page.locator(`[id="${id}"]`);

async function until(what, check) {
  for (let i = 0; i < 50; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out: ${what}`);
}

/** Every customer the API's own search finds for `filter`. */
async function apiCount(filter) {
  let count = 0;
  let cursor;
  do {
    const page = await api("POST", "/customers/search", { filter, limit: 200, cursor });
    assert.equal(page.status, 200, JSON.stringify(page.body));
    count += page.body.customers.length;
    cursor = page.body.nextCursor ?? undefined;
  } while (cursor);
  return count;
}

test("profile settings: a custom field is added through the screen, errors beside their inputs", async () => {
  const { page, errors, close } = await openSignedIn("/console/c/demo/fields");
  await page.getByRole("heading", { name: "Profile settings", level: 1 }).waitFor();
  await page.locator('tr[data-key="profile.email"]').waitFor();

  await page.getByRole("button", { name: "Add profile field" }).click();
  await page.locator("#key").fill("profile.email");
  await page.locator("#displayName").fill("Another email");
  await page.locator("form.add-field-form button[type=submit]").click();
  await page.locator("#key-error").getByText("no field has yet").waitFor();
  assert.equal(await page.locator("#key").getAttribute("aria-invalid"), "true");

  await page.locator("#key").fill("profile.score");
  await page.locator("#displayName").fill("Score");
  await page.locator("#type").selectOption("number");
  await page.locator("form.add-field-form button[type=submit]").click();
  await page.locator('tr[data-key="profile.score"]').waitFor();
  const score = (await api("GET", "/fields")).body.fields.find((f) => f.key === "profile.score");
  assert.deepEqual([score.type, score.displayName, score.builtIn, score.visibility], ["number", "Score", false, "visible"]);

  await api("POST", "/fields", { key: "profile.plan", displayName: "Plan", type: "string" });
  await page.reload();
  await page.locator('tr[data-key="profile.plan"]').waitFor();
  await bothLanguages(page, "fields", async (lang) => {
    await page.getByRole("heading", { level: 1, name: lang === "ja" ? "プロフィール設定" : "Profile settings" }).waitFor();
  });
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  await close();
});

test("profile settings: reordered by keyboard and by drag, the API's order follows; renamed", async () => {
  // Tall enough that both rows of the drag are in view: a scroll between mouse down and the
  // drag's start would start it from another row.
  const { page, close } = await openSignedIn("/console/c/demo/fields", { viewport: { width: 1280, height: 1600 } });
  const handle = byId(page, "handle-profile.score");
  await handle.waitFor();
  const before = await profileKeys();
  const at = before.indexOf("profile.score");
  assert.ok(at > 0);

  await handle.focus();
  await page.keyboard.press("Alt+ArrowUp");
  await page.getByRole("status").getByText(`Moved Score to position ${at}.`).waitFor();
  await until("the API's order after Alt+ArrowUp", async () => (await profileKeys()).indexOf("profile.score") === at - 1);
  await focused(page, "handle-profile.score"); // focus stays on the moved field
  await page.keyboard.press("Alt+ArrowDown");
  await until("the API's order after Alt+ArrowDown", async () => (await profileKeys()).indexOf("profile.score") === at);

  await page.locator('tr[data-key="profile.score"] .field-name').dragTo(page.locator('tr[data-key="profile.name"] .field-name'));
  await until("the API's order after the drag", async () => (await profileKeys())[0] === "profile.score");
  await page.locator("tbody tr.field-row").first().and(page.locator('[data-key="profile.score"]')).waitFor();

  await byId(page, "rename-profile.score").click();
  await page.locator("#rename-displayName").fill("   ");
  await page.locator("form.rename button[type=submit]").click();
  await page.locator("#rename-displayName-error").getByText("Enter 1 to 80 characters.").waitFor();
  await page.keyboard.press("Escape");
  await focused(page, "rename-profile.score"); // Escape gives focus back
  await page.keyboard.press("Enter");
  await page.locator("#rename-displayName").waitFor();
  await page.locator("#rename-displayName").fill("Loyalty score");
  await page.keyboard.press("Enter");
  await page.locator('tr[data-key="profile.score"] .field-name').getByText("Loyalty score").waitFor();
  const renamed = (await api("GET", "/fields")).body.fields.find((f) => f.key === "profile.score");
  assert.equal(renamed.displayName, "Loyalty score");
  await close();
});

test("segments: a nested AND/OR filter with a tag condition counts what the API counts, is saved, edited and opened", async () => {
  const made = [];
  for (const [name, score, vip] of [["Aiko", 42, true], ["Ben", 7, true], ["Chie", 80, false], ["Dan", 12, false]]) {
    const created = await api("POST", "/customers", { profile: { name } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    const patched = await api("PATCH", `/customers/${id}`, { profile: { score } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    if (vip) assert.equal((await api("POST", "/customers/bulk", { ids: [id], addTags: ["vip"] })).status, 200);
    made.push(id);
  }

  const { page, errors, close } = await openSignedIn("/console/c/demo/segments");
  await page.getByRole("heading", { name: "Segments", level: 1 }).waitFor();
  await page.getByText("No segments yet.").waitFor();
  await page.getByRole("button", { name: "New segment" }).click();
  await page.getByRole("heading", { name: "New segment", level: 2 }).waitFor();
  await page.locator("#name").fill("Engaged");

  const builder = page.locator(".filter-builder");
  const root = builder.locator(":scope > .filter-group");
  await root.locator(":scope > .filter-add").getByRole("button", { name: "Add condition" }).click();
  const first = root.locator(":scope > .filter-parts > li").nth(0);
  await first.getByLabel("Field", { exact: true }).selectOption("profile.score");
  await first.getByLabel("Operator").selectOption("greaterThan");
  await first.getByLabel("Value", { exact: true }).fill("10");

  await root.locator(":scope > .filter-add").getByRole("button", { name: "Add group" }).click();
  const nested = root.locator(":scope > .filter-parts > li").nth(1).locator(".filter-group");
  assert.equal(await nested.locator(".filter-combine").inputValue(), "any", "a group in an AND group starts as OR");
  const inner = nested.locator(":scope > .filter-parts > li").nth(0);
  await inner.getByLabel("Field", { exact: true }).selectOption("profile.score");
  await inner.getByLabel("Operator").selectOption("greaterThan");
  await inner.getByLabel("Value", { exact: true }).fill("");
  await inner.locator(".field-error").getByText("Enter a number.").waitFor();
  await inner.getByLabel("Value", { exact: true }).fill("70");
  await nested.locator(":scope > .filter-add").getByRole("button", { name: "Add tag condition" }).click();
  await nested.getByLabel("Has tags").fill("vip");

  const filter = {
    all: [
      { field: "profile.score", op: "greaterThan", value: 10 },
      { any: [{ field: "profile.score", op: "greaterThan", value: 70 }, { tags: { include: ["vip"], includeMode: "any", exclude: [], excludeMode: "any" } }] },
    ],
  };
  const expected = await apiCount(filter);
  assert.equal(expected, 2, "Aiko (42, vip) and Chie (80)");
  await page.locator(`.match-count[data-count="${expected}"]`).waitFor();
  await page.locator(".match-count").getByText("2 matching customers").waitFor();

  await bothLanguages(page, "segment-editor", async (lang) => {
    await page.getByRole("heading", { level: 2, name: lang === "ja" ? "新しいセグメント" : "New segment" }).waitFor();
    await page.locator(".match-count[data-count]").waitFor();
  });

  await page.getByRole("button", { name: "Create segment" }).click();
  await page.getByRole("button", { name: "Engaged", exact: true }).waitFor();
  const saved = (await api("GET", "/segments")).body.segments;
  assert.equal(saved.length, 1);
  assert.equal(saved[0].name, "Engaged");
  assert.deepEqual(saved[0].filter, filter);

  // A second segment with the same name: the API's refusal beside the name.
  await page.getByRole("button", { name: "New segment" }).click();
  await page.locator("#name").fill("Engaged");
  await page.getByRole("button", { name: "Create segment" }).click();
  await page.locator("#name-error").getByText("Another segment has this name.").waitFor();
  await focused(page, "name");
  await page.getByRole("button", { name: "Cancel" }).click();

  // Edit: rename and narrow the filter; the count follows the API's.
  await page.getByRole("button", { name: "Engaged", exact: true }).click();
  await page.getByRole("heading", { name: "Edit segment", level: 2 }).waitFor();
  await page.locator("#name").fill("Engaged fans");
  const editRoot = page.locator(".filter-builder > .filter-group");
  await editRoot.locator(":scope > .filter-parts > li").nth(0).getByLabel("Value", { exact: true }).fill("50");
  const narrowed = { ...filter, all: [{ field: "profile.score", op: "greaterThan", value: 50 }, filter.all[1]] };
  assert.equal(await apiCount(narrowed), 1);
  await page.locator('.match-count[data-count="1"]').waitFor();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByRole("button", { name: "Engaged fans", exact: true }).waitFor();
  const edited = (await api("GET", "/segments")).body.segments[0];
  assert.equal(edited.name, "Engaged fans");
  assert.deepEqual(edited.filter, narrowed);
  await page.locator(".filter-summary").getByText("Loyalty score is greater than 50 AND (Loyalty score is greater than 70 OR Has tags: vip").waitFor();

  await bothLanguages(page, "segments", async (lang) => {
    await page.getByRole("heading", { level: 1, name: lang === "ja" ? "セグメント" : "Segments" }).waitFor();
  });

  const link = page.getByRole("link", { name: "Show customers" });
  assert.equal(await link.getAttribute("href"), `/console/c/demo/customers?segment=${edited.id}`);
  await link.click();
  await page.waitForURL(`**/console/c/demo/customers?segment=${edited.id}`);
  await page.getByRole("heading", { name: "Customers", level: 1 }).waitFor();
  await page.goBack();
  await page.getByRole("button", { name: "Engaged fans", exact: true }).waitFor();

  // Delete, with a confirmation.
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByText("Delete the segment “Engaged fans”?").waitFor();
  await page.getByRole("group").getByRole("button", { name: "Delete" }).click();
  await page.getByText("No segments yet.").waitFor();
  assert.deepEqual((await api("GET", "/segments")).body.segments, []);
  assert.deepEqual(errors.filter((e) => !/status of 409/.test(e)), []);
  await close();
});

test("the builder offers every operator of a type, keeps dates as ms, and hides hidden fields", async () => {
  const { page, close } = await openSignedIn("/console/c/demo/segments");
  await page.getByRole("button", { name: "New segment" }).click();
  const root = page.locator(".filter-builder > .filter-group");
  await root.locator(":scope > .filter-add").getByRole("button", { name: "Add condition" }).click();
  const part = root.locator(":scope > .filter-parts > li").nth(0);
  await part.getByLabel("Field", { exact: true }).selectOption("lastSeenAt");
  const ops = await part.getByLabel("Operator").locator("option").evaluateAll((o) => o.map((x) => x.value));
  assert.deepEqual(ops, ["withinLastDays", "moreThanDaysAgo", "before", "after", "between", "exists", "missing"]);
  await part.getByLabel("Operator").selectOption("between");
  const inputs = part.locator('input[type="datetime-local"]');
  assert.equal(await inputs.count(), 2);
  await inputs.nth(0).fill("2026-01-01T00:00");
  await inputs.nth(1).fill("2026-12-31T23:59");
  await page.locator(".match-count[data-count]").waitFor();
  await assertAccessible(page, "builder with a date range");
  await close();
});

test("profile settings: hide and archive; a hidden field is no longer offered in the builder", async () => {
  const { page, close } = await openSignedIn("/console/c/demo/fields");
  const plan = page.locator('tr[data-key="profile.plan"]');
  await plan.getByRole("button", { name: "Hide" }).click();
  await plan.getByText("Hidden: not collected nor shown").waitFor();
  const email = page.locator('tr[data-key="profile.email"]');
  assert.equal(await email.getByRole("button", { name: "Hide" }).count(), 0, "a built-in field is archived, never hidden");
  await email.getByRole("button", { name: "Archive" }).click();
  await email.getByText("Archived: kept, not shown beside chats").waitFor();
  const fields = (await api("GET", "/fields")).body.fields;
  assert.equal(fields.find((f) => f.key === "profile.plan").visibility, "hidden");
  assert.equal(fields.find((f) => f.key === "profile.email").visibility, "archived");
  await email.getByRole("button", { name: "Unarchive" }).click();
  await email.getByText("Shown").waitFor();

  await page.goto(`${env.worker.base}/console/c/demo/segments`);
  await page.getByRole("button", { name: "New segment" }).click();
  const root = page.locator(".filter-builder > .filter-group");
  await root.locator(":scope > .filter-add").getByRole("button", { name: "Add condition" }).click();
  await root.locator('option[value="profile.score"]').waitFor({ state: "attached" });
  const options = await root.getByLabel("Field", { exact: true }).locator("option").evaluateAll((o) => o.map((x) => x.value));
  assert.ok(options.includes("profile.score"));
  assert.ok(!options.includes("profile.plan"), "a hidden field is not offered");
  await close();
});

test("profile settings for a member: the list is read-only, the owners' controls are not shown", async () => {
  const { page, errors, close } = await openSignedIn("/console/c/demo/fields", { who: MEMBER });
  await page.locator('tr[data-key="profile.score"]').waitFor();
  await page.getByText("Only the channel's owners can change profile settings.").waitFor();
  assert.equal(await page.getByRole("button", { name: "Add profile field" }).count(), 0);
  assert.equal(await page.locator("tr.field-row button").count(), 0, "no reorder, rename, hide or archive");
  assert.equal(await page.locator('tr.field-row[draggable="true"]').count(), 0);
  await assertAccessible(page, "profile settings as a member");
  assert.deepEqual(errors, []);
  await close();
});
