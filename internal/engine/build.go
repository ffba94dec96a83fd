package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/index"
	"github.com/leakcheck/leakcheck/internal/keyhash"
	"github.com/leakcheck/leakcheck/internal/records"
)

// BuildOptions configure Build.
type BuildOptions struct {
	Options
	Indexes    []index.Index // the indexes to build; see BuildIndexes
	Normalizer *fields.Normalizer
	FPR        float64
	// Params, when set, are the filter's Bloom parameters, used as they are
	// instead of being planned from the row count and FPR: a shard built to
	// merge with an existing filter must have that filter's parameters.
	Params *bloom.Params
	Keys   *keyhash.Keys
	// Identifiers, in the OPRF key mode, gives each identifier's PRF output
	// (keyhash.DirectOPRF); nil in the shared-key mode.
	Identifiers IdentifierKeys
	// Header is the start of the filter header: Created, Tool, Key, Salt and
	// KeyCheck. Build fills in the rest.
	Header  bloom.Header
	Records records.Options
	// TempDir holds spill files of digests (never plaintext) when an input's
	// size cannot be known in advance (standard input). "" = os.TempDir().
	TempDir string
}

// BuildResult is a built filter and what became of each input's rows.
type BuildResult struct {
	Filter  *bloom.Filter
	Sources []*Accounting
	// Rows and DistinctRows count the rows of the inputs and estimate how
	// many of them are distinct byte for byte (within a few percent), from
	// the counting pass; both are 0 when the inputs could not be counted.
	Rows, DistinctRows int64
	// Spilled is set when digests went through a temporary file first,
	// because an input (standard input) could not be counted in advance.
	Spilled bool
	// Dropped names the indexes that no row formed: they are left out of
	// the filter's header, so that check never shows them as a zero-match
	// row that reads as evidence. Shards (fixed Params) keep every index,
	// since merge needs them identical.
	Dropped []string
}

// BuildIndexes resolves the indexes to build: the requested ones, each of
// which every input must be able to form, or the defaults for the fields
// every input has.
func BuildIndexes(inputs []*Input, requested []index.Index) ([]index.Index, error) {
	if len(requested) > 0 {
		for _, ix := range requested {
			for _, in := range inputs {
				if ok, why := in.Formable(ix); !ok {
					return nil, fmt.Errorf("%s cannot form index %s: %s; columns found: %s", in.Display(), ix, why, in.ColumnList())
				}
			}
		}
		return requested, nil
	}
	for _, in := range inputs {
		for _, f := range fields.All() {
			if _, ok := in.Mapping.Ambiguous[f]; ok && f != fields.ID {
				return nil, fmt.Errorf("%s: columns %s all look like %s; pick one with --field %s=COLUMN", in.Display(), in.Mapping.AmbiguousList(f), f, f)
			}
		}
	}
	present := func(f fields.Field) bool {
		for _, in := range inputs {
			if ok, _ := in.Formable(index.Of(f)); !ok {
				return false
			}
		}
		return true
	}
	ixs := index.Defaults(present)
	if len(ixs) == 0 {
		in := inputs[0]
		var amb []string
		for f := range in.Mapping.Ambiguous {
			amb = append(amb, fmt.Sprintf("%s could be any of %s", f, in.Mapping.AmbiguousList(f)))
		}
		hint := ""
		if len(amb) > 0 {
			hint = fmt.Sprintf(" (ambiguous: %v; pick with --field NAME=COLUMN)", amb)
		}
		return nil, fmt.Errorf("no identifying column (phone, national_id or email) found in %s%s; columns found: %s; map one with --field phone=COLUMN", in.Display(), hint, in.ColumnList())
	}
	return ixs, nil
}

// spillRecord is the size of one spilled digest: 16 bytes and the index
// number.
const spillRecord = bloom.ItemSize + 1

// plannedRows is the number of rows a filter is sized for: the distinct
// ones, with a margin of four standard errors of the estimate and 64 rows
// (so that an underestimate cannot push the false-positive rate noticeably
// above the target), never more than all of them. A row repeated a million
// times sets the bits of one row.
func plannedRows(c records.RowCount) int64 {
	return min(c.Rows, c.Distinct+c.Distinct/16+64)
}

