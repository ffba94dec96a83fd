// Package engine runs leakcheck's two pipelines: build (records → normalized
// fields → keyed entry digests → filter) and check (registry records →
// digests → tested against a filter → counts). Both read every input once,
// spread normalization and hashing over all cores, and return values; they
// never print. Progress is reported through the Progress interface.
package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/index"
	"github.com/leakcheck/leakcheck/internal/keyhash"
	"github.com/leakcheck/leakcheck/internal/records"
)

// Pass says what a pass over the inputs does, for the words its progress is
// shown in.
type Pass int

const (
	// Reading reads the inputs' records (build, check) or filters (merge).
	Reading Pass = iota
	// Counting counts the inputs' rows before build reads them, to size the
	// filter: bytes are reported as they are scanned, and each input's rows
	// once its count is known.
	Counting
)

// Progress receives progress reports, one pass at a time: a build that
// counts its inputs first makes a Counting pass, finished before its
// Reading pass starts. Implementations must be safe for concurrent use.
// NoProgress discards them.
type Progress interface {
	// Start begins a pass and announces its total input size in bytes (-1
	// when unknown).
	Start(pass Pass, totalBytes int64)
	// Advance adds bytes consumed and rows read.
	Advance(bytes, rows int64)
	// Finish is called once when the pass is over.
	Finish()
}

type noProgress struct{}

func (noProgress) Start(Pass, int64)    {}
func (noProgress) Advance(int64, int64) {}
func (noProgress) Finish()              {}

// NoProgress is a Progress that does nothing.
var NoProgress Progress = noProgress{}

// MapOptions say how the inputs' columns become fields.
type MapOptions struct {
	// Overrides map fields to named columns (--field NAME=COLUMN); a field a person can have
	// several of (fields.Field.MultiColumn) may name several.
	Overrides map[fields.Field][]string
	// DateOrder reads every input's numeric dates in this order. DateOrderUnknown detects
	// each input's order from the values of its dob column (see DateEvidence).
	DateOrder fields.DateOrder
}

// Input is one opened input with its column mapping.
type Input struct {
	Name    string // as given by the user, or a file under a directory or archive member ("a.zip!b.csv"); "-" is stdin
	Mapping fields.Mapping
	// DateOrder is the order the input's numeric dates are read in: given by
	// MapOptions.DateOrder, or detected from DateEvidence (DateDetected).
	DateOrder    fields.DateOrder
	DateDetected bool
	// DateEvidence is what the first rows' dates said about their order
	// (DateSampled rows were looked at), when the input has a dob column and
	// no order was given.
	DateEvidence fields.DateEvidence
	DateSampled  int
	Size         int64 // bytes, -1 when unknown
	// Detected says how the input is read: container, format, encoding, and why.
	Detected records.Detection
	// Keep lists raw columns, beyond the mapped ones, that check's observers
	// read (--group-by); every other unmapped column is dropped at reading.
	Keep   []int
	reader records.Reader
	closer io.Closer
	src    *records.Source
	ropts  records.Options
	// countRows makes start open the input to count its rows as they are
	// read (records.Options.CountRows); a source read once counts them from
	// the start.
	countRows bool
}

// Close releases the input.
func (in *Input) Close() error {
	if in.closer == nil {
		return nil
	}
	c := in.closer
	in.closer = nil
	return c.Close()
}

// Display is the name used in messages.
func (in *Input) Display() string {
	if in.Name == "-" {
		return "stdin"
	}
	return in.Name
}

// Open opens every input and maps its columns. On error, inputs already
// opened are closed. Every source must be usable; see OpenAll for the
// skipping of non-data files in directories, archives and workbooks.
func Open(paths []string, mo MapOptions, ropts records.Options) ([]*Input, error) {
	ins, skipped, err := open(paths, mo, ropts, false)
	if err == nil && len(skipped) > 0 {
		panic("engine: skipped a source without skipping enabled")
	}
	return ins, err
}

// SkippedSource is a file, archive member or sheet that OpenAll did not read, and why (a
// fixed phrase or a reader error, never content).
type SkippedSource struct {
	Name   string `json:"source"`
	Reason string `json:"reason"`
}

