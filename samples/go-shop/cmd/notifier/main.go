// Command notifier runs the shop's message broker (an embedded NATS server) and the
// notifier service, which confirms every order announced on orders.placed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/span-lens/go-shop/internal/config"
	"github.com/span-lens/go-shop/internal/fault"
	"github.com/span-lens/go-shop/internal/notifier"
	"github.com/span-lens/go-shop/internal/telemetry"
)

const serviceName = "notifier"

func main() {
	port := flag.String("port", config.Env("PORT", "4222"), "port the NATS broker listens on (env PORT)")
	host := flag.String("host", config.Env("NATS_HOST", "127.0.0.1"), "address the NATS broker listens on (env NATS_HOST)")
	f := fault.Flag()
	flag.Parse()

	if err := run(*host, *port, *f); err != nil {
		slog.Error(serviceName+" failed", "err", err)
		os.Exit(1)
	}
}

func run(host, port string, f fault.Fault) (err error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if f != fault.None {
		slog.Warn("running with a deliberate tracing fault", "fault", f)
	}
	portNumber, err := strconv.Atoi(port)
	if err != nil {
		return fmt.Errorf("port %q: %w", port, err)
	}

	// Deferred calls run in reverse: the broker stops last, after the spans are flushed.
	broker, err := notifier.StartBroker(host, portNumber)
	if err != nil {
		return err
	}
	defer broker.Shutdown()

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

	closed := make(chan struct{})
	nc, err := nats.Connect(broker.ClientURL(), nats.Name(serviceName), nats.InProcessServer(broker),
		nats.ClosedHandler(func(*nats.Conn) { close(closed) }))
	if err != nil {
		return err
	}
	if _, err := notifier.NewConsumer(f).Subscribe(nc); err != nil {
		nc.Close()
		return err
	}
	slog.Info("listening", "addr", broker.ClientURL())

	<-ctx.Done()
	// Drain: messages already delivered are handled (and their spans ended) before the connection closes.
	if err := nc.Drain(); err != nil {
		nc.Close()
		return err
	}
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		nc.Close()
		slog.Warn("drain timed out")
	}
	slog.Info("stopped", "addr", broker.ClientURL())
	return nil
}
