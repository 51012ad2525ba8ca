// Lints edge/openapi.json the way its users' tools do: `redocly lint` with the
// recommended rules, unmodified (no configuration file). Fails on any error, and on any
// operation without an `operationId` (a warning to redocly; an unnamed method in every
// generated client to us). Other warnings are printed and allowed: `/healthz` and
// `/openapi.json` have no 4xx answer, and a tracked link answers 302, not 2xx.
// Runs offline: the document has no remote `$ref`, telemetry and the update check are off.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" };
const args = ["lint", "edge/openapi.json", "--extends=recommended", "--format=json"];
let output;
try {
  output = execFileSync(`${root}node_modules/.bin/redocly`, args, { cwd: root, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
} catch (error) {
  // redocly exits non-zero when it finds errors; its report is still on stdout.
  output = error.stdout;
  if (!output) throw error;
}
const report = JSON.parse(output);
const unnamed = report.problems.filter((p) => p.ruleId === "operation-operationId");
for (const p of report.problems) {
  console.log(`${p.severity} ${p.ruleId} ${p.location.map((l) => l.pointer).join(", ")}: ${p.message}`);
}
console.log(`openapi lint (redocly ${report.version}, recommended): ${report.totals.errors} errors, ${report.totals.warnings} warnings, ${unnamed.length} unnamed operations`);
if (report.totals.errors > 0 || unnamed.length > 0) process.exit(1);
