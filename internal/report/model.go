package report

// The evidence model of docs/report.md ("The model"): joint tests of
// identifier and combination, the exposure estimate and its power, the
// finding, and the source assessment. Every threshold is a constant here and
// a sentence in docs/report.md.

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/leakcheck/leakcheck/internal/engine"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/index"
)

// Thresholds of the model, documented in docs/report.md.
const (
	// Alpha is the family-wise probability that a report says exposed when
	// no registry record is in the dump: each of the report's joint tests is
	// made at Alpha divided by their number (Bonferroni).
	Alpha = 1e-6
	// MinMatches is the fewest registry records any evidence rests on.
	MinMatches = 3
	// MaxDetectable is the largest exposure (in records) that a check must
	// be able to find, with at least 95% probability, to say not_exposed;
	// a weaker check is inconclusive.
	MaxDetectable = 10
	// CopyAgreement is the agreement on a field that a copy of the registry
	// reaches: a share whose 95% interval lies wholly below it disagrees
	// with the registry. A copy agrees on every record, except that family
	// members who share a phone and are named alike can match a combination
	// for one another (1.6% of records in the families scenario of
	// docs/report.md); 97% leaves room for that.
	CopyAgreement = 0.97
	// MinProfile is the fewest matched records an agreement share is
	// weighed on.
	MinProfile = 10
	// OverfullRate is the false-alarm rate above which a filter is called
	// overfull in the reasons.
	OverfullRate = 0.1
)

type model struct {
	f       float64
	res     *engine.CheckResult
	ixs     map[string]index.Index
	results map[string]*engine.IndexResult
	kappa   map[fields.Field]float64
}

func newModel(fpr float64, res *engine.CheckResult) *model {
	m := &model{f: min(max(fpr, 0), 1), res: res, ixs: map[string]index.Index{}, results: map[string]*engine.IndexResult{}, kappa: map[fields.Field]float64{}}
	for i := range res.Indexes {
		ir := &res.Indexes[i]
		if ix, err := index.Parse(ir.Index); err == nil {
			m.ixs[ir.Index] = ix
		}
		m.results[ir.Index] = ir
	}
	for _, c := range res.Coincidence {
		if f, err := fields.ParseField(c.Field); err == nil {
			m.kappa[f] = c.Coincidence
		}
	}
	return m
}

// coincidence is the chance that another person's values of fs all equal a
// registry record's: the product of the fields' coincidences (a field the
// registry's counts do not cover counts as always agreeing).
func (m *model) coincidence(fs []fields.Field) float64 {
	c := 1.0
	for _, f := range fs {
		k, ok := m.kappa[f]
		if !ok {
			k = 1
		}
		c *= k
	}
	return c
}

// chance is the probability that a registry record whose identifier is in
// the dump matches a combination although its record is not: coincidence
// of the other fields, or a filter false alarm.
func (m *model) chance(c float64) float64 {
	if m.f >= 1 || c >= 1 {
		return 1 // exactly: c + f - c·f can round below 1 and read as evidence
	}
	return min(1, c+m.f-c*m.f)
}

func (m *model) pair(base, combo string) *engine.PairResult {
	for i := range m.res.Pairs {
		p := &m.res.Pairs[i]
		if p.Base == base && p.Combo == combo {
			return p
		}
	}
	return nil
}

// identifierOf returns the single identifier index of the filter that
// combo holds and that was checked, or "".
func (m *model) identifierOf(combo index.Index) string {
	for _, f := range combo.Fields {
		if !f.Identifying() {
			continue
		}
		name := f.String()
		if ir := m.results[name]; ir != nil && ir.Formable && m.pair(name, combo.Name()) != nil {
			return name
		}
	}
	return ""
}