// Build hashes every input row's index entries into a new filter.
func Build(ctx context.Context, inputs []*Input, opts BuildOptions) (*BuildResult, error) {
	ixs := opts.Indexes
	if len(ixs) == 0 || len(ixs) > 255 {
		return nil, fmt.Errorf("need 1 to 255 indexes, got %d", len(ixs))
	}
	capacity := uint64(0)
	countable := true
	var rows, distinctRows int64
	for _, in := range inputs {
		if opts.Params != nil {
			break // nothing to plan: no need to count
		}
		if in.Name == "-" {
			countable = false
			break
		}
		c, err := in.Count(opts.Records)
		if errors.Is(err, records.ErrNotCountable) {
			// A pipe: its digests go through a spill file instead.
			countable = false
			break
		}
		if err != nil {
			return nil, fmt.Errorf("counting rows of %s: %w", in.Display(), err)
		}
		n := plannedRows(c)
		rows += c.Rows
		distinctRows += c.Distinct
		for _, ix := range ixs {
			capacity += uint64(n) * uint64(entriesPerRow(in.Mapping, ix))
		}
	}

	h := opts.Header
	h.Normalization = opts.Normalizer.Version()
	h.Region = opts.Normalizer.Region()
	h.CustomFields = customFieldsOf(ixs)
	h.Hash = bloom.HashHMACSHA256
	if opts.Identifiers != nil {
		if _, err := Anchors(ixs); err != nil {
			return nil, err
		}
		h.Hash = bloom.HashOPRF
	}
	h.Indexes = make([]bloom.Index, len(ixs))
	for i, ix := range ixs {
		h.Indexes[i] = bloom.Index{Name: ix.Name(), Fields: ix.FieldNames()}
	}
	h.Fields = presentFields(inputs)
	h.ColumnKinds = PresentKinds(inputs)

	var f *bloom.Filter
	if countable {
		var err error
		if f, err = newFilter(h, capacity, opts.FPR, opts.Params); err != nil {
			return nil, err
		}
		defer memLimit.limit(f.Header.Bloom.BodySize())()
	}
	nw := opts.workers()
	ins := &inserter{f: f}
	if f != nil {
		ins.mu = make([]sync.Mutex, f.Partitions())
	}
	sinks := make([]*sink, nw)
	var spills []*spillFile
	defer func() {
		for _, s := range spills {
			s.Close()
		}
	}()
	for w := range sinks {
		sinks[w] = &sink{ins: ins, newEntries: make([]uint64, len(ixs))}
		if f != nil {
			sinks[w].b = newBuckets(f, nw)
		} else {
			tmp, err := newSpillFile(opts.TempDir)
			if err != nil {
				return nil, fmt.Errorf("standard input: %w", err)
			}
			spills = append(spills, tmp)
			sinks[w].spill = tmp
		}
	}
	need := neededFields(ixs)
	accs, err := run(ctx, inputs, opts.Options, func(w int) handler {
		return &buildHandler{
			x:    extractors(inputs, opts.Normalizer, need, false),
			e:    newEntryHasher(opts.Keys, ixs, opts.Identifiers),
			sink: sinks[w],
		}
	})
	if err != nil {
		return nil, err
	}
	if err := checkColumns(inputs, accs, need); err != nil {
		return nil, err
	}
	var used int64
	for _, a := range accs {
		used += a.Used
	}
	res := &BuildResult{Sources: accs, Spilled: f == nil}
	if countable {
		res.Rows, res.DistinctRows = rows, distinctRows
	}
	if f == nil {
		var total uint64
		for _, s := range sinks {
			if err := s.spill.Flush(); err != nil {
				return nil, fmt.Errorf("writing spill file: %w", err)
			}
			total += s.spilled
		}
		if f, err = newFilter(h, total, opts.FPR, opts.Params); err != nil {
			return nil, err
		}
		defer memLimit.limit(f.Header.Bloom.BodySize())()
		ins.f = f
		ins.mu = make([]sync.Mutex, f.Partitions())
		if err := replay(ctx, spills, sinks, ins); err != nil {
			return nil, err
		}
	}
	for i := range ixs {
		var n uint64
		for _, s := range sinks {
			n += s.newEntries[i]
		}
		f.Header.Indexes[i].Entries = n
	}
	if opts.Params == nil {
		res.Dropped = dropEmptyIndexes(&f.Header)
	}
	f.Header.Records = used
	res.Filter = f
	return res, nil
}

func newFilter(h bloom.Header, capacity uint64, fpr float64, fixed *bloom.Params) (*bloom.Filter, error) {
	if fixed != nil {
		h.Bloom = *fixed
		return bloom.New(h)
	}
	p, err := bloom.Plan(capacity, fpr)
	if err != nil {
		return nil, err
	}
	h.Bloom = p
	return bloom.New(h)
}

// presentFields lists, in canonical order, the fields any input provides
// (derived ones included), except the record id.
func presentFields(inputs []*Input) []string {
	var out []string
	for _, f := range fields.All() {
		if f == fields.ID {
			continue
		}
		for _, in := range inputs {
			if Available(in.Mapping)[f] {
				out = append(out, f.String())
				break
			}
		}
	}
	return out
}