// OpenAll is Open for paths that may hold files that are not data: where a path gives several
// sources (a directory, a zip archive, a workbook of several sheets), a source that is empty,
// is not in a data format (HTML, binary), or has no identifying column (phone, national_id,
// email) is skipped and returned with the reason, instead of failing the run. A path none of
// whose sources is usable is an error that lists why. Damaged data (a truncated archive
// member) is never skipped.
func OpenAll(paths []string, mo MapOptions, ropts records.Options) ([]*Input, []SkippedSource, error) {
	return open(paths, mo, ropts, true)
}

func open(paths []string, mo MapOptions, ropts records.Options, skip bool) ([]*Input, []SkippedSource, error) {
	if len(paths) == 0 {
		return nil, nil, fmt.Errorf("no input files given (use - for standard input)")
	}
	var out []*Input
	var skipped []SkippedSource
	fail := func(err error) ([]*Input, []SkippedSource, error) {
		for _, in := range out {
			in.Close()
		}
		return nil, nil, err
	}
	stdin := 0
	for _, p := range paths {
		if p == "-" {
			stdin++
			if stdin > 1 {
				return fail(fmt.Errorf("standard input (-) can be named only once"))
			}
		}
		// One path can hold several sources: the files under a directory, the members
		// of a zip archive, the sheets of a workbook. Each is an input of its own, with its
		// own mapping and accounting.
		srcs, err := records.Sources(p, ropts)
		if err != nil {
			if strings.HasPrefix(err.Error(), displayPath(p)) {
				return fail(err) // already names the input
			}
			return fail(fmt.Errorf("reading %s: %w", displayPath(p), err))
		}
		var mine []SkippedSource
		usable := 0
		for _, src := range srcs {
			if src.Excluded {
				why := src.SkipReason
				if why == "" {
					why = "excluded by --exclude"
				}
				mine = append(mine, SkippedSource{src.Name, why})
				continue
			}
			in, err := openSource(p, src, mo, ropts)
			if err == nil && skip && len(srcs) > 1 && !identifying(in.Mapping) {
				in.Close()
				mine = append(mine, SkippedSource{src.Name, "no identifying column (phone, national_id or email)"})
				continue
			}
			if err != nil {
				if skip && len(srcs) > 1 && notData(err) {
					mine = append(mine, SkippedSource{src.Name, skipReason(src.Name, err)})
					continue
				}
				return fail(err)
			}
			out = append(out, in)
			usable++
		}
		if usable == 0 && len(mine) > 0 {
			var why []string
			for _, s := range mine {
				why = append(why, s.Name+": "+s.Reason)
			}
			return fail(fmt.Errorf("%s: none of its %d files, members or sheets holds data leakcheck can use (%s)", displayPath(p), len(srcs), strings.Join(why, "; ")))
		}
		skipped = append(skipped, mine...)
	}
	return out, skipped, nil
}

// identifying reports whether a mapping has a column for a field that identifies a person.
func identifying(m fields.Mapping) bool {
	for f := range m.ByField {
		if f.Identifying() {
			return true
		}
	}
	for f := range m.Ambiguous {
		if f.Identifying() {
			return true
		}
	}
	return false
}

// notData reports the open errors of a source that is not data: an empty file or sheet, a
// format that is not read (HTML, binary, a document), no header, an override column missing.
func notData(err error) bool {
	return errors.Is(err, records.ErrNoHeader) || errors.Is(err, records.ErrNoRecords) ||
		errors.Is(err, records.ErrNotData) || errors.Is(err, fields.ErrNoColumn) || errors.Is(err, errDataHeader)
}

// skipReason is the open error without the source's name in front.
func skipReason(name string, err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "reading ")
	s = strings.TrimPrefix(s, name)
	return strings.TrimLeft(s, ": ")
}

// errDataHeader is the error of a header row that looks like data.
var errDataHeader = errors.New("the first row looks like data, not column names")

// MaxColumns is the most columns an input may have: Excel's and
// LibreOffice's limit (column XFD). Only the mapped columns are copied out of
// each record (see project), so this bounds the work of mapping a header, not
// the memory of the pipeline.
const MaxColumns = 16384

