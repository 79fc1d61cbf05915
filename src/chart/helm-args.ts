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
  /**
   * Install or upgrade a release to exactly one chart version, by digest. `--atomic`
   * (Helm 3.8's name; Helm 4 accepts it, deprecated, for `--rollback-on-failure`) rolls a
   * failed upgrade back; `--wait` waits for the resources to be ready within `--timeout`.
   */
  upgrade: (
    release: string,
    chartRef: string,
    version: string,
    opts: { namespace: string; timeout: string; values?: string; plainHttp?: boolean },
  ): string[] => [
    "upgrade",
    "--install",
    release,
    chartRef,
    "--version",
    version,
    "--namespace",
    opts.namespace,
    "--atomic",
    "--wait",
    "--timeout",
    opts.timeout,
    ...(opts.values ? ["--values", opts.values] : []),
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
  /**
   * Render one version of a chart the way `upgrade` would install it (same values,
   * namespace and release name), hooks included: what the updater's Role must cover.
   */
  render: (
    release: string,
    chartRef: string,
    version: string,
    opts: { namespace: string; values?: string; plainHttp?: boolean },
  ): string[] => [
    "template",
    release,
    chartRef,
    "--version",
    version,
    "--namespace",
    opts.namespace,
    ...(opts.values ? ["--values", opts.values] : []),
    ...(opts.plainHttp ? ["--plain-http"] : []),
  ],
};
