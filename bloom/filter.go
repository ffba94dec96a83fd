package bloom

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"runtime"

	bbloom "github.com/bits-and-blooms/bloom/v3"
)

// ItemSize is the size in bytes of every item stored in a filter: a keyed
// digest computed by the caller (see FORMAT.md, "Entries").
const ItemSize = 16

// Scheme names the bit-location scheme of a partition in Params.Scheme.
const Scheme = "bits-and-blooms/bloom/v3"

// DefaultPartitionBits is the largest partition Plan makes: 4 Mibit (512 KiB),
// small enough to stay inside one core's L2 cache while a batch of items for
// the same partition is inserted.
const DefaultPartitionBits = 1 << 22

// Limits that a reader enforces before it allocates anything. They are the
// shapes Plan makes, and no others: the MAC authenticates whoever built a
// filter, not their parameters, so a reader must not let a filter make it
// spend more than the filter's own size warrants. A filter of many tiny
// partitions would (each partition costs its checker a fixed amount of
// per-worker bucket memory, see internal/engine), so a split filter's
// partitions hold at least MinSplitPartitionBits.
const (
	MaxPartitions         = 1 << 20
	MaxPartitionBits      = DefaultPartitionBits
	MinSplitPartitionBits = DefaultPartitionBits / 2
	MaxK                  = 64
)

// Params are the Bloom parameters of a filter: Partitions partitions of M
// bits each, every item setting K bits in the one partition it belongs to.
type Params struct {
	Scheme     string  `json:"scheme"`
	Partitions int     `json:"partitions"`
	M          uint64  `json:"m"`
	K          uint64  `json:"k"`
	Capacity   uint64  `json:"capacity"`
	TargetFPR  float64 `json:"target_fpr"`
}

// Plan sizes a filter for capacity items at false-positive rate fpr. A filter
// whose bit array is larger than DefaultPartitionBits is split into equal
// partitions of at most that size; the split does not change the
// false-positive rate because items spread evenly over partitions. No
// partition is smaller than MinPartitionBits, so a filter of a few entries is
// larger than its target needs and its rate far below the target; K depends
// only on the target rate.
func Plan(capacity uint64, fpr float64) (Params, error) {
	if !(fpr > 0 && fpr < 1) {
		return Params{}, fmt.Errorf("false-positive rate must be between 0 and 1 (exclusive), got %g", fpr)
	}
	if capacity == 0 {
		capacity = 1
	}
	n := float64(capacity)
	m := math.Ceil(-n * math.Log(fpr) / (math.Ln2 * math.Ln2))
	k := math.Ceil(math.Ln2 * m / n)
	if k > MaxK {
		k = MaxK
	}
	if k < 1 {
		k = 1
	}
	parts := 1.0
	if m > DefaultPartitionBits {
		// A little slack: partitions hold a binomially varying share.
		m *= 1.005
		parts = math.Ceil(m / DefaultPartitionBits)
	}
	per := math.Max(math.Ceil(m/parts/64)*64, MinPartitionBits)
	if parts > MaxPartitions || per > MaxPartitionBits {
		return Params{}, fmt.Errorf("a filter for %d entries at rate %g is too large", capacity, fpr)
	}
	return Params{
		Scheme:     Scheme,
		Partitions: int(parts),
		M:          uint64(per),
		K:          uint64(k),
		Capacity:   capacity,
		TargetFPR:  fpr,
	}, nil
}

func (p Params) validate() error {
	switch {
	case p.Scheme != Scheme:
		return fmt.Errorf("unknown bloom scheme %q (this reader knows %q)", p.Scheme, Scheme)
	case p.Partitions < 1 || p.Partitions > MaxPartitions:
		return fmt.Errorf("partition count %d out of range 1..%d", p.Partitions, MaxPartitions)
	case p.M < 64 || p.M > MaxPartitionBits || p.M%64 != 0:
		return fmt.Errorf("partition size %d bits is not a multiple of 64 in range 64..%d", p.M, uint64(MaxPartitionBits))
	case p.Partitions > 1 && p.M < MinSplitPartitionBits:
		return fmt.Errorf("%d partitions of %d bits: a filter is split only into partitions of %d to %d bits", p.Partitions, p.M, MinSplitPartitionBits, MaxPartitionBits)
	case p.K < 1 || p.K > MaxK:
		return fmt.Errorf("hash count k=%d out of range 1..%d", p.K, MaxK)
	}
	return nil
}

// words is the number of 64-bit words in one partition.
func (p Params) words() uint64 { return p.M / 64 }

// BodySize is the size in bytes of the encoded partitions.
func (p Params) BodySize() uint64 {
	return uint64(p.Partitions) * (24 + 8*p.words())
}

// Filter is a partitioned Bloom filter of keyed digests plus the header that
// describes it. It is not safe for concurrent writes, except that distinct
// partitions (Part) may be written by distinct goroutines.
type Filter struct {
	Header Header
	parts  []*bbloom.BloomFilter
	mem    *region // the parts' words, when allocated together (words.go)
}

// New allocates an empty filter with the parameters in h.Bloom.
func New(h Header) (*Filter, error) {
	if err := h.Bloom.validate(); err != nil {
		return nil, err
	}
	f := &Filter{Header: h, parts: make([]*bbloom.BloomFilter, h.Bloom.Partitions)}
	f.mem = newRegion(h.Bloom.Partitions, h.Bloom.words())
	for i, words := range f.mem.parts {
		f.parts[i] = bbloom.FromWithM(words, uint(h.Bloom.M), uint(h.Bloom.K))
	}
	return f, nil
}

