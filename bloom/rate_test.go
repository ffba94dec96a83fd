package bloom

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// TestRateMatchesObserved builds filters of several geometries, probes each
// with items that were never added, and compares the false positives seen
// with the count the reported rate (FalsePositiveRate) predicts. Each case
// has enough probes for a few hundred expected false positives, so that the
// comparison means something: the count must lie within 4 standard
// deviations of the prediction plus 20% for the computed rate's own
// precision (FORMAT.md §4.1). The textbook rate mean((ones/M)^K), which
// leakcheck reported before, is printed beside it: it is 3 to 10^7 times too
// low for the tiny geometries.
func TestRateMatchesObserved(t *testing.T) {
	if raceEnabled {
		t.Skip("statistical test of a single goroutine: run without -race")
	}
	type tc struct {
		name    string
		p       Params
		entries int // added to each filter
		filters int
		probes  int // per filter
	}
	cases := []tc{
		// Tiny filters as leakcheck's writers made them before
		// MinPartitionBits (FORMAT.md §4): the filter of one dump row with
		// one index, one row with six indexes, and a few rows.
		{"tiny 1 entry, 64 bits", legacy(64, 20), 1, 24, 60_000},
		{"tiny 6 entries, 192 bits", legacy(192, 20), 6, 24, 300_000},
		{"tiny overfilled 12 entries, 192 bits", legacy(192, 20), 12, 16, 50_000},
		{"small 26 entries, 640 bits", legacy(640, 20), 26, 16, 600_000},
		{"small 4 entries, 128 bits, k=10", legacy(128, 10), 4, 24, 300_000},
		// A filter at its design load, and one over it (merged shards, or
		// --capacity too small).
		{"normal, one partition", plan(t, 10_000, 1e-3), 10_000, 2, 200_000},
		{"normal, three partitions", plan(t, 1_000_000, 1e-2), 1_000_000, 1, 100_000},
		{"overfull ×8", plan(t, 1_000, 1e-3), 8_000, 2, 20_000},
		{"overfull ×3", plan(t, 10_000, 1e-3), 30_000, 1, 10_000},
	}
	r := rand.New(rand.NewPCG(2026, 12))
	item := make([]byte, ItemSize)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var hits, probes int
			var predicted, textbook float64
			for range c.filters {
				f := newTestFilter(t, c.p)
				for range c.entries {
					f.Add(randomItem(r, item))
				}
				rate := f.FalsePositiveRate()
				for range c.probes {
					if f.Test(randomItem(r, item)) {
						hits++
					}
				}
				probes += c.probes
				predicted += rate * float64(c.probes)
				textbook += textbookRate(f) * float64(c.probes)
			}
			t.Logf("%d×%d bits k=%d: %d false positives in %d probes (%.3g); reported rate predicts %.1f (%.3g); textbook %.3g",
				c.p.Partitions, c.p.M, c.p.K, hits, probes, float64(hits)/float64(probes), predicted, predicted/float64(probes), textbook/float64(probes))
			if predicted < 100 {
				t.Fatalf("only %.1f false positives expected: too few probes for a meaningful comparison", predicted)
			}
			if tol := 4*math.Sqrt(predicted) + 0.2*predicted; math.Abs(float64(hits)-predicted) > tol {
				t.Errorf("observed %d false positives, the reported rate predicts %.1f ± %.1f", hits, predicted, tol)
			}
		})
	}
}

// TestRateTinyNewFilter: a filter of one dump row as Plan sizes it now (one
// partition of MinPartitionBits) shows no false positive in a million
// probes, and reports the floor, not zero.
func TestRateTinyNewFilter(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	p := plan(t, 6, 1e-6)
	if p.M != MinPartitionBits {
		t.Fatalf("Plan(6) = %d bits, want %d", p.M, MinPartitionBits)
	}
	f := newTestFilter(t, p)
	item := make([]byte, ItemSize)
	for range 6 {
		f.Add(randomItem(r, item))
	}
	if got := f.FalsePositiveRate(); got != MinFalsePositiveRate {
		t.Errorf("rate %g, want the floor %g", got, MinFalsePositiveRate)
	}
	for range 1_000_000 {
		if f.Test(randomItem(r, item)) {
			t.Fatal("a false positive in a 65,536-bit filter of 6 entries")
		}
	}
	empty := newTestFilter(t, p)
	if got := empty.FalsePositiveRate(); got != MinFalsePositiveRate {
		t.Errorf("empty filter: rate %g, want the floor", got)
	}
}

