package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// The HTML report is one self-contained page for people who are not
// statisticians: verdict first in plain words, a chart (inline SVG) of matches
// against matches expected by chance, the evidence tables, the filter's
// metadata and how to reproduce the check. It loads nothing: no script, no
// style sheet, no font, no image, no link to anywhere. Like every report it
// holds counts and file names, never an identifier.

//go:embed report.html.tmpl
var htmlTemplateText string

var htmlTemplate = template.Must(template.New("report").Parse(htmlTemplateText))

// HTMLOptions add context to the HTML report.
type HTMLOptions struct {
	Tool      string    // e.g. "leakcheck v1.2.0 commit abc", shown and used in the reproduction steps
	Generated time.Time // when the report was made
	// Flags are the check's flags that shape what was read and counted ("--field
	// phone=mobile", shell-quoted): the reproduction step repeats them.
	Flags []string
}

type htmlPage struct {
	Title     string
	Tool      string
	Generated string
	FailOn    string
	Multi     bool
	Class     string // of the summary box
	Summary   []htmlSummary
	Reports   []htmlReport
	Errors    []Summary
}

type htmlSummary struct {
	Summary
	Anchor string
	Class  string
}

type htmlReport struct {
	R         *Report
	Anchor    string
	Class     string
	Headline  string
	Meaning   []string
	Answers   Answers
	Finding   string
	Why       string // the finding's reason, as a sentence
	Source    string
	Chart     *htmlChart
	Indexes   []htmlIndex
	Joint     []htmlJoint
	Agreement []htmlAgreement
	Groups    []htmlGroup
	Rows      []string // rows and people, as sentences
	Created   string
	FPR       string
	TargetFPR string
	Sources   []htmlSource
	Reproduce []string
	Verify    string
}

type htmlIndex struct {
	Name, Checked, Matches, WithID, Chance, Overlap, PValue, DumpShare string
	NotChecked                                                         string
}

type htmlJoint struct {
	Identifier, Combination, Candidates, Matched, Chance, FalseAlarms, PValue, Estimate, Detectable string
	Beyond                                                                                          bool
}

type htmlAgreement struct {
	Field, Compared, Of, Share, Range string
}

type htmlSource struct {
	Name                string
	Read, Used, Skipped int64
	Reasons             []string
	Examples            []string
}

// WriteHTML writes a check as one self-contained HTML page. A check against
// one filter gives a page about that filter; several give a summary table
// first and then one section per filter.
func WriteHTML(w io.Writer, c *Check, o HTMLOptions) error {
	p := htmlPage{
		Title:     "Data exposure check",
		Tool:      o.Tool,
		Generated: o.Generated.UTC().Format("2 January 2006, 15:04 MST"),
		FailOn:    failOnWords(c.FailOn),
		Multi:     len(c.Summary) > 1,
		Class:     "clear",
	}
	if c.Failed {
		p.Class = "exposed"
	}
	if c.Errors() > 0 {
		p.Class = "error"
	}
	if p.Tool == "" {
		p.Tool = "leakcheck"
	}
	for i, r := range c.Reports {
		p.Reports = append(p.Reports, htmlReportOf(r, fmt.Sprintf("filter-%d", i+1), p.Tool, o.Flags))
	}
	for _, s := range c.Summary {
		hs := htmlSummary{Summary: s, Class: cssClass(s.Verdict)}
		for _, hr := range p.Reports {
			if hr.R.Filter.File == s.Filter {
				hs.Anchor = hr.Anchor
			}
		}
		p.Summary = append(p.Summary, hs)
		if s.Verdict == VerdictError {
			p.Errors = append(p.Errors, s)
		}
	}
	if len(c.Reports) == 1 && !p.Multi {
		p.Title = "Data exposure check: " + headlineWord(c.Reports[0].Verdict)
	}
	return htmlTemplate.Execute(w, p)
}

