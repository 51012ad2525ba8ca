// Wraps wasm-bindgen's no-modules glue into the loader's IIFE and minifies the result:
//   node scripts/bundle-widget.mjs GLUE.js LOADER.js OUT.js
import { readFileSync, writeFileSync } from "node:fs";
import { transformSync } from "esbuild";

const [glueFile, loaderFile, outFile] = process.argv.slice(2);
const marker = "/* wasm-bindgen glue goes here */";
const loader = readFileSync(loaderFile, "utf8");
if (!loader.includes(marker)) throw new Error(`${loaderFile} lacks the marker ${marker}`);
const glue = readFileSync(glueFile, "utf8");
const { code } = transformSync(loader.replace(marker, () => glue), {
  minify: true,
  target: "es2017",
  legalComments: "none",
});
writeFileSync(outFile, code);
