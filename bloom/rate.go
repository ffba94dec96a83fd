package bloom

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// This file computes a filter's false-positive rate for its real geometry
// (FORMAT.md §4.1). The textbook rate (bits set / M)^K assumes an item's K
// locations are K distinct bits. With the bloom/v3 location scheme they are
// not: location i is an arithmetic progression in i (four of them, one per
// i mod 4), reduced mod M, and in a partition of a few 64-bit words those
// progressions wrap onto few distinct bits, so an absent item needs far fewer
// set bits to test positive. The rate is therefore the expectation, over the
// hash values of an absent item, of the chance that all its locations are
// set: computed exactly for the bits of a small partition (exactRate), and
// from the distribution of distinct bits per item (distinctBits) and the
// number of bits set for a large one (Params.PartitionRate).

// MinFalsePositiveRate is the floor of every rate this package reports. The
// distribution of distinct bits per item (distinctBits) resolves hash values
// down to a probability of about 1e-13; below the floor the rate would rest
// on rarer hash values than it resolves. No report needs a smaller rate: a
// registry of 10^9 records checked at 1e-12 expects 0.001 false alarms.
const MinFalsePositiveRate = 1e-12

// MinPartitionBits is the smallest partition Plan makes. In partitions of a
// few 64-bit words, an item's K locations collapse onto few distinct bits
// and a filter of a few entries tests positive far more often than its fill
// suggests (FORMAT.md §4.1); from 2^16 bits on, collapses need hash values
// rare enough not to matter at the fill a filter is sized for.
const MinPartitionBits = 1 << 16

// FalsePositiveRate is the probability that an item that was never added
// tests positive, computed for the filter's real geometry from the bits
// actually set (FORMAT.md §4.1), floored at MinFalsePositiveRate: the mean
// over partitions of each partition's rate, which for partitions under
// 16,384 bits (as writers made them before MinPartitionBits) is computed
// exactly for their bits over absent items' hash values (exactRate), and for
// larger ones is Params.PartitionRate of their set bits. It is what inspect,
// probe and the report quote. It reads every partition and, for small ones,
// takes up to about 150 ms, so callers that need it more than once keep the
// value.
func (f *Filter) FalsePositiveRate() float64 {
	defer runtime.KeepAlive(f)
	var sum float64
	p := f.Header.Bloom
	exact := p.M < exactRateBits && uint64(p.Partitions)*p.M <= MinPartitionBits
	for _, part := range f.parts {
		if exact {
			sum += exactRate(part.BitSet().Words(), p.K)
		} else {
			sum += p.PartitionRate(uint64(part.BitSet().Count()))
		}
	}
	return max(sum/float64(len(f.parts)), MinFalsePositiveRate)
}

// PartitionRate is the false-positive rate of one partition of these
// parameters with ones of its M bits set: Σ_d P(D = d) · C(ones, d)/C(M, d),
// where D is the number of distinct bits among an absent item's K locations
// (its distribution over hash values, distinctBits) and C(ones, d)/C(M, d) is
// the chance that d distinct bits are all among the set ones. It is not
// floored. With M large and D = K almost always, it is (ones/M)^K.
func (p Params) PartitionRate(ones uint64) float64 {
	if p.M == 0 || p.K == 0 {
		return 0
	}
	ones = min(ones, p.M)
	dist := distinctBits(p.M, p.K)
	var sum float64
	all := 1.0 // C(ones, d)/C(M, d), built one factor at a time
	for d := uint64(1); d < uint64(len(dist)); d++ {
		all *= float64(ones-min(ones, d-1)) / float64(p.M-(d-1))
		if all == 0 {
			break
		}
		sum += dist[d] * all
	}
	return sum
}

// MeanDistinctBits is the expected number of distinct bits among an item's
// K locations in a partition of these parameters (at most K).
func (p Params) MeanDistinctBits() float64 {
	var mean float64
	for d, w := range distinctBits(p.M, p.K) {
		mean += float64(d) * w
	}
	return mean
}

