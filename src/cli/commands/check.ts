import type { Command } from "commander";
import { relative, resolve } from "node:path";
import { declaredRepositories, plainHttpHosts, type ConfigProblem } from "../../config/index.js";
import { ExitCode } from "../../errors.js";
import type { CheckJson } from "../json-output.js";
import { lackingPushRights, preflight } from "../../registry/index.js";
import type { CliIo } from "../io.js";
import { loadConfigFile, readConfig } from "../read-inputs.js";
import { table } from "../../render/render-plan.js";
import {
  addRegistryOptions,
  cliClient,
  readCredentials,
  registryHost,
  type RegistryOptions,
} from "../registry-options.js";

export function registerCheck(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  addRegistryOptions(
    program
      .command("check")
      .summary("validate charthouse.yaml and print every problem")
      .description(
        "Validates charthouse.yaml against charthouse.schema.json and checks what a schema cannot: that " +
          "Dockerfiles, targets and charts exist, that pins name images, that tag patterns hold their " +
          "placeholders. Prints every problem with file, line, column, field and fix; exit 0 when valid.",
      )
      .option("-c, --config <file>", "the project's charthouse.yaml", "charthouse.yaml"),
  )
    .option(
      "--online",
      "also check that the credentials may push to every repository the config publishes to (nothing is pushed)",
    )
    .option("--json", "print the result as JSON (schemas/check.schema.json); problems make it valid: false, exit 2")
    .action(async (opts: { config: string; online?: boolean; json?: boolean } & RegistryOptions) => {
      const path = resolve(io.cwd, opts.config);
      const file = relative(io.cwd, path) || path;
      if (opts.json) {
        const loaded = await loadConfigFile(path);
        const located = (ps: readonly ConfigProblem[]) =>
          ps.map((p) => ({ ...p, file: relative(io.cwd, p.file) || p.file }));
        if (!loaded.ok) {
          const out: CheckJson = {
            version: 1,
            file,
            valid: false,
            problems: located(loaded.errors),
            warnings: located(loaded.warnings),
          };
          io.stdout(`${JSON.stringify(out, null, 2)}\n`);
          setExitCode(ExitCode.usage);
          return;
        }
        const { config } = loaded;
        const push = opts.online
          ? await preflight(
              cliClient(await readCredentials(opts, registryHost(config), io), io, plainHttpHosts(config)),
              declaredRepositories(config),
            )
          : undefined;
        const out: CheckJson = {
          version: 1,
          file,
          valid: push === undefined || push.every((r) => r.ok),
          problems: [],
          warnings: located(loaded.warnings),
          declares: {
            images: config.images.length,
            charts: config.charts.length,
            services: config.test?.services.length ?? 0,
          },
          ...(push ? { push } : {}),
        };
        io.stdout(`${JSON.stringify(out, null, 2)}\n`);
        if (!out.valid) setExitCode(ExitCode.usage);
        return;
      }
      const config = await readConfig(opts.config, io);
      const services = config.test?.services.length ?? 0;
      io.stdout(
        `${opts.config} is valid: ${count(config.images.length, "image")}, ${count(config.charts.length, "chart")}, ` +
          `${config.test ? `a test gate with ${count(services, "service")}` : "no test gate"}.\n`,
      );
      if (!opts.online) return;
      const results = await preflight(
        cliClient(await readCredentials(opts, registryHost(config), io), io, plainHttpHosts(config)),
        declaredRepositories(config),
      );
      io.stdout(
        `\n${table(
          ["REPOSITORY", "SCOPE", "PUSH"],
          results.map((r) => [r.repository, r.scope, r.ok ? "ok" : `lacking: ${r.detail}`]),
        )}\n`,
      );
      const refusal = lackingPushRights(results, "check again");
      if (refusal) throw refusal;
    });
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
