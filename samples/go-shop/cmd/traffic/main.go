// Command traffic sends orders to order-service at a steady rate and prints a JSON
// summary of what it sent (and the answers it got) on stdout when it stops.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/span-lens/go-shop/internal/config"
	"github.com/span-lens/go-shop/internal/telemetry"
	"github.com/span-lens/go-shop/internal/traffic"
)

const serviceName = "traffic"

func main() {
	var cfg traffic.Config
	flag.StringVar(&cfg.Target, "target", config.Env("TARGET", "http://localhost:8081"), "order service base URL (env TARGET)")
	flag.Float64Var(&cfg.Rate, "rate", 5, "orders per second")
	flag.IntVar(&cfg.N, "n", 0, "stop after this many orders (0: no limit)")
	flag.DurationVar(&cfg.Duration, "duration", 0, "stop after this long, e.g. 30s (0: no limit)")
	flag.IntVar(&cfg.Concurrency, "concurrency", 16, "most orders in flight at once")
	flag.Float64Var(&cfg.InvalidRate, "invalid", 0.05, "share of orders that are invalid on purpose")
	flag.Float64Var(&cfg.UnknownRate, "unknown", 0.03, "share of orders naming a SKU the warehouse does not carry")
	flag.Float64Var(&cfg.LookupRate, "lookup", 0.3, "share of placed orders that are looked up afterwards")
	flag.Parse()
	if cfg.Rate <= 0 {
		slog.Error("-rate must be positive")
		os.Exit(2)
	}

	if err := run(cfg); err != nil {
		slog.Error(serviceName+" failed", "err", err)
		os.Exit(1)
	}
}

func run(cfg traffic.Config) (err error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	shutdown, err := telemetry.Setup(ctx, serviceName)
	if err != nil {
		return err
	}
	defer func() {
		flushCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = errors.Join(err, shutdown(flushCtx))
	}()

	slog.Info("sending orders", "target", cfg.Target, "rate", cfg.Rate, "n", cfg.N, "duration", cfg.Duration)
	summary := traffic.Run(ctx, cfg)
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(summary)
}
