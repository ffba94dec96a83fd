// Package report turns check counts into a report: per-index statistics
// (expected false positives, overlap estimate with a 95% interval, p-value),
// the provenance evidence, a verdict with its reason, and renderers for
// people and machines. It does no I/O of its own beyond the writers it is
// given.
package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/engine"
)

// Schema identifies the JSON report format. Fields may be added within a
// schema version, never removed or changed in meaning.
const Schema = "leakcheck.report/v1"

// Verdicts.
const (
	Exposed      = "exposed"
	NotExposed   = "not_exposed"
	Inconclusive = "inconclusive"
)

// Thresholds of the verdict, documented in docs/report.md.
const (
	// Alpha is the p-value below which matches are "beyond chance". It is
	// small on purpose: a verdict of exposure must not come from a fluke
	// across many indexes and many checks.
	Alpha = 1e-6
	// MinMatches is the fewest matches any evidence rests on.
	MinMatches = 3
	// ProvenanceHigh is the share of identifier matches that must also match
	// on a combination for the dump to count as derived from the registry's
	// records.
	ProvenanceHigh = 0.5
	// ProvenanceLow is the share under which combinations agree no more than
	// for a list that merely shares identifiers.
	ProvenanceLow = 0.1
)

// Report is the result of one check, in the shape of the JSON schema.
type Report struct {
	Schema     string             `json:"schema"`
	Verdict    string             `json:"verdict"`
	Reason     string             `json:"reason"`
	Filter     FilterInfo         `json:"filter"`
	Registry   RegistryInfo       `json:"registry"`
	Indexes    []IndexReport      `json:"indexes"`
	Provenance []ProvenanceReport `json:"provenance"`
	// DumpOnlyFields are fields the dump holds that the registry does not.
	DumpOnlyFields []string `json:"dump_only_fields"`
}

// FilterInfo describes the filter that was checked against.
type FilterInfo struct {
	File              string    `json:"file"`
	Created           time.Time `json:"created"`
	Records           int64     `json:"records"`
	Fields            []string  `json:"fields"`
	Normalization     int       `json:"normalization"`
	Region            string    `json:"region"`
	TargetFPR         float64   `json:"target_false_positive_rate"`
	FalsePositiveRate float64   `json:"false_positive_rate"`
	KeyFingerprint    string    `json:"key_fingerprint,omitempty"`
	Signer            string    `json:"signer,omitempty"`
}

// RegistryInfo describes the registry side.
type RegistryInfo struct {
	Fields  []string             `json:"fields"`
	Sources []*engine.Accounting `json:"sources"`
}

// IndexReport holds one index's statistics.
type IndexReport struct {
	Index                  string  `json:"index"`
	Status                 string  `json:"status"` // "checked" or "not_checked"
	WhyNotChecked          string  `json:"why_not_checked,omitempty"`
	Checked                int64   `json:"checked"`
	Matches                int64   `json:"matches"`
	ExpectedFalsePositives float64 `json:"expected_false_positives"`
	OverlapEstimate        float64 `json:"overlap_estimate"`
	OverlapLow             float64 `json:"overlap_ci95_low"`
	OverlapHigh            float64 `json:"overlap_ci95_high"`
	PValue                 float64 `json:"p_value"`
	DumpEntries            uint64  `json:"dump_entries"`
	DumpShareMatched       float64 `json:"dump_share_matched"`
	BeyondChance           bool    `json:"beyond_chance"`
}

// ProvenanceReport says how often registry records whose identifier matched
// also match on a fuller combination.
type ProvenanceReport struct {
	Base               string  `json:"base"`
	Combination        string  `json:"combination"`
	BaseMatched        int64   `json:"base_matched"`
	CombinationMatched int64   `json:"combination_matched"`
	Share              float64 `json:"share"`
	ShareLow           float64 `json:"share_ci95_low"`
	ShareHigh          float64 `json:"share_ci95_high"`
	ExpectedByChance   float64 `json:"expected_by_chance"`
	PValue             float64 `json:"p_value"`
}

