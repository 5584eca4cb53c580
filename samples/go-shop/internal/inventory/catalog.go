package inventory

// Item is one product the warehouse stocks.
type Item struct {
	SKU        string `json:"sku"`
	Name       string `json:"name"`
	PriceCents int64  `json:"priceCents"`
	// Capacity is the shelf size: a restock fills the shelf to it.
	Capacity int `json:"-"`
}

// Catalog is the fixed product range; the traffic generator orders from it too.
var Catalog = []Item{
	{SKU: "SKU-1001", Name: "Espresso beans 1 kg", PriceCents: 2490, Capacity: 600},
	{SKU: "SKU-1002", Name: "Burr grinder", PriceCents: 12900, Capacity: 80},
	{SKU: "SKU-1003", Name: "Milk jug 600 ml", PriceCents: 1850, Capacity: 150},
	{SKU: "SKU-1004", Name: "Tamper 58 mm", PriceCents: 3400, Capacity: 90},
	{SKU: "SKU-1005", Name: "Paper filters (100)", PriceCents: 590, Capacity: 800},
	{SKU: "SKU-1006", Name: "Gooseneck kettle", PriceCents: 6900, Capacity: 60},
}
