package report

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/leakcheck/leakcheck/internal/engine"
)

// Localization and dating (check --group-by), from the counts engine.Grouping collected. The
// model is written down in docs/report.md, "Where and when".

// GroupReport is the localization of the exposure over one registry column.
type GroupReport struct {
	Column string `json:"column"`
	// Unit is the bucket width of a date column ("day", "week", "month", "year"); empty for
	// other columns.
	Unit    string         `json:"unit,omitempty"`
	Buckets []BucketReport `json:"buckets"`
	// Summary names the groups the exposure concentrates in, in one sentence.
	Summary string `json:"summary"`
}

// BucketReport is one group: a value of the column (or a date bucket, or OtherGroup).
type BucketReport struct {
	Value   string `json:"value"`
	Records int64  `json:"records"`
	Exposed int64  `json:"exposed"`
	// Share is Exposed/Records, with its 95% Clopper-Pearson interval.
	Share float64    `json:"share"`
	CI95  [2]float64 `json:"ci95"`
	// ShareOfExposed and ShareOfRegistry: the group's part of all exposed records and of all
	// records checked. ShareOfExposed is null when no record of the column is exposed (a part
	// of nothing is no data, not 0%).
	ShareOfExposed  *float64 `json:"share_of_exposed"`
	ShareOfRegistry float64  `json:"share_of_registry"`
	// OverRepresented: more exposed records than the column's overall rate would give the group
	// by chance, at 5% corrected for the number of groups (Bonferroni).
	OverRepresented bool `json:"over_represented"`
	// P is the one-sided binomial p-value of the group's exposed count at the overall rate,
	// before the correction.
	P float64 `json:"p_value"`
}

// DatingReport is the estimate of when the copy was taken, from a date column.
type DatingReport struct {
	Column string `json:"column"`
	// LastExposed is the last date with an exposed record; SnapshotNotBefore equals it (the
	// copy holds it); SnapshotNotAfter is the first date by which the registry gained so many
	// records, none exposed, that their absence is no longer chance. Null where the data
	// cannot tell.
	LastExposed       *string `json:"last_exposed"`
	SnapshotNotBefore *string `json:"snapshot_not_before"`
	SnapshotNotAfter  *string `json:"snapshot_not_after"`
	// RateBefore is the share of records exposed up to LastExposed; After counts the registry
	// records dated after it.
	RateBefore float64 `json:"rate_before"`
	After      int64   `json:"records_after"`
	// ExposedAfter counts the exposed records dated after LastExposed: no more than chance
	// gives (coincidental joint matches), or LastExposed would be later.
	ExposedAfter int64  `json:"exposed_after"`
	Summary      string `json:"summary"`
	// Timeline: records and exposed records per bucket of the column's unit.
	Timeline []BucketReport `json:"-"`
}

// OtherGroup pools the groups with fewer records than the minimum.
const OtherGroup = "(other)"

// groupAlpha is the level of the over-representation and dating tests.
const groupAlpha = 0.05

// ErrHighCardinality is returned for a --group-by column with too many distinct values.
var ErrHighCardinality = errors.New("too many distinct values")

// AddGroups adds the localization and dating of the grouped columns to r. minGroup pools
// smaller groups as OtherGroup. A column with more than engine.MaxGroupValues distinct values
// that are not dates is an error: its groups would print identifiers.
func AddGroups(r *Report, cols []engine.GroupColumn, minGroup int64) error {
	r.Groups, r.Dating = []GroupReport{}, []DatingReport{}
	chance := chanceExposed(r)
	for _, c := range cols {
		if c.Refused {
			return fmt.Errorf("--group-by %s: %w (more than %d that are not dates): its groups would list identifiers, not parts of the registry; group by a column such as a state, a centre or a registration date", c.Spec.Column, ErrHighCardinality, engine.MaxGroupValues)
		}
		dates := 0
		var total int64
		for _, v := range c.Values {
			total += v.Records
			if v.IsDate {
				dates += int(v.Records)
			}
		}
		isDate := c.Spec.Unit != engine.UnitAuto || (total > 0 && float64(dates) >= 0.9*float64(total))
		if isDate {
			g, d := dateGroups(c, chance)
			r.Groups = append(r.Groups, g)
			r.Dating = append(r.Dating, d)
			continue
		}
		r.Groups = append(r.Groups, valueGroups(c, minGroup))
	}
	weighSnapshot(r)
	return nil
}

