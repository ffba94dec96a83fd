package report

// The text report, for people at a terminal. All of its wording and layout
// is in this file (the HTML report has its own, in html.go).

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/leakcheck/leakcheck/internal/engine"
)

// WriteJSON writes the report as one indented JSON object (schema
// leakcheck.report/v2, docs/report.md).
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Answers are the report's three answers in plain words.
type Answers struct {
	Exposure, Finding, Source string
}

// PlainAnswers words the three answers for people who do not read statistics.
func (r *Report) PlainAnswers() Answers {
	var a Answers
	e := r.Exposure
	switch r.Verdict {
	case Exposed:
		a.Exposure = fmt.Sprintf("Yes: about %s registry records are in the dump (95%% interval %s to %s).", num(e.Records), num(e.CI95[0]), num(e.CI95[1]))
	case NotExposed:
		a.Exposure = fmt.Sprintf("No record is shown to be: an exposure of %d or more records would have been found.", *e.DetectableRecords)
	default:
		a.Exposure = "Cannot tell: " + firstClause(e.Undetectable) + "."
	}
	switch r.Finding {
	case RegistryRecords:
		a.Finding = "Records of the registry's people."
	case Mixed:
		a.Finding = "A mix: registry records plus rows that only share identifiers with the registry."
	case IdentifiersOnly:
		a.Finding = "Registry identifiers with other people's details (a list that shares identifiers, not records)."
	default:
		a.Finding = "Unrelated to the registry."
	}
	switch r.Source.Assessment {
	case FromRegistry:
		a.Source = "From the registry, by the evidence below."
	case OtherSource:
		a.Source = "From another source, by the evidence below."
	default:
		a.Source = "Undetermined."
	}
	return a
}

func firstClause(s string) string {
	if i := strings.Index(s, ": "); i > 0 {
		return s[:i]
	}
	return s
}

// TextOptions say how the text report is laid out for its reader.
type TextOptions struct {
	// Width is the column at which prose wraps (never inside a word);
	// DefaultWidth when 0. Tables are not wrapped.
	Width int
	// Color marks the verdict with ANSI colours: only for a terminal whose
	// user did not set NO_COLOR (the caller decides).
	Color bool
}

// DefaultWidth is the width prose wraps to when the terminal's is unknown.
const DefaultWidth = 80

// WriteText writes the report for people at DefaultWidth, without colour.
func WriteText(w io.Writer, r *Report) error { return WriteTextWith(w, r, TextOptions{}) }

// WriteTextWith writes the report for people: verdict and the three
// answers first, then the evidence tables.
func WriteTextWith(w io.Writer, r *Report, o TextOptions) error {
	p := newProse(o)
	b := &p.b
	fmt.Fprintf(b, "VERDICT: %s\n", upperWords(string(r.Verdict)))
	p.para("  ", "  ", r.Reason+".")
	b.WriteString("\n")
	a := r.PlainAnswers()
	b.WriteString("1. Is the registry's people's data in the dump?\n")
	p.para("   ", "   ", a.Exposure)
	fmt.Fprintf(b, "2. What is the dump?  %s\n", upperWords(string(r.Finding)))
	p.para("   ", "   ", a.Finding)
	p.para("   ", "   ", r.FindingReason+".")
	fmt.Fprintf(b, "3. Where did it come from?  %s\n", upperWords(string(r.Source.Assessment)))
	p.para("   ", "   ", r.Source.Summary+".")
	for _, s := range r.Source.For {
		p.para("   for:     ", "            ", s+".")
	}
	for _, s := range r.Source.Against {
		p.para("   against: ", "            ", s+".")
	}
	b.WriteString("\n")

	f := r.Filter
	p.para("", "  ", fmt.Sprintf("Filter %s: built %s from %s dump records; fields %s", f.File, f.Created.UTC().Format("2006-01-02 15:04 MST"), num(f.Records), strings.Join(f.Fields, ", ")))
	line := fmt.Sprintf("false-alarm rate %s (target %s), normalization v%d, phone region %s", sci(f.FalsePositiveRate), sci(f.TargetFPR), f.Normalization, f.Region)
	if f.KeyFingerprint != "" {
		line += fmt.Sprintf(", key %s", f.KeyFingerprint)
	}
	p.para("  ", "  ", line)

	writeJointText(p, r)
	writeAgreementText(b, r)
	writeIndexText(p, r)
	writeRowsText(p, r)
	if len(r.Coincidence) > 0 {
		var parts []string
		for _, c := range r.Coincidence {
			parts = append(parts, fmt.Sprintf("%s %s", fieldWord(c.Field), pctOf(c.Coincidence)))
		}
		b.WriteString("\n")
		p.para("", "  ", "Coincidence (two different registry records agree on): "+strings.Join(parts, ", "))
	}
	if len(r.DumpOnlyFields) > 0 {
		b.WriteString("\n")
		p.para("", "  ", "The dump holds fields the registry does not: "+strings.Join(r.DumpOnlyFields, ", ")+".")
	}
	writeGroupsText(b, r)
	fmt.Fprintf(b, "\nREGISTRY ROWS (%s records checked)\n", num(r.Registry.Records))
	writeSourcesText(p, r.Registry.Sources)
	// Escaped as a second guard (printable.go); the colour, leakcheck's own
	// escape sequence, is put in after.
	_, err := io.WriteString(w, p.colorVerdict(PrintableLines(b.String()), r.Verdict))
	return err
}

