// Package inventory is the warehouse: it answers stock questions and reserves items for orders.
package inventory

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

var tracer = otel.Tracer("github.com/span-lens/go-shop/internal/inventory")

const (
	// A shelf with fewer items than this is reordered; the delivery takes restockDelay.
	lowWater     = 5
	restockDelay = time.Second
)

var (
	ErrUnknownSKU = errors.New("unknown sku")
	ErrOutOfStock = errors.New("insufficient stock")
)

// Line is a quantity of one SKU.
type Line struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

// Stock is what Check reports for one SKU.
type Stock struct {
	Item
	Available int `json:"available"`
}

// Service keeps stock levels in memory, behind a simulated database.
type Service struct {
	mu          sync.Mutex
	items       map[string]Item
	available   map[string]int
	restocking  map[string]bool
	dbLatency   time.Duration
	failureRate float64
}

// NewService stocks every catalog item to capacity. failureRate is the chance that one
// simulated database query fails.
func NewService(failureRate float64) *Service {
	s := &Service{
		items:       make(map[string]Item, len(Catalog)),
		available:   make(map[string]int, len(Catalog)),
		restocking:  make(map[string]bool, len(Catalog)),
		dbLatency:   2 * time.Millisecond,
		failureRate: failureRate,
	}
	for _, it := range Catalog {
		s.items[it.SKU] = it
		s.available[it.SKU] = it.Capacity
	}
	return s
}

// Check reports the price and the quantity on hand of one SKU.
func (s *Service) Check(ctx context.Context, sku string) (Stock, error) {
	ctx, span := tracer.Start(ctx, "inventory.Check", trace.WithAttributes(attribute.String("shop.sku", sku)))
	defer span.End()

	if err := s.query(ctx, "SELECT", "SELECT name, price_cents, available FROM stock WHERE sku = $1"); err != nil {
		return Stock{}, fail(span, fmt.Errorf("check %s: %w", sku, err))
	}

	s.mu.Lock()
	item, known := s.items[sku]
	available := s.available[sku]
	s.mu.Unlock()
	if !known {
		return Stock{}, fail(span, fmt.Errorf("check %s: %w", sku, ErrUnknownSKU))
	}
	span.SetAttributes(attribute.Int("shop.available", available))
	return Stock{Item: item, Available: available}, nil
}

// Reserve takes every line out of stock, or none of them.
func (s *Service) Reserve(ctx context.Context, orderID string, lines []Line) error {
	ctx, span := tracer.Start(ctx, "inventory.Reserve", trace.WithAttributes(
		attribute.String("shop.order_id", orderID),
		attribute.Int("shop.lines", len(lines)),
	))
	defer span.End()

	if err := s.query(ctx, "UPDATE", "UPDATE stock SET available = available - $2 WHERE sku = $1 AND available >= $2"); err != nil {
		return fail(span, fmt.Errorf("reserve %s: %w", orderID, err))
	}

	if err := s.take(lines); err != nil {
		return fail(span, fmt.Errorf("reserve %s: %w", orderID, err))
	}
	return nil
}

// take removes all lines from stock, or none of them. A shelf that runs low is refilled a
// little later, so shortages come and go as they do in a real shop.
func (s *Service) take(lines []Line) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range lines {
		if _, known := s.items[l.SKU]; !known {
			return fmt.Errorf("%s: %w", l.SKU, ErrUnknownSKU)
		}
		if s.available[l.SKU] < l.Quantity {
			return fmt.Errorf("%s: %d wanted, %d left: %w", l.SKU, l.Quantity, s.available[l.SKU], ErrOutOfStock)
		}
	}
	for _, l := range lines {
		s.available[l.SKU] -= l.Quantity
		if s.available[l.SKU] < lowWater && !s.restocking[l.SKU] {
			s.restocking[l.SKU] = true
			time.AfterFunc(restockDelay, func() { s.restock(l.SKU) })
		}
	}
	return nil
}

func (s *Service) restock(sku string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.available[sku] = s.items[sku].Capacity
	s.restocking[sku] = false
}

// fail marks span as failed with err and hands err back.
func fail(span trace.Span, err error) error {
	span.RecordError(err)
	span.SetStatus(codes.Error, err.Error())
	return err
}