// chanceExposed is the share of registry records that joint evidence marks exposed by chance:
// per joint test, its candidates that are not exposed (candidates less the estimate) times the
// chance that such a candidate matches (filter false alarms and coincidence), summed over the
// tests (a record exposed on two counts once, so the sum is an upper bound), over the records
// checked.
func chanceExposed(r *Report) float64 {
	if r.Registry.Records <= 0 {
		return 0
	}
	var x float64
	for _, j := range r.Joint {
		if j.Candidates > 0 {
			q := j.ExpectedByChance / float64(j.Candidates)
			x += float64(max(0, j.Candidates-j.Estimate)) * q
		}
	}
	return min(1, x/float64(r.Registry.Records))
}

// valueGroups pools small groups and tests each for over-representation.
func valueGroups(c engine.GroupColumn, minGroup int64) GroupReport {
	var bs []BucketReport
	other := BucketReport{Value: OtherGroup}
	for _, v := range c.Values {
		if v.Records < minGroup {
			other.Records += v.Records
			other.Exposed += v.Exposed
			continue
		}
		bs = append(bs, BucketReport{Value: Printable(v.Key), Records: v.Records, Exposed: v.Exposed})
	}
	slices.SortFunc(bs, func(a, b BucketReport) int {
		if a.Records != b.Records {
			return int(b.Records - a.Records)
		}
		return strings.Compare(a.Value, b.Value)
	})
	if other.Records > 0 {
		bs = append(bs, other)
	}
	g := GroupReport{Column: Printable(c.Spec.Column), Buckets: bs}
	finishBuckets(g.Buckets, true)
	g.Summary = concentration(g)
	return g
}

// finishBuckets computes shares, intervals and (when test) over-representation.
func finishBuckets(bs []BucketReport, test bool) {
	var n, e int64
	for _, b := range bs {
		n += b.Records
		e += b.Exposed
	}
	rate := 0.0
	if n > 0 {
		rate = float64(e) / float64(n)
	}
	for i := range bs {
		b := &bs[i]
		if b.Records > 0 {
			b.Share = float64(b.Exposed) / float64(b.Records)
			lo, hi := ClopperPearson(b.Exposed, b.Records, groupAlpha)
			b.CI95 = [2]float64{lo, hi}
		}
		if e > 0 {
			s := float64(b.Exposed) / float64(e)
			b.ShareOfExposed = &s
		}
		if n > 0 {
			b.ShareOfRegistry = float64(b.Records) / float64(n)
		}
		b.P = 1
		if test && e > 0 && b.Exposed > 0 {
			b.P = BinomialSF(b.Exposed, b.Records, rate)
			b.OverRepresented = b.Share > rate && b.P*float64(len(bs)) < groupAlpha
		}
	}
}

// concentration names the over-represented groups in one sentence.
func concentration(g GroupReport) string {
	var exposed int64
	var over []BucketReport
	for _, b := range g.Buckets {
		exposed += b.Exposed
		if b.OverRepresented && b.Value != OtherGroup {
			over = append(over, b)
		}
	}
	switch {
	case exposed == 0:
		return fmt.Sprintf("no exposed record to localize by %s", g.Column)
	case len(over) == 0:
		return fmt.Sprintf("the exposed records are spread over %s as the registry is: no %s holds more of them than chance would give", g.Column, g.Column)
	}
	var sh, reg float64
	var names []string
	for _, b := range over {
		sh += *b.ShareOfExposed
		reg += b.ShareOfRegistry
		names = append(names, b.Value)
	}
	verb := "holds"
	if len(over) > 1 {
		verb = "hold"
	}
	return fmt.Sprintf("%s of exposed records are in %s, which %s %s of the registry", pctRound(sh), joinAnd(names), verb, pctRound(reg))
}

// pctRound writes a share as a short percentage (two significant digits, at most one
// decimal), except that a share near but not at 0 or 100% gets the digits that keep it from
// reading as 0 or 100% (pct).
func pctRound(x float64) string {
	p := 100 * x
	switch {
	case math.IsNaN(x):
		return "-"
	case p == 0 || p == 100:
		return fmt.Sprintf("%.0f%%", p)
	case p < 0.1 || p > 99.5:
		return pct(x)
	case p >= 10:
		return fmt.Sprintf("%.0f%%", p)
	}
	return fmt.Sprintf("%.1f%%", p)
}

func pctRoundPtr(x *float64) string {
	if x == nil {
		return "no data"
	}
	return pctRound(*x)
}

