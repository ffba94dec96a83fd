package fields

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// randomPhone returns a phone-like string in one of many shapes: the common Indian ones the fast
// path takes, near misses it must decline, other countries, and junk.
func randomPhone(r *rand.Rand) string {
	digits := func(n int, first string) string {
		var b strings.Builder
		b.WriteByte(first[r.IntN(len(first))])
		for range n - 1 {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		return b.String()
	}
	pick := func(list ...string) string { return list[r.IntN(len(list))] }

	switch r.IntN(20) {
	case 0: // junk from the fast path's own alphabet
		const alpha = "0123456789 +-.()"
		b := make([]byte, r.IntN(24))
		for i := range b {
			b[i] = alpha[r.IntN(len(alpha))]
		}
		return string(b)
	case 1: // letters, unicode digits and spaces, other punctuation
		return pick("98765a43210", "९८७६५४३२१०", "+91 ９８７６５４３２１０", "98765\u00a043210",
			"9876543210 x12", "+91–9876543210", "9876543210#", "*9876543210", "98765_43210") +
			digits(r.IntN(3), "0123456789")
	case 2: // other countries and landlines
		return pick("+1 ", "+44 ", "0044 ", "+971 ", "001 ", "+880 ", "+977-", "022 ", "011-",
			"080 ", "0124 ") + digits(6+r.IntN(6), "0123456789")
	}

	// The common shapes: an optional prefix, a national number with separators, optional junk.
	var national string
	switch r.IntN(10) {
	case 0:
		national = digits(8+r.IntN(5), "0123456789") // wrong length
	case 1:
		national = "91" + digits(8, "0123456789") // 10 digits starting 91
	case 2:
		national = digits(10, "012345") // not a mobile
	default:
		national = digits(10, "6789")
	}
	prefix := pick("", "", "", "0", "91", "+91", "0091", "+0091", "00 91", "(+91)", "+91-", "91 ",
		"091", "+910", "+ 91", "(91)", "+91 (0)", "0 ", "00", "+", "++91", "+9", "9", "00091",
		"(0)", "+91 0", "0-91-", "910", "0 91 ", "+(91)", "(+)91")
	seps := []string{" ", "-", ".", "(", ")", "  ", " - ", "--", "/", "+", ",", "\t", "_"}
	var b strings.Builder
	b.WriteString(prefix)
	sepRate := r.IntN(4) // 0: none; higher: more
	for i := range len(national) {
		if i > 0 && r.IntN(8) < sepRate {
			if r.IntN(10) < 8 {
				b.WriteString(seps[r.IntN(5)]) // mostly the ones the fast path strips
			} else {
				b.WriteString(seps[r.IntN(len(seps))])
			}
		}
		b.WriteByte(national[i])
	}
	s := b.String()
	if r.IntN(8) == 0 {
		s = pick(" ", "(", ")", "-", ".", "+", "((", "..") + s
	}
	if r.IntN(8) == 0 {
		s += pick(" ", "(", ")", "-", ".", "+", "))", "..")
	}
	return s
}

// TestPhoneFastPathMatchesLibrary checks on random inputs that whenever the fast path answers,
// the library answers the same, and that the fast path answers for a good share of them. The
// work is split between goroutines sharing one Normalizer, which also puts its concurrency
// safety under the race detector; each worker has its own seed, so runs are reproducible.
func TestPhoneFastPathMatchesLibrary(t *testing.T) {
	n := newIN(t)
	const workers = 4
	count := 100_000
	if testing.Short() {
		count = 10_000
	}
	var fastN, slowOnlyN atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(2024, uint64(w)))
			for range count / workers {
				s := randomPhone(r)
				got, ok := phoneFastIN(s, nil)
				want, err := n.normalizePhoneSlow(s)
				switch {
				case ok && err != nil:
					t.Errorf("%q: fast path gives %q, library refuses it: %v", s, got, err)
					return
				case ok && got != want:
					t.Errorf("%q: fast path gives %q, library %q", s, got, want)
					return
				case ok:
					fastN.Add(1)
				case err == nil:
					slowOnlyN.Add(1)
				}
			}
		})
	}
	wg.Wait()
	fast, slowOnly := int(fastN.Load()), int(slowOnlyN.Load())
	t.Logf("%d inputs: %d by the fast path, %d valid only through the library", count, fast, slowOnly)
	if fast < count/4 {
		t.Errorf("fast path answered only %d of %d inputs; the test no longer exercises it", fast, count)
	}
}

// TestIndianMobilesValid checks that every 10-digit number starting with 6-9 is valid, as the
// fast path assumes, for every 4-digit prefix.
func TestIndianMobilesValid(t *testing.T) {
	n := newIN(t)
	r := rand.New(rand.NewPCG(7, 7))
	for p := 6000; p <= 9999; p++ {
		s := fmt.Sprintf("%d%06d", p, r.IntN(1_000_000))
		if got, err := n.normalizePhoneSlow(s); err != nil || got != "+91"+s {
			t.Errorf("library: %q -> %q, %v; want +91%s", s, got, err, s)
		}
	}
}

var benchPhones = []string{
	"+91 98765 43210", "09876543210", "919876543210", "98765-43210", "(+91) 98765-43210",
	"0091 9876543210", "9876543210", "+919812345678",
}

func BenchmarkNormalizePhone(b *testing.B) {
	n := newIN(b)
	b.Run("fast", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := n.Normalize(Phone, benchPhones[i%len(benchPhones)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("slow", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := n.normalizePhoneSlow(benchPhones[i%len(benchPhones)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
