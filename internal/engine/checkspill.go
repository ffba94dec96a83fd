package engine

import (
	"context"
	"encoding/binary"

	"github.com/leakcheck/leakcheck/bloom"
)

// This file is check's epoch spill mode, for filters too large for the
// in-memory buckets (probe.go) to bring many digests to each partition.
//
// A partition visit costs a read of its 512 KiB whatever the number of
// digests tested in it, and the buckets hold a fixed budget of digests, so
// the larger the filter the fewer digests each visit brings: ~3800 per
// partition of a 144 MB filter (10 M records on 4 indexes), ~380 for a
// 1.35 GiB one (docs/performance.md, "What the limit is"). In the epoch
// spill mode a worker instead writes each digest with its tag (the row's
// slot in the epoch and the index number) to a digestStore, grouped by
// range (in memory up to a budget, beyond it to an encrypted temporary
// file), keeping per row only which indexes it formed. At the end of an
// epoch of millions of rows it reads the store back range by range, sorts
// each range's digests by partition and tests each partition's in one
// call, so that each partition is visited about once per epoch, with
// thousands of digests; then it counts the epoch's rows by combination
// exactly as the in-memory path does.
//
// The mode is used only where it gives exactly the in-memory path's
// result: without an observer (--group-by) or matched ids, which need each
// row's source and line, and with at most 8 indexes (the rows' formed and
// matched indexes are bytes, counted by combination).

// checkSpillVisit is the number of digests per partition visit below which
// check uses the epoch spill mode: where the in-memory buckets would bring
// fewer, a visit costs more than the spill's write and read back.
var checkSpillVisit = 1500

// checkEpochRows is the number of rows one worker holds per epoch: 2 bytes
// of pending state each, and ~20 bytes per digest in the store. A variable
// so that tests can make epochs short.
var checkEpochRows = 1 << 22

// checkSpillMem is the bytes of digests all workers' epoch stores together
// keep in memory before the rest go to the temporary files. A variable so
// that tests can send every digest to the files.
var checkSpillMem = 32 << 20

// forceCheckSpill, when set by a test, chooses the mode: 1 the epoch spill
// wherever it is exact, -1 never.
var forceCheckSpill int

// useCheckSpill decides whether a check of the plan's filter on nw workers
// uses the epoch spill mode.
func (p *checkPlan) useCheckSpill(nw int) bool {
	o := p.opts
	if o.Observe != nil || o.WantMatches || len(p.formable) > 8 || forceCheckSpill < 0 {
		return false
	}
	np := o.Filter.Partitions()
	if forceCheckSpill > 0 {
		return true
	}
	return np > 1 && bucketVisit(np, nw, len(p.formable)) < checkSpillVisit
}

// bucketVisit estimates how many digests a flush of a worker's in-memory
// buckets brings to each of np partitions, for rows of about nix digests:
// the pending rows' limit, or the buckets' capacity (a flush comes when the
// first bucket is nearly full, at about two thirds of the capacity on
// average).
func bucketVisit(np, nw, nix int) int {
	return min(maxPendingRows*nix/np, bucketCap(np, nw)*2/3)
}

// checkSpill is one worker's epoch: its stored digests and its rows.
type checkSpill struct {
	store  *digestStore
	formed []uint8 // per row of the epoch: bit i, formed index i
	// Reading back, per range: its stored pieces, the file's share of
	// them, and the range's digests sorted by partition.
	parts [][]byte
	buf   []byte
	rs    rangeSort
}

func newCheckSpill(dir string, nw int) *checkSpill {
	return &checkSpill{
		store:  newDigestStore(dir, nw, checkSpillMem, tagRecord),
		formed: make([]uint8, 0, checkEpochRows),
	}
}

// fail records the first error of the spill mode and stops the run: a
// check that lost digests must not report a count.
func (c *checkHandler) fail(err error) {
	if c.err == nil {
		c.err = err
		c.stop(err)
	}
}

// flushEpoch tests the epoch's digests, counts its rows and starts a new
// epoch.
func (c *checkHandler) flushEpoch() {
	sp := c.sp
	n := len(sp.formed)
	if c.err == nil {
		if err := c.testEpoch(); err != nil {
			c.fail(err)
		}
	}
	hits := c.hits8[:n]
	if c.err == nil {
		for k, h := range hits {
			c.combos[uint16(sp.formed[k])<<8|uint16(h)]++
		}
		c.records += int64(n)
	}
	clear(hits)
	sp.formed = sp.formed[:0]
	sp.store.reset()
}

// testEpoch tests every stored digest, range by range, setting in
// c.hits8[k] bit i when row k of the epoch matched index i.
func (c *checkHandler) testEpoch() error {
	s := c.sp.store
	if err := s.finish(); err != nil {
		return err
	}
	if testHookSpilled != nil && s.file != nil && s.file.end > 0 {
		testHookSpilled(s.file.f)
	}
	for r := range spillRanges {
		if c.ctx.Err() != nil {
			return context.Cause(c.ctx)
		}
		if err := c.testRange(r); err != nil {
			return err
		}
	}
	return nil
}

// testRange tests the digests of range r: read back, sorted by partition
// (rangeSort), each partition's tested in one call, and the matches recorded as flushRows records them, in the order
// they were stored: that of the rows, so that the updates of hits run
// forward through the epoch's rows (in the order of the partitions, they
// missed the cache at nearly every digest).
func (c *checkHandler) testRange(r int) error {
	sp := c.sp
	parts, buf, err := sp.store.read(r, sp.parts[:0], sp.buf[:0])
	if err != nil {
		return err
	}
	sp.parts, sp.buf = parts, buf
	rs := &sp.rs
	if rs.sort(parts, tagRecord, r, c.f.Partitions()) == 0 {
		return nil
	}
	rs.each(func(p, lo, hi int) { c.f.TestItems(p, rs.items[lo:hi], rs.flag[lo:hi]) })
	hits := c.hits8
	i := 0
	for _, b := range parts {
		for o := 0; o < len(b); o += tagRecord {
			if rs.flag[rs.at[i]] {
				tag := binary.LittleEndian.Uint32(b[o+bloom.ItemSize : o+tagRecord])
				slot, ix := tag>>6, tag&63
				hits[slot] |= 1 << ix
				d := b[o : o+bloom.ItemSize]
				c.hll[ix].add(d)
				c.exactAdd(int(ix), d)
			}
			i++
		}
	}
	return nil
}
