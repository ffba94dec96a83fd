// Package report turns check counts into a report that answers three
// questions: is the registry's people's data in the dump (exposure, with an
// estimate of how many records and a statement of power), what the dump is
// (finding), and where it came from (source, with the evidence for and
// against). The decisions follow the model written in docs/report.md and
// implemented in model.go; the numerics are in stats.go. The report has its
// own types, the public JSON schema leakcheck.report/v2 (docs/report.schema.json),
// decoupled from the engine's. Renderers for people and machines are in
// text.go, html.go and junit.go. The package does no I/O of its own beyond
// the writers it is given.
package report

import (
	"slices"
	"time"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/engine"
)

// Schema identifies the JSON report format. Fields may be added within a
// schema version, never removed or changed in meaning.
const Schema = "leakcheck.report/v2"

// Verdict answers "is the registry's people's data in the dump".
type Verdict string

// Verdicts.
const (
	Exposed      Verdict = "exposed"
	NotExposed   Verdict = "not_exposed"
	Inconclusive Verdict = "inconclusive"
	// VerdictError is the summary verdict of a filter that could not be checked.
	VerdictError Verdict = "error"
)

// Finding says what the dump is, apart from whether it exposes records.
type Finding string

// Findings.
const (
	// RegistryRecords: most of the dump's rows that carry registry
	// identifiers are the registry's people's records.
	RegistryRecords Finding = "registry_records"
	// Mixed: registry records plus rows that only share identifiers.
	Mixed Finding = "mixed"
	// IdentifiersOnly: registry identifiers with other people's details.
	IdentifiersOnly Finding = "identifiers_only"
	// Unrelated: the dump shares nothing with the registry beyond chance.
	Unrelated Finding = "unrelated"
)

// Assessment says where the dump's registry records came from.
type Assessment string

// Assessments.
const (
	FromRegistry Assessment = "registry"
	OtherSource  Assessment = "other_source"
	Undetermined Assessment = "undetermined"
)

// IndexStatus says whether an index could be checked.
type IndexStatus string

// Index statuses.
const (
	Checked    IndexStatus = "checked"
	NotChecked IndexStatus = "not_checked"
)

// Report is the result of one check, in the shape of the JSON schema.
type Report struct {
	Schema  string  `json:"schema"`
	Verdict Verdict `json:"verdict"`
	// Reason says in one sentence, with its numbers, why the verdict is what it is.
	Reason   string   `json:"reason"`
	Exposure Exposure `json:"exposure"`
	Finding  Finding  `json:"finding"`
	// FindingReason says why, with both counts for a mixed dump.
	FindingReason string        `json:"finding_reason"`
	Source        Source        `json:"source"`
	Filter        FilterInfo    `json:"filter"`
	Registry      RegistryInfo  `json:"registry"`
	Indexes       []IndexReport `json:"indexes"`
	// Joint is the evidence of exposure: one test per pair of an identifier
	// and a combination holding it and a distinguishing field.
	Joint []JointReport `json:"joint"`
	// Agreement is the agreement profile of the matched records, per field.
	Agreement []AgreementReport `json:"agreement"`
	// Coincidence is the registry's own chance of agreement per field.
	Coincidence []CoincidenceReport `json:"coincidence"`
	// DumpOnlyFields are fields and recognised column kinds the dump holds
	// that the registry does not.
	DumpOnlyFields []string `json:"dump_only_fields"`
	// RowsAndPeople says, per identifier index, how many rows the counts are of and how many
	// distinct identifiers they hold (duplicate rows, family members sharing a phone), one
	// sentence with its numbers each (rows.go).
	RowsAndPeople []string `json:"rows_and_people"`
	// Groups and Dating: localization and dating over the --group-by columns (groups.go);
	// absent without --group-by.
	Groups []GroupReport  `json:"groups,omitempty"`
	Dating []DatingReport `json:"dating,omitempty"`
}

// Exposure answers "is the registry's people's data in the dump", with the
// numbers behind the answer.
type Exposure struct {
	// Records estimates how many registry records are in the dump (with
	// their identifier and the distinguishing fields of EvidenceIndex), with
	// a 95% interval.
	Records int64    `json:"records"`
	CI95    [2]int64 `json:"ci95"`
	// EvidenceIndex is the combination the estimate and the verdict rest on,
	// Identifier the identifier index it is counted jointly with ("" when
	// the report has no such pair).
	EvidenceIndex string `json:"evidence_index"`
	Identifier    string `json:"identifier"`
	// Candidates: registry records that matched Identifier and hold the
	// fields of EvidenceIndex; Matched: those that matched both.
	Candidates int64 `json:"candidates"`
	Matched    int64 `json:"matched"`
	// ExpectedByChance is what "these rows only share identifiers" gives:
	// filter false alarms plus coincidence; FilterFalseAlarms is the first part.
	ExpectedByChance  float64 `json:"expected_by_chance"`
	FilterFalseAlarms float64 `json:"filter_false_alarms"`
	PValue            float64 `json:"p_value"`
	// Alpha is the report's family-wise false-alarm probability; Tests the
	// number of joint tests; each is made at Alpha/Tests.
	Alpha        float64 `json:"alpha"`
	Tests        int     `json:"tests"`
	AlphaPerTest float64 `json:"alpha_per_test"`
	// DetectableRecords is the smallest exposure the check would have found
	// with at least 95% probability (null: none it could find).
	DetectableRecords *int64 `json:"detectable_records"`
	// Undetectable says what could not be seen and why, when the verdict is
	// inconclusive for lack of power.
	Undetectable string `json:"undetectable,omitempty"`
}

