// Package fault names the tracing mistakes the shop can be started with, so a tool that
// finds broken traces has something real to find. Each program acts on the faults that
// concern it and ignores the others, so one SHOP_FAULT can be set for the whole shop.
package fault

import (
	"flag"
	"fmt"
	"os"
	"sort"
)

// Fault is one deliberate propagation mistake; None is the clean shop.
type Fault string

const (
	None Fault = ""
	// DefaultClient: order-service calls inventory with http.DefaultClient (no client span, no headers).
	DefaultClient Fault = "default-client"
	// BackgroundGoroutine: order-service audits each order in a goroutine on context.Background().
	BackgroundGoroutine Fault = "background-goroutine"
	// CanceledContext: order-service hands the request's ctx to a goroutine that outlives the request.
	CanceledContext Fault = "canceled-context"
	// NoPropagator: order-service never calls otel.SetTextMapPropagator.
	NoPropagator Fault = "no-propagator"
	// QueueNoHeaders: the orders.placed publisher does not inject the trace context, the notifier does not extract it.
	QueueNoHeaders Fault = "queue-no-headers"
	// NoProvider: inventory-service never sets a tracer provider.
	NoProvider Fault = "no-provider"
)

var known = []Fault{DefaultClient, BackgroundGoroutine, CanceledContext, NoPropagator, QueueNoHeaders, NoProvider}

// Parse accepts "" (no fault) or one of the known fault names.
func Parse(s string) (Fault, error) {
	if s == "" {
		return None, nil
	}
	for _, f := range known {
		if string(f) == s {
			return f, nil
		}
	}
	return None, fmt.Errorf("unknown fault %q (known: %v)", s, Names())
}

// Names lists the known faults, sorted.
func Names() []string {
	names := make([]string, len(known))
	for i, f := range known {
		names[i] = string(f)
	}
	sort.Strings(names)
	return names
}

// Set implements flag.Value, so a mistyped -fault stops the program at startup.
func (f *Fault) Set(s string) error {
	parsed, err := Parse(s)
	if err != nil {
		return err
	}
	*f = parsed
	return nil
}

func (f *Fault) String() string { return string(*f) }

// Flag registers -fault on the default flag set, defaulting to SHOP_FAULT. A bad SHOP_FAULT
// is reported when the program starts, like a bad flag.
func Flag() *Fault {
	f := new(Fault)
	if err := f.Set(os.Getenv("SHOP_FAULT")); err != nil {
		fmt.Fprintln(os.Stderr, "SHOP_FAULT:", err)
		os.Exit(2)
	}
	flag.Var(f, "fault", fmt.Sprintf("run with a deliberate tracing mistake, one of %v (env SHOP_FAULT; default none)", Names()))
	return f
}