type geometry struct{ m, k uint64 }

var distCache sync.Map // geometry → []float64

// distinctBits returns P(D = d) for d = 0…k: the distribution, over an item's
// uniformly random base hashes h0…h3, of the number of distinct bits among its
// k locations in a partition of m bits (FORMAT.md §4.1). It is computed once
// per geometry and cached.
//
// The locations mod 2^s, where 2^s is the largest power of two dividing m, are
// exact arithmetic progressions (h0 + i·h2 and so on, mod 2^s), so the number
// of distinct bits falls steeply as the steps h2 and h3 have more trailing
// zero bits below s: a step ≡ 0 mod 2^s pins a whole progression's low bits,
// with probability 2^-s. Plain sampling would miss such values, and they
// dominate the rate of a sparse filter, so the sampling is stratified by the
// 2-adic valuations of h2 and h3 below 2^s (each valuation stratum weighted by
// its exact probability); within a stratum everything else is drawn uniformly,
// from a generator seeded by the geometry, so the result is reproducible.
func distinctBits(m, k uint64) []float64 {
	g := geometry{m, k}
	if d, ok := distCache.Load(g); ok {
		return d.([]float64)
	}
	d := computeDistinctBits(m, k)
	distCache.Store(g, d)
	return d
}

// Samples per valuation stratum; the generic stratum (valuations below
// firstStratum, nearly all hash values) gets more.
const (
	stratumSamples = 1 << 7
	genericSamples = 1 << 12
)

// valuationStrata returns the strata of one step's 2-adic valuation modulo
// 2^s: stratum 0 is "valuation below lo" (omitted when lo = 0), then one per
// valuation lo…s, where valuation s means the step is ≡ 0 mod 2^s. Each has its
// exact probability for a uniform 64-bit step.
func valuationStrata(s, k uint64) (lo uint64, weights []float64) {
	// Within one progression the step is 4·h; its low bits stop being
	// distinct after 2^(s−v−2) terms, and a progression has ⌈k/4⌉ terms.
	// Valuations three levels below where that starts to bite are generic.
	perClass := (k + 3) / 4
	need := uint64(bits.Len64(perClass-1)) + 2 + 3
	if s > need {
		lo = s - need
	}
	if lo > 0 {
		weights = append(weights, 1-math.Ldexp(1, -int(lo)))
	}
	for v := lo; v < s; v++ {
		weights = append(weights, math.Ldexp(1, -int(v)-1))
	}
	weights = append(weights, math.Ldexp(1, -int(s)))
	return lo, weights
}

// drawStep draws a uniform 64-bit step in stratum i of valuationStrata(s, ·).
func drawStep(r *rand.Rand, s, lo uint64, i int) uint64 {
	x := r.Uint64()
	low := uint64(1)<<s - 1
	if lo > 0 {
		if i == 0 { // valuation below lo
			for x&(uint64(1)<<lo-1) == 0 {
				x = r.Uint64()
			}
			return x
		}
		i--
	}
	v := lo + uint64(i)
	if v == s {
		return x &^ low
	}
	return (x&^(uint64(1)<<v-1) | uint64(1)<<v)
}

func computeDistinctBits(m, k uint64) []float64 {
	s := uint64(bits.TrailingZeros64(m))
	lo, weights := valuationStrata(s, k)
	r := rand.New(rand.NewPCG(m, k))
	mod := newModulus(m)
	dist := make([]float64, k+1)
	var locs [MaxK]uint64
	for i2, w2 := range weights {
		for i3, w3 := range weights {
			n := stratumSamples
			if lo > 0 && i2 == 0 && i3 == 0 {
				n = genericSamples
			}
			w := w2 * w3 / float64(n)
			for range n {
				h := [4]uint64{r.Uint64(), r.Uint64(), drawStep(r, s, lo, i2), drawStep(r, s, lo, i3)}
				dist[distinct(locations(locs[:k], h, mod))] += w
			}
		}
	}
	return dist
}

