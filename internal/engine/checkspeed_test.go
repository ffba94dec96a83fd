package engine

import (
	"fmt"
	"testing"
)

// TestValueBucketsAgree: the tables for short values give valueHash's bucket,
// for every year-like and one-byte value and for others, at every size of the
// coincidence tables.
func TestValueBucketsAgree(t *testing.T) {
	var vals []string
	for y := range 10000 {
		vals = append(vals, fmt.Sprintf("%04d", y))
	}
	for c := range 256 {
		vals = append(vals, string([]byte{byte(c)}))
	}
	vals = append(vals, "", "19a5", "1985.0", "ravi kumar", "M", "F", "O", "+919876543210", "12", "/999", "9:99")
	for bits := 10; bits <= 16; bits++ {
		b := &valueBuckets{shift: uint(64 - bits)}
		for round := range 2 { // computed, then from the table
			for _, v := range vals {
				if got, want := b.of(v), uint32(valueHash(v)>>(64-bits)); got != want {
					t.Fatalf("bits %d, round %d, %q: bucket %d, valueHash gives %d", bits, round, v, got, want)
				}
			}
		}
	}
}
