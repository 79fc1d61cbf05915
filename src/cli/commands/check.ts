import type { Command } from "commander";
import type { CliIo } from "../io.js";
import { readConfig } from "../read-inputs.js";

export function registerCheck(program: Command, io: CliIo): void {
  program
    .command("check")
    .summary("validate charthouse.yaml and print every problem")
    .description(
      "Validates charthouse.yaml against charthouse.schema.json and checks what a schema cannot: that " +
        "Dockerfiles, targets and charts exist, that pins name images, that tag patterns hold their " +
        "placeholders. Prints every problem with file, line, column, field and fix; exit 0 when valid.",
    )
    .option("-c, --config <file>", "the project's charthouse.yaml", "charthouse.yaml")
    .action((opts: { config: string }) => {
      const config = readConfig(opts.config, io);
      const services = config.test?.services.length ?? 0;
      io.stdout(
        `${opts.config} is valid: ${count(config.images.length, "image")}, ${count(config.charts.length, "chart")}, ` +
          `${config.test ? `a test gate with ${count(services, "service")}` : "no test gate"}.\n`,
      );
    });
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
