import type { Command } from "commander";

export interface RegistryOptions {
  registryUsername?: string;
  registryPasswordStdin?: boolean;
}

/** Credentials come from flags, stdin or the environment: never from a flag's value, which a process list shows. */
export function addRegistryOptions(command: Command): Command {
  return command
    .option(
      "--registry-username <user>",
      "registry user (default: $CHARTHOUSE_REGISTRY_USERNAME, else the Docker config file)",
    )
    .option(
      "--registry-password-stdin",
      "read the registry password or token from stdin (default: $CHARTHOUSE_REGISTRY_PASSWORD)",
    );
}
