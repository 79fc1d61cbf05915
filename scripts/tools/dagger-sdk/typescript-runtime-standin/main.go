// A stand-in for Dagger's TypeScript SDK runtime.
//
// The Dagger engine serves a module whose dagger.json says `"sdk": {"source": "typescript"}` through a builtin SDK
// module loaded from its content store. Upstream, that SDK module is the Go module in sdk/typescript/runtime of the
// Dagger repository, published in no registry this project can reach. This module is charthouse's own stand-in for it:
// the engine loads it from the same place (the content store named by DAGGER_TYPESCRIPT_SDK_MANIFEST_DIGEST), calls
// the same functions (moduleRuntime, codegen) and gets the same kind of container back, so a module's own files stay
// exactly as a user writes them. It serves Node modules; docs/dagger.md says what differs from the real runtime.
//
// What the engine hands it: sdkSourceDir, the root file system of the SDK content image, laid out by
// scripts/tools/dagger-sdk/build-content.mjs (see contentLayout below).
package main

import (
	"context"
	"fmt"
	"path"

	"typescript-runtime-standin/internal/dagger"
)

// Where things live inside the SDK content image (sdkSourceDir) and inside the runtime container.
const (
	// The local node image's root file system: Debian, node, npm and yarn (the base when package.json names none).
	nodeImageDir = "node-image"
	// The published @dagger.io/dagger npm package with its dependencies, as node_modules/.
	npmSDKDir = "dagger-sdk"
	// tsx with its dependencies, as `npm install -g tsx` lays it out.
	tsxDir = "tsx_module"
	// The typescript package at the version a module gets by default.
	typescriptDir = "typescript-library"
	// The engine's own code generator (cmd/codegen at the engine's version).
	codegenFile = "codegen"

	// In the runtime container: the module's context directory, as the engine's runtimes mount it.
	contextPath = "/src"
	// In the runtime container: the npm SDK the generated library re-exports.
	npmSDKPath = "/usr/local/lib/dagger-sdk"
	// In the runtime container: tsx.
	tsxPath = "/usr/local/lib/node_modules/tsx"

	// The module's generated library, beside its package.json, as the real runtime names it.
	genDir         = "sdk"
	srcDir         = "src"
	entrypointFile = "__dagger.entrypoint.ts"

	// The typescript version a module gets when its package.json names none (the real runtime's default).
	defaultTypeScript = "5.9.3"
)

func New(
	// The SDK content image's root file system; the engine passes it to a builtin SDK.
	// +optional
	sdkSourceDir *dagger.Directory,
) *TypescriptRuntimeStandin {
	return &TypescriptRuntimeStandin{SDKSourceDir: sdkSourceDir}
}

// A stand-in for Dagger's TypeScript SDK runtime: serves TypeScript modules on Node.
type TypescriptRuntimeStandin struct {
	SDKSourceDir *dagger.Directory
}

// ModuleRuntime returns the container the engine runs for every call of the module (and once, with no function
// named, to register its types): the base image with the module's dependencies installed, the SDK and its generated
// client beside the module's source, and an entrypoint that hands every TypeScript file under src/ to the SDK's own
// entrypoint, run by tsx.
func (t *TypescriptRuntimeStandin) ModuleRuntime(
	ctx context.Context,
	modSource *dagger.ModuleSource,
	introspectionJSON *dagger.File,
) (*dagger.Container, error) {
	cfg, err := readModuleConfig(ctx, modSource)
	if err != nil {
		return nil, err
	}
	base, err := t.base(cfg)
	if err != nil {
		return nil, err
	}
	packageJSON, err := cfg.runtimePackageJSON()
	if err != nil {
		return nil, err
	}
	tsconfig, err := cfg.runtimeTSConfig(ctx)
	if err != nil {
		return nil, err
	}
	lib := t.library(cfg, introspectionJSON)
	modPath := cfg.modulePath()
	entrypoint := path.Join(modPath, srcDir, entrypointFile)
	ctr := t.withDependencies(cfg, base.WithNewFile(path.Join(modPath, "package.json"), packageJSON)).
		WithMountedDirectory(npmSDKPath, t.SDKSourceDir.Directory(npmSDKDir)).
		WithMountedDirectory(path.Join(modPath, genDir), lib).
		// The SDK's introspector resolves @dagger.io/dagger like Node does, not through tsconfig's paths.
		WithMountedDirectory(path.Join(modPath, "node_modules/@dagger.io/dagger"), lib).
		WithNewFile(path.Join(modPath, "tsconfig.json"), tsconfig).
		WithDirectory(modPath, cfg.sourceCode()).
		WithNewFile(entrypoint, entrypointTS).
		WithEntrypoint([]string{"tsx", "--no-deprecation", "--tsconfig", path.Join(modPath, "tsconfig.json"), entrypoint})
	return ctr, nil
}

// Codegen returns what `dagger init` and `dagger develop` write into the module: package.json and tsconfig.json set
// up for the SDK, the generated library under sdk/ (ignored by git) and, for a new module, a first src/index.ts.
func (t *TypescriptRuntimeStandin) Codegen(
	ctx context.Context,
	modSource *dagger.ModuleSource,
	introspectionJSON *dagger.File,
) (*dagger.GeneratedCode, error) {
	cfg, err := readModuleConfig(ctx, modSource)
	if err != nil {
		return nil, err
	}
	packageJSON, err := cfg.runtimePackageJSON()
	if err != nil {
		return nil, err
	}
	tsconfig, err := cfg.runtimeTSConfig(ctx)
	if err != nil {
		return nil, err
	}
	out := dag.Directory().
		WithNewFile("package.json", packageJSON).
		WithNewFile("tsconfig.json", tsconfig).
		WithDirectory(genDir, t.library(cfg, introspectionJSON))
	sources, err := cfg.source.Glob(ctx, srcDir+"/**/*.ts")
	if err != nil {
		return nil, fmt.Errorf("listing %s/: %w", path.Join(cfg.subPath, srcDir), err)
	}
	if len(sources) == 0 {
		out = out.WithNewFile(path.Join(srcDir, "index.ts"), firstModuleTS(cfg.name))
	}
	return dag.GeneratedCode(dag.Directory().WithDirectory(cfg.subPath, out)).
		WithVCSGeneratedPaths([]string{genDir + "/**"}).
		WithVCSIgnoredPaths([]string{genDir, "**/node_modules/**"}), nil
}

// base is the image the module runs in: the one package.json's dagger.baseImage (or dagger.runtime's version) names,
// else the local node image shipped in the SDK content. tsx comes from the SDK content either way.
func (t *TypescriptRuntimeStandin) base(cfg *moduleConfig) (*dagger.Container, error) {
	var ctr *dagger.Container
	if ref := cfg.baseImageRef(); ref != "" {
		ctr = dag.Container().From(ref)
	} else {
		if t.SDKSourceDir == nil {
			return nil, fmt.Errorf("the TypeScript runtime stand-in was loaded without its SDK content (sdkSourceDir)")
		}
		ctr = dag.Container().
			WithRootfs(t.SDKSourceDir.Directory(nodeImageDir)).
			WithEnvVariable("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	}
	return ctr.
		// Node's own CA bundle would ignore the certificates the engine adds to the system store.
		WithEnvVariable("NODE_OPTIONS", "--use-openssl-ca").
		WithMountedDirectory(tsxPath, t.SDKSourceDir.Directory(tsxDir)).
		WithExec([]string{"ln", "-sf", tsxPath + "/dist/cli.mjs", "/usr/local/bin/tsx"}).
		WithWorkdir(cfg.modulePath()), nil
}
