package engine

import (
	"fmt"
	"strings"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/index"
)

// DeclareHeaderFields declares the custom fields a filter's header names, with the normalizers
// they were built with, so that its indexes parse and the registry's columns normalize the same
// way. A custom field this process already declared with another normalizer (a --field flag
// saying otherwise) is an error.
func DeclareHeaderFields(h *bloom.Header) error {
	for _, c := range h.CustomFields {
		spec, err := fields.ParseCustomSpec(c.Name + ":" + c.Normalizer)
		if err != nil {
			return fmt.Errorf("the filter's custom field %q: %w", c.Name, err)
		}
		if _, err := fields.Declare(spec); err != nil {
			return fmt.Errorf("the filter's custom field %q: %w", c.Name, err)
		}
	}
	return nil
}

// customFieldsOf lists the custom fields the indexes use, by name, for the filter header.
func customFieldsOf(ixs []index.Index) []bloom.CustomField {
	var out []bloom.CustomField
	seen := map[fields.Field]bool{}
	for _, f := range fields.All() {
		for _, ix := range ixs {
			spec, ok := f.Custom()
			if ok && ix.Has(f) && !seen[f] {
				seen[f] = true
				out = append(out, bloom.CustomField{Name: spec.Name, Normalizer: spec.Normalizer()})
			}
		}
	}
	return out
}

// UnhashedColumns lists an input's columns that feed no field of the indexes, and among those
// that map to no built-in field the ones whose names look like registry attributes (a centre, district, state, dose date,
// vaccine or reference number), which a custom field could match against the registry.
func UnhashedColumns(in *Input, ixs []index.Index) (unhashed, registryLike []string) {
	used := map[int]bool{}
	mapped := map[int]bool{} // columns of a built-in field: not suggested as custom fields
	for f := range in.Mapping.ByField {
		if !f.IsCustom() {
			for _, c := range in.Mapping.ColumnsOf(f) {
				mapped[c] = true
			}
		}
		for _, ix := range ixs {
			if ix.Has(f) || (f == fields.DOB && ix.Has(fields.YOB)) || (f == fields.NationalID && ix.Has(fields.NationalIDLast4)) {
				for _, c := range in.Mapping.ColumnsOf(f) {
					used[c] = true
				}
			}
		}
	}
	for i, c := range in.Mapping.Columns {
		if used[i] {
			continue
		}
		unhashed = append(unhashed, c)
		if !mapped[i] && RegistryLike(c) {
			registryLike = append(registryLike, c)
		}
	}
	return unhashed, registryLike
}

// registryWords are the words of column names that registries hold and other databases of the
// same people rarely do.
var registryWords = []string{
	"centre", "center", "district", "state", "dose", "vaccine", "vaccination", "reference",
	"ref", "booking", "slot", "site", "facility", "hospital", "block", "taluk", "tehsil",
	"registration", "certificate", "batch", "operator", "partner", "channel", "appointment",
	"camp",
}

// RegistryLike reports whether a column name looks like a registry attribute.
func RegistryLike(column string) bool {
	for _, w := range strings.Split(fields.ColumnKey(column), "_") {
		for _, r := range registryWords {
			if w == r || w == r+"s" {
				return true
			}
		}
	}
	return false
}

// dateColumn is the column whose values show an input's date order: its dob column, or else
// the first (by name) custom date field's.
func dateColumn(m fields.Mapping) (int, bool) {
	if col, ok := m.ByField[fields.DOB]; ok {
		return col, true
	}
	for _, f := range fields.All() {
		if spec, ok := f.Custom(); ok && spec.Kind == fields.KindDate {
			if col, ok := m.ByField[f]; ok {
				return col, true
			}
		}
	}
	return 0, false
}
