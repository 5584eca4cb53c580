// Package telemetry wires the OpenTelemetry SDK the way a production Go service would:
// OTLP over HTTP, a batching span processor, W3C propagation, and a flushing shutdown.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.39.0"
)

// Version is reported as service.version on every span.
const Version = "0.1.0"

// Shutdown flushes spans still queued in the batch processor, then stops the exporter.
type Shutdown func(context.Context) error

// Setup installs a global TracerProvider exporting to the OTLP/HTTP endpoint the standard
// environment variables name (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
// default http://localhost:4318). defaultServiceName is used unless OTEL_SERVICE_NAME is set.
// extra options (e.g. another span processor) are appended to the provider's own. It also
// installs the W3C trace-context and baggage propagator that instrumented clients and servers use.
func Setup(ctx context.Context, defaultServiceName string, extra ...sdktrace.TracerProviderOption) (Shutdown, error) {
	shutdown, err := SetupWithoutPropagator(ctx, defaultServiceName, extra...)
	if err != nil {
		return nil, err
	}
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(
		propagation.TraceContext{},
		propagation.Baggage{},
	))
	return shutdown, nil
}

// SetupWithoutPropagator is Setup minus otel.SetTextMapPropagator: the mistake behind the
// no-propagator fault. Spans are made and exported, but the global propagator stays the
// no-op one, so instrumented clients inject no traceparent and servers extract none: every
// call starts a new trace.
func SetupWithoutPropagator(ctx context.Context, defaultServiceName string, extra ...sdktrace.TracerProviderOption) (Shutdown, error) {
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("otlp exporter: %w", err)
	}

	res, err := resource.New(ctx,
		// Later options win: the defaults first, so OTEL_SERVICE_NAME and
		// OTEL_RESOURCE_ATTRIBUTES override them.
		resource.WithAttributes(
			semconv.ServiceName(defaultServiceName),
			semconv.ServiceVersion(Version),
		),
		resource.WithTelemetrySDK(),
		resource.WithHost(),
		resource.WithProcessPID(),
		resource.WithFromEnv(),
	)
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, fmt.Errorf("resource: %w", err)
	}

	opts := []sdktrace.TracerProviderOption{
		sdktrace.WithBatcher(exporter, batchOptions()...),
		sdktrace.WithResource(res),
	}
	provider := sdktrace.NewTracerProvider(append(opts, extra...)...)

	otel.SetTracerProvider(provider)
	return provider.Shutdown, nil
}

// batchOptions shortens the SDK's 5 s default export delay so spans reach the editor while
// the request is still fresh in mind; OTEL_BSP_SCHEDULE_DELAY still wins when set, because
// an explicit option would otherwise override the SDK's own environment handling.
func batchOptions() []sdktrace.BatchSpanProcessorOption {
	if _, set := os.LookupEnv("OTEL_BSP_SCHEDULE_DELAY"); set {
		return nil
	}
	return []sdktrace.BatchSpanProcessorOption{sdktrace.WithBatchTimeout(time.Second)}
}
