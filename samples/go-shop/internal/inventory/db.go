package inventory

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/span-lens/go-shop/internal/sim"
)

// ErrDBUnavailable is the simulated database dropping a connection.
var ErrDBUnavailable = errors.New("db: connection reset by peer")

// query stands in for a round trip to the stock database; the span it makes looks like
// the ones a database driver's instrumentation would produce.
func (s *Service) query(ctx context.Context, operation, statement string) error {
	ctx, span := tracer.Start(ctx, "db.query", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("db.system.name", "postgresql"),
		attribute.String("db.operation.name", operation),
		attribute.String("db.query.text", statement),
	))
	defer span.End()

	if err := sim.Work(ctx, s.dbLatency); err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
		return err
	}
	if sim.Fails(s.failureRate) {
		span.RecordError(ErrDBUnavailable)
		span.SetStatus(codes.Error, ErrDBUnavailable.Error())
		return ErrDBUnavailable
	}
	return nil
}
