package engine

import (
	"encoding/binary"
	"math/bits"
	"strings"

	"github.com/leakcheck/leakcheck/bloom"
)

// This file is the test side of check: a worker's digests wait in buckets
// by filter partition and are tested a partition at a time (see buckets),
// then each waiting row's matches are counted at once.

// pendingRows are the registry rows whose digests wait to be tested, one
// slot each, column by column: what every check needs (which indexes a row
// formed, and at the flush which it matched) in small arrays without
// pointers, and where a row came from only for the observer and the matched
// ids, which need it. The random updates of a flush then touch one byte (up
// to 8 indexes) or 8 bytes per row, in an array that stays in the cache,
// rather than a whole row.
type pendingRows struct {
	formed []uint64
	src    []int32  // with an observer or matches
	line   []int64  // with an observer or matches
	id     []string // with matches
}

func (p *pendingRows) len() int { return len(p.formed) }

// maxPendingRows bounds the rows waiting: with one index, every digest in
// the buckets would otherwise be a row of its own.
const maxPendingRows = 1 << 18

// maxRowProbes bounds the digests one row adds (check handles at most 64
// indexes); buckets keep that much room so a row is never split by a flush.
const maxRowProbes = 64

// probe queues the digest of index i of the row that will be pending slot.
func (c *checkHandler) probe(slot int, i int, d *[bloom.ItemSize]byte) {
	if c.sp != nil {
		c.sp.store.addTag(d, uint32(slot)<<6|uint32(i))
		return
	}
	c.b.add(d, uint32(slot)<<6|uint32(i))
}

// maxExactMatches is how many matches of one index, over all workers
// together, are kept exactly (8 bytes each) to count the distinct matched
// dump entries exactly; past it the count comes from the HyperLogLog sketch
// (about 1% error). The limit is on the total, which does not depend on how
// the rows fell between the workers: a per-worker limit made the same check
// exact in one run and estimated in the next. A worker keeps its list until
// its own matches pass the limit (then the total has too), so a worker holds
// at most maxExactMatches values per index.
var maxExactMatches = 1 << 20 // a variable so that tests can lower it

// exactChunk is the size of the blocks an exact list grows by: a list that
// grows by appending to one slice copies itself at each growth, which cost a
// tenth of check's time when every record matches.
const exactChunk = 1 << 16

// exactList holds matched digests' first 8 bytes in blocks that are never
// copied.
type exactList struct {
	blocks [][]uint64
	n      int
}

func (l *exactList) add(v uint64) {
	if len(l.blocks) == 0 || len(l.blocks[len(l.blocks)-1]) == exactChunk {
		l.blocks = append(l.blocks, make([]uint64, 0, exactChunk))
	}
	b := &l.blocks[len(l.blocks)-1]
	*b = append(*b, v)
	l.n++
}

func (c *checkHandler) exactAdd(i int, d []byte) {
	if c.overflow[i] {
		return
	}
	if c.exact[i].n == c.maxExact {
		c.exact[i], c.overflow[i] = exactList{}, true
		return
	}
	c.exact[i].add(binary.LittleEndian.Uint64(d))
}

// flushProbes tests every waiting digest and counts the waiting rows.
func (c *checkHandler) flushProbes() {
	n := c.pend.len()
	if c.narrow {
		flushRows(c, c.hits8[:n])
	} else {
		flushRows(c, c.hits64[:n])
	}
	c.records += int64(n)
	c.pend.formed = c.pend.formed[:0]
	c.pend.src = c.pend.src[:0]
	c.pend.line = c.pend.line[:0]
	clear(c.pend.id) // drop the ids
	c.pend.id = c.pend.id[:0]
}

// flushRows tests the waiting digests, setting in hits[k] bit i when pending
// row k matched index i, then counts the rows. With at most 8 indexes the
// hits are bytes: a flush sets them in random order, and 256 KiB of them
// stay in a core's cache where 2 MiB of uint64 did not.
func flushRows[T uint8 | uint64](c *checkHandler, hits []T) {
	clear(hits)
	c.b.each(func(p int, d [][bloom.ItemSize]byte, tag []uint32) {
		if cap(c.hit) < len(d) {
			c.hit = make([]bool, c.b.per)
		}
		hit := c.hit[:len(d)]
		c.f.TestItems(p, d, hit)
		for j, h := range hit {
			if h {
				slot, i := tag[j]>>6, tag[j]&63
				hits[slot] |= 1 << i
				c.hll[i].add(d[j][:])
				c.exactAdd(int(i), d[j][:])
			}
		}
	})
	formed := c.pend.formed[:len(hits)]
	if c.combos != nil {
		// Nobody needs the rows one by one: count each combination of
		// formed and matched indexes, and countCombos counts them at the end
		// as if row by row.
		for k, h := range hits {
			c.combos[uint16(formed[k])<<8|uint16(h)]++
		}
		return
	}
	for k, h := range hits {
		c.countRow(k, formed[k], uint64(h))
	}
}

// countRow counts pending row k, which formed and matched the indexes of the
// bits of formed and hit, and hands its outcome to the observer and its
// matches to the list.
func (c *checkHandler) countRow(k int, formed, hit uint64) {
	exposed := c.count(formed, hit, 1)
	if c.obs != nil {
		o := Outcome{Src: int(c.pend.src[k]), Line: c.pend.line[k], Exposed: exposed, Slot: k}
		for i, b := range c.bitOf {
			if formed&(1<<i) != 0 {
				o.Formed |= b
			}
			if hit&(1<<i) != 0 {
				o.Matched |= b
			}
		}
		c.obs.Record(&o)
	}
	if c.want && hit != 0 {
		m := Match{Source: c.srcNames[c.pend.src[k]], Line: c.pend.line[k], ID: strings.Clone(c.pend.id[k])} // kept: see records.Record
		for i := range c.e.names {
			if hit&(1<<i) != 0 {
				m.Indexes = append(m.Indexes, c.e.names[i])
			}
		}
		c.matches = append(c.matches, m)
	}
}

// count adds n rows that formed and matched the indexes of the bits of formed
// and hit to the matches, the pairs and the exposed records, and reports
// whether such a row is evidence of exposure.
func (c *checkHandler) count(formed, hit uint64, n int64) (exposed bool) {
	// A row matches an index once, however many of its entries (one per
	// phone column, say) are in the filter.
	for h := hit; h != 0; h &= h - 1 {
		c.matched[bits.TrailingZeros64(h)] += n
	}
	for i, p := range c.pairIdx {
		if hit&(1<<p[0]) != 0 && formed&(1<<p[1]) != 0 {
			c.pairs[i][0] += n
			if hit&(1<<p[1]) != 0 {
				c.pairs[i][1] += n
			}
		}
	}
	for _, e := range c.evid {
		if hit&e[0] != 0 && hit&e[1] != 0 {
			c.exposed += n
			return true
		}
	}
	return false
}

// countCombos counts the rows flushRows counted by combination.
func (c *checkHandler) countCombos() {
	for k, n := range c.combos {
		if n != 0 {
			c.count(uint64(k>>8), uint64(k&0xff), n)
		}
	}
	clear(c.combos)
}
