// Command order runs order-service: POST /orders, GET /orders/:id.
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin"

	"github.com/span-lens/go-shop/internal/config"
	"github.com/span-lens/go-shop/internal/fault"
	"github.com/span-lens/go-shop/internal/order"
	"github.com/span-lens/go-shop/internal/server"
	"github.com/span-lens/go-shop/internal/telemetry"
)

const serviceName = "order-service"

func main() {
	port := flag.String("port", config.Env("PORT", "8081"), "port to listen on (env PORT)")
	inventoryURL := flag.String("inventory", config.Env("INVENTORY_URL", "http://localhost:8082"), "inventory service base URL (env INVENTORY_URL)")
	natsURL := flag.String("nats", config.Env("NATS_URL", "nats://localhost:4222"), "NATS server that placed orders are announced on (env NATS_URL)")
	f := fault.Flag()
	flag.Parse()

	if err := run(*port, *inventoryURL, *natsURL, *f); err != nil {
		slog.Error(serviceName+" failed", "err", err)
		os.Exit(1)
	}
}

func run(port, inventoryURL, natsURL string, f fault.Fault) (err error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if f != fault.None {
		slog.Warn("running with a deliberate tracing fault", "fault", f)
	}

	setup := telemetry.Setup
	if f == fault.NoPropagator {
		// Fault no-propagator: the provider is installed, the propagator never is.
		setup = telemetry.SetupWithoutPropagator
	}
	shutdown, err := setup(ctx, serviceName)
	if err != nil {
		return err
	}
	defer func() {
		// A fresh context: ctx is already cancelled by the signal that brought us here.
		flushCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = errors.Join(err, shutdown(flushCtx))
	}()

	if os.Getenv(gin.EnvGinMode) == "" {
		gin.SetMode(gin.ReleaseMode)
	}
	r := gin.New()
	// otelgin first, so every later middleware and handler runs inside the server span.
	r.Use(otelgin.Middleware(serviceName), gin.Recovery())

	// The broker may come up after us: keep retrying rather than refuse to start.
	nc, err := nats.Connect(natsURL, nats.Name(serviceName), nats.RetryOnFailedConnect(true), nats.MaxReconnects(-1))
	if err != nil {
		return err
	}
	defer func() {
		// Hand queued announcements to the broker before leaving.
		if flushErr := nc.FlushTimeout(5 * time.Second); flushErr != nil {
			slog.Warn("nats flush", "err", flushErr)
		}
		nc.Close()
	}()

	svc := order.NewService(order.NewInventoryClient(inventoryURL, f), order.NewEvents(nc, f), f)
	order.Routes(r, svc)

	err = server.Run(ctx, ":"+port, r)
	// Requests are drained; let the work they started in the background finish too.
	svc.Close()
	return err
}