// openSource opens one source and maps its columns. A source that can be read again is
// closed until the pipeline reads it (see start), so that a directory or archive of many
// files does not hold them all open.
func openSource(p string, src *records.Source, mo MapOptions, ropts records.Options) (*Input, error) {
	if src.Once() {
		ropts.CountRows = true // it cannot be opened again to count (see Build)
	}
	r, c, err := src.Open(ropts)
	if err != nil {
		if strings.HasPrefix(err.Error(), src.Name+":") {
			return nil, err // already names the source
		}
		return nil, fmt.Errorf("reading %s: %w", src.Name, err)
	}
	name := src.Name
	if p == "-" {
		name = "-"
	}
	in := &Input{Name: name, reader: r, closer: c, Size: src.Size, src: src, ropts: ropts, Detected: records.Detected(r)}
	if n := len(r.Columns()); n > MaxColumns {
		in.Close()
		return nil, fmt.Errorf("%s: the header row has %d columns, more than the %d leakcheck reads (the most a spreadsheet has); remove the columns that hold no identifier", src.Name, n, MaxColumns)
	}
	if i, why := dataLikeColumn(r.Columns()); i >= 0 {
		in.Close()
		return nil, fmt.Errorf("%s: %w (column %d %s); leakcheck needs a header row naming the columns: add one, or name them with --columns", src.Name, errDataHeader, i+1, why)
	}
	m, err := fields.AutoMap(r.Columns(), mo.Overrides)
	if err != nil {
		in.Close()
		return nil, fmt.Errorf("%s: %w", src.Name, err)
	}
	in.Mapping = m
	in.DateOrder = mo.DateOrder
	if col, ok := dateColumn(m); ok && mo.DateOrder == fields.DateOrderUnknown {
		if err := in.detectDateOrder(col, src.Once()); err != nil {
			in.Close()
			return nil, fmt.Errorf("reading %s: %w", src.Name, err)
		}
	}
	if !src.Once() {
		in.Close()
	}
	return in, nil
}

// Detecting a column's date order looks at its first dateSampleRows rows, or
// as many as fit in dateSampleBytes, whichever is fewer.
const (
	dateSampleRows  = 10_000
	dateSampleBytes = 8 << 20
)

// detectDateOrder reads the first rows' values of the dob column col and sets
// the input's date order from those that can be read only one way. An input
// that can be read only once keeps the rows it read, to give them again.
func (in *Input) detectDateOrder(col int, keep bool) error {
	var buf []bufferedRecord
	size := 0
	for in.DateSampled < dateSampleRows && size < dateSampleBytes {
		rec, err := in.reader.Next()
		var re *records.RowError
		if err != nil && !errors.As(err, &re) {
			if keep {
				buf = append(buf, bufferedRecord{err: err})
			}
			break
		}
		if err == nil {
			in.DateSampled++
			if col < len(rec.Values) {
				in.DateEvidence.Add(rec.Values[col])
			}
			for _, v := range rec.Values {
				size += len(v) + 16
			}
			rec.Values = slices.Clone(rec.Values)
		}
		if keep {
			buf = append(buf, bufferedRecord{rec: rec, err: err})
		}
	}
	in.DateOrder = in.DateEvidence.Order()
	in.DateDetected = in.DateOrder != fields.DateOrderUnknown
	if keep {
		in.reader = &replayReader{Reader: in.reader, buf: buf}
	}
	return nil
}

// bufferedRecord is one result of Reader.Next kept to be given again.
type bufferedRecord struct {
	rec records.Record
	err error
}

// replayReader gives the records it holds, then those of the reader.
type replayReader struct {
	records.Reader
	buf []bufferedRecord
}

func (r *replayReader) Next() (records.Record, error) {
	if len(r.buf) == 0 {
		return r.Reader.Next()
	}
	b := r.buf[0]
	r.buf[0] = bufferedRecord{}
	r.buf = r.buf[1:]
	return b.rec, b.err
}

// start returns the input's reader for the pipeline, opening the source again if openSource
// closed it. The columns must be the ones mapped.
func (in *Input) start() (records.Reader, error) {
	if in.reader != nil && in.closer != nil {
		return in.reader, nil
	}
	ropts := in.ropts
	ropts.CountRows = in.countRows
	r, c, err := in.src.Open(ropts)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", in.Display(), err)
	}
	if !slices.Equal(r.Columns(), in.Mapping.Columns) {
		c.Close()
		return nil, fmt.Errorf("reading %s: its columns changed since it was opened", in.Display())
	}
	in.reader, in.closer = r, c
	return r, nil
}

