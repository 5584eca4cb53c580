// Package sim makes the sample services behave like real ones: work takes a
// variable amount of time, and now and then a dependency fails.
package sim

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"time"
)

// Work blocks for a log-normally distributed time around median (a long right tail, as
// real latencies have), or until ctx is done.
func Work(ctx context.Context, median time.Duration) error {
	d := time.Duration(float64(median) * math.Exp(rand.NormFloat64()*0.45))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Fails reports whether a simulated transient failure happens this time.
func Fails(rate float64) bool {
	return rate > 0 && rand.Float64() < rate
}

// FailureRate reads a probability in [0,1] from the environment, or returns def.
func FailureRate(env string, def float64) float64 {
	v, err := strconv.ParseFloat(os.Getenv(env), 64)
	if err != nil || v < 0 || v > 1 {
		return def
	}
	return v
}
