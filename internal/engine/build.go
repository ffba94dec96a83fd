package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

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

// plannedRows is the number of rows a filter is sized for: the distinct
// ones, with a margin of four standard errors of the estimate and 64 rows
// (so that an underestimate cannot push the false-positive rate noticeably
// above the target), never more than all of them. A row repeated a million
// times sets the bits of one row.
func plannedRows(c records.RowCount) int64 {
	return min(c.Rows, c.Distinct+c.Distinct/16+64)
}

// Build hashes every input row's index entries into a new filter.
//
// A filter is sized for the rows it will hold. When every input is a plain
// file of delimited text, counting its rows first costs little (a scan for
// line ends, about a twentieth of the build), and the digests go straight
// into the filter. Any other input is read once: compressed or transcoded
// text, archive members, other formats, standard input. Its digests wait in
// digest stores (spill.go) until the last row is read and the filter can be
// sized from the rows read, then are inserted. Both ways give the same filter.
func Build(ctx context.Context, inputs []*Input, opts BuildOptions) (*BuildResult, error) {
	ixs := opts.Indexes
	if len(ixs) == 0 || len(ixs) > 255 {
		return nil, fmt.Errorf("need 1 to 255 indexes, got %d", len(ixs))
	}
	h, err := buildHeader(inputs, ixs, opts)
	if err != nil {
		return nil, err
	}
	res := &BuildResult{}
	var f *bloom.Filter
	var passes []countPass
	if opts.Params != nil || countFirst(inputs) {
		capacity, ps, err := countInputs(inputs, ixs, opts, res)
		if err != nil {
			return nil, err
		}
		passes = ps
		if f, err = newFilter(h, capacity, opts.FPR, opts.Params); err != nil {
			return nil, err
		}
		defer memLimit.limit(f.HeapBytes())()
	}
	nw := opts.workers()
	sinks := make([]entrySink, nw)
	var direct []*stage
	var epochs []*epochSink
	var stores []*digestStore
	switch {
	case f != nil && storeFirst(f):
		var stop context.CancelCauseFunc
		ctx, stop = context.WithCancelCause(ctx)
		defer stop(nil)
		epochs = newEpochSinks(f, nw, len(ixs), opts.TempDir, stop)
		for w, e := range epochs {
			sinks[w] = e
		}
		defer func() {
			for _, e := range epochs {
				e.close()
			}
		}()
	case f != nil:
		ins := newInserts(f)
		for w := range sinks {
			s := ins.stage(len(ixs))
			sinks[w], direct = s, append(direct, s)
		}
	default:
		for w := range sinks {
			s := newDigestStore(opts.TempDir, nw, spillMemBudget, spillRecord)
			sinks[w], stores = s, append(stores, s)
		}
		defer func() {
			for _, s := range stores {
				s.close()
			}
		}()
	}
	need := neededFields(ixs)
	ropts := opts.Options
	ropts.countRows = f == nil
	accs, err := run(ctx, inputs, ropts, func(w int) handler {
		b := &buildHandler{
			x:    extractors(inputs, opts.Normalizer, need, false),
			e:    newEntryHasher(opts.Keys, ixs, opts.Identifiers),
			sink: sinks[w],
		}
		if opts.Identifiers == nil {
			// A record's values are hashed and forgotten before the next
			// is read, so the normalizer may rewrite them into one buffer
			// (as check does); the OPRF key mode keeps the last identifier.
			b.r.sc = new(fields.Scratch)
		}
		return b
	})
	if err != nil {
		return nil, err
	}
	if err := checkColumns(inputs, accs, need); err != nil {
		return nil, err
	}
	if err := checkUnchanged(passes, inputs, accs); err != nil {
		return nil, err
	}
	res.Sources = accs
	entries := make([]uint64, len(ixs))
	if f == nil {
		if f, entries, err = insertStored(ctx, h, inputs, ixs, opts, res, stores); err != nil {
			return nil, err
		}
		defer memLimit.limit(f.HeapBytes())()
	}
	for _, s := range direct {
		for i, n := range s.newEntries {
			entries[i] += n
		}
	}
	for _, e := range epochs {
		for i, n := range e.ins.newEntries {
			entries[i] += n
		}
		res.Spilled = res.Spilled || e.spilled
	}
	for i, n := range entries {
		f.Header.Indexes[i].Entries = n
	}
	if opts.Params == nil {
		res.Dropped = dropEmptyIndexes(&f.Header)
	}
	for _, a := range accs {
		f.Header.Records += a.Used
	}
	res.Filter = f
	return res, nil
}

