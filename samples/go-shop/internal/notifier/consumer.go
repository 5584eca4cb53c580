package notifier

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/span-lens/go-shop/internal/fault"
	"github.com/span-lens/go-shop/internal/messaging"
	"github.com/span-lens/go-shop/internal/sim"
)

var tracer = otel.Tracer("github.com/span-lens/go-shop/internal/notifier")

// queueGroup lets several notifiers share the work: each message goes to one of them.
const queueGroup = "notifier"

// Consumer handles orders.placed messages.
type Consumer struct {
	fault fault.Fault
}

// NewConsumer returns a Consumer; f selects a deliberate tracing mistake (fault.None: none).
func NewConsumer(f fault.Fault) *Consumer {
	return &Consumer{fault: f}
}

// Subscribe starts handling orders.placed on conn.
func (c *Consumer) Subscribe(conn *nats.Conn) (*nats.Subscription, error) {
	return conn.QueueSubscribe(messaging.OrdersPlaced, queueGroup, c.handle)
}

// handle continues the publisher's trace from the message headers, under a consumer span.
func (c *Consumer) handle(msg *nats.Msg) {
	ctx := context.Background()
	// Fault queue-no-headers skips the extraction: the consumer span starts a new trace.
	if c.fault != fault.QueueNoHeaders {
		ctx = otel.GetTextMapPropagator().Extract(ctx, messaging.HeaderCarrier(msg.Header))
	}
	ctx, span := tracer.Start(ctx, "orders.placed process", trace.WithSpanKind(trace.SpanKindConsumer), trace.WithAttributes(messaging.ProcessAttributes(msg)...))
	defer span.End()

	var placed messaging.OrderPlaced
	if err := json.Unmarshal(msg.Data, &placed); err != nil {
		fail(span, fmt.Errorf("orders.placed: %w", err))
		return
	}
	span.SetAttributes(attribute.String("shop.order_id", placed.OrderID))
	if err := c.confirm(ctx, placed); err != nil {
		fail(span, err)
	}
}

// confirm sends the customer an order confirmation (simulated mail delivery).
func (c *Consumer) confirm(ctx context.Context, placed messaging.OrderPlaced) error {
	ctx, span := tracer.Start(ctx, "notifier.confirm", trace.WithAttributes(
		attribute.String("shop.customer", placed.Customer),
		attribute.String("shop.order_id", placed.OrderID),
	))
	defer span.End()

	if err := sim.Work(ctx, 2*time.Millisecond); err != nil {
		fail(span, err)
		return err
	}
	return nil
}

func fail(span trace.Span, err error) {
	span.RecordError(err)
	span.SetStatus(codes.Error, err.Error())
}
