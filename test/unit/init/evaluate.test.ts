import { describe, expect, it } from "vitest";
import { evaluateExpressions, evaluatePartly, hasUnknown } from "../../../src/init/expressions.js";
import { interpolate, parseDotEnv } from "../../../src/init/interpolate.js";
import { expandMatrix } from "../../../src/init/matrix.js";
import { expandShell, githubEnvWrites } from "../../../src/init/shell-env.js";

describe("GitHub expressions init can evaluate", () => {
  const vars = { "github.repository": "Samvera/Hyrax", "env.REGISTRY": "ghcr.io", "matrix.app": "dassie" };
  it.each([
    ["${{ env.REGISTRY }}/${{ github.repository }}", "ghcr.io/Samvera/Hyrax"],
    ["docker-compose-${{matrix.app}}.yml", "docker-compose-dassie.yml"],
    ["plain", "plain"],
  ])("%s → %s", (text, value) => {
    expect(evaluateExpressions(text, vars)).toEqual({ ok: true, value });
  });

  it("leaves what it cannot evaluate unknown, naming it, never half-filled", () => {
    expect(evaluateExpressions("${{ env.TAG }}-${{ fromJSON(steps.x.outputs.json).labels }}", vars)).toEqual({
      ok: false,
      unknown: ["${{ env.TAG }}", "${{ fromJSON(steps.x.outputs.json).labels }}"],
    });
    const partly = evaluatePartly("${{ env.REGISTRY }}/app:${{ env.TAG }}", vars);
    expect(hasUnknown(partly.split(":")[0]!)).toBe(false);
    expect(hasUnknown(partly)).toBe(true);
  });
});

describe("$GITHUB_ENV writes, expanded as bash would", () => {
  it.each([
    [
      'echo "REPO_LOWER=${REPO,,}" >> $GITHUB_ENV',
      { REPO: "Samvera/Hyrax" },
      { name: "REPO_LOWER", value: "samvera/hyrax" },
    ],
    ['echo REPO_UPPER=${REPO^^} >> "$GITHUB_ENV"', { REPO: "a/b" }, { name: "REPO_UPPER", value: "A/B" }],
    ['echo "SHORT=${SHA::8}" >>$GITHUB_ENV', { SHA: "0123456789abcdef" }, { name: "SHORT", value: "01234567" }],
    ['echo "MID=${SHA:2:3}" >> ${GITHUB_ENV}', { SHA: "0123456789" }, { name: "MID", value: "234" }],
    ["echo 'PLAIN=ghcr.io' >> $GITHUB_ENV", {}, { name: "PLAIN", value: "ghcr.io" }],
    ['echo "DEF=${MISSING:-fallback}" >> $GITHUB_ENV', {}, { name: "DEF", value: "fallback" }],
    ['echo "TAG=${GITHUB_SHA::8}" >> $GITHUB_ENV', {}, { name: "TAG", unknown: "$GITHUB_SHA (${GITHUB_SHA::8})" }],
    ['echo "NOW=$(date +%s)" >> $GITHUB_ENV', {}, { name: "NOW", unknown: "a command's output ($(date +%s))" }],
  ])("%s", (run, vars, write) => {
    expect(githubEnvWrites(run, vars)).toEqual([write]);
  });

  it("a later write sees an earlier one; other lines are not writes", () => {
    const run = 'set -e\necho "A=${REPO,,}" >> $GITHUB_ENV\necho "B=$A/x" >> $GITHUB_ENV\necho done';
    expect(githubEnvWrites(run, { REPO: "X/Y" })).toEqual([
      { name: "A", value: "x/y" },
      { name: "B", value: "x/y/x" },
    ]);
  });

  it("${V:2} slices from an offset to the end", () => {
    expect(expandShell("${V:2}", { V: "abcdef" })).toEqual({ ok: true, value: "cdef" });
  });
});

describe("compose interpolation", () => {
  const env = { TAG: "5.0", EMPTY: "" };
  it.each([
    ["img:${TAG}", "img:5.0"],
    ["img:$TAG", "img:5.0"],
    ["img:${SHA:-latest}", "img:latest"],
    ["img:${EMPTY:-latest}", "img:latest"],
    ["img:${EMPTY-latest}", "img:"],
    ["${MISSING:-${TAG}}", "5.0"],
    ['pg_isready -U "$$POSTGRES_USER"', 'pg_isready -U "$POSTGRES_USER"'],
    ["${TAG:+set}", "set"],
    ["cost: 5$", "cost: 5$"],
  ])("%s → %s", (text, value) => {
    expect(interpolate(text, env)).toEqual({ ok: true, value });
  });

  it("a variable nothing defines is unknown, never copied literally", () => {
    expect(interpolate("${DB_PASSWORD}@$HOST:${PORT:?port needed}", env)).toEqual({
      ok: false,
      unknown: ["DB_PASSWORD", "HOST", "PORT"],
    });
  });

  it("reads a .env file as compose does", () => {
    expect(parseDotEnv("# c\nA=1\nexport B=\"two words\"\nC='q'\nD=x # note\n\nE=\n")).toEqual({
      A: "1",
      B: "two words",
      C: "q",
      D: "x",
      E: "",
    });
  });
});

describe("strategy.matrix as GitHub expands it", () => {
  it("the product of its lists, less exclude, include added where it overwrites nothing", () => {
    const combos = expandMatrix({
      target: ["web", "worker"],
      platform: ["linux/amd64", "linux/arm64"],
      exclude: [{ target: "worker", platform: "linux/arm64" }],
      include: [
        { target: "web", image: "dassie" },
        { target: "extra", platform: "linux/amd64" },
      ],
    });
    expect(combos).toEqual([
      { "matrix.target": "web", "matrix.platform": "linux/amd64", "matrix.image": "dassie" },
      { "matrix.target": "web", "matrix.platform": "linux/arm64", "matrix.image": "dassie" },
      { "matrix.target": "worker", "matrix.platform": "linux/amd64" },
      { "matrix.target": "extra", "matrix.platform": "linux/amd64" },
    ]);
  });

  it("include alone, objects as fields, and an expression it cannot read", () => {
    expect(expandMatrix({ include: [{ app: { name: "a" } }, { app: { name: "b" } }] })).toEqual([
      { "matrix.app.name": "a" },
      { "matrix.app.name": "b" },
    ]);
    expect(expandMatrix(undefined)).toEqual([{}]);
    expect(expandMatrix("${{ fromJSON(needs.setup.outputs.matrix) }}")).toBeUndefined();
  });
});

describe("a $GITHUB_ENV write that depends on how the step runs", () => {
  it("is unknown when the step writes the name with two values (branches of an if)", () => {
    const run =
      'if [[ "$OS" == "ubuntu-latest" ]]; then\n  echo "PLATFORM_TAG=amd64" >> $GITHUB_ENV\nelse\n' +
      '  echo "PLATFORM_TAG=arm64" >> $GITHUB_ENV\nfi';
    const unknown = {
      name: "PLATFORM_TAG",
      unknown: "$PLATFORM_TAG, written with different values depending on how the step runs",
    };
    expect(githubEnvWrites(run, {})).toEqual([unknown, unknown]);
  });
});
