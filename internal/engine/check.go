package engine

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"unsafe"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/index"
	"github.com/leakcheck/leakcheck/internal/keyhash"
)

// CheckOptions configure Check.
type CheckOptions struct {
	Options
	Normalizer  *fields.Normalizer
	Keys        *keyhash.Keys
	Filter      *bloom.Filter
	WantMatches bool // collect the matched records' ids
	// Observe, when set, is called once per worker before the check starts;
	// the observer it returns sees the outcome of every registry record that
	// worker checked (see Outcome), in no particular order, so that an
	// aggregator (say, per group of a registry column) needs no second pass.
	Observe func(worker int) Observer
	// Identifiers gives each identifier's PRF output for a filter in the
	// OPRF key mode (the evaluated request; see Blind); nil otherwise.
	Identifiers IdentifierKeys
	// TempDir holds the temporary files of digests (never plaintext) of a
	// check against a large filter (checkspill.go). "" = os.TempDir().
	TempDir string
}

// Observer receives the outcome of each checked registry record. An
// observer is used by one worker goroutine only; Done is called once after
// its last record.
type Observer interface {
	Record(o *Outcome)
	Done()
}

// RowObserver is an Observer that also sees each checked record's values (the registry's own
// columns, for grouping) when the record is read, before its outcome is known: Row(slot, …)
// then Record with the same Outcome.Slot. The values stay in the process: an observer keeps
// only what it reports (groups.go).
type RowObserver interface {
	Observer
	Row(slot, src int, rec []string)
}

// Outcome is what the check found for one registry record: which of the
// filter's indexes it could form and which it matched (bit i: the filter's
// index i, in CheckResult.Indexes order), and whether it is evidence of
// exposure: it matched an identifier index and a combination holding that
// identifier and a distinguishing field (see Evidence). It never holds a
// value of the record.
type Outcome struct {
	Src     int   // the input, in the order given to Check
	Line    int64 // the record's line (or record number) in its input
	Formed  uint64
	Matched uint64
	Exposed bool
	Slot    int // the record's place in its worker's batch: the slot RowObserver.Row was given
}

// IndexResult counts one index of the filter over the registry.
type IndexResult struct {
	Index    string `json:"index"`
	Formable bool   `json:"formable"`
	Why      string `json:"why_not_checked,omitempty"`
	Checked  int64  `json:"checked"`
	Matches  int64  `json:"matches"`
	// DistinctMatched counts the distinct filter entries the matches hit:
	// exactly (DistinctExact) up to 2^20 matches of the index in all,
	// past that estimated by HyperLogLog (about 1% error).
	DistinctMatched uint64 `json:"distinct_matched"`
	DistinctExact   bool   `json:"distinct_exact"`
	Entries         uint64 `json:"dump_entries"`
}

// PairResult counts the registry records that match two indexes jointly:
// among the records that matched Base and could form Combo (whose fields
// include Base's), how many matched Combo too. Pairs are counted for every
// Base that holds an identifying field and every Combo with more fields; the
// report builds its joint evidence and agreement profile on them.
type PairResult struct {
	Base        string `json:"base"`
	Combo       string `json:"combination"`
	BaseMatched int64  `json:"base_matched"`
	BothMatched int64  `json:"combination_matched"`
}

// FieldCoincidence is the chance that two different registry records hold
// the same value of a field: the sum over values v of p_v², where p_v is v's
// share of the registry's valid values (Records of them). It is estimated
// from counts in CoincidenceBuckets hashed buckets (see mergeCoincidence);
// with fewer than two values it is 1 (unknown, so assumed to agree).
type FieldCoincidence struct {
	Field       string  `json:"field"`
	Records     int64   `json:"records"`
	Coincidence float64 `json:"coincidence"`
}

// CoincidenceBuckets is the largest number of hashed buckets per field in
// which Check counts values to estimate FieldCoincidence; a registry whose
// files are small gets fewer (at least 1024, about four per record).
const CoincidenceBuckets = 1 << 16 // 256 KiB a field: the counts stay in a core's cache

