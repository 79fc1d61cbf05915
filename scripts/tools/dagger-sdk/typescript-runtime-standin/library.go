package main

import (
	_ "embed"
	"path"
	"strings"

	"typescript-runtime-standin/internal/dagger"
)

// The generated library's fixed files: the module imports @dagger.io/dagger, which tsconfig.json resolves to
// sdk/index.ts; that exports the client generated for this module's schema plus the SDK's decorators and entrypoint,
// which sdk/core.ts re-exports from the published npm package.
var (
	//go:embed ts/index.ts
	indexTS string
	//go:embed ts/core.ts
	coreTS string
	//go:embed ts/telemetry.ts
	telemetryTS string
	//go:embed ts/entrypoint.ts
	entrypointTS string
	//go:embed ts/tsconfig.json
	defaultTSConfig string
	//go:embed ts/first-module.ts
	firstModuleTemplate string
)

// library is the module's sdk/ directory: the client generated from the schema the engine serves this module (its
// dependencies' types included), and the files that tie it to the SDK's runtime code.
func (t *TypescriptRuntimeStandin) library(cfg *moduleConfig, introspectionJSON *dagger.File) *dagger.Directory {
	const schema, codegen = "/schema.json", "/usr/local/bin/dagger-codegen"
	modPath := cfg.modulePath()
	client := dag.Container().
		WithRootfs(t.SDKSourceDir.Directory(nodeImageDir)).
		WithMountedFile(codegen, t.SDKSourceDir.File(codegenFile)).
		WithMountedFile(schema, introspectionJSON).
		WithWorkdir(modPath).
		WithExec([]string{
			codegen, "generate-module",
			"--lang", "typescript",
			"--output", contextPath,
			"--module-source-path", modPath,
			"--module-name", cfg.name,
			"--introspection-json-path", schema,
			// Import the SDK's context from ./core.js, as a module's library does.
			"--bundle",
		}).
		File(path.Join(modPath, genDir, "src/api/client.gen.ts"))
	return dag.Directory().
		WithFile("client.gen.ts", client).
		WithNewFile("index.ts", indexTS).
		WithNewFile("core.ts", strings.ReplaceAll(coreTS, "@NPM_SDK@", npmSDKPath+"/node_modules/@dagger.io/dagger")).
		WithNewFile("telemetry.ts", telemetryTS)
}

// firstModuleTS is src/index.ts for a module `dagger init` creates: one object named after the module.
func firstModuleTS(name string) string {
	return strings.ReplaceAll(firstModuleTemplate, "MODULE_NAME", pascalCase(name))
}

func pascalCase(name string) string {
	var b strings.Builder
	upper := true
	for _, r := range name {
		switch {
		case r == '-' || r == '_' || r == ' ' || r == '.':
			upper = true
		case upper:
			b.WriteString(strings.ToUpper(string(r)))
			upper = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