// Count counts the input's rows in a first pass, and estimates how many are
// distinct (see records.Source.CountRows).
func (in *Input) Count(ropts records.Options) (records.RowCount, error) {
	if in.src == nil {
		return records.RowCount{}, records.ErrNotCountable
	}
	return in.src.CountRows(ropts)
}

// Stamp is the state of the file the input is read from (records.Source.Stamp);
// ok is false for standard input.
func (in *Input) Stamp() (records.Stamp, bool, error) {
	if in.src == nil {
		return records.Stamp{}, false, nil
	}
	return in.src.Stamp()
}

func displayPath(p string) string {
	if p == "-" {
		return "stdin"
	}
	return p
}

// CloseAll closes every input.
func CloseAll(ins []*Input) {
	for _, in := range ins {
		in.Close()
	}
}

// Available reports the fields an input can provide, including derived ones:
// yob from a dob column, national_id_last4 from a national_id column.
func Available(m fields.Mapping) map[fields.Field]bool {
	av := map[fields.Field]bool{}
	for f := range m.ByField {
		av[f] = true
	}
	if av[fields.DOB] {
		av[fields.YOB] = true
	}
	if av[fields.NationalID] {
		av[fields.NationalIDLast4] = true
	}
	return av
}

// NotFormedCode says why an input cannot form an index.
type NotFormedCode int

const (
	Formed          NotFormedCode = iota // it can
	MissingColumn                        // no column holds one of its fields
	AmbiguousColumn                      // several columns look like one of its fields
)

// NotFormed is why an input cannot form an index: a code for decisions and
// a sentence for people (column names, never values).
type NotFormed struct {
	Code NotFormedCode
	Text string
}

// Formable reports whether the input can form ix, and if not, why.
func (in *Input) Formable(ix index.Index) (bool, string) {
	nf := in.formability(ix)
	return nf.Code == Formed, nf.Text
}

// formability says whether the input can form ix, and if not, why. An
// ambiguous column is reported before a missing one.
func (in *Input) formability(ix index.Index) NotFormed {
	av := Available(in.Mapping)
	var missing, ambiguous []string
	for _, f := range ix.Fields {
		if av[f] {
			continue
		}
		if _, ok := in.Mapping.Ambiguous[f]; ok {
			ambiguous = append(ambiguous, fmt.Sprintf("%s (columns %s all look like it; pick one with --field %s=COLUMN)", f, in.Mapping.AmbiguousList(f), f))
			continue
		}
		if spec, custom := f.Custom(); custom {
			missing = append(missing, fmt.Sprintf("%s (a custom field: map a column with --field %s=COLUMN, or name a column so that it reads %q in lower case with '_' between words)", f, spec.Name, spec.Name))
			continue
		}
		missing = append(missing, f.String())
	}
	switch {
	case len(ambiguous) > 0:
		return NotFormed{AmbiguousColumn, "ambiguous " + strings.Join(ambiguous, ", ")}
	case len(missing) > 0:
		return NotFormed{MissingColumn, "no column for " + strings.Join(missing, ", ")}
	}
	return NotFormed{}
}

// ColumnList renders an input's columns for error messages. Only the names
// leakcheck recognises are shown (fields.Mapping.Label): any other "header"
// may be the first record of a file without one, or a key path holding data.
func (in *Input) ColumnList() string {
	m := in.Mapping
	if !in.HeaderRecognised() {
		if in.Detected.Keyed {
			return fmt.Sprintf("%d keys, none a name leakcheck recognises (names not shown: a key leakcheck does not know may be data; a nested key is named parent.key)", len(m.Columns))
		}
		return fmt.Sprintf("%d columns, none with a name leakcheck recognises (names not shown: if the file has no header row, its first row is data; add a header row)", len(m.Columns))
	}
	if fields.Positional(m.Columns) {
		return fmt.Sprintf("the input names no columns, so leakcheck numbers them %s … %s (use these with --field)", m.Columns[0], m.Columns[len(m.Columns)-1])
	}
	var shown []string
	hidden := 0
	for i := range m.Columns {
		if m.Named(i) {
			shown = append(shown, m.Label(i))
		} else {
			hidden++
		}
	}
	if hidden > 0 {
		shown = append(shown, fmt.Sprintf("%d more not shown (names leakcheck does not recognise may be data)", hidden))
	}
	return strings.Join(shown, ", ")
}