// storeFirst reports whether a counted build into f should keep its digests
// in digest stores and insert them range by range, an epoch at a time
// (epochs.go), rather than through shared buckets while it reads.
// A bucket holds its share of a fixed budget (insertBudget), so the larger
// the filter, the fewer digests each visit to a partition brings, and every
// visit reads and writes back the whole partition (docs/performance.md,
// "What the limit is"): below storeFirstBelow digests a visit, writing the
// digests to the store and reading them back once costs less than the
// extra visits. With bloom.Plan's 512 KiB partitions that is a filter of
// more than ~384 MiB (~28 M records on 4 indexes at 1e-6).
func storeFirst(f *bloom.Filter) bool {
	if storeFirstHook != nil {
		return *storeFirstHook
	}
	return insertsPer(f.Partitions()) < storeFirstBelow
}

// storeFirstBelow is the digests a partition visit must bring for the
// shared buckets to be used (storeFirst).
const storeFirstBelow = 4096

// storeFirstHook, when set by a test, decides storeFirst.
var storeFirstHook *bool

// countFirst reports whether every input is better counted in a pass of its
// own than read once (records.Source.CountIsCheap).
func countFirst(inputs []*Input) bool {
	for _, in := range inputs {
		if in.src == nil || !in.src.CountIsCheap() {
			return false
		}
	}
	return true
}

// countInputs counts the inputs' rows in a first pass and returns the
// capacity to plan the filter for (0 when opts.Params fix it). The pass is
// reported to opts.Progress as a Counting pass, finished when it returns.
func countInputs(inputs []*Input, ixs []index.Index, opts BuildOptions, res *BuildResult) (uint64, []countPass, error) {
	if opts.Params != nil {
		return 0, nil, nil
	}
	prog := opts.progress()
	prog.Start(Counting, totalSize(inputs))
	defer prog.Finish()
	var capacity uint64
	var passes []countPass
	for _, in := range inputs {
		st, stamped, err := in.Stamp()
		if err != nil {
			return 0, nil, err
		}
		c, err := countReporting(in, opts.Records, prog)
		if err != nil {
			return 0, nil, fmt.Errorf("counting rows of %s: %w", in.Display(), err)
		}
		passes = append(passes, countPass{in: in, stamp: st, stamped: stamped, rows: c.Rows})
		res.Rows += c.Rows
		res.DistinctRows += c.Distinct
		capacity += capacityFor(in, ixs, c)
	}
	if testHookCounted != nil {
		testHookCounted()
	}
	return capacity, passes, nil
}

// countPoll is how often the counting pass reports the bytes scanned so far.
const countPoll = 100 * time.Millisecond

// countReporting counts in's rows (Input.Count) and reports to prog the
// bytes scanned, every countPoll while it counts, from the source's byte
// counter (records.Source.RawBytesRead), then the rows counted. The bytes
// reported are at most the file's size: the counters also see the header
// read when the input is opened and chunk boundaries read twice.
func countReporting(in *Input, ropts records.Options, prog Progress) (records.RowCount, error) {
	if in.src == nil {
		return in.Count(ropts)
	}
	base := in.src.RawBytesRead()
	var reported int64 // by the poller until it stops, then by this goroutine
	report := func() {
		n := in.src.RawBytesRead() - base
		if in.Size >= 0 {
			n = min(n, in.Size)
		}
		if n > reported {
			prog.Advance(n-reported, 0)
			reported = n
		}
	}
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(countPoll)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				report()
			}
		}
	}()
	c, err := in.Count(ropts)
	close(stop)
	<-stopped
	report()
	if err == nil {
		prog.Advance(0, c.Rows)
	}
	return c, err
}

