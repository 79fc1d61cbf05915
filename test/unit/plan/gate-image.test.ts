import { describe, expect, it } from "vitest";
import { config, image } from "../../kit/builders.js";
import { mustPlan } from "../../kit/plan-assertions.js";

// A test service built from the repository is a local image of the run: its name must be one docker and BuildKit
// accept, whatever the registry is (a registry host with a port put its ':' into a path part, which no reference
// allows).
describe("the image a test service builds (services[].build)", () => {
  it("is a valid local reference under the project's registry path, port included", () => {
    const cfg = config({
      registry: "127.0.0.1:5000/ns",
      images: [image("dassie")],
      test: {
        image: "dassie",
        command: ["true"],
        env: {},
        caches: [],
        services: [
          {
            name: "a",
            build: { context: "/project", dockerfile: "/project/Dockerfile", buildArgs: {} },
            env: {},
            readyTimeoutSeconds: 30,
          },
        ],
      },
    });
    const plan = mustPlan({ kind: "nightly" }, undefined, cfg);
    const [gate] = plan.test!.builds;
    expect(gate!.repository).toBe("localhost/charthouse-gate/127.0.0.1-5000/ns/a");
    // docker's reference grammar: path parts of [a-z0-9] separated by ., _, __ or -
    expect(gate!.repository).toMatch(/^localhost(\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+$/);
  });
});