// coincidenceBits returns log2 of the number of buckets for inputs of the
// given sizes (-1: unknown, as for standard input).
func coincidenceBits(inputs []*Input) int {
	var size int64
	for _, in := range inputs {
		if in.Size < 0 {
			return 16
		}
		size += in.Size
	}
	bits := 10
	for bits < 16 && int64(1)<<bits < size/4 { // ≥ 16 bytes a record: ~4 buckets per record
		bits++
	}
	return bits
}

// Distinguishing reports whether a field, combined with an identifier,
// tells one person's record from another's who shares that identifier
// (family members sharing a phone): name, date of birth, national ID or
// its last digits, and a custom field that is a number (digits or lastN: a
// reference number, or its last digits), whose values are one person's and
// agree by coincidence as the registry's own frequencies say. Year of birth
// and gender agree by coincidence too often to decide alone; so do custom
// text, date and year fields (a centre, a district, a dose date), which the
// people of one place or one vaccination drive share: a phone list of one
// region would agree on them far beyond the registry-wide coincidence. Those
// are weighed as evidence of where a dump came from, never of exposure.
func Distinguishing(f fields.Field) bool {
	switch f {
	case fields.Name, fields.DOB, fields.NationalID, fields.NationalIDLast4:
		return true
	}
	if spec, ok := f.Custom(); ok {
		return spec.Kind == fields.KindDigits || spec.Kind == fields.KindLast
	}
	return false
}

// Evidence reports whether a registry record that matched both base and
// combo is evidence of exposure: base is a single identifying field, and
// combo holds it and a distinguishing field besides.
func Evidence(base, combo index.Index) bool {
	if len(base.Fields) != 1 || !base.Fields[0].Identifying() || !combo.Has(base.Fields[0]) || len(combo.Fields) < 2 {
		return false
	}
	for _, f := range combo.Fields {
		if f != base.Fields[0] && Distinguishing(f) {
			return true
		}
	}
	return false
}

// Match is one registry record that matched at least one index.
type Match struct {
	Source  string   `json:"source"`
	Line    int64    `json:"line"`
	ID      string   `json:"id"`
	Indexes []string `json:"indexes"`
}

// CheckResult is what Check counted.
type CheckResult struct {
	Indexes []IndexResult
	Pairs   []PairResult
	// Coincidence holds, for each non-identifying field of a checked index,
	// the registry's own chance of agreement between different records.
	Coincidence []FieldCoincidence
	// Records counts the registry records checked (that formed an index);
	// Exposed those that are evidence of exposure (Outcome.Exposed).
	Records, Exposed int64
	Sources          []*Accounting
	Matches          []Match // sorted by input and line; only with WantMatches
	// RegistryFields lists the fields the registry provides, RegistryKinds
	// the column kinds it holds besides (fields.ColumnKind).
	RegistryFields []string
	RegistryKinds  []string
}

// Check tests every registry row's index entries against the filter.
func Check(ctx context.Context, inputs []*Input, opts CheckOptions) (*CheckResult, error) {
	res, errs, err := CheckMany(ctx, inputs, opts.Options, []CheckOptions{opts})
	if err != nil {
		return nil, err
	}
	return res[0], errs[0]
}

