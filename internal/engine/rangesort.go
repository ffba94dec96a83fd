package engine

import (
	"encoding/binary"

	"github.com/leakcheck/leakcheck/bloom"
)

// rangeSort sorts the digests of one range of a digestStore, read back as
// records of rec bytes (the digest first), by filter partition: build
// (rangeInserter) then inserts each partition's digests in one call, and
// check's epochs (testRange) test them in one call. It is a counting sort:
// bloom.PartitionOf is monotone in a digest's first 8 bytes, so a range
// covers a few adjacent partitions, those of its lowest and highest
// possible digests.
type rangeSort struct {
	items [][bloom.ItemSize]byte // the range's digests, by partition
	flag  []bool                 // per place in items, for the caller: new (build), matched (check)
	at    []uint32               // per record as stored, its place in items
	end   []int                  // per partition of the range, the end of its digests in items
	first int                    // the range's first partition
}

// sort sorts the records in parts, of range r, by partition of a filter of
// partitions partitions, and returns how many there are.
func (rs *rangeSort) sort(parts [][]byte, rec, r, partitions int) int {
	n := 0
	for _, b := range parts {
		n += len(b) / rec
	}
	// The range's partitions: those of its lowest and highest digests.
	var lo, hi [8]byte
	binary.BigEndian.PutUint64(lo[:], uint64(r)<<(64-spillRangeBits))
	binary.BigEndian.PutUint64(hi[:], uint64(r+1)<<(64-spillRangeBits)-1)
	first := bloom.PartitionOf(lo[:], partitions)
	span := bloom.PartitionOf(hi[:], partitions) - first + 1
	if cap(rs.items) < n {
		n2 := n + n/4
		rs.items = make([][bloom.ItemSize]byte, n2)
		rs.flag = make([]bool, n2)
		rs.at = make([]uint32, n2)
	}
	if cap(rs.end) < span {
		rs.end = make([]int, span)
	}
	items, at, end := rs.items[:n], rs.at[:n], rs.end[:span]
	clear(end)
	i := 0
	for _, b := range parts {
		for o := 0; o < len(b); o += rec {
			p := uint32(bloom.PartitionOf(b[o:o+bloom.ItemSize], partitions) - first)
			at[i] = p
			end[p]++
			i++
		}
	}
	for j, sum := 0, 0; j < span; j++ {
		sum += end[j]
		end[j] = sum - end[j] // the partition's start, advanced as it is filled
	}
	i = 0
	for _, b := range parts {
		for o := 0; o < len(b); o += rec {
			p := at[i]
			j := end[p]
			end[p]++
			items[j] = [bloom.ItemSize]byte(b[o : o+bloom.ItemSize])
			at[i] = uint32(j)
			i++
		}
	}
	// end[p] is now the end of partition first+p, and its start the
	// previous one's end.
	rs.items, rs.flag, rs.at, rs.end, rs.first = items, rs.flag[:n], at, end, first
	return n
}

// each calls fn with every partition of the sorted range that has digests,
// and their places lo to hi in items.
func (rs *rangeSort) each(fn func(p, lo, hi int)) {
	lo := 0
	for p, hi := range rs.end {
		if hi > lo {
			fn(rs.first+p, lo, hi)
		}
		lo = hi
	}
}
