package bloom

import (
	"encoding/binary"
	"math/bits"
	"runtime"
)

// This file sets and tests the bits of 16-byte items directly in a
// partition's words, computing the locations of FORMAT.md §4 without
// bits-and-blooms/bloom/v3's general-purpose path: MurmurHash3 specialised for
// exactly 16 bytes (one block, then the same block followed by 0x01), and
// "mod m" without a 64-bit division per location. The bits are the ones
// bloom/v3 would set for the same item: locate_test.go compares the two on
// random items and partition sizes.

const (
	murmurC1 = 0x87c37b91114253d5
	murmurC2 = 0x4cf5ad432745937f
)

func fmix64(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}

// baseHashes returns bloom/v3's four base hashes of a 16-byte item:
// MurmurHash3 x64 128 of the item, and of the item followed by 0x01.
func baseHashes(item *[ItemSize]byte) (h0, h1, h2, h3 uint64) {
	k1 := binary.LittleEndian.Uint64(item[:8])
	k2 := binary.LittleEndian.Uint64(item[8:])
	// The one 16-byte block, from h1 = h2 = 0.
	k1 *= murmurC1
	k1 = bits.RotateLeft64(k1, 31)
	k1 *= murmurC2
	a := k1
	a = bits.RotateLeft64(a, 27)
	a = a*5 + 0x52dce729
	k2 *= murmurC2
	k2 = bits.RotateLeft64(k2, 33)
	k2 *= murmurC1
	b := k2
	b = bits.RotateLeft64(b, 31)
	b += a
	b = b*5 + 0x38495ab5
	// Finalization for length 16, no tail.
	h0, h1 = finalize(a, b, 16)
	// The same state with a 1-byte tail 0x01, length 17.
	t := uint64(1) * murmurC1
	t = bits.RotateLeft64(t, 31)
	t *= murmurC2
	h2, h3 = finalize(a^t, b, 17)
	return h0, h1, h2, h3
}

func finalize(h1, h2, length uint64) (uint64, uint64) {
	h1 ^= length
	h2 ^= length
	h1 += h2
	h2 += h1
	h1 = fmix64(h1)
	h2 = fmix64(h2)
	h1 += h2
	h2 += h1
	return h1, h2
}

// modulus computes x mod m for a fixed m without dividing: with
// r = ⌊(2^64−1)/m⌋ ≥ 2^64/m − 1, the estimate q = ⌊x·r/2^64⌋ is above
// x/m − x/2^64 > x/m − 1, so q is ⌊x/m⌋ or one less, and one conditional
// subtraction finishes the job.
type modulus struct{ m, r uint64 }

func newModulus(m uint64) modulus { return modulus{m, ^uint64(0) / m} }

func (d modulus) mod(x uint64) uint64 {
	q, _ := bits.Mul64(x, d.r)
	x -= q * d.m
	// Branch-free: a branch here would be mispredicted often. x < 2m ≤ 2^37,
	// so m−1−x is negative exactly when x ≥ m.
	return x - d.m&uint64(int64(d.m-1-x)>>63)
}

// Bit locations (FORMAT.md §4): location i is h[i mod 2] + i·h[2 + ((i + i mod 2) mod 4)/2]
// mod 2^64, then mod m. By i mod 4 that is
//
//	0: h0 + i·h2    1: h1 + i·h3    2: h0 + i·h3    3: h1 + i·h2
//
// so each of the four classes is an arithmetic sequence (mod 2^64) with step 4·h2 or 4·h3,
// which setBits and testBits walk with additions instead of multiplications.

// setBits sets item's k bits in words (a partition of len(words)·64 bits)
// and reports whether all of them were already set.
func setBits(words []uint64, d modulus, k uint64, item *[ItemSize]byte) (present bool) {
	h0, h1, h2, h3 := baseHashes(item)
	x0, x1, x2, x3 := h0, h1+h3, h0+2*h3, h1+3*h2
	s2, s3 := 4*h2, 4*h3
	all := uint64(1)
	set := func(x uint64) {
		l := d.mod(x)
		w := &words[l>>6]
		old := *w
		all &= old >> (l & 63)
		*w = old | 1<<(l&63)
	}
	i := uint64(0)
	for ; i+4 <= k; i += 4 {
		set(x0)
		set(x1)
		set(x2)
		set(x3)
		x0, x1, x2, x3 = x0+s2, x1+s3, x2+s3, x3+s2
	}
	if i < k {
		set(x0)
	}
	if i+1 < k {
		set(x1)
	}
	if i+2 < k {
		set(x2)
	}
	return all&1 != 0
}

// testBits reports whether all of item's k bits are set in words.
func testBits(words []uint64, d modulus, k uint64, item *[ItemSize]byte) bool {
	h0, h1, h2, h3 := baseHashes(item)
	x0, x1, x2, x3 := h0, h1+h3, h0+2*h3, h1+3*h2
	s2, s3 := 4*h2, 4*h3
	has := func(x uint64) bool {
		l := d.mod(x)
		return words[l>>6]&(1<<(l&63)) != 0
	}
	i := uint64(0)
	for ; i+4 <= k; i += 4 {
		if !has(x0) || !has(x1) || !has(x2) || !has(x3) {
			return false
		}
		x0, x1, x2, x3 = x0+s2, x1+s3, x2+s3, x3+s2
	}
	return (i >= k || has(x0)) && (i+1 >= k || has(x1)) && (i+2 >= k || has(x2))
}

// partition returns the words and parameters of partition p. The caller
// keeps f alive while it uses them (region).
func (f *Filter) partition(p int) ([]uint64, modulus, uint64) {
	bf := f.parts[p]
	return bf.BitSet().Words(), newModulus(uint64(bf.Cap())), uint64(bf.K())
}

// warm brings a partition into the cache with one sequential read, which
// the hardware prefetcher streams at memory bandwidth, when n items are about
// to probe it often enough: once their n·k probes cover a good share of its
// cache lines, that costs less than the random misses they would otherwise
// take. (4000 items at k = 20 make 80 000 random probes into the 8192 lines
// of a 512 KiB partition; warmed, those lines are 8192 sequential loads and
// the probes hit the cache. See BenchmarkAddRuns.)
func warm(words []uint64, n int, k uint64) {
	lines := uint64(len(words)) / 8
	if uint64(n)*k*2 >= lines {
		touch(words)
	}
}

// touch reads one word of every 64-byte cache line of words.
//
//go:noinline
func touch(words []uint64) uint64 {
	var s uint64
	for i := 0; i < len(words); i += 8 {
		s += words[i]
	}
	return s
}

// AddItems inserts items, which must all belong to partition p
// (PartitionOf), and sets isNew[i] to whether items[i] was new (not already
// present, up to the false-positive rate). It sets the same bits as AddTo on
// each item, faster when there are many: see warm. Distinct partitions may
// be written concurrently.
func (f *Filter) AddItems(p int, items [][ItemSize]byte, isNew []bool) {
	defer runtime.KeepAlive(f)
	words, d, k := f.partition(p)
	warm(words, len(items), k)
	for i := range items {
		isNew[i] = !setBits(words, d, k, &items[i])
	}
}

// TestItems tests items, which must all belong to partition p, and sets
// hit[i] to whether items[i] may be in the filter.
func (f *Filter) TestItems(p int, items [][ItemSize]byte, hit []bool) {
	defer runtime.KeepAlive(f)
	words, d, k := f.partition(p)
	warm(words, len(items), k)
	for i := range items {
		hit[i] = testBits(words, d, k, &items[i])
	}
}