func joinAnd(s []string) string {
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// dateGroups buckets a date column and dates the snapshot. Values that are not dates are
// pooled as OtherGroup.
func dateGroups(c engine.GroupColumn, chance float64) (GroupReport, DatingReport) {
	unit := c.Spec.Unit
	if unit == engine.UnitAuto {
		unit = engine.UnitMonth
	}
	type day struct {
		t       time.Time
		records int64
		exposed int64
	}
	var days []day
	other := BucketReport{Value: OtherGroup}
	for _, v := range c.Values {
		t, err := time.Parse(time.DateOnly, v.Key)
		if !v.IsDate || err != nil {
			other.Records += v.Records
			other.Exposed += v.Exposed
			continue
		}
		days = append(days, day{t, v.Records, v.Exposed})
	}
	slices.SortFunc(days, func(a, b day) int { return a.t.Compare(b.t) })
	var bs []BucketReport
	for _, d := range days {
		key := bucketOf(d.t, unit)
		if len(bs) == 0 || bs[len(bs)-1].Value != key {
			bs = append(bs, BucketReport{Value: key})
		}
		bs[len(bs)-1].Records += d.records
		bs[len(bs)-1].Exposed += d.exposed
	}
	if other.Records > 0 {
		bs = append(bs, other)
	}
	g := GroupReport{Column: Printable(c.Spec.Column), Unit: unit.String(), Buckets: bs}
	finishBuckets(g.Buckets, false)

	d := DatingReport{Column: Printable(c.Spec.Column)}
	// The last exposed date: the earliest date with an exposed record after which the exposed
	// records are no more than chance gives (chance is the rate of coincidental joint matches,
	// rows that only share an identifier and agree on a field by coincidence: a few of them
	// land on any date, and must not pass for the copy going on).
	var afterN, afterE int64
	tailN, tailE := make([]int64, len(days)), make([]int64, len(days))
	for i := len(days) - 1; i >= 0; i-- {
		tailN[i], tailE[i] = afterN, afterE
		afterN += days[i].records
		afterE += days[i].exposed
	}
	last := -1
	for i, x := range days {
		if x.exposed > 0 && (tailE[i] == 0 || chance > 0 && BinomialSF(tailE[i], tailN[i], chance) >= groupAlpha) {
			last = i
			break
		}
	}
	if last < 0 {
		d.Summary = fmt.Sprintf("the data cannot date the copy: no exposed record has a %s", c.Spec.Column)
		g.Summary = d.Summary
		return g, d
	}
	var nBefore, eBefore int64
	for _, x := range days[:last+1] {
		nBefore += x.records
		eBefore += x.exposed
	}
	le := days[last].t.Format(time.DateOnly)
	d.LastExposed, d.SnapshotNotBefore = &le, &le
	d.RateBefore = float64(eBefore) / float64(nBefore)
	// The copy's end: the first date by which the registry records dated after the last exposed
	// date hold so few exposed records, at the rate before it, that it is no longer chance:
	// P(X ≤ e), X ~ Binomial(m, rate before), below the level ((1 − rate)^m when none is).
	var m, e int64
	for _, x := range days[last+1:] {
		m += x.records
		e += x.exposed
		if d.SnapshotNotAfter == nil && d.RateBefore > chance && 1-BinomialSF(e+1, m, d.RateBefore) < groupAlpha {
			na := x.t.Format(time.DateOnly)
			d.SnapshotNotAfter = &na
		}
	}
	d.After, d.ExposedAfter = m, e
	after := fmt.Sprintf("none of the %s registry records dated after %s is exposed", num(m), longDate(le))
	if e > 0 {
		verb := "are"
		if e == 1 {
			verb = "is"
		}
		after = fmt.Sprintf("of the %s registry records dated after %s only %s %s exposed, as many as coincidence gives (rows that only share an identifier and agree on a field by chance)", num(m), longDate(le), num(e), verb)
	}
	if d.SnapshotNotAfter == nil {
		d.Summary = fmt.Sprintf("the copy was taken on or after %s (its last exposed record); the %s registry records dated after it are too few to show whether it stops there, so the data cannot date the copy more closely", longDate(le), num(m))
	} else {
		d.Summary = fmt.Sprintf("the copy was taken between %s and %s: %s, where %s%% of those before are", longDate(le), longDate(*d.SnapshotNotAfter), after, trimFloat(100*d.RateBefore))
	}
	g.Summary = d.Summary
	return g, d
}

func trimFloat(x float64) string {
	if x >= 10 {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.2g", x)
}

// longDate writes "2022-03-03" as "3 March 2022".
func longDate(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("2 January 2006")
}

// bucketOf names the bucket of a date: "2022-03-03", "2022-W09", "2022-03" or "2022".
func bucketOf(t time.Time, u engine.DateUnit) string {
	switch u {
	case engine.UnitDay:
		return t.Format(time.DateOnly)
	case engine.UnitWeek:
		y, w := t.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case engine.UnitYear:
		return t.Format("2006")
	}
	return t.Format("2006-01")
}

// barWidth is the width of the text charts.
const barWidth = 24

func bar(x float64) string {
	n := int(math.Round(x * barWidth))
	if x > 0 && n == 0 {
		return "▏"
	}
	return strings.Repeat("█", n)
}

// writeGroupsText writes the localization tables with a bar of each group's exposed share,
// and the dating timelines (records and exposed records per bucket, window marked).
func writeGroupsText(b *strings.Builder, r *Report) {
	for _, g := range r.Groups {
		if g.Unit != "" {
			continue // a date column: its timeline below
		}
		fmt.Fprintf(b, "\nWHERE: exposure by %s\n  %s.\n", g.Column, capitalize(g.Summary))
		tw := tabwriter.NewWriter(b, 2, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "  GROUP\tRECORDS\tEXPOSED\tSHARE (95% CI)\tOF EXPOSED\tOF REGISTRY\tOVER-REPRESENTED\tSHARE EXPOSED")
		for _, k := range g.Buckets {
			over := ""
			if k.OverRepresented {
				over = "yes"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s (%s–%s)\t%s\t%s\t%s\t%s\n", k.Value, num(k.Records), num(k.Exposed),
				pctRound(k.Share), pctRound(k.CI95[0]), pctRound(k.CI95[1]), pctRoundPtr(k.ShareOfExposed), pctRound(k.ShareOfRegistry), over, bar(k.Share))
		}
		tw.Flush()
	}
	for _, d := range r.Dating {
		fmt.Fprintf(b, "\nWHEN: dating by %s\n  %s.\n", d.Column, capitalize(d.Summary))
		var g *GroupReport
		for j := range r.Groups {
			if r.Groups[j].Column == d.Column && r.Groups[j].Unit != "" {
				g = &r.Groups[j]
			}
		}
		if g == nil {
			continue
		}
		var maxRec, maxExp int64 = 1, 1
		for _, k := range g.Buckets {
			maxRec, maxExp = max(maxRec, k.Records), max(maxExp, k.Exposed)
		}
		fmt.Fprintf(b, "  Registry records (░, up to %s a %s) and exposed records (█, up to %s a %s), each to its own scale.\n", num(maxRec), g.Unit, num(maxExp), g.Unit)
		tw := tabwriter.NewWriter(b, 2, 8, 2, ' ', 0)
		fmt.Fprintf(tw, "  %s\tRECORDS\tEXPOSED\tREGISTRY RECORDS\tEXPOSED RECORDS\t\n", strings.ToUpper(g.Unit))
		for _, k := range g.Buckets {
			mark := ""
			if d.LastExposed != nil && k.Value != OtherGroup && inWindow(k.Value, *d.SnapshotNotBefore, d.SnapshotNotAfter, g.Unit) {
				mark = "◀ copy taken"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", k.Value, num(k.Records), num(k.Exposed),
				scaledBar(k.Records, maxRec, "░"), scaledBar(k.Exposed, maxExp, "█"), mark)
		}
		tw.Flush()
	}
}

// scaledBar draws n of at most most as a bar of runes r, at least one rune for any n > 0.
func scaledBar(n, most int64, r string) string {
	w := int(math.Round(float64(n) / float64(max(most, 1)) * barWidth))
	if n > 0 && w == 0 {
		w = 1
	}
	return strings.Repeat(r, w)
}

// inWindow reports whether a date bucket overlaps the snapshot window.
func inWindow(bucket, notBefore string, notAfter *string, unit string) bool {
	lo, err := time.Parse(time.DateOnly, notBefore)
	if err != nil {
		return false
	}
	hi := lo
	if notAfter != nil {
		if t, err := time.Parse(time.DateOnly, *notAfter); err == nil {
			hi = t
		}
	}
	var u engine.DateUnit
	switch unit {
	case "day":
		u = engine.UnitDay
	case "week":
		u = engine.UnitWeek
	case "year":
		u = engine.UnitYear
	default:
		u = engine.UnitMonth
	}
	for t := lo; !t.After(hi); t = t.AddDate(0, 0, 1) {
		if bucketOf(t, u) == bucket {
			return true
		}
	}
	return false
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
