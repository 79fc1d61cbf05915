// On-demand benchmarks: `npm run bench` (all) or `npm run bench -- plan tags`.
import { benchPlan } from "./plan.js";
import { benchTags } from "./tags.js";
import { benchPublish } from "./publish.js";

const benches: Record<string, () => void | Promise<void>> = { plan: benchPlan, tags: benchTags, publish: benchPublish };
const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(benches)) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark ${name}; choose from: ${Object.keys(benches).join(", ")}`);
    process.exit(2);
  }
  await bench();
}
