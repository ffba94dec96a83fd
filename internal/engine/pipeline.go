package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/records"
)

// MaxExamples is how many example locations each input's accounting keeps.
const MaxExamples = 5

// Accounting says what became of every row of one input: every row read is
// either used or skipped with a reason. Field values that did not normalize
// are counted too (a row can still be used through its other fields).
type Accounting struct {
	Source   string           `json:"source"`
	Read     int64            `json:"rows_read"`
	Used     int64            `json:"rows_used"`
	Skipped  map[string]int64 `json:"rows_skipped"`   // reason → rows
	Invalid  map[string]int64 `json:"invalid_values"` // "field: reason" → values
	Examples []Example        `json:"examples"`       // the first few, by line
	// Dropped counts values whose key was not among the columns (JSON and key-value input
	// fix their columns from their first records; see internal/records).
	Dropped int64 `json:"values_dropped,omitempty"`
	// Truncated is set when --allow-partial let a truncated or damaged compressed input end
	// early: the rows after the damage are missing. TruncatedReason says where (a row count,
	// never content).
	Truncated       bool   `json:"truncated,omitempty"`
	TruncatedReason string `json:"truncated_reason,omitempty"`

	// Warnings say why the input's row count is not reliable (unescaped newlines in
	// values, values that ran over rows): fixed phrases with counts, never content.
	Warnings []string `json:"warnings,omitempty"`

	invalidCount int64  // values that did not normalize, in all
	maskedIDs    int64  // national_id values that are masked IDs (fields.MaskedIDReason)
	lastInvalid  string // the reason of the latest one
	// Per field: rows with a valid value, and values that did not normalize.
	fieldOK, fieldBad [numFields]int64
	// rows are the rows read and the estimate of the distinct ones, when
	// the pipeline sizes its output from them (Options.countRows).
	rows records.RowCount
}

// valid counts the fields r has a valid value for.
func (a *Accounting) valid(r *row) {
	for h := r.have; h != 0; h &= h - 1 {
		a.fieldOK[bits.TrailingZeros64(h)]++
	}
}

// Example locates one skipped row or invalid value: never its content.
type Example struct {
	Line   int64  `json:"line"`
	Reason string `json:"reason"`
}

// MaskedIDs counts the national_id values that were masked IDs (only their
// last 4 digits shown): never a national_id, but a national_id_last4.
func (a *Accounting) MaskedIDs() int64 { return a.maskedIDs }

// SkippedTotal is the number of rows skipped for any reason.
func (a *Accounting) SkippedTotal() int64 {
	var n int64
	for _, v := range a.Skipped {
		n += v
	}
	return n
}

// ExampleLines renders the examples as "file:line: reason".
func (a *Accounting) ExampleLines() []string {
	out := make([]string, len(a.Examples))
	for i, e := range a.Examples {
		out[i] = fmt.Sprintf("%s:%d: %s", a.Source, e.Line, e.Reason)
	}
	return out
}

func newAccounting(src string) *Accounting {
	return &Accounting{Source: src, Skipped: map[string]int64{}, Invalid: map[string]int64{}}
}

func (a *Accounting) example(line int64, reason string) {
	if len(a.Examples) >= MaxExamples && line >= a.Examples[len(a.Examples)-1].Line {
		return
	}
	a.Examples = append(a.Examples, Example{line, reason})
	slices.SortStableFunc(a.Examples, func(x, y Example) int { return int(x.Line - y.Line) })
	if len(a.Examples) > MaxExamples {
		a.Examples = a.Examples[:MaxExamples]
	}
}

func (a *Accounting) skip(line int64, reason string) {
	key := reason
	if i := strings.Index(reason, ":"); i > 0 {
		key = reason[:i]
	}
	a.Skipped[key]++
	a.example(line, reason)
}

func (a *Accounting) invalid(line int64, p problem) {
	key := p.field.String() + ": " + p.reason
	a.Invalid[key]++
	a.fieldBad[p.field]++
	a.invalidCount++
	if p.field == fields.NationalID && p.reason == fields.MaskedIDReason {
		a.maskedIDs++
	}
	a.lastInvalid = key
	a.example(line, key)
}

// clone copies the accounting (the reader's, shared by the lanes of one pass).
func (a *Accounting) clone() *Accounting {
	c := *a
	c.Skipped = maps.Clone(a.Skipped)
	c.Invalid = maps.Clone(a.Invalid)
	c.Examples = slices.Clone(a.Examples)
	c.Warnings = slices.Clone(a.Warnings)
	return &c
}