func (m *model) indexes() []IndexReport {
	out := []IndexReport{}
	for _, ir := range m.res.Indexes {
		x := IndexReport{Index: ir.Index, DumpEntries: ir.Entries}
		if !ir.Formable {
			x.Status, x.WhyNotChecked = NotChecked, "registry "+ir.Why
			out = append(out, x)
			continue
		}
		x.Status = Checked
		x.Checked, x.Matches = ir.Checked, ir.Matches
		x.ExpectedFalsePositives = float64(ir.Checked) * m.f
		est, lo, hi := TrueMatches(ir.Matches, ir.Checked, m.f)
		x.OverlapEstimate, x.OverlapCI95 = est, [2]float64{lo, hi}
		x.PValue = BinomialSF(ir.Matches, ir.Checked, m.f)
		x.DumpEntriesMatched, x.DumpEntriesExact = min(ir.DistinctMatched, ir.Entries), ir.DistinctExact
		if ir.Entries > 0 {
			s := float64(x.DumpEntriesMatched) / float64(ir.Entries)
			x.DumpShareMatched = &s
		}
		if ix, ok := m.ixs[ir.Index]; ok && len(ix.Fields) > 1 {
			if id := m.identifierOf(ix); id != "" {
				n := m.pair(id, ir.Index).BothMatched
				x.MatchesWithIdentifier = &n
			}
		}
		x.BeyondChance = x.PValue < Alpha && x.Matches >= MinMatches
		out = append(out, x)
	}
	return out
}

// joint makes one test per evidence pair: an identifier index and a checked
// combination holding it and a distinguishing field. A combination whose
// identifier index the filter lacks is tested on its own matches (the
// identifier's match is then implied, not observed, so chance is reckoned
// without the identifier's false alarms: conservative).
func (m *model) joint() []JointReport {
	var out []JointReport
	for _, ir := range m.res.Indexes {
		c, ok := m.ixs[ir.Index]
		if !ok || !ir.Formable || len(c.Fields) < 2 {
			continue
		}
		for _, f := range c.Fields {
			if !f.Identifying() || !engine.Evidence(index.Of(f), c) {
				continue
			}
			jr := JointReport{Combination: ir.Index}
			var others []fields.Field
			for _, g := range c.Fields {
				if g != f {
					others = append(others, g)
				}
			}
			jr.Coincidence = m.coincidence(others)
			if p := m.pair(f.String(), ir.Index); p != nil {
				jr.Identifier, jr.Candidates, jr.Matched = f.String(), p.BaseMatched, p.BothMatched
			} else if m.identifierOf(c) == "" {
				jr.Candidates, jr.Matched = ir.Checked, ir.Matches
			} else {
				continue
			}
			out = append(out, jr)
			break // one test per combination: with its first identifier
		}
	}
	alphaPer := 0.0
	if len(out) > 0 {
		alphaPer = Alpha / float64(len(out))
	}
	for i := range out {
		jr := &out[i]
		q := m.chance(jr.Coincidence)
		jr.ExpectedByChance = float64(jr.Candidates) * q
		jr.FilterFalseAlarms = float64(jr.Candidates) * m.f
		jr.PValue = BinomialSF(jr.Matched, jr.Candidates, q)
		jr.BeyondChance = jr.Matched >= MinMatches && jr.PValue < alphaPer
		est, lo, hi := trueCount(jr.Matched, jr.Candidates, q)
		jr.Estimate, jr.CI95 = est, [2]int64{lo, hi}
		jr.DetectableRecords = detectable(jr.Candidates, m.results[jr.Combination].Checked, q, alphaPer)
	}
	if out == nil {
		out = []JointReport{}
	}
	return out
}

// trueCount estimates how many of j matches among n candidates are real when
// each candidate matches by chance with probability q, with the 95% interval
// of TrueMatches.
func trueCount(j, n int64, q float64) (est, lo, hi int64) {
	if q >= 1 {
		return 0, 0, j
	}
	e, l, h := TrueMatches(j, n, q)
	return int64(math.Round(e)), int64(math.Round(l)), int64(math.Round(h))
}