// Partitions reports the number of partitions.
func (f *Filter) Partitions() int { return len(f.parts) }

// PartitionOf returns the partition an item belongs to: the high 64 bits of
// the 128-bit product of the item's first 8 bytes (big-endian) and the
// partition count.
func PartitionOf(item []byte, partitions int) int {
	hi, _ := bits.Mul64(binary.BigEndian.Uint64(item[:8]), uint64(partitions))
	return int(hi)
}

// PartitionOf returns the partition item belongs to in f.
func (f *Filter) PartitionOf(item []byte) int { return PartitionOf(item, len(f.parts)) }

// Add inserts item and reports whether it was new (not already present, up
// to the false-positive rate).
func (f *Filter) Add(item []byte) bool {
	return f.AddTo(f.PartitionOf(item), item)
}

// AddTo inserts item into partition p, which must be PartitionOf(item).
// Distinct partitions may be written concurrently.
func (f *Filter) AddTo(p int, item []byte) bool {
	var present bool
	if len(item) != ItemSize {
		present = f.parts[p].TestAndAdd(item)
	} else {
		words, d, k := f.partition(p)
		present = setBits(words, d, k, (*[ItemSize]byte)(item))
	}
	runtime.KeepAlive(f) // the words may be f's mapping (words.go)
	return !present
}

// Test reports whether item may be in the filter.
func (f *Filter) Test(item []byte) bool {
	return f.TestIn(f.PartitionOf(item), item)
}

// TestIn tests item in partition p, which must be PartitionOf(item).
func (f *Filter) TestIn(p int, item []byte) bool {
	var hit bool
	if len(item) != ItemSize {
		hit = f.parts[p].Test(item)
	} else {
		words, d, k := f.partition(p)
		hit = testBits(words, d, k, (*[ItemSize]byte)(item))
	}
	runtime.KeepAlive(f) // the words may be f's mapping (words.go)
	return hit
}

// Fill reports how many bits are set and how many there are in all.
func (f *Filter) Fill() (ones, total uint64) {
	defer runtime.KeepAlive(f)
	for _, p := range f.parts {
		ones += uint64(p.BitSet().Count())
		total += uint64(p.Cap())
	}
	return ones, total
}

// ErrIncompatible is returned by Merge for filters that cannot be combined.
var ErrIncompatible = errors.New("filters are incompatible")

// Merge adds every item of g into f. Both must have the same salt, key check
// value, normalization, region and Bloom parameters, and g's indexes must be
// f's indexes; the entry counts of f become the sum of both (an upper bound
// on distinct entries when the two share items).
func (f *Filter) Merge(g *Filter) error {
	a, b := &f.Header, &g.Header
	switch {
	case a.Hash != b.Hash:
		// Before the key check, which binds the hash (FORMAT.md §5.2): two
		// hashes would otherwise read as two keys.
		return fmt.Errorf("%w: entry hashes %s and %s", ErrIncompatible, a.Hash, b.Hash)
	case string(a.Salt) != string(b.Salt):
		return fmt.Errorf("%w: different salts (build shards with --salt-from)", ErrIncompatible)
	case string(a.KeyCheck) != string(b.KeyCheck):
		return fmt.Errorf("%w: built with different keys", ErrIncompatible)
	case a.Normalization != b.Normalization:
		return fmt.Errorf("%w: normalization versions %d and %d", ErrIncompatible, a.Normalization, b.Normalization)
	case a.Region != b.Region:
		return fmt.Errorf("%w: default phone regions %s and %s", ErrIncompatible, a.Region, b.Region)
	case a.Bloom.Partitions != b.Bloom.Partitions || a.Bloom.M != b.Bloom.M || a.Bloom.K != b.Bloom.K:
		return fmt.Errorf("%w: Bloom parameters differ (%d×%d bits, k=%d vs %d×%d bits, k=%d)", ErrIncompatible,
			a.Bloom.Partitions, a.Bloom.M, a.Bloom.K, b.Bloom.Partitions, b.Bloom.M, b.Bloom.K)
	}
	if len(a.Indexes) != len(b.Indexes) {
		return fmt.Errorf("%w: different index lists", ErrIncompatible)
	}
	for i := range a.Indexes {
		if a.Indexes[i].Name != b.Indexes[i].Name {
			return fmt.Errorf("%w: different index lists (%s vs %s)", ErrIncompatible, a.Indexes[i].Name, b.Indexes[i].Name)
		}
	}
	defer runtime.KeepAlive(f)
	defer runtime.KeepAlive(g)
	for i, p := range f.parts {
		if err := p.Merge(g.parts[i]); err != nil {
			return fmt.Errorf("%w: %v", ErrIncompatible, err)
		}
	}
	for i := range a.Indexes {
		a.Indexes[i].Entries += b.Indexes[i].Entries
	}
	a.Records += b.Records
	a.Fields = unionStrings(a.Fields, b.Fields)
	if kinds := unionStrings(a.ColumnKinds, b.ColumnKinds); len(kinds) > 0 {
		a.ColumnKinds = kinds
	}
	return nil
}

func unionStrings(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string{}, a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