func (a *Accounting) merge(b *Accounting) {
	a.Read += b.Read
	a.Used += b.Used
	a.maskedIDs += b.maskedIDs
	for f := range numFields {
		a.fieldOK[f] += b.fieldOK[f]
		a.fieldBad[f] += b.fieldBad[f]
	}
	for k, v := range b.Skipped {
		a.Skipped[k] += v
	}
	for k, v := range b.Invalid {
		a.Invalid[k] += v
	}
	for _, e := range b.Examples {
		a.example(e.Line, e.Reason)
	}
}

// strictFirst keeps the first bad row by position (input, then line).
type strictFirst struct {
	mu   sync.Mutex
	src  int
	line int64
	err  *StrictError
}

func (s *strictFirst) offer(src int, name string, line int64, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil && (s.src < src || s.src == src && s.line <= line) {
		return
	}
	s.src, s.line = src, line
	s.err = &StrictError{fmt.Sprintf("%s:%d", name, line), reason}
}

// StrictError is returned when Options.Strict is set and a row is bad: a
// row that is skipped, or that holds a value that does not normalize.
type StrictError struct{ Location, Reason string }

func (e *StrictError) Error() string {
	return fmt.Sprintf("%s: %s (--strict stops at the first bad row)", e.Location, e.Reason)
}

// batch is a run of records from one input, copied out of the reader.
type batch struct {
	src   int
	ncol  int
	lines []int64
	vals  []string
}

const batchRows = 4096

// handler processes records on one worker goroutine.
type handler interface {
	// row handles one record; it returns false when the row formed no index
	// (the caller counts it as skipped).
	row(src int, line int64, rec []string, acc *Accounting) bool
	// done is called once after the worker's last batch.
	done() error
}

// Options shared by build and check.
type Options struct {
	Workers  int // 0 = GOMAXPROCS
	Strict   bool
	Progress Progress

	countRows bool // estimate each input's distinct rows while reading (Accounting.rows)
}

func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

func (o Options) progress() Progress {
	if o.Progress == nil {
		return NoProgress
	}
	return o.Progress
}

// DroppedReason is the example reason for a record with values of keys that are not columns.
const DroppedReason = "values of keys first seen after the columns were fixed were dropped"

// NoIndexReason is the skip reason of a row that formed no index.
const NoIndexReason = "no index could be formed (its fields are empty or invalid)"

// run reads every input once, in order, and hands batches of records to
// workers made by newHandler. It returns one Accounting per input.
func run(ctx context.Context, inputs []*Input, opts Options, newHandler func(w int) handler) ([]*Accounting, error) {
	accs, err := runLanes(ctx, inputs, opts, 1, func(w int) []handler { return []handler{newHandler(w)} })
	if err != nil {
		return nil, err
	}
	return accs[0], nil
}

// totalSize is the inputs' size in bytes, for progress: -1 when one of them
// has no known size (standard input).
func totalSize(inputs []*Input) int64 {
	var total int64
	for _, in := range inputs {
		if in.Size < 0 {
			return -1
		}
		total += in.Size
	}
	return total
}

// runLanes is run with several handlers per worker, lanes of one pass
// (check with several filters): every record goes to each lane's handler in
// turn, and each lane has its own accounting, as if it had read the inputs
// alone. It returns, per lane, one Accounting per input.
func runLanes(ctx context.Context, inputs []*Input, opts Options, lanes int, newHandlers func(w int) []handler) ([][]*Accounting, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	nw := opts.workers()
	prog := opts.progress()
	prog.Start(Reading, totalSize(inputs))
	defer prog.Finish()

	var strict *strictFirst
	if opts.Strict {
		strict = &strictFirst{}
	}
	work := make(chan *batch, 2*nw)
	free := make(chan *batch, 4*nw)
	readAcc := make([]*Accounting, len(inputs))
	workerAcc := make([][][]*Accounting, nw) // worker → lane → input
	for i := range inputs {
		readAcc[i] = newAccounting(inputs[i].Display())
		inputs[i].countRows = opts.countRows
	}
	var wg sync.WaitGroup
	for w := 0; w < nw; w++ {
		laneAccs := make([][]*Accounting, lanes)
		for l := range laneAccs {
			laneAccs[l] = make([]*Accounting, len(inputs))
			for i := range inputs {
				laneAccs[l][i] = newAccounting(inputs[i].Display())
			}
		}
		workerAcc[w] = laneAccs
		hs := newHandlers(w)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				if ctx.Err() == nil {
					for l, h := range hs {
						handleBatch(b, h, laneAccs[l][b.src], opts.Strict, strict)
					}
				}
				select {
				case free <- b:
				default:
				}
			}
			for _, h := range hs {
				if err := h.done(); err != nil {
					cancel(err)
				}
			}
		}()
	}

	readErr := func() error {
		defer close(work)
		for i, in := range inputs {
			if err := readInput(ctx, i, in, readAcc[i], work, free, prog, strict); err != nil {
				return err
			}
		}
		return nil
	}()
	wg.Wait()
	if strict != nil && strict.err != nil {
		// The first bad row by position, whichever goroutine saw it first.
		return nil, strict.err
	}
	if readErr == nil {
		readErr = context.Cause(ctx)
	}
	if readErr != nil {
		return nil, readErr
	}
	out := make([][]*Accounting, lanes)
	for l := range out {
		out[l] = make([]*Accounting, len(inputs))
		for i, a := range readAcc {
			if l == lanes-1 {
				out[l][i] = a
			} else {
				out[l][i] = a.clone()
			}
		}
		for _, laneAccs := range workerAcc {
			for i, a := range laneAccs[l] {
				out[l][i].merge(a)
			}
		}
	}
	return out, nil
}

