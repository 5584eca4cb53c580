// Package traffic drives the order service like a crowd of shoppers would.
package traffic

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

var tracer = otel.Tracer("github.com/span-lens/go-shop/internal/traffic")

// Config says where to send traffic, how fast and for how long.
type Config struct {
	Target      string        // order service base URL
	Rate        float64       // orders per second
	N           int           // stop after this many orders; 0 = no limit
	Duration    time.Duration // stop after this long; 0 = no limit
	Concurrency int           // most orders in flight at once
	InvalidRate float64       // share of orders that are invalid on purpose
	UnknownRate float64       // share of orders naming an unknown SKU
	LookupRate  float64       // share of placed orders that are looked up afterwards
}

type generator struct {
	cfg    Config
	client *http.Client
	rec    *recorder
}

// Run places orders until ctx is done, N orders were sent or Duration has passed, waits
// for the ones in flight, and reports what happened.
func Run(ctx context.Context, cfg Config) Summary {
	if cfg.Concurrency < 1 {
		cfg.Concurrency = 1
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = cfg.Concurrency
	g := &generator{
		cfg:    cfg,
		client: &http.Client{Transport: otelhttp.NewTransport(transport), Timeout: 30 * time.Second},
		rec:    newRecorder(),
	}

	var deadline <-chan time.Time
	if cfg.Duration > 0 {
		deadline = time.After(cfg.Duration)
	}
	tick := time.NewTicker(max(time.Duration(float64(time.Second)/cfg.Rate), time.Microsecond))
	defer tick.Stop()
	slots := make(chan struct{}, cfg.Concurrency)
	var wg sync.WaitGroup

loop:
	for sent := 0; cfg.N == 0 || sent < cfg.N; sent++ {
		if sent > 0 {
			select {
			case <-tick.C:
			case <-deadline:
				break loop
			case <-ctx.Done():
				break loop
			}
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			break loop
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			// Orders already sent run to completion even when we are told to stop, so
			// their traces are whole.
			g.shop(context.WithoutCancel(ctx))
		}()
	}
	wg.Wait()
	return g.rec.summary()
}

// shop is one shopper's visit: place an order, sometimes check on it afterwards.
func (g *generator) shop(ctx context.Context) {
	id := g.placeOrder(ctx)
	if id != "" && rand.Float64() < g.cfg.LookupRate {
		g.lookupOrder(ctx, id)
	}
}

func (g *generator) placeOrder(ctx context.Context) string {
	req, k := randomOrder(g.cfg.InvalidRate, g.cfg.UnknownRate)
	ctx, span := tracer.Start(ctx, "traffic.PlaceOrder", trace.WithAttributes(
		attribute.String("shop.customer", req.Customer),
		attribute.Int("shop.lines", len(req.Items)),
	))
	defer span.End()

	var placed struct {
		ID string `json:"id"`
	}
	status, err := g.send(ctx, http.MethodPost, "/orders", req, &placed)
	g.rec.order(status, k)
	if err == nil && status != http.StatusCreated {
		err = fmt.Errorf("order rejected with status %d", status)
	}
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
		return ""
	}
	span.SetAttributes(attribute.String("shop.order_id", placed.ID))
	return placed.ID
}

func (g *generator) lookupOrder(ctx context.Context, id string) {
	ctx, span := tracer.Start(ctx, "traffic.LookupOrder", trace.WithAttributes(attribute.String("shop.order_id", id)))
	defer span.End()

	status, err := g.send(ctx, http.MethodGet, "/orders/"+id, nil, nil)
	g.rec.lookup(status)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("lookup failed with status %d", status)
	}
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
}

// send makes one request; status is 0 when no HTTP answer came back.
func (g *generator) send(ctx context.Context, method, path string, body, out any) (status int, err error) {
	var payload io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		payload = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, g.cfg.Target+path, payload)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := g.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}