// upperWords writes a code for a heading: "not_exposed" → "NOT EXPOSED".
func upperWords(code string) string { return strings.ToUpper(strings.ReplaceAll(code, "_", " ")) }

// prose builds the text report: paragraphs wrapped to the width, the
// verdict coloured when asked.
type prose struct {
	b     strings.Builder
	width int
	color bool
}

func newProse(o TextOptions) *prose {
	w := o.Width
	if w <= 0 {
		w = DefaultWidth
	}
	return &prose{width: w, color: o.Color}
}

// para writes text as one paragraph: its first line after first, the
// others after rest, each line at most the width (a word longer than a line
// stands on a line of its own, whole).
func (p *prose) para(first, rest, text string) {
	p.b.WriteString(Wrap(text, p.width, first, rest))
	p.b.WriteByte('\n')
}

// Wrap breaks text into lines of at most width columns (counted in runes),
// never inside a word: the first line starts with first, the others with
// rest. It is the text report's only line breaker.
func Wrap(text string, width int, first, rest string) string {
	var b strings.Builder
	b.WriteString(first)
	col := utf8.RuneCountInString(first)
	start := true
	for _, w := range strings.Fields(text) {
		n := utf8.RuneCountInString(w)
		switch {
		case start:
		case col+1+n > width:
			b.WriteString("\n" + rest)
			col = utf8.RuneCountInString(rest)
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += n
		start = false
	}
	return b.String()
}

// ANSI colours of the verdicts.
const (
	ansiRed    = "\x1b[1;31m"
	ansiGreen  = "\x1b[1;32m"
	ansiYellow = "\x1b[1;33m"
	ansiReset  = "\x1b[0m"
)

// colorVerdict colours the verdict of the report's first line, when asked:
// exposed red, not exposed green, inconclusive yellow.
func (p *prose) colorVerdict(text string, v Verdict) string {
	head := "VERDICT: " + upperWords(string(v))
	if !p.color || !strings.HasPrefix(text, head) {
		return text
	}
	c := ansiYellow
	switch v {
	case Exposed:
		c = ansiRed
	case NotExposed:
		c = ansiGreen
	}
	return "VERDICT: " + c + upperWords(string(v)) + ansiReset + text[len(head):]
}

func writeJointText(p *prose, r *Report) {
	if len(r.Joint) == 0 {
		return
	}
	b := &p.b
	e := r.Exposure
	b.WriteString("\n")
	p.para("", "  ", "JOINT EVIDENCE: registry records that match an identifier and a combination together")
	p.para("  ", "  ", fmt.Sprintf("(%s test(s), each at %s: at most %s chance of a false EXPOSED in this report)", num(int64(e.Tests)), sci(e.AlphaPerTest), sci(e.Alpha)))
	tw := tabwriter.NewWriter(b, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  IDENTIFIER\tCOMBINATION\tCANDIDATES\tMATCH BOTH\tBY CHANCE\tFILTER FALSE ALARMS\tP-VALUE\tRECORDS (95% CI)\tDETECTABLE")
	for _, j := range r.Joint {
		id := j.Identifier
		if id == "" {
			id = "(implied)"
		}
		mark := ""
		if j.BeyondChance {
			mark = " *"
		}
		fmt.Fprintf(tw, "  %s\t%s%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", id, j.Combination, mark, num(j.Candidates), num(j.Matched),
			fmtFloat(j.ExpectedByChance), fmtFloat(j.FilterFalseAlarms), pvalue(j.PValue), j.estimateWords(" (%s–%s)"), detectWords(j.DetectableRecords))
	}
	tw.Flush()
}

// estimateWords writes the joint test's estimate with its interval in the format interval
// (two %s), or "no data" when no record was a candidate: 0 of 0 is no data, not 0 (0–0).
func (j JointReport) estimateWords(interval string) string {
	if j.Candidates == 0 {
		return "no data"
	}
	return num(j.Estimate) + fmt.Sprintf(interval, num(j.CI95[0]), num(j.CI95[1]))
}

func detectWords(d *int64) string {
	if d == nil {
		return "none"
	}
	return "≥ " + num(*d)
}

func writeAgreementText(b *strings.Builder, r *Report) {
	if len(r.Agreement) == 0 {
		return
	}
	b.WriteString("\nAGREEMENT: of the matched records, how many agree on one more field\n")
	tw := tabwriter.NewWriter(b, 2, 8, 2, ' ', 0)
	for _, a := range r.Agreement {
		fmt.Fprintf(tw, "  %s\t%s → %s\t%s of %s\t%s (95%% CI %s–%s)\n", fieldWord(a.Field), a.Anchor, a.Combination, num(a.Agree), num(a.Of), pct(a.Share), pct(a.CI95[0]), pct(a.CI95[1]))
	}
	tw.Flush()
}

// writeIndexText writes the per-index table; the indexes that were not
// checked are listed under it, with their reasons as prose, so that a long
// reason does not widen the table.
func writeIndexText(p *prose, r *Report) {
	b := &p.b
	b.WriteString("\nPER INDEX (each on its own)\n")
	tw := tabwriter.NewWriter(b, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "INDEX\tCHECKED\tMATCHES\tWITH IDENTIFIER\tFILTER FALSE ALARMS\tOVERLAP (95% CI)\tP-VALUE\tDUMP ENTRIES MATCHED")
	var notChecked []IndexReport
	for _, x := range r.Indexes {
		if x.Status != Checked {
			notChecked = append(notChecked, x)
			continue
		}
		withID := "-"
		if x.MatchesWithIdentifier != nil {
			withID = num(*x.MatchesWithIdentifier)
		}
		share := "no data"
		if x.DumpShareMatched != nil {
			approx := ""
			if !x.DumpEntriesExact {
				approx = "≈"
			}
			share = fmt.Sprintf("%s%s of %s (%s)", approx, num(int64(x.DumpEntriesMatched)), num(int64(x.DumpEntries)), pct(*x.DumpShareMatched))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", x.Index, num(x.Checked), num(x.Matches), withID,
			fmtFloat(x.ExpectedFalsePositives), x.overlapWords(" (%s–%s)"), pvalue(x.PValue), share)
	}
	tw.Flush()
	for _, x := range notChecked {
		p.para("not checked: ", "  ", x.Index+": "+x.WhyNotChecked)
	}
}

// overlapWords writes the index's overlap estimate with its interval in the format interval
// (two %s), or "no data" when no registry record could form the index.
func (x IndexReport) overlapWords(interval string) string {
	if x.Checked == 0 {
		return "no data"
	}
	r := func(v float64) string { return num(int64(math.Round(v))) }
	return r(x.OverlapEstimate) + fmt.Sprintf(interval, r(x.OverlapCI95[0]), r(x.OverlapCI95[1]))
}

func writeSourcesText(p *prose, srcs []SourceAccounting) {
	for _, a := range srcs {
		line := fmt.Sprintf("%s: %s rows read, %s used, %s skipped", a.Source, num(a.RowsRead), num(a.RowsUsed), num(a.SkippedTotal()))
		if len(a.RowsSkipped) > 0 {
			line += fmt.Sprintf(" (%s)", reasonList(a.RowsSkipped))
		}
		p.para("  ", "    ", line)
		if len(a.InvalidValues) > 0 {
			p.para("    ", "      ", "values that did not normalize: "+reasonList(a.InvalidValues))
		}
		if a.ValuesDropped > 0 {
			p.para("    ", "      ", fmt.Sprintf("values dropped: %s (keys first seen after the columns were fixed from the first records)", num(a.ValuesDropped)))
		}
		if a.Truncated {
			p.para("    ", "      ", fmt.Sprintf("TRUNCATED INPUT: %s; the rows after it are missing (read with --allow-partial)", a.TruncatedReason))
		}
		for _, warn := range a.Warnings {
			p.para("    ", "      ", "WARNING: "+warn)
		}
		for _, e := range a.Examples {
			p.para("    ", "      ", e)
		}
	}
}

func reasonList(rs []Reason) string {
	var parts []string
	for _, r := range rs {
		what := r.Reason
		if r.Field != "" {
			what = r.Field + ": " + what
		}
		parts = append(parts, fmt.Sprintf("%s: %s", what, num(r.Count)))
	}
	return strings.Join(parts, "; ")
}

// WriteAccounting writes what became of every row of each input (build's
// summary, from the engine's accounting).
func WriteAccounting(w io.Writer, accs []*engine.Accounting) {
	p := newProse(TextOptions{Width: 1 << 20}) // stderr lines: not wrapped
	writeSourcesText(p, accountingOf(accs))
	io.WriteString(w, p.b.String())
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// pct writes a share as a percentage with enough digits that a share near
// (but not at) 0 or 100% does not read as 0 or 100%.
func pct(x float64) string {
	switch {
	case math.IsNaN(x):
		return "-"
	case x == 1:
		return "100%"
	case x == 0:
		return "0%"
	}
	p := 100 * x
	for d := 1; d <= 6; d++ {
		s := strconv.FormatFloat(p, 'f', d, 64)
		if s != "100."+strings.Repeat("0", d) && strings.Trim(s, "0.") != "" {
			return s + "%"
		}
	}
	return strconv.FormatFloat(p, 'g', 2, 64) + "%"
}

// pctOf writes a small probability as a percentage, or as "1 in N" when tiny.
func pctOf(x float64) string {
	if x > 0 && x < 1e-4 {
		return "1 in " + OneIn(x)
	}
	return pct(x)
}

func pctPtr(x *float64) string {
	if x == nil {
		return "no data"
	}
	return pct(*x)
}

// num writes a count with thousands separators.
func num(n int64) string { return Thousands(n) }

func fmtFloat(x float64) string {
	switch {
	case x == 0:
		return "0"
	case x < 0.01:
		return fmt.Sprintf("%.1e", x)
	case x < 100:
		return fmt.Sprintf("%.2f", x)
	}
	return Thousands(int64(math.Round(x)))
}

func sci(x float64) string {
	if x == 0 {
		return "0"
	}
	return fmt.Sprintf("%.1e", x)
}

func pvalue(p float64) string {
	switch {
	case p == 0:
		return "<1e-300"
	case p >= 0.01:
		return fmt.Sprintf("%.2f", p)
	}
	return fmt.Sprintf("%.1e", p)
}

// WriteMatchesCSV writes the matched registry records: source, line, id and
// the indexes they matched. It holds registry ids, which the operator asked
// for; never dump data.
func WriteMatchesCSV(w io.Writer, ms []engine.Match) error {
	if _, err := io.WriteString(w, "source,line,id,indexes\n"); err != nil {
		return err
	}
	for _, m := range ms {
		if _, err := fmt.Fprintf(w, "%s,%d,%s,%s\n", csvField(m.Source), m.Line, csvField(m.ID), csvField(strings.Join(m.Indexes, " "))); err != nil {
			return err
		}
	}
	return nil
}

func csvField(s string) string {
	// Neutralise spreadsheet formulas first: a quoted "=…" is still a formula to a
	// spreadsheet. (Source names can come from zip member names, ids from the registry.)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		s = "'" + s
	}
	if strings.ContainsAny(s, ",\"\r\n") || strings.HasPrefix(s, " ") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
