import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { deriveUpdaterRole, updaterRoleValues } from "../../../src/updater/updater-role.js";

const SERVICE = "apiVersion: v1\nkind: Service\n";

describe("deriveUpdaterRole", () => {
  it.each([
    {
      name: "a chart directory",
      chart: "./chart",
      version: undefined,
      args: ["template", "hyrax", "./chart", "--namespace", "samvera", "--values", "v.yaml"],
    },
    {
      name: "an OCI chart on a loopback registry",
      chart: "oci://127.0.0.1:5000/charts/hyrax",
      version: "5.0.1",
      args: [
        "template",
        "hyrax",
        "oci://127.0.0.1:5000/charts/hyrax",
        "--version",
        "5.0.1",
        "--namespace",
        "samvera",
        "--values",
        "v.yaml",
        "--plain-http",
      ],
    },
    {
      name: "an OCI chart on ghcr.io",
      chart: "oci://ghcr.io/samvera/charts/hyrax",
      version: "5.0.1",
      args: [
        "template",
        "hyrax",
        "oci://ghcr.io/samvera/charts/hyrax",
        "--version",
        "5.0.1",
        "--namespace",
        "samvera",
        "--values",
        "v.yaml",
      ],
    },
  ])("renders $name the way the upgrade will", async ({ chart, version, args }) => {
    const calls: (readonly string[])[] = [];
    const role = await deriveUpdaterRole(
      { chart, version, release: "hyrax", namespace: "samvera", values: "v.yaml" },
      async (a) => (calls.push(a), SERVICE),
    );
    expect(calls).toEqual([args]);
    expect(role.ok && role.kinds).toEqual(["Service"]);
  });
});

describe("updaterRoleValues", () => {
  it("is a values file for deploy/updater, rules on compact lines, saying where they came from", async () => {
    const o = { chart: "oci://ghcr.io/samvera/charts/hyrax", version: "5.0.1", release: "hyrax", namespace: "samvera" };
    const role = await deriveUpdaterRole(o, async () => SERVICE);
    if (!role.ok) throw new Error("expected a role");
    const text = updaterRoleValues(o, role);
    expect(text.split("\n").slice(0, 3)).toEqual([
      "# The updater's Role for release hyrax in samvera, derived by charthouse updater-role from " +
        "oci://ghcr.io/samvera/charts/hyrax 5.0.1:",
      "# it manages what the chart renders (Service), reads what helm --wait reads,",
      "# keeps helm's release records and reads the release's sync controls. Pass it to deploy/updater with -f.",
    ]);
    expect(text).toContain(
      '    - apiGroups: [ "" ]\n      resources: [ services ]\n' +
        "      verbs: [ get, list, watch, create, update, patch, delete ]\n",
    );
    expect(parse(text)).toEqual({ rbac: { rules: role.rules } });
  });
});
