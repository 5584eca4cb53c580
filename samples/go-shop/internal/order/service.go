package order

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/span-lens/go-shop/internal/fault"
	"github.com/span-lens/go-shop/internal/sim"
)

var tracer = otel.Tracer("github.com/span-lens/go-shop/internal/order")

// loyaltyDelay is how long a placed order waits before its loyalty points are credited:
// the ledger applies credits once the order has settled, well after the response is sent.
const loyaltyDelay = 200 * time.Millisecond

// Service places and looks up orders. Orders live in memory.
type Service struct {
	inventory *InventoryClient
	events    *Events
	fault     fault.Fault
	mu        sync.RWMutex
	orders    map[string]Order
	// background counts the after-order goroutines, so Close can wait for them (and their spans).
	background sync.WaitGroup
}

// NewService returns a Service that prices and reserves through inventory and announces
// placed orders through events. f selects a deliberate tracing mistake (fault.None: none).
func NewService(inventory *InventoryClient, events *Events, f fault.Fault) *Service {
	return &Service{inventory: inventory, events: events, fault: f, orders: make(map[string]Order)}
}

// Close waits for the work that placed orders left running in the background.
func (s *Service) Close() {
	s.background.Wait()
}

// Create validates req, prices it with the inventory's current prices, reserves the
// goods and stores the order.
func (s *Service) Create(ctx context.Context, req CreateRequest) (Order, error) {
	ctx, span := tracer.Start(ctx, "order.Create", trace.WithAttributes(
		attribute.String("shop.customer", req.Customer),
		attribute.Int("shop.lines", len(req.Items)),
	))
	defer span.End()

	if err := s.validate(ctx, req); err != nil {
		return Order{}, fail(span, err)
	}

	prices := make(map[string]int64, len(req.Items))
	for _, l := range req.Items {
		stock, err := s.inventory.Check(ctx, l.SKU)
		if err != nil {
			return Order{}, fail(span, err)
		}
		if stock.Available < l.Quantity {
			return Order{}, fail(span, fmt.Errorf("%s: %d wanted, %d left: %w", l.SKU, l.Quantity, stock.Available, ErrOutOfStock))
		}
		prices[l.SKU] = stock.PriceCents
	}

	o, err := s.price(ctx, req, prices)
	if err != nil {
		return Order{}, fail(span, err)
	}
	if err := s.inventory.Reserve(ctx, o.ID, req.Items); err != nil {
		return Order{}, fail(span, err)
	}
	if err := s.save(ctx, o); err != nil {
		return Order{}, fail(span, err)
	}
	s.events.Placed(ctx, o)
	s.afterOrder(ctx, o)

	span.SetAttributes(attribute.String("shop.order_id", o.ID), attribute.Int64("shop.total_cents", o.TotalCents))
	return o, nil
}

// afterOrder starts the work that need not hold up the response: the audit record and the
// loyalty credit. Both outlive the request, so neither may use its ctx as is: that ctx is
// canceled as soon as the response is written. context.WithoutCancel keeps the trace and
// drops the cancellation.
func (s *Service) afterOrder(ctx context.Context, o Order) {
	s.background.Add(2)
	if s.fault == fault.BackgroundGoroutine {
		// Fault background-goroutine: a fresh context loses the trace; the audit span starts a new one.
		go s.audit(context.Background(), o)
	} else {
		go s.audit(context.WithoutCancel(ctx), o)
	}
	if s.fault == fault.CanceledContext {
		// Fault canceled-context: the request's ctx is canceled by the time the credit is applied.
		go s.loyalty(ctx, o)
	} else {
		go s.loyalty(context.WithoutCancel(ctx), o)
	}
}

// audit writes the order to the audit log.
func (s *Service) audit(ctx context.Context, o Order) {
	defer s.background.Done()
	ctx, span := tracer.Start(ctx, "order.audit", trace.WithAttributes(attribute.String("shop.order_id", o.ID)))
	defer span.End()

	if err := sim.Work(ctx, 700*time.Microsecond); err != nil {
		_ = fail(span, err)
	}
}