// HeaderRecognised reports whether any column name is one leakcheck
// recognises (wholly, or by the last segment of a key path).
func (in *Input) HeaderRecognised() bool {
	return in.Mapping.Recognised() || len(in.Mapping.ByField) > 0
}

// project returns the columns the mapping feeds a field from, and those in
// in.Keep, in column order, and the mapping rewritten to index a record cut down to just those
// columns. The pipeline copies only these out of each record, so memory per
// batch depends on the fields, never on how wide a file claims to be (a CSV
// of a million columns, an xlsx header reaching column XFD).
func project(in *Input) ([]int, fields.Mapping) {
	m := in.Mapping
	var cols []int
	add := func(c int) {
		if !slices.Contains(cols, c) {
			cols = append(cols, c)
		}
	}
	for _, c := range in.Keep {
		add(c)
	}
	for f, c := range m.ByField {
		add(c)
		for _, a := range m.Also[f] {
			add(a)
		}
	}
	slices.Sort(cols)
	p := m
	p.ByField = make(map[fields.Field]int, len(m.ByField))
	p.Also = make(map[fields.Field][]int, len(m.Also))
	for f, c := range m.ByField {
		p.ByField[f] = slices.Index(cols, c)
		for _, a := range m.Also[f] {
			p.Also[f] = append(p.Also[f], slices.Index(cols, a))
		}
	}
	return cols, p
}

// extractor pulls the fields a set of indexes needs out of a record and
// normalizes them.
type extractor struct {
	norm    *fields.Normalizer
	need    []fields.Field // fields to produce, canonical order
	src     [numFields]source
	idCol   int
	maxSize int
}

// source says where a field's values come from: its columns (several for a
// field such as phone with mobile and alternate_mobile), or, for a derived
// field, the columns of the field it is derived from.
type source struct {
	cols    []int
	derived bool // yob from dob, national_id_last4 from national_id
}

const numFields = fields.MaxFields // built-in and custom fields

// row is the normalized view of one record.
type row struct {
	val  [numFields]string
	more [numFields][]string // further distinct values of a field with several columns
	have uint64              // bit f set when val[f] is valid
	many uint64              // bit f set when more[f] is not empty
	id   string
	// sc, when set, holds the values the normalizer's fast paths rewrite,
	// for one record: extract resets it, so a handler that keeps values
	// past the record (blind) leaves it nil. Check sets it: a record's
	// values are hashed and forgotten before the next is read.
	sc *fields.Scratch
}

func newExtractor(norm *fields.Normalizer, m fields.Mapping, need []fields.Field, wantID bool) *extractor {
	x := &extractor{norm: norm, idCol: -1, maxSize: 1 << 12}
	for _, f := range need {
		switch cols := m.ColumnsOf(f); {
		case len(cols) > 0:
			x.src[f] = source{cols: cols}
		case f == fields.YOB && len(m.ColumnsOf(fields.DOB)) > 0:
			x.src[f] = source{cols: m.ColumnsOf(fields.DOB), derived: true}
		case f == fields.NationalIDLast4 && len(m.ColumnsOf(fields.NationalID)) > 0:
			x.src[f] = source{cols: m.ColumnsOf(fields.NationalID), derived: true}
		default:
			continue
		}
		x.need = append(x.need, f)
	}
	if c, ok := m.ByField[fields.ID]; ok && wantID {
		x.idCol = c
	}
	return x
}

// problem is a field value that did not normalize.
type problem struct {
	field  fields.Field
	reason string
}

