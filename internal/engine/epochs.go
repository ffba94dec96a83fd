package engine

import (
	"context"
	"sync"

	"github.com/leakcheck/leakcheck/bloom"
)

// A counted build into a large filter (storeFirst) inserts its digests in
// epochs. Each worker keeps its digests in a digestStore, grouped by range,
// and when the store holds an epoch's worth, inserts them range by range
// (rangeInserter: each partition receives all of the epoch's digests for it
// in one run, while it is in the cache), then empties the store and goes on
// reading. An epoch is epochPerPartition digests for each of the filter's
// partitions, so a visit to a partition brings as many digests as the
// shared buckets bring to a small filter's: visits stay few however large
// the filter is. The store's temporary file is written again from its start
// each epoch (under a new key), so it never holds more than one epoch, about
// 140 KiB per partition per worker (385 MB for a 1.35 GiB filter), which
// stays in the page cache instead of being written to disk.

// epochPerPartition is the digests per partition of one worker's epoch (a
// variable so that tests can make many epochs).
var epochPerPartition = 8192

// epochSink is one build worker's way into a large filter.
type epochSink struct {
	s       *digestStore
	ins     rangeInserter
	limit   uint64 // digests per epoch
	spilled bool   // some epoch went through the temporary file
	err     error
	stop    context.CancelCauseFunc // stops the build at the first error
}

// newEpochSinks makes the sinks of nw workers building into f; the first
// error of any (a temporary file that cannot be made or written) stops the
// build through stop, rather than after the rest of the input is read.
func newEpochSinks(f *bloom.Filter, nw, indexes int, tempDir string, stop context.CancelCauseFunc) []*epochSink {
	mu := make([]sync.Mutex, f.Partitions())
	sinks := make([]*epochSink, nw)
	for w := range sinks {
		sinks[w] = &epochSink{
			s:     newDigestStore(tempDir, nw, spillMemBudget, spillRecord),
			ins:   rangeInserter{f: f, mu: mu, newEntries: make([]uint64, indexes)},
			limit: uint64(epochPerPartition) * uint64(f.Partitions()),
			stop:  stop,
		}
	}
	return sinks
}

func (e *epochSink) add(d *[bloom.ItemSize]byte, ix uint8) {
	if e.err != nil {
		return
	}
	e.s.add(d, ix)
	if e.s.n >= e.limit {
		if e.err = e.insert(); e.err != nil {
			e.stop(e.err)
		}
	}
}

// insert inserts the epoch's digests and empties the store.
func (e *epochSink) insert() error {
	if err := e.s.finish(); err != nil {
		return err
	}
	if e.s.spilled() {
		e.spilled = true
		if testHookSpilled != nil {
			testHookSpilled(e.s.file.f)
		}
	}
	stores := []*digestStore{e.s}
	for r := range spillRanges {
		if err := e.ins.insert(stores, r); err != nil {
			return err
		}
	}
	e.s.reset()
	return nil
}

func (e *epochSink) finish() error {
	if e.err == nil {
		e.err = e.insert()
	}
	return e.err
}

func (e *epochSink) close() { e.s.close() }
