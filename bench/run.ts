// On-demand benchmarks: `npm run bench` (all) or `npm run bench -- start plan tags publish work sync`.
import { benchPlan } from "./plan.js";
import { benchTags } from "./tags.js";
import { benchPublish } from "./publish.js";
import { benchSync } from "./sync.js";
import { benchStart } from "./start.js";
import { benchWork } from "./work.js";

const benches: Record<string, () => void | Promise<void>> = {
  start: benchStart,
  plan: benchPlan,
  tags: benchTags,
  publish: benchPublish,
  sync: benchSync,
  work: benchWork,
};
const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(benches)) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark ${name}; choose from: ${Object.keys(benches).join(", ")}`);
    process.exit(2);
  }
  await bench();
}
