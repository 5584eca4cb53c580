package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

var kinds = []trace.SpanKind{
	trace.SpanKindInternal, trace.SpanKindServer, trace.SpanKindClient, trace.SpanKindProducer, trace.SpanKindConsumer,
}

// makeTrace ends exactly n spans: a root, its children and some grandchildren, with
// attributes of every type, events, links and error statuses, varied by seq.
func makeTrace(ctx context.Context, tracer trace.Tracer, seq, n int) {
	if n <= 0 {
		return
	}
	rootCtx, root := tracer.Start(ctx, fmt.Sprintf("exportcheck.root.%d", seq%5),
		trace.WithSpanKind(kinds[seq%len(kinds)]),
		trace.WithAttributes(attributes(seq)...))
	made := 1
	parent := rootCtx
	var previous trace.SpanContext
	for made < n {
		childCtx, child := tracer.Start(parent, fmt.Sprintf("exportcheck.child.%d", made%3),
			trace.WithSpanKind(kinds[(seq+made)%len(kinds)]),
			trace.WithAttributes(attributes(seq+made)...),
			trace.WithLinks(links(previous)...))
		decorate(child, seq+made)
		previous = child.SpanContext()
		made++
		// Every third child gets the next span as its own child, so traces are deeper than one level.
		if made%3 == 0 {
			parent = childCtx
		} else {
			parent = rootCtx
		}
		child.End()
	}
	decorate(root, seq)
	root.End()
}

func attributes(i int) []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String("check.string", fmt.Sprintf("value-%d", i)),
		attribute.String("check.unicode", "grüße · 東京 · ✓"),
		attribute.String("check.empty", ""),
		attribute.Int("check.int", i),
		attribute.Int64("check.int64.big", int64(1)<<53+int64(i)),
		attribute.Int64("check.int64.negative", -int64(i)-1),
		attribute.Float64("check.float", float64(i)/7),
		attribute.Bool("check.bool", i%2 == 0),
		attribute.StringSlice("check.strings", []string{"a", fmt.Sprint(i), ""}),
		attribute.Int64Slice("check.ints", []int64{int64(i), -1, 0}),
		attribute.Float64Slice("check.floats", []float64{0.5, float64(i)}),
		attribute.BoolSlice("check.bools", []bool{true, i%3 == 0}),
		attribute.String("check.long", strings.Repeat("x", 200+i%800)),
	}
}

func links(to trace.SpanContext) []trace.Link {
	if !to.IsValid() {
		return nil
	}
	return []trace.Link{{SpanContext: to, Attributes: []attribute.KeyValue{attribute.String("check.link", "previous sibling")}}}
}

// decorate adds events to some spans and an error status to others.
func decorate(span trace.Span, i int) {
	if i%4 == 0 {
		span.AddEvent("check.event", trace.WithAttributes(attribute.Int("check.event.index", i)))
	}
	if i%7 == 0 {
		err := errors.New("exportcheck: simulated failure")
		span.RecordError(err, trace.WithStackTrace(i%14 == 0))
		span.SetStatus(codes.Error, err.Error())
	} else if i%5 == 0 {
		span.SetStatus(codes.Ok, "")
	}
}