// Build computes the report of a check.
func Build(filterFile string, h bloom.Header, fpr float64, res *engine.CheckResult) *Report {
	r := &Report{
		Schema: Schema,
		Filter: FilterInfo{
			File: filterFile, Created: h.Created, Records: h.Records, Fields: h.Fields,
			Normalization: h.Normalization, Region: h.Region,
			TargetFPR: h.Bloom.TargetFPR, FalsePositiveRate: fpr,
		},
		Registry:   RegistryInfo{Fields: res.RegistryFields, Sources: res.Sources},
		Indexes:    []IndexReport{},
		Provenance: []ProvenanceReport{},
	}
	for _, f := range h.Fields {
		if !slices.Contains(res.RegistryFields, f) {
			r.DumpOnlyFields = append(r.DumpOnlyFields, f)
		}
	}
	for _, ir := range res.Indexes {
		x := IndexReport{Index: ir.Index, DumpEntries: ir.Entries}
		if !ir.Formable {
			x.Status, x.WhyNotChecked = "not_checked", "registry "+ir.Why
			r.Indexes = append(r.Indexes, x)
			continue
		}
		x.Status = "checked"
		x.Checked, x.Matches = ir.Checked, ir.Matches
		x.ExpectedFalsePositives = float64(ir.Checked) * fpr
		x.OverlapEstimate, x.OverlapLow, x.OverlapHigh = TrueMatches(ir.Matches, ir.Checked, fpr)
		x.PValue = BinomialSF(ir.Matches, ir.Checked, fpr)
		if ir.Entries > 0 {
			x.DumpShareMatched = min(1, float64(ir.DistinctMatched)/float64(ir.Entries))
		}
		x.BeyondChance = x.PValue < Alpha && x.Matches >= MinMatches
		r.Indexes = append(r.Indexes, x)
	}
	for _, p := range res.Provenance {
		x := ProvenanceReport{
			Base: p.Base, Combination: p.Combo, BaseMatched: p.BaseMatched, CombinationMatched: p.BothMatched,
			ExpectedByChance: float64(p.BaseMatched) * fpr,
			PValue:           BinomialSF(p.BothMatched, p.BaseMatched, fpr),
		}
		if p.BaseMatched > 0 {
			x.Share = float64(p.BothMatched) / float64(p.BaseMatched)
			x.ShareLow, x.ShareHigh = ClopperPearson(p.BothMatched, p.BaseMatched, 0.05)
		}
		r.Provenance = append(r.Provenance, x)
	}
	r.Verdict, r.Reason = verdict(r)
	return r
}

// TrueMatches estimates how many of n checked records are truly in the
// filter when k tested positive at false-positive rate fpr. A Bloom filter
// has no false negatives, so the true count is at most k; the false
// positives among the rest are at most the 97.5% quantile q of
// Binomial(n, fpr), giving the interval [k−q, k] (docs/report.md).
func TrueMatches(k, n int64, fpr float64) (est, lo, hi float64) {
	if n <= 0 || k <= 0 {
		return 0, 0, 0
	}
	est = (float64(k) - float64(n)*fpr) / (1 - fpr)
	est = max(0, min(float64(k), est))
	// Smallest q with P(X > q) <= 0.025, found by bisection over [0, k].
	qlo, qhi := int64(-1), k
	for qhi-qlo > 1 {
		mid := qlo + (qhi-qlo)/2
		if BinomialSF(mid+1, n, fpr) <= 0.025 {
			qhi = mid
		} else {
			qlo = mid
		}
	}
	return est, float64(k - qhi), float64(k)
}

func (r *Report) index(name string) *IndexReport {
	for i := range r.Indexes {
		if r.Indexes[i].Index == name {
			return &r.Indexes[i]
		}
	}
	return nil
}

