package traffic

import (
	"strconv"
	"sync"
)

// Tally counts requests of one kind by the HTTP status they got ("transport" when none).
type Tally struct {
	Sent     int            `json:"sent"`
	ByStatus map[string]int `json:"byStatus"`
}

// Summary is what a run did; cmd/traffic prints it as JSON so callers can check the
// telemetry they received against the traffic that was actually sent.
type Summary struct {
	Orders  Tally `json:"orders"`
	Lookups Tally `json:"lookups"`
	// Invalid and UnknownSKU count the orders that were malformed on purpose.
	Invalid    int `json:"invalid"`
	UnknownSKU int `json:"unknownSku"`
}

type recorder struct {
	mu sync.Mutex
	s  Summary
}

func newRecorder() *recorder {
	return &recorder{s: Summary{
		Orders:  Tally{ByStatus: map[string]int{}},
		Lookups: Tally{ByStatus: map[string]int{}},
	}}
}

// statusKey is "transport" for a request that got no HTTP answer at all.
func statusKey(status int) string {
	if status == 0 {
		return "transport"
	}
	return strconv.Itoa(status)
}

func (r *recorder) order(status int, k kind) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s.Orders.Sent++
	r.s.Orders.ByStatus[statusKey(status)]++
	switch k {
	case invalidOrder:
		r.s.Invalid++
	case unknownSKUOrder:
		r.s.UnknownSKU++
	}
}

func (r *recorder) lookup(status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s.Lookups.Sent++
	r.s.Lookups.ByStatus[statusKey(status)]++
}

func (r *recorder) summary() Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.s
}