// CheckMany checks the registry against several filters in one pass: the
// inputs are read once, and every row is tested against each filter in
// turn, with the same counts as a Check per filter. common sets the
// workers, --strict and the progress; each filter's own Options are not
// used. A filter the registry cannot be checked against (it can form none
// of its indexes, or no row had a valid value for them) gets its error in
// errs and no result, and the others are checked; err is for what stops
// the whole pass (reading an input, --strict, an interruption).
func CheckMany(ctx context.Context, inputs []*Input, common Options, filters []CheckOptions) (res []*CheckResult, errs []error, err error) {
	res = make([]*CheckResult, len(filters))
	errs = make([]error, len(filters))
	var live []*checkPlan
	for i, o := range filters {
		p, err := planCheck(inputs, o)
		if err != nil {
			errs[i] = err
			continue
		}
		p.pos = i
		live = append(live, p)
	}
	if len(live) == 0 {
		return res, errs, nil
	}
	for _, p := range live {
		if !p.opts.WantMatches { // matched ids are live data without a bound (memory.go)
			defer memLimit.limit(p.opts.Filter.HeapBytes() + heldBytes(p.opts.Identifiers))()
		}
	}
	nw := common.workers()
	for _, p := range live {
		p.hs = make([]*checkHandler, nw)
	}
	// A handler whose temporary file fails stops the whole pass.
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	accs, err := runLanes(ctx, inputs, common, len(live), func(w int) []handler {
		hs := make([]handler, len(live))
		for l, p := range live {
			p.hs[w] = p.newHandler(ctx, stop, inputs, w, nw)
			hs[l] = p.hs[w]
		}
		return hs
	})
	if err != nil {
		return nil, nil, err
	}
	for l, p := range live {
		res[p.pos], errs[p.pos] = p.aggregate(inputs, accs[l])
	}
	return res, errs, nil
}

// checkPlan is what checking one filter needs before the first row is
// read: its indexes, which of them the registry can form, and the pairs
// and fields it counts; then its workers' handlers.
type checkPlan struct {
	opts     CheckOptions
	pos      int           // the filter's place in CheckMany's list
	ixs      []index.Index // the filter's indexes, in its order
	res      *CheckResult  // with the per-index rows of every index
	formable []index.Index
	fidx     []int    // filter index number of each formable index
	bitOf    []uint64 // formable position → bit of the filter's index, for observers
	pairs    [][2]int // jointPairs
	evid     [][2]uint64
	coinc    []fields.Field
	cbits    int
	need     []fields.Field
	hs       []*checkHandler // one per worker
}

// planCheck reads the filter's indexes and decides which the registry can
// form: an index some input cannot form is not checked (the report says
// why), unless the reason is an ambiguous column, which is an error, as is
// a registry that can form none.
func planCheck(inputs []*Input, opts CheckOptions) (*checkPlan, error) {
	hdr := opts.Filter.Header
	if err := DeclareHeaderFields(&hdr); err != nil {
		return nil, err
	}
	p := &checkPlan{opts: opts, ixs: make([]index.Index, len(hdr.Indexes))}
	for i, hi := range hdr.Indexes {
		ix, err := index.Parse(hi.Name)
		if err != nil {
			return nil, fmt.Errorf("the filter's index %q is unknown to this leakcheck: %w", hi.Name, err)
		}
		p.ixs[i] = ix
	}
	if err := checkKeyMode(&hdr, p.ixs, opts.Identifiers); err != nil {
		return nil, err
	}
	if !hdr.IsOPRF() && opts.Keys.Hash().String() != hdr.Hash {
		// Keys of another hash would hash every record the wrong way: 0 matches.
		return nil, fmt.Errorf("the filter's entry hash is %s, the keys are for %s", hdr.Hash, opts.Keys.Hash())
	}
	if len(p.ixs) > 64 {
		return nil, fmt.Errorf("the filter has %d indexes; check handles at most 64", len(p.ixs))
	}
	p.res = &CheckResult{RegistryFields: presentFields(inputs), RegistryKinds: PresentKinds(inputs)}
	for i, ix := range p.ixs {
		ir := IndexResult{Index: ix.Name(), Entries: hdr.Indexes[i].Entries}
		var why NotFormed
		for _, in := range inputs {
			nf := in.formability(ix)
			if nf.Code == Formed {
				ir.Formable, why = true, NotFormed{}
				break
			}
			if why.Code == Formed {
				why = nf
			}
		}
		if !ir.Formable && why.Code == AmbiguousColumn {
			return nil, fmt.Errorf("%s: index %s: %s", inputs[0].Display(), ix.Name(), why.Text)
		}
		ir.Why = why.Text
		if ir.Formable {
			p.formable = append(p.formable, ix)
			p.fidx = append(p.fidx, i)
			p.bitOf = append(p.bitOf, 1<<i)
		}
		p.res.Indexes = append(p.res.Indexes, ir)
	}
	if err := p.checkInputs(inputs); err != nil {
		return nil, err
	}
	p.pairs, p.evid = jointPairs(p.formable)
	p.coinc = coincidenceFields(p.formable)
	p.cbits = coincidenceBits(inputs)
	p.need = neededFields(p.formable)
	return p, nil
}

