package cli

// Tests of the analyst and CI paths: probe, check with several filters,
// --fail-on, JUnit and HTML reports, merge and build --salt-from, completion
// and --version. Every test runs leakcheck in process on the bundled fixtures
// and asserts that no output holds any fixture identifier.

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"testing"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/fixtures"
	"github.com/leakcheck/leakcheck/internal/keyhash"
	"github.com/leakcheck/leakcheck/internal/report/schematest"
)

// acWorld is a directory holding the fixtures, a key and one filter per dump.
type acWorld struct {
	t        *testing.T
	dir      string
	key      string
	registry string
	filters  map[string]string // dump file → its filter
}

type acResult struct {
	code           int
	stdout, stderr string
}

func (r acResult) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.stdout, r.stderr)
}

func acSetup(t *testing.T) *acWorld {
	t.Helper()
	w := &acWorld{t: t, dir: t.TempDir(), filters: map[string]string{}}
	t.Setenv(KeyFileEnv, "")
	t.Setenv(PassphraseFileEnv, "")
	names := []string{fixtures.Registry}
	for _, d := range fixtures.Dumps {
		names = append(names, d.File)
	}
	for _, n := range names {
		b, err := fs.ReadFile(fixtures.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(w.path(n), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w.registry = w.path(fixtures.Registry)
	w.key = w.newKey("engagement.key")
	for _, d := range fixtures.Dumps {
		lcf := w.path(strings.TrimSuffix(d.File, ".csv") + ".lcf")
		w.mustRun(0, "", "build", "-q", "--key", w.key, "-o", lcf, w.path(d.File))
		w.filters[d.File] = lcf
	}
	return w
}

func (w *acWorld) path(name string) string { return filepath.Join(w.dir, name) }

// in returns the world for use in subtest t.
func (w *acWorld) in(t *testing.T) *acWorld {
	c := *w
	c.t = t
	return &c
}

func (w *acWorld) newKey(name string) string {
	p := w.path(name)
	w.mustRun(0, "", "keygen", "-o", p)
	return p
}

// run runs leakcheck in process and checks that nothing it printed holds a
// fixture identifier.
func (w *acWorld) run(stdin string, args ...string) acResult {
	w.t.Helper()
	var out, errb bytes.Buffer
	t := w.t
	code := Run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	r := acResult{code, out.String(), errb.String()}
	acNoIdentifiers(t, r.stdout, r.stderr)
	return r
}

func (w *acWorld) mustRun(code int, stdin string, args ...string) acResult {
	w.t.Helper()
	r := w.run(stdin, args...)
	if r.code != code {
		w.t.Fatalf("leakcheck %s: want exit %d, got\n%s", strings.Join(args, " "), code, r)
	}
	return r
}

var (
	acIDsOnce sync.Once
	acIDs     []string
)

// acNoIdentifiers fails the test if any output holds a fixture identifier
// (phones, national IDs, names; compared case-insensitively).
func acNoIdentifiers(t *testing.T, outputs ...string) {
	t.Helper()
	acIDsOnce.Do(func() {
		var err error
		if acIDs, err = fixtures.Identifiers(); err != nil {
			panic(err)
		}
	})
	for _, o := range outputs {
		lo := strings.ToLower(o)
		for _, id := range acIDs {
			if strings.Contains(lo, id) {
				t.Errorf("output holds the fixture identifier %q", id)
			}
		}
	}
}

// acFixtureLine returns the fields of a data line of a fixture CSV (1 = the
// first data row), for tests that need identifiers known to be in a dump.
func acFixtureLine(t *testing.T, file string, n int) []string {
	t.Helper()
	b, err := fs.ReadFile(fixtures.FS, file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	return strings.Split(lines[n], ",")
}

func TestProbePiped(t *testing.T) {
	w := acSetup(t)
	leak := w.filters["dump_leak.csv"]
	// dump_leak.csv line 2: "89957-59995,Rani  Fernandes,1997,FEMALE,683919446198".
	row := acFixtureLine(t, "dump_leak.csv", 1)
	phone, natID := row[0], row[4]
	digits := strings.ReplaceAll(phone, "-", "")
	// A registry phone that is in no dump of the fixtures' leak: the
	// unrelated dump's people are not in the registry, and their phones are
	// not in dump_leak.
	absentPhone := acFixtureLine(t, "dump_unrelated.csv", 1)[0]
	input := strings.Join([]string{
		phone,                 // 1 present, as written in the dump
		"+91 " + digits,       // 2 present, another surface form
		"",                    // 3 blank
		absentPhone,           // 4 absent
		"12345",               // 5 invalid phone
		natID,                 // 6 present national_id
		"someone@example.com", // 7 the filter has no email index
		"NA",                  // 8 a placeholder
		natID[:4] + " " + natID[4:8] + " " + natID[8:], // 9 present, grouped
	}, "\n") + "\n"
	r := w.mustRun(1, input, "probe", "--key", w.key, "--filter", leak)
	want := []string{
		"line 1: present (phone)",
		"line 2: present (phone)",
		"line 3: blank",
		"line 4: absent (phone)",
		"line 5: invalid (phone): not a valid phone number for region IN (too short)",
		"line 6: present (national_id)",
		"line 7: not tested (email): the filter has no email index",
		"line 8: invalid (phone): no value (a placeholder such as NA)",
		"line 9: present (national_id)",
	}
	if got := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("answers:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(r.stderr, "a present answer is a false alarm about 1 in ") {
		t.Errorf("no false-positive rate in words on stderr:\n%s", r)
	}
	for _, s := range []string{phone, digits, natID, absentPhone} {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("output echoes an identifier:\n%s", r)
		}
	}

	// --quiet: the answers only.
	r = w.mustRun(1, phone+"\n", "probe", "-q", "--key", w.key, "--filter", leak)
	if r.stderr != "" || r.stdout != "line 1: present (phone)\n" {
		t.Errorf("probe -q:\n%s", r)
	}
	// All absent: exit 0.
	r = w.mustRun(0, absentPhone+"\n"+absentPhone+"\n", "probe", "-q", "--key", w.key, "--filter", leak)
	if r.stdout != "line 1: absent (phone)\nline 2: absent (phone)\n" {
		t.Errorf("all absent:\n%s", r)
	}
	// Nothing present and something not tested: exit 2, nothing concluded.
	r = w.mustRun(2, absentPhone+"\n12345\n", "probe", "--key", w.key, "--filter", leak)
	if !strings.Contains(r.stderr, "1 identifier(s) could not be tested") {
		t.Errorf("invalid line:\n%s", r)
	}
	// --field forces the field.
	r = w.mustRun(2, digits+"\n", "probe", "-q", "--field", "national_id", "--key", w.key, "--filter", leak)
	if r.stdout != "line 1: invalid (national_id): 12 digits expected, got 10\n" {
		t.Errorf("--field national_id:\n%s", r)
	}
	// The unrelated dump's filter has no national_id index.
	r = w.mustRun(2, natID+"\n", "probe", "--field", "national_id", "--key", w.key, "--filter", w.filters["dump_unrelated.csv"])
	if !strings.Contains(r.stderr, "has no national_id index") {
		t.Errorf("missing index:\n%s", r)
	}
	// Empty input.
	w.mustRun(2, "", "probe", "--key", w.key, "--filter", leak)
}

func TestProbeRefusals(t *testing.T) {
	w := acSetup(t)
	leak := w.filters["dump_leak.csv"]
	phone := strings.ReplaceAll(acFixtureLine(t, "dump_leak.csv", 1)[0], "-", "")
	other := w.newKey("other.key")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"identifier as argument", []string{"probe", "--key", w.key, "--filter", leak, phone}, "probe takes no arguments"},
		{"identifier as flag", []string{"probe", "--key", w.key, "--filter", leak, "--" + phone}, "not repeated here"},
		{"identifier as flag value", []string{"probe", "--key", w.key, "--filter", leak, "--field=" + phone}, "--field must be phone, national_id or email"},
		{"wrong key", []string{"probe", "--key", other, "--filter", leak}, "wrong key"},
		{"no filter", []string{"probe", "--key", w.key}, "no filter given"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.in(t).mustRun(2, phone+"\n", c.args...)
			if !strings.Contains(r.stderr, c.want) {
				t.Errorf("want %q in stderr:\n%s", c.want, r)
			}
			if strings.Contains(r.stdout+r.stderr, phone) {
				t.Errorf("the identifier was echoed:\n%s", r)
			}
			if r.stdout != "" {
				t.Errorf("an answer was given:\n%s", r)
			}
		})
	}
	// A damaged filter is an error, never an answer.
	b, err := os.ReadFile(leak)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-100] ^= 1
	bad := w.path("damaged.lcf")
	if err := os.WriteFile(bad, b, 0o644); err != nil {
		t.Fatal(err)
	}
	r := w.mustRun(2, phone+"\n", "probe", "--key", w.key, "--filter", bad)
	if r.stdout != "" {
		t.Errorf("damaged filter answered:\n%s", r)
	}
}

