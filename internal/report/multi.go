package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// CheckSchema identifies the JSON output of a check against several filters:
// the reports wrapped with a summary (docs/report.md). A check against one
// filter file writes a bare report (Schema) instead.
const CheckSchema = "leakcheck.check/v2"

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
func Fails(verdict Verdict, failOn string) bool {
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
	Filter   string  `json:"filter"`
	Verdict  Verdict `json:"verdict"` // a verdict, or "error" when the filter could not be checked
	Evidence string  `json:"evidence"`
	Failed   bool    `json:"failed"`          // the verdict meets --fail-on, or an error
	Error    string  `json:"error,omitempty"` // why the filter could not be checked
}

// Check is the result of checking a registry against one or more filters.
type Check struct {
	Schema string `json:"schema"`
	FailOn string `json:"fail_on"`
	Failed bool   `json:"failed"` // any filter failed or could not be checked
	// FamilyWiseAlpha bounds the probability that any of the reports says
	// exposed when no registry record is in its dump: Alpha per report,
	// times the number of reports.
	FamilyWiseAlpha float64   `json:"family_wise_alpha"`
	Reports         []*Report `json:"reports"`
	Summary         []Summary `json:"summary"`
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
	c.FamilyWiseAlpha = min(1, Alpha*float64(len(c.Reports)))
	c.Failed = c.Failed || s.Failed
}

// AddError records a filter that could not be checked. The message must hold
// no identifier (leakcheck's errors never do).
func (c *Check) AddError(filter string, err error) {
	msg := Printable(err.Error())
	c.Summary = append(c.Summary, Summary{Filter: Printable(filter), Verdict: VerdictError, Evidence: msg, Failed: true, Error: msg})
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

// Evidence is the evidence behind the verdict, in one line: the joint test
// the verdict rests on, with what chance gives, and the power of the check.
func (r *Report) Evidence() string {
	e := r.Exposure
	if e.Tests == 0 {
		return "cannot tell: " + firstClause(e.Undetectable)
	}
	s := fmt.Sprintf("%s of %s %s matches also match on %s (%s expected by chance)", num(e.Matched), num(e.Candidates), e.Identifier, e.EvidenceIndex, fmtFloat(e.ExpectedByChance))
	if e.Identifier == "" {
		s = fmt.Sprintf("%s of %s records match on %s (%s expected by chance)", num(e.Matched), num(e.Candidates), e.EvidenceIndex, fmtFloat(e.ExpectedByChance))
	}
	switch r.Verdict {
	case Exposed:
		return fmt.Sprintf("about %s records (95%% CI %s–%s): %s", num(e.Records), num(e.CI95[0]), num(e.CI95[1]), s)
	case NotExposed:
		return fmt.Sprintf("nothing beyond chance: %s; %s or more records would have been found", s, num(*e.DetectableRecords))
	}
	return fmt.Sprintf("%s; cannot tell: %s", s, firstClause(e.Undetectable))
}

// WriteCheckJSON writes a multi-filter check as one indented JSON object
// (schema leakcheck.check/v2, docs/report.md).
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
	if len(c.Reports) > 1 {
		fmt.Fprintf(&b, "  %d reports, each at most %s likely to say EXPOSED by chance: at most %s for any of them\n", len(c.Reports), sci(Alpha), sci(c.FamilyWiseAlpha))
	}
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
