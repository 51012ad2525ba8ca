// Prints criterion's results as a table: median time of every benchmark, and for each
// group with a `hand_written` baseline, the ratio of the others to it.
//   node scripts/bench-table.mjs [target/criterion]
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = process.argv[2] ?? "target/criterion";
const median = (dir) => JSON.parse(readFileSync(join(dir, "new", "estimates.json"), "utf8")).median.point_estimate;
const human = (ns) =>
  ns >= 1e9 ? `${(ns / 1e9).toFixed(3)} s` : ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(1)} ns`;

const rows = [];
function walk(dir, name) {
  if (existsSync(join(dir, "new", "estimates.json"))) {
    rows.push({ name, ns: median(dir), dir });
    return;
  }
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== "report") walk(join(dir, entry.name), name ? `${name}/${entry.name}` : entry.name);
  }
}
if (!existsSync(root)) {
  console.error(`no criterion results in ${root}: run the benchmarks first`);
  process.exit(2);
}
walk(root, "");
rows.sort((a, b) => a.name.localeCompare(b.name));
const baseline = new Map(rows.filter((r) => r.name.endsWith("/hand_written")).map((r) => [r.name.replace(/\/hand_written$/, ""), r.ns]));
console.log(`${"benchmark".padEnd(44)} ${"median".padStart(12)} ${"vs hand-written".padStart(16)}`);
for (const r of rows) {
  const base = baseline.get(r.name.replace(/\/[^/]+$/, ""));
  const ratio = base && !r.name.endsWith("/hand_written") ? `${(r.ns / base).toFixed(2)}x` : "";
  console.log(`${r.name.padEnd(44)} ${human(r.ns).padStart(12)} ${ratio.padStart(16)}`);
}
