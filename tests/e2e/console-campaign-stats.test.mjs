// A campaign's statistics screen (issue 12, seed 000): over three days of the worker's
// clock, visitors receive, view, click and reach the goal of a campaign through the real
// worker; the screen's numbers (each day's popover, the per-day table, the totals, the
// rates, the funnel) are read and compared with the test's own call of the stats API; a
// series checkbox hides its line on the canvas; the presets and a custom range change the
// period; the recipients list shows the customers. English and Japanese, axe-core on each.
import { test } from "node:test";
import assert from "node:assert/strict";
import { adminCall, asVisitor, bootVisitor, moveClock, statsWhen, suite } from "./harness.mjs";
import { consoleKit, focused } from "./console-kit.mjs";

const env = suite();
const { openSignedIn, assertAccessible, bothLanguages } = consoleKit(env);
const call = (method, path, body) => adminCall(env.worker, method, path, body);

const HOUR = 3600_000;
const GOAL = "StatsTeaBought";
/** What each day's visitors do: received, viewed, clicked, reached the goal. */
const DAYS = [
  [{ view: true, click: true, goal: true }, { view: true }, {}],
  [{ view: true, click: true }, { view: true, click: true, goal: true }],
  [{ view: true }],
];

let campaign;
let seeding;
const seeded = () => (seeding ??= seed());

