import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { helmArgs } from "../../../src/chart/index.js";
import { helmBinary } from "../../../src/exec/index.js";

const CHART = new URL("../../../deploy/updater", import.meta.url).pathname;

function render(...sets: string[]): Record<string, any>[] {
  const out = execFileSync(
    helmBinary(),
    [...helmArgs.template("upd", CHART), "--namespace", "ops", ...sets.flatMap((s) => ["--set", s])],
    { encoding: "utf8" },
  );
  return parseAllDocuments(out)
    .map((d) => d.toJS())
    .filter(Boolean);
}

describe("deploy/updater, the updater's own chart (real helm)", () => {
  it("lints strictly", () => {
    expect(execFileSync(helmBinary(), helmArgs.lint(CHART), { encoding: "utf8" })).toMatch(
      /1 chart\(s\) linted, 0 chart\(s\) failed/,
    );
  });

  it("renders with default values a valid CronJob, ServiceAccount, Role and RoleBinding", () => {
    const docs = render();
    expect(docs.map((d) => `${d.apiVersion}/${d.kind}`).sort()).toEqual([
      "batch/v1/CronJob",
      "rbac.authorization.k8s.io/v1/Role",
      "rbac.authorization.k8s.io/v1/RoleBinding",
      "v1/ServiceAccount",
    ]);
    const cron = docs.find((d) => d.kind === "CronJob")!;
    expect(cron.spec).toMatchObject({
      schedule: "17 * * * *",
      concurrencyPolicy: "Forbid",
      jobTemplate: { spec: { backoffLimit: 0 } },
    });
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe("upd-charthouse-updater");
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    const container = pod.containers[0];
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
    // helm's files, a registry login among them, live in memory for the run only.
    expect(pod.volumes).toContainEqual({ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } });
    expect(container.resources.limits).toEqual({ cpu: "500m", memory: "512Mi" });
    expect(container.image).toBe("ghcr.io/samvera-labs/charthouse:0.1.0");
    expect(container.command).toEqual(["charthouse"]);
    expect(container.args).toEqual([
      "sync",
      "--chart",
      "oci://ghcr.io/samvera/charts/hyrax",
      "--release",
      "hyrax",
      "--namespace",
      "ops",
      "--policy",
      "stable",
      "--timeout",
      "10m",
      "--zero-exit-on-upgrade",
    ]);
    expect(pod.imagePullSecrets).toBeUndefined();
  });

  it("limits the Role to the target namespace and binds it to the ServiceAccount", () => {
    const docs = render("target.namespace=samvera");
    const role = docs.find((d) => d.kind === "Role")!;
    const binding = docs.find((d) => d.kind === "RoleBinding")!;
    expect(role.metadata.namespace).toBe("samvera");
    expect(role.rules.flatMap((r: { resources: string[] }) => r.resources)).toEqual(
      expect.arrayContaining(["secrets", "configmaps", "deployments"]),
    );
    expect(
      role.rules.some(
        (r: { resources: string[] }) => r.resources.includes("clusterroles") || r.resources.includes("*"),
      ),
    ).toBe(false);
    expect(binding.metadata.namespace).toBe("samvera");
    expect(binding.roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "Role",
      name: "upd-charthouse-updater",
    });
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "upd-charthouse-updater", namespace: "ops" }]);
  });

  it("passes every value as one argument of a list: nothing is spliced into a shell", () => {
    const hostile = "hyrax; touch /tmp/owned $(id) `id` \"'";
    const docs = render(`target.release=${hostile.replace(/,/g, "\\,")}`, "target.valuesConfigMap=hyrax-values");
    const container = docs.find((d) => d.kind === "CronJob")!.spec.jobTemplate.spec.template.spec.containers[0];
    expect(container.command).toEqual(["charthouse"]);
    expect(container.args.slice(0, 5)).toEqual([
      "sync",
      "--chart",
      "oci://ghcr.io/samvera/charts/hyrax",
      "--release",
      hostile,
    ]);
    expect(container.args.slice(-3)).toEqual(["--values", "/etc/charthouse/values.yaml", "--zero-exit-on-upgrade"]);
  });

  it("takes an imagePullSecret, registry credentials and a webhook from Secrets, a pinned digest, a schedule", () => {
    const docs = render(
      "imagePullSecrets[0].name=ghcr-pull",
      "registrySecret=ghcr-read",
      "webhook.secretName=slack",
      "image.digest=sha256:" + "a".repeat(64),
      "schedule=0 4 * * *",
      "target.policy=~5.0",
    );
    const cron = docs.find((d) => d.kind === "CronJob")!;
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(cron.spec.schedule).toBe("0 4 * * *");
    expect(pod.imagePullSecrets).toEqual([{ name: "ghcr-pull" }]);
    const env = Object.fromEntries(
      pod.containers[0].env.map((e: { name: string; value?: string; valueFrom?: unknown }) => [
        e.name,
        e.valueFrom ?? e.value,
      ]),
    );
    expect(env.CHARTHOUSE_REGISTRY_PASSWORD).toEqual({ secretKeyRef: { name: "ghcr-read", key: "password" } });
    expect(env.CHARTHOUSE_WEBHOOK).toEqual({ secretKeyRef: { name: "slack", key: "url" } });
    expect(pod.containers[0].image).toBe(`ghcr.io/samvera-labs/charthouse:0.1.0@sha256:${"a".repeat(64)}`);
    expect(pod.containers[0].args).toContain("~5.0");
    expect(pod.containers[0].args).not.toContain("--plain-http");
  });

  it("passes --plain-http for a registry without TLS, and only then", () => {
    const cron = render("target.plainHttp=true").find((d) => d.kind === "CronJob")!;
    expect(cron.spec.jobTemplate.spec.template.spec.containers[0].args.slice(-2)).toEqual([
      "--plain-http",
      "--zero-exit-on-upgrade",
    ]);
  });
});

describe("deploy/updater verifies signatures when given the pipeline's public key", () => {
  const PUB = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n";
  it("passes verify.publicKey to sync as CHARTHOUSE_VERIFY_KEY; a refusal (exit 22) fails the Job", () => {
    const cron = render(`verify.publicKey=${PUB}`).find((d) => d.kind === "CronJob")!;
    const container = cron.spec.jobTemplate.spec.template.spec.containers[0];
    expect(container.env).toContainEqual({ name: "CHARTHOUSE_VERIFY_KEY", value: PUB });
    // charthouse runs without a shell; --zero-exit-on-upgrade turns only "upgraded" into 0, so 22
    // (every newer version refused) still shows as a failed Job.
    expect(container.command).toEqual(["charthouse"]);
    expect(container.args.at(-1)).toBe("--zero-exit-on-upgrade");
  });
  it("without one, sync runs as before", () => {
    const container = render().find((d) => d.kind === "CronJob")!.spec.jobTemplate.spec.template.spec.containers[0];
    expect(container.env.map((e: { name: string }) => e.name)).not.toContain("CHARTHOUSE_VERIFY_KEY");
  });
});
