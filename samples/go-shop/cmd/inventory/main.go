// Command inventory runs inventory-service: GET /stock/:sku, POST /reserve.
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
	"go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin"

	"github.com/span-lens/go-shop/internal/config"
	"github.com/span-lens/go-shop/internal/fault"
	"github.com/span-lens/go-shop/internal/inventory"
	"github.com/span-lens/go-shop/internal/server"
	"github.com/span-lens/go-shop/internal/sim"
	"github.com/span-lens/go-shop/internal/telemetry"
)

const serviceName = "inventory-service"

func main() {
	port := flag.String("port", config.Env("PORT", "8082"), "port to listen on (env PORT)")
	failureRate := flag.Float64("failure-rate", sim.FailureRate("SHOP_FAILURE_RATE", 0.02), "chance that a simulated database query fails (env SHOP_FAILURE_RATE)")
	f := fault.Flag()
	flag.Parse()

	if err := run(*port, *failureRate, *f); err != nil {
		slog.Error(serviceName+" failed", "err", err)
		os.Exit(1)
	}
}

func run(port string, failureRate float64, f fault.Fault) (err error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if f != fault.None {
		slog.Warn("running with a deliberate tracing fault", "fault", f)
	}

	shutdown := telemetry.Shutdown(func(context.Context) error { return nil })
	if f != fault.NoProvider {
		shutdown, err = telemetry.Setup(ctx, serviceName)
		if err != nil {
			return err
		}
	}
	// Fault no-provider: telemetry is never set up, so the global tracer provider stays the
	// no-op one: the service answers every call, and not one of its spans is exported.
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
	inventory.Routes(r, inventory.NewService(failureRate))

	return server.Run(ctx, ":"+port, r)
}