// checkInputs refuses a registry that can form none of the filter's
// indexes, an input that can form none of those the others can, and a row
// with more entries to test than a check handles.
func (p *checkPlan) checkInputs(inputs []*Input) error {
	if len(p.formable) == 0 {
		in := inputs[0]
		return fmt.Errorf("%s can form none of the filter's indexes (%s): %s; columns found: %s; map columns with --field NAME=COLUMN",
			in.Display(), indexNames(p.ixs), p.res.Indexes[0].Why, in.ColumnList())
	}
	for _, in := range inputs {
		n, any := 0, false
		for _, ix := range p.formable {
			if ok, _ := in.Formable(ix); ok {
				any = true
			}
			n += entriesPerRow(in.Mapping, ix)
		}
		if !any {
			return fmt.Errorf("%s can form none of the filter's indexes (%s); columns found: %s; map columns with --field NAME=COLUMN",
				in.Display(), indexNames(p.ixs), in.ColumnList())
		}
		if n > maxRowProbes {
			return fmt.Errorf("%s: a row could have %d entries to test (columns of several-column fields multiply), and check handles at most %d; give fewer columns with --field", in.Display(), n, maxRowProbes)
		}
	}
	return nil
}

// newHandler makes worker w's handler (of nw).
func (p *checkPlan) newHandler(ctx context.Context, stop context.CancelCauseFunc, inputs []*Input, w, nw int) *checkHandler {
	opts, f, n := p.opts, p.opts.Filter, len(p.formable)
	h := &checkHandler{
		ctx:      ctx,
		stop:     stop,
		x:        extractors(inputs, opts.Normalizer, p.need, opts.WantMatches),
		e:        newEntryHasher(opts.Keys, p.formable, opts.Identifiers),
		f:        f,
		checked:  ownLines[int64](n),
		matched:  ownLines[int64](n),
		hll:      make([]*hll, n),
		exact:    make([]exactList, n),
		overflow: make([]bool, n),
		maxExact: maxExactMatches,
		pairs:    ownLines[[2]int64](len(p.pairs)),
		pairIdx:  p.pairs,
		evid:     p.evid,
		want:     opts.WantMatches,
		cfield:   p.coinc,
		ccount:   ownLines[int64](len(p.coinc)),
		ctable:   make([][]uint32, len(p.coinc)),
		cbits:    p.cbits,
		cbucket:  &valueBuckets{shift: uint(64 - p.cbits)},
		bitOf:    p.bitOf,
	}
	if opts.Identifiers == nil {
		// The values are hashed and forgotten (row); the OPRF key mode
		// keeps the last identifier to reuse its PRF output (oprf.go).
		h.r.sc = new(fields.Scratch)
	}
	for i := range h.hll {
		h.hll[i] = newHLL()
	}
	for i := range h.ctable {
		h.ctable[i] = make([]uint32, 1<<p.cbits)
	}
	if opts.Observe != nil {
		h.obs = opts.Observe(w)
	}
	if p.useCheckSpill(nw) {
		h.sp = newCheckSpill(opts.TempDir, nw)
	} else {
		h.b = newBuckets(f, nw)
	}
	h.sizePending(n)
	for i := range inputs {
		h.srcNames = append(h.srcNames, inputs[i].Display())
	}
	return h
}

