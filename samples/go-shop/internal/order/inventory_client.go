package order

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"

	"github.com/span-lens/go-shop/internal/fault"
)

// Stock is the inventory service's answer for one SKU.
type Stock struct {
	SKU        string `json:"sku"`
	PriceCents int64  `json:"priceCents"`
	Available  int    `json:"available"`
}

// InventoryClient calls the inventory service. Its transport makes a client span per call
// and injects the trace context, so the inventory's spans join the order's trace.
type InventoryClient struct {
	base  string
	http  *http.Client
	fault fault.Fault
}

// NewInventoryClient talks to the inventory service at baseURL (e.g. http://localhost:8082).
// f selects a deliberate tracing mistake (fault.None: none).
func NewInventoryClient(baseURL string, f fault.Fault) *InventoryClient {
	return &InventoryClient{
		base:  baseURL,
		http:  &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport), Timeout: 10 * time.Second},
		fault: f,
	}
}

// Check asks for the price and stock level of sku.
func (c *InventoryClient) Check(ctx context.Context, sku string) (Stock, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/stock/"+url.PathEscape(sku), nil)
	if err != nil {
		return Stock{}, err
	}
	var s Stock
	if err := c.do(req, &s); err != nil {
		return Stock{}, fmt.Errorf("check %s: %w", sku, err)
	}
	return s, nil
}

// Reserve takes the order's lines out of stock.
func (c *InventoryClient) Reserve(ctx context.Context, orderID string, lines []Line) error {
	body, err := json.Marshal(map[string]any{"orderId": orderID, "items": lines})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/reserve", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if err := c.do(req, nil); err != nil {
		return fmt.Errorf("reserve %s: %w", orderID, err)
	}
	return nil
}

// do sends req and decodes a 200 answer into out; other answers become this package's errors.
func (c *InventoryClient) do(req *http.Request, out any) error {
	var resp *http.Response
	var err error
	if c.fault == fault.DefaultClient {
		// Fault default-client: the stock client has no otelhttp transport, so no client span and no traceparent header.
		resp, err = http.DefaultClient.Do(req)
	} else {
		resp, err = c.http.Do(req)
	}
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInventory, err)
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&e)
		return fmt.Errorf("%w: %s", statusError(resp.StatusCode), e.Error)
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func statusError(code int) error {
	switch code {
	case http.StatusNotFound:
		return ErrUnknownItem
	case http.StatusConflict:
		return ErrOutOfStock
	default:
		return fmt.Errorf("%w (status %d)", ErrInventory, code)
	}
}
