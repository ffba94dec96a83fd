package report

import (
	"bytes"
	"encoding/json"
	htmlpkg "html"
	"strings"
	"testing"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/engine"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/report/schematest"
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

// result builds a check result for the phone, phone+name and
// phone+name+yob indexes of a registry of `checked` records: `phone`
// records match on phone, of which `name` also on phone+name and `nameYob`
// on phone+name+yob; the dump has `entries` entries per index.
func result(checked, phone, name, nameYob, entries int64) *engine.CheckResult {
	return &engine.CheckResult{
		RegistryFields: []string{"phone", "name", "yob"},
		Records:        checked,
		Indexes: []engine.IndexResult{
			{Index: "phone", Formable: true, Checked: checked, Matches: phone, DistinctMatched: uint64(phone), Entries: uint64(entries)},
			{Index: "phone+name", Formable: true, Checked: checked, Matches: name, DistinctMatched: uint64(name), Entries: uint64(entries)},
			{Index: "phone+name+yob", Formable: true, Checked: checked, Matches: nameYob, DistinctMatched: uint64(nameYob), Entries: uint64(entries)},
		},
		Pairs: []engine.PairResult{
			{Base: "phone", Combo: "phone+name", BaseMatched: phone, BothMatched: name},
			{Base: "phone", Combo: "phone+name+yob", BaseMatched: phone, BothMatched: nameYob},
			{Base: "phone+name", Combo: "phone+name+yob", BaseMatched: name, BothMatched: nameYob},
		},
		Coincidence: []engine.FieldCoincidence{{Field: "name", Records: checked, Coincidence: 1e-4}, {Field: "yob", Records: checked, Coincidence: 1.0 / 70}},
	}
}

func header() bloom.Header {
	return bloom.Header{Fields: []string{"phone", "name", "yob", "dob"}, Bloom: bloom.Params{TargetFPR: 1e-6}}
}

// valid checks a report against the JSON schema.
func valid(t *testing.T, r *Report) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	schematest.Validate(t, buf.Bytes())
}

func TestVerdicts(t *testing.T) {
	for _, tc := range []struct {
		name    string
		res     *engine.CheckResult
		fpr     float64
		verdict Verdict
		finding Finding
		reason  string
	}{
		{"a copy of the registry's records", result(100000, 5000, 5000, 4990, 5000), 1e-6, Exposed, RegistryRecords, "about 4,990 registry records are in the dump"},
		{"nothing matches", result(100000, 0, 0, 0, 5000), 1e-6, NotExposed, Unrelated, "an exposure of 3 or more records would have been found"},
		{"a couple of matches are chance", result(100000, 2, 0, 0, 5000), 1e-6, NotExposed, Unrelated, "would have been found"},
		{"phone list only", result(100000, 5000, 1, 0, 5000), 1e-6, NotExposed, IdentifiersOnly, "no registry record is shown to be in the dump"},
		{"600 records among a phone list", result(100000, 10000, 601, 600, 10000), 1e-6, Exposed, Mixed, "about 600 registry records"},
		{"3 records among a million", result(1_000_000, 4, 3, 3, 3), 1e-6, Exposed, RegistryRecords, "about 3 registry records"},
		{"3 records where N·rate is 1000", result(1_000_000_000, 1003, 3, 3, 3), 1e-6, Exposed, RegistryRecords, "about 3 registry records"},
		{"1000 false alarms, nothing more", result(1_000_000_000, 1000, 0, 0, 3), 1e-6, NotExposed, Unrelated, "3 or more records would have been found"},
		{"an overfull filter", result(100000, 98000, 96000, 94000, 5000), 0.98, Inconclusive, Unrelated, "the filter is overfull"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Build("f.lcf", header(), tc.fpr, tc.res)
			valid(t, r)
			if r.Verdict != tc.verdict || r.Finding != tc.finding || !strings.Contains(r.Reason, tc.reason) {
				t.Fatalf("verdict %s, finding %s (%s; %s), want %s, %s (…%s…)", r.Verdict, r.Finding, r.Reason, r.FindingReason, tc.verdict, tc.finding, tc.reason)
			}
		})
	}

	// Identifiers only, no combination to compare: inconclusive.
	res := &engine.CheckResult{Indexes: []engine.IndexResult{{Index: "phone", Formable: true, Checked: 1000, Matches: 500, Entries: 600}}}
	r := Build("f.lcf", header(), 1e-6, res)
	valid(t, r)
	if r.Verdict != Inconclusive || r.Finding != IdentifiersOnly || !strings.Contains(r.Reason, "no index combining an identifier") {
		t.Fatalf("identifiers only: %s, %s: %s", r.Verdict, r.Finding, r.Reason)
	}
	// Year of birth and gender never decide alone.
	res = &engine.CheckResult{
		Indexes: []engine.IndexResult{
			{Index: "phone", Formable: true, Checked: 1000, Matches: 500, Entries: 600},
			{Index: "phone+gender", Formable: true, Checked: 1000, Matches: 260, Entries: 600},
		},
		Pairs:       []engine.PairResult{{Base: "phone", Combo: "phone+gender", BaseMatched: 500, BothMatched: 255}},
		Coincidence: []engine.FieldCoincidence{{Field: "gender", Records: 1000, Coincidence: 0.5}},
	}
	if r := Build("f.lcf", header(), 1e-6, res); r.Verdict != Inconclusive || r.Finding != IdentifiersOnly {
		t.Fatalf("phone+gender: %s, %s: %s; %s", r.Verdict, r.Finding, r.Reason, r.FindingReason)
	}
	// Combination only (no identifier index): beyond chance is exposure.
	res = &engine.CheckResult{Indexes: []engine.IndexResult{{Index: "phone+name+yob", Formable: true, Checked: 1000, Matches: 50, Entries: 60}},
		Coincidence: []engine.FieldCoincidence{{Field: "name", Records: 1000, Coincidence: 1e-3}, {Field: "yob", Records: 1000, Coincidence: 1.0 / 70}}}
	if r := Build("f.lcf", header(), 1e-6, res); r.Verdict != Exposed {
		t.Fatalf("combination only: %s: %s", r.Verdict, r.Reason)
	}
}