// countPass is what the counting pass saw of one input: the file's stamp
// before it and the rows it counted.
type countPass struct {
	in      *Input
	stamp   records.Stamp
	stamped bool
	rows    int64
}

// testHookCounted, when set by a test, is called between the counting pass
// and the reading pass.
var testHookCounted func()

// ErrChangedInput is returned when an input changed between build's counting
// pass and its reading pass: the filter would be sized for other data (a file
// that grew overfills it: once, a false-alarm rate of 1.0), so nothing is
// written.
var ErrChangedInput = errors.New("the input changed while build read it")

// checkUnchanged compares each counted input's file stamp (size and
// modification time) after the reading pass with the one taken before the
// counting pass, and the rows read with the rows counted.
func checkUnchanged(passes []countPass, inputs []*Input, accs []*Accounting) error {
	for _, p := range passes {
		i := slices.Index(inputs, p.in)
		if i < 0 || i >= len(accs) {
			continue
		}
		if p.stamped {
			now, ok, err := p.in.Stamp()
			if err != nil {
				return fmt.Errorf("%w: %w", ErrChangedInput, err)
			}
			if !ok || now.Size != p.stamp.Size || !now.ModTime.Equal(p.stamp.ModTime) {
				return fmt.Errorf("%s: %w (its size or modification time changed between the pass that counted its rows and the pass that read them)", p.in.Display(), ErrChangedInput)
			}
		}
		if accs[i].Read != p.rows && !accs[i].Truncated {
			return fmt.Errorf("%s: %w (%d rows counted, %d read)", p.in.Display(), ErrChangedInput, p.rows, accs[i].Read)
		}
	}
	return nil
}

// capacityFor is the number of entries the rows c of in can make.
func capacityFor(in *Input, ixs []index.Index, c records.RowCount) uint64 {
	n := plannedRows(c)
	var capacity uint64
	for _, ix := range ixs {
		capacity += uint64(n) * uint64(entriesPerRow(in.Mapping, ix))
	}
	return capacity
}

// insertStored sizes the filter from the rows read and inserts the stored
// digests; it returns the filter and how many of each index's entries were
// new to it.
func insertStored(ctx context.Context, h bloom.Header, inputs []*Input, ixs []index.Index, opts BuildOptions, res *BuildResult, stores []*digestStore) (*bloom.Filter, []uint64, error) {
	var capacity uint64
	for i, in := range inputs {
		c := res.Sources[i].rows
		res.Rows += c.Rows
		res.DistinctRows += c.Distinct
		capacity += capacityFor(in, ixs, c)
	}
	for _, s := range stores {
		res.Spilled = res.Spilled || s.spilled()
		s.release()
	}
	f, err := newFilter(h, capacity, opts.FPR, opts.Params)
	if err != nil {
		return nil, nil, err
	}
	entries, err := insertAll(ctx, stores, f, len(ixs), len(stores))
	if err != nil {
		return nil, nil, err
	}
	return f, entries, nil
}

// buildHeader is the filter header before sizing: what the inputs, the
// indexes and the key mode say.
func buildHeader(inputs []*Input, ixs []index.Index, opts BuildOptions) (bloom.Header, error) {
	h := opts.Header
	h.Normalization = opts.Normalizer.Version()
	h.Region = opts.Normalizer.Region()
	h.CustomFields = customFieldsOf(ixs)
	h.Hash = opts.Keys.Hash().String()
	if opts.Identifiers != nil {
		if _, err := Anchors(ixs); err != nil {
			return h, err
		}
		h.Hash = bloom.HashOPRF
	}
	h.Indexes = make([]bloom.Index, len(ixs))
	for i, ix := range ixs {
		h.Indexes[i] = bloom.Index{Name: ix.Name(), Fields: ix.FieldNames()}
	}
	h.Fields = presentFields(inputs)
	h.ColumnKinds = PresentKinds(inputs)
	return h, nil
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
	sink entrySink
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
	return b.sink.finish()
}

// entrySink takes one worker's digests: straight into the filter (stage), or
// into a digestStore until the filter can be sized.
type entrySink interface {
	add(d *[bloom.ItemSize]byte, ix uint8)
	// finish is called after the worker's last digest; it returns the
	// first error.
	finish() error
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
