// Package distconsts stands in for the Dagger engine's module of the same path, which
// upstream keeps as a local replace (./engine/distconsts) and the Go module proxy does
// not serve at any version. It holds only the names the engine, CLI and helpers of
// v0.21.8 read: where the engine expects its helpers and state, where its builtin SDK
// content lives, and the image references it defaults to. Written for charthouse from
// reading those uses; see scripts/tools/dagger/README.md.
package distconsts

// Where the engine listens and what its container is called by the CLI's provisioner.
const (
	EngineContainerName   = "dagger-engine.dev"
	DefaultEngineSockAddr = "unix:///run/dagger/engine.sock"
)

// Fixed paths inside the engine's root filesystem.
const (
	RuncPath                         = "/usr/local/bin/runc"
	DaggerInitPath                   = "/usr/local/bin/dagger-init"
	EngineDefaultStateDir            = "/var/lib/dagger"
	EngineContainerBuiltinContentDir = "/usr/local/share/dagger/content"
	EngineCustomCACertsDir           = "/usr/local/share/ca-certificates"
)

// The environment variables naming the builtin SDKs' manifests in the content store.
const (
	GoSDKManifestDigestEnvName         = "DAGGER_GO_SDK_MANIFEST_DIGEST"
	PythonSDKManifestDigestEnvName     = "DAGGER_PYTHON_SDK_MANIFEST_DIGEST"
	TypescriptSDKManifestDigestEnvName = "DAGGER_TYPESCRIPT_SDK_MANIFEST_DIGEST"
)

// Image references the engine uses by default (v0.21.8's values).
const (
	AlpineVersion = "3.22.1"
	AlpineImage   = "alpine:" + AlpineVersion
	GolangImage   = "golang:1.26-alpine"
	BusyboxImage  = "busybox:1.37.0"
)

// The annotation carrying an image's version.
const OCIVersionAnnotation = "org.opencontainers.image.version"