func TestReportFieldsAndJSON(t *testing.T) {
	res := result(1000, 100, 98, 97, 100)
	res.Indexes = append(res.Indexes, engine.IndexResult{Index: "phone+dob", Why: "no column for dob"})
	r := Build("f.lcf", header(), 1e-6, res)
	valid(t, r)
	if len(r.DumpOnlyFields) != 1 || r.DumpOnlyFields[0] != "dob" {
		t.Fatalf("dump-only fields %v", r.DumpOnlyFields)
	}
	last := r.Indexes[len(r.Indexes)-1]
	if last.Status != NotChecked || !strings.Contains(last.WhyNotChecked, "dob") {
		t.Fatalf("unformable index: %+v", last)
	}
	x := r.Indexes[0]
	if x.ExpectedFalsePositives != 1000*1e-6 || x.PValue > 1e-100 {
		t.Fatalf("stats: %+v", x)
	}
	if r.Source.Assessment != Undetermined || len(r.Source.Against) == 0 || !strings.Contains(r.Source.Against[0], "dob") {
		t.Fatalf("source: %+v", r.Source)
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema", "verdict", "reason", "exposure", "finding", "source", "indexes", "joint", "filter", "registry", "dump_only_fields"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON report lacks %q", k)
		}
	}
	buf.Reset()
	if err := WriteText(&buf, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"VERDICT: EXPOSED", "1. Is the registry's people's data in the dump?", "2. What is the dump?", "3. Where did it come from?",
		"not checked: phone+dob: registry no column for dob", "The dump holds fields the registry does not: dob"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestPct(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want string
	}{{1, "100%"}, {0, "0%"}, {0.5, "50.0%"}, {0.9997, "99.97%"}, {0.99999, "99.999%"}, {0.0004, "0.04%"}, {0.123, "12.3%"}} {
		if got := pct(c.x); got != c.want {
			t.Errorf("pct(%v) = %q, want %q", c.x, got, c.want)
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

// Custom fields in the evidence model: a number (a reference number's last digits) tells one
// person's record from another's and decides like national_id_last4; a text field (a centre)
// is shared by the people of one place and never decides alone, and the reason says so in
// its own words, not in year of birth's and gender's.
func TestCustomFieldsAsEvidence(t *testing.T) {
	for _, spec := range []fields.CustomSpec{{Name: "vaccination_centre", Kind: fields.KindText}, {Name: "ref_last4", Kind: fields.KindLast, Last: 4}, {Name: "dose_1", Kind: fields.KindDate}} {
		if _, err := fields.Declare(spec); err != nil {
			t.Fatal(err)
		}
	}
	pairOnly := func(combo string, both, coinc float64) *engine.CheckResult {
		field := strings.TrimPrefix(combo, "phone+")
		return &engine.CheckResult{
			RegistryFields: []string{"phone", field},
			Records:        100000,
			Indexes: []engine.IndexResult{
				{Index: "phone", Formable: true, Checked: 100000, Matches: 5000, DistinctMatched: 5000, Entries: 5000},
				{Index: combo, Formable: true, Checked: 100000, Matches: int64(both), DistinctMatched: uint64(both), Entries: 5000},
			},
			Pairs:       []engine.PairResult{{Base: "phone", Combo: combo, BaseMatched: 5000, BothMatched: int64(both)}},
			Coincidence: []engine.FieldCoincidence{{Field: field, Records: 100000, Coincidence: coinc}},
		}
	}
	h := header()
	h.Fields = []string{"phone", "vaccination_centre", "ref_last4", "dose_1"}

	// A copy of 4,990 records on phone+ref_last4: exposed, on the custom field.
	r := Build("f.lcf", h, 1e-6, pairOnly("phone+ref_last4", 4990, 1e-4))
	valid(t, r)
	if r.Verdict != Exposed || r.Exposure.EvidenceIndex != "phone+ref_last4" || r.Exposure.Records != 4990 {
		t.Fatalf("phone+ref_last4 copy: %s on %s (%d records): %s", r.Verdict, r.Exposure.EvidenceIndex, r.Exposure.Records, r.Reason)
	}
	// A phone list whose last digits agree as chance gives: not exposed.
	r = Build("f.lcf", h, 1e-6, pairOnly("phone+ref_last4", 1, 1e-4))
	if r.Verdict != NotExposed || r.Finding != IdentifiersOnly {
		t.Fatalf("phone+ref_last4 phone list: %s, %s: %s", r.Verdict, r.Finding, r.Reason)
	}
	// A centre and a dose date never decide, however many agree; the reason names them.
	for _, tc := range []struct{ combo, want, chance string }{
		{"phone+vaccination_centre", "vaccination_centre (a text field: the people of one place", "the 1.0% at which two registry records agree on it"},
		{"phone+dose_1", "dose_1 (a date field", "the 1.0% at which"},
	} {
		r = Build("f.lcf", h, 1e-6, pairOnly(tc.combo, 4990, 0.01))
		valid(t, r)
		if r.Verdict != Inconclusive || len(r.Joint) != 0 {
			t.Fatalf("%s: %s with %d joint tests: %s", tc.combo, r.Verdict, len(r.Joint), r.Reason)
		}
		for _, want := range []string{tc.want, tc.chance, tc.combo + " pairs the identifier only with", "cannot decide exposure alone", "custom number field"} {
			if !strings.Contains(r.Reason, want) {
				t.Errorf("%s: reason lacks %q: %s", tc.combo, want, r.Reason)
			}
		}
		if strings.Contains(r.Reason, "year of birth") || strings.Contains(r.Reason, "gender") {
			t.Errorf("%s: reason speaks of year of birth or gender: %s", tc.combo, r.Reason)
		}
	}
}

// renderAll returns the report as JSON, text and HTML.
func renderAll(t *testing.T, r *Report) (js, text, html string) {
	t.Helper()
	var j, x, h bytes.Buffer
	if err := WriteJSON(&j, r); err != nil {
		t.Fatal(err)
	}
	schematest.Validate(t, j.Bytes())
	if err := WriteTextWith(&x, r, TextOptions{Width: 1 << 20}); err != nil { // one line per sentence, to match them
		t.Fatal(err)
	}
	c := NewCheck(FailOnExposed)
	c.Add(r)
	if err := WriteHTML(&h, c, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	return j.String(), x.String(), h.String()
}

// Counts people can quote (issue 9, item 8), in every format.
func TestCountsPeopleCanQuote(t *testing.T) {
	t.Run("rows versus people", func(t *testing.T) {
		// 5,000 registry records of families sharing phones: 4,210 distinct phones; the dump
		// has 5,000 rows holding 4,210 phones.
		res := result(100000, 5000, 5000, 5000, 4210)
		for i := range res.Indexes {
			res.Indexes[i].DistinctMatched, res.Indexes[i].DistinctExact = 4210, true
		}
		h := header()
		h.Records = 5000
		r := Build("f.lcf", h, 1e-6, res)
		js, text, html := renderAll(t, r)
		for _, want := range []string{
			"the dump's 5,000 rows hold 4,210 distinct phone numbers",
			"5,000 registry records (rows) match on phone; they hold 4,210 distinct phone numbers of the dump: 790 records share a phone number with another matched record",
		} {
			for name, doc := range map[string]string{"json": js, "text": strings.ToLower(text), "html": strings.ToLower(htmlpkg.UnescapeString(html))} {
				if !strings.Contains(doc, want) {
					t.Errorf("%s lacks %q", name, want)
				}
			}
		}
	})
	t.Run("combination matches never exceed identifier matches", func(t *testing.T) {
		// At a rate of 1e-3, 100 false alarms per index: the combination matches 300 records on
		// its own, 50 more than the identifier; only 200 of them with their identifier.
		res := result(100000, 250, 300, 300, 300)
		res.Pairs[0].BothMatched, res.Pairs[1].BothMatched, res.Pairs[2].BaseMatched, res.Pairs[2].BothMatched = 200, 200, 300, 200
		r := Build("f.lcf", header(), 1e-3, res)
		valid(t, r)
		phone := r.index("phone").Matches
		for _, x := range r.Indexes {
			if x.MatchesWithIdentifier != nil && *x.MatchesWithIdentifier > phone {
				t.Errorf("%s: %d matches with the identifier, more than the identifier's %d", x.Index, *x.MatchesWithIdentifier, phone)
			}
		}
		for _, j := range r.Joint {
			if j.Matched > j.Candidates || j.Candidates > phone {
				t.Errorf("joint %s: %d of %d candidates, identifier %d", j.Combination, j.Matched, j.Candidates, phone)
			}
		}
		if e := r.Exposure; e.Records > phone || e.CI95[1] > phone {
			t.Errorf("exposure %d (%d–%d) above the identifier's %d matches", e.Records, e.CI95[0], e.CI95[1], phone)
		}
		for _, a := range r.Agreement {
			if a.Agree > a.Of {
				t.Errorf("agreement %s: %d of %d", a.Field, a.Agree, a.Of)
			}
		}
	})
	t.Run("0 of 0 is no data", func(t *testing.T) {
		// The dump has no phone+name entries and no registry record holds a name: nothing to
		// divide, in any format.
		res := result(1000, 0, 0, 0, 0)
		res.Indexes[1].Checked, res.Pairs[0].BaseMatched = 0, 0
		r := Build("f.lcf", header(), 1e-6, res)
		js, text, html := renderAll(t, r)
		if !strings.Contains(js, `"dump_share_matched": null`) {
			t.Error("JSON: a share of no entries is not null")
		}
		// The rows of phone+name (no record checked, no dump entry) and of its joint test (no
		// candidate) say "no data" and show no interval.
		rowOf := func(doc, sep, start string) string {
			for _, l := range strings.Split(doc, sep) {
				if strings.HasPrefix(strings.TrimSpace(l), start) {
					return l
				}
			}
			t.Fatalf("no row starting %q in\n%s", start, doc)
			return ""
		}
		for _, row := range []string{
			rowOf(text, "\n", "phone+name "), rowOf(text, "\n", "phone       phone+name "),
			rowOf(htmlpkg.UnescapeString(html), "<tr", "><td>phone+name</td>"), rowOf(htmlpkg.UnescapeString(html), "<tr", "><td>phone</td><td>phone+name</td>"),
		} {
			if !strings.Contains(row, "no data") || strings.Contains(row, "0 (0") || strings.Contains(row, "0%") || strings.Contains(row, "NaN") {
				t.Errorf("a count of nothing is not shown as no data: %s", row)
			}
		}
	})
	t.Run("filter false alarms alone, not chance alone", func(t *testing.T) {
		r := Build("f.lcf", header(), 1e-6, result(100000, 0, 0, 0, 5000))
		js, text, html := renderAll(t, r)
		if !strings.Contains(r.FindingReason, "filter false alarms alone would give") || !strings.Contains(html, "Filter false alarms alone would give") {
			t.Errorf("finding %q / HTML do not say what filter false alarms alone would give", r.FindingReason)
		}
		for name, doc := range map[string]string{"json": js, "text": text, "html": html} {
			if strings.Contains(doc, "chance alone") {
				t.Errorf("%s says 'chance alone'", name)
			}
		}
	})
	t.Run("near 100% keeps its digits", func(t *testing.T) {
		res := result(100000, 9997, 9997, 9997, 10000)
		for i := range res.Indexes {
			res.Indexes[i].DistinctExact = true
		}
		r := Build("f.lcf", header(), 1e-6, res)
		_, text, html := renderAll(t, r)
		for name, doc := range map[string]string{"text": text, "html": html} {
			if !strings.Contains(doc, "9,997 of 10,000 (99.97%)") {
				t.Errorf("%s does not show 9,997 of 10,000 as 99.97%%", name)
			}
		}
		for _, c := range []struct {
			x    float64
			want string
		}{{0.997, "99.7%"}, {0.9996, "99.96%"}, {1, "100%"}, {0.5, "50%"}, {0.04, "4.0%"}, {0.0004, "0.04%"}, {0, "0%"}} {
			if got := pctRound(c.x); got != c.want {
				t.Errorf("pctRound(%v) = %q, want %q", c.x, got, c.want)
			}
		}
	})
}
