package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/engine"
)

func TestTrueMatches(t *testing.T) {
	for _, tc := range []struct {
		k, n           int64
		fpr            float64
		est, lo, hi    float64
		tolEst, tolLow float64
	}{
		{0, 1000, 1e-6, 0, 0, 0, 0, 0},
		{212, 998, 1e-6, 212, 212, 212, 0.01, 0},
		// n·fpr = 100 false positives expected; 97.5% quantile of
		// Binomial(1e6, 1e-4) is 120 (Poisson(100): P(X>120) = 0.0227, P(X>119) = 0.0279).
		{100, 1_000_000, 1e-4, 0, 0, 100, 0, 0},
		{1000, 1_000_000, 1e-4, 900.09, 880, 1000, 0.01, 0},
	} {
		est, lo, hi := TrueMatches(tc.k, tc.n, tc.fpr)
		if d := est - tc.est; d > tc.tolEst || d < -tc.tolEst {
			t.Errorf("TrueMatches(%d,%d,%g) estimate %v, want %v", tc.k, tc.n, tc.fpr, est, tc.est)
		}
		if lo != tc.lo || hi != tc.hi {
			t.Errorf("TrueMatches(%d,%d,%g) interval [%v, %v], want [%v, %v]", tc.k, tc.n, tc.fpr, lo, hi, tc.lo, tc.hi)
		}
	}
}

// result builds a check result for the phone/phone+name/phone+name+yob
// indexes with the given counts.
func result(checked, phone, name, nameYob, baseForCombos int64) *engine.CheckResult {
	return &engine.CheckResult{
		RegistryFields: []string{"phone", "name", "yob"},
		Indexes: []engine.IndexResult{
			{Index: "phone", Formable: true, Checked: checked, Matches: phone, DistinctMatched: uint64(phone), Entries: 1000},
			{Index: "phone+name", Formable: true, Checked: checked, Matches: name, DistinctMatched: uint64(name), Entries: 1000},
			{Index: "phone+name+yob", Formable: true, Checked: checked, Matches: nameYob, DistinctMatched: uint64(nameYob), Entries: 1000},
		},
		Provenance: []engine.ProvenanceResult{
			{Base: "phone", Combo: "phone+name", BaseMatched: baseForCombos, BothMatched: name},
			{Base: "phone", Combo: "phone+name+yob", BaseMatched: baseForCombos, BothMatched: nameYob},
		},
	}
}

func header() bloom.Header {
	return bloom.Header{Fields: []string{"phone", "name", "yob", "dob"}, Bloom: bloom.Params{TargetFPR: 1e-6}}
}

func TestVerdicts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		res    *engine.CheckResult
		want   string
		reason string
	}{
		{"a copy of the registry's records", result(100000, 5000, 4900, 4800, 5000), Exposed, "holds the registry's combinations"},
		{"nothing matches", result(100000, 0, 0, 0, 0), NotExposed, "no index matches beyond chance"},
		{"a couple of matches are chance", result(100000, 2, 0, 0, 2), NotExposed, "no index matches beyond chance"},
		{"phone list only", result(100000, 5000, 3, 0, 5000), NotExposed, "shares identifiers with the registry, not its records"},
		{"partial agreement", result(100000, 5000, 1500, 1000, 5000), Inconclusive, "more than chance, less than a copy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Build("f.lcf", header(), 1e-6, tc.res)
			if r.Verdict != tc.want || !strings.Contains(r.Reason, tc.reason) {
				t.Fatalf("verdict %s (%s), want %s (…%s…)", r.Verdict, r.Reason, tc.want, tc.reason)
			}
		})
	}

	// Identifiers only, no combination to compare: inconclusive.
	res := &engine.CheckResult{Indexes: []engine.IndexResult{{Index: "phone", Formable: true, Checked: 1000, Matches: 500, Entries: 600}}}
	if r := Build("f.lcf", header(), 1e-6, res); r.Verdict != Inconclusive {
		t.Fatalf("identifiers only: %s", r.Verdict)
	}
	// Combination only (no identifier index): beyond chance is exposure.
	res = &engine.CheckResult{Indexes: []engine.IndexResult{{Index: "phone+name+yob", Formable: true, Checked: 1000, Matches: 50, Entries: 60}}}
	if r := Build("f.lcf", header(), 1e-6, res); r.Verdict != Exposed {
		t.Fatalf("combination only: %s", r.Verdict)
	}
	// Nothing could be checked.
	res = &engine.CheckResult{Indexes: []engine.IndexResult{{Index: "email", Formable: true}}}
	if r := Build("f.lcf", header(), 1e-6, res); r.Verdict != Inconclusive {
		t.Fatalf("nothing checked: %s", r.Verdict)
	}
}

func TestReportFieldsAndJSON(t *testing.T) {
	res := result(1000, 100, 98, 97, 100)
	res.Indexes = append(res.Indexes, engine.IndexResult{Index: "phone+dob", Why: "no column for dob"})
	r := Build("f.lcf", header(), 1e-6, res)
	if len(r.DumpOnlyFields) != 1 || r.DumpOnlyFields[0] != "dob" {
		t.Fatalf("dump-only fields %v", r.DumpOnlyFields)
	}
	last := r.Indexes[len(r.Indexes)-1]
	if last.Status != "not_checked" || !strings.Contains(last.WhyNotChecked, "dob") {
		t.Fatalf("unformable index: %+v", last)
	}
	x := r.Indexes[0]
	if x.ExpectedFalsePositives != 1000*1e-6 || x.PValue >= 1e-300 && x.PValue != 0 && x.PValue > 1e-100 {
		t.Fatalf("stats: %+v", x)
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema", "verdict", "reason", "indexes", "provenance", "filter", "registry"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON report lacks %q", k)
		}
	}
	ix := m["indexes"].([]any)[0].(map[string]any)
	for _, k := range []string{"index", "checked", "matches", "expected_false_positives", "p_value"} {
		if _, ok := ix[k]; !ok {
			t.Errorf("JSON index lacks %q", k)
		}
	}
	buf.Reset()
	if err := WriteText(&buf, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"VERDICT: EXPOSED", "phone+dob", "not checked: registry no column for dob", "The dump holds fields the registry does not: dob"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestMatchesCSVNeutralisesFormulas(t *testing.T) {
	var buf bytes.Buffer
	WriteMatchesCSV(&buf, []engine.Match{{Source: "r.csv", Line: 2, ID: "=HYPERLINK(1)", Indexes: []string{"phone"}}, {Source: "r,2.csv", Line: 3, ID: "A1", Indexes: []string{"phone", "phone+name"}}})
	want := "source,line,id,indexes\nr.csv,2,'=HYPERLINK(1),phone\n\"r,2.csv\",3,A1,phone phone+name\n"
	if buf.String() != want {
		t.Fatalf("got %q", buf.String())
	}
}