func cssClass(verdict Verdict) string {
	switch verdict {
	case Exposed:
		return "exposed"
	case NotExposed:
		return "clear"
	case Inconclusive:
		return "unsure"
	}
	return "error"
}

func headlineWord(verdict Verdict) string {
	switch verdict {
	case Exposed:
		return "exposed"
	case NotExposed:
		return "not exposed"
	case Inconclusive:
		return "inconclusive"
	}
	return string(verdict)
}

func htmlReportOf(r *Report, anchor, tool string, flags []string) htmlReport {
	h := htmlReport{
		R: r, Anchor: anchor, Class: cssClass(r.Verdict),
		Created:   r.Filter.Created.UTC().Format("2 January 2006, 15:04 MST"),
		FPR:       sci(r.Filter.FalsePositiveRate) + " (" + oneInWords(r.Filter.FalsePositiveRate) + ")",
		TargetFPR: sci(r.Filter.TargetFPR),
	}
	h.Answers = r.PlainAnswers()
	h.Finding = strings.ReplaceAll(string(r.Finding), "_", " ")
	h.Why = capitalize(r.FindingReason)
	h.Source = strings.ReplaceAll(string(r.Source.Assessment), "_", " ")
	switch r.Verdict {
	case Exposed:
		h.Headline = "Exposed: records of the registry's people are in the dump."
		h.Meaning = []string{
			"Registry records match the dump on an identifier (such as the phone number) and, for the same records, on details that tell people apart (such as the name), far more often than chance could explain.",
			"Rows that merely share phone numbers with the registry would not match on those details; padding a dump with such rows does not change this count.",
		}
	case NotExposed:
		h.Headline = "Not exposed: no registry record is shown to be in the dump."
		h.Meaning = []string{
			"The registry's records match the dump on an identifier and its details together no more often than chance explains.",
			fmt.Sprintf("The check was strong enough to see an exposure: %d or more exposed records would have been found with at least 95%% probability.", derefOr(r.Exposure.DetectableRecords)),
		}
	default:
		h.Headline = "Inconclusive: this check cannot tell whether the registry's people's data is in the dump."
		h.Meaning = []string{"What could not be seen, and why: " + r.Exposure.Undetectable + "."}
	}
	for _, x := range r.Indexes {
		hi := htmlIndex{Name: x.Index}
		if x.Status != Checked {
			hi.NotChecked = x.WhyNotChecked
			h.Indexes = append(h.Indexes, hi)
			continue
		}
		hi.Checked = Thousands(x.Checked)
		hi.Matches = Thousands(x.Matches)
		hi.WithID = "-"
		if x.MatchesWithIdentifier != nil {
			hi.WithID = Thousands(*x.MatchesWithIdentifier)
		}
		hi.Chance = plainNum(x.ExpectedFalsePositives)
		hi.Overlap = x.overlapWords(" (%s to %s)")
		hi.PValue = pvalue(x.PValue)
		hi.DumpShare = "no data"
		if x.DumpShareMatched != nil {
			hi.DumpShare = fmt.Sprintf("%s of %s (%s)", Thousands(int64(x.DumpEntriesMatched)), Thousands(int64(x.DumpEntries)), pct(*x.DumpShareMatched))
		}
		h.Indexes = append(h.Indexes, hi)
	}
	for _, j := range r.Joint {
		id := j.Identifier
		if id == "" {
			id = "(implied by the combination)"
		}
		h.Joint = append(h.Joint, htmlJoint{
			Identifier: id, Combination: j.Combination, Candidates: Thousands(j.Candidates), Matched: Thousands(j.Matched),
			Chance: plainNum(j.ExpectedByChance), FalseAlarms: plainNum(j.FilterFalseAlarms), PValue: pvalue(j.PValue),
			Estimate:   j.estimateWords(" (%s to %s)"),
			Detectable: detectWords(j.DetectableRecords), Beyond: j.BeyondChance,
		})
	}
	for _, a := range r.Agreement {
		h.Agreement = append(h.Agreement, htmlAgreement{
			Field: fieldWord(a.Field), Compared: a.Anchor + " → " + a.Combination,
			Of: fmt.Sprintf("%s of %s", Thousands(a.Agree), Thousands(a.Of)), Share: pct(a.Share),
			Range: pct(a.CI95[0]) + " to " + pct(a.CI95[1]),
		})
	}
	var regs []string
	for _, a := range r.Registry.Sources {
		src := htmlSource{Name: a.Source, Read: a.RowsRead, Used: a.RowsUsed, Skipped: a.SkippedTotal()}
		for _, x := range a.RowsSkipped {
			src.Reasons = append(src.Reasons, fmt.Sprintf("%s skipped: %s", count(x.Count, "row", "rows"), x.Reason))
		}
		for _, x := range a.InvalidValues {
			src.Reasons = append(src.Reasons, fmt.Sprintf("%s did not normalize: %s: %s", count(x.Count, "value", "values"), x.Field, x.Reason))
		}
		if a.ValuesDropped > 0 {
			src.Reasons = append(src.Reasons, fmt.Sprintf("%s dropped: their keys were first seen after the columns were fixed", count(a.ValuesDropped, "value", "values")))
		}
		if a.Truncated {
			src.Reasons = append(src.Reasons, "TRUNCATED INPUT: "+a.TruncatedReason+"; the rows after it are missing")
		}
		for _, w := range a.Warnings {
			src.Reasons = append(src.Reasons, "WARNING: "+w)
		}
		src.Examples = a.Examples
		h.Sources = append(h.Sources, src)
		regs = append(regs, shellQuote(a.Source))
	}
	var opts []string // the check's flags, then its --group-by columns
	for _, f := range flags {
		opts = append(opts, f+" ")
	}
	for _, g := range r.Groups {
		spec := g.Column
		if g.Unit != "" {
			spec += ":" + g.Unit
		}
		opts = append(opts, "--group-by "+shellQuote(spec)+" ")
	}
	h.Chart = chartOf(r)
	h.Groups = htmlGroupsOf(r)
	for _, s := range r.RowsAndPeople {
		h.Rows = append(h.Rows, capitalize(s))
	}
	h.Reproduce = []string{
		"leakcheck inspect --verify --key KEYFILE " + shellQuote(r.Filter.File),
		"leakcheck check --key KEYFILE --filter " + shellQuote(r.Filter.File) + " " + strings.Join(opts, "") + strings.Join(regs, " "),
	}
	h.Verify = tool
	return h
}

