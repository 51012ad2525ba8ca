// Prints the raw, gzip and brotli bytes of everything a visitor downloads (the widget),
// of the console's first load and of the worker bundle; with --check, fails when the
// widget, the console or the worker exceeds its budget.
//   node scripts/sizes.mjs [--check]
import { readFileSync, existsSync, readdirSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

/** The widget's budget: loader + glue + wasm, brotli-compressed. */
export const WIDGET_BROTLI_BUDGET = 40 * 1024;
/** The console's first load: wasm + JS (starter, glue, parts loader) + CSS, brotli-compressed (issue 11). */
export const CONSOLE_BROTLI_BUDGET = 300 * 1024;
/**
 * The worker as `wrangler deploy` uploads it, gzip-compressed: Cloudflare refuses a worker
 * over 3 MB on the Free plan and 10 MB on Paid (Durable Objects need Paid); we keep the
 * Free plan's limit so there is room to grow (issue 13 added the file writers).
 */
export const WORKER_GZIP_BUDGET = 3 * 1024 * 1024;

// The console's build sits in a folder named by its hash (scripts/lib.sh `build_console`).
const app = existsSync("target/site/console")
  ? readdirSync("target/site/console").find((name) => name.startsWith("app-"))
  : undefined;
const appDir = `target/site/console/${app ?? "app-<missing>"}`;
// The parts `wasm-split` cut out at the console's `#[wasm_split]` screens (parts.rs): fetched when a screen
// first opens, not in the first load.
const parts = app ? readdirSync(appDir).filter((name) => /^(split|chunk)_.*\.wasm$/.test(name)).sort() : [];

// The JS the glue imports statically (`#[wasm_bindgen(module = ...)]` snippets): first load.
const snippets = [];
const walk = (dir) => {
  for (const entry of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
    if (entry.isDirectory()) walk(`${dir}/${entry.name}`);
    else snippets.push(`${dir}/${entry.name}`);
  }
};
walk(`${appDir}/snippets`);

const files = [
  { group: "widget", name: "widget.js (loader + glue)", path: "target/site/widget.js" },
  { group: "widget", name: "widget.wasm", path: "target/site/widget.wasm" },
  { group: "console", name: "console/main.js", path: "target/site/console/main.js" },
  { group: "console", name: "console/kizuna_console.js (glue)", path: `${appDir}/kizuna_console.js` },
  { group: "console", name: "console/__wasm_split.js (parts loader)", path: `${appDir}/__wasm_split.js` },
  { group: "console", name: "console/kizuna_console_bg.wasm", path: `${appDir}/kizuna_console_bg.wasm` },
  { group: "console", name: "console/console.css", path: "target/site/console/console.css" },
  ...snippets.map((path) => ({ group: "console", name: `console/${path.split("/").pop()} (snippet)`, path })),
  ...parts.map((name) => ({ group: "parts", name: `console/${name}`, path: `${appDir}/${name}` })),
  { group: "worker", name: "edge/build/index.js", path: "edge/build/index.js" },
  { group: "worker", name: "edge/build/index_bg.wasm", path: "edge/build/index_bg.wasm" },
];

const measure = (bytes) => ({
  raw: bytes.length,
  gzip: gzipSync(bytes, { level: 9 }).length,
  brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});

const rows = [];
const totals = {};
for (const file of files) {
  if (!existsSync(file.path)) {
    console.error(`missing ${file.path}: build first (scripts/build)`);
    process.exit(2);
  }
  const size = measure(readFileSync(file.path));
  // Of the lazily loaded parts, only the screens' own parts get a row; the shared chunks
  // count in the total.
  if (file.group !== "parts" || file.name.includes("split_")) rows.push({ name: file.name, group: file.group, ...size });
  const t = (totals[file.group] ??= { raw: 0, gzip: 0, brotli: 0 });
  for (const k of ["raw", "gzip", "brotli"]) t[k] += size[k];
}
const after = (group) => rows.findLastIndex((r) => r.group === group) + 1;
rows.splice(after("widget"), 0, { name: "= widget total (a visitor downloads)", ...totals.widget });
rows.splice(after("console"), 0, { name: "= console total (first load)", ...totals.console });
rows.splice(after("parts"), 0, { name: `= console lazy parts (${parts.length} files)`, ...totals.parts });
rows.push({ name: "= worker total", ...totals.worker });

const pad = (s, n) => String(s).padStart(n);
console.log(`${"file".padEnd(44)} ${pad("raw", 9)} ${pad("gzip", 9)} ${pad("brotli", 9)}`);
for (const r of rows) console.log(`${r.name.padEnd(44)} ${pad(r.raw, 9)} ${pad(r.gzip, 9)} ${pad(r.brotli, 9)}`);
const budgets = [
  { what: "the widget", size: totals.widget.brotli, budget: WIDGET_BROTLI_BUDGET, unit: "brotli" },
  { what: "the console", size: totals.console.brotli, budget: CONSOLE_BROTLI_BUDGET, unit: "brotli" },
  { what: "the worker", size: totals.worker.gzip, budget: WORKER_GZIP_BUDGET, unit: "gzip" },
];
for (const b of budgets) console.log(`${b.what} budget: ${b.size} of ${b.budget} bytes ${b.unit}`);

const over = budgets.filter((b) => b.size > b.budget);
if (process.argv.includes("--check") && over.length > 0) {
  for (const b of over) console.error(`FAIL: ${b.what} is ${b.size} bytes ${b.unit}, over its ${b.budget}-byte budget`);
  process.exit(1);
}
