/**
 * A Dagger module written in TypeScript
 *
 * Each function of this class is a `dagger call` verb; its JSDoc is the verb's --help.
 */
import { argument, dag, Container, Directory, func, object } from "@dagger.io/dagger";

@object()
export class MODULE_NAME {
  /**
   * The source directory's files, listed in a container.
   */
  @func()
  async list(@argument({ defaultPath: "/" }) source: Directory): Promise<string> {
    return this.inspect(source).withExec(["ls", "-la", "/src"]).stdout();
  }

  /**
   * A container holding the source directory, to explore with `terminal`.
   */
  @func()
  inspect(@argument({ defaultPath: "/" }) source: Directory): Container {
    return dag.container().from("debian:bookworm-slim").withMountedDirectory("/src", source).withWorkdir("/src");
  }
}
