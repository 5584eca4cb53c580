package order

import (
	"context"
	"encoding/json"

	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"

	"github.com/span-lens/go-shop/internal/fault"
	"github.com/span-lens/go-shop/internal/messaging"
)

// Events announces placed orders on NATS, for the notifier and whoever else listens.
type Events struct {
	conn  *nats.Conn
	fault fault.Fault
}

// NewEvents publishes over conn.
func NewEvents(conn *nats.Conn, f fault.Fault) *Events {
	return &Events{conn: conn, fault: f}
}

// Placed publishes o on orders.placed under a producer span whose context travels in the
// message headers, so the consumer's spans join the order's trace. A publish that fails
// is recorded on its span but does not fail the order: the order is already stored.
func (e *Events) Placed(ctx context.Context, o Order) {
	// Strings and integers always encode: there is no error to handle.
	body, _ := json.Marshal(messaging.OrderPlaced{OrderID: o.ID, Customer: o.Customer, TotalCents: o.TotalCents})
	msg := nats.NewMsg(messaging.OrdersPlaced)
	msg.Data = body

	ctx, span := tracer.Start(ctx, "orders.placed publish", trace.WithSpanKind(trace.SpanKindProducer), trace.WithAttributes(messaging.PublishAttributes(msg)...))
	defer span.End()

	// Fault queue-no-headers skips the injection: the message leaves with no traceparent,
	// so the notifier's spans start a trace of their own.
	if e.fault != fault.QueueNoHeaders {
		otel.GetTextMapPropagator().Inject(ctx, messaging.HeaderCarrier(msg.Header))
	}
	if err := e.conn.PublishMsg(msg); err != nil {
		_ = fail(span, err)
	}
}
