/**
 * The walls between charthouse's parts, checked by `npm test` (npm run walls).
 * Each rule says why the wall is there.
 */
const IO_BUILTINS =
  "^(node:)?(fs|fs/promises|child_process|net|http|https|http2|dns|os|tls|dgram|cluster|worker_threads|readline|" +
  "process)$";

module.exports = {
  forbidden: [
    {
      name: "plan-and-pipeline-are-pure",
      comment:
        "The planner and the pipeline decide from their arguments alone (config, run facts, registry state, the " +
        "date): no file, process, network or registry, so every decision is a table test and a mutation target. They " +
        "read the other parts' types only.",
      severity: "error",
      from: { path: "^src/(plan|pipeline)/" },
      to: {
        pathNot: [
          "^src/(plan|pipeline)/",
          "^src/(config|context|registry)/types\\.ts$",
          "^src/errors\\.ts$",
          // Pure quoting (no I/O): it lives with the processes whose sh -c scripts it builds; steps show commands.
          "^src/exec/shell-quote\\.ts$",
          "^node_modules/semver/",
          "^(node:)?path$",
        ],
      },
    },
    {
      name: "plan-and-pipeline-do-no-io",
      comment: "No I/O module of node in the pure parts, even through a type-only path someone might widen.",
      severity: "error",
      from: { path: "^src/(plan|pipeline)/" },
      to: { dependencyTypes: ["core"], path: IO_BUILTINS },
    },
    {
      name: "signing-decisions-are-pure",
      comment:
        "What to sign, what is signed already, the tag names and the statements are decided from arguments alone, " +
        "so a rerun's idempotence and the tag scheme are table tests; cosign, gpg and the registry are the engine's. " +
        "node:crypto is computation, not I/O: the updater's signature check is decided here too.",
      severity: "error",
      from: { path: "^src/signing/" },
      to: { pathNot: ["^src/signing/", "^src/context/types\\.ts$", "^(node:)?crypto$"] },
    },
    {
      name: "no-cycles",
      comment:
        "Modules that import each other (config → chart files → config was one) cannot be read, tested or moved one " +
        "at a time.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "chart-is-pure",
      comment:
        "src/chart decides (stage recipes, Chart.yaml and values rewrites, helm argument lists) from its arguments; " +
        "src/chart-fs is where charts touch the disk. The split is the folders' names, and this wall keeps it true.",
      severity: "error",
      from: { path: "^src/chart/" },
      to: { dependencyTypes: ["core"], path: IO_BUILTINS },
    },
    {
      name: "one-way-to-read-a-project",
      comment:
        "Config validation and the release read a project's files only through ProjectFiles (src/project-files, " +
        "issue 22): a reader of their own is how the CLI and the Dagger module came to read one project five ways.",
      severity: "error",
      from: { path: "^src/(config|release)/" },
      to: { dependencyTypes: ["core"], path: "^(node:)?(fs|fs/promises)$" },
    },
    {
      name: "project-files-touch-the-disk-in-one-place",
      comment:
        "ProjectFiles and its in-memory implementation are pure, so the pure parts (src/chart's staging recipe) " +
        "can take them; only the disk's implementation, on-disk.ts, may reach the filesystem.",
      severity: "error",
      from: { path: "^src/project-files/", pathNot: "^src/project-files/on-disk\\.ts$" },
      to: { dependencyTypes: ["core"], path: IO_BUILTINS },
    },
    {
      name: "config-does-not-plan",
      comment:
        "Validating charthouse.yaml knows nothing of how a run is planned; it shares only the vocabulary of tag and " +
        "version formats (src/plan/formats.ts) and version schemes (src/plan/version-schemes.ts), which depend on " +
        "nothing of the planner.",
      severity: "error",
      from: { path: "^src/config/" },
      to: { path: "^src/plan/", pathNot: "^src/plan/(formats|version-schemes)\\.ts$" },
    },
    {
      name: "registry-does-not-plan",
      comment:
        "The registry client reads and writes what its caller names (which tags to inspect, which alias to move): " +
        "it knows nothing of how a run is planned, so data flows one way, registry state into the planner.",
      severity: "error",
      from: { path: "^src/registry/" },
      to: { path: "^src/plan/" },
    },
    {
      name: "module-does-not-depend-on-the-cli",
      comment:
        "The Dagger module's library (src/module-api.ts, bundled into ci/lib) is the use case and the Dagger adapter " +
        "(src/engines/dagger); the CLI is another front end of the same use case, not a layer under the module.",
      severity: "error",
      from: { path: "^src/(module-api\\.ts$|engines/dagger/)" },
      to: { path: "^src/cli/", reachable: true },
    },
    {
      name: "only-the-dagger-adapter-uses-the-sdk",
      comment:
        "The Dagger SDK is the Dagger adapter's (src/engines/dagger), as docker is the Docker adapter's: " +
        "the use case, the planner and the CLI stay engine-agnostic, and the CLI's bundle never carries the SDK.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/engines/dagger/" },
      to: { path: "(^|/)node_modules/@dagger\\.io/dagger/" },
    },
    {
      name: "cli-never-reaches-the-dagger-sdk",
      comment:
        "The CLI runs on plain Docker: no path from it may lead to the Dagger SDK (bundled, it would load it or fail).",
      severity: "error",
      from: { path: "^src/cli/" },
      to: { path: "(^|/)node_modules/@dagger\\.io/dagger/", reachable: true },
    },
    {
      name: "formats-stand-alone",
      comment:
        "The formats module is shared by config, the planner, ci-files and the updater: it imports nothing of " +
        "charthouse but the version schemes it reads versions by, which import nothing at all.",
      severity: "error",
      from: { path: "^src/plan/(formats|version-schemes)\\.ts$" },
      to: { path: "^src/", pathNot: "^src/plan/version-schemes\\.ts$" },
    },
    {
      name: "module-imports-only-its-bundle-and-the-sdk",
      comment:
        "The engine hands the Dagger module only dagger.json and ci/; the runtime imports every .ts under ci/src. " +
        "So ci/src (the module's functions, a front end like the CLI) reaches the library, its Dagger adapter too, " +
        "only through its generated bundle in ci/lib, and otherwise only the SDK.",
      severity: "error",
      from: { path: "^ci/src/" },
      to: { pathNot: ["^ci/(src|lib)/", "^node_modules/@dagger\\.io/dagger/", "^(node:)?path$"] },
    },
    {
      name: "production-code-never-uses-test-infrastructure",
      comment:
        "test/kit starts throwaway registries and Docker engines for tests, the demo and the benchmarks; nothing " +
        "charthouse ships may depend on it.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^test/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
