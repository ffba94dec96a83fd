package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unsafe"
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

// TestCountDistinct: the bucketed count agrees with sorting everything, for
// lists of every shape (empty, tiny, many duplicates, several blocks,
// values at the extremes).
func TestCountDistinct(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, n := range []int{0, 1, 2, 15, 16, 17, 100, 1000, 65_536, 300_000} {
		for _, dup := range []int{1, 2, 50} { // about n/dup distinct values
			var blocks [][]uint64
			var all []uint64
			left := n
			for left > 0 {
				b := make([]uint64, min(left, 1+r.IntN(70_000)))
				for j := range b {
					switch r.IntN(100) {
					case 0:
						b[j] = 0
					case 1:
						b[j] = math.MaxUint64
					default:
						b[j] = uint64(r.IntN(max(n/dup, 1))) * 0x9e3779b97f4a7c15
					}
				}
				blocks = append(blocks, b)
				all = append(all, b...)
				left -= len(b)
			}
			slices.Sort(all)
			want := uint64(len(slices.Compact(all)))
			if got := countDistinct(blocks, n); got != want {
				t.Fatalf("n %d, dup %d: %d distinct, want %d", n, dup, got, want)
			}
		}
	}
}

// TestStartsList: the first-byte shortcut answers as trimming does.
func TestStartsList(t *testing.T) {
	for _, s := range []string{"", "[", " [1]", "\t\n[", "x[", "9876543210", " 98", "\u00a0[1]", "\u2003[", "\u00a0x", "]", "\x00[", "\x85["} {
		if got, want := startsList(s), strings.HasPrefix(strings.TrimSpace(s), "["); got != want {
			t.Errorf("%q: %v, want %v", s, got, want)
		}
	}
}

// TestOwnLines: the counters fill whole cache lines, on a line boundary.
func TestOwnLines(t *testing.T) {
	for n := range 20 {
		a, b := ownLines[int64](n), ownLines[[2]int64](n)
		if len(a) != n || len(b) != n || cap(a)*8%64 != 0 || cap(b)*16%64 != 0 {
			t.Fatalf("n %d: len %d cap %d, len %d cap %d", n, len(a), cap(a), len(b), cap(b))
		}
		if p := uintptr(unsafe.Pointer(unsafe.SliceData(a))); p%64 != 0 {
			t.Errorf("n %d: counters at %#x, not on a 64-byte line", n, p)
		}
	}
}