// sizePending makes the pending rows' arrays at the most rows a flush can
// find waiting (each row adds at least one digest to the buckets), so that
// they never grow by copying: growing them cost 3 % of a check of 10 M rows.
func (c *checkHandler) sizePending(n int) {
	if c.sp != nil {
		// The epoch spill mode: formed in c.sp, hits8 and combos.
		c.narrow = true
		c.hits8 = make([]uint8, cap(c.sp.formed))
		c.combos = make([]int64, 1<<16)
		return
	}
	rows := min(maxPendingRows, len(c.b.n)*c.b.per)
	c.pend.formed = make([]uint64, 0, rows)
	if c.obs != nil || c.want {
		c.pend.src = make([]int32, 0, rows)
		c.pend.line = make([]int64, 0, rows)
	}
	if c.want {
		c.pend.id = make([]string, 0, rows)
	}
	c.narrow = n <= 8
	if c.narrow {
		c.hits8 = make([]uint8, rows)
	} else {
		c.hits64 = make([]uint64, rows)
	}
	if c.narrow && c.obs == nil && !c.want {
		c.combos = make([]int64, 1<<16)
	}
}

// ownLines makes a slice of n counters that shares no cache line with
// another allocation: its size is rounded up to whole 64-byte lines, and the
// allocator places objects of such sizes on line boundaries. Each worker
// increments its own counters for every row; when two workers' small
// counter slices shared a line, the line moved between the cores at every
// increment (5 % of a 2-core check of a 2 M-row registry went to the
// increment of the coincidence counts).
func ownLines[T any](n int) []T {
	var t T
	size := int(unsafe.Sizeof(t))
	per := max(64/max(size, 1), 1)
	return make([]T, n, (max(n, 1)+per-1)/per*per)
}

// aggregate sums the workers' counts into the result.
func (p *checkPlan) aggregate(inputs []*Input, accs []*Accounting) (*CheckResult, error) {
	if err := checkColumns(inputs, accs, p.need); err != nil {
		return nil, err
	}
	res, hs := p.res, p.hs
	res.Sources = accs
	for i, fi := range p.fidx {
		ir := &res.Indexes[fi]
		agg := newHLL()
		for _, h := range hs {
			ir.Checked += h.checked[i]
			ir.Matches += h.matched[i]
			agg.merge(h.hll[i])
		}
		ir.DistinctMatched = min(agg.estimate(), uint64(ir.Matches))
		if n, ok := exactDistinct(hs, i); ok {
			ir.DistinctMatched, ir.DistinctExact = n, true
		}
	}
	var checked, read int64
	for _, ir := range res.Indexes {
		checked += ir.Checked
	}
	for _, a := range accs {
		read += a.Read
	}
	if checked == 0 {
		// Nothing was tested: a "no matches" report would be a wrong answer.
		return nil, &NothingCheckedError{Read: read, Indexes: indexNames(p.ixs), Sources: accs}
	}
	for i, pr := range p.pairs {
		r := PairResult{Base: p.formable[pr[0]].Name(), Combo: p.formable[pr[1]].Name()}
		for _, h := range hs {
			r.BaseMatched += h.pairs[i][0]
			r.BothMatched += h.pairs[i][1]
		}
		res.Pairs = append(res.Pairs, r)
	}
	for _, h := range hs {
		res.Records += h.records
		res.Exposed += h.exposed
	}
	res.Coincidence = mergeCoincidence(p.coinc, hs, p.cbits)
	if p.opts.WantMatches {
		for _, h := range hs {
			res.Matches = append(res.Matches, h.matches...)
		}
		srcOrder := map[string]int{}
		for i, in := range inputs {
			srcOrder[in.Display()] = i
		}
		slices.SortFunc(res.Matches, func(a, b Match) int {
			return cmp.Or(cmp.Compare(srcOrder[a.Source], srcOrder[b.Source]), cmp.Compare(a.Line, b.Line))
		})
	}
	return res, nil
}