// locations fills out with the bit locations of FORMAT.md §4 for base hashes
// h in a partition of mod.m bits, and returns it.
func locations(out []uint64, h [4]uint64, mod modulus) []uint64 {
	for i := range uint64(len(out)) {
		out[i] = mod.mod(h[i%2] + i*h[2+((i+i%2)%4)/2])
	}
	return out
}

// distinct counts the distinct values of locs, reordering it.
func distinct(locs []uint64) int {
	// Insertion sort: k ≤ 64 values, usually about 20.
	for i := 1; i < len(locs); i++ {
		for j := i; j > 0 && locs[j] < locs[j-1]; j-- {
			locs[j], locs[j-1] = locs[j-1], locs[j]
		}
	}
	n := 0
	for i, x := range locs {
		if i == 0 || x != locs[i-1] {
			n++
		}
	}
	return n
}

// exactRate is the false-positive rate of one partition's actual bits, words
// (M = 64·len(words) bits), for items with k locations: the expectation over
// an absent item's base hashes of the chance that all its locations are set.
//
// Given the steps h2 and h3, the locations split into two independent sides:
// classes 0 and 2 (i mod 4) start at h0, classes 1 and 3 at h1, each at fixed
// offsets x_i = i·step (mod 2^64). Over h0 uniform, location i is
// (h0 mod M + x_i mod M − w_i·R) mod M with R = 2^64 mod M, where w_i says
// whether h0 + x_i wrapped past 2^64; the wraps depend only on h0's magnitude
// and change at most once per offset. So a side's chance is computed exactly:
// for each range of h0 between wrap points (weighted by its length), the
// share of the M shifts t for which every t + offset is a set bit (the
// population count of an intersection of rotated copies of the partition).
// The steps are sampled by the same valuation strata as distinctBits.
func exactRate(words []uint64, k uint64) float64 {
	// About the same work for every partition size: fewer samples per
	// stratum as the partition grows (each costs O(k · words)).
	n := min(max(exactWork/len(words), 16), 256)
	return exactRateSeeded(words, k, 0x5eed, n, 16*n)
}

func exactRateSeeded(words []uint64, k, seed uint64, perStratum, generic int) float64 {
	m := uint64(len(words)) * 64
	s := uint64(bits.TrailingZeros64(m))
	lo, weights := valuationStrata(s, k)
	r := rand.New(rand.NewPCG(m, k^seed))
	side := newShiftCounter(words)
	var sum float64
	for i2, w2 := range weights {
		for i3, w3 := range weights {
			n := perStratum
			if lo > 0 && i2 == 0 && i3 == 0 {
				n = generic
			}
			var st float64
			for range n {
				h2, h3 := drawStep(r, s, lo, i2), drawStep(r, s, lo, i3)
				a := side.chance(h2, h3, 0, k)
				if a == 0 {
					continue
				}
				st += a * side.chance(h3, h2, 1, k)
			}
			sum += w2 * w3 * st / float64(n)
		}
	}
	return sum
}

// exactWork sets the samples of exactRate: per valuation stratum,
// exactWork / (64-bit words in the partition), within 16…256.
const exactWork = 1 << 14

// exactRateBits: partitions smaller than this get exactRate; larger ones the
// distinct-bit model, which is within a few per cent of it there.
const exactRateBits = 1 << 14

// shiftCounter computes, for one partition, the chance over a uniform start
// hash that a side's locations are all set (exactRate).
type shiftCounter struct {
	words  []uint64
	m, r   uint64 // M and 2^64 mod M
	offs   []offset
	suffix [][]uint64
	acc    []uint64
}

type offset struct {
	x    uint64 // i·step mod 2^64
	a, b uint64 // location offset mod M without and with a wrap past 2^64
}

func newShiftCounter(words []uint64) *shiftCounter {
	m := uint64(len(words)) * 64
	c := &shiftCounter{words: words, m: m, r: (^uint64(0))%m + 1}
	if c.r == m {
		c.r = 0
	}
	c.acc = make([]uint64, len(words))
	return c
}

