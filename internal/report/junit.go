package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML, as read by Jenkins, GitLab, GitHub Actions test reporters and
// most other CI servers: one test suite, one test case per filter. A case
// fails when its verdict meets --fail-on, and is an error when the filter could
// not be checked. Counts are properties; the text report is the case's
// system-out. See docs/report.md.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name       string          `xml:"name,attr"`
	Classname  string          `xml:"classname,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Failure    *junitProblem   `xml:"failure,omitempty"`
	Error      *junitProblem   `xml:"error,omitempty"`
	SystemOut  *junitText      `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

type junitText struct {
	Text string `xml:",cdata"`
}

// JUnitOptions add context to the JUnit output.
type JUnitOptions struct {
	Tool string // e.g. "leakcheck v1.2.0", a suite property
}

// WriteJUnit writes a check as JUnit XML.
func WriteJUnit(w io.Writer, c *Check, o JUnitOptions) error {
	s := junitSuite{Name: "leakcheck check", Tests: len(c.Summary)}
	prop := func(ps *[]junitProperty, name string, v any) {
		*ps = append(*ps, junitProperty{Name: Printable(name), Value: Printable(fmt.Sprint(v))})
	}
	prop(&s.Properties, "schema", CheckSchema)
	prop(&s.Properties, "fail_on", c.FailOn)
	if o.Tool != "" {
		prop(&s.Properties, "tool", o.Tool)
	}
	if len(c.Reports) > 0 {
		for _, a := range c.Reports[0].Registry.Sources {
			prop(&s.Properties, "registry", a.Source)
			prop(&s.Properties, "registry.rows_read", a.RowsRead)
			prop(&s.Properties, "registry.rows_used", a.RowsUsed)
			prop(&s.Properties, "registry.rows_skipped", a.SkippedTotal())
		}
	}
	for _, sum := range c.Summary {
		tc := junitCase{Name: Printable(sum.Filter), Classname: "leakcheck.check"}
		prop(&tc.Properties, "verdict", sum.Verdict)
		if sum.Verdict == VerdictError {
			s.Errors++
			msg := Printable(sum.Error)
			tc.Error = &junitProblem{Message: msg, Type: string(VerdictError), Text: msg}
			s.Cases = append(s.Cases, tc)
			continue
		}
		r := c.report(sum.Filter)
		prop(&tc.Properties, "evidence", sum.Evidence)
		prop(&tc.Properties, "finding", r.Finding)
		prop(&tc.Properties, "source", r.Source.Assessment)
		e := r.Exposure
		prop(&tc.Properties, "exposure.records", e.Records)
		prop(&tc.Properties, "exposure.ci95", fmt.Sprintf("%d-%d", e.CI95[0], e.CI95[1]))
		if e.Tests > 0 {
			prop(&tc.Properties, "exposure.evidence_index", e.EvidenceIndex)
			prop(&tc.Properties, "exposure.expected_by_chance", fmtFloat(e.ExpectedByChance))
			prop(&tc.Properties, "exposure.p_value", pvalue(e.PValue))
		}
		if e.DetectableRecords != nil {
			prop(&tc.Properties, "exposure.detectable_records", *e.DetectableRecords)
		}
		prop(&tc.Properties, "filter.records", r.Filter.Records)
		prop(&tc.Properties, "filter.false_positive_rate", sci(r.Filter.FalsePositiveRate))
		if r.Filter.KeyFingerprint != "" {
			prop(&tc.Properties, "filter.key_fingerprint", r.Filter.KeyFingerprint)
		}
		for _, x := range r.Indexes {
			if x.Status != Checked {
				prop(&tc.Properties, "index."+x.Index+".status", x.Status)
				continue
			}
			prop(&tc.Properties, "index."+x.Index+".checked", x.Checked)
			prop(&tc.Properties, "index."+x.Index+".matches", x.Matches)
			prop(&tc.Properties, "index."+x.Index+".expected_by_chance", fmtFloat(x.ExpectedFalsePositives))
			prop(&tc.Properties, "index."+x.Index+".p_value", pvalue(x.PValue))
		}
		var text strings.Builder
		if err := WriteText(&text, r); err != nil {
			return err
		}
		tc.SystemOut = &junitText{PrintableLines(text.String())}
		if sum.Failed {
			s.Failures++
			tc.Failure = &junitProblem{
				Message: Printable(fmt.Sprintf("%s: %s", r.Verdict, r.Reason)),
				Type:    string(r.Verdict),
				Text:    PrintableLines(fmt.Sprintf("verdict %s meets --fail-on %s\n%s", r.Verdict, c.FailOn, sum.Evidence)),
			}
		}
		s.Cases = append(s.Cases, tc)
	}
	out := junitSuites{Name: "leakcheck", Tests: s.Tests, Failures: s.Failures, Errors: s.Errors, Suites: []junitSuite{s}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
