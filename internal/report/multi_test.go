package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/engine"
	"github.com/leakcheck/leakcheck/internal/report/schematest"
)

func TestOneIn(t *testing.T) {
	for _, c := range []struct {
		p    float64
		want string
	}{
		{1e-6, "a million"},
		{1.0005e-6, "a million"},
		{4.9e-7, "2 million"},
		{6.7e-10, "1.5 billion"},
		{2.5e-5, "40 thousand"},
		{0.004, "250"},
		{1e-12, "a trillion"},
		{1.0001e-3, "a thousand"},
		{1e-16, "1.0e+16"},
		{0, "never"},
	} {
		if got := OneIn(c.p); got != c.want {
			t.Errorf("OneIn(%g) = %q, want %q", c.p, got, c.want)
		}
	}
}

func TestFails(t *testing.T) {
	for _, c := range []struct {
		verdict Verdict
		failOn  string
		want    bool
	}{
		{Exposed, FailOnExposed, true},
		{Inconclusive, FailOnExposed, false},
		{NotExposed, FailOnExposed, false},
		{Exposed, FailOnInconclusive, true},
		{Inconclusive, FailOnInconclusive, true},
		{NotExposed, FailOnInconclusive, false},
		{Exposed, FailOnNever, false},
	} {
		if got := Fails(c.verdict, c.failOn); got != c.want {
			t.Errorf("Fails(%s, %s) = %v", c.verdict, c.failOn, got)
		}
	}
	if _, err := ParseFailOn("always"); err == nil {
		t.Error("ParseFailOn accepted an unknown level")
	}
}

// acSample builds the report of a registry of 1000 checked against a dump
// holding 200 of its records, with the fpr given.
func acSample(file string, phone, combo int64) *Report {
	res := &engine.CheckResult{
		Indexes: []engine.IndexResult{
			{Index: "phone", Formable: true, Checked: 1000, Matches: phone, DistinctMatched: uint64(phone), Entries: 240},
			{Index: "email", Formable: false, Why: "no column for email", Entries: 50},
			{Index: "phone+name", Formable: true, Checked: 1000, Matches: combo, DistinctMatched: uint64(combo), Entries: 240},
		},
		Pairs:          []engine.PairResult{{Base: "phone", Combo: "phone+name", BaseMatched: phone, BothMatched: combo}},
		Coincidence:    []engine.FieldCoincidence{{Field: "name", Records: 1000, Coincidence: 1e-3}},
		Sources:        []*engine.Accounting{{Source: "registry.csv", Read: 1000, Used: 1000, Skipped: map[string]int64{}, Invalid: map[string]int64{}}},
		RegistryFields: []string{"phone", "name"},
	}
	h := bloom.Header{Fields: []string{"phone", "name"}, Region: "IN", Normalization: 1}
	h.Bloom.TargetFPR = 1e-6
	return Build(file, h, 1e-6, res)
}

func TestEvidence(t *testing.T) {
	for _, c := range []struct {
		phone, combo int64
		verdict      Verdict
		want         string
	}{
		{200, 190, Exposed, "about 190 records (95% CI 189–190): 190 of 200 phone matches also match on phone+name (0.20 expected by chance)"},
		{200, 0, NotExposed, "nothing beyond chance: 0 of 200 phone matches also match on phone+name (0.20 expected by chance); 6 or more records would have been found"},
		{0, 0, NotExposed, "nothing beyond chance: 0 of 0 phone matches also match on phone+name (0 expected by chance); 3 or more records would have been found"},
	} {
		r := acSample("a.lcf", c.phone, c.combo)
		if r.Verdict != c.verdict || r.Evidence() != c.want {
			t.Errorf("%d/%d: %s, %q; want %s, %q", c.phone, c.combo, r.Verdict, r.Evidence(), c.verdict, c.want)
		}
	}
}

func TestCheckOutputs(t *testing.T) {
	c := NewCheck(FailOnExposed)
	c.Add(acSample("leak.lcf", 200, 190))
	c.Add(acSample("phones.lcf", 200, 0))
	c.AddError("odd.lcf", errors.New("registry.csv can form none of the filter's indexes (email)"))
	if !c.Failed || c.Errors() != 1 {
		t.Fatalf("Failed %v, Errors %d", c.Failed, c.Errors())
	}

	var js bytes.Buffer
	if err := WriteCheckJSON(&js, c); err != nil {
		t.Fatal(err)
	}
	schematest.Validate(t, js.Bytes())
	var back struct {
		Schema  string    `json:"schema"`
		Reports []Report  `json:"reports"`
		Summary []Summary `json:"summary"`
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Schema != CheckSchema || len(back.Reports) != 2 || back.Reports[0].Schema != Schema || len(back.Summary) != 3 ||
		back.Summary[2].Verdict != VerdictError || back.Summary[2].Error == "" || !back.Summary[0].Failed || back.Summary[1].Failed {
		t.Errorf("check JSON: %s", js.String())
	}

	var ju bytes.Buffer
	if err := WriteJUnit(&ju, c, JUnitOptions{Tool: "leakcheck test"}); err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
	}
	if err := xml.Unmarshal(ju.Bytes(), &suites); err != nil {
		t.Fatalf("%v\n%s", err, ju.String())
	}
	if suites.Tests != 3 || suites.Failures != 1 || suites.Errors != 1 {
		t.Errorf("junit counts %+v:\n%s", suites, ju.String())
	}

	var txt bytes.Buffer
	WriteSummaryText(&txt, c)
	for _, want := range []string{"leak.lcf", "exposed", "FAIL", "odd.lcf", "error", "can form none"} {
		if !strings.Contains(txt.String(), want) {
			t.Errorf("summary text lacks %q:\n%s", want, txt.String())
		}
	}
}

func TestWriteHTML(t *testing.T) {
	c := NewCheck(FailOnExposed)
	c.Add(acSample(`<script>alert(1)</script>.lcf`, 200, 190))
	var b bytes.Buffer
	if err := WriteHTML(&b, c, HTMLOptions{Tool: "leakcheck test", Generated: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, bad := range []string{"<script", "http://", "https://", "src=", "url("} {
		if strings.Contains(strings.ToLower(page), bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	for _, want := range []string{
		"Data exposure check: exposed", "Exposed: records of the registry&#39;s people are in the dump.",
		"not checked: registry no column for email", "<svg", "190 found", "0.2 by chance", "Three answers",
		"2 January 2025", "&lt;script&gt;",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Index(page, "Exposed: records") > strings.Index(page, "<svg") {
		t.Error("the verdict does not come before the chart")
	}
}