func indexNames(ixs []index.Index) string {
	s := ""
	for i, ix := range ixs {
		if i > 0 {
			s += ", "
		}
		s += ix.Name()
	}
	return s
}

type checkHandler struct {
	ctx      context.Context
	stop     context.CancelCauseFunc // stops the pass (fail)
	err      error                   // the epoch spill mode's first error
	x        []*extractor
	e        *entryHasher
	f        *bloom.Filter
	checked  []int64
	matched  []int64
	hll      []*hll
	exact    []exactList // per index: matched digests' first 8 bytes, while few (probe.go)
	overflow []bool
	maxExact int        // maxExactMatches; lower in tests
	pairs    [][2]int64 // per pair: records that matched base and formed combo, and matched both
	pairIdx  [][2]int   // per pair: base and combo, positions in the formable indexes
	evid     [][2]uint64
	records  int64
	exposed  int64
	obs      Observer
	bitOf    []uint64
	cfield   []fields.Field // fields whose coincidence is estimated
	ccount   []int64        // valid values of each
	ctable   [][]uint32     // their hashed value counts
	cbits    int            // log2 of the buckets per field
	cbucket  *valueBuckets  // a value's bucket
	want     bool
	matches  []Match
	srcNames []string
	r        row
	b        *buckets    // digests waiting to be tested (probe.go), or
	sp       *checkSpill // in the epoch spill mode, their store (checkspill.go)
	pend     pendingRows // the rows they belong to
	narrow   bool        // at most 8 indexes: hits8, else hits64
	hits8    []uint8     // bit i of hits[k]: pending row k matched index i
	hits64   []uint64
	hit      []bool
	// combos, when no observer or matched ids need the rows one by one,
	// counts the pending rows of each combination of formed (high byte) and
	// matched (low byte) indexes, at most 8 of them (countCombos).
	combos []int64
}

func (c *checkHandler) row(src int, line int64, rec []string, acc *Accounting) bool {
	c.x[src].extract(rec, &c.r, func(p problem) { acc.invalid(line, p) })
	c.countValues()
	acc.valid(&c.r)
	var formed uint64 // bit i: index i formed
	slot := c.pend.len()
	if c.sp != nil {
		slot = len(c.sp.formed)
	}
	for i := range c.e.ixs {
		if c.r.many&c.e.masks[i] == 0 { // one value per field: at most one entry
			if !c.e.digest(&c.r, i) {
				continue
			}
			c.probe(slot, i, &c.e.d)
		} else if c.e.each(&c.r, i, func() { c.probe(slot, i, &c.e.d) }) == 0 {
			continue
		}
		formed |= 1 << i
		c.checked[i]++
	}
	if formed != 0 && c.sp != nil {
		c.sp.formed = append(c.sp.formed, uint8(formed))
		if len(c.sp.formed) == cap(c.sp.formed) {
			c.flushEpoch()
		}
		return true
	}
	if formed != 0 {
		if ro, ok := c.obs.(RowObserver); ok {
			ro.Row(slot, src, rec)
		}
		c.pend.formed = append(c.pend.formed, formed)
		if c.obs != nil || c.want {
			c.pend.src = append(c.pend.src, int32(src))
			c.pend.line = append(c.pend.line, line)
			if c.want {
				c.pend.id = append(c.pend.id, c.r.id)
			}
		}
		if c.b.full || c.pend.len() == maxPendingRows {
			c.flushProbes()
		}
	}
	return formed != 0
}

func (c *checkHandler) done() error {
	if c.sp != nil {
		if c.err == nil && c.ctx.Err() == nil {
			c.flushEpoch()
		}
		c.sp.store.close()
		if c.err != nil {
			return c.err
		}
		if c.ctx.Err() != nil {
			return context.Cause(c.ctx)
		}
	} else {
		c.flushProbes()
	}
	c.countCombos()
	if c.obs != nil {
		c.obs.Done()
	}
	return c.e.err()
}