// handleBatch hands a batch's records to one handler, counting each row as
// used or skipped in acc.
func handleBatch(b *batch, h handler, acc *Accounting, isStrict bool, strict *strictFirst) {
	for i, line := range b.lines {
		rec := b.vals[i*b.ncol : (i+1)*b.ncol]
		before := acc.invalidCount
		if h.row(b.src, line, rec, acc) {
			acc.Used++
		} else {
			acc.skip(line, NoIndexReason)
			if isStrict {
				strict.offer(b.src, acc.Source, line, NoIndexReason)
			}
		}
		if isStrict && acc.invalidCount != before {
			strict.offer(b.src, acc.Source, line, acc.lastInvalid)
		}
	}
}

func readInput(ctx context.Context, src int, in *Input, acc *Accounting, work chan<- *batch, free chan *batch, prog Progress, strict *strictFirst) error {
	r, err := in.start()
	if err != nil {
		return err
	}
	defer in.Close()
	defer func() {
		if why := records.Truncation(r); why != "" {
			acc.Truncated, acc.TruncatedReason = true, why
		}
		acc.Warnings = records.Warnings(r)
		if in.countRows {
			acc.rows = rowsOf(r)
		}
	}()
	ncol := len(in.Mapping.Columns)
	keep, _ := project(in) // the workers' extractors index these only
	var b *batch
	newBatch := func() *batch {
		select {
		case nb := <-free:
			nb.src, nb.ncol = src, len(keep)
			nb.lines = nb.lines[:0]
			nb.vals = nb.vals[:0]
			return nb
		default:
			return &batch{src: src, ncol: len(keep), lines: make([]int64, 0, batchRows), vals: make([]string, 0, batchRows*len(keep))}
		}
	}
	send := func() error {
		if b == nil || len(b.lines) == 0 {
			return nil
		}
		select {
		case work <- b:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		b = nil
		return nil
	}
	lastBytes := int64(0)
	rowsSince := int64(0)
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			var re *records.RowError
			if errors.As(err, &re) {
				acc.Read++
				rowsSince++
				acc.skip(re.Line, re.Reason)
				if strict != nil {
					// Stop reading; the rows before this one still go to
					// the workers, which may hold an earlier bad row.
					strict.offer(src, acc.Source, re.Line, re.Reason)
					return send()
				}
				continue
			}
			if errors.Is(err, records.ErrTruncated) {
				return err // it names the input and says how many rows came before it
			}
			return fmt.Errorf("reading %s: %w (after %d rows)", in.Display(), err, acc.Read)
		}
		acc.Read++
		rowsSince++
		if rec.Dropped > 0 {
			acc.Dropped += int64(rec.Dropped)
			acc.example(rec.Line, DroppedReason)
		}
		if len(rec.Values) != ncol {
			acc.skip(rec.Line, fmt.Sprintf("ragged row: %d fields, header has %d", len(rec.Values), ncol))
			continue
		}
		if b == nil {
			b = newBatch()
		}
		b.lines = append(b.lines, rec.Line)
		for _, c := range keep {
			b.vals = append(b.vals, rec.Values[c])
		}
		if len(b.lines) == batchRows {
			if err := send(); err != nil {
				return err
			}
			n := r.BytesRead()
			prog.Advance(n-lastBytes, rowsSince)
			lastBytes, rowsSince = n, 0
		}
	}
	if err := send(); err != nil {
		return err
	}
	prog.Advance(r.BytesRead()-lastBytes, rowsSince)
	return nil
}

// rowsOf is the count of the rows r has given, and the estimate of the
// distinct ones: r was opened with records.Options.CountRows (Input.start).
func rowsOf(r records.Reader) records.RowCount {
	if rr, ok := r.(*replayReader); ok {
		r = rr.Reader
	}
	c, ok := records.Rows(r)
	if !ok {
		panic("engine: rows of an input not opened to count them")
	}
	return c
}

// sortedKeys returns a map's keys in order, for deterministic output.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
