// Command exportcheck sends spans through go-shop's real telemetry setup (OTLP/HTTP, batch
// processor, endpoint from OTEL_EXPORTER_OTLP_ENDPOINT), or with -protocol grpc through the
// SDK's OTLP/gRPC exporter, and prints, as JSON on stdout, the
// ids of every span it ended, so a receiver test can check that each arrived exactly once.
// It exits non-zero if the SDK reported any export error.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/span-lens/go-shop/internal/telemetry"
)

func main() {
	n := flag.Int("n", 1000, "spans to send")
	chunk := flag.Int("chunk", 500, "spans made between forced flushes; keeps the batch processor's queue (2048) from overflowing and dropping spans")
	workers := flag.Int("workers", 4, "goroutines making spans at once")
	protocol := flag.String("protocol", "http", "http (go-shop's telemetry setup, otlptracehttp) or grpc (otlptracegrpc)")
	flag.Parse()

	setup := telemetry.Setup
	switch *protocol {
	case "http":
	case "grpc":
		setup = setupGRPC
	default:
		fmt.Fprintf(os.Stderr, "exportcheck: -protocol must be http or grpc, got %q\n", *protocol)
		os.Exit(2)
	}
	ids, exportErrors, err := run(setup, *n, *chunk, *workers)
	if err != nil {
		fmt.Fprintln(os.Stderr, "exportcheck:", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(map[string]any{"spans": ids}); err != nil {
		fmt.Fprintln(os.Stderr, "exportcheck:", err)
		os.Exit(1)
	}
	if exportErrors > 0 {
		fmt.Fprintf(os.Stderr, "exportcheck: the SDK reported %d export errors\n", exportErrors)
		os.Exit(1)
	}
}

func run(setup func(context.Context, string, ...sdktrace.TracerProviderOption) (telemetry.Shutdown, error), n, chunk, workers int) ([]spanID, int64, error) {
	var exportErrors atomic.Int64
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		exportErrors.Add(1)
		fmt.Fprintln(os.Stderr, "exportcheck: otel:", err)
	}))

	ctx := context.Background()
	recorder := &endedRecorder{}
	shutdown, err := setup(ctx, "exportcheck", sdktrace.WithSpanProcessor(recorder))
	if err != nil {
		return nil, 0, err
	}
	provider, ok := otel.GetTracerProvider().(*sdktrace.TracerProvider)
	if !ok {
		return nil, 0, fmt.Errorf("telemetry.Setup installed %T, not the SDK's provider", otel.GetTracerProvider())
	}
	tracer := provider.Tracer("github.com/span-lens/go-shop/exportcheck")

	seq := 0
	for made := 0; made < n; {
		size := min(chunk, n-made)
		makeChunk(ctx, tracer, &seq, size, workers)
		made += size
		if err := provider.ForceFlush(ctx); err != nil {
			return nil, 0, fmt.Errorf("flush: %w", err)
		}
	}

	flushCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := shutdown(flushCtx); err != nil {
		return nil, 0, fmt.Errorf("shutdown: %w", err)
	}
	return recorder.ended(), exportErrors.Load(), nil
}

// makeChunk ends exactly size spans, as traces of 1 to 6 spans made by several goroutines.
func makeChunk(ctx context.Context, tracer trace.Tracer, seq *int, size, workers int) {
	type job struct{ seq, spans int }
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				makeTrace(ctx, tracer, j.seq, j.spans)
			}
		}()
	}
	for left := size; left > 0; {
		spans := min(1+*seq%6, left)
		jobs <- job{seq: *seq, spans: spans}
		*seq++
		left -= spans
	}
	close(jobs)
	wg.Wait()
}
