import { runProcess } from "../exec/run-process.js";
import type { ServicePlan, TestPlan } from "../plan/types.js";
import { shellQuote } from "../pipeline/shell-quote.js";
import { dockerServiceArgs, dockerTestArgs, RUN_LABEL, runNetwork, serviceContainer } from "./docker-args.js";
import { StepFailed, type DockerContext } from "./step-error.js";

/**
 * The project's test gate: a throwaway network, each service started and waited for
 * by its readiness check, then the suite in the image under test. The network and
 * containers are removed whatever happens.
 */
export async function runTestGate(ctx: DockerContext, ref: string, test: TestPlan): Promise<string> {
  const network = runNetwork(ctx.runId);
  try {
    await ctx.docker(["network", "create", "--label", `${RUN_LABEL}=${ctx.runId}`, network], "creating the test network");
    await Promise.all(test.services.map((service) => ctx.docker(dockerServiceArgs(ctx.runId, network, service), `starting service ${service.name} (${service.image})`)));
    await Promise.all(test.services.map((service) => waitReady(ctx, service)));
    const result = await ctx.dockerResult(dockerTestArgs(ctx.runId, ref, test));
    if (result.code !== 0) throw new StepFailed(`the test suite failed (exit ${result.code ?? result.signal}): ${shellQuote(test.command)}`, result.output);
    return result.output;
  } finally {
    await removeRunContainers(ctx);
  }
}

async function waitReady(ctx: DockerContext, service: ServicePlan): Promise<void> {
  const container = serviceContainer(ctx.runId, service.name);
  const deadline = Date.now() + service.readyTimeoutSeconds * 1000;
  let last = "";
  while (Date.now() < deadline) {
    if (ctx.signal.aborted) throw StepFailed.cancelled();
    const running = await ctx.dockerResult(["inspect", "--format", "{{.State.Running}}", container]);
    if (running.stdout.trim() !== "true") {
      const logs = await ctx.dockerResult(["logs", "--tail", "50", container]);
      throw new StepFailed(`service ${service.name} (${service.image}) exited before it was ready`, logs.output);
    }
    if (!service.ready) return;
    const check = await ctx.dockerResult(["exec", container, ...service.ready]);
    if (check.code === 0) return;
    last = check.output;
    await new Promise((r) => setTimeout(r, 250));
  }
  const logs = await ctx.dockerResult(["logs", "--tail", "50", container]);
  throw new StepFailed(
    `service ${service.name} did not become ready within ${service.readyTimeoutSeconds}s: its readiness check \`${shellQuote(service.ready ?? [])}\` kept failing`,
    `last check output:\n${last}\nservice logs:\n${logs.output}`,
  );
}

/** Removes every container and network labelled with this run. */
export async function removeRunContainers(ctx: Pick<DockerContext, "runId" | "dockerResult">): Promise<void> {
  const filter = `label=${RUN_LABEL}=${ctx.runId}`;
  const containers = (await ctx.dockerResult(["ps", "--all", "--quiet", "--filter", filter], { ignoreAbort: true })).stdout.split("\n").filter(Boolean);
  if (containers.length) await ctx.dockerResult(["rm", "--force", "--volumes", ...containers], { ignoreAbort: true });
  const networks = (await ctx.dockerResult(["network", "ls", "--quiet", "--filter", filter], { ignoreAbort: true })).stdout.split("\n").filter(Boolean);
  if (networks.length) await ctx.dockerResult(["network", "rm", ...networks], { ignoreAbort: true });
}
