#!/usr/bin/env node
// Lists every surviving (and uncovered) mutant of one or more Stryker JSON reports, one row
// each, for docs/mutation.md: file:line, mutator, the code as mutated, and the reason given in
// docs/mutation-reasons.json (keyed "file:line:mutator:replacement"; "?" until one is written).
// Usage: node scripts/mutation-survivors.mjs full.json [targeted.json …] (a later report's files replace an earlier's)
import { existsSync, readFileSync } from "node:fs";

const reasonsFile = new URL("../docs/mutation-reasons.json", import.meta.url);
const reasons = existsSync(reasonsFile) ? JSON.parse(readFileSync(reasonsFile, "utf8")) : {};
const rows = [];
const scores = new Map();
// A later report's file replaces an earlier report's (a targeted re-run after a full one).
const files = new Map();
for (const report of process.argv.slice(2))
  for (const [file, data] of Object.entries(JSON.parse(readFileSync(report, "utf8")).files)) files.set(file, data);
for (const [file, data] of files) {
  const count = { killed: 0, left: 0 };
  for (const m of data.mutants) {
    if (m.status === "Killed" || m.status === "Timeout") count.killed++;
    if (m.status !== "Survived" && m.status !== "NoCoverage") continue;
    count.left++;
    const replacement = (m.replacement ?? "").replace(/\s+/g, " ").slice(0, 70);
    const key = `${file}:${m.location.start.line}:${m.mutatorName}:${replacement}`;
    rows.push({
      file,
      line: m.location.start.line,
      mutator: m.mutatorName,
      status: m.status,
      replacement,
      reason: reasons[key] ?? "?",
      key,
    });
  }
  scores.set(file, count);
}
rows.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
if (process.env.KEYS) {
  for (const r of rows) console.log(JSON.stringify(r.key));
} else {
  console.log("| File:line | Mutator | Mutated to | Why it is left |\n|---|---|---|---|");
  const cell = (t) => t.replaceAll("|", "\\|").replaceAll("`", "'");
  for (const r of rows)
    console.log(
      `| ${r.file.replace(/^src\//, "")}:${r.line} | ` +
        `${r.mutator}${r.status === "NoCoverage" ? " (not covered)" : ""} | \`${cell(r.replacement)}\` | ` +
        `${cell(r.reason)} |`,
    );
  const missing = rows.filter((r) => r.reason === "?").length;
  console.error(`${rows.length} survivors listed; ${missing} without a reason`);
  const areas = new Map();
  for (const [file, c] of scores) {
    const area = file.startsWith("src/updater/") ? file : file.split("/").slice(0, 2).join("/");
    const a = areas.get(area) ?? { killed: 0, left: 0 };
    areas.set(area, { killed: a.killed + c.killed, left: a.left + c.left });
  }
  for (const [name, c] of [...areas, ...scores])
    console.error(
      `${name}: ${((100 * c.killed) / (c.killed + c.left)).toFixed(1)} % (${c.killed} of ${c.killed + c.left})`,
    );
}