// Source answers "where did it come from", with the evidence for and
// against the registry as its origin, each a sentence with numbers.
type Source struct {
	Assessment Assessment `json:"assessment"`
	Summary    string     `json:"summary"`
	For        []string   `json:"for"`
	Against    []string   `json:"against"`
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
	// CustomFields are the filter's fields outside the built-in ones (name and normalizer).
	CustomFields []CustomField `json:"custom_fields,omitempty"`
}

// CustomField is a filter's custom field: its name and normalizer, never a value.
type CustomField struct {
	Name       string `json:"name"`
	Normalizer string `json:"normalizer"`
}

// RegistryInfo describes the registry side.
type RegistryInfo struct {
	Fields []string `json:"fields"`
	// Records counts the registry records checked (that formed an index).
	Records int64              `json:"records_checked"`
	Sources []SourceAccounting `json:"sources"`
}

// SourceAccounting says what became of every row of one registry input.
type SourceAccounting struct {
	Source          string   `json:"source"`
	RowsRead        int64    `json:"rows_read"`
	RowsUsed        int64    `json:"rows_used"`
	RowsSkipped     []Reason `json:"rows_skipped"`
	InvalidValues   []Reason `json:"invalid_values"`
	Examples        []string `json:"examples"`
	ValuesDropped   int64    `json:"values_dropped,omitempty"`
	Truncated       bool     `json:"truncated,omitempty"`
	TruncatedReason string   `json:"truncated_reason,omitempty"`
	// Warnings say why the input's row count is not reliable (fixed phrases with counts).
	Warnings []string `json:"warnings,omitempty"`
}

// Reason is a counted reason for a skipped row or an invalid value: a stable
// code for programs beside the sentence for people.
type Reason struct {
	Code   string `json:"code"`
	Field  string `json:"field,omitempty"`
	Reason string `json:"reason"`
	Count  int64  `json:"count"`
}

// IndexReport holds one index's statistics, on its own.
type IndexReport struct {
	Index         string      `json:"index"`
	Status        IndexStatus `json:"status"`
	WhyNotChecked string      `json:"why_not_checked,omitempty"`
	Checked       int64       `json:"checked"`
	Matches       int64       `json:"matches"`
	// MatchesWithIdentifier counts, for a combination, the matched records
	// whose identifier matched too (a combination match without it is a
	// filter false alarm by construction); null for an identifier.
	MatchesWithIdentifier *int64 `json:"matches_with_identifier"`
	// ExpectedFalsePositives is what filter false alarms alone would give.
	ExpectedFalsePositives float64    `json:"expected_false_positives"`
	OverlapEstimate        float64    `json:"overlap_estimate"`
	OverlapCI95            [2]float64 `json:"overlap_ci95"`
	PValue                 float64    `json:"p_value"`
	DumpEntries            uint64     `json:"dump_entries"`
	DumpEntriesMatched     uint64     `json:"dump_entries_matched"`
	// DumpEntriesExact says DumpEntriesMatched is an exact count (up to
	// about a million matches), not a HyperLogLog estimate.
	DumpEntriesExact bool `json:"dump_entries_matched_exact"`
	// DumpShareMatched is DumpEntriesMatched / DumpEntries, null when the
	// dump has no entry for the index.
	DumpShareMatched *float64 `json:"dump_share_matched"`
	BeyondChance     bool     `json:"beyond_chance"`
}

// JointReport is one joint test: registry records that matched an
// identifier and a combination holding it, against what records that only
// share the identifier would give.
type JointReport struct {
	Identifier  string `json:"identifier"`
	Combination string `json:"combination"`
	Candidates  int64  `json:"candidates"`
	Matched     int64  `json:"matched"`
	// Coincidence is the chance that another person's values of the
	// combination's other fields equal the registry record's (the product
	// of the fields' coincidences).
	Coincidence       float64  `json:"coincidence"`
	ExpectedByChance  float64  `json:"expected_by_chance"`
	FilterFalseAlarms float64  `json:"filter_false_alarms"`
	PValue            float64  `json:"p_value"`
	BeyondChance      bool     `json:"beyond_chance"`
	Estimate          int64    `json:"estimate"`
	CI95              [2]int64 `json:"ci95"`
	DetectableRecords *int64   `json:"detectable_records"`
}