func TestCheckSeveralFilters(t *testing.T) {
	w := acSetup(t)
	leak, unrel, phones := w.filters["dump_leak.csv"], w.filters["dump_unrelated.csv"], w.filters["dump_phonelist.csv"]
	r := w.mustRun(1, "", "check", "-q", "--key", w.key, "--filter", leak, "--filter", unrel, "--filter", phones, w.registry)
	if n := strings.Count(r.stdout, "VERDICT: "); n != 3 {
		t.Errorf("want 3 reports, got %d:\n%s", n, r)
	}
	sum := r.stdout[strings.Index(r.stdout, "SUMMARY"):]
	for _, want := range []string{
		`SUMMARY: 3 filter\(s\); failing on exposed`,
		regexp.QuoteMeta(leak) + ` +exposed +FAIL +about 200 records \(95% CI 200–200\): 200 of 212 phone matches also match on phone\+name\+yob`,
		regexp.QuoteMeta(unrel) + ` +not_exposed +ok +nothing beyond chance`,
		regexp.QuoteMeta(phones) + ` +not_exposed +ok +nothing beyond chance: 0 of 212 phone matches also match on phone\+name`,
		`3 reports, each at most 1\.0e-06 likely to say EXPOSED by chance: at most 3\.0e-06 for any of them`,
	} {
		if !regexp.MustCompile(want).MatchString(sum) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}

	// A directory of filters, and --fail-on.
	dir := w.path("filters")
	os.Mkdir(dir, 0o755)
	for _, p := range []string{leak, unrel, phones} {
		b, _ := os.ReadFile(p)
		os.WriteFile(filepath.Join(dir, filepath.Base(p)), b, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "README.txt"), []byte("not a filter"), 0o644)
	r = w.mustRun(1, "", "check", "-q", "--key", w.key, "--filter", dir, w.registry)
	if strings.Count(r.stdout, "=== filter ") != 3 {
		t.Errorf("directory: want 3 filters:\n%s", r)
	}
	w.mustRun(0, "", "check", "-q", "--fail-on", "never", "--key", w.key, "--filter", dir, w.registry)
	w.mustRun(0, "", "check", "-q", "--fail-on", "exposed", "--key", w.key, "--filter", unrel, "--filter", phones, w.registry)
	w.mustRun(2, "", "check", "-q", "--fail-on", "sometimes", "--key", w.key, "--filter", dir, w.registry)

	// JSON: several filters are wrapped; one filter file stays a bare report.
	r = w.mustRun(1, "", "check", "-q", "--format", "json", "--key", w.key, "--filter", dir, w.registry)
	var multi struct {
		Schema  string            `json:"schema"`
		FailOn  string            `json:"fail_on"`
		Failed  bool              `json:"failed"`
		Reports []json.RawMessage `json:"reports"`
		Summary []struct {
			Filter, Verdict, Evidence string
			Failed                    bool
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &multi); err != nil {
		t.Fatalf("multi JSON: %v\n%s", err, r)
	}
	schematest.Validate(t, []byte(r.stdout))
	if multi.Schema != "leakcheck.check/v2" || multi.FailOn != "exposed" || !multi.Failed || len(multi.Reports) != 3 || len(multi.Summary) != 3 {
		t.Errorf("multi JSON: %+v", multi)
	}
	var rep struct{ Schema, Verdict string }
	json.Unmarshal(multi.Reports[0], &rep)
	if rep.Schema != "leakcheck.report/v2" || rep.Verdict != "exposed" || !multi.Summary[0].Failed || multi.Summary[1].Failed {
		t.Errorf("multi JSON report 0: %+v, summary %+v", rep, multi.Summary)
	}
	r = w.mustRun(1, "", "check", "-q", "--format", "json", "--key", w.key, "--filter", leak, w.registry)
	rep.Schema = ""
	schematest.Validate(t, []byte(r.stdout))
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || rep.Schema != "leakcheck.report/v2" {
		t.Errorf("single-filter JSON is not a bare report (%v): %s", err, r.stdout[:min(200, len(r.stdout))])
	}

	// Every filter's key check must pass before anything is read or said.
	otherKey := w.newKey("other.key")
	odd := w.path("odd.lcf")
	w.mustRun(0, "", "build", "-q", "--key", otherKey, "-o", odd, w.path("dump_unrelated.csv"))
	r = w.mustRun(2, "", "check", "-q", "--key", w.key, "--filter", leak, "--filter", odd, w.registry)
	if r.stdout != "" || !strings.Contains(r.stderr, "wrong key for "+odd) {
		t.Errorf("wrong key on one filter:\n%s", r)
	}
	// A damaged filter among several: exit 2, nothing on stdout.
	b, _ := os.ReadFile(unrel)
	b[len(b)-80] ^= 0x10
	bad := w.path("bad.lcf")
	os.WriteFile(bad, b, 0o644)
	r = w.mustRun(2, "", "check", "-q", "--format", "junit", "--key", w.key, "--filter", leak, "--filter", bad, w.registry)
	if r.stdout != "" {
		t.Errorf("damaged filter: output was written:\n%s", r)
	}
	// Several filters and standard input do not mix.
	w.mustRun(2, "", "check", "-q", "--key", w.key, "--filter", leak, "--filter", unrel, "-")
	w.mustRun(2, "", "check", "-q", "--key", w.key, "--filter", w.path("empty-dir-that-is-missing.lcf"), w.registry)
	empty := w.path("empty")
	os.Mkdir(empty, 0o755)
	w.mustRun(2, "", "check", "-q", "--key", w.key, "--filter", empty, w.registry)
}

// A filter the registry cannot be checked against does not stop the others,
// but the check exits 2.
func TestCheckSeveralFiltersOneUnformable(t *testing.T) {
	w := acSetup(t)
	emails := w.path("emails.csv")
	os.WriteFile(emails, []byte("email\nsomeone@example.com\nother@example.org\n"), 0o600)
	em := w.path("emails.lcf")
	w.mustRun(0, "", "build", "-q", "--key", w.key, "-o", em, emails)
	r := w.mustRun(2, "", "check", "-q", "--format", "junit", "--key", w.key, "--filter", w.filters["dump_leak.csv"], "--filter", em, w.registry)
	var s acJUnit
	if err := xml.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("junit: %v\n%s", err, r)
	}
	if s.Tests != 2 || s.Failures != 1 || s.Errors != 1 {
		t.Errorf("junit counts: tests %d failures %d errors %d", s.Tests, s.Failures, s.Errors)
	}
	if !strings.Contains(r.stderr, "1 of 2 filters could not be checked") {
		t.Errorf("stderr:\n%s", r)
	}
}

