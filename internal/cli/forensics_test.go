package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakcheck/leakcheck/internal/report/schematest"
)

// The generated scenarios of issue 10: a registry of invented people with a state, a centre,
// a registration date and a reference number, and dumps that cover one state up to a date,
// every state up to a date, or are another database of the same people.

type genPerson struct {
	phone, name, dob, state, centre, ref string
	reg                                  time.Time
}

var genStates = []struct {
	name   string
	weight int
}{
	{"Uttar Pradesh", 20}, {"Maharashtra", 15}, {"Bihar", 12}, {"West Bengal", 10},
	{"Madhya Pradesh", 9}, {"Tamil Nadu", 9}, {"Rajasthan", 8}, {"Karnataka", 7},
	{"Gujarat", 6}, {"Odisha", 4},
}

var genFirst = []string{"Aarav", "Vivaan", "Aditya", "Ishaan", "Kabir", "Ananya", "Diya", "Meera", "Saanvi", "Riya", "Tara", "Nikhil", "Rohan", "Kavya", "Zoya", "Farhan"}
var genLast = []string{"Quorvan", "Belnath", "Tiskar", "Morwade", "Jhelvi", "Pranteq", "Ostrava", "Keshlin", "Vandor", "Rumelt"}

func genRegistry(n int, seed uint64) []genPerson {
	r := rand.New(rand.NewPCG(seed, 10))
	start := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(2022, 6, 30, 0, 0, 0, 0, time.UTC).Sub(start).Hours() / 24)
	total := 0
	for _, s := range genStates {
		total += s.weight
	}
	out := make([]genPerson, n)
	for i := range out {
		k := r.IntN(total)
		st := genStates[0].name
		for _, s := range genStates {
			if k < s.weight {
				st = s.name
				break
			}
			k -= s.weight
		}
		out[i] = genPerson{
			phone:  fmt.Sprintf("+9179%08d", 10_000_000+i*7919%89_999_999),
			name:   genFirst[r.IntN(len(genFirst))] + " " + genLast[r.IntN(len(genLast))],
			dob:    time.Date(1940+r.IntN(65), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC).Format(time.DateOnly),
			state:  st,
			centre: fmt.Sprintf("%s PHC %d", st, 1+r.IntN(4)),
			ref:    fmt.Sprintf("%012d", r.Int64N(1e12)),
			reg:    start.AddDate(0, 0, r.IntN(days+1)),
		}
	}
	return out
}

