// Package order takes orders: it validates them, prices them against the inventory
// service's catalogue, reserves the goods and keeps the result.
package order

import (
	"errors"
	"time"
)

var (
	ErrInvalid     = errors.New("invalid order")
	ErrUnknownItem = errors.New("unknown item")
	ErrOutOfStock  = errors.New("out of stock")
	ErrInventory   = errors.New("inventory unavailable")
	ErrNotFound    = errors.New("order not found")
)

const (
	maxLines        = 10
	maxLineQuantity = 20
)

// Line is a quantity of one SKU, as the customer asked for it.
type Line struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

// CreateRequest is the body of POST /orders.
type CreateRequest struct {
	Customer string `json:"customer"`
	Items    []Line `json:"items"`
}

// PricedLine is a line with the unit price it was sold at.
type PricedLine struct {
	Line
	UnitPriceCents int64 `json:"unitPriceCents"`
}

// Order is a placed order.
type Order struct {
	ID            string       `json:"id"`
	Customer      string       `json:"customer"`
	Items         []PricedLine `json:"items"`
	DiscountCents int64        `json:"discountCents"`
	TotalCents    int64        `json:"totalCents"`
	CreatedAt     time.Time    `json:"createdAt"`
}
