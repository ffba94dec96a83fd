// Command benchoprf measures the raw ristretto255 scalar-multiplication
// ceiling of this machine, the reference scripts/bench-oprf compares each
// phase of the OPRF key mode against: constant-time scalar multiplications
// of random points per second on -workers goroutines for -seconds.
//
//	go run ./scripts/benchoprf -workers 2 -seconds 5
//
// It prints one number: multiplications per second.
package main

import (
	"crypto/rand"
	"flag"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gtank/ristretto255"
)

func main() {
	workers := flag.Int("workers", 2, "goroutines")
	seconds := flag.Float64("seconds", 5, "how long to measure")
	flag.Parse()
	var total atomic.Int64
	deadline := time.Now().Add(time.Duration(*seconds * float64(time.Second)))
	start := time.Now()
	var wg sync.WaitGroup
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var b [64]byte
			rand.Read(b[:])
			s := ristretto255.NewScalar().FromUniformBytes(b[:])
			rand.Read(b[:])
			p := ristretto255.NewElement().FromUniformBytes(b[:])
			n := int64(0)
			for time.Now().Before(deadline) {
				for range 64 {
					p.ScalarMult(s, p)
				}
				n += 64
			}
			total.Add(n)
		}()
	}
	wg.Wait()
	fmt.Printf("%.0f\n", float64(total.Load())/time.Since(start).Seconds())
}