// detectable returns the smallest exposure x (at least MinMatches records
// holding the combination's fields, of the checked ones) that the test at
// alphaPer finds with at least 95% probability: x exposed records match
// jointly with certainty (a filter has no false negatives), so x is found
// when x matches alone are beyond chance among n+x candidates. nil: none.
func detectable(n, checked int64, q, alphaPer float64) *int64 {
	found := func(x int64) bool { return BinomialSF(x, n+x, q) < alphaPer }
	lo := int64(MinMatches)
	if checked < lo || alphaPer <= 0 {
		return nil
	}
	if found(lo) {
		return &lo
	}
	hi := lo
	for !found(hi) {
		if hi >= checked {
			return nil
		}
		hi = min(2*hi, checked)
	}
	for hi-lo > 1 { // found(hi), !found(lo)
		mid := lo + (hi-lo)/2
		if found(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return &hi
}

func (m *model) exposure(joint []JointReport) Exposure {
	e := Exposure{Alpha: Alpha, Tests: len(joint)}
	if len(joint) == 0 {
		return e
	}
	e.AlphaPerTest = Alpha / float64(len(joint))
	// The evidence: of the tests beyond chance, the one whose combination
	// holds the most fields (the fewest coincidences it could miscount:
	// family members sharing a phone are often named alike, which the
	// registry-wide coincidence of names does not see), then the highest
	// lower bound; or else the test closest to chance.
	width := func(j JointReport) int { return len(m.ixs[j.Combination].Fields) }
	best := slices.MaxFunc(joint, func(a, b JointReport) int {
		if a.BeyondChance != b.BeyondChance {
			if a.BeyondChance {
				return 1
			}
			return -1
		}
		if a.BeyondChance {
			return cmp.Or(cmp.Compare(width(a), width(b)), cmp.Compare(a.CI95[0], b.CI95[0]), cmp.Compare(a.Estimate, b.Estimate), cmp.Compare(b.PValue, a.PValue))
		}
		return cmp.Or(cmp.Compare(b.PValue, a.PValue), cmp.Compare(a.Candidates, b.Candidates))
	})
	e.Records, e.CI95 = best.Estimate, best.CI95
	e.EvidenceIndex, e.Identifier = best.Combination, best.Identifier
	e.Candidates, e.Matched = best.Candidates, best.Matched
	e.ExpectedByChance, e.FilterFalseAlarms, e.PValue = best.ExpectedByChance, best.FilterFalseAlarms, best.PValue
	for _, j := range joint {
		if j.DetectableRecords != nil && (e.DetectableRecords == nil || *j.DetectableRecords < *e.DetectableRecords) {
			e.DetectableRecords = j.DetectableRecords
		}
	}
	return e
}

func (m *model) verdict(r *Report) (Verdict, string) {
	e := &r.Exposure
	if e.Tests == 0 {
		why := m.noEvidence(r)
		e.Undetectable = why
		return Inconclusive, "whether any registry record is in the dump cannot be told: " + why
	}
	if j := r.joint(e.EvidenceIndex); j != nil && j.BeyondChance {
		return Exposed, fmt.Sprintf("about %s registry records are in the dump (95%% interval %s to %s): %s of the %s records whose %s matched also match on %s, where rows that only share the %s would give %s (filter false alarms and coincidence; p = %s, below %s for %d tests)",
			num(e.Records), num(e.CI95[0]), num(e.CI95[1]), num(e.Matched), num(e.Candidates), identifierWord(e.Identifier), e.EvidenceIndex,
			identifierWord(e.Identifier), fmtFloat(e.ExpectedByChance), pvalue(e.PValue), sci(e.AlphaPerTest), e.Tests)
	}
	seen := fmt.Sprintf("%s of the %s records whose %s matched also match on %s, where rows that only share the %s would give %s (filter false alarms and coincidence)",
		num(e.Matched), num(e.Candidates), identifierWord(e.Identifier), e.EvidenceIndex, identifierWord(e.Identifier), fmtFloat(e.ExpectedByChance))
	if e.Candidates == 0 {
		seen = fmt.Sprintf("no registry record's %s matched together with %s", identifierWord(e.Identifier), e.EvidenceIndex)
		if e.Identifier == "" {
			seen = "no registry record matched on " + e.EvidenceIndex
		}
	}
	if d := e.DetectableRecords; d != nil && *d <= MaxDetectable {
		return NotExposed, fmt.Sprintf("no registry record is shown to be in the dump: %s; an exposure of %d or more records would have been found with at least 95%% probability", seen, *d)
	}
	e.Undetectable = m.undetectable(r)
	return Inconclusive, fmt.Sprintf("no registry record is shown to be in the dump (%s), but %s", seen, e.Undetectable)
}

// noEvidence says why no joint test could be made.
func (m *model) noEvidence(r *Report) string {
	var notChecked, weak []string
	var weakFields []fields.Field
	for _, x := range r.Indexes {
		ix, ok := m.ixs[x.Index]
		if !ok || len(ix.Fields) < 2 || !slices.ContainsFunc(ix.Fields, fields.Field.Identifying) {
			continue
		}
		distinguishing := slices.ContainsFunc(ix.Fields, func(f fields.Field) bool {
			return engine.Evidence(index.Of(f), ix) || engine.Evidence(index.Of(ix.Fields[0]), ix)
		})
		switch {
		case !distinguishing:
			weak = append(weak, x.Index)
			for _, f := range ix.Fields {
				if !f.Identifying() && !slices.Contains(weakFields, f) {
					weakFields = append(weakFields, f)
				}
			}
		case x.Status == NotChecked:
			notChecked = append(notChecked, x.Index+" ("+x.WhyNotChecked+")")
		}
	}
	switch {
	case len(notChecked) > 0:
		return "the registry cannot form the filter's combinations of an identifier with a distinguishing field: " + strings.Join(notChecked, "; ")
	case len(weak) > 0:
		slices.SortFunc(weakFields, fields.Compare)
		var why []string
		for _, f := range weakFields {
			why = append(why, m.weakWhy(f))
		}
		verb := "pair"
		if len(weak) == 1 {
			verb = "pairs"
		}
		return "the filter has no index combining an identifier with a distinguishing field (" + distinguishingWords + "); " + joinAnd(weak) +
			" " + verb + " the identifier only with " + joinAnd(why) + ", which cannot decide exposure alone"
	}
	return "the filter has no index combining an identifier (phone, national_id, email) with a distinguishing field (" + distinguishingWords + ")"
}

// distinguishingWords lists the distinguishing fields (engine.Distinguishing) in a sentence.
const distinguishingWords = "name, dob, national_id, national_id_last4, or a custom number field such as a reference number or its last digits"

// weakWhy says, in a clause, why a field that is not distinguishing cannot decide exposure.
func (m *model) weakWhy(f fields.Field) string {
	k, known := m.kappa[f]
	if spec, ok := f.Custom(); ok {
		what := "a text field"
		switch spec.Kind {
		case fields.KindDate:
			what = "a date field"
		case fields.KindYear:
			what = "a year field"
		}
		chance := "the registry-wide coincidence"
		if known {
			chance = "the " + pctOf(k) + " at which two registry records agree on it"
		}
		return fmt.Sprintf("%s (%s: the people of one place or of one vaccination drive share its values, so other people's rows can agree on it far more often than %s; it is weighed as evidence of where the dump came from)", f, what, chance)
	}
	if known {
		return fmt.Sprintf("%s (two registry records agree on it %s of the time: too often to decide)", fieldWord(f.String()), pctOf(k))
	}
	return fmt.Sprintf("%s (different people agree on it by coincidence too often to decide)", fieldWord(f.String()))
}

// undetectable says what the check could not see and why.
func (m *model) undetectable(r *Report) string {
	e := &r.Exposure
	j := r.joint(e.EvidenceIndex)
	switch {
	case m.f >= OverfullRate:
		return fmt.Sprintf("the filter is overfull: its false-alarm rate is %s, so filter false alarms alone match most records and no exposure could be told from it", pctOf(m.f))
	case e.DetectableRecords == nil && j != nil:
		return fmt.Sprintf("too few registry records could be compared: of the %s records holding the fields of %s, not even all of them matching would be beyond chance", num(m.results[j.Combination].Checked), j.Combination)
	}
	return fmt.Sprintf("an exposure of fewer than %d records could not be told from chance among the %s records that share an identifier with the dump (it takes %d or more; %d or fewer is needed to call the registry not exposed)",
		*e.DetectableRecords, num(e.Candidates), *e.DetectableRecords, MaxDetectable)
}

func (r *Report) joint(combo string) *JointReport {
	for i := range r.Joint {
		if r.Joint[i].Combination == combo {
			return &r.Joint[i]
		}
	}
	return nil
}

func (r *Report) index(name string) *IndexReport {
	for i := range r.Indexes {
		if r.Indexes[i].Index == name {
			return &r.Indexes[i]
		}
	}
	return nil
}

// agreement profiles the matched records field by field: for each pair of
// checked indexes where the combination is the anchor plus one field, and
// the anchor holds an identifier and one more field, the share of anchor
// matches that agree on the field. Anchor matches that are not registry
// records (rows that only share the identifier, agreeing on the anchor's
// other fields by coincidence) are subtracted, as are their agreements by
// coincidence. Per field, the anchor with the most matches is kept.
func (m *model) agreement(e Exposure) []AgreementReport {
	best := map[string]AgreementReport{}
	bestOf := map[string]float64{}
	for _, p := range m.res.Pairs {
		a, okA := m.ixs[p.Base]
		b, okB := m.ixs[p.Combo]
		if !okA || !okB || len(a.Fields) < 2 || len(b.Fields) != len(a.Fields)+1 {
			continue
		}
		var extra fields.Field
		for _, f := range b.Fields {
			if !a.Has(f) {
				extra = f
			}
		}
		var id fields.Field = -1
		var rest []fields.Field
		for _, f := range a.Fields {
			if id < 0 && f.Identifying() {
				id = f
			} else {
				rest = append(rest, f)
			}
		}
		idMatches := int64(0)
		if ir := m.results[id.String()]; ir != nil && ir.Formable {
			idMatches = ir.Matches
		}
		other := max(0, float64(idMatches)-float64(max(e.Records, 0)))
		// Anchor matches that are no record of the dump: coincidences among
		// rows that only share the identifier, and filter false alarms on
		// the anchor (whose agreement on the field is a false alarm too).
		coincA := other * m.coincidence(rest)
		alarmsA := float64(m.results[p.Base].Checked) * m.f
		exA := coincA + alarmsA
		exB := coincA*m.coincidence([]fields.Field{extra}) + alarmsA*m.f
		of := float64(p.BaseMatched) - exA
		agree := float64(p.BothMatched) - exB
		if of < 1 {
			continue
		}
		agree = max(0, min(agree, of))
		ofN, agreeN := int64(math.Round(of)), int64(math.Round(agree))
		agreeN = min(agreeN, ofN)
		lo, hi := ClopperPearson(agreeN, ofN, 0.05)
		ar := AgreementReport{Field: extra.String(), Anchor: p.Base, Combination: p.Combo, Of: p.BaseMatched, Agree: p.BothMatched,
			Share: agree / of, CI95: [2]float64{lo, hi}}
		if of > bestOf[ar.Field] {
			best[ar.Field], bestOf[ar.Field] = ar, of
		}
	}
	out := []AgreementReport{}
	for _, k := range sortedKeys(best) {
		out = append(out, best[k])
	}
	return out
}

// TrueMatches estimates how many of n checked records are truly in the
// filter when k tested positive and each record not in it tests positive
// with probability fpr. A Bloom filter has no false negatives, so the true
// count is at most k; the chance positives among the rest are at most the
// 97.5% quantile q of Binomial(n, fpr), giving the interval [k−q, k]
// (docs/report.md). A saturated filter (fpr 1: every record tests positive)
// is no evidence of anything: the estimate is 0 and the interval [0, k].
func TrueMatches(k, n int64, fpr float64) (est, lo, hi float64) {
	if n <= 0 || k <= 0 {
		return 0, 0, 0
	}
	if !(fpr < 1) {
		return 0, 0, float64(k)
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

// effective is the number of matched records an agreement share rests on.
func (a AgreementReport) effective() int64 {
	if a.Share <= 0 {
		return a.Of
	}
	return int64(math.Round(float64(a.Agree) / a.Share))
}

func (m *model) finding(r *Report) (Finding, string) {
	e := &r.Exposure
	id := e.Identifier
	if id == "" {
		id = m.mainIdentifier(r)
	}
	idx := r.index(id)
	if r.Verdict == Exposed {
		c := r.index(e.EvidenceIndex)
		if idx == nil || idx.DumpShareMatched == nil || c == nil || c.DumpShareMatched == nil {
			return RegistryRecords, fmt.Sprintf("the dump's rows that match the registry are its people's records: about %s of them", num(e.Records))
		}
		sI, sC := *idx.DumpShareMatched, *c.DumpShareMatched
		idOnly := int64(idx.DumpEntriesMatched) - int64(c.DumpEntriesMatched)
		if sC >= sI/2 {
			return RegistryRecords, fmt.Sprintf("most of the dump's rows that carry a registry %s are the registry's people's records: %s of the dump's %s entries match on %s, and %s of its %s entries on %s",
				identifierWord(id), pct(sC), num(int64(c.DumpEntries)), c.Index, pct(sI), num(int64(idx.DumpEntries)), idx.Index)
		}
		return Mixed, fmt.Sprintf("the dump mixes registry records with rows that only share identifiers: about %s registry records (%s of its %s entries on %s), and about %s further registry %ss paired with other people's details (%s of its entries match on %s alone)",
			num(e.Records), pct(sC), num(int64(c.DumpEntries)), c.Index, num(max(idOnly, 0)), identifierWord(id), pct(sI), idx.Index)
	}
	if idx == nil || !idx.BeyondChance {
		what := "no index matches beyond what filter false alarms give"
		if idx != nil {
			what = fmt.Sprintf("%s of %s registry records match on %s, where filter false alarms alone would give %s", num(idx.Matches), num(idx.Checked), idx.Index, fmtFloat(idx.ExpectedFalsePositives))
		}
		return Unrelated, "the dump shares nothing with the registry beyond chance: " + what
	}
	// Registry identifiers in the dump; do their weak fields agree?
	for _, p := range m.res.Pairs {
		if p.Base != id || p.BaseMatched < MinProfile {
			continue
		}
		c := m.ixs[p.Combo]
		var others []fields.Field
		for _, f := range c.Fields {
			if f.String() != id {
				others = append(others, f)
			}
		}
		q := m.chance(m.coincidence(others))
		share := float64(p.BothMatched) / float64(p.BaseMatched)
		if share >= 0.5 && BinomialSF(p.BothMatched, p.BaseMatched, q) < Alpha {
			return RegistryRecords, fmt.Sprintf("%s of the %s registry records whose %s is in the dump also match on %s, where other people's details would agree for %s: the rows look like the registry's people's records, though %s alone cannot establish it",
				pct(share), num(p.BaseMatched), identifierWord(id), p.Combo, pctOf(q), strings.Join(fieldNames(others), " and "))
		}
	}
	detail := "no other field could be compared"
	if len(r.Joint) > 0 || len(r.Agreement) > 0 {
		detail = "their other details agree no more than chance: " + m.weakSummary(id)
	}
	return IdentifiersOnly, fmt.Sprintf("the dump holds registry %ss with other people's details: %s registry records share a %s with the dump (%s of its %s entries), and %s",
		identifierWord(id), num(idx.Matches), identifierWord(id), pctPtr(idx.DumpShareMatched), num(int64(idx.DumpEntries)), detail)
}

func (m *model) weakSummary(id string) string {
	var parts []string
	for _, p := range m.res.Pairs {
		if p.Base != id || p.BaseMatched == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s of %s also match on %s", num(p.BothMatched), num(p.BaseMatched), p.Combo))
		if len(parts) == 2 {
			break
		}
	}
	if len(parts) == 0 {
		return "none of them holds the combinations' fields"
	}
	return strings.Join(parts, ", ")
}

func fieldNames(fs []fields.Field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fieldWord(f.String())
	}
	return out
}

// mainIdentifier is the checked identifier index with the most matches.
func (m *model) mainIdentifier(r *Report) string {
	best := ""
	var most int64 = -1
	for _, x := range r.Indexes {
		ix, ok := m.ixs[x.Index]
		if ok && x.Status == Checked && len(ix.Fields) == 1 && ix.Fields[0].Identifying() && x.Matches > most {
			best, most = x.Index, x.Matches
		}
	}
	return best
}

func (m *model) source(r *Report) Source {
	s := Source{Assessment: Undetermined, For: []string{}, Against: []string{}}
	if len(r.DumpOnlyFields) > 0 {
		s.Against = append(s.Against, fmt.Sprintf("the dump holds %s, which the registry does not hold: it did not come from the registry alone",
			strings.Join(r.DumpOnlyFields, ", ")))
	}
	if r.Verdict != Exposed {
		s.Summary = "nothing to trace: no registry record is shown to be in the dump"
		if r.Finding == IdentifiersOnly {
			s.Summary = "nothing to trace: the dump shares identifiers with the registry, not its records"
		}
		return s
	}
	var agree, disagree, thin []string
	var agreeing []AgreementReport
	for _, a := range r.Agreement {
		n := a.effective()
		switch {
		case n < MinProfile:
			thin = append(thin, fieldWord(a.Field))
		case a.CI95[1] < CopyAgreement:
			s := fmt.Sprintf("%s agrees for only %s of the %s matched records that hold it (95%% interval %s to %s; compared on %s), where a copy of the registry agrees on all of them: the dump's %s values were written by someone else",
				fieldWord(a.Field), pct(a.Share), num(n), pct(a.CI95[0]), pct(a.CI95[1]), a.Combination, fieldWord(a.Field))
			disagree = append(disagree, s)
		default:
			agreeing = append(agreeing, a)
		}
	}
	agree = foldAgreement(agreeing)
	s.For = append(s.For, agree...)
	s.Against = append(s.Against, disagree...)
	switch {
	case len(disagree) > 0:
		s.Assessment = OtherSource
		s.Summary = "another source: the dump holds the registry's people, but written differently from the registry's records"
	case len(agree) > 0 && len(r.DumpOnlyFields) == 0:
		s.Assessment = FromRegistry
		s.Summary = "the registry: the matched records agree with the registry's on every field compared, as a copy does"
	case len(agree) > 0:
		s.Summary = "undetermined: the matched records agree with the registry's on every field compared, but the dump also holds fields the registry never had (a copy enriched from elsewhere, or another database of the same people)"
	case len(thin) > 0:
		s.Summary = fmt.Sprintf("undetermined: too few matched records (fewer than %d) to profile their agreement on %s", MinProfile, strings.Join(thin, ", "))
	default:
		s.Summary = "undetermined: the filter has no combination that compares a further field of the matched records"
	}
	return s
}

// identifierWord names an identifier index in a sentence.
func identifierWord(id string) string {
	switch id {
	case "":
		return "identifier"
	case "phone":
		return "phone number"
	case "national_id":
		return "national ID"
	case "email":
		return "e-mail address"
	}
	return id
}

func fieldWord(f string) string {
	switch f {
	case "yob":
		return "year of birth"
	case "dob":
		return "date of birth"
	case "national_id":
		return "national ID"
	case "national_id_last4":
		return "national ID's last 4 digits"
	}
	return f
}

// foldAgreement words the fields that agree as in a copy, one sentence for
// the fields whose figures read the same (share, records and interval), so
// that four fields agreeing on all 200 matched records are one line, not
// four identical ones.
func foldAgreement(as []AgreementReport) []string {
	type key struct{ share, n, lo, hi string }
	var order []key
	groups := map[key][]AgreementReport{}
	for _, a := range as {
		k := key{pct(a.Share), num(a.effective()), pct(a.CI95[0]), pct(a.CI95[1])}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], a)
	}
	var out []string
	for _, k := range order {
		g := groups[k]
		var names, combos []string
		for _, a := range g {
			names = append(names, fieldWord(a.Field))
			if !slices.Contains(combos, a.Combination) {
				combos = append(combos, a.Combination)
			}
		}
		if len(g) == 1 {
			out = append(out, fmt.Sprintf("%s agrees for %s of the %s matched records that hold it (95%% interval %s to %s; compared on %s), as in a copy of the registry",
				names[0], k.share, k.n, k.lo, k.hi, combos[0]))
			continue
		}
		out = append(out, fmt.Sprintf("%s each agree for %s of the %s matched records that hold them (95%% interval %s to %s; compared on %s), as in a copy of the registry",
			andList(names), k.share, k.n, k.lo, k.hi, strings.Join(combos, ", ")))
	}
	return out
}

// andList joins words as "a, b and c".
func andList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
