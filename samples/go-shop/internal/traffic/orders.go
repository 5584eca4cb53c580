package traffic

import (
	"math/rand/v2"

	"github.com/span-lens/go-shop/internal/inventory"
)

type kind int

const (
	goodOrder kind = iota
	invalidOrder
	unknownSKUOrder
)

type line struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

type orderRequest struct {
	Customer string `json:"customer"`
	Items    []line `json:"items"`
}

var customers = []string{"ada", "grace", "linus", "barbara", "ken", "margaret", "dennis", "radia"}

// randomOrder makes a plausible basket; with the given probabilities it is instead
// invalid (the order service rejects it) or names a SKU the warehouse does not carry.
func randomOrder(invalidRate, unknownRate float64) (orderRequest, kind) {
	req := orderRequest{Customer: customers[rand.IntN(len(customers))]}
	for range 1 + rand.IntN(3) {
		item := inventory.Catalog[rand.IntN(len(inventory.Catalog))]
		req.Items = append(req.Items, line{SKU: item.SKU, Quantity: 1 + rand.IntN(3)})
	}

	switch p := rand.Float64(); {
	case p < invalidRate:
		if rand.IntN(2) == 0 {
			req.Items = nil
		} else {
			req.Items[0].Quantity = 0
		}
		return req, invalidOrder
	case p < invalidRate+unknownRate:
		req.Items = append(req.Items, line{SKU: "SKU-9999", Quantity: 1})
		return req, unknownSKUOrder
	}
	return req, goodOrder
}
