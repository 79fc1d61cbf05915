import { projectFilesInMemory } from "../../kit/project-files-in-memory.js";
import { symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  inFolder,
  projectFilesOnDisk,
  projectPath,
  readText,
  withinRoot,
  type ProjectFiles,
} from "../../../src/project-files/index.js";
import { tempTree } from "../../kit/temp-dir.js";

const TREE = { "charthouse.yaml": "registry: ghcr.io/x\n", "chart/hyrax/Chart.yaml": "name: hyrax\n" };

describe("a project path", () => {
  it.each([
    ["chart/hyrax/Chart.yaml", "chart/hyrax/Chart.yaml"],
    ["./chart/hyrax/", "chart/hyrax"],
    ["chart/../Dockerfile", "Dockerfile"],
    ["", "."],
    [".", "."],
    ["../beside", "../beside"],
  ])("%j is %j", (given, path) => {
    expect(projectPath(given)).toBe(path);
  });

  it("is never absolute: that is a caller's bug", () => {
    expect(() => projectPath("/project/charthouse.yaml")).toThrow(
      "bug: /project/charthouse.yaml is absolute; a project's files are read by relative path",
    );
  });
});

describe("the disk and memory implementations answer alike", () => {
  const implementations: Record<string, () => ProjectFiles> = {
    "on disk": () => projectFilesOnDisk(tempTree(TREE)),
    "in memory": () => projectFilesInMemory(TREE),
  };

  it.each(Object.keys(implementations))("%s: a file, the directories above it, nothing elsewhere", async (name) => {
    const files = implementations[name]!();
    expect(await files.read(projectPath("chart/hyrax/Chart.yaml"))).toEqual({ kind: "file", text: "name: hyrax\n" });
    for (const dir of [".", "chart", "chart/hyrax"])
      expect(await files.read(projectPath(dir)), dir).toEqual({ kind: "directory" });
    for (const absent of ["chart/solr", "chart/hyrax/values.yaml", "char"])
      expect(await files.read(projectPath(absent)), absent).toEqual({ kind: "absent" });
    expect(await readText(files, projectPath("charthouse.yaml"))).toBe("registry: ghcr.io/x\n");
    expect(await readText(files, projectPath("chart"))).toBeUndefined();
  });
});

describe("the disk's implementation", () => {
  it("is rooted at the directory given, made absolute", () => {
    const root = tempTree();
    expect(projectFilesOnDisk(root).root).toBe(root);
    expect(projectFilesOnDisk(join(root, "a", "..")).root).toBe(root);
  });

  it("follows symbolic links; a broken one is absent", async () => {
    const root = tempTree(TREE);
    symlinkSync(join(root, "chart"), join(root, "charts"));
    symlinkSync(join(root, "nowhere"), join(root, "broken"));
    const files = projectFilesOnDisk(root);
    expect(await files.read(projectPath("charts"))).toEqual({ kind: "directory" });
    expect(await readText(files, projectPath("charts/hyrax/Chart.yaml"))).toBe("name: hyrax\n");
    expect(await files.read(projectPath("broken"))).toEqual({ kind: "absent" });
  });

  it("reads beside the root when a path climbs out of it", async () => {
    const root = tempTree({ "project/charthouse.yaml": "x", "context/Dockerfile": "FROM scratch\n" });
    const files = projectFilesOnDisk(join(root, "project"));
    expect(await readText(files, projectPath("../context/Dockerfile"))).toBe("FROM scratch\n");
  });

  it("tells something there it cannot read (a socket, even for root) from nothing there", async () => {
    const root = tempTree(TREE);
    const server = createServer();
    await new Promise<void>((listening) => server.listen(join(root, "charthouse.yaml.sock"), listening));
    try {
      const files = projectFilesOnDisk(root);
      expect(await files.read(projectPath("charthouse.yaml.sock"))).toEqual({ kind: "unreadable" });
      expect(await readText(files, projectPath("charthouse.yaml.sock"))).toBeUndefined();
    } finally {
      await new Promise((closed) => server.close(closed));
    }
  });
});

describe("withinRoot: a project seen through an API holds nothing beyond its root", () => {
  it("answers absent for a path that climbs out, and passes the others on", async () => {
    const root = tempTree({ "project/charthouse.yaml": "x", "context/Dockerfile": "FROM scratch\n" });
    const files = withinRoot(projectFilesOnDisk(join(root, "project")));
    expect(files.root).toBe(join(root, "project"));
    expect(await files.read(projectPath("../context/Dockerfile"))).toEqual({ kind: "absent" });
    expect(await files.read(projectPath(".."))).toEqual({ kind: "absent" });
    expect(await files.read(projectPath("charthouse.yaml"))).toEqual({ kind: "file", text: "x" });
  });
});

describe("the project seen from the config's folder", () => {
  const files = projectFilesInMemory({
    "deploy/charthouse.yaml": "c",
    "deploy/chart/Chart.yaml": "x",
    "app/Dockerfile": "d",
  });
  it("reads relative to the folder, and beside it through `..`; its root names the folder", async () => {
    const deploy = inFolder(files, projectPath("deploy"));
    expect(deploy.root).toBe("/project/deploy");
    expect(await deploy.read(projectPath("chart/Chart.yaml"))).toEqual({ kind: "file", text: "x" });
    expect(await deploy.read(projectPath("../app/Dockerfile"))).toEqual({ kind: "file", text: "d" });
    expect(await deploy.read(projectPath("Dockerfile"))).toEqual({ kind: "absent" });
  });
  it("is the project itself for its top folder", () => {
    expect(inFolder(files, projectPath("."))).toBe(files);
  });
});
