package records

import (
	"math"
	"math/bits"
)

// RowCount is what a counting pass learns about a source: its rows, and an
// estimate of how many of them are distinct (byte for byte), so that a
// filter can be sized for the entries it will really hold: a small file of
// one row repeated a million times (a few kilobytes compressed) must not
// make a filter sized for a million rows.
type RowCount struct {
	Rows     int64
	Distinct int64 // estimate, within a few percent; never more than Rows
}

// distinct is a HyperLogLog sketch (2^12 registers, about 1.6% standard
// error, linear counting for small sets) of row hashes. Rows are hashed
// with FNV-1a and a murmur3 finaliser: deterministic, so the same input
// always gives the same estimate and the same filter size.
type distinct struct{ reg [1 << distinctP]uint8 }

const distinctP = 12

func rowHash(b []byte) uint64 {
	return fnvFinish(fnvBytes(fnvOffset, b))
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fnvBytes goes on with FNV-1a from h over b.
func fnvBytes(h uint64, b []byte) uint64 {
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

// fnvFinish is murmur3's finaliser.
func fnvFinish(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

func (d *distinct) add(h uint64) {
	i := h >> (64 - distinctP)
	rho := uint8(bits.LeadingZeros64(h<<distinctP|1<<(distinctP-1))) + 1
	if rho > d.reg[i] {
		d.reg[i] = rho
	}
}

// addValues adds a record given as values, separated so that ("ab","c")
// and ("a","bc") differ.
func (d *distinct) addValues(vals []string, buf []byte) []byte {
	buf = buf[:0]
	for _, v := range vals {
		buf = append(buf, v...)
		buf = append(buf, 0)
	}
	d.add(rowHash(buf))
	return buf
}

// estimate returns the distinct count, at most rows.
func (d *distinct) estimate(rows int64) int64 {
	m := float64(len(d.reg))
	sum, zeros := 0.0, 0
	for _, r := range d.reg {
		sum += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	e := 0.7213 / (1 + 1.079/m) * m * m / sum
	if e <= 2.5*m && zeros > 0 {
		e = m * math.Log(m/float64(zeros))
	}
	return min(rows, int64(math.Round(e)))
}

// DistinctRows counts rows and estimates how many are distinct: Source.CountRows counts a
// source that is not delimited text with one, and a reader opened with Options.CountRows
// counts every source the way CountRows does. The zero value is ready to use.
type DistinctRows struct {
	d     distinct
	rows  int64
	buf   []byte
	batch rowBatch // rows given as bytes (addBytes), hashed four at a time
}

// addBytes hashes a row's bytes (the row itself is counted by the caller).
func (c *DistinctRows) addBytes(row []byte) {
	c.batch.d = &c.d
	c.batch.add(row)
}

// Record adds a record read whole.
func (c *DistinctRows) Record(values []string) {
	c.buf = c.d.addValues(values, c.buf)
	c.rows++
}

// Bad adds a row that could not be read (a row error): counted as distinct.
func (c *DistinctRows) Bad() {
	c.d.add(uint64(c.rows) * 0x9e3779b97f4a7c15)
	c.rows++
}

// Count returns the rows added and the estimate of the distinct ones.
func (c *DistinctRows) Count() RowCount {
	if c.batch.n > 0 {
		c.batch.flush()
	}
	return RowCount{Rows: c.rows, Distinct: c.d.estimate(c.rows)}
}

// rowBatch hashes rows into a distinct sketch four at a time: FNV-1a is one multiplication
// per byte, each waiting for the one before, so four rows' chains interleaved take little more
// time than one. The sketch is the same as adding each row's rowHash (its registers do not
// depend on the order rows are added in).
type rowBatch struct {
	d    *distinct
	buf  []byte
	ends [4]int
	n    int
}

// add copies a row to hash (its bytes may be reused once add returns).
func (b *rowBatch) add(row []byte) {
	if b.n == 0 {
		b.buf = b.buf[:0]
	}
	b.buf = append(b.buf, row...)
	b.ends[b.n] = len(b.buf)
	b.n++
	if b.n == len(b.ends) {
		b.flush()
	}
}

// flush hashes the rows held.
func (b *rowBatch) flush() {
	if b.n < len(b.ends) {
		start := 0
		for _, end := range b.ends[:b.n] {
			b.d.add(rowHash(b.buf[start:end]))
			start = end
		}
		b.n = 0
		return
	}
	r0, r1, r2, r3 := b.buf[:b.ends[0]], b.buf[b.ends[0]:b.ends[1]], b.buf[b.ends[1]:b.ends[2]], b.buf[b.ends[2]:b.ends[3]]
	n := min(len(r0), len(r1), len(r2), len(r3))
	h0, h1, h2, h3 := uint64(fnvOffset), uint64(fnvOffset), uint64(fnvOffset), uint64(fnvOffset)
	r0, r1, r2, r3 = r0[:n:len(r0)], r1[:n:len(r1)], r2[:n:len(r2)], r3[:n:len(r3)]
	for i := range r0 {
		h0 = (h0 ^ uint64(r0[i])) * fnvPrime
		h1 = (h1 ^ uint64(r1[i])) * fnvPrime
		h2 = (h2 ^ uint64(r2[i])) * fnvPrime
		h3 = (h3 ^ uint64(r3[i])) * fnvPrime
	}
	b.d.add(fnvFinish(fnvBytes(h0, r0[n:cap(r0)])))
	b.d.add(fnvFinish(fnvBytes(h1, r1[n:cap(r1)])))
	b.d.add(fnvFinish(fnvBytes(h2, r2[n:cap(r2)])))
	b.d.add(fnvFinish(fnvBytes(h3, r3[n:cap(r3)])))
	b.n = 0
}
