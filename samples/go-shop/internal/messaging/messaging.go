// Package messaging holds what the order publisher and the notifier agree on: the subject
// orders go out on, the message body, and how the trace context rides in NATS headers.
package messaging

import (
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.39.0"

	"github.com/nats-io/nats.go"
)

// OrdersPlaced is the subject order-service publishes every placed order on.
const OrdersPlaced = "orders.placed"

// OrderPlaced is the body of an orders.placed message.
type OrderPlaced struct {
	OrderID    string `json:"orderId"`
	Customer   string `json:"customer"`
	TotalCents int64  `json:"totalCents"`
}

// HeaderCarrier lets an OpenTelemetry propagator read and write NATS message headers,
// as propagation.HeaderCarrier does for HTTP.
type HeaderCarrier nats.Header

var _ propagation.TextMapCarrier = HeaderCarrier{}

func (c HeaderCarrier) Get(key string) string { return nats.Header(c).Get(key) }

func (c HeaderCarrier) Set(key, value string) { nats.Header(c).Set(key, value) }

func (c HeaderCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}

// PublishAttributes describe sending msg, per the messaging semantic conventions.
func PublishAttributes(msg *nats.Msg) []attribute.KeyValue {
	return append(common(msg), semconv.MessagingOperationTypeSend, semconv.MessagingOperationName("publish"))
}

// ProcessAttributes describe handling a received msg.
func ProcessAttributes(msg *nats.Msg) []attribute.KeyValue {
	return append(common(msg), semconv.MessagingOperationTypeProcess, semconv.MessagingOperationName("process"))
}

func common(msg *nats.Msg) []attribute.KeyValue {
	return []attribute.KeyValue{
		// The conventions list no value for NATS; "nats" is what its instrumentations use.
		semconv.MessagingSystemKey.String("nats"),
		semconv.MessagingDestinationName(msg.Subject),
		semconv.MessagingMessageBodySize(len(msg.Data)),
	}
}
