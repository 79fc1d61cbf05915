import { describe, expect, it } from "vitest";
import { parseConfig, type ConfigProblem, type ConfigResult } from "../../../src/config/index.js";
import { projectFilesOnDisk, projectPath } from "../../../src/project-files/index.js";
import { tempTree } from "../../kit/temp-dir.js";

const PROJECT = {
  Dockerfile: "FROM scratch AS app\n",
  "search/Dockerfile.test": "FROM scratch AS base\nFROM base AS configured\n",
};

async function parse(yaml: string): Promise<ConfigResult> {
  return parseConfig(yaml, projectFilesOnDisk(tempTree(PROJECT)), projectPath("charthouse.yaml"));
}
async function problems(yaml: string): Promise<ConfigProblem[]> {
  const result = await parse(yaml);
  return result.ok ? [] : [...result.errors];
}

const HEAD = "registry: ghcr.io/x\nimages:\n  - {name: app, target: app}\ntest:\n  image: app\n  command: [rake]\n";

describe("a test service built from the repository (services[].build)", () => {
  it("is read with its context, Dockerfile, target and build args, paths absolute", async () => {
    const result = await parse(
      HEAD +
        "  services:\n    - name: search\n      build: {context: search, dockerfile: search/Dockerfile.test, " +
        "target: configured, buildArgs: {VERSION: '9'}}\n",
    );
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (!result.ok) return;
    const service = result.config.test!.services[0]!;
    expect(service.image).toBeUndefined();
    expect(service.build).toEqual({
      context: `${result.config.root}/search`,
      dockerfile: `${result.config.root}/search/Dockerfile.test`,
      target: "configured",
      buildArgs: { VERSION: "9" },
    });
  });

  it("refuses a target no stage of its Dockerfile is, at the build's field", async () => {
    const [p] = await problems(
      HEAD + "  services:\n    - {name: search, build: {dockerfile: search/Dockerfile.test, target: configure}}\n",
    );
    expect(p!.field).toBe("test.services[0].build.target");
    expect(p!.message).toMatch(/did you mean "configured"/);
  });

  it("refuses a missing Dockerfile, naming the service's field in the fix", async () => {
    const [p] = await problems(HEAD + "  services:\n    - {name: search, build: {context: search}}\n");
    expect(p!.field).toBe("test.services[0].build");
    expect(p!.message).toMatch(/Dockerfile search\/Dockerfile does not exist/);
    expect(p!.fix).toMatch(/test\.services\[\]\.build\.dockerfile/);
  });

  it.each([
    ["neither", "{name: search}", /neither an image nor a build/],
    ["both", "{name: search, image: redis, build: {}}", /both an image and a build/],
  ])("refuses a service with %s an image and a build", async (_, service, message) => {
    const [p] = await problems(`${HEAD}  services:\n    - ${service}\n`);
    expect(p!.field).toBe("test.services[0]");
    expect(p!.message).toMatch(message);
  });
});

describe("values init left as TODO", () => {
  it("each is named with what to fill in, and nothing else is said about it", async () => {
    const found = await problems(
      'registry: "TODO: the registry (no workflow says it)"\nimages:\n' +
        '  - {name: app, repository: "TODO: the image repository (.github/workflows/x.yml:9 names ${{ vars.IMG }})"}\n',
    );
    expect(found.map((p) => [p.field, p.message])).toEqual([
      ["registry", "is left to fill in: the registry (no workflow says it)"],
      [
        "images[0].repository",
        "is left to fill in: the image repository (.github/workflows/x.yml:9 names ${{ vars.IMG }})",
      ],
    ]);
    expect(found[0]!.line).toBe(1);
    expect(found[1]!.line).toBe(3);
  });

  it("a word that only starts like one is a value", async () => {
    expect(await problems("registry: ghcr.io/todos\nimages:\n  - {name: todoapp}\n")).toEqual([]);
  });
});
