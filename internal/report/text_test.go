package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/leakcheck/leakcheck/internal/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files of the text report")

// goldenReport is a report at dump scale: counts that need digit grouping,
// an index not checked for a long reason, invalid values and skipped rows.
func goldenReport() *Report {
	res := result(1_200_000, 660_142, 659_507, 659_100, 700_000)
	res.Indexes = append(res.Indexes, engine.IndexResult{Index: "phone+dob", Entries: 700_000,
		Why: "no column for dob (a custom field: map a column with --field dob=COLUMN, or name a column so that it reads \"dob\" in lower case with '_' between words)"})
	res.Sources = []*engine.Accounting{{Source: "registry.csv", Read: 1_200_345, Used: 1_200_000,
		Skipped:  map[string]int64{"ragged row": 300, engine.NoIndexReason: 45},
		Invalid:  map[string]int64{"phone: not a valid phone number for region IN (too short)": 1_045},
		Examples: []engine.Example{{Line: 1_024, Reason: "ragged row: 3 fields, header has 6"}, {Line: 20_480, Reason: "phone: not a valid phone number for region IN (too short)"}}}}
	h := header()
	h.Region, h.Normalization, h.Records = "IN", 2, 700_000
	h.Created = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	r := Build("dump-2026-03.lcf", h, 1e-6, res)
	r.Filter.KeyFingerprint = "62cf-6152-61d8-92f8-9fc6"
	return r
}

// TestTextGolden lays the same report out at 80 and 130 columns: prose
// wraps at the width and never inside a word, counts are grouped, the
// index that was not checked is listed under the table. Run with -update
// to rewrite testdata/text-*.golden after a deliberate change.
func TestTextGolden(t *testing.T) {
	r := goldenReport()
	for _, width := range []int{80, 130} {
		var b bytes.Buffer
		if err := WriteTextWith(&b, r, TextOptions{Width: width}); err != nil {
			t.Fatal(err)
		}
		got := b.String()
		golden := filepath.Join("testdata", "text-"+strconv.Itoa(width)+".golden")
		if *update {
			if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%d columns: the text report differs from %s (go test -run TestTextGolden -update to accept):\n%s", width, golden, got)
		}
		tables := false
		for _, line := range strings.Split(got, "\n") {
			switch {
			case strings.HasPrefix(line, "  IDENTIFIER") || strings.HasPrefix(line, "INDEX") || strings.HasPrefix(line, "AGREEMENT"):
				tables = true
			case line == "" || strings.HasPrefix(line, "not checked") || strings.HasPrefix(line, "Coincidence") || strings.HasPrefix(line, "REGISTRY"):
				tables = false
			}
			if !tables && utf8.RuneCountInString(line) > width {
				t.Errorf("%d columns: prose line of %d: %q", width, utf8.RuneCountInString(line), line)
			}
		}
		for _, want := range []string{"1,200,000", "660,142", "1,200,345 rows read", "ragged row: 300", "\nnot checked: phone+dob: registry no column for dob"} {
			if !strings.Contains(strings.Join(strings.Fields(got), " "), strings.Join(strings.Fields(want), " ")) {
				t.Errorf("%d columns: lacks %q", width, want)
			}
		}
		if strings.Contains(got, "not checked: no column") {
			t.Errorf("%d columns: a not-checked reason is in the table", width)
		}
	}
}

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		text  string
		width int
		want  string
	}{
		{"one two three", 80, "> one two three"},
		{"one two three", 9, "> one two\n  three"},
		{"one two three", 8, "> one\n  two\n  three"},
		{"a verylongwordthatdoesnotfit b", 10, "> a\n  verylongwordthatdoesnotfit\n  b"},
		{"é è ê ë", 7, "> é è ê\n  ë"},
		{"", 10, "> "},
	} {
		if got := Wrap(c.text, c.width, "> ", "  "); got != c.want {
			t.Errorf("Wrap(%q, %d) = %q, want %q", c.text, c.width, got, c.want)
		}
	}
}

func TestFoldAgreement(t *testing.T) {
	as := []AgreementReport{
		{Field: "gender", Combination: "phone+name+yob+gender", Agree: 200, Of: 200, Share: 1, CI95: [2]float64{0.982, 1}},
		{Field: "name", Combination: "phone+name+yob", Agree: 200, Of: 200, Share: 1, CI95: [2]float64{0.982, 1}},
		{Field: "yob", Combination: "phone+name+yob", Agree: 200, Of: 200, Share: 1, CI95: [2]float64{0.982, 1}},
		{Field: "dob", Combination: "phone+dob", Agree: 150, Of: 151, Share: 150.0 / 151, CI95: [2]float64{0.96, 0.999}},
	}
	got := foldAgreement(as)
	if len(got) != 2 {
		t.Fatalf("folded into %d sentences, want 2: %q", len(got), got)
	}
	if !strings.HasPrefix(got[0], "gender, name and year of birth each agree for 100% of the 200 matched records that hold them") ||
		!strings.Contains(got[0], "compared on phone+name+yob+gender, phone+name+yob)") {
		t.Errorf("folded sentence: %q", got[0])
	}
	if !strings.HasPrefix(got[1], "date of birth agrees for 99.3% of the 151") {
		t.Errorf("single sentence: %q", got[1])
	}
}