// extract fills r from rec. Values that do not normalize are reported to bad
// (field and reason only, never the value).
func (x *extractor) extract(rec []string, r *row, bad func(problem)) {
	r.have, r.many = 0, 0
	r.id = ""
	r.sc.Reset()
	if x.idCol >= 0 && x.idCol < len(rec) {
		r.id = strings.TrimSpace(rec[x.idCol])
	}
	for _, f := range x.need {
		s := &x.src[f]
		r.more[f] = r.more[f][:0]
		for _, c := range s.cols {
			if !s.derived && listField(f) && startsList(rec[c]) {
				if items, ok := jsonList(rec[c]); ok {
					if len(items) > maxListValues {
						bad(problem{f, fmt.Sprintf("list of more than %d values: only the first %d are used", maxListValues, maxListValues)})
						items = items[:maxListValues]
					}
					for _, it := range items {
						x.add(f, r, it, false, bad)
					}
					continue
				}
			}
			x.add(f, r, rec[c], s.derived, bad)
		}
	}
}

// add normalizes one raw value of f into r: the first valid value is val[f], further distinct
// ones go to more[f] (several columns for a field, or a list in one cell).
func (x *extractor) add(f fields.Field, r *row, raw string, derived bool, bad func(problem)) {
	v, ok := x.value(f, derived, raw, r.sc, bad)
	switch {
	case !ok:
	case r.have&(1<<uint(f)) == 0:
		r.val[f] = v
		r.have |= 1 << uint(f)
	case v != r.val[f] && !slices.Contains(r.more[f], v):
		r.more[f] = append(r.more[f], v)
		r.many |= 1 << uint(f)
	}
}

// startsList reports whether raw, trimmed, starts with '[': a JSON list. The
// common cell, a number (a digit or '+' first), is answered inline from its
// first byte, without trimming.
func startsList(raw string) bool {
	return len(raw) > 0 && raw[0]-'0' > 9 && raw[0] != '+' && trimmedList(raw)
}

func trimmedList(raw string) bool { return strings.HasPrefix(strings.TrimSpace(raw), "[") }

// maxListValues bounds the values taken from one cell.
const maxListValues = 32

// listField reports the fields whose cell may hold a list of values (the JSON reader keeps an
// array as its JSON text): the identifiers a person can have several of, such as the phones in
// contact.phones: [...].
func listField(f fields.Field) bool {
	return f == fields.Phone || f == fields.Email || f == fields.NationalID
}

// jsonList parses a cell holding a JSON array of strings and numbers; ok is false for
// anything else.
func jsonList(raw string) ([]string, bool) {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var items []any
	if err := dec.Decode(&items); err != nil || dec.More() {
		return nil, false
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		switch v := it.(type) {
		case string:
			out = append(out, v)
		case json.Number:
			out = append(out, string(v))
		case nil:
		default:
			return nil, false
		}
	}
	return out, true
}

// value normalizes one raw value of field f, reporting a value that does not
// normalize to bad.
func (x *extractor) value(f fields.Field, derived bool, raw string, sc *fields.Scratch, bad func(problem)) (string, bool) {
	if strings.TrimSpace(raw) == "" {
		return "", false
	}
	var v string
	var err error
	switch {
	case derived && f == fields.YOB:
		if v, err = x.norm.DOBYear(raw); err != nil {
			// The dob itself is reported when dob is needed; here it
			// only means no derived yob.
			if x.src[fields.DOB].cols == nil {
				bad(problem{fields.YOB, "no year: " + reasonOf(err)})
			}
			return "", false
		}
	default:
		v, err = x.norm.NormalizeInto(sc, f, raw)
	}
	if err != nil {
		if !(derived && f == fields.NationalIDLast4 && x.src[fields.NationalID].cols != nil) {
			bad(problem{f, reasonOf(err)})
		}
		return "", false
	}
	if v == "" {
		return "", false
	}
	if len(v) > x.maxSize {
		bad(problem{f, "value longer than 4096 bytes"})
		return "", false
	}
	return v, true
}

func reasonOf(err error) string {
	if inv, ok := err.(*fields.Invalid); ok {
		return inv.Reason
	}
	return "does not normalize"
}

// neededFields is the union of the indexes' fields in canonical order.
func neededFields(ixs []index.Index) []fields.Field {
	var need []fields.Field
	for _, f := range fields.All() {
		for _, ix := range ixs {
			if ix.Has(f) {
				need = append(need, f)
				break
			}
		}
	}
	return need
}