// loyalty credits the customer one point per whole currency unit spent, once the order has settled.
func (s *Service) loyalty(ctx context.Context, o Order) {
	defer s.background.Done()
	time.Sleep(loyaltyDelay)

	ctx, span := tracer.Start(ctx, "order.loyalty", trace.WithAttributes(
		attribute.String("shop.customer", o.Customer),
		attribute.Int64("shop.points", o.TotalCents/100),
	))
	defer span.End()

	if err := sim.Work(ctx, time.Millisecond); err != nil {
		_ = fail(span, err)
	}
}

// Get returns a stored order. A missing order is an answer, not a failure of the lookup,
// so it does not mark the span as an error.
func (s *Service) Get(ctx context.Context, id string) (Order, error) {
	ctx, span := tracer.Start(ctx, "order.Get", trace.WithAttributes(attribute.String("shop.order_id", id)))
	defer span.End()

	if err := sim.Work(ctx, 500*time.Microsecond); err != nil {
		return Order{}, fail(span, err)
	}
	s.mu.RLock()
	o, ok := s.orders[id]
	s.mu.RUnlock()
	span.SetAttributes(attribute.Bool("shop.found", ok))
	if !ok {
		return Order{}, fmt.Errorf("%s: %w", id, ErrNotFound)
	}
	return o, nil
}

func (s *Service) validate(ctx context.Context, req CreateRequest) error {
	ctx, span := tracer.Start(ctx, "order.validate")
	defer span.End()

	if err := sim.Work(ctx, 300*time.Microsecond); err != nil {
		return fail(span, err)
	}
	var problem string
	switch {
	case req.Customer == "":
		problem = "customer is required"
	case len(req.Items) == 0:
		problem = "an order needs at least one item"
	case len(req.Items) > maxLines:
		problem = fmt.Sprintf("at most %d lines per order", maxLines)
	}
	for _, l := range req.Items {
		if problem == "" && (l.Quantity < 1 || l.Quantity > maxLineQuantity) {
			problem = fmt.Sprintf("%s: quantity %d is outside 1..%d", l.SKU, l.Quantity, maxLineQuantity)
		}
	}
	if problem != "" {
		return fail(span, fmt.Errorf("%w: %s", ErrInvalid, problem))
	}
	return nil
}

// price totals the order, taking 5% off anything over 100.00.
func (s *Service) price(ctx context.Context, req CreateRequest, prices map[string]int64) (Order, error) {
	ctx, span := tracer.Start(ctx, "order.price")
	defer span.End()

	if err := sim.Work(ctx, 800*time.Microsecond); err != nil {
		return Order{}, fail(span, err)
	}
	o := Order{ID: newID(), Customer: req.Customer, CreatedAt: time.Now().UTC()}
	var subtotal int64
	for _, l := range req.Items {
		unit := prices[l.SKU]
		o.Items = append(o.Items, PricedLine{Line: l, UnitPriceCents: unit})
		subtotal += unit * int64(l.Quantity)
	}
	if subtotal > 100_00 {
		o.DiscountCents = subtotal * 5 / 100
	}
	o.TotalCents = subtotal - o.DiscountCents
	span.SetAttributes(attribute.Int64("shop.subtotal_cents", subtotal), attribute.Int64("shop.discount_cents", o.DiscountCents))
	return o, nil
}

func (s *Service) save(ctx context.Context, o Order) error {
	ctx, span := tracer.Start(ctx, "order.save", trace.WithAttributes(attribute.String("shop.order_id", o.ID)))
	defer span.End()

	if err := sim.Work(ctx, 1500*time.Microsecond); err != nil {
		return fail(span, err)
	}
	s.mu.Lock()
	s.orders[o.ID] = o
	s.mu.Unlock()
	return nil
}

func newID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "ord-" + hex.EncodeToString(b)
}

// fail marks span as failed with err and hands err back.
func fail(span trace.Span, err error) error {
	span.RecordError(err)
	span.SetStatus(codes.Error, err.Error())
	return err
}
