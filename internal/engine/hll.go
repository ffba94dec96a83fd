package engine

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// hll is a HyperLogLog sketch (2^14 registers, about 0.8% standard error,
// with linear counting for small sets) over entry digests, which are
// already uniformly random. It counts distinct matched filter entries in
// fixed memory.
type hll struct{ reg []uint8 }

const hllP = 14

func newHLL() *hll { return &hll{reg: make([]uint8, 1<<hllP)} }

func (h *hll) add(digest []byte) {
	x := binary.BigEndian.Uint64(digest[8:16])
	i := x >> (64 - hllP)
	rho := uint8(bits.LeadingZeros64(x<<hllP|1<<(hllP-1))) + 1
	if rho > h.reg[i] {
		h.reg[i] = rho
	}
}

func (h *hll) merge(o *hll) {
	for i, r := range o.reg {
		if r > h.reg[i] {
			h.reg[i] = r
		}
	}
}

func (h *hll) estimate() uint64 {
	m := float64(len(h.reg))
	var sum float64
	zeros := 0
	for _, r := range h.reg {
		sum += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	alpha := 0.7213 / (1 + 1.079/m)
	e := alpha * m * m / sum
	if e <= 2.5*m && zeros > 0 {
		e = m * math.Log(m/float64(zeros))
	}
	return uint64(math.Round(e))
}
