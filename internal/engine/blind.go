package engine

import (
	"bytes"
	"container/heap"
	"context"
	"fmt"
	"slices"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/exchange"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/index"
	"github.com/leakcheck/leakcheck/internal/keyhash"
	"github.com/leakcheck/leakcheck/internal/oprf"
	"github.com/leakcheck/leakcheck/internal/oprfexchange"
)

// BlindOptions configure Blind.
type BlindOptions struct {
	Options
	Normalizer *fields.Normalizer
	Header     *bloom.Header // the header of the filter (OPRF key mode)
	Tagger     *oprfexchange.Tagger
}

// BlindResult is the registry's side of a request: the distinct PRF
// inputs' tags and their blinded elements (Each gives them in ascending
// order of tags, the request's order), and what became of every row.
type BlindResult struct {
	Fields   []fields.Field // the identifier fields blinded (anchors of indexes the registry can form)
	Elements int            // distinct PRF inputs blinded
	Sources  []*Accounting
	runs     [][]blinded // each sorted by tag, without duplicates
}

// Blind reads the registry as Check does and blinds each distinct value of
// the anchors of the filter's indexes that the registry can form: one hash
// to the group and one scalar multiplication per value, on every worker.
// Nothing but the blinded elements leaves: the tags stay in the state.
func Blind(ctx context.Context, inputs []*Input, opts BlindOptions) (*BlindResult, error) {
	h := opts.Header
	if !h.IsOPRF() {
		return nil, fmt.Errorf("the filter is in the shared-key mode: check it with its key; blind is for filters built with --oprf-key")
	}
	var formable []index.Index
	for _, hi := range h.Indexes {
		ix, err := index.Parse(hi.Name)
		if err != nil {
			return nil, fmt.Errorf("the filter's index %q is unknown to this leakcheck: %w", hi.Name, err)
		}
		for _, in := range inputs {
			if ok, _ := in.Formable(ix); ok {
				formable = append(formable, ix)
				break
			}
		}
	}
	if len(formable) == 0 {
		in := inputs[0]
		return nil, fmt.Errorf("%s can form none of the filter's indexes; columns found: %s; map columns with --field NAME=COLUMN", in.Display(), in.ColumnList())
	}
	anchors, err := Anchors(formable)
	if err != nil {
		return nil, err
	}
	nw := opts.workers()
	hs := make([]*blindHandler, nw)
	accs, err := run(ctx, inputs, opts.Options, func(w int) handler {
		b := &blindHandler{x: extractors(inputs, opts.Normalizer, neededFields(formable), false), anchors: anchors, salt: h.Salt, tagger: opts.Tagger}
		// An anchor's value is blinded only in a row that forms an index
		// it anchors: exactly the values check will look up.
		for _, a := range anchors {
			var ms []uint64
			for _, ix := range formable {
				if an, _ := Anchor(ix); an == a {
					ms = append(ms, mask(ix))
				}
			}
			b.masks = append(b.masks, ms)
		}
		hs[w] = b
		return b
	})
	if err != nil {
		return nil, err
	}
	res := &BlindResult{Fields: anchors, Sources: accs}
	for _, b := range hs {
		res.runs = append(res.runs, b.runs...)
		b.runs = nil
	}
	res.Each(func(*exchange.Tag, *exchange.Element) error {
		res.Elements++
		return nil
	})
	if res.Elements == 0 {
		return nil, fmt.Errorf("no registry row holds a valid value of %s: nothing to ask the analyst to evaluate", fieldNames(anchors))
	}
	return res, nil
}

// Each calls f with the tag and blinded element of every distinct PRF
// input, in ascending order of tags, and returns f's first error. The
// workers' sorted runs are merged as they are read: nothing but the runs
// is held, 48 bytes per value blinded.
func (r *BlindResult) Each(f func(*exchange.Tag, *exchange.Element) error) error {
	h := make(runHeap, 0, len(r.runs))
	for _, run := range r.runs {
		if len(run) > 0 {
			h = append(h, run)
		}
	}
	heap.Init(&h)
	var last exchange.Tag
	for n := 0; len(h) > 0; n++ {
		x := &h[0][0]
		if n == 0 || x.tag != last {
			if err := f(&x.tag, &x.elem); err != nil {
				return err
			}
			last = x.tag
		}
		if h[0] = h[0][1:]; len(h[0]) == 0 {
			heap.Pop(&h)
		} else {
			heap.Fix(&h, 0)
		}
	}
	return nil
}

// runHeap orders sorted runs by their first tag.
type runHeap [][]blinded

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return bytes.Compare(h[i][0].tag[:], h[j][0].tag[:]) < 0 }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.([]blinded)) }
func (h *runHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func fieldNames(fs []fields.Field) string {
	s := ""
	for i, f := range fs {
		if i > 0 {
			s += ", "
		}
		s += f.String()
	}
	return s
}

type blinded struct {
	tag  exchange.Tag
	elem exchange.Element
}

type blindHandler struct {
	x       []*extractor
	anchors []fields.Field
	masks   [][]uint64 // of the formable indexes each anchor anchors
	salt    []byte
	tagger  *oprfexchange.Tagger
	r       row
	buf     []byte
	cur     []blinded   // the run being filled
	runs    [][]blinded // sorted, without duplicates
	err     error
}

// blindRun is the length of a worker's runs of blinded values (1.5 MiB):
// each is sorted by tag when full, in the worker, and the runs are merged
// as the request and state are written.
const blindRun = 1 << 15

func (b *blindHandler) row(src int, line int64, rec []string, acc *Accounting) bool {
	b.x[src].extract(rec, &b.r, func(p problem) { acc.invalid(line, p) })
	used := false
	for ai, f := range b.anchors {
		forms := false
		for _, m := range b.masks[ai] {
			if b.r.have&m == m {
				forms = true
				break
			}
		}
		if !forms {
			continue
		}
		used = true
		b.add(f, b.r.val[f], line)
		if b.r.many&(1<<uint(f)) != 0 { // a field of several columns: every value
			for _, v := range b.r.more[f] {
				b.add(f, v, line)
			}
		}
	}
	return used
}

func (b *blindHandler) add(f fields.Field, v string, line int64) {
	b.buf = keyhash.AppendOPRFInput(b.buf[:0], b.salt, f.String(), v)
	tag := b.tagger.Tag(b.buf)
	c, err := oprf.Blind(b.buf, b.tagger.Blind(&tag))
	clear(b.buf)
	if err != nil {
		if b.err == nil {
			b.err = fmt.Errorf("%s value at line %d cannot be blinded: %w", f, line, err)
		}
		return
	}
	if b.cur == nil {
		b.cur = make([]blinded, 0, blindRun)
	}
	if b.cur = append(b.cur, blinded{tag, c}); len(b.cur) == blindRun {
		b.seal()
	}
}

// seal sorts the current run and starts another.
func (b *blindHandler) seal() {
	slices.SortFunc(b.cur, func(x, y blinded) int { return bytes.Compare(x.tag[:], y.tag[:]) })
	b.runs = append(b.runs, slices.CompactFunc(b.cur, func(x, y blinded) bool { return x.tag == y.tag }))
	b.cur = nil
}

func (b *blindHandler) done() error {
	if len(b.cur) > 0 {
		b.seal()
	}
	return b.err
}
