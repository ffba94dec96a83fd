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

// pendingRow is a registry row whose digests wait to be tested. Its matches
// are in checkHandler.hits, which is kept apart so that the random updates of
// a flush touch 8 bytes per row rather than a whole row.
type pendingRow struct {
	src    int
	line   int64
	id     string
	formed uint64 // bit i: index i formed
}

// maxPendingRows bounds the rows waiting (~50 bytes each): with one index,
// every digest in the buckets would otherwise be a row of its own.
const maxPendingRows = 1 << 18

// maxRowProbes bounds the digests one row adds (check handles at most 64
// indexes); buckets keep that much room so a row is never split by a flush.
const maxRowProbes = 64

// probe queues the digest of index i of the row that will be pending slot.
func (c *checkHandler) probe(slot int, i int, d *[bloom.ItemSize]byte) {
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
	if cap(c.hits) < len(c.pend) {
		c.hits = make([]uint64, len(c.pend), cap(c.pend))
	}
	hits := c.hits[:len(c.pend)]
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
	c.records += int64(len(c.pend))
	for k := range c.pend {
		r, hit := &c.pend[k], hits[k]
		// A row matches an index once, however many of its entries (one per
		// phone column, say) are in the filter.
		for h := hit; h != 0; h &= h - 1 {
			c.matched[bits.TrailingZeros64(h)]++
		}
		for i, p := range c.pairIdx {
			if hit&(1<<p[0]) != 0 && r.formed&(1<<p[1]) != 0 {
				c.pairs[i][0]++
				if hit&(1<<p[1]) != 0 {
					c.pairs[i][1]++
				}
			}
		}
		exposed := false
		for _, e := range c.evid {
			if hit&e[0] != 0 && hit&e[1] != 0 {
				exposed = true
				break
			}
		}
		if exposed {
			c.exposed++
		}
		if c.obs != nil {
			o := Outcome{Src: r.src, Line: r.line, Exposed: exposed, Slot: k}
			for i, b := range c.bitOf {
				if r.formed&(1<<i) != 0 {
					o.Formed |= b
				}
				if hit&(1<<i) != 0 {
					o.Matched |= b
				}
			}
			c.obs.Record(&o)
		}
		if c.want && hit != 0 {
			m := Match{Source: c.srcNames[r.src], Line: r.line, ID: strings.Clone(r.id)} // kept: see records.Record
			for i := range c.e.names {
				if hit&(1<<i) != 0 {
					m.Indexes = append(m.Indexes, c.e.names[i])
				}
			}
			c.matches = append(c.matches, m)
		}
	}
	clear(c.pend) // drop the ids
	c.pend = c.pend[:0]
}