// countValues counts the row's values of the fields whose coincidence is
// estimated, in hashed buckets (the values themselves are not kept).
func (c *checkHandler) countValues() {
	for i, f := range c.cfield {
		if c.r.have&(1<<f) == 0 {
			continue
		}
		c.ccount[i]++
		c.ctable[i][c.cbucket.of(c.r.val[f])]++
	}
}

// valueBuckets gives a value's coincidence bucket, valueHash's top bits,
// from tables for the short values of small domains (a year of birth, a
// gender), whose bucket is computed once, and by hashing for the others.
type valueBuckets struct {
	shift  uint
	year   [10000]uint32 // 4 ASCII digits: bucket+1, 0 while not computed
	letter [256]uint32   // 1 byte: bucket+1, 0 while not computed
}

func (b *valueBuckets) of(v string) uint32 {
	switch len(v) {
	case 1:
		p := &b.letter[v[0]]
		if *p == 0 {
			*p = uint32(valueHash(v)>>b.shift) + 1
		}
		return *p - 1
	case 4:
		d0, d1, d2, d3 := v[0]-'0', v[1]-'0', v[2]-'0', v[3]-'0'
		if d0 > 9 || d1 > 9 || d2 > 9 || d3 > 9 {
			break
		}
		p := &b.year[int(d0)*1000+int(d1)*100+int(d2)*10+int(d3)]
		if *p == 0 {
			*p = uint32(valueHash(v)>>b.shift) + 1
		}
		return *p - 1
	}
	return uint32(valueHash(v) >> b.shift)
}

// exactDistinct counts the distinct matched entries of formable index i
// from the workers' exact lists, unless the workers together had more than
// maxExact matches (whatever their split, so the answer does not depend on
// the scheduling).
func exactDistinct(hs []*checkHandler, i int) (uint64, bool) {
	n := 0
	for _, h := range hs {
		if h.overflow[i] {
			return 0, false
		}
		n += h.exact[i].n
	}
	if len(hs) > 0 && n > hs[0].maxExact {
		return 0, false
	}
	var blocks [][]uint64
	for _, h := range hs {
		blocks = append(blocks, h.exact[i].blocks...)
	}
	return countDistinct(blocks, n), true
}

// countDistinct counts the distinct values among the n in blocks, which are
// digests' first bytes, so uniform: one pass spreads them over up to 256
// buckets by their top bits (few enough that each bucket's next slot stays
// in the cache), then each bucket's distinct values are counted in a hash
// table that fits in the cache (distinctIn). Sorting all n at once cost a
// fifth of a 2-core check of 2 M all-matching rows; this takes about half
// the time of sorting buckets of 16 values.
func countDistinct(blocks [][]uint64, n int) uint64 {
	bits := 0
	for bits < 8 && n>>bits > 2048 {
		bits++
	}
	shift := uint(64 - bits) // 64 when bits is 0: every value in bucket 0
	start := make([]int, 1<<bits+1)
	for _, b := range blocks {
		for _, v := range b {
			start[v>>shift+1]++
		}
	}
	for k := 1; k < len(start); k++ {
		start[k] += start[k-1]
	}
	next := slices.Clone(start[:len(start)-1])
	all := make([]uint64, n)
	for _, b := range blocks {
		for _, v := range b {
			k := v >> shift
			all[next[k]] = v
			next[k]++
		}
	}
	var distinct uint64
	var table []uint64
	for k := 0; k+1 < len(start); k++ {
		distinct += distinctIn(all[start[k]:start[k+1]], &table)
	}
	return distinct
}

