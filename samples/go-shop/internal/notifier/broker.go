// Package notifier confirms placed orders to customers. It consumes orders.placed from NATS
// and, so the shop needs no broker installed, runs that NATS server itself.
package notifier

import (
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// StartBroker runs an embedded NATS server on host:port (no auth, no JetStream: plain
// publish/subscribe is all the shop uses) and returns once it accepts connections.
func StartBroker(host string, port int) (*server.Server, error) {
	ns, err := server.NewServer(&server.Options{
		ServerName: "go-shop-broker",
		Host:       host,
		Port:       port,
		NoSigs:     true, // the notifier handles SIGTERM itself and stops the broker last
		NoLog:      true,
	})
	if err != nil {
		return nil, fmt.Errorf("nats server: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		return nil, fmt.Errorf("nats server on %s:%d did not start", host, port)
	}
	return ns, nil
}