async function seed() {
  const created = await call("POST", "/admin/v1/channels/demo/campaigns", {
    name: "Autumn tea letter",
    trigger: { event: "StatsTeaShown" },
    message: { sender: { name: "Kizuna Tea Shop" }, text: "New: hojicha.", buttons: [{ label: "Look", url: "/products/hojicha" }], display: "bubble" },
    goal: { kind: "event", name: GOAL },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  campaign = created.body.id;
  assert.equal((await call("POST", `/admin/v1/campaigns/${campaign}/start`)).status, 200);
  let n = 0;
  for (const [day, visitors] of DAYS.entries()) {
    // A day (and a minute) later each time: three consecutive days of the channel.
    await moveClock(env.worker, day * (24 * HOUR + 60_000));
    for (const acts of visitors) {
      n += 1;
      const visitor = await bootVisitor(env.worker, { profile: { name: `Stats customer ${n}` } });
      const reply = await asVisitor(env.worker, "/v1/events", visitor, { sessionId: `s_stats_${n}`, events: [{ id: `e_stats_${n}`, name: "StatsTeaShown" }] });
      const popup = (await reply.json()).popups.find((p) => p.campaignId === campaign);
      assert.ok(popup, `visitor ${n} received the campaign`);
      if (acts.view) assert.equal((await asVisitor(env.worker, `/v1/deliveries/${popup.deliveryId}/view`, visitor)).status, 200);
      if (acts.click) assert.equal((await asVisitor(env.worker, `/v1/deliveries/${popup.deliveryId}/click`, visitor)).status, 200);
      if (acts.goal) {
        await asVisitor(env.worker, "/v1/events", visitor, { sessionId: `s_stats_${n}`, events: [{ id: `e_stats_goal_${n}`, name: GOAL }] });
      }
    }
  }
  // The clock stays on the third day: the console's "today" is the worker's.
  const want = DAYS.flat();
  const count = (key) => want.filter((v) => v[key]).length;
  await statsWhen(env.worker, campaign, (s) => s.totals.sent === want.length && s.totals.view === count("view") && s.totals.click === count("click") && s.totals.goal === count("goal"));
}

const api = async (query = "") => {
  const answer = await call("GET", `/admin/v1/campaigns/${campaign}/stats${query}`);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
};
const number = (text) => Number(text.replace(/[^\d]/g, ""));
const percent = (rate) => (rate === null ? "–" : `${(rate * 100).toFixed(1)}%`);
const STEPS = ["sent", "view", "click", "goal"];

async function openStats(locale = "en-US") {
  const opened = await openSignedIn(`/console/c/demo/campaigns/${campaign}`, { locale });
  await opened.page.locator(".chart-host .uplot").waitFor({ timeout: 20_000 });
  return opened;
}

/** The screen's totals, funnel counts and rates. */
async function summary(page) {
  const totals = {};
  const funnel = {};
  for (const step of STEPS) {
    totals[step] = number(await page.locator(`.totals .total.${step} dd`).innerText());
    funnel[step] = number(await page.locator(`.funnel-step.${step} .funnel-count`).innerText());
  }
  const rates = await page.locator(".rates dd").allInnerTexts();
  return { totals, funnel, rates };
}

/** The popover's date and four numbers, once it shows `date`. */
async function popover(page, date) {
  const pop = page.locator(".stats-pop");
  await pop.waitFor({ state: "visible" });
  if (date) await page.locator(`.stats-pop[data-date="${date}"]`).waitFor({ timeout: 5000 });
  const counts = {};
  for (const step of STEPS) counts[step] = number(await pop.locator(`.pop-row.${step} dd`).innerText());
  counts.reached = number(await pop.locator(".pop-row.reached dd").innerText());
  return { date: await pop.getAttribute("data-date"), counts };
}

test("each day's popover, the totals, the rates and the funnel show what the stats API answers, over three days with counts", async () => {
  await seeded();
  const stats = await api();
  const busy = stats.days.filter((d) => d.sent + d.view + d.click + d.goal > 0);
  assert.ok(busy.length >= 3, `three days with counts: ${JSON.stringify(busy)}`);
  const { page, errors, close } = await openStats();
  await page.getByRole("heading", { name: "Autumn tea letter" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Last 30 days" }).getAttribute("aria-pressed"), "true", "the last 30 days by default");
  assert.equal(stats.days.length, 30);

  // A click on each busy day of the chart shows that day's numbers.
  const over = await page.locator(".chart-host .u-over").boundingBox();
  for (const day of busy) {
    const index = stats.days.findIndex((d) => d.date === day.date);
    const x = over.x + (over.width * index) / (stats.days.length - 1);
    await page.mouse.click(Math.min(x, over.x + over.width - 4), over.y + over.height / 2);
    const shown = await popover(page, day.date);
    assert.deepEqual(shown, { date: day.date, counts: { sent: day.sent, view: day.view, click: day.click, goal: day.goal, reached: day.reached } });
  }
  // By keyboard: the chart takes focus; End is today, the arrows walk back; Escape closes.
  await page.locator(".chart-frame").focus();
  await page.keyboard.press("End");
  assert.equal((await popover(page, stats.to)).date, stats.to);
  for (const [back, day] of [...stats.days].reverse().entries()) {
    if (back > 3) break;
    const shown = await popover(page, day.date);
    assert.deepEqual(shown, { date: day.date, counts: { sent: day.sent, view: day.view, click: day.click, goal: day.goal, reached: day.reached } });
    await page.keyboard.press("ArrowLeft");
  }
  await page.keyboard.press("Escape");
  await page.locator(".stats-pop").waitFor({ state: "hidden" });

  // The totals, the funnel and the rates.
  const seen = await summary(page);
  const totals = { sent: stats.totals.sent, view: stats.totals.view, click: stats.totals.click, goal: stats.totals.goal };
  assert.deepEqual(seen.totals, totals);
  assert.deepEqual(seen.funnel, totals);
  assert.deepEqual(seen.rates, [percent(stats.rates.viewRate), percent(stats.rates.clickRate), percent(stats.rates.goalRate)]);
  // The per-day table holds every day, newest first.
  await page.getByText("Numbers per day").click();
  const rows = page.locator(".stats-daily tbody tr");
  assert.equal(await rows.count(), 30);
  for (const day of busy) {
    const cells = await page.locator(`.stats-daily tr[data-date="${day.date}"] td`).allInnerTexts();
    assert.deepEqual(cells.map(number), [day.sent, day.view, day.click, day.goal], day.date);
  }

  // One day's popover open in the screenshots, by keyboard.
  await page.locator(".chart-frame").focus();
  await page.keyboard.press("End");
  await page.keyboard.press("ArrowLeft");
  await page.getByText("Numbers per day").click();
  await bothLanguages(page, "campaign-stats", async (lang) => {
    await page.locator(".stats-pop").waitFor({ state: "visible" });
    await page.getByRole("heading", { name: lang === "ja" ? "期間の合計" : "Totals for the period" }).waitFor();
  });
  assert.deepEqual(errors, []);
  await close();
});

test("a series checkbox hides its line on the chart and shows it again", async () => {
  await seeded();
  const { page, errors, close } = await openStats();
  // Pixels of the click series' colour (#b45309) on the chart's canvas.
  const pixels = () => {
    const canvas = document.querySelector(".chart-host canvas");
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - 0xb4) < 8 && Math.abs(data[i + 1] - 0x53) < 8 && Math.abs(data[i + 2] - 0x09) < 8 && data[i + 3] > 200) n++;
    }
    return n;
  };
  const until = (drawn) => page.waitForFunction(`(${pixels})() ${drawn ? "> 0" : "=== 0"}`, null, { timeout: 5000 });
  const clicked = page.getByRole("checkbox", { name: "Clicked" });
  assert.equal(await clicked.isChecked(), true);
  await until(true);
  await clicked.uncheck();
  await until(false);
  assert.equal(await page.getByRole("checkbox", { name: "Sent" }).isChecked(), true, "the others stay");
  await clicked.check();
  await until(true);
  assert.deepEqual(errors, []);
  await close();
});

test("the presets and a custom range change the period, and a backwards range is refused beside its field", async () => {
  await seeded();
  const { page, errors, close } = await openStats();
  const today = (await api()).to;
  const rows = page.locator(".stats-daily tbody tr");
  await page.getByText("Numbers per day").click();
  const shows = async (from, to) => {
    const want = await api(`?from=${from}&to=${to}`);
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
    await page.waitForFunction((n) => document.querySelectorAll(".stats-daily tbody tr").length === n, days);
    assert.equal(await rows.first().getAttribute("data-date"), to);
    assert.equal(await rows.last().getAttribute("data-date"), from);
    assert.deepEqual((await summary(page)).totals, { sent: want.totals.sent, view: want.totals.view, click: want.totals.click, goal: want.totals.goal });
  };
  const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
  const day = Date.parse(today);
  const first = new Date(day);
  first.setUTCDate(1);
  const lastMonthEnd = new Date(first.getTime() - 86_400_000);
  const lastMonthStart = new Date(lastMonthEnd);
  lastMonthStart.setUTCDate(1);

  await page.getByRole("button", { name: "Last 7 days" }).click();
  await shows(iso(day - 6 * 86_400_000), today);
  assert.equal(await page.getByRole("button", { name: "Last 7 days" }).getAttribute("aria-pressed"), "true");
  await page.getByRole("button", { name: "Last 90 days" }).click();
  await shows(iso(day - 89 * 86_400_000), today);
  await page.getByRole("button", { name: "This month" }).click();
  await shows(iso(first.getTime()), today);
  await page.getByRole("button", { name: "Last month" }).click();
  await shows(iso(lastMonthStart.getTime()), iso(lastMonthEnd.getTime()));

  await page.getByRole("button", { name: "Custom range" }).click();
  await focused(page, "from");
  await page.getByLabel("From", { exact: true }).fill(iso(day - 2 * 86_400_000));
  await page.getByLabel("To", { exact: true }).fill(iso(day - 86_400_000));
  await page.getByRole("button", { name: "Show", exact: true }).click();
  await shows(iso(day - 2 * 86_400_000), iso(day - 86_400_000));
  // Backwards: the console says so beside "From" before asking.
  await page.getByLabel("From", { exact: true }).fill(today);
  await page.getByLabel("To", { exact: true }).fill(iso(day - 86_400_000));
  await page.getByRole("button", { name: "Show", exact: true }).click();
  await page.locator("#from-error").getByText("The start must not be after the end.").waitFor();
  await focused(page, "from");
  await assertAccessible(page, "custom range refused");
  // The API refuses the same, naming the field.
  const refused = await call("GET", `/admin/v1/campaigns/${campaign}/stats?from=${today}&to=${iso(day - 86_400_000)}`);
  assert.deepEqual([refused.status, refused.body.error.field], [400, "from"]);
  assert.deepEqual(errors, []);
  await close();
});

test("the recipients list shows the customers the campaign reached, each a link to their page, with their times", async () => {
  await seeded();
  const { page, errors, close } = await openStats("ja-JP");
  const list = (await call("GET", `/admin/v1/channels/demo/campaigns/${campaign}/recipients`)).body.recipients;
  assert.equal(list.length, DAYS.flat().length);
  const rows = page.locator("table.recipients tbody tr");
  await rows.first().waitFor();
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.customer)), list.map((r) => r.customerId));
  for (const [i, r] of list.entries()) {
    const cells = await rows.nth(i).locator("td").allInnerTexts();
    assert.equal(cells[1] === "–", r.viewAt === null, `view time of ${r.name}`);
    assert.equal(cells[2] === "–", r.clickAt === null, `click time of ${r.name}`);
    assert.equal(cells[3] === "–", r.goalAt === null, `goal time of ${r.name}`);
  }
  const first = page.getByRole("link", { name: list[0].name ?? list[0].customerId });
  await first.click();
  await page.waitForURL(`**/console/c/demo/customers/${list[0].customerId}`);
  assert.deepEqual(errors, []);
  await close();
});

