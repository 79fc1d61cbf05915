import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { checkSchema } from "../../../src/config/schema-check.js";

/** One bad document per kind of schema violation, and the exact problem a person reads. */
const CASES: [
  name: string,
  yaml: string,
  expected: { path: (string | number)[]; atKey: boolean; message: string; fix: string },
][] = [
  [
    "a missing top-level key",
    "{}",
    { path: [], atKey: false, message: 'missing required key "registry"', fix: "add registry: …" },
  ],
  [
    "a missing nested key",
    "registry: ghcr.io/x\ncharts: [{path: c, pins: [{image: a}]}]",
    {
      path: ["charts", 0, "pins", 0],
      atKey: false,
      message: 'missing required key "tag" in charts[0].pins[0]',
      fix: "add tag: …",
    },
  ],
  [
    "an unknown key close to a known one",
    "registry: ghcr.io/x\nimagse: []",
    {
      path: ["imagse"],
      atKey: true,
      message: 'unknown key "imagse"; did you mean "images"?',
      fix: "rename it to images",
    },
  ],
  [
    "an unknown key like nothing known ($schema is not offered)",
    "registry: ghcr.io/x\nzzzzzzzz: 1",
    {
      path: ["zzzzzzzz"],
      atKey: true,
      message: 'unknown key "zzzzzzzz"',
      fix: "remove it; the keys allowed here are: registry, plainHttp, source, images, test, charts, policy",
    },
  ],
  [
    "a number for a string",
    "registry: 5",
    { path: ["registry"], atKey: false, message: "must be a string", fix: "write registry as a string" },
  ],
  [
    "a scalar for a list",
    "registry: ghcr.io/x\nimages: x",
    { path: ["images"], atKey: false, message: "must be a list", fix: "write images as a list" },
  ],
  [
    "a scalar for a mapping",
    "registry: ghcr.io/x\nimages: [x]",
    { path: ["images", 0], atKey: false, message: "must be a mapping", fix: "write images[0] as a mapping" },
  ],
  [
    "a string for an integer",
    "registry: ghcr.io/x\ntest: {image: a, command: [x], services: [{name: s, image: s, port: x}]}",
    {
      path: ["test", "services", 0, "port"],
      atKey: false,
      message: "must be an integer",
      fix: "write test.services[0].port as an integer",
    },
  ],
  [
    "a map value that is not a string",
    "registry: ghcr.io/x\ntest: {image: a, command: [x], env: {A: 1}}",
    { path: ["test", "env", "A"], atKey: false, message: "must be a string", fix: "write test.env.A as a string" },
  ],
  [
    "an env key with digits stays a key, not an index",
    "registry: ghcr.io/x\ntest: {image: a, command: [x], env: {A1: 1}}",
    { path: ["test", "env", "A1"], atKey: false, message: "must be a string", fix: "write test.env.A1 as a string" },
  ],
  [
    "a mapping for a list is not told to quote it",
    "registry: ghcr.io/x\nimages: {name: a}",
    { path: ["images"], atKey: false, message: "must be a list", fix: "write images as a list" },
  ],
  [
    "an empty value for a string",
    "registry:",
    { path: ["registry"], atKey: false, message: "must be a string", fix: "write registry as a string" },
  ],
  [
    "an unquoted {web} deep in the file names its own key",
    "registry: ghcr.io/x\nimages: [{name: a, target: {web}}]",
    {
      path: ["images", 0, "target"],
      atKey: false,
      message: "must be a string",
      fix: 'quote it: target: "{web}…" (unquoted braces are a YAML mapping)',
    },
  ],
  [
    "an unquoted {version}",
    "registry: ghcr.io/x\npolicy: {releaseTag: {version}}",
    {
      path: ["policy", "releaseTag"],
      atKey: false,
      message: "must be a string",
      fix: 'quote it: releaseTag: "{version}…" (unquoted braces are a YAML mapping)',
    },
  ],
  [
    "an unquoted {}",
    "registry: ghcr.io/x\npolicy: {releaseTag: {}}",
    {
      path: ["policy", "releaseTag"],
      atKey: false,
      message: "must be a string",
      fix: 'quote it: releaseTag: "{…}…" (unquoted braces are a YAML mapping)',
    },
  ],
  [
    "a registry with capitals",
    "registry: Ghcr.io/x",
    {
      path: ["registry"],
      atKey: false,
      message: "is not a registry and namespace",
      fix: "write a lowercase registry host with an optional namespace, e.g. registry: ghcr.io/samvera",
    },
  ],
  [
    "a source that is not http(s)",
    "registry: ghcr.io/x\nsource: git@github.com:x",
    {
      path: ["source"],
      atKey: false,
      message: "is not an http(s) URL",
      fix: "write the repository URL, e.g. https://github.com/samvera/hyrax",
    },
  ],
  [
    "a name with capitals",
    "registry: ghcr.io/x\nimages: [{name: Dassie}]",
    {
      path: ["images", 0, "name"],
      atKey: false,
      message: "is not a valid name",
      fix: "use lowercase letters and digits, separated by single '.', '_' or '-', e.g. hyrax-worker",
    },
  ],
  [
    "a platform without an os",
    "registry: ghcr.io/x\nimages: [{name: d, platforms: [amd64]}]",
    {
      path: ["images", 0, "platforms", 0],
      atKey: false,
      message: "is not a platform",
      fix: "write os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8",
    },
  ],
  [
    "a relative cache path",
    "registry: ghcr.io/x\ntest: {image: a, command: [x], caches: [tmp]}",
    {
      path: ["test", "caches", 0],
      atKey: false,
      message: "is not an absolute path",
      fix: "write the path in the test container, e.g. /usr/local/bundle",
    },
  ],
  [
    "an empty command",
    "registry: ghcr.io/x\ntest: {image: a, command: []}",
    {
      path: ["test", "command"],
      atKey: false,
      message: "must have at least 1 item(s)",
      fix: "add an entry to test.command or remove the key",
    },
  ],
  [
    "an empty platform list",
    "registry: ghcr.io/x\nimages: [{name: d, platforms: []}]",
    {
      path: ["images", 0, "platforms"],
      atKey: false,
      message: "must have at least 1 item(s)",
      fix: "add an entry to images[0].platforms or remove the key",
    },
  ],
];