// PresentKinds lists the column kinds (fields.ColumnKind) of the inputs'
// unmapped columns, in order; nil when there are none.
func PresentKinds(inputs []*Input) []string {
	var out []string
	for _, in := range inputs {
		for _, c := range in.Mapping.Unmapped {
			if k, ok := fields.ColumnKind(c); ok && !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

func extractors(inputs []*Input, norm *fields.Normalizer, need []fields.Field, wantID bool) []*extractor {
	xs := make([]*extractor, len(inputs))
	for i, in := range inputs {
		_, m := project(in)
		xs[i] = newExtractor(norm.WithDateOrder(in.DateOrder), m, need, wantID)
	}
	return xs
}

type buildHandler struct {
	x    []*extractor
	e    *entryHasher
	sink *sink
	r    row
}

func (b *buildHandler) row(src int, line int64, rec []string, acc *Accounting) bool {
	b.x[src].extract(rec, &b.r, func(p problem) { acc.invalid(line, p) })
	acc.valid(&b.r)
	formed := false
	for i := range b.e.ixs {
		if b.e.each(&b.r, i, func() { b.sink.add(&b.e.d, uint8(i)) }) > 0 {
			formed = true
		}
	}
	return formed
}

func (b *buildHandler) done() error {
	if err := b.e.err(); err != nil {
		return err
	}
	return b.sink.flush()
}

// inserter owns the filter and one lock per partition, so that workers
// inserting into different partitions never wait for each other.
type inserter struct {
	f  *bloom.Filter
	mu []sync.Mutex
}

// sink is one worker's way into the filter: its digests are grouped by
// partition (buckets) and inserted a partition at a time under that
// partition's lock, so that the bits an insert sets are in the cache and
// workers inserting into different partitions never wait for each other. When
// the filter cannot be sized yet (standard input), digests go to a spill
// file instead.
type sink struct {
	ins        *inserter
	b          *buckets
	isNew      []bool
	newEntries []uint64
	spill      *spillFile
	spillBuf   []byte
	spilled    uint64
	err        error
}

func (s *sink) add(d *[bloom.ItemSize]byte, ix uint8) {
	if s.spill != nil {
		s.spillBuf = append(append(s.spillBuf, d[:]...), ix)
		if len(s.spillBuf) >= 1<<16*spillRecord {
			s.err = s.flush()
		}
		return
	}
	s.b.add(d, uint32(ix))
	if s.b.full {
		s.err = s.flush()
	}
}

// flush empties the buckets into the filter, or the buffer into the spill
// file. After an error it does nothing and returns that error.
func (s *sink) flush() error {
	if s.err != nil {
		return s.err
	}
	if s.spill != nil {
		if _, err := s.spill.Write(s.spillBuf); err != nil {
			return fmt.Errorf("writing spill file: %w", err)
		}
		s.spilled += uint64(len(s.spillBuf) / spillRecord)
		s.spillBuf = s.spillBuf[:0]
		return nil
	}
	f := s.ins.f
	s.b.each(func(p int, d [][bloom.ItemSize]byte, tag []uint32) {
		if cap(s.isNew) < len(d) {
			s.isNew = make([]bool, s.b.per)
		}
		isNew := s.isNew[:len(d)]
		s.ins.mu[p].Lock()
		f.AddItems(p, d, isNew)
		s.ins.mu[p].Unlock()
		for i, n := range isNew {
			if n {
				s.newEntries[tag[i]]++
			}
		}
	})
	return nil
}

// testHookSpilled, when set by a test, is called with each spill file once
// all its digests are written, before they are read back (from the spill
// files' goroutines, concurrently).
var testHookSpilled func(*os.File)

// replay inserts spilled items, one goroutine per spill file.
func replay(ctx context.Context, spills []*spillFile, sinks []*sink, ins *inserter) error {
	errs := make([]error, len(spills))
	var wg sync.WaitGroup
	for w, file := range spills {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := sinks[w]
			s.spill = nil
			s.b = newBuckets(ins.f, len(sinks))
			r, err := file.Reader()
			if err != nil {
				errs[w] = err
				return
			}
			if testHookSpilled != nil {
				testHookSpilled(file.f)
			}
			var rec [spillRecord]byte
			var d [bloom.ItemSize]byte
			for n := uint64(0); n < s.spilled; n++ {
				if n%(1<<16) == 0 && ctx.Err() != nil {
					errs[w] = ctx.Err()
					return
				}
				if _, err := io.ReadFull(r, rec[:]); err != nil {
					errs[w] = fmt.Errorf("reading spill file: %w", err)
					return
				}
				copy(d[:], rec[:bloom.ItemSize])
				s.add(&d, rec[bloom.ItemSize])
			}
			errs[w] = s.flush()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// dropEmptyIndexes removes from h the indexes without entries (an entry's
// hash is domain-separated by its index's name, not its position, so the
// others' entries stay valid) and returns their names. When every index is
// empty, it keeps them: the caller refuses an empty filter.
func dropEmptyIndexes(h *bloom.Header) []string {
	var kept []bloom.Index
	var dropped []string
	for _, ix := range h.Indexes {
		if ix.Entries == 0 {
			dropped = append(dropped, ix.Name)
			continue
		}
		kept = append(kept, ix)
	}
	if len(kept) == 0 {
		return nil
	}
	h.Indexes = kept
	return dropped
}
