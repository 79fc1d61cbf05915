import { describe, expect, it } from "vitest";
import { allows, describeRule, missingRules, permissionsOf } from "../../../src/updater/permissions.js";

describe("permissionsOf", () => {
  it("spells a rule out into single permissions, one per name when it names objects", () => {
    expect(
      permissionsOf([
        { apiGroups: ["", "apps"], resources: ["pods"], verbs: ["get", "list"] },
        { apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["a", "b"] },
      ]),
    ).toEqual([
      { group: "", resource: "pods", verb: "get" },
      { group: "", resource: "pods", verb: "list" },
      { group: "apps", resource: "pods", verb: "get" },
      { group: "apps", resource: "pods", verb: "list" },
      { group: "", resource: "configmaps", verb: "get", name: "a" },
      { group: "", resource: "configmaps", verb: "get", name: "b" },
    ]);
  });
});

describe("allows", () => {
  const p = { group: "apps", resource: "deployments", verb: "patch" };
  it.each([
    {
      name: "an exact rule",
      granted: [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"] }],
      expected: true,
    },
    { name: "wildcards", granted: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }], expected: true },
    {
      name: "another verb",
      granted: [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"] }],
      expected: false,
    },
    {
      name: "another group",
      granted: [{ apiGroups: [""], resources: ["deployments"], verbs: ["patch"] }],
      expected: false,
    },
    {
      name: "another resource",
      granted: [{ apiGroups: ["apps"], resources: ["statefulsets"], verbs: ["patch"] }],
      expected: false,
    },
    { name: "a rule without groups", granted: [{ resources: ["deployments"], verbs: ["patch"] }], expected: false },
    {
      name: "a rule without resources (a URL rule)",
      granted: [{ apiGroups: ["apps"], verbs: ["patch"] }],
      expected: false,
    },
    {
      name: "a rule limited to names",
      granted: [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"], resourceNames: ["web"] }],
      expected: false,
    },
    { name: "no rules", granted: [], expected: false },
  ])("$name → $expected", ({ granted, expected }) => expect(allows(granted, p)).toBe(expected));

  it("a named permission is allowed by a rule naming it or naming none, not by one naming others", () => {
    const named = { group: "", resource: "configmaps", verb: "get", name: "charthouse-sync-r" };
    expect(
      allows(
        [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["charthouse-sync-r"] }],
        named,
      ),
    ).toBe(true);
    expect(allows([{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }], named)).toBe(true);
    expect(
      allows([{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["other"] }], named),
    ).toBe(false);
  });
});

describe("missingRules", () => {
  it("gathers what is not granted back into rules, per resource", () => {
    const required = [
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "patch"] },
      { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["get", "create"] },
      { apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["c"] },
    ];
    const granted = [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "patch"] }];
    expect(missingRules(required, granted)).toEqual([
      { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["get", "create"] },
      { apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["c"] },
    ]);
    expect(missingRules(required, [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }])).toEqual([]);
  });

  it("keeps a rule for named objects apart from the rule for the whole resource", () => {
    const required = [
      { apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["a"] },
      { apiGroups: [""], resources: ["configmaps"], verbs: ["list"] },
      { apiGroups: [""], resources: ["configmaps"], verbs: ["watch"], resourceNames: [""] },
    ];
    expect(missingRules(required, [])).toEqual([
      { apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["a"] },
      { apiGroups: [""], resources: ["configmaps"], verbs: ["list"] },
      { apiGroups: [""], resources: ["configmaps"], verbs: ["watch"], resourceNames: [""] },
    ]);
  });
});

describe("describeRule", () => {
  it("names verbs, resource.group and names", () => {
    expect(
      describeRule({ apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["get", "create"] }),
    ).toBe("get, create networkpolicies.networking.k8s.io");
    expect(describeRule({ apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["c"] })).toBe(
      "get configmaps named c",
    );
    expect(
      describeRule({
        apiGroups: ["apps"],
        resources: ["deployments", "statefulsets"],
        verbs: ["get"],
        resourceNames: ["a", "b"],
      }),
    ).toBe("get deployments.apps, statefulsets.apps named a, b");
  });
});