type acJUnit struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []struct {
		Name       string `xml:"name,attr"`
		Properties []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Name       string `xml:"name,attr"`
			Properties []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestCheckJUnit(t *testing.T) {
	w := acSetup(t)
	dir := w.path("filters")
	os.Mkdir(dir, 0o755)
	for _, d := range fixtures.Dumps {
		b, _ := os.ReadFile(w.filters[d.File])
		os.WriteFile(filepath.Join(dir, filepath.Base(w.filters[d.File])), b, 0o644)
	}
	out := w.path("results.xml")
	r := w.mustRun(1, "", "check", "-q", "--format", "junit", "-o", out, "--key", w.key, "--filter", dir, w.registry)
	if r.stdout != "" {
		t.Errorf("-o: stdout not empty:\n%s", r)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	acNoIdentifiers(t, string(b))
	var s acJUnit
	if err := xml.Unmarshal(b, &s); err != nil {
		t.Fatalf("junit: %v\n%s", err, b)
	}
	if s.Tests != 3 || s.Failures != 1 || s.Errors != 0 || len(s.Suites) != 1 || len(s.Suites[0].Cases) != 3 {
		t.Fatalf("junit shape: %+v", s)
	}
	props := map[string]string{}
	for _, p := range s.Suites[0].Properties {
		props[p.Name] = p.Value
	}
	if props["fail_on"] != "exposed" || props["registry.rows_read"] != "1000" || props["registry.rows_used"] != "998" {
		t.Errorf("suite properties: %v", props)
	}
	for _, c := range s.Suites[0].Cases {
		cp := map[string]string{}
		for _, p := range c.Properties {
			cp[p.Name] = p.Value
		}
		switch filepath.Base(c.Name) {
		case "dump_leak.lcf":
			if c.Failure == nil || c.Failure.Type != "exposed" || cp["verdict"] != "exposed" || cp["index.phone.matches"] != "212" || cp["index.phone+name.matches"] != "200" {
				t.Errorf("leak case: failure %+v, properties %v", c.Failure, cp)
			}
			if !strings.Contains(c.SystemOut, "VERDICT: EXPOSED") {
				t.Errorf("leak case system-out:\n%s", c.SystemOut)
			}
		case "dump_unrelated.lcf", "dump_phonelist.lcf":
			if c.Failure != nil || cp["verdict"] != "not_exposed" {
				t.Errorf("%s: failure %+v, properties %v", c.Name, c.Failure, cp)
			}
		default:
			t.Errorf("unexpected case %s", c.Name)
		}
	}
	// --fail-on never: every case passes, exit 0.
	r = w.mustRun(0, "", "check", "-q", "--format", "junit", "--fail-on", "never", "--key", w.key, "--filter", dir, w.registry)
	s = acJUnit{}
	if err := xml.Unmarshal([]byte(r.stdout), &s); err != nil || s.Failures != 0 || s.Tests != 3 {
		t.Errorf("--fail-on never: %v %+v", err, s)
	}
}

func TestCheckHTML(t *testing.T) {
	w := acSetup(t)
	out := w.path("report.html")
	w.mustRun(1, "", "check", "-q", "--format", "html", "-o", out, "--key", w.key, "--filter", w.filters["dump_leak.csv"], w.registry)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(string(b))
	acNoIdentifiers(t, page)
	acSelfContained(t, string(b))
	for _, want := range []string{
		"Exposed: records of the registry's people are in the dump.",
		"<svg", "phone+name", "200 found", "by chance", "Three answers",
		"How to reproduce this check", "leakcheck check --key KEYFILE --filter",
		"Key fingerprint", w.filters["dump_leak.csv"],
	} {
		if !strings.Contains(page, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	if i, j := strings.Index(page, "Exposed: records"), strings.Index(page, "<svg"); i < 0 || j < i {
		t.Errorf("the verdict does not come first")
	}
	acScreenshot(t, out)

	// Several filters: one page, summary first.
	out2 := w.path("all.html")
	w.mustRun(1, "", "check", "-q", "--format", "html", "-o", out2, "--key", w.key,
		"--filter", w.filters["dump_leak.csv"], "--filter", w.filters["dump_unrelated.csv"], "--filter", w.filters["dump_phonelist.csv"], w.registry)
	b, _ = os.ReadFile(out2)
	page = html.UnescapeString(string(b))
	acNoIdentifiers(t, page)
	acSelfContained(t, string(b))
	if !strings.Contains(page, "3 dumps checked against the registry") || strings.Count(page, `class="filter"`) != 3 ||
		!strings.Contains(page, "Not exposed: no registry record is shown to be in the dump.") {
		t.Errorf("multi-filter HTML report is incomplete")
	}
}

// acSelfContained asserts that a page loads nothing from anywhere.
func acSelfContained(t *testing.T, page string) {
	t.Helper()
	lo := strings.ToLower(page)
	for _, bad := range []string{"<script", "http://", "https://", "src=", "url(", "@import", "<link", "<iframe", "<img"} {
		if strings.Contains(lo, bad) {
			t.Errorf("HTML report contains %q", bad)
		}
	}
}

func TestMergeShards(t *testing.T) {
	w := acSetup(t)
	b, _ := fs.ReadFile(fixtures.FS, "dump_leak.csv")
	lines := strings.SplitAfter(string(b), "\n")
	header, rows := lines[0], lines[1:]
	half := len(rows) / 2
	os.WriteFile(w.path("s1.csv"), []byte(header+strings.Join(rows[:half], "")), 0o600)
	os.WriteFile(w.path("s2.csv"), []byte(header+strings.Join(rows[half:], "")), 0o600)
	s1, s2, all := w.path("s1.lcf"), w.path("s2.lcf"), w.path("all.lcf")
	w.mustRun(0, "", "build", "-q", "--key", w.key, "--capacity", "3000", "-o", s1, w.path("s1.csv"))
	r := w.mustRun(0, "", "build", "-q", "--key", w.key, "--salt-from", s1, "-o", s2, w.path("s2.csv"))
	if strings.Contains(r.stderr, "warning") {
		t.Errorf("shard within capacity warned:\n%s", r)
	}
	r = w.mustRun(0, "", "merge", "--key", w.key, "-o", all, s1, s2)
	if !strings.Contains(r.stderr, "merged 2 filters into "+all) {
		t.Errorf("merge status:\n%s", r)
	}
	w.mustRun(0, "", "merge", "-q", "--key", w.key, "-o", all, "--force", s1, s2)
	if r := w.mustRun(0, "", "merge", "-q", "--key", w.key, "-o", w.path("all2.lcf"), s1, s2); r.stderr != "" {
		t.Errorf("merge -q printed:\n%s", r)
	}
	w.mustRun(2, "", "merge", "-q", "--key", w.key, "-o", all, s1, s2) // exists, no --force

	// The union checks like the whole dump's filter.
	counts := func(filter string) map[string][2]any {
		r := w.mustRun(1, "", "check", "-q", "--format", "json", "--key", w.key, "--filter", filter, w.registry)
		var rep struct {
			Verdict string
			Indexes []struct {
				Index            string
				Checked, Matches int64
			}
		}
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatal(err)
		}
		schematest.Validate(t, []byte(r.stdout))
		m := map[string][2]any{"verdict": {rep.Verdict}}
		for _, x := range rep.Indexes {
			m[x.Index] = [2]any{x.Checked, x.Matches}
		}
		return m
	}
	whole, merged := counts(w.filters["dump_leak.csv"]), counts(all)
	if fmt.Sprint(whole) != fmt.Sprint(merged) {
		t.Errorf("merged shards check differently from the whole dump:\nwhole  %v\nmerged %v", whole, merged)
	}

	// A shard sized by --salt-from from a small base warns when it overflows.
	small := w.path("small.lcf")
	w.mustRun(0, "", "build", "-q", "--key", w.key, "-o", small, w.path("s1.csv"))
	r = w.mustRun(0, "", "build", "-q", "--key", w.key, "--salt-from", small, "-o", w.path("big.lcf"), w.path("dump_leak.csv"))
	if !strings.Contains(r.stderr, "warning:") || !strings.Contains(r.stderr, "more than the") {
		t.Errorf("over-capacity shard did not warn:\n%s", r)
	}
}

func TestMergeRefusals(t *testing.T) {
	w := acSetup(t)
	leak := w.filters["dump_leak.csv"]
	unrel := w.filters["dump_unrelated.csv"]
	other := w.newKey("other.key")
	otherFilter := w.path("other.lcf")
	w.mustRun(0, "", "build", "-q", "--key", other, "-o", otherFilter, w.path("dump_leak.csv"))
	shard := w.path("shard.lcf")
	w.mustRun(0, "", "build", "-q", "--key", w.key, "--salt-from", leak, "-o", shard, w.path("dump_leak.csv"))

	master, err := keyhash.LoadKeyFile(w.key)
	if err != nil {
		t.Fatal(err)
	}
	// Forge filters with leak's salt and key but other indexes or Bloom
	// parameters: only a mismatch check can stop them.
	forge := func(name string, mutate func(h *bloom.Header)) string {
		f := acReadFilter(t, leak, &master)
		h := f.Header
		h.Indexes = append([]bloom.Index(nil), h.Indexes...)
		mutate(&h)
		g, err := bloom.New(h)
		if err != nil {
			t.Fatal(err)
		}
		keys := keyhash.Derive(&master, h.Salt)
		var buf bytes.Buffer
		if _, err := g.WriteTo(&buf, keys.MACKey(), nil); err != nil {
			t.Fatal(err)
		}
		p := w.path(name)
		os.WriteFile(p, buf.Bytes(), 0o644)
		return p
	}
	idx := forge("indexes.lcf", func(h *bloom.Header) { h.Indexes = h.Indexes[:2] })
	params := forge("params.lcf", func(h *bloom.Header) {
		p, err := bloom.Plan(h.Bloom.Capacity*4, h.Bloom.TargetFPR)
		if err != nil {
			t.Fatal(err)
		}
		h.Bloom = p
	})
	region := forge("region.lcf", func(h *bloom.Header) { h.Region = "GB" })

	cases := []struct {
		name   string
		inputs []string
		want   string
	}{
		{"different key", []string{leak, otherFilter}, "wrong key for " + otherFilter},
		{"different salt", []string{leak, unrel}, "different salts"},
		{"different indexes", []string{leak, idx}, "different index lists"},
		{"different params", []string{leak, params}, "Bloom parameters differ"},
		{"different region", []string{leak, region}, "default phone regions"},
		{"same file twice", []string{leak, shard, leak}, "given twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := w.path("out-" + strings.ReplaceAll(c.name, " ", "-") + ".lcf")
			r := w.in(t).mustRun(2, "", append([]string{"merge", "--key", w.key, "-o", out}, c.inputs...)...)
			if !strings.Contains(r.stderr, c.want) {
				t.Errorf("want %q:\n%s", c.want, r)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("a refused merge left %s behind", out)
			}
		})
	}
	// A damaged input is refused too.
	b, _ := os.ReadFile(shard)
	b[len(b)-70] ^= 4
	os.WriteFile(w.path("damaged.lcf"), b, 0o644)
	w.mustRun(2, "", "merge", "--key", w.key, "-o", w.path("x.lcf"), leak, w.path("damaged.lcf"))

	// build --salt-from refuses what would make an unmergeable shard.
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"index", []string{"--index", "phone"}, "--index phone differs"},
		{"region", []string{"--region", "GB"}, "--region GB differs"},
		{"fpr", []string{"--fpr", "1e-9"}, "--fpr and --capacity cannot be used"},
		{"capacity", []string{"--capacity", "99"}, "--fpr and --capacity cannot be used"},
	} {
		args := append([]string{"build", "-q", "--key", w.key, "--salt-from", leak, "-o", w.path("s-" + c.name + ".lcf")}, c.args...)
		r := w.mustRun(2, "", append(args, w.path("dump_leak.csv"))...)
		if !strings.Contains(r.stderr, c.want) {
			t.Errorf("build --salt-from %s: want %q:\n%s", c.name, c.want, r)
		}
	}
	r := w.mustRun(2, "", "build", "-q", "--key", other, "--salt-from", leak, "-o", w.path("s-key.lcf"), w.path("dump_leak.csv"))
	if !strings.Contains(r.stderr, "wrong key") {
		t.Errorf("build --salt-from with another key:\n%s", r)
	}
	// Same indexes given explicitly are fine.
	w.mustRun(0, "", "build", "-q", "--key", w.key, "--salt-from", leak, "--region", "in", "-o", w.path("s-ok.lcf"),
		"--index", "phone,national_id,phone+name,phone+yob,phone+name+yob,phone+name+yob+gender", w.path("dump_leak.csv"))
}