describe("schema violations, in charthouse's words", () => {
  it.each(CASES)("%s", (_name, yaml, expected) => {
    expect(checkSchema(parse(yaml))).toStrictEqual([expected]);
  });

  it("a valid document, $schema key and all, has no problem", () => {
    expect(
      checkSchema(
        parse(
          "$schema: ./charthouse.schema.json\nregistry: ghcr.io/x\nimages: [{name: d, platforms: [linux/amd64]}]\n",
        ),
      ),
    ).toStrictEqual([]);
  });

  it("out-of-range numbers say their bound", () => {
    const found = checkSchema(
      parse(
        "registry: ghcr.io/x\n" +
          "test: {image: a, command: [x], services: [{name: s, image: s, port: 0, readyTimeoutSeconds: 4000}]}",
      ),
    );
    expect(found).toStrictEqual([
      {
        path: ["test", "services", 0, "port"],
        atKey: false,
        message: "must be >= 1",
        fix: "correct test.services[0].port",
      },
      {
        path: ["test", "services", 0, "readyTimeoutSeconds"],
        atKey: false,
        message: "must be <= 3600",
        fix: "correct test.services[0].readyTimeoutSeconds",
      },
    ]);
  });

  it("the same message on two fields is two problems", () => {
    const found = checkSchema(parse("registry: ghcr.io/x\nimages: [{name: A}, {name: B}]"));
    expect(found.map((p) => [p.path, p.message])).toStrictEqual([
      [["images", 0, "name"], "is not a valid name"],
      [["images", 1, "name"], "is not a valid name"],
    ]);
  });
});
