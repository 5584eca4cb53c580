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
	"go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin"

	"github.com/span-lens/go-shop/internal/config"
	"github.com/span-lens/go-shop/internal/order"
	"github.com/span-lens/go-shop/internal/server"
	"github.com/span-lens/go-shop/internal/telemetry"
)

const serviceName = "order-service"

func main() {
	port := flag.String("port", config.Env("PORT", "8081"), "port to listen on (env PORT)")
	inventoryURL := flag.String("inventory", config.Env("INVENTORY_URL", "http://localhost:8082"), "inventory service base URL (env INVENTORY_URL)")
	flag.Parse()

	if err := run(*port, *inventoryURL); err != nil {
		slog.Error(serviceName+" failed", "err", err)
		os.Exit(1)
	}
}

func run(port, inventoryURL string) (err error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	shutdown, err := telemetry.Setup(ctx, serviceName)
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
	order.Routes(r, order.NewService(order.NewInventoryClient(inventoryURL)))

	return server.Run(ctx, ":"+port, r)
}