// verdict applies the rules of docs/report.md.
func verdict(r *Report) (string, string) {
	var beyond []*IndexReport
	for i := range r.Indexes {
		if r.Indexes[i].BeyondChance {
			beyond = append(beyond, &r.Indexes[i])
		}
	}
	checked := 0
	var mostMatches *IndexReport
	for i := range r.Indexes {
		x := &r.Indexes[i]
		if x.Status != "checked" {
			continue
		}
		checked++
		if mostMatches == nil || x.Matches > mostMatches.Matches {
			mostMatches = x
		}
	}
	if len(beyond) == 0 {
		if mostMatches == nil || mostMatches.Checked == 0 {
			return Inconclusive, "no registry record could be checked: every record lacks the fields the filter's indexes need"
		}
		return NotExposed, fmt.Sprintf("no index matches beyond chance: at most %d matches (%s) where chance alone gives %s",
			mostMatches.Matches, mostMatches.Index, fmtFloat(mostMatches.ExpectedFalsePositives))
	}

	// Provenance: the strongest combination evidence.
	var best *ProvenanceReport
	evaluated := 0
	for i := range r.Provenance {
		p := &r.Provenance[i]
		if p.BaseMatched < MinMatches {
			continue
		}
		evaluated++
		c := r.index(p.Combination)
		if c == nil || !c.BeyondChance {
			if best == nil {
				best = p
			}
			continue
		}
		if best == nil || p.Share > best.Share || !r.index(best.Combination).BeyondChance {
			best = p
		}
	}
	if best != nil && r.index(best.Combination).BeyondChance && best.Share >= ProvenanceHigh {
		c := r.index(best.Combination)
		return Exposed, fmt.Sprintf("%d registry records match the dump on %s where chance alone gives %s, and %s of the %d records whose %s matched also match on %s: the dump holds the registry's combinations, not only its identifiers",
			c.Matches, c.Index, fmtFloat(c.ExpectedFalsePositives), pct(best.Share), best.BaseMatched, best.Base, best.Combination)
	}
	if evaluated == 0 {
		// No identifier-to-combination evidence; combinations alone can still
		// show provenance.
		for _, x := range beyond {
			if strings.Contains(x.Index, "+") {
				return Exposed, fmt.Sprintf("%d registry records match the dump on the combination %s where chance alone gives %s",
					x.Matches, x.Index, fmtFloat(x.ExpectedFalsePositives))
			}
		}
		x := beyond[0]
		return Inconclusive, fmt.Sprintf("%d registry records match on %s beyond chance (%s expected), but no combination of fields could be compared, so overlap cannot be told from provenance",
			x.Matches, x.Index, fmtFloat(x.ExpectedFalsePositives))
	}
	maxShare := 0.0
	var top *ProvenanceReport
	for i := range r.Provenance {
		p := &r.Provenance[i]
		if p.BaseMatched >= MinMatches && (top == nil || p.Share > maxShare) {
			maxShare, top = p.Share, p
		}
	}
	if maxShare < ProvenanceLow {
		return NotExposed, fmt.Sprintf("%d registry records share a %s with the dump, but at most %s of them also match on %s: the dump shares identifiers with the registry, not its records",
			top.BaseMatched, top.Base, pct(maxShare), top.Combination)
	}
	return Inconclusive, fmt.Sprintf("%d registry records share a %s with the dump and %s of them also match on %s: more than chance, less than a copy of the registry's records",
		top.BaseMatched, top.Base, pct(maxShare), top.Combination)
}

func pct(x float64) string {
	switch {
	case x == 1:
		return "100%"
	case x >= 0.995:
		return "99.5%+"
	case x > 0 && x < 0.001:
		return "<0.1%"
	}
	return fmt.Sprintf("%.1f%%", 100*x)
}

func fmtFloat(x float64) string {
	switch {
	case x == 0:
		return "0"
	case x < 0.01:
		return fmt.Sprintf("%.1e", x)
	case x < 100:
		return fmt.Sprintf("%.2f", x)
	}
	return fmt.Sprintf("%.0f", x)
}