// chance is the probability, over a uniform 64-bit start h, that the
// locations h + i·step (mod 2^64, mod M) are all set for the i < k with
// i mod 2 = parity, where step is first for i ≡ parity (mod 4) and second
// for i ≡ parity+2 (mod 4) — FORMAT.md §4's classes 0 and 2 (parity 0, steps
// h2, h3) or 1 and 3 (parity 1, steps h3, h2).
func (c *shiftCounter) chance(first, second, parity, k uint64) float64 {
	c.offs = c.offs[:0]
	for i := parity; i < k; i += 2 {
		step := first
		if i%4 != parity {
			step = second
		}
		x := i * step
		a := x % c.m
		c.offs = append(c.offs, offset{x: x, a: a, b: (a + c.m - c.r) % c.m})
	}
	if c.r == 0 {
		// M divides 2^64: wraps change nothing.
		for i := range c.acc {
			c.acc[i] = ^uint64(0)
		}
		for _, o := range c.offs {
			andRotated(c.acc, c.words, o.a)
		}
		return float64(popcount(c.acc)) / float64(c.m)
	}
	// Offset i wraps when h ≥ 2^64 − x_i: the largest x wraps first.
	slices.SortFunc(c.offs, func(p, q offset) int {
		switch {
		case p.x > q.x:
			return -1
		case p.x < q.x:
			return 1
		}
		return 0
	})
	n := len(c.offs)
	for len(c.suffix) < n+1 {
		c.suffix = append(c.suffix, make([]uint64, len(c.words)))
	}
	// suffix[j] = ∩ over offsets j… unwrapped.
	for i := range c.suffix[n] {
		c.suffix[n][i] = ^uint64(0)
	}
	for j := n - 1; j >= 0; j-- {
		copy(c.suffix[j], c.suffix[j+1])
		andRotated(c.suffix[j], c.words, c.offs[j].a)
	}
	for i := range c.acc {
		c.acc[i] = ^uint64(0)
	}
	// Range j of h: offsets 0…j−1 wrapped, the rest not. Its length is
	// x_{j−1} − x_j (with x_{−1} = 2^64, x_n = 0), as a fraction of 2^64.
	var sum float64
	prev := math.Ldexp(1, 64)
	for j := 0; j <= n; j++ {
		if j > 0 {
			andRotated(c.acc, c.words, c.offs[j-1].b)
		}
		next := 0.0
		if j < n {
			next = float64(c.offs[j].x)
		}
		if length := prev - next; length > 0 {
			sum += length * float64(popcountAnd(c.acc, c.suffix[j]))
		}
		prev = next
	}
	return sum / math.Ldexp(1, 64) / float64(c.m)
}

// andRotated sets acc[t] &= words[(t + o) mod M] for every bit t.
func andRotated(acc, words []uint64, o uint64) {
	n := len(words)
	q, r := int(o/64)%n, o%64
	if r == 0 {
		andWords(acc[:n-q], words[q:])
		andWords(acc[n-q:], words[:q])
		return
	}
	// Word w takes the high bits of word w+q and the low bits of w+q+1.
	andShifted(acc[:n-q-1], words[q:n-1], words[q+1:], r)
	w := n - q - 1
	acc[w] &= words[n-1]>>r | words[0]<<(64-r)
	andShifted(acc[w+1:], words[:q], words[1:q+1], r)
}

func andWords(acc, src []uint64) {
	src = src[:len(acc)]
	for i := range acc {
		acc[i] &= src[i]
	}
}

func andShifted(acc, lo, hi []uint64, r uint64) {
	lo, hi = lo[:len(acc)], hi[:len(acc)]
	for i := range acc {
		acc[i] &= lo[i]>>r | hi[i]<<(64-r)
	}
}

func popcount(ws []uint64) int {
	n := 0
	for _, w := range ws {
		n += bits.OnesCount64(w)
	}
	return n
}

func popcountAnd(a, b []uint64) int {
	n := 0
	for i := range a {
		n += bits.OnesCount64(a[i] & b[i])
	}
	return n
}
