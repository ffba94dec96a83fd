package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leakcheck/leakcheck/internal/fields"
)

// Localization and dating (check --group-by): while Check runs, a Grouping counts, per value
// of a registry column, the records checked and those that are evidence of exposure
// (Outcome.Exposed). It sees each record's values through RowObserver, keeps only the counts per
// value, and never a value of a column with more than MaxGroupValues distinct values that are
// not dates: such a column would list identifiers.

// MaxGroupValues is the most distinct values, dates aside, a --group-by column may have.
const MaxGroupValues = 1000

// maxRawCache bounds the distinct raw values a worker remembers per column: past it, values
// are normalized each time instead of looked up.
const maxRawCache = 1 << 16

// DateUnit is the bucket width of a date column's groups.
type DateUnit int

// Date units; UnitAuto is a month for a date column.
const (
	UnitAuto DateUnit = iota
	UnitDay
	UnitWeek
	UnitMonth
	UnitYear
)

var unitNames = map[string]DateUnit{"day": UnitDay, "week": UnitWeek, "month": UnitMonth, "year": UnitYear}

func (u DateUnit) String() string {
	for n, v := range unitNames {
		if v == u {
			return n
		}
	}
	return "month"
}

// GroupSpec is one --group-by: a registry column, and for a date column its bucket width.
type GroupSpec struct {
	Column string
	Unit   DateUnit // UnitAuto unless COLUMN:day|week|month|year says otherwise
}

// ParseGroupSpec reads "COLUMN" or "COLUMN:UNIT" (UNIT one of day, week, month, year). A
// column whose name itself ends in ":word" for another word keeps it.
func ParseGroupSpec(s string) (GroupSpec, error) {
	if i := strings.LastIndexByte(s, ':'); i > 0 {
		if u, ok := unitNames[strings.ToLower(s[i+1:])]; ok {
			return GroupSpec{Column: s[:i], Unit: u}, nil
		}
	}
	if strings.TrimSpace(s) == "" {
		return GroupSpec{}, fmt.Errorf("empty column name")
	}
	return GroupSpec{Column: s}, nil
}

// GroupValue counts the registry records with one value of a group column.
type GroupValue struct {
	Key     string // the normalized value, or "YYYY-MM-DD" for a date
	IsDate  bool
	Records int64
	Exposed int64
}

// GroupColumn is the outcome of one --group-by column.
type GroupColumn struct {
	Spec GroupSpec
	// Refused is set for a column with more than MaxGroupValues distinct values that are not
	// dates; Values is then empty.
	Refused bool
	// Values holds every distinct value with its counts (dates at day resolution).
	Values []GroupValue
}

// Grouping aggregates outcomes per group column value; see CheckOptions.Observe.
type Grouping struct {
	specs   []GroupSpec
	cols    [][]int // per input, per spec: the column
	norm    *fields.Normalizer
	workers []*groupWorker
}

// NewGrouping finds each group column in every input: by exact name, else the one name equal
// ignoring case, else the one whose ColumnKey equals the spec's.
func NewGrouping(inputs []*Input, specs []GroupSpec, norm *fields.Normalizer) (*Grouping, error) {
	g := &Grouping{specs: specs, norm: norm}
	for _, in := range inputs {
		var cs []int
		for _, sp := range specs {
			c, err := groupColumn(in.Mapping.Columns, sp.Column)
			if err != nil {
				return nil, fmt.Errorf("--group-by %s: %s: %w", sp.Column, in.Display(), err)
			}
			cs = append(cs, c)
			if !slices.Contains(in.Keep, c) {
				in.Keep = append(in.Keep, c)
			}
		}
		// Rows reach the observers projected to the columns check reads.
		keep, _ := project(in)
		for j, c := range cs {
			cs[j] = slices.Index(keep, c)
		}
		g.cols = append(g.cols, cs)
	}
	return g, nil
}

func groupColumn(cols []string, name string) (int, error) {
	var fold, key []int
	for i, c := range cols {
		switch {
		case c == name:
			return i, nil
		case strings.EqualFold(c, name):
			fold = append(fold, i)
		case fields.ColumnKey(c) == fields.ColumnKey(name):
			key = append(key, i)
		}
	}
	for _, cands := range [][]int{fold, key} {
		switch len(cands) {
		case 1:
			return cands[0], nil
		case 0:
			continue
		default:
			return 0, fmt.Errorf("%d columns match the name; give it exactly", len(cands))
		}
	}
	return 0, fmt.Errorf("no such column")
}

