//go:build standin_generated_deps

// The packages the Go SDK's generated code (dagger.gen.go, internal/dagger) imports. The engine writes that code each
// time it loads this module and then runs `go mod tidy`; naming its imports here keeps go.mod and go.sum complete
// without it, so the build script can fill the SDK image's module cache from them and the engine needs no download.
package main

import (
	_ "dagger.io/dagger"
	_ "github.com/Khan/genqlient/graphql"
	_ "github.com/dagger/otel-go"
	_ "github.com/dagger/querybuilder"
	_ "github.com/vektah/gqlparser/v2/gqlerror"
	_ "go.opentelemetry.io/otel"
	_ "go.opentelemetry.io/otel/propagation"
	_ "go.opentelemetry.io/otel/sdk/resource"
	_ "go.opentelemetry.io/otel/semconv/v1.40.0"
	_ "go.opentelemetry.io/otel/trace"
)