// distinctIn counts the distinct values of vals in an open-addressing table
// of at least twice their number (reused through table), 0 standing for an
// empty slot and the value 0 counted apart.
func distinctIn(vals []uint64, table *[]uint64) uint64 {
	logSize := 1
	for 1<<logSize < 2*len(vals) {
		logSize++
	}
	if cap(*table) < 1<<logSize {
		*table = make([]uint64, 1<<logSize)
	}
	t := (*table)[:1<<logSize]
	clear(t)
	mask := uint64(len(t) - 1)
	var n uint64
	zero := false
	for _, v := range vals {
		if v == 0 {
			if !zero {
				zero = true
				n++
			}
			continue
		}
		// Fibonacci hashing: the values are uniform, but nothing here
		// needs to rely on it.
		for i := (v * 0x9e3779b97f4a7c15) >> (64 - logSize); ; i = (i + 1) & mask {
			if t[i] == v {
				break
			}
			if t[i] == 0 {
				t[i] = v
				n++
				break
			}
		}
	}
	return n
}

// valueHash is a fixed hash of a value (FNV-1a, then a 64-bit mixer), so
// that the coincidence estimate is the same on every run.
func valueHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return h
}

// jointPairs lists the pairs of formable indexes counted jointly: every
// base holding an identifying field with every combination that has all of
// base's fields and more. evid holds, for each pair that is evidence of
// exposure (Evidence), the bit masks of its base and combination.
func jointPairs(formable []index.Index) (pairs [][2]int, evid [][2]uint64) {
	for bi, b := range formable {
		if !slices.ContainsFunc(b.Fields, fields.Field.Identifying) {
			continue
		}
		for ci, c := range formable {
			if len(c.Fields) <= len(b.Fields) || !containsAll(c, b) {
				continue
			}
			pairs = append(pairs, [2]int{bi, ci})
			if Evidence(b, c) {
				evid = append(evid, [2]uint64{1 << bi, 1 << ci})
			}
		}
	}
	return pairs, evid
}

func containsAll(c, b index.Index) bool {
	for _, f := range b.Fields {
		if !c.Has(f) {
			return false
		}
	}
	return true
}

// coincidenceFields lists the non-identifying fields of the formable
// indexes, in canonical order.
func coincidenceFields(formable []index.Index) []fields.Field {
	var out []fields.Field
	for _, ix := range formable {
		for _, f := range ix.Fields {
			if !f.Identifying() && !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	slices.SortFunc(out, fields.Compare)
	return out
}

// mergeCoincidence sums the workers' bucket counts and returns each field's
// estimated coincidence: the share of pairs of distinct records whose values
// fall in the same bucket, Σ c(c−1) / (n(n−1)) over the buckets' counts c.
// Over values it is the unbiased estimate of Σ p_v²; values that share a
// bucket can only add to it, and it is never taken below one bucket's
// share, 1/buckets (the resolution of the estimate).
func mergeCoincidence(fs []fields.Field, hs []*checkHandler, bits int) []FieldCoincidence {
	out := make([]FieldCoincidence, 0, len(fs))
	sum := make([]uint32, 1<<bits)
	for i, f := range fs {
		var n int64
		var pairs float64
		clear(sum)
		for _, h := range hs {
			n += h.ccount[i]
			for b, v := range h.ctable[i] {
				sum[b] += v
			}
		}
		for _, v := range sum {
			if v > 1 {
				pairs += float64(v) * float64(v-1)
			}
		}
		fc := FieldCoincidence{Field: f.String(), Records: n, Coincidence: 1}
		if n > 1 {
			fc.Coincidence = min(1, max(pairs/(float64(n)*float64(n-1)), 1/float64(len(sum))))
		}
		out = append(out, fc)
	}
	return out
}

// NothingCheckedError is Check's error when no registry row formed any of the filter's
// indexes: a report of "no matches" would be a wrong answer. Sources says what became of every
// row, with the reasons, for the caller to print beside the error.
type NothingCheckedError struct {
	Read    int64
	Indexes string
	Sources []*Accounting
}

func (e *NothingCheckedError) Error() string {
	return fmt.Sprintf("no registry row could be checked: %d rows read, none with valid values for the fields of any of the filter's indexes (%s); see the column mapping and the skipped-row reasons above", e.Read, e.Indexes)
}