// AgreementReport is how often the matched records agree on one more field:
// among the records that matched Anchor, how many match Combination, which
// is Anchor plus Field. Share is corrected for the anchor matches that
// coincidence gives (rows that only share the identifier).
type AgreementReport struct {
	Field       string     `json:"field"`
	Anchor      string     `json:"anchor"`
	Combination string     `json:"combination"`
	Of          int64      `json:"of"`
	Agree       int64      `json:"agree"`
	Share       float64    `json:"share"`
	CI95        [2]float64 `json:"ci95"`
}

// CoincidenceReport is the registry's chance of agreement on a field
// between two different records (Σ p_v² over its values).
type CoincidenceReport struct {
	Field       string  `json:"field"`
	Records     int64   `json:"records"`
	Coincidence float64 `json:"coincidence"`
}

// Build computes the report of a check against a filter whose false-alarm
// rate per entry is fpr.
func Build(filterFile string, h bloom.Header, fpr float64, res *engine.CheckResult) *Report {
	r := &Report{
		Schema: Schema,
		Filter: FilterInfo{
			File: Printable(filterFile), Created: h.Created, Records: h.Records, Fields: printableAll(h.Fields),
			Normalization: h.Normalization, Region: Printable(h.Region),
			TargetFPR: h.Bloom.TargetFPR, FalsePositiveRate: fpr,
			CustomFields: customFieldsOf(h),
		},
		Registry:       RegistryInfo{Fields: res.RegistryFields, Records: res.Records, Sources: accountingOf(res.Sources)},
		Indexes:        []IndexReport{},
		Joint:          []JointReport{},
		Agreement:      []AgreementReport{},
		Coincidence:    []CoincidenceReport{},
		DumpOnlyFields: []string{},
	}
	if r.Registry.Fields == nil {
		r.Registry.Fields = []string{}
	}
	for _, f := range h.Fields {
		if !slices.Contains(res.RegistryFields, f) {
			r.DumpOnlyFields = append(r.DumpOnlyFields, Printable(f))
		}
	}
	for _, k := range h.ColumnKinds {
		if k = Printable(k); !slices.Contains(res.RegistryKinds, k) && !slices.Contains(r.DumpOnlyFields, k) {
			r.DumpOnlyFields = append(r.DumpOnlyFields, k)
		}
	}
	for _, c := range res.Coincidence {
		r.Coincidence = append(r.Coincidence, CoincidenceReport{Field: c.Field, Records: c.Records, Coincidence: c.Coincidence})
	}
	m := newModel(fpr, res)
	r.Indexes = m.indexes()
	r.RowsAndPeople = rowsAndPeople(r, m)
	r.Joint = m.joint()
	r.Exposure = m.exposure(r.Joint)
	r.Verdict, r.Reason = m.verdict(r)
	r.Agreement = m.agreement(r.Exposure)
	r.Finding, r.FindingReason = m.finding(r)
	r.Source = m.source(r)
	weighRegistryOnly(r)
	return r
}

func accountingOf(accs []*engine.Accounting) []SourceAccounting {
	out := make([]SourceAccounting, 0, len(accs))
	for _, a := range accs {
		s := SourceAccounting{
			Source: Printable(a.Source), RowsRead: a.Read, RowsUsed: a.Used,
			RowsSkipped: []Reason{}, InvalidValues: []Reason{}, Examples: printableAll(a.ExampleLines()),
			ValuesDropped: a.Dropped, Truncated: a.Truncated, TruncatedReason: Printable(a.TruncatedReason),
			Warnings: printableAll(a.Warnings),
		}
		if s.Examples == nil {
			s.Examples = []string{}
		}
		for _, k := range sortedKeys(a.Skipped) {
			s.RowsSkipped = append(s.RowsSkipped, Reason{Code: skipCode(k), Reason: Printable(k), Count: a.Skipped[k]})
		}
		for _, k := range sortedKeys(a.Invalid) {
			field, why := splitInvalid(k)
			s.InvalidValues = append(s.InvalidValues, Reason{Code: codeOf(why), Field: Printable(field), Reason: Printable(why), Count: a.Invalid[k]})
		}
		out = append(out, s)
	}
	return out
}

// SkippedTotal is the number of rows skipped for any reason.
func (s *SourceAccounting) SkippedTotal() int64 {
	var n int64
	for _, r := range s.RowsSkipped {
		n += r.Count
	}
	return n
}

func customFieldsOf(h bloom.Header) []CustomField {
	var out []CustomField
	for _, c := range h.CustomFields {
		out = append(out, CustomField{Name: c.Name, Normalizer: c.Normalizer})
	}
	return out
}

// SourcesOf converts the engine's accounting into the published form, with
// the stable reason codes (build --format json uses it).
func SourcesOf(accs []*engine.Accounting) []SourceAccounting { return accountingOf(accs) }