// Observe returns worker w's observer (CheckOptions.Observe).
func (g *Grouping) Observe(w int) Observer {
	gw := &groupWorker{g: g, cols: make([]groupCounts, len(g.specs))}
	for i := range gw.cols {
		gw.cols[i] = groupCounts{keys: map[string]int32{}, raw: map[string]int32{}}
	}
	g.workers = append(g.workers, gw)
	return gw
}

// groupWorker is one worker's counts.
type groupWorker struct {
	g    *Grouping
	cols []groupCounts
	slot []int32 // per pending slot and spec: the value's id, or -1
}

type groupCounts struct {
	keys    map[string]int32 // normalized value → id
	raw     map[string]int32 // raw value → id (a cache, bounded by maxRawCache)
	vals    []GroupValue
	refused bool
}

func (w *groupWorker) Row(slot, src int, rec []string) {
	n := len(w.cols)
	if need := (slot + 1) * n; len(w.slot) < need {
		w.slot = append(w.slot, make([]int32, need-len(w.slot))...)
	}
	for j := range w.cols {
		c := w.g.cols[src][j]
		raw := ""
		if c < len(rec) {
			raw = rec[c]
		}
		w.slot[slot*n+j] = w.cols[j].id(raw, w.g.norm)
	}
}

// id returns the value's id, adding it when new, or -1 for a refused column.
func (gc *groupCounts) id(raw string, norm *fields.Normalizer) int32 {
	if id, ok := gc.raw[raw]; ok {
		return id
	}
	if gc.refused {
		return -1
	}
	key, isDate := groupKey(raw, norm)
	id, ok := gc.keys[key]
	if !ok {
		if !isDate && gc.nonDates() >= MaxGroupValues {
			gc.refused = true
			gc.keys, gc.raw, gc.vals = nil, nil, nil
			return -1
		}
		// Kept for the whole check: copied, so as not to keep the block of records a
		// reader cut the value from (records.Record).
		key = strings.Clone(key)
		id = int32(len(gc.vals))
		gc.vals = append(gc.vals, GroupValue{Key: key, IsDate: isDate})
		gc.keys[key] = id
	}
	if len(gc.raw) < maxRawCache {
		gc.raw[strings.Clone(raw)] = id
	}
	return id
}

func (gc *groupCounts) nonDates() int {
	n := 0
	for _, v := range gc.vals {
		if !v.IsDate {
			n++
		}
	}
	return n
}

// BlankGroup is the group of records with no value in the column.
const BlankGroup = "(blank)"

// groupKey normalizes a group column's value: a date to "YYYY-MM-DD", any other value as a
// text field is (NFKC, case-folded, spaces collapsed), a blank to BlankGroup.
func groupKey(raw string, norm *fields.Normalizer) (string, bool) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return BlankGroup, false
	}
	if looksLikeDate(s) {
		if v, err := norm.Normalize(fields.DOB, s); err == nil && v != "" {
			return v, true
		}
	}
	v, err := fields.NormalizeText(s)
	if err != nil || v == "" {
		return BlankGroup, false
	}
	return v, false
}

// looksLikeDate is a cheap test before the date parser: a digit and at most 40 bytes.
func looksLikeDate(s string) bool {
	return len(s) <= 40 && strings.ContainsAny(s, "0123456789")
}

func (w *groupWorker) Record(o *Outcome) {
	n := len(w.cols)
	for j := range w.cols {
		id := w.slot[o.Slot*n+j]
		gc := &w.cols[j]
		if id < 0 || gc.refused {
			continue
		}
		v := &gc.vals[id]
		v.Records++
		if o.Exposed {
			v.Exposed++
		}
	}
}

func (w *groupWorker) Done() {}

// Result merges the workers' counts, after Check returned.
func (g *Grouping) Result() []GroupColumn {
	out := make([]GroupColumn, len(g.specs))
	for j, sp := range g.specs {
		gc := GroupColumn{Spec: sp}
		idx := map[string]int{}
		for _, w := range g.workers {
			c := &w.cols[j]
			if c.refused {
				gc.Refused = true
				continue
			}
			for _, v := range c.vals {
				if v.Records == 0 {
					continue
				}
				i, ok := idx[v.Key]
				if !ok {
					i = len(gc.Values)
					idx[v.Key] = i
					gc.Values = append(gc.Values, GroupValue{Key: v.Key, IsDate: v.IsDate})
				}
				gc.Values[i].Records += v.Records
				gc.Values[i].Exposed += v.Exposed
			}
		}
		nonDates := 0
		for _, v := range gc.Values {
			if !v.IsDate {
				nonDates++
			}
		}
		if gc.Refused || nonDates > MaxGroupValues {
			gc.Refused, gc.Values = true, nil
		}
		out[j] = gc
	}
	return out
}
