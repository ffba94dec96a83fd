package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"maps"
	"math"
	"slices"
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
	R          *Report
	Anchor     string
	Class      string
	Headline   string
	Meaning    []string
	Chart      *htmlChart
	Indexes    []htmlIndex
	Provenance []htmlProvenance
	Created    string
	FPR        string
	TargetFPR  string
	Sources    []htmlSource
	Reproduce  []string
	Verify     string
}

type htmlIndex struct {
	Name, Checked, Matches, Chance, Overlap, PValue, DumpShare, Note string
	Beyond                                                           bool
	NotChecked                                                       string
}

type htmlProvenance struct {
	Base, Combination, Of, Share, Range, Chance string
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
		p.Reports = append(p.Reports, htmlReportOf(r, fmt.Sprintf("filter-%d", i+1), p.Tool))
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

func cssClass(verdict string) string {
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

func headlineWord(verdict string) string {
	switch verdict {
	case Exposed:
		return "exposed"
	case NotExposed:
		return "not exposed"
	case Inconclusive:
		return "inconclusive"
	}
	return verdict
}

func htmlReportOf(r *Report, anchor, tool string) htmlReport {
	h := htmlReport{
		R: r, Anchor: anchor, Class: cssClass(r.Verdict),
		Created:   r.Filter.Created.UTC().Format("2 January 2006, 15:04 MST"),
		FPR:       sci(r.Filter.FalsePositiveRate) + " (" + oneInWords(r.Filter.FalsePositiveRate) + ")",
		TargetFPR: sci(r.Filter.TargetFPR),
	}
	beyond := false
	for _, x := range r.Indexes {
		beyond = beyond || x.BeyondChance
	}
	switch r.Verdict {
	case Exposed:
		h.Headline = "Exposed: the dump contains records taken from this registry."
		h.Meaning = []string{
			"Many people in the registry appear in the dump with the same combination of details (for example a phone number together with the same name), far more often than chance could explain.",
			"That is what a copy of the registry's records looks like. A list that merely shares phone numbers with the registry would not match on the other details.",
		}
	case NotExposed:
		h.Headline = "Not exposed: nothing shows that the dump came from this registry."
		if beyond {
			h.Meaning = []string{
				"Some identifiers (such as phone numbers) appear both in the registry and in the dump, but the other details of those people do not match.",
				"The dump shares identifiers with the registry, not its records: such lists are common and are not evidence that this registry was breached.",
			}
		} else {
			h.Meaning = []string{
				"The registry's records match the dump no more often than the filter's rare false alarms would explain.",
			}
		}
	default:
		h.Headline = "Inconclusive: this check cannot tell whether the dump came from this registry."
		h.Meaning = []string{
			"There are more matches than chance would give, but not enough details could be compared to tell a copy of the registry's records from a list that only shares some identifiers with it.",
			"A filter built with more fields (name, year of birth) or a check of more records can settle it.",
		}
	}
	for _, x := range r.Indexes {
		hi := htmlIndex{Name: x.Index, Beyond: x.BeyondChance}
		if x.Status != "checked" {
			hi.NotChecked = x.WhyNotChecked
			h.Indexes = append(h.Indexes, hi)
			continue
		}
		hi.Checked = thousands(x.Checked)
		hi.Matches = thousands(x.Matches)
		hi.Chance = plainNum(x.ExpectedFalsePositives)
		hi.Overlap = fmt.Sprintf("%s (%s to %s)", thousands(int64(math.Round(x.OverlapEstimate))), thousands(int64(math.Round(x.OverlapLow))), thousands(int64(math.Round(x.OverlapHigh))))
		hi.PValue = pvalue(x.PValue)
		hi.DumpShare = "-"
		if x.DumpEntries > 0 {
			hi.DumpShare = fmt.Sprintf("about %s of %s", pct(x.DumpShareMatched), thousands(int64(x.DumpEntries)))
		}
		if x.BeyondChance {
			hi.Note = "beyond chance"
		} else {
			hi.Note = "within chance"
		}
		h.Indexes = append(h.Indexes, hi)
	}
	for _, p := range r.Provenance {
		h.Provenance = append(h.Provenance, htmlProvenance{
			Base: p.Base, Combination: p.Combination,
			Of:     fmt.Sprintf("%s of %s", thousands(p.CombinationMatched), thousands(p.BaseMatched)),
			Share:  pct(p.Share),
			Range:  shareRange(p),
			Chance: plainNum(p.ExpectedByChance),
		})
	}
	var regs []string
	for _, a := range r.Registry.Sources {
		src := htmlSource{Name: a.Source, Read: a.Read, Used: a.Used, Skipped: a.SkippedTotal()}
		for _, k := range sortedKeys(a.Skipped) {
			src.Reasons = append(src.Reasons, fmt.Sprintf("%s skipped: %s", count(a.Skipped[k], "row", "rows"), k))
		}
		for _, k := range sortedKeys(a.Invalid) {
			src.Reasons = append(src.Reasons, fmt.Sprintf("%s did not normalize: %s", count(a.Invalid[k], "value", "values"), k))
		}
		if a.Dropped > 0 {
			src.Reasons = append(src.Reasons, fmt.Sprintf("%s dropped: their keys were first seen after the columns were fixed", count(a.Dropped, "value", "values")))
		}
		if a.Truncated {
			src.Reasons = append(src.Reasons, "TRUNCATED INPUT: "+a.TruncatedReason+"; the rows after it are missing")
		}
		src.Examples = a.ExampleLines()
		h.Sources = append(h.Sources, src)
		regs = append(regs, shellQuote(a.Source))
	}
	h.Chart = chartOf(r)
	h.Reproduce = []string{
		"leakcheck inspect --verify --key KEYFILE " + shellQuote(r.Filter.File),
		"leakcheck check --key KEYFILE --filter " + shellQuote(r.Filter.File) + " " + strings.Join(regs, " "),
	}
	h.Verify = tool
	return h
}

func sortedKeys(m map[string]int64) []string { return slices.Sorted(maps.Keys(m)) }

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

// shareRange is the 95% interval of a provenance share, when there is one.
func shareRange(p ProvenanceReport) string {
	if p.BaseMatched == 0 {
		return "-"
	}
	return pct(p.ShareLow) + " to " + pct(p.ShareHigh)
}

func count(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// thousands writes n with comma separators: 1,234,567.
func thousands(n int64) string {
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
		return thousands(int64(math.Round(x)))
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

func chartOf(r *Report) *htmlChart {
	var xs []IndexReport
	for _, x := range r.Indexes {
		if x.Status == "checked" {
			xs = append(xs, x)
		}
	}
	if len(xs) == 0 {
		return nil
	}
	lo, hi := math.Inf(1), 1.0
	for _, x := range xs {
		for _, v := range []float64{float64(x.Matches), x.ExpectedFalsePositives} {
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
		plotX   = 200.0
		plotW   = 520.0
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
		row := chartRow{Label: x.Index, Y: y, TextY: y + rowH/2, Beyond: x.BeyondChance}
		row.MatchY, row.ChanceY = y+4, y+4+barH+2
		row.MatchW, row.ChanceW = pos(float64(x.Matches)), pos(x.ExpectedFalsePositives)
		row.MatchText = thousands(x.Matches) + " found"
		row.ChanceText = plainNum(x.ExpectedFalsePositives) + " by chance"
		row.MatchTX, row.ChanceTX = plotX+row.MatchW+textPad, plotX+row.ChanceW+textPad
		row.MatchTY, row.ChanceTY = row.MatchY+barH-3, row.ChanceY+barH-3
		c.Rows = append(c.Rows, row)
	}
	c.AxisY = top + len(xs)*rowH + 4
	c.Height = c.AxisY + 24
	return c
}
