package engine

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

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
}

// IndexResult counts one index of the filter over the registry.
type IndexResult struct {
	Index    string `json:"index"`
	Formable bool   `json:"formable"`
	Why      string `json:"why_not_checked,omitempty"`
	Checked  int64  `json:"checked"`
	Matches  int64  `json:"matches"`
	// DistinctMatched estimates how many distinct filter entries the
	// matches hit (HyperLogLog; exact up to ~1% error).
	DistinctMatched uint64 `json:"distinct_matched"`
	Entries         uint64 `json:"dump_entries"`
}

// ProvenanceResult counts, among registry records whose identifier (Base)
// matched and that can form Combo, how many match Combo too.
type ProvenanceResult struct {
	Base        string `json:"base"`
	Combo       string `json:"combination"`
	BaseMatched int64  `json:"base_matched"`
	BothMatched int64  `json:"combination_matched"`
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
	Indexes    []IndexResult
	Provenance []ProvenanceResult
	Sources    []*Accounting
	Matches    []Match // sorted by input and line; only with WantMatches
	// RegistryFields lists the fields the registry provides.
	RegistryFields []string
}

// Check tests every registry row's index entries against the filter.
func Check(ctx context.Context, inputs []*Input, opts CheckOptions) (*CheckResult, error) {
	f := opts.Filter
	hdr := f.Header
	ixs := make([]index.Index, len(hdr.Indexes))
	for i, hi := range hdr.Indexes {
		ix, err := index.Parse(hi.Name)
		if err != nil {
			return nil, fmt.Errorf("the filter's index %q is unknown to this leakcheck: %w", hi.Name, err)
		}
		ixs[i] = ix
	}
	if len(ixs) > 64 {
		return nil, fmt.Errorf("the filter has %d indexes; check handles at most 64", len(ixs))
	}
	res := &CheckResult{RegistryFields: presentFields(inputs)}
	var formable []index.Index
	var fidx []int // filter index number of each formable index
	for i, ix := range ixs {
		ir := IndexResult{Index: ix.Name(), Entries: hdr.Indexes[i].Entries}
		for _, in := range inputs {
			ok, why := in.Formable(ix)
			if ok {
				ir.Formable, ir.Why = true, ""
				break
			}
			if ir.Why == "" {
				ir.Why = why
			}
		}
		if !ir.Formable && strings.HasPrefix(ir.Why, "ambiguous") {
			return nil, fmt.Errorf("%s: index %s: %s", inputs[0].Display(), ix.Name(), ir.Why)
		}
		if ir.Formable {
			formable = append(formable, ix)
			fidx = append(fidx, i)
		}
		res.Indexes = append(res.Indexes, ir)
	}
	if len(formable) == 0 {
		in := inputs[0]
		return nil, fmt.Errorf("%s can form none of the filter's indexes (%s): %s; columns found: %s; map columns with --field NAME=COLUMN",
			in.Display(), indexNames(ixs), res.Indexes[0].Why, in.ColumnList())
	}
	for _, in := range inputs {
		any := false
		for _, ix := range formable {
			if ok, _ := in.Formable(ix); ok {
				any = true
			}
		}
		if !any {
			return nil, fmt.Errorf("%s can form none of the filter's indexes (%s); columns found: %s; map columns with --field NAME=COLUMN",
				in.Display(), indexNames(ixs), in.ColumnList())
		}
	}

	// Provenance pairs: each single identifying index with every formable
	// combination that contains its field.
	type pair struct{ base, combo int } // positions in formable
	var pairs []pair
	for bi, b := range formable {
		if len(b.Fields) != 1 || !b.Fields[0].Identifying() {
			continue
		}
		for ci, c := range formable {
			if len(c.Fields) > 1 && c.Has(b.Fields[0]) {
				pairs = append(pairs, pair{bi, ci})
			}
		}
	}

	need := neededFields(formable)
	if !opts.WantMatches { // matched ids are live data without a bound (memory.go)
		defer memLimit.limit(f.Header.Bloom.BodySize())()
	}
	nw := opts.workers()
	hs := make([]*checkHandler, nw)
	accs, err := run(ctx, inputs, opts.Options, func(w int) handler {
		h := &checkHandler{
			x:       extractors(inputs, opts.Normalizer, need, opts.WantMatches),
			e:       newEntryHasher(opts.Keys, formable),
			f:       f,
			checked: make([]int64, len(formable)),
			matched: make([]int64, len(formable)),
			hll:     make([]*hll, len(formable)),
			pairs:   make([][2]int64, len(pairs)),
			pairIdx: make([][2]int, len(pairs)),
			want:    opts.WantMatches,
			b:       newBuckets(f, nw),
		}
		for i := range h.hll {
			h.hll[i] = newHLL()
		}
		for i, p := range pairs {
			h.pairIdx[i] = [2]int{p.base, p.combo}
		}
		for i := range inputs {
			h.srcNames = append(h.srcNames, inputs[i].Display())
		}
		hs[w] = h
		return h
	})
	if err != nil {
		return nil, err
	}
	res.Sources = accs
	for i, fi := range fidx {
		ir := &res.Indexes[fi]
		agg := newHLL()
		for _, h := range hs {
			ir.Checked += h.checked[i]
			ir.Matches += h.matched[i]
			agg.merge(h.hll[i])
		}
		ir.DistinctMatched = min(agg.estimate(), uint64(ir.Matches))
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
		return nil, fmt.Errorf("no registry row could be checked: %d rows read, none with valid values for the fields of any of the filter's indexes (%s); see the column mapping above, and the skipped rows with --format json", read, indexNames(ixs))
	}
	for i, p := range pairs {
		pr := ProvenanceResult{Base: formable[p.base].Name(), Combo: formable[p.combo].Name()}
		for _, h := range hs {
			pr.BaseMatched += h.pairs[i][0]
			pr.BothMatched += h.pairs[i][1]
		}
		res.Provenance = append(res.Provenance, pr)
	}
	if opts.WantMatches {
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
	x        []*extractor
	e        *entryHasher
	f        *bloom.Filter
	checked  []int64
	matched  []int64
	hll      []*hll
	pairs    [][2]int64
	pairIdx  [][2]int
	want     bool
	matches  []Match
	srcNames []string
	r        row
	b        *buckets     // digests waiting to be tested (probe.go)
	pend     []pendingRow // the rows they belong to
	hits     []uint64     // bit i of hits[k]: pend[k] matched index i
	hit      []bool
}

func (c *checkHandler) row(src int, line int64, rec []string, acc *Accounting) bool {
	c.x[src].extract(rec, &c.r, func(p problem) { acc.invalid(line, p) })
	var formed uint64 // bit i: index i formed
	slot := len(c.pend)
	for i := range c.e.ixs {
		if !c.e.digest(&c.r, i) {
			continue
		}
		formed |= 1 << i
		c.checked[i]++
		c.probe(slot, i, &c.e.d)
	}
	if formed != 0 {
		c.pend = append(c.pend, pendingRow{src: src, line: line, id: c.r.id, formed: formed})
		if c.b.full || len(c.pend) == maxPendingRows {
			c.flushProbes()
		}
	}
	return formed != 0
}

func (c *checkHandler) done() error {
	c.flushProbes()
	return nil
}
