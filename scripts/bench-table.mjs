// Prints criterion's results as tables: median time of every benchmark, and for each
// group with a `hand_written` baseline, the ratio of the others to it; the campaign
// engine's groups (`event/*`, `index/build`) as one table, a row per campaign count.
//   node scripts/bench-table.mjs [target/criterion]
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = process.argv[2] ?? "target/criterion";
const read = (dir, file) => JSON.parse(readFileSync(join(dir, "new", file), "utf8"));
const human = (ns) =>
  ns >= 1e9 ? `${(ns / 1e9).toFixed(3)} s` : ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(1)} ns`;

const rows = [];
function walk(dir) {
  if (existsSync(join(dir, "new", "estimates.json"))) {
    // benchmark.json keeps the names criterion made safe for the file system ("/" → "_").
    const id = read(dir, "benchmark.json");
    rows.push({ name: id.full_id, group: id.group_id, param: id.value_str, ns: read(dir, "estimates.json").median.point_estimate });
    return;
  }
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== "report") walk(join(dir, entry.name));
  }
}
if (!existsSync(root)) {
  console.error(`no criterion results in ${root}: run the benchmarks first`);
  process.exit(2);
}
walk(root);
rows.sort((a, b) => a.name.localeCompare(b.name));

const ENGINE = ["event/unrelated", "event/page_view", "event/page_view_match", "index/build"];
const HOSTILE = "hostile/matches";
const engine = rows.filter((r) => ENGINE.includes(r.group));
const hostile = rows.filter((r) => r.group === HOSTILE);
const others = rows.filter((r) => !ENGINE.includes(r.group) && r.group !== HOSTILE);

if (others.length) {
  const baseline = new Map(others.filter((r) => r.name.endsWith("/hand_written")).map((r) => [r.name.replace(/\/hand_written$/, ""), r.ns]));
  console.log(`${"benchmark".padEnd(44)} ${"median".padStart(12)} ${"vs hand-written".padStart(16)}`);
  for (const r of others) {
    const base = baseline.get(r.name.replace(/\/[^/]+$/, ""));
    const ratio = base && !r.name.endsWith("/hand_written") ? `${(r.ns / base).toFixed(2)}x` : "";
    console.log(`${r.name.padEnd(44)} ${human(r.ns).padStart(12)} ${ratio.padStart(16)}`);
  }
}

if (engine.length) {
  const groups = ENGINE.filter((g) => engine.some((r) => r.group === g));
  const sizes = [...new Set(engine.map((r) => Number(r.param)))].sort((a, b) => a - b);
  const cell = (group, n) => engine.find((r) => r.group === group && Number(r.param) === n);
  if (others.length) console.log("");
  console.log("### Campaign engine: one event of one visitor against N running campaigns (criterion medians)");
  console.log("");
  console.log(`| campaigns | ${groups.join(" | ")} |`);
  console.log(`|---:|${groups.map(() => "---:").join("|")}|`);
  for (const n of sizes) {
    console.log(`| ${n.toLocaleString("en")} | ${groups.map((g) => (cell(g, n) ? human(cell(g, n).ns) : "")).join(" | ")} |`);
  }
}

if (hostile.length) {
  // Issue 10's budget: one page view with a 30,000-character URL against 20 `matches` rules under 1 ms.
  console.log("");
  console.log("### Hostile input: one page view against 20 campaigns' `matches` rules (budget: under 1 ms)");
  console.log("");
  console.log("| case | median | within budget |");
  console.log("|---|---:|:---:|");
  for (const r of hostile) {
    const [chars, rules] = r.param.split("x").map(Number);
    const label = `${chars.toLocaleString("en")}-character URL × ${rules} rules`;
    console.log(`| ${label} | ${human(r.ns)} | ${r.ns < 1e6 ? "yes" : "NO"} |`);
  }
}