test("the first load holds neither uPlot nor the statistics screen; they arrive when the screen opens", async () => {
  await seeded();
  const { page, close } = await openSignedIn("/console/sign-in");
  const fetched = [];
  page.on("request", (request) => fetched.push(new URL(request.url()).pathname));
  await page.goto(`${env.worker.base}/console/c/demo/customers`);
  await page.locator("table.grid").waitFor();
  assert.ok(!fetched.some((p) => p.endsWith("/uplot.js")), "no uPlot on another screen");
  await page.goto(`${env.worker.base}/console/c/demo/campaigns/${campaign}`);
  await page.locator(".chart-host .uplot").waitFor({ timeout: 20_000 });
  assert.ok(fetched.some((p) => p === "/console/uplot.js") && fetched.some((p) => p === "/console/uplot.css"));
  await assertAccessible(page, "statistics");
  await close();
});

test("a campaign with variants: the arms table shows what GET …/variants answers for assigned visitors, and customers reached is the stats API's", async () => {
  const message = (text) => ({ sender: { name: "Kizuna Tea Shop" }, text, display: "bubble" });
  const created = await call("POST", "/admin/v1/channels/demo/campaigns", {
    name: "Tea arms",
    trigger: { event: "ArmsTeaShown" },
    message: message("Arm A: free shipping"),
    variants: [{ share: 40 }, { share: 40, message: message("Arm B: 10% off") }],
    controlPercent: 20,
    goal: { kind: "event", name: "ArmsTeaBought" },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  assert.equal((await call("POST", `/admin/v1/campaigns/${id}/start`)).status, 200);
  // Visitors from their own client addresses (the public rate limit is per client), each
  // assigned an arm by its first event; every other one reaches the goal.
  const post = async (path, body, client) => {
    const response = await fetch(`${env.worker.base}${path}`, {
      method: "POST",
      headers: { "content-type": "text/plain", "cf-connecting-ip": client },
      body: JSON.stringify({ channel: "demo", ...body }),
    });
    assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
    return response.json();
  };
  const VISITORS = 30;
  await Promise.all(
    Array.from({ length: VISITORS }, async (_, n) => {
      const client = `10.77.0.${n + 1}`;
      const boot = await post("/v1/boot", {}, client);
      const who = { visitorId: boot.visitorId, token: boot.token };
      await post("/v1/events", { ...who, events: [{ id: `arms-shown-${n}`, name: "ArmsTeaShown" }] }, client);
      if (n % 2 === 0) await post("/v1/events", { ...who, events: [{ id: `arms-goal-${n}`, name: "ArmsTeaBought" }] }, client);
    }),
  );
  // Until every visit is counted: each visitor assigned, half with the goal, and each
  // visitor of a variant (not the control group) reached by its message.
  let arms;
  let stats;
  for (let tries = 0; tries < 50; tries++) {
    arms = (await call("GET", `/admin/v1/campaigns/${id}/variants`)).body;
    stats = (await call("GET", `/admin/v1/campaigns/${id}/stats`)).body;
    const inVariants = arms.variants.reduce((sum, v) => sum + v.assigned, 0);
    const goals = arms.variants.reduce((sum, v) => sum + v.reachedGoal, arms.control?.reachedGoal ?? 0);
    if (inVariants + (arms.control?.assigned ?? 0) === VISITORS && goals === VISITORS / 2 && stats.reached === inVariants) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal(arms.variants.length, 2);
  assert.equal(stats.reached, arms.variants[0].assigned + arms.variants[1].assigned, JSON.stringify({ arms, reached: stats.reached }));
  assert.ok(arms.control.assigned > 0 && arms.variants.every((v) => v.assigned > 0), `every arm has visitors: ${JSON.stringify(arms)}`);

  // Tall enough to photograph the totals with customers reached and the arms together.
  const { page, errors, close } = await openSignedIn(`/console/c/demo/campaigns/${id}`, { viewport: { width: 1280, height: 1500 } });
  const rows = page.locator("table.arms tbody tr");
  await rows.nth(2).waitFor();
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.arm)), ["0", "1", "control"]);
  // The numbers, written as the console writes them (Intl, rates to a tenth of a percent).
  const fmt = (x) => new Intl.NumberFormat("en").format(x);
  const round = (x, digits) => (Math.sign(x) * Math.round(Math.abs(x) * 10 ** digits)) / 10 ** digits;
  const rate = (r) => (r === null ? "–" : `${fmt(round(r * 100, 1))}%`);
  const cells = async (arm) => {
    const row = page.locator(`table.arms tr[data-arm="${arm}"]`);
    const out = {};
    for (const cell of ["share", "assigned", "reached", "rate", "diff", "z", "p", "verdict"]) {
      out[cell] = await row.locator(cell === "verdict" ? "td.verdict" : `td.arm-${cell}`).innerText();
    }
    return out;
  };
  for (const v of arms.variants) {
    const test = v.vsControl;
    const want = {
      share: `${v.share}%`,
      assigned: fmt(v.assigned),
      reached: fmt(v.reachedGoal),
      rate: rate(v.goalRate),
      diff: test ? `${test.difference > 0 ? "+" : ""}${fmt(round(test.difference * 100, 1))} pp` : "–",
      z: test ? fmt(round(test.z, 2)) : "–",
      // Cut, not rounded, to three decimals: below 0.05 never reads 0.05.
      p: test ? (test.pValue < 0.001 ? "< 0.001" : fmt(Math.floor(test.pValue * 1000) / 1000)) : "–",
      verdict: test ? (test.significant ? "Significant (p < 0.05)" : "Not significant") : `Cannot be tested yet: ${v.untestable === "noVariantCustomers" ? "no customer was assigned to this variant" : "no customer was assigned to the control group"}`,
    };
    assert.deepEqual(await cells(v.index), want, `variant ${v.index}: ${JSON.stringify(v)}`);
  }
  const control = await cells("control");
  assert.deepEqual(control, {
    share: "20%",
    assigned: fmt(arms.control.assigned),
    reached: fmt(arms.control.reachedGoal),
    rate: rate(arms.control.goalRate),
    diff: "–",
    z: "–",
    p: "–",
    verdict: "Baseline",
  });
  assert.match(await page.locator("#stats-arms-window").innerText(), new RegExp(`within ${arms.goalWindowDays} days of being assigned`));
  // Customers reached, beside the totals, is the stats API's number.
  assert.equal(number(await page.locator(".totals .total.reached dd").innerText()), stats.reached);
  assert.match(await page.locator("#stats-reached-hint").innerText(), /Sent counts deliveries; customers reached counts each customer once/);
  await page.locator(".chart-host .uplot").waitFor({ timeout: 20_000 });
  await bothLanguages(page, "campaign-stats-arms", async (lang) => {
    await page.getByRole("heading", { name: lang === "ja" ? "バリエーションとコントロールグループの比較" : "Variants against the control group" }).waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
  });
  assert.deepEqual(errors, []);
  await close();
});

test("a campaign without variants has no arms table", async () => {
  await seeded();
  const { page, close } = await openStats();
  await page.locator(".totals .total.reached dd").filter({ hasText: /\d/ }).waitFor();
  assert.equal(await page.locator(".stats-arms").count(), 0);
  assert.equal(number(await page.locator(".totals .total.reached dd").innerText()), (await api()).reached);
  await close();
});
