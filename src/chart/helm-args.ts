/**
 * The exact argument lists charthouse runs helm with — in the Docker runner, in the
 * Dagger module and in the tests. Valid for Helm 3.8+ and Helm 4. Helm's own files
 * (registry config, caches) are placed by environment (HELM_REGISTRY_CONFIG, …)
 * rather than flags, so these lists stay the same wherever they run.
 */
export const helmArgs = {
  dependencyBuild: (chartDir: string): string[] => ["dependency", "build", chartDir],
  lint: (chartDir: string): string[] => ["lint", "--strict", chartDir],
  template: (release: string, chartDir: string): string[] => ["template", release, chartDir],
  package: (chartDir: string, destination: string): string[] => ["package", chartDir, "--destination", destination],
  /**
   * `--plain-http` only for a registry spoken to over plain HTTP (a loopback registry
   * in tests and the demo); it arrived in Helm 3.13, so never for ghcr.io or any HTTPS registry.
   */
  push: (packageFile: string, pushTo: string, opts: { plainHttp?: boolean } = {}): string[] => [
    "push",
    packageFile,
    pushTo,
    ...(opts.plainHttp ? ["--plain-http"] : []),
  ],
  /** The password always on stdin, never in argv (visible to every process) or a file. */
  registryLogin: (host: string, username: string, opts: { plainHttp?: boolean } = {}): string[] => [
    "registry",
    "login",
    host,
    "--username",
    username,
    "--password-stdin",
    ...(opts.plainHttp ? ["--plain-http"] : []),
  ],
  pull: (chartRef: string, version: string, destination: string, opts: { plainHttp?: boolean } = {}): string[] => [
    "pull",
    chartRef,
    "--version",
    version,
    "--destination",
    destination,
    ...(opts.plainHttp ? ["--plain-http"] : []),
  ],
};
