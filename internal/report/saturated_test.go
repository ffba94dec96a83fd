package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// TestSaturatedFilterRenders (issue 13, item 16): on a saturated filter
// (false-alarm rate 1: every record tests positive) and near it, every
// renderer writes its report, the JSON has no NaN or infinity (it would not
// encode) and validates against the schema, and the report claims nothing.
func TestSaturatedFilterRenders(t *testing.T) {
	for _, fpr := range []float64{1, 1 - 1e-12, 0.999, 0.5, 0} {
		for _, m := range []int64{0, 1, 500, 1000} {
			r := Build("f.lcf", header(), fpr, result(1000, m, m, m, 100))
			var buf bytes.Buffer
			if err := WriteJSON(&buf, r); err != nil {
				t.Fatalf("fpr %v, %d matches: %v", fpr, m, err)
			}
			valid(t, r)
			if fpr == 1 {
				if r.Verdict == Exposed || r.Exposure.Records != 0 {
					t.Errorf("fpr 1, %d matches: verdict %s, %d records exposed", m, r.Verdict, r.Exposure.Records)
				}
				for _, x := range r.Indexes {
					if x.OverlapEstimate != 0 || x.OverlapCI95 != [2]float64{0, float64(x.Matches)} {
						t.Errorf("fpr 1: %s estimate %v %v", x.Index, x.OverlapEstimate, x.OverlapCI95)
					}
				}
			}
			c := &Check{Reports: []*Report{r}}
			c.Summary = []Summary{{Filter: "f.lcf", Verdict: r.Verdict}}
			for name, write := range map[string]func(io.Writer) error{
				"text":  func(w io.Writer) error { return WriteText(w, r) },
				"html":  func(w io.Writer) error { return WriteHTML(w, c, HTMLOptions{}) },
				"junit": func(w io.Writer) error { return WriteJUnit(w, c, JUnitOptions{}) },
			} {
				buf.Reset()
				if err := write(&buf); err != nil {
					t.Fatalf("fpr %v, %d matches, %s: %v", fpr, m, name, err)
				}
				if strings.Contains(buf.String(), "NaN") {
					t.Errorf("fpr %v, %d matches, %s shows NaN", fpr, m, name)
				}
			}
			var junit bytes.Buffer
			if err := WriteJUnit(&junit, c, JUnitOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := xml.Unmarshal(junit.Bytes(), new(struct{})); err != nil {
				t.Errorf("junit: %v", err)
			}
		}
	}
}