func acReadFilter(t *testing.T, path string, master *keyhash.Key) *bloom.Filter {
	t.Helper()
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	st, _ := file.Stat()
	dec, err := bloom.NewDecoder(file, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	keys := keyhash.Derive(master, dec.Header.Salt)
	f, err := dec.Body(keys.MACKey())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestVersionAndCompletion(t *testing.T) {
	w := &acWorld{t: t}
	r := w.mustRun(0, "", "--version")
	if !strings.HasPrefix(r.stdout, "leakcheck version ") || strings.TrimSpace(r.stdout) == "leakcheck version" {
		t.Errorf("--version: %q", r.stdout)
	}
	if v := version(); v == "" || v == "unknown" {
		t.Errorf("version() = %q: no build information", v)
	}
	for _, c := range []struct {
		bi   debug.BuildInfo
		want string
	}{
		{debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}, "v1.2.0"},
		{debug.BuildInfo{}, "(devel)"},
		{debug.BuildInfo{Main: debug.Module{Version: "v1.2.1-0.20250101000000-0123456789ab"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"}, {Key: "vcs.modified", Value: "true"},
		}}, "v1.2.1-0.20250101000000-0123456789ab commit 0123456789ab+dirty"},
		{debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "fedcba9876543210"}, {Key: "vcs.modified", Value: "false"}}},
			"(devel) commit fedcba987654"},
	} {
		if got := buildInfoOf(&c.bi).String(); got != c.want {
			t.Errorf("buildInfoOf(%+v) = %q, want %q", c.bi, got, c.want)
		}
	}
	// -ldflags -X overrides the module version, and keeps the commit.
	buildVersion = "v9.9.9"
	got := buildInfoOf(&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "fedcba9876543210"}}}).String()
	buildVersion = ""
	if got != "v9.9.9 commit fedcba987654" {
		t.Errorf("with buildVersion set: %q", got)
	}
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		r := w.mustRun(0, "", "completion", sh)
		if !strings.Contains(r.stdout, "leakcheck") || len(r.stdout) < 500 {
			t.Errorf("completion %s: %.200s", sh, r.stdout)
		}
	}
	r = w.mustRun(0, "", "__complete", "probe", "--field", "")
	for _, f := range []string{"phone", "national_id", "email"} {
		if !strings.Contains(r.stdout, f+"\n") {
			t.Errorf("probe --field completion lacks %s:\n%s", f, r.stdout)
		}
	}
	r = w.mustRun(0, "", "__complete", "check", "--fail-on", "")
	if !strings.Contains(r.stdout, "inconclusive\n") {
		t.Errorf("check --fail-on completion:\n%s", r.stdout)
	}
	r = w.mustRun(0, "", "__complete", "")
	for _, c := range []string{"probe", "merge", "check", "build"} {
		if !strings.Contains(r.stdout, c+"\t") {
			t.Errorf("command completion lacks %s:\n%s", c, r.stdout)
		}
	}
}
