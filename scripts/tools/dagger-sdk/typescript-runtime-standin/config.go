package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"typescript-runtime-standin/internal/dagger"
)

// The files that configure a Node module: read to choose the runtime and package manager, mounted for the install,
// and left out of the source code copied beside them.
var configFiles = []string{
	"package.json", "tsconfig.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "pnpm-workspace.yaml",
	".yarnrc.yml", "bun.lock", "bun.lockb", "bunfig.toml", "deno.json", "deno.lock",
}

// What a module's files say about how to run it.
type moduleConfig struct {
	name    string            // the module's name in dagger.json
	subPath string            // its source directory, relative to the context directory (e.g. "ci")
	source  *dagger.Directory // that directory
	present map[string]bool   // which of configFiles it has

	packageJSON string      // package.json's text, "" when there is none
	pkg         packageJSON // its fields the runtime reads

	packageManager string // npm, yarn or pnpm
	managerVersion string // the version packageManager pins, "" when not pinned
}

// The package.json fields the runtime reads.
type packageJSON struct {
	PackageManager string            `json:"packageManager"`
	Dependencies   map[string]string `json:"dependencies"`
	Dagger         *struct {
		BaseImage string `json:"baseImage"`
		Runtime   string `json:"runtime"`
	} `json:"dagger"`
}

func readModuleConfig(ctx context.Context, modSource *dagger.ModuleSource) (*moduleConfig, error) {
	cfg := &moduleConfig{present: map[string]bool{}}
	var err error
	if cfg.name, err = modSource.ModuleOriginalName(ctx); err != nil {
		return nil, fmt.Errorf("reading the module's name: %w", err)
	}
	if cfg.subPath, err = modSource.SourceSubpath(ctx); err != nil {
		return nil, fmt.Errorf("reading the module's source path: %w", err)
	}
	cfg.source = modSource.ContextDirectory().Directory(cfg.subPath)
	// A module being initialised has no source directory yet.
	if _, err := cfg.source.Entries(ctx); err != nil {
		cfg.source = dag.Directory()
	}
	entries, err := dag.Directory().
		WithDirectory(".", cfg.source, dagger.DirectoryWithDirectoryOpts{Include: configFiles}).
		Entries(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", cfg.where("."), err)
	}
	for _, e := range entries {
		cfg.present[e] = true
	}
	if cfg.present["package.json"] {
		if cfg.packageJSON, err = cfg.source.File("package.json").Contents(ctx); err != nil {
			return nil, fmt.Errorf("reading %s: %w", cfg.where("package.json"), err)
		}
		if err := json.Unmarshal([]byte(stripComments(cfg.packageJSON)), &cfg.pkg); err != nil {
			return nil, fmt.Errorf("%s is not valid JSON: %w", cfg.where("package.json"), err)
		}
	}
	if err := cfg.checkRuntime(); err != nil {
		return nil, err
	}
	if err := cfg.choosePackageManager(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// where names a file of the module for an error message.
func (c *moduleConfig) where(file string) string {
	return path.Join(c.subPath, file)
}

// modulePath is the module's source directory inside the runtime container.
func (c *moduleConfig) modulePath() string {
	return path.Join(contextPath, c.subPath)
}

// checkRuntime refuses what the stand-in cannot run: it serves Node only (the real runtime also runs Bun and Deno).
func (c *moduleConfig) checkRuntime() error {
	if c.pkg.Dagger != nil && c.pkg.Dagger.Runtime != "" {
		runtime, _, _ := strings.Cut(c.pkg.Dagger.Runtime, "@")
		if runtime != "node" {
			return fmt.Errorf("%s: dagger.runtime is %q; this engine's TypeScript runtime is a stand-in that runs "+
				"Node only: set it to \"node\" or remove it", c.where("package.json"), c.pkg.Dagger.Runtime)
		}
		return nil
	}
	for _, file := range []string{"bun.lock", "bun.lockb", "deno.json", "deno.lock"} {
		// A Node lockfile beside a Bun or Deno one decides for Node, as it does for the real runtime.
		if c.present[file] && !c.present["package-lock.json"] && !c.present["yarn.lock"] && !c.present["pnpm-lock.yaml"] {
			return fmt.Errorf("%s asks for Bun or Deno; this engine's TypeScript runtime is a stand-in that runs "+
				"Node only: use npm, yarn or pnpm", c.where(file))
		}
	}
	return nil
}

// choosePackageManager follows package.json's packageManager, else the lockfile, else yarn (the real default).
func (c *moduleConfig) choosePackageManager() error {
	if pm := c.pkg.PackageManager; pm != "" {
		name, version, _ := strings.Cut(pm, "@")
		switch {
		case version == "":
			return fmt.Errorf("%s: packageManager %q has no version: write it as name@version, e.g. npm@11.8.0",
				c.where("package.json"), pm)
		case name != "npm" && name != "yarn" && name != "pnpm":
			return fmt.Errorf("%s: packageManager %q is not one this runtime runs: use npm, yarn or pnpm",
				c.where("package.json"), pm)
		}
		c.packageManager, c.managerVersion = name, strings.SplitN(version, "+", 2)[0]
		return nil
	}
	switch {
	case c.present["package-lock.json"]:
		c.packageManager = "npm"
	case c.present["pnpm-lock.yaml"]:
		c.packageManager, c.managerVersion = "pnpm", "8.15.4"
	default:
		c.packageManager = "yarn"
	}
	return nil
}

// baseImageRef is the image package.json asks for, "" for the local node image.
func (c *moduleConfig) baseImageRef() string {
	if c.pkg.Dagger == nil {
		return ""
	}
	if c.pkg.Dagger.BaseImage != "" {
		return c.pkg.Dagger.BaseImage
	}
	if _, version, ok := strings.Cut(c.pkg.Dagger.Runtime, "@"); ok && version != "" {
		return "node:" + version + "-alpine"
	}
	return ""
}

// sourceCode is the module's source directory without the files the runtime writes or mounts itself.
func (c *moduleConfig) sourceCode() *dagger.Directory {
	return dag.Directory().WithDirectory("/", c.source, dagger.DirectoryWithDirectoryOpts{
		Exclude: append([]string{genDir, "node_modules"}, configFiles...),
	})
}

// dependencies is package.json's dependencies as the runtime installs them (typescript added when missing).
func (c *moduleConfig) dependencies() map[string]string {
	deps := map[string]string{}
	for name, version := range c.pkg.Dependencies {
		if name != "@dagger.io/dagger" {
			deps[name] = version
		}
	}
	if _, ok := deps["typescript"]; !ok {
		deps["typescript"] = defaultTypeScript
	}
	return deps
}
