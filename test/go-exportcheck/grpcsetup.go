package main

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/span-lens/go-shop/internal/telemetry"
)

// setupGRPC is telemetry.Setup with the SDK's OTLP/gRPC exporter instead of OTLP/HTTP. The
// exporter reads the same environment (OTEL_EXPORTER_OTLP_ENDPOINT, an http:// endpoint means
// no TLS; OTEL_EXPORTER_OTLP_COMPRESSION), so the receiver test drives both the same way.
func setupGRPC(ctx context.Context, serviceName string, extra ...sdktrace.TracerProviderOption) (telemetry.Shutdown, error) {
	exporter, err := otlptracegrpc.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("otlp grpc exporter: %w", err)
	}
	res := resource.NewSchemaless(
		attribute.String("service.name", serviceName),
		attribute.String("service.version", telemetry.Version),
	)
	opts := []sdktrace.TracerProviderOption{sdktrace.WithBatcher(exporter), sdktrace.WithResource(res)}
	provider := sdktrace.NewTracerProvider(append(opts, extra...)...)
	otel.SetTracerProvider(provider)
	return provider.Shutdown, nil
}
