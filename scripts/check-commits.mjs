#!/usr/bin/env node
// Every commit since the rule began (issue 22: "from now on, commits have a short subject and a body that says
// why") has a subject of at most 72 characters and a body. Merges are exempt: git writes their subject. A clone
// without that history (a shallow CI checkout, a tarball) has nothing to check and says so.
import { execFileSync } from "node:child_process";

const SINCE = "c366faa1"; // the last commit before the rule; everything after it is held to it
const MAX_SUBJECT = 72;

const git = (...args) => execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
let log;
try {
  git("cat-file", "-e", `${SINCE}^{commit}`);
  log = git("log", "--no-merges", "--format=%h%x00%s%x00%b%x1e", `${SINCE}..HEAD`);
} catch {
  console.log(`commits: ${SINCE} is not in this clone's history; nothing to check`);
  process.exit(0);
}
const problems = log
  .split("\x1e")
  .map((entry) => entry.replace(/^\n/, ""))
  .filter(Boolean)
  .flatMap((entry) => {
    const [hash, subject, body] = entry.split("\0");
    return [
      ...(subject.length > MAX_SUBJECT
        ? [`${hash}: subject is ${subject.length} characters (at most ${MAX_SUBJECT})`]
        : []),
      ...(body.trim() === "" ? [`${hash}: no body: say why the change was made`] : []),
    ];
  });
for (const p of problems) console.error(`commits: ${p}`);
process.exit(problems.length ? 1 : 0);
