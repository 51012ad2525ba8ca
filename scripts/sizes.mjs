// Prints the raw, gzip and brotli bytes of everything a visitor downloads (the widget)
// and of the worker bundle; with --check, fails when the widget exceeds its budget.
//   node scripts/sizes.mjs [--check]
import { readFileSync, existsSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

/** The widget's budget: loader + glue + wasm, brotli-compressed. */
export const WIDGET_BROTLI_BUDGET = 40 * 1024;

const files = [
  { group: "widget", name: "widget.js (loader + glue)", path: "target/site/widget.js" },
  { group: "widget", name: "widget.wasm", path: "target/site/widget.wasm" },
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
  rows.push({ name: file.name, ...size });
  const t = (totals[file.group] ??= { raw: 0, gzip: 0, brotli: 0 });
  for (const k of ["raw", "gzip", "brotli"]) t[k] += size[k];
}
rows.splice(2, 0, { name: "= widget total (a visitor downloads)", ...totals.widget });
rows.push({ name: "= worker total", ...totals.worker });

const pad = (s, n) => String(s).padStart(n);
console.log(`${"file".padEnd(40)} ${pad("raw", 9)} ${pad("gzip", 9)} ${pad("brotli", 9)}`);
for (const r of rows) console.log(`${r.name.padEnd(40)} ${pad(r.raw, 9)} ${pad(r.gzip, 9)} ${pad(r.brotli, 9)}`);
console.log(`widget budget: ${totals.widget.brotli} of ${WIDGET_BROTLI_BUDGET} bytes brotli`);

if (process.argv.includes("--check") && totals.widget.brotli > WIDGET_BROTLI_BUDGET) {
  console.error(`FAIL: the widget is ${totals.widget.brotli} bytes brotli, over its ${WIDGET_BROTLI_BUDGET}-byte budget`);
  process.exit(1);
}