func derefOr(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// ShellQuote quotes a value for a shell command line when it needs it (see shellQuote).
func ShellQuote(s string) string { return shellQuote(s) }

// shellQuote quotes a file name for a shell command line when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@+=,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// oneInWords renders a false-positive rate as "about 1 in 2 million".
func oneInWords(p float64) string {
	if p <= 0 {
		return "no false alarms possible"
	}
	return "about 1 in " + OneIn(p)
}

// OneIn renders 1/p for people, rounded to two significant digits: "a
// million", "2 million", "1.5 billion", "40 thousand", "250".
func OneIn(p float64) string {
	if p <= 0 || math.IsNaN(p) {
		return "never"
	}
	x := 1 / p
	units := []struct {
		v    float64
		name string
	}{{1e12, "trillion"}, {1e9, "billion"}, {1e6, "million"}, {1e3, "thousand"}}
	if x >= 1e15 {
		return strconv.FormatFloat(x, 'e', 1, 64)
	}
	for _, u := range units {
		if x >= u.v*0.995 {
			m := roundSig(x/u.v, 2)
			if m == 1 {
				return "a " + u.name
			}
			if m >= 1000 { // rounding carried into the next unit
				continue
			}
			return strconv.FormatFloat(m, 'f', -1, 64) + " " + u.name
		}
	}
	return strconv.FormatFloat(roundSig(x, 2), 'f', -1, 64)
}

func roundSig(x float64, digits int) float64 {
	if x == 0 {
		return 0
	}
	e := math.Pow(10, float64(digits)-math.Ceil(math.Log10(math.Abs(x))))
	return math.Round(x*e) / e
}

func count(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return Thousands(n) + " " + many
}

// Thousands writes n with comma separators: 1,234,567.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// plainNum writes a small expected count for people: 0.00049 rather than
// 4.9e-04, down to a millionth.
func plainNum(x float64) string {
	switch {
	case x == 0:
		return "0"
	case x >= 100:
		return Thousands(int64(math.Round(x)))
	case x >= 1:
		return strconv.FormatFloat(roundSig(x, 3), 'f', -1, 64)
	case x >= 1e-6:
		return strconv.FormatFloat(roundSig(x, 2), 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'e', 1, 64)
}

// The chart: one pair of horizontal bars per checked index, matches found and
// matches expected by chance, on a logarithmic axis.
type htmlChart struct {
	Width, Height int
	PlotX, PlotW  float64
	AxisY         int
	Rows          []chartRow
	Ticks         []chartTick
}

type chartRow struct {
	Label                 string
	Y, TextY              int
	MatchY, ChanceY       int
	MatchW, ChanceW       float64
	MatchText, ChanceText string
	MatchTX, ChanceTX     float64
	MatchTY, ChanceTY     int
	Beyond                bool
}

type chartTick struct {
	X     float64
	Label string
}

// chartOf draws the deciding evidence: per joint test, the registry records
// that match the identifier and the combination together, against what
// chance (filter false alarms and coincidence) gives.
func chartOf(r *Report) *htmlChart {
	type bar struct {
		label   string
		found   float64
		chance  float64
		beyond  bool
		foundTx string
	}
	var xs []bar
	for _, j := range r.Joint {
		label := j.Combination
		if j.Identifier != "" {
			label = j.Identifier + " & " + j.Combination
		}
		xs = append(xs, bar{label, float64(j.Matched), j.ExpectedByChance, j.BeyondChance, Thousands(j.Matched) + " found"})
	}
	if len(xs) == 0 {
		return nil
	}
	lo, hi := math.Inf(1), 1.0
	for _, x := range xs {
		for _, v := range []float64{x.found, x.chance} {
			if v > 0 {
				lo = min(lo, v)
				hi = max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 1) {
		lo = 0.1
	}
	loExp := math.Floor(math.Log10(lo))
	hiExp := math.Ceil(math.Log10(hi))
	if hiExp <= loExp {
		hiExp = loExp + 1
	}
	const (
		width   = 880
		plotX   = 250.0
		plotW   = 470.0
		rowH    = 46
		top     = 36
		barH    = 14
		textPad = 6
	)
	c := &htmlChart{Width: width, PlotX: plotX, PlotW: plotW}
	pos := func(v float64) float64 {
		if v <= 0 {
			return 0
		}
		t := (math.Log10(v) - loExp) / (hiExp - loExp)
		return math.Max(0, math.Min(1, t)) * plotW
	}
	for e := loExp; e <= hiExp; e++ {
		c.Ticks = append(c.Ticks, chartTick{X: plotX + pos(math.Pow(10, e)), Label: plainNum(math.Pow(10, e))})
	}
	for i, x := range xs {
		y := top + i*rowH
		row := chartRow{Label: x.label, Y: y, TextY: y + rowH/2, Beyond: x.beyond}
		row.MatchY, row.ChanceY = y+4, y+4+barH+2
		row.MatchW, row.ChanceW = pos(x.found), pos(x.chance)
		row.MatchText = x.foundTx
		row.ChanceText = plainNum(x.chance) + " by chance"
		row.MatchTX, row.ChanceTX = plotX+row.MatchW+textPad, plotX+row.ChanceW+textPad
		row.MatchTY, row.ChanceTY = row.MatchY+barH-3, row.ChanceY+barH-3
		c.Rows = append(c.Rows, row)
	}
	c.AxisY = top + len(xs)*rowH + 4
	c.Height = c.AxisY + 24
	return c
}
