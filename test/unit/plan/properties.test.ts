import fc from "fast-check";
import semver from "semver";
import { describe, expect, it } from "vitest";
import type { RunEvent } from "../../../src/context/index.js";
import { planRelease } from "../../../src/plan/index.js";
import type { RegistryState, TagRecord } from "../../../src/registry/index.js";
import { COMMIT, config, context, digestOf, OTHER_COMMIT } from "../../kit/builders.js";

// Properties of the planner over random registry states and runs: whatever the registry
// holds, no plan moves an alias to something older than it holds, overwrites an immutable
// tag published from another commit, or lets a prerelease yield a release artifact.
const DASSIE = "ghcr.io/samvera/dassie";
const CHART = "ghcr.io/samvera/charts/hyrax";

const version = fc
  .tuple(
    fc.integer({ min: 3, max: 6 }),
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 3 }),
    fc.option(fc.constantFrom("rc.1", "rc.2", "beta.1"), { nil: undefined }),
  )
  .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre}` : ""}`);
const day = fc.integer({ min: 1, max: 28 }).map((d) => `2026-11-${String(d).padStart(2, "0")}`);
const stamp = (date: string) => date.replaceAll("-", "");
const revision = fc.constantFrom(COMMIT, OTHER_COMMIT, undefined);

/** A record as a previous run (or a person) would have left it. */
const record = (tag: string, fields: Partial<TagRecord>) =>
  fc.record({ rev: revision }).map(({ rev }): TagRecord => ({
    digest: digestOf(`${tag}:${JSON.stringify(fields)}:${rev}`),
    ...(rev ? { revision: rev } : {}),
    ...fields,
  }));

const imageTags = fc
  .tuple(
    fc.uniqueArray(version, { maxLength: 5 }),
    fc.uniqueArray(day, { maxLength: 4 }),
    fc.option(version),
    fc.option(day),
    fc.option(day),
  )
  .chain(([releases, nightlies, aliasVersion, aliasNightly, mainCreated]) => {
    const entries: fc.Arbitrary<[string, TagRecord]>[] = [
      ...releases.map((v) => record(v, { version: v }).map((r): [string, TagRecord] => [v, r])),
      ...nightlies.map((d) =>
        record(`nightly-${stamp(d)}`, { version: `nightly-${stamp(d)}` }).map((r): [string, TagRecord] => [
          `nightly-${stamp(d)}`,
          r,
        ]),
      ),
    ];
    if (aliasVersion)
      for (const alias of [
        "latest",
        `${semver.major(aliasVersion)}`,
        `${semver.major(aliasVersion)}.${semver.minor(aliasVersion)}`,
      ])
        entries.push(record(alias, { version: aliasVersion }).map((r): [string, TagRecord] => [alias, r]));
    if (aliasNightly)
      entries.push(
        record("nightly", { version: `nightly-${stamp(aliasNightly)}` }).map((r): [string, TagRecord] => [
          "nightly",
          r,
        ]),
      );
    if (mainCreated)
      entries.push(
        record("main", { created: `${mainCreated}T09:00:00Z` }).map((r): [string, TagRecord] => ["main", r]),
      );
    return entries.length ? fc.tuple(...entries) : fc.constant([] as [string, TagRecord][]);
  })
  .map((entries) => Object.fromEntries(entries));

const chartTags = fc
  .uniqueArray(version, { maxLength: 4 })
  .chain((versions) =>
    versions.length
      ? fc.tuple(...versions.map((v) => record(v, { version: v }).map((r): [string, TagRecord] => [v, r])))
      : fc.constant([] as [string, TagRecord][]),
  )
  .map((entries) => Object.fromEntries(entries));

const run = fc.oneof(
  day.map((date) => ({ event: { kind: "nightly" } as RunEvent, date, created: `${date}T03:00:00Z` })),
  fc
    .tuple(version, day)
    .map(([v, date]) => ({ event: { kind: "release", tag: `v${v}` } as RunEvent, date, created: `${date}T03:00:00Z` })),
  day.map((date) => ({ event: { kind: "push", branch: "main" } as RunEvent, date, created: `${date}T09:00:00Z` })),
);
const chartVersion = version;

/** An oracle written apart from the planner's own ranking: is `mine` older than what `current` holds? */
function older(
  rank: { scheme: string; version?: string; date?: string; created?: string },
  current: TagRecord,
): boolean {
  if (rank.scheme === "semver")
    return (
      current.version !== undefined &&
      semver.valid(current.version) !== null &&
      semver.lt(rank.version!, current.version)
    );
  if (rank.scheme === "nightly") {
    const theirs = current.version?.match(/^nightly-(\d{8})$/)?.[1];
    return theirs !== undefined && rank.date! < theirs;
  }
  return current.created !== undefined && Date.parse(rank.created!) < Date.parse(current.created);
}

describe("the planner, for any registry state and run (fast-check)", () => {
  it(
    "never moves an alias backwards, never overwrites another commit's immutable tag, never ships a release " +
      "artifact from a prerelease",
    () => {
      fc.assert(
        fc.property(imageTags, chartTags, run, chartVersion, (images, charts, r, chartYamlVersion) => {
          const state: RegistryState = { repositories: { [DASSIE]: images, [CHART]: charts } };
          const cfg = config({ charts: [{ ...config().charts[0]!, version: chartYamlVersion }] });
          const result = planRelease({
            config: cfg,
            context: context(r.event, { date: r.date, created: r.created }),
            state,
          });
          if (!result.ok) return;
          const plan = result.plan;
          for (const move of plan.aliases) {
            const current = state.repositories[move.repository]?.[move.alias];
            if (current && current !== "listed")
              expect(older(move.rank, current), `${move.repository}:${move.alias} ← ${move.from}`).toBe(false);
          }
          const published = [
            ...plan.images.map((i) => ({ repository: i.repository, tag: i.tag, publication: i.publication })),
            ...plan.charts.map((c) => ({ repository: c.repository, tag: c.version, publication: c.publication })),
          ];
          for (const { repository, tag, publication } of published) {
            const existing = state.repositories[repository]?.[tag];
            if (publication.action === "push") expect(existing, `${repository}:${tag} is overwritten`).toBeUndefined();
            if (publication.action === "skip") expect(existing !== "listed" && existing?.revision).toBe(COMMIT);
          }
          if (r.event.kind === "release" && semver.prerelease(r.event.tag.slice(1)) !== null) {
            for (const { repository, tag, publication } of published) {
              if (publication.action !== "none")
                expect(semver.prerelease(tag), `${repository}:${tag} from a prerelease`).not.toBeNull();
            }
            expect(plan.aliases).toEqual([]);
          }
        }),
        { numRuns: 400 },
      );
    },
  );
});