// TestDistinctBits compares the stratified distribution of distinct bits per
// item with plain sampling of the location scheme, and checks its edges.
func TestDistinctBits(t *testing.T) {
	if raceEnabled {
		t.Skip("statistical test of a single goroutine: run without -race")
	}
	r := rand.New(rand.NewPCG(8, 8))
	for _, g := range []struct{ m, k uint64 }{{64, 20}, {192, 20}, {128, 10}, {1856, 20}, {1 << 16, 20}, {DefaultPartitionBits - 64, 30}, {64, 1}} {
		dist := distinctBits(g.m, g.k)
		var total, mean float64
		for d, w := range dist {
			total += w
			mean += float64(d) * w
		}
		if math.Abs(total-1) > 1e-9 {
			t.Errorf("m=%d k=%d: probabilities sum to %v", g.m, g.k, total)
		}
		mod := newModulus(g.m)
		var locs [MaxK]uint64
		const n = 200_000
		var plain float64
		for range n {
			h := [4]uint64{r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64()}
			plain += float64(distinct(locations(locs[:g.k], h, mod)))
		}
		plain /= n
		if math.Abs(plain-mean) > 0.01*float64(g.k) {
			t.Errorf("m=%d k=%d: mean distinct bits %.3f, plain sampling %.3f", g.m, g.k, mean, plain)
		}
		if p := (Params{M: g.m, K: g.k}); math.Abs(p.MeanDistinctBits()-mean) > 1e-12 {
			t.Errorf("MeanDistinctBits %v, want %v", p.MeanDistinctBits(), mean)
		}
	}
	// One word: every location is h + i·step mod 64 (no wrap matters), and
	// a step ≡ 0 mod 16 pins two classes: D = 2 when both steps do (2^-8).
	if d := distinctBits(64, 20); d[2] < 1e-4 || d[1] > 1e-4 {
		t.Errorf("m=64 k=20: P(D=1)=%g P(D=2)=%g, want rare and more than 1e-4", d[1], d[2])
	}
	// Large partition: D = K nearly always, and the rate of a half-full
	// partition is the textbook 0.5^K within a few per cent.
	p := Params{M: 1 << 20, K: 20}
	if got, want := p.PartitionRate(1<<19), math.Pow(0.5, 20); math.Abs(got/want-1) > 0.05 {
		t.Errorf("half-full 2^20-bit partition: rate %g, want ≈ %g", got, want)
	}
	if p.PartitionRate(0) != 0 || p.PartitionRate(1<<20) != 1 {
		t.Errorf("empty and full partitions: rates %g and %g, want 0 and 1", p.PartitionRate(0), p.PartitionRate(1<<20))
	}
}

// TestValuationStrata: the strata's weights are the exact probabilities of
// a uniform step's 2-adic valuation below 2^s, and drawStep draws in them.
func TestValuationStrata(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for _, tc := range []struct{ s, k uint64 }{{6, 20}, {16, 20}, {16, 64}, {36, 1}, {22, 30}} {
		lo, ws := valuationStrata(tc.s, tc.k)
		var sum float64
		for _, w := range ws {
			sum += w
		}
		if math.Abs(sum-1) > 1e-15 {
			t.Errorf("s=%d k=%d: weights sum to %v", tc.s, tc.k, sum)
		}
		for i := range ws {
			for range 50 {
				x := drawStep(r, tc.s, lo, i)
				v := min(uint64(bits.TrailingZeros64(x)), tc.s)
				want := lo + uint64(i)
				if lo > 0 {
					want--
				}
				if lo > 0 && i == 0 {
					if v >= lo {
						t.Fatalf("s=%d generic stratum drew valuation %d", tc.s, v)
					}
				} else if v != want {
					t.Fatalf("s=%d stratum %d drew valuation %d, want %d", tc.s, i, v, want)
				}
			}
		}
	}
}