// entryHasher computes the digests of the indexes a row forms, for build
// and check alike. Each worker has its own.
type entryHasher struct {
	hasher []*keyhash.IndexHasher // per index, in the shared-key mode
	ixs    []index.Index
	masks  []uint64 // bit set of each index's fields
	names  []string // canonical name of each index
	vals   []string
	d      [bloom.ItemSize]byte
	oprf   *oprfEntries // OPRF key mode (oprf.go); nil in the shared-key mode
}

func newEntryHasher(keys *keyhash.Keys, ixs []index.Index, ids IdentifierKeys) *entryHasher {
	h := &entryHasher{ixs: ixs, masks: make([]uint64, len(ixs)), names: make([]string, len(ixs))}
	if ids != nil {
		h.oprf = newOPRFEntries(ids, ixs)
	}
	var kh *keyhash.Hasher
	if h.oprf == nil {
		kh = keys.NewHasher()
	}
	for i, ix := range ixs {
		h.masks[i], h.names[i] = mask(ix), ix.Name()
		if kh != nil {
			h.hasher = append(h.hasher, kh.Index(h.names[i]))
		}
	}
	return h
}

// digest computes into h.d the entry of index i for r, and reports false
// when r lacks a valid value for one of the index's fields. A row with
// several values of a field of the index has several entries: see each.
func (h *entryHasher) digest(r *row, i int) bool {
	if r.have&h.masks[i] != h.masks[i] {
		return false
	}
	h.vals = h.vals[:0]
	for _, f := range h.ixs[i].Fields {
		h.vals = append(h.vals, r.val[f])
	}
	return h.entry(i)
}

// entry computes into h.d the entry of index i for the values in h.vals.
func (h *entryHasher) entry(i int) bool {
	if h.oprf != nil {
		return h.oprf.entry(i, h.names[i], h.vals, &h.d)
	}
	h.hasher[i].Entry(h.vals, &h.d)
	return true
}

// each computes into h.d every entry of index i for r, one combination of
// its fields' values at a time, calling fn after each, and returns how many
// there were (0 when r lacks a field of the index).
func (h *entryHasher) each(r *row, i int, fn func()) int {
	if !h.digest(r, i) {
		return 0
	}
	fn()
	if r.many&h.masks[i] == 0 {
		return 1
	}
	fs := h.ixs[i].Fields
	var pos [numFields]int // per field of the index: 0 = val, k = more[k-1]
	n := 1
	for {
		k := 0 // odometer over the fields' values
		for ; k < len(fs); k++ {
			f := fs[k]
			if pos[k] < len(r.more[f]) {
				pos[k]++
				break
			}
			pos[k] = 0
		}
		if k == len(fs) {
			return n
		}
		h.vals = h.vals[:0]
		for j, f := range fs {
			if pos[j] == 0 {
				h.vals = append(h.vals, r.val[f])
			} else {
				h.vals = append(h.vals, r.more[f][pos[j]-1])
			}
		}
		if !h.entry(i) {
			return n
		}
		fn()
		n++
	}
}

// entriesPerRow is the most entries a row of m can have for index ix: the
// product of its fields' column counts.
func entriesPerRow(m fields.Mapping, ix index.Index) int {
	n := 1
	for _, f := range ix.Fields {
		c := len(m.ColumnsOf(f))
		switch {
		case c > 0:
		case f == fields.YOB:
			c = len(m.ColumnsOf(fields.DOB))
		case f == fields.NationalIDLast4:
			c = len(m.ColumnsOf(fields.NationalID))
		}
		n *= max(c, 1)
	}
	return n
}

// mask is the bit set of an index's fields.
func mask(ix index.Index) uint64 {
	var m uint64
	for _, f := range ix.Fields {
		m |= 1 << uint(f)
	}
	return m
}

// dataLikeColumn finds a column name that looks like an identifier rather
// than a name: a headerless file would otherwise have its first record
// printed as "column names".
func dataLikeColumn(cols []string) (int, string) {
	for i, c := range cols {
		digits := 0
		for _, r := range c {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		switch {
		case digits >= 6:
			return i, "holds a long number"
		case strings.Contains(c, "@"):
			return i, "holds an email address"
		}
	}
	return -1, ""
}
