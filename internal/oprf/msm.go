package oprf

import (
	"github.com/gtank/ristretto255"
)

// varTimeMSM returns Σ s[i]·p[i] in variable time (for public values only:
// the composites of a batch proof). For large batches it uses Pippenger's
// bucket method with signed 8-bit digits: about 34 point additions per point
// for a batch of 4096, in 128 buckets that stay in the cache, where the
// library's Straus method (a table of 8 multiples per point, walked bit by
// bit over all points) needs about 50 and, with 5 MB of tables for 4096
// points, misses the cache on most of them. Small inputs go to the library.
func varTimeMSM(s []*ristretto255.Scalar, p []*ristretto255.Element) *ristretto255.Element {
	if len(s) < pippengerMin {
		return ristretto255.NewElement().VarTimeMultiScalarMult(s, p)
	}
	return pippenger(s, p)
}

// pippengerMin is the batch size from which the bucket method is used. Its
// fixed cost, 2·128 additions per window to sum the buckets, makes it dearer
// than the library's Straus method below about 200 points (BenchmarkMSM,
// on a loaded machine: 2.4× dearer at 128 points, 0.5× at 256, 0.33× at
// 4096); 512 keeps a margin for an idle machine, where Straus's tables miss
// the cache less.
const pippengerMin = 512

// digits8 writes the signed radix-256 digits of the canonical scalar b
// (little endian, below 2^253): Σ d[w]·256^w, each d[w] in [-128, 128). The
// top digit absorbs the last carry: b < 2^253 keeps it below 32.
func digits8(d *[32]int8, b *[32]byte) {
	carry := 0
	for w := 0; w < 32; w++ {
		v := int(b[w]) + carry
		carry = 0
		if v >= 128 && w < 31 {
			v -= 256
			carry = 1
		}
		d[w] = int8(v)
	}
}

// pippenger computes Σ s[i]·p[i] by Pippenger's bucket method, window 8 bits.
func pippenger(s []*ristretto255.Scalar, p []*ristretto255.Element) *ristretto255.Element {
	n := len(s)
	digits := make([][32]int8, n)
	var enc [32]byte
	for i := range s {
		s[i].Encode(enc[:0])
		digits8(&digits[i], &enc)
	}
	neg := make([]*ristretto255.Element, n)
	for i := range p {
		neg[i] = ristretto255.NewElement().Negate(p[i])
	}
	var buckets [128]*ristretto255.Element // bucket b holds Σ of the points whose digit is ±(b+1)
	for b := range buckets {
		buckets[b] = ristretto255.NewElement()
	}
	var used [128]bool
	acc := ristretto255.NewElement()
	running, total := ristretto255.NewElement(), ristretto255.NewElement()
	for w := 31; w >= 0; w-- {
		if w != 31 {
			for range 8 {
				acc.Add(acc, acc)
			}
		}
		used = [128]bool{}
		for i := range digits {
			d := int(digits[i][w])
			var q *ristretto255.Element
			switch {
			case d > 0:
				d, q = d-1, p[i]
			case d < 0:
				d, q = -d-1, neg[i]
			default:
				continue
			}
			if used[d] {
				buckets[d].Add(buckets[d], q)
			} else {
				*buckets[d] = *q
				used[d] = true
			}
		}
		// Σ (b+1)·bucket[b] = Σ over b of the running sums from the top.
		anyRunning, anyTotal := false, false
		for b := 127; b >= 0; b-- {
			if used[b] {
				if anyRunning {
					running.Add(running, buckets[b])
				} else {
					*running = *buckets[b]
					anyRunning = true
				}
			}
			if !anyRunning {
				continue
			}
			if anyTotal {
				total.Add(total, running)
			} else {
				*total = *running
				anyTotal = true
			}
		}
		if anyTotal {
			acc.Add(acc, total)
		}
	}
	return acc
}