func writeCSV(t *testing.T, path string, header []string, rows [][]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write(header)
	w.WriteAll(rows)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// noRegistryValues fails if out holds a registry value of a column of many values: a phone
// number, a reference number (or its last digits as a custom field would hash them), a date of
// birth or a name.
func noRegistryValues(t *testing.T, reg []genPerson, out string) {
	t.Helper()
	low := strings.ToLower(out)
	for _, p := range reg {
		for _, v := range []string{p.phone, p.phone[3:], p.ref, p.dob, strings.ToLower(p.name)} {
			if strings.Contains(low, strings.ToLower(v)) {
				t.Fatalf("an output holds a registry value of %s's record", p.name[:1]+"…")
			}
		}
	}
}

// renderings runs the same check as text and as HTML.
func renderings(t *testing.T, w *acWorld, reg []genPerson, lcf, registry string, args ...string) (text, html string) {
	t.Helper()
	base := []string{"check", "-q", "--key", w.key, "--filter", lcf}
	res := w.run("", append(append(base, args...), registry)...)
	if res.code != 1 {
		t.Fatalf("check: %s", res)
	}
	out := w.path(strings.TrimSuffix(filepath.Base(lcf), ".lcf") + ".html")
	os.Remove(out)
	if r := w.run("", append(append(base, append(args, "--format", "html", "-o", out)...), registry)...); r.code != 1 {
		t.Fatalf("check --format html: %s", r)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	noRegistryValues(t, reg, res.stdout+res.stderr+string(data))
	return res.stdout, string(data)
}

// everyFigureShown checks that the text and HTML reports show every group and dating figure
// of the JSON report: each bucket's value, records and exposed records on one line (a table
// row), the summaries, and the snapshot window marked.
func everyFigureShown(t *testing.T, rep forensicsReport, text, html string) {
	t.Helper()
	rows := func(doc, sep string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(doc, sep) {
			m[strings.Join(strings.Fields(l), " ")] = true
		}
		return m
	}
	textRows, htmlRows := rows(text, "\n"), rows(html, "<tr")
	hasRow := func(rows map[string]bool, parts ...string) bool {
		for r := range rows {
			ok := true
			rest := r
			for _, p := range parts {
				i := strings.Index(rest, p)
				if i < 0 {
					ok = false
					break
				}
				rest = rest[i+len(p):]
			}
			if ok {
				return true
			}
		}
		return false
	}
	for _, g := range rep.Groups {
		if !strings.Contains(text, g.Summary[1:]) || !strings.Contains(html, g.Summary[1:]) {
			t.Errorf("the summary of %s is not in both renderings: %q", g.Column, g.Summary)
		}
		for _, b := range g.Buckets {
			if g.Unit != "" {
				// a timeline: the text has one row per bucket, the HTML one bar with its counts
				if !hasRow(textRows, b.Value+" ", thousands(b.Records), thousands(b.Exposed)) {
					t.Errorf("text timeline lacks %s: %d records, %d exposed", b.Value, b.Records, b.Exposed)
				}
				if !strings.Contains(html, fmt.Sprintf("<title>%s: %s registry records, %s exposed</title>", b.Value, thousands(b.Records), thousands(b.Exposed))) {
					t.Errorf("HTML timeline lacks %s: %d records, %d exposed", b.Value, b.Records, b.Exposed)
				}
				continue
			}
			over := "no"
			if b.OverRepresented {
				over = "yes"
			}
			if !hasRow(textRows, b.Value+" ", thousands(b.Records), thousands(b.Exposed)) {
				t.Errorf("text table of %s lacks %s: %d records, %d exposed", g.Column, b.Value, b.Records, b.Exposed)
			}
			if !hasRow(htmlRows, "<td>"+b.Value+"</td>", ">"+thousands(b.Records)+"<", ">"+thousands(b.Exposed)+"<", ">"+over+"<") {
				t.Errorf("HTML table of %s lacks %s: %d records, %d exposed, over-represented %v", g.Column, b.Value, b.Records, b.Exposed, b.OverRepresented)
			}
		}
	}
	for _, d := range rep.Dating {
		if d.NotBefore == nil || d.NotAfter == nil {
			continue
		}
		lo, _ := time.Parse(time.DateOnly, *d.NotBefore)
		hi, _ := time.Parse(time.DateOnly, *d.NotAfter)
		window := lo.Format("2 January 2006") + " to " + hi.Format("2 January 2006")
		if !strings.Contains(html, "copy taken: "+window) || !strings.Contains(html, `class="window"`) {
			t.Errorf("HTML timeline does not mark the window %s", window)
		}
		if !strings.Contains(text, "◀ copy taken") || !strings.Contains(text, lo.Format("2 January 2006")) {
			t.Errorf("text timeline does not mark the window %s", window)
		}
	}
	if !strings.Contains(html, `<svg class="minibar"`) || !strings.Contains(html, `class="chart timeline"`) {
		t.Error("HTML lacks the localization chart or the timeline")
	}
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

type forensicsReport struct {
	Finding string `json:"finding"`
	Source  struct {
		Assessment string `json:"assessment"`
	} `json:"source"`
	Groups []struct {
		Column  string `json:"column"`
		Unit    string `json:"unit"`
		Summary string `json:"summary"`
		Buckets []struct {
			Value           string     `json:"value"`
			Records         int64      `json:"records"`
			Exposed         int64      `json:"exposed"`
			CI95            [2]float64 `json:"ci95"`
			OverRepresented bool       `json:"over_represented"`
		} `json:"buckets"`
	} `json:"groups"`
	Dating []struct {
		Column    string  `json:"column"`
		Last      *string `json:"last_exposed"`
		NotBefore *string `json:"snapshot_not_before"`
		NotAfter  *string `json:"snapshot_not_after"`
	} `json:"dating"`
}

func TestLocalizeAndDate(t *testing.T) {
	if testing.Short() {
		t.Skip("generated registry")
	}
	w := &acWorld{t: t, dir: t.TempDir(), filters: map[string]string{}}
	t.Setenv(KeyFileEnv, "")
	t.Setenv(PassphraseFileEnv, "")
	w.key = w.newKey("k.key")
	reg := genRegistry(8000, 1)
	var rows [][]string
	for _, p := range reg {
		rows = append(rows, []string{p.phone, p.name, p.dob, p.state, p.centre, p.reg.Format(time.DateOnly), "REF" + p.ref})
	}
	registry := w.path("registry.csv")
	writeCSV(t, registry, []string{"phone", "name", "dob", "state", "centre", "registered_on", "reference_no"}, rows)

	cut := time.Date(2022, 3, 5, 0, 0, 0, 0, time.UTC)
	dump := func(file string, keep func(genPerson) bool) string {
		var rows [][]string
		r := rand.New(rand.NewPCG(7, 7))
		for _, p := range reg {
			if keep(p) && r.Float64() < 0.8 {
				rows = append(rows, []string{strings.TrimPrefix(p.phone, "+91"), strings.ToUpper(p.name), p.dob})
			}
		}
		path := w.path(file)
		writeCSV(t, path, []string{"Mobile", "Name", "DOB"}, rows)
		lcf := strings.TrimSuffix(path, ".csv") + ".lcf"
		w.mustRun(0, "", "build", "-q", "--key", w.key, "--index", "phone", "--index", "phone+name", "--index", "phone+dob", "-o", lcf, path)
		return lcf
	}
	check := func(lcf string, extra ...string) forensicsReport {
		args := append([]string{"check", "-q", "--key", w.key, "--filter", lcf, "--format", "json"}, extra...)
		res := w.run("", append(args, registry)...)
		if res.code != 1 {
			t.Fatalf("check: %s", res)
		}
		noRegistryValues(t, reg, res.stdout)
		schematest.Validate(t, []byte(res.stdout))
		var rep forensicsReport
		if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
			t.Fatal(err)
		}
		return rep
	}
	within := func(t *testing.T, name string, s *string, lo, hi time.Time) {
		t.Helper()
		if s != nil {
			t.Logf("%s: %s (true cut within %s..%s)", name, *s, lo.Format(time.DateOnly), hi.Format(time.DateOnly))
		}
		if s == nil {
			t.Fatalf("%s: null, want a date", name)
		}
		d, err := time.Parse(time.DateOnly, *s)
		if err != nil || d.Before(lo) || d.After(hi) {
			t.Fatalf("%s = %s, want within %s..%s", name, *s, lo.Format(time.DateOnly), hi.Format(time.DateOnly))
		}
	}
	twoWeeks := 14 * 24 * time.Hour

	t.Run("one state up to a date", func(t *testing.T) {
		lcf := dump("odisha.csv", func(p genPerson) bool { return p.state == "Odisha" && !p.reg.After(cut) })
		rep := check(lcf, "--group-by", "state", "--group-by", "registered_on:week")
		text, html := renderings(t, w, reg, lcf, registry, "--group-by", "state", "--group-by", "registered_on:week")
		if dir := os.Getenv("LEAKCHECK_FORENSICS_OUT"); dir != "" {
			os.WriteFile(dir+"/odisha.txt", []byte(text), 0o644)
			os.WriteFile(dir+"/odisha.html", []byte(html), 0o644)
		}
		everyFigureShown(t, rep, text, html)
		if len(rep.Groups) != 2 || len(rep.Dating) != 1 {
			t.Fatalf("groups %d, dating %d", len(rep.Groups), len(rep.Dating))
		}
		var over []string
		for _, b := range rep.Groups[0].Buckets {
			if b.OverRepresented {
				over = append(over, b.Value)
			}
		}
		if len(over) != 1 || over[0] != "odisha" {
			t.Fatalf("over-represented %v, want only odisha; %s", over, rep.Groups[0].Summary)
		}
		if !strings.Contains(rep.Groups[0].Summary, "odisha") {
			t.Errorf("summary %q does not name odisha", rep.Groups[0].Summary)
		}
		d := rep.Dating[0]
		within(t, "not before", d.NotBefore, cut.Add(-twoWeeks), cut)
		within(t, "not after", d.NotAfter, cut, cut.Add(twoWeeks))
	})
	t.Run("a mixture", func(t *testing.T) {
		// Odisha's records up to the cut, hidden among 3,000 rows that pair registry phones
		// (of every state and date) with other people's names and dates of birth, and 500
		// people who are not in the registry.
		r := rand.New(rand.NewPCG(11, 11))
		var rows [][]string
		for _, p := range reg {
			if p.state == "Odisha" && !p.reg.After(cut) && r.Float64() < 0.8 {
				rows = append(rows, []string{strings.TrimPrefix(p.phone, "+91"), strings.ToUpper(p.name), p.dob})
			}
		}
		others := genRegistry(3500, 99)
		for i, o := range others {
			phone := o.phone
			if i < 3000 {
				phone = reg[r.IntN(len(reg))].phone
			} else {
				phone = fmt.Sprintf("+9188%08d", i)
			}
			rows = append(rows, []string{phone, o.name, o.dob})
		}
		r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		path := w.path("mixture.csv")
		writeCSV(t, path, []string{"Mobile", "Name", "DOB"}, rows)
		lcf := w.path("mixture.lcf")
		w.mustRun(0, "", "build", "-q", "--key", w.key, "--index", "phone", "--index", "phone+name", "--index", "phone+dob", "-o", lcf, path)
		rep := check(lcf, "--group-by", "state", "--group-by", "registered_on:week")
		text, html := renderings(t, w, reg, lcf, registry, "--group-by", "state", "--group-by", "registered_on:week")
		if dir := os.Getenv("LEAKCHECK_FORENSICS_OUT"); dir != "" {
			os.WriteFile(dir+"/mixture.txt", []byte(text), 0o644)
		}
		everyFigureShown(t, rep, text, html)
		if rep.Finding != "mixed" {
			t.Errorf("finding %s, want mixed", rep.Finding)
		}
		var over []string
		for _, b := range rep.Groups[0].Buckets {
			if b.OverRepresented {
				over = append(over, b.Value)
			}
		}
		if len(over) != 1 || over[0] != "odisha" {
			t.Fatalf("over-represented %v, want only odisha; %s", over, rep.Groups[0].Summary)
		}
		d := rep.Dating[0]
		within(t, "not before", d.NotBefore, cut.Add(-twoWeeks), cut)
		within(t, "not after", d.NotAfter, cut, cut.Add(twoWeeks))
	})
	t.Run("every state up to a date", func(t *testing.T) {
		early := time.Date(2021, 11, 15, 0, 0, 0, 0, time.UTC)
		lcf := dump("all.csv", func(p genPerson) bool { return !p.reg.After(early) })
		rep := check(lcf, "--group-by", "state", "--group-by", "registered_on")
		for _, b := range rep.Groups[0].Buckets {
			if b.OverRepresented {
				t.Errorf("%s over-represented in a dump of every state", b.Value)
			}
		}
		d := rep.Dating[0]
		within(t, "not before", d.NotBefore, early.Add(-twoWeeks), early)
		within(t, "not after", d.NotAfter, early, early.Add(twoWeeks))
	})
	t.Run("no cut cannot be dated", func(t *testing.T) {
		lcf := dump("nocut.csv", func(p genPerson) bool { return true })
		rep := check(lcf, "--group-by", "registered_on")
		if d := rep.Dating[0]; d.NotAfter != nil {
			t.Errorf("a dump of the whole registry dated to %s", *d.NotAfter)
		}
	})
	source := func(file string, header []string, row func(genPerson) []string, build []string, checkArgs ...string) string {
		var rows [][]string
		for i, p := range reg {
			if i%3 == 0 {
				rows = append(rows, row(p))
			}
		}
		path := w.path(file)
		writeCSV(t, path, header, rows)
		lcf := strings.TrimSuffix(path, ".csv") + ".lcf"
		w.mustRun(0, "", append(append([]string{"build", "-q", "--key", w.key, "-o", lcf, "--index", "phone", "--index", "phone+name", "--index", "phone+dob"}, build...), path)...)
		return check(lcf, checkArgs...).Source.Assessment
	}
	t.Run("registry-only fields say registry", func(t *testing.T) {
		got := source("botexport.csv", []string{"Mobile", "Name", "DOB", "Centre", "ID Number", "Address"},
			func(p genPerson) []string {
				return []string{p.phone, p.name, p.dob, p.centre, "XXXXXXXX" + p.ref[8:], "House " + p.ref[:3]}
			},
			[]string{"--index", "phone+centre", "--field", "ref_last4:last4=ID Number", "--index", "phone+ref_last4"},
			"--field", "ref_last4=reference_no")
		if got != "registry" {
			t.Errorf("source %q, want registry", got)
		}
	})
	t.Run("another database is not the registry", func(t *testing.T) {
		got := source("otherdb.csv", []string{"Mobile", "Name", "DOB", "Address"},
			func(p genPerson) []string { return []string{p.phone, p.name, p.dob, "House " + p.ref[:3]} }, nil)
		if got == "registry" {
			t.Errorf("another database of the same people called %q", got)
		}
	})
	t.Run("high-cardinality column refused", func(t *testing.T) {
		lcf := dump("refuse.csv", func(p genPerson) bool { return p.state == "Bihar" })
		res := w.run("", "check", "-q", "--key", w.key, "--filter", lcf, "--group-by", "reference_no", registry)
		if res.code != 2 || !strings.Contains(res.stderr, "too many distinct values") || res.stdout != "" {
			t.Fatalf("want exit 2 and no report: %s", res)
		}
		for _, p := range reg {
			if strings.Contains(res.stderr, p.ref) {
				t.Fatal("the error holds a reference number")
			}
		}
	})
}
