import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { helmArgs } from "../../../src/chart/index.js";
import { Secret } from "../../../src/registry/index.js";
import { helmCluster } from "../../../src/updater/index.js";
import { joined } from "../../kit/regex.js";
import { tempTree } from "../../kit/temp-dir.js";

// No cluster runs here: `helm` and `kubectl` are FAKE executables that record their
// argument lists and print what the real ones print, in the shapes of their source
// (helm's `list --output json` releaseElement; kubectl's ConfigMap JSON; helm 3's and
// helm 4's rollback messages on a failed --atomic upgrade).
function fakeTools(out: { helm?: string; helmCode?: number; kubectl?: string; kubectlCode?: number }): {
  helm: string;
  kubectl: string;
  calls: () => string[];
} {
  const dir = tempTree();
  const log = join(dir, "calls.log");
  const tool = (name: string, stdout: string | undefined, code = 0) => {
    const path = join(dir, name);
    writeFileSync(join(dir, `${name}.out`), stdout ?? "");
    writeFileSync(
      path,
      `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> "${log}"\ncat "${join(dir, `${name}.out`)}"\nexit ${code}\n`,
    );
    chmodSync(path, 0o755);
    return path;
  };
  return {
    helm: tool("helm", out.helm, out.helmCode),
    kubectl: tool("kubectl", out.kubectl, out.kubectlCode),
    calls: () => readFileSync(log, "utf8").trim().split("\n"),
  };
}

// What `helm list --output json` prints (pkg/cmd/list.go, releaseElement).
const HELM_LIST = JSON.stringify([
  {
    name: "hyrax",
    namespace: "samvera",
    revision: "7",
    updated: "2026-11-24 03:17:42.123456789 +0000 UTC",
    status: "deployed",
    chart: "hyrax-3.7.4-nightly.20261124",
    app_version: "nightly-20261124",
  },
]);