// TestExactRateSmall checks exactRate against brute force where brute force
// is possible: a one-word partition, for which the chance of a side is the
// share of the 64 shifts (M divides 2^64: no wraps) that land on set bits,
// averaged over many steps.
func TestExactRateSmall(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	words := []uint64{r.Uint64() | r.Uint64()} // about 3/4 of the bits set
	c := newShiftCounter(words)
	for range 200 {
		h2, h3 := r.Uint64(), r.Uint64()
		for parity := uint64(0); parity < 2; parity++ {
			first, second := h2, h3
			if parity == 1 {
				first, second = h3, h2
			}
			got := c.chance(first, second, parity, 20)
			n := 0
			for h := range uint64(64) {
				hs := [4]uint64{h, h, h2, h3}
				all := true
				for i := parity; i < 20; i += 2 {
					l := (hs[i%2] + i*hs[2+((i+i%2)%4)/2]) % 64
					all = all && words[0]>>l&1 == 1
				}
				if all {
					n++
				}
			}
			if want := float64(n) / 64; math.Abs(got-want) > 1e-12 {
				t.Fatalf("chance %v, brute force %v", got, want)
			}
		}
	}
	// With wraps (M = 192 does not divide 2^64), compare with sampling the
	// start hash directly.
	words = []uint64{r.Uint64() | r.Uint64(), r.Uint64() | r.Uint64(), r.Uint64() | r.Uint64()}
	c = newShiftCounter(words)
	for range 20 {
		h2, h3 := r.Uint64(), r.Uint64()
		got := c.chance(h2, h3, 0, 20)
		const n = 40_000
		hit := 0
		for range n {
			h0 := r.Uint64()
			all := true
			for i := uint64(0); i < 20; i += 2 {
				l := (h0 + i*[4]uint64{0, 0, h2, h3}[2+((i+i%2)%4)/2]) % 192
				all = all && words[l/64]>>(l%64)&1 == 1
			}
			if all {
				hit++
			}
		}
		if want, sd := float64(hit)/n, math.Sqrt(got*(1-got)/n); math.Abs(got-want) > 5*sd+1e-9 {
			t.Fatalf("chance %v, sampled %v", got, want)
		}
	}
}

func legacy(m, k uint64) Params {
	return Params{Scheme: Scheme, Partitions: 1, M: m, K: k, Capacity: 1, TargetFPR: 1e-6}
}

func plan(t testing.TB, n uint64, fpr float64) Params {
	t.Helper()
	p, err := Plan(n, fpr)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func newTestFilter(t testing.TB, p Params) *Filter {
	t.Helper()
	h := testHeader(t, 1, 1e-6)
	h.Bloom = p
	f, err := New(h)
	if err != nil {
		t.Fatal(fmt.Errorf("%+v: %w", p, err))
	}
	return f
}

// randomItem fills b (ItemSize bytes) with a random item and returns it.
func randomItem(r *rand.Rand, b []byte) []byte {
	binary.LittleEndian.PutUint64(b, r.Uint64())
	binary.LittleEndian.PutUint64(b[8:], r.Uint64())
	return b
}

// textbookRate is the rate leakcheck reported before: mean over partitions
// of (ones/M)^K.
func textbookRate(f *Filter) float64 {
	var sum float64
	for _, p := range f.parts {
		sum += math.Pow(float64(p.BitSet().Count())/float64(p.Cap()), float64(p.K()))
	}
	return sum / float64(len(f.parts))
}

// TestModelAgreesWithExact: from exactRateBits on, the distinct-bit model
// FalsePositiveRate uses is within 5% of the exact computation for a
// partition near its design fill (FORMAT.md §4.1).
func TestModelAgreesWithExact(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 12))
	p := legacy(exactRateBits, 20)
	f := newTestFilter(t, p)
	item := make([]byte, ItemSize)
	for range exactRateBits / 29 {
		f.Add(randomItem(r, item))
	}
	words := f.parts[0].BitSet().Words()
	exact := exactRate(words, p.K)
	model := p.PartitionRate(uint64(popcount(words)))
	if math.Abs(model/exact-1) > 0.05 {
		t.Errorf("%d bits at design fill: model %.4g, exact %.4g", p.M, model, exact)
	}
}
