package main

import (
	"fmt"
	"path"
	"strings"

	"typescript-runtime-standin/internal/dagger"
)

// withDependencies installs the module's package.json dependencies (production only) with its package manager. A
// module whose only dependency is the default typescript gets the copy shipped in the SDK content and needs no
// network, as with the real runtime.
func (t *TypescriptRuntimeStandin) withDependencies(cfg *moduleConfig, ctr *dagger.Container) *dagger.Container {
	modPath := cfg.modulePath()
	if deps := cfg.dependencies(); len(deps) == 1 && deps["typescript"] == defaultTypeScript {
		typescript := t.SDKSourceDir.Directory(typescriptDir)
		return ctr.WithMountedDirectory(path.Join(modPath, "node_modules/typescript"), typescript)
	}
	// The lockfile and .npmrc (a private registry, a token read from the environment) come along.
	ctr = ctr.WithDirectory(modPath, cfg.source, dagger.ContainerWithDirectoryOpts{
		Include: []string{"package-lock.json", "yarn.lock", "pnpm-lock.yaml", ".npmrc", ".yarnrc.yml"},
	})
	cache := func(dir, name string) *dagger.Container {
		return ctr.WithMountedCache(dir, dag.CacheVolume(name), dagger.ContainerWithMountedCacheOpts{
			Sharing: dagger.CacheSharingModeShared,
		})
	}
	switch cfg.packageManager {
	case "npm":
		ctr = cache("/root/.npm", "typescript-runtime-standin-npm")
		if v := cfg.managerVersion; v != "" {
			ctr = ctr.WithExec([]string{"sh", "-c", fmt.Sprintf("npm -v | grep -qx '%s' || npm install -g npm@%s",
				strings.ReplaceAll(v, "'", ""), v)})
		}
		return ctr.WithExec([]string{"npm", "install", "--omit=dev", "--no-audit", "--no-fund"})
	case "pnpm":
		ctr = cache("/root/.pnpm-store", "typescript-runtime-standin-pnpm")
		return ctr.
			WithExec([]string{"npm", "install", "-g", "pnpm@" + cfg.managerVersion}).
			WithExec([]string{"pnpm", "install", "--shamefully-hoist=true", "--prod"})
	default:
		ctr = cache("/usr/local/share/.cache/yarn", "typescript-runtime-standin-yarn")
		return ctr.WithExec([]string{"yarn", "install", "--production"})
	}
}
