package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// CheckSchema identifies the JSON output of a check against several filters:
// the reports wrapped with a summary (docs/report.md). A check against one
// filter file writes a bare report (Schema) instead.
const CheckSchema = "leakcheck.check/v1"

// The --fail-on levels: which verdicts make a check fail (exit 1, a failing
// JUnit test case).
const (
	FailOnExposed      = "exposed"      // exposed fails
	FailOnInconclusive = "inconclusive" // exposed and inconclusive fail
	FailOnNever        = "never"        // nothing fails; errors still do
)

// ParseFailOn checks a --fail-on level.
func ParseFailOn(s string) (string, error) {
	switch s {
	case FailOnExposed, FailOnInconclusive, FailOnNever:
		return s, nil
	}
	return "", fmt.Errorf("unknown --fail-on %q: use exposed, inconclusive or never", s)
}

// Fails reports whether a verdict meets the --fail-on level.
func Fails(verdict, failOn string) bool {
	switch failOn {
	case FailOnNever:
		return false
	case FailOnInconclusive:
		return verdict == Exposed || verdict == Inconclusive
	}
	return verdict == Exposed
}

// Summary is one filter's line in the summary of a check.
type Summary struct {
	Filter   string `json:"filter"`
	Verdict  string `json:"verdict"` // a verdict, or "error" when the filter could not be checked
	Evidence string `json:"evidence"`
	Failed   bool   `json:"failed"`          // the verdict meets --fail-on, or an error
	Error    string `json:"error,omitempty"` // why the filter could not be checked
}

// VerdictError is the Summary.Verdict of a filter that could not be checked.
const VerdictError = "error"

// Check is the result of checking a registry against one or more filters.
type Check struct {
	Schema  string    `json:"schema"`
	FailOn  string    `json:"fail_on"`
	Failed  bool      `json:"failed"` // any filter failed or could not be checked
	Reports []*Report `json:"reports"`
	Summary []Summary `json:"summary"`
}

// NewCheck starts the result of a check with the given --fail-on level.
func NewCheck(failOn string) *Check {
	return &Check{Schema: CheckSchema, FailOn: failOn, Reports: []*Report{}, Summary: []Summary{}}
}

// Add records a filter's report.
func (c *Check) Add(r *Report) {
	s := Summary{Filter: r.Filter.File, Verdict: r.Verdict, Evidence: r.Evidence(), Failed: Fails(r.Verdict, c.FailOn)}
	c.Reports = append(c.Reports, r)
	c.Summary = append(c.Summary, s)
	c.Failed = c.Failed || s.Failed
}

// AddError records a filter that could not be checked. The message must hold
// no identifier (leakcheck's errors never do).
func (c *Check) AddError(filter string, err error) {
	c.Summary = append(c.Summary, Summary{Filter: filter, Verdict: VerdictError, Evidence: err.Error(), Failed: true, Error: err.Error()})
	c.Failed = true
}

// Errors counts the filters that could not be checked.
func (c *Check) Errors() int {
	n := 0
	for _, s := range c.Summary {
		if s.Verdict == VerdictError {
			n++
		}
	}
	return n
}

// report returns the report of a summary line, or nil for an error.
func (c *Check) report(filter string) *Report {
	for _, r := range c.Reports {
		if r.Filter.File == filter {
			return r
		}
	}
	return nil
}

// Evidence is the strongest evidence behind the verdict, in one line: the
// index matched furthest beyond chance (a combination of fields when one is
// beyond chance, as combinations show where the dump came from), with the
// provenance share that decided between overlap and copy; or, when nothing is
// beyond chance, the index with the most matches.
func (r *Report) Evidence() string {
	var beyond, checked []*IndexReport
	for i := range r.Indexes {
		x := &r.Indexes[i]
		if x.Status != "checked" {
			continue
		}
		checked = append(checked, x)
		if x.BeyondChance {
			beyond = append(beyond, x)
		}
	}
	if len(checked) == 0 {
		return "no registry record could be checked"
	}
	if len(beyond) == 0 {
		top := slices.MaxFunc(checked, func(a, b *IndexReport) int { return cmp.Compare(a.Matches, b.Matches) })
		return fmt.Sprintf("nothing beyond chance; most matches on %s: %d of %d (%s expected by chance)",
			top.Index, top.Matches, top.Checked, fmtFloat(top.ExpectedFalsePositives))
	}
	combo := func(x *IndexReport) bool { return strings.Contains(x.Index, "+") }
	best := slices.MinFunc(beyond, func(a, b *IndexReport) int {
		if combo(a) != combo(b) {
			if combo(a) {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.PValue, b.PValue), cmp.Compare(b.Matches, a.Matches))
	})
	s := fmt.Sprintf("%s: %d of %d match (%s expected by chance)", best.Index, best.Matches, best.Checked, fmtFloat(best.ExpectedFalsePositives))
	// The provenance share that goes with it.
	var prov *ProvenanceReport
	for i := range r.Provenance {
		p := &r.Provenance[i]
		if p.BaseMatched < MinMatches || (p.Base != best.Index && p.Combination != best.Index) {
			continue
		}
		if prov == nil || p.Share > prov.Share {
			prov = p
		}
	}
	if prov != nil {
		s += fmt.Sprintf("; %s of %d %s matches also match on %s", pct(prov.Share), prov.BaseMatched, prov.Base, prov.Combination)
	}
	return s
}

// WriteCheckJSON writes a multi-filter check as one indented JSON object
// (schema leakcheck.check/v1, docs/report.md).
func WriteCheckJSON(w io.Writer, c *Check) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}

// WriteSummaryText writes the summary table of a multi-filter check.
func WriteSummaryText(w io.Writer, c *Check) error {
	var b strings.Builder
	fmt.Fprintf(&b, "SUMMARY: %d filter(s); failing on %s\n", len(c.Summary), failOnWords(c.FailOn))
	tw := tabwriter.NewWriter(&b, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  FILTER\tVERDICT\tRESULT\tSTRONGEST EVIDENCE")
	for _, s := range c.Summary {
		res := "ok"
		if s.Failed {
			res = "FAIL"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", s.Filter, s.Verdict, res, s.Evidence)
	}
	tw.Flush()
	_, err := io.WriteString(w, b.String())
	return err
}

func failOnWords(failOn string) string {
	switch failOn {
	case FailOnNever:
		return "nothing (--fail-on never)"
	case FailOnInconclusive:
		return "exposed or inconclusive"
	}
	return "exposed"
}
