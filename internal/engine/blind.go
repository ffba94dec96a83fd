package engine

import (
	"bytes"
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

// BlindResult is the registry's side of a request: the distinct PRF inputs'
// tags in ascending order and their blinded elements, and what became of
// every row.
type BlindResult struct {
	Fields  []fields.Field // the identifier fields blinded (anchors of indexes the registry can form)
	Tags    []exchange.Tag
	Blinded []exchange.Element
	Sources []*Accounting
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
	var all []blinded
	for _, b := range hs {
		all = append(all, b.out...)
		b.out = nil
	}
	slices.SortFunc(all, func(a, b blinded) int { return bytes.Compare(a.tag[:], b.tag[:]) })
	all = slices.CompactFunc(all, func(a, b blinded) bool { return a.tag == b.tag })
	if len(all) == 0 {
		return nil, fmt.Errorf("no registry row holds a valid value of %s: nothing to ask the analyst to evaluate", fieldNames(anchors))
	}
	res := &BlindResult{Fields: anchors, Sources: accs, Tags: make([]exchange.Tag, len(all)), Blinded: make([]exchange.Element, len(all))}
	for i := range all {
		res.Tags[i], res.Blinded[i] = all[i].tag, all[i].elem
	}
	return res, nil
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
	out     []blinded
	err     error
}

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
	b.out = append(b.out, blinded{tag, c})
}

func (b *blindHandler) done() error { return b.err }