describe("the cluster through helm and kubectl (fake executables, real output shapes)", () => {
  it("reads the deployed release with helm's exact argument list, splitting chart name and version", async () => {
    const tools = fakeTools({ helm: HELM_LIST });
    const deployed = await helmCluster(tools).deployed("hyrax", "samvera");
    expect(deployed).toEqual({ chart: "hyrax", version: "3.7.4-nightly.20261124", status: "deployed" });
    expect(tools.calls()).toEqual(["helm list --namespace samvera --filter ^hyrax$ --output json"]);
  });

  it.each([
    ["a chart name with dashes and digits", "my-app-2-1.0.0", { chart: "my-app-2", version: "1.0.0" }],
    ["a prerelease", "hyrax-5.0.0-rc.1", { chart: "hyrax", version: "5.0.0-rc.1" }],
  ])("splits %s", async (_, chart, expected) => {
    const tools = fakeTools({
      helm: JSON.stringify([
        { name: "r", namespace: "n", revision: "1", updated: "", status: "failed", chart, app_version: "" },
      ]),
    });
    expect(await helmCluster(tools).deployed("r", "n")).toEqual({ ...expected, status: "failed" });
  });

  it(
    "an empty list is no release; a failing helm list is an error with its output, an unreachable cluster said " +
      "plainly",
    async () => {
      expect(await helmCluster(fakeTools({ helm: "[]\n" })).deployed("hyrax", "samvera")).toBeNull();
      await expect(
        helmCluster(
          fakeTools({
            helm: "Error: query: failed to query with labels: etcdserver: request timed out\n",
            helmCode: 1,
          }),
        ).deployed("hyrax", "samvera"),
      ).rejects.toThrow(/^helm list failed: Error: query: failed/);
      await expect(
        helmCluster(fakeTools({ helm: "Error: Kubernetes cluster unreachable\n", helmCode: 1 })).deployed(
          "hyrax",
          "samvera",
        ),
      ).rejects.toThrow(/^no cluster reachable: run sync in the cluster/);
      await expect(
        helmCluster(
          fakeTools({
            kubectl:
              "The connection to the server 10.0.0.1:443 was refused - did you specify the right host or port?\n",
            kubectlCode: 1,
          }),
        ).controls("hyrax", "samvera"),
      ).rejects.toThrow(/^no cluster reachable at 10\.0\.0\.1:443/);
    },
  );

  it("reads the release's history with helm history; a release never installed has none", async () => {
    const tools = fakeTools({
      helm: JSON.stringify([
        { revision: 1, updated: "", status: "superseded", chart: "hyrax-5.0.0", app_version: "", description: "" },
        { revision: 2, updated: "", status: "failed", chart: "hyrax-5.0.1", app_version: "", description: "" },
      ]),
    });
    expect(await helmCluster(tools).history("hyrax", "samvera")).toEqual([
      { revision: 1, version: "5.0.0", status: "superseded" },
      { revision: 2, version: "5.0.1", status: "failed" },
    ]);
    expect(tools.calls()).toEqual(["helm history hyrax --namespace samvera --output json"]);
    expect(
      await helmCluster(fakeTools({ helm: "Error: release: not found\n", helmCode: 1 })).history("hyrax", "samvera"),
    ).toEqual([]);
    await expect(
      helmCluster(fakeTools({ helm: "Error: Kubernetes cluster unreachable\n", helmCode: 1 })).history(
        "hyrax",
        "samvera",
      ),
    ).rejects.toThrow(/^no cluster reachable/);
    await expect(
      helmCluster(fakeTools({ helm: "Error: etcdserver: request timed out\n", helmCode: 1 })).history(
        "hyrax",
        "samvera",
      ),
    ).rejects.toThrow(/^helm history failed: Error: etcdserver/);
  });

  it("asks what it may do with a SelfSubjectRulesReview, without kubectl's CRD-listing validation", async () => {
    const review = {
      kind: "SelfSubjectRulesReview",
      status: {
        resourceRules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }],
        nonResourceRules: [],
        incomplete: false,
      },
    };
    const tools = fakeTools({ kubectl: JSON.stringify(review) });
    expect(await helmCluster(tools).granted("samvera")).toEqual([
      { verbs: ["get"], apiGroups: [""], resources: ["pods"] },
    ]);
    expect(tools.calls()).toEqual(["kubectl create --validate=false -f - --output json"]);
    await expect(
      helmCluster(
        fakeTools({ kubectl: "error: You must be logged in to the server (Unauthorized)\n", kubectlCode: 1 }),
      ).granted("samvera"),
    ).rejects.toThrow(/^the cluster refused the updater's credentials/);
  });

  it("renders with helm template, and says helm's error when it cannot", async () => {
    const tools = fakeTools({ helm: "apiVersion: v1\nkind: Service\n" });
    expect(await helmCluster(tools).render(["template", "r", "oci://x/y@sha256:1", "--version", "1.0.0"])).toBe(
      "apiVersion: v1\nkind: Service\n",
    );
    expect(tools.calls()).toEqual(["helm template r oci://x/y@sha256:1 --version 1.0.0"]);
    await expect(
      helmCluster(fakeTools({ helm: "Error: chart not found\n", helmCode: 1 })).render(["template"]),
    ).rejects.toThrow("helm template failed: Error: chart not found");
  });

  it("reads hold and skip from the release's ConfigMap, and nothing when there is none", async () => {
    const configMap = JSON.stringify({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "charthouse-sync-hyrax", namespace: "samvera" },
      data: { hold: "true", skip: "5.0.2, 5.0.3" },
    });
    const tools = fakeTools({ kubectl: configMap });
    expect(await helmCluster(tools).controls("hyrax", "samvera")).toEqual({ hold: true, skip: ["5.0.2", "5.0.3"] });
    expect(tools.calls()).toEqual([
      "kubectl get configmap charthouse-sync-hyrax --namespace samvera --output json --ignore-not-found",
    ]);
    // --ignore-not-found prints nothing for a missing ConfigMap.
    expect(await helmCluster(fakeTools({ kubectl: "" })).controls("hyrax", "samvera")).toEqual({
      hold: false,
      skip: [],
    });
  });

  it("tells an upgrade rolled back by --atomic (helm 3 and helm 4 words) from one whose rollback failed", async () => {
    const args = helmArgs.upgrade("hyrax", "oci://ghcr.io/samvera/charts/hyrax", "3.7.5", {
      namespace: "samvera",
      timeout: "10m",
    });
    const helm3 =
      "Error: UPGRADE FAILED: release hyrax failed, and has been rolled back due to atomic being set: context " +
      "deadline exceeded\n";
    const helm4 =
      "Error: UPGRADE FAILED: release hyrax failed, and has been rolled back due to rollback-on-failure being set: " +
      "context deadline exceeded\n";
    const broken =
      "Error: UPGRADE FAILED: an error occurred while rolling back the release. original upgrade error: context " +
      "deadline exceeded: timed out\n";
    for (const [output, rolledBack] of [
      [helm3, true],
      [helm4, true],
      [broken, false],
    ] as const) {
      const tools = fakeTools({ helm: output, helmCode: 1 });
      expect(await helmCluster(tools).helm(args)).toEqual({ ok: false, rolledBack, output });
      expect(tools.calls()).toEqual([`helm ${args.join(" ")}`]);
    }
    expect(
      await helmCluster(fakeTools({ helm: 'Release "hyrax" has been upgraded. Happy Helming!\n' })).helm(args),
    ).toMatchObject({ ok: true });
  });
});

