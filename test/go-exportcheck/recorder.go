package main

import (
	"context"
	"sync"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// spanID is how the receiver test names a span.
type spanID struct {
	TraceID string `json:"traceId"`
	SpanID  string `json:"spanId"`
}

// endedRecorder is a span processor that remembers every sampled span that ended: exactly
// the spans the SDK hands to the exporter.
type endedRecorder struct {
	mu  sync.Mutex
	ids []spanID
}

func (r *endedRecorder) OnStart(context.Context, sdktrace.ReadWriteSpan) {}

func (r *endedRecorder) OnEnd(s sdktrace.ReadOnlySpan) {
	sc := s.SpanContext()
	if !sc.IsSampled() {
		return
	}
	r.mu.Lock()
	r.ids = append(r.ids, spanID{TraceID: sc.TraceID().String(), SpanID: sc.SpanID().String()})
	r.mu.Unlock()
}

func (r *endedRecorder) Shutdown(context.Context) error   { return nil }
func (r *endedRecorder) ForceFlush(context.Context) error { return nil }

func (r *endedRecorder) ended() []spanID {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]spanID(nil), r.ids...)
}