describe("helm's login to a private chart registry (FAKE helm that records its arguments, stdin and env)", () => {
  function recordingHelm(): { helm: string; kubectl: string; log: () => string[]; stdin: () => string } {
    const dir = tempTree();
    const helm = join(dir, "helm");
    writeFileSync(
      helm,
      "#!/bin/sh\n" +
        `printf '%s\\n' "helm $* config=$HELM_REGISTRY_CONFIG" >> "${dir}/calls.log"\n` +
        `if [ "$1" = registry ]; then cat > "${dir}/stdin"; printf '{}' > "$HELM_REGISTRY_CONFIG"; fi\n` +
        "exit 0\n",
    );
    chmodSync(helm, 0o755);
    return {
      helm,
      kubectl: helm,
      log: () => readFileSync(join(dir, "calls.log"), "utf8").trim().split("\n"),
      stdin: () => readFileSync(join(dir, "stdin"), "utf8"),
    };
  }
  const registry = {
    host: "10.0.2.2:5000",
    credentials: { username: "updater", password: new Secret("s3cret-pull") },
    plainHttp: true,
  };

  it("logs in once, just before helm first pulls, with the password on stdin only", async () => {
    const tools = recordingHelm();
    const cluster = helmCluster({ ...tools, registry });
    await cluster.render(["template", "r", "oci://10.0.2.2:5000/charts/shelf"]);
    await cluster.helm(["upgrade", "--install", "r", "oci://10.0.2.2:5000/charts/shelf"]);
    const calls = tools.log();
    expect(calls).toHaveLength(3);
    expect(calls[0]).toMatch(
      joined(
        /^helm registry login 10\.0\.2\.2:5000 --username updater --password-stdin --plain-http /,
        /config=\/\S+$/,
      ),
    );
    const config = calls[0]!.split("config=")[1]!;
    // Both helm runs read the login's registry config; the password was never an argument.
    expect(calls.slice(1).map((c) => c.split("config=")[1])).toEqual([config, config]);
    expect(calls.join("\n")).not.toContain("s3cret-pull");
    expect(tools.stdin()).toBe("s3cret-pull");
    expect(existsSync(config)).toBe(true);
    cluster.dispose();
    expect(existsSync(dirname(config))).toBe(false);
  });

  it("an up-to-date check, which never pulls, never logs in", async () => {
    const tools = recordingHelm();
    writeFileSync(join(dirname(tools.helm), "calls.log"), "");
    const cluster = helmCluster({ ...tools, registry });
    await cluster.history("r", "n").catch(() => []);
    expect(tools.log().filter((c) => c.startsWith("helm registry"))).toEqual([]);
    cluster.dispose();
  });
});
