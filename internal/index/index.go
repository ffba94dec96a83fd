// Package index names the combinations of fields that a filter stores
// ("phone", "phone+name+yob"), puts them in canonical order, and picks the
// default set for an input.
package index

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leakcheck/leakcheck/internal/fields"
)

// Index is a set of fields in canonical order (fields.Compare: the built-ins in the order of
// fields.All, then custom fields by name).
type Index struct {
	Fields []fields.Field
}

// Name is the canonical name: the fields joined by "+".
func (ix Index) Name() string {
	names := make([]string, len(ix.Fields))
	for i, f := range ix.Fields {
		names[i] = f.String()
	}
	return strings.Join(names, "+")
}

func (ix Index) String() string { return ix.Name() }

// FieldNames lists the field names in order.
func (ix Index) FieldNames() []string {
	names := make([]string, len(ix.Fields))
	for i, f := range ix.Fields {
		names[i] = f.String()
	}
	return names
}

// Has reports whether ix contains f.
func (ix Index) Has(f fields.Field) bool { return slices.Contains(ix.Fields, f) }

// Of returns the index of the given fields, in canonical order.
func Of(fs ...fields.Field) Index {
	out := slices.Clone(fs)
	slices.SortFunc(out, fields.Compare)
	return Index{Fields: slices.Compact(out)}
}

// Parse reads an index spec such as "yob+phone" (any order, any case).
func Parse(spec string) (Index, error) {
	var fs []fields.Field
	seen := map[fields.Field]bool{}
	for _, part := range strings.Split(spec, "+") {
		part = strings.TrimSpace(part)
		f, err := fields.ParseField(part)
		if err != nil {
			return Index{}, fmt.Errorf("index %q: %w", spec, err)
		}
		if f == fields.ID {
			return Index{}, fmt.Errorf("index %q: the id field is the registry's record id; it is never hashed", spec)
		}
		if seen[f] {
			return Index{}, fmt.Errorf("index %q names %s twice", spec, f)
		}
		seen[f] = true
		fs = append(fs, f)
	}
	return Of(fs...), nil
}

// Names returns the field names an index spec list mentions, for declaring custom fields
// (fields.DeclareNamed) before parsing.
func Names(specs []string) []string {
	var out []string
	for _, s := range specs {
		for _, one := range strings.Split(s, ",") {
			for _, part := range strings.Split(one, "+") {
				if p := strings.TrimSpace(part); p != "" {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// ParseAll parses several specs and drops duplicates, keeping the first.
func ParseAll(specs []string) ([]Index, error) {
	var out []Index
	seen := map[string]bool{}
	for _, s := range specs {
		for _, one := range strings.Split(s, ",") {
			ix, err := Parse(one)
			if err != nil {
				return nil, err
			}
			if !seen[ix.Name()] {
				seen[ix.Name()] = true
				out = append(out, ix)
			}
		}
	}
	return out, nil
}

// Defaults are the indexes built when none are asked for: every identifying
// field present (phone, national_id, email), then phone+name, phone+yob,
// phone+name+yob and phone+name+yob+gender where those fields are present.
func Defaults(present func(fields.Field) bool) []Index {
	var out []Index
	for _, f := range fields.All() {
		if f.Identifying() && present(f) {
			out = append(out, Of(f))
		}
	}
	combos := [][]fields.Field{
		{fields.Phone, fields.Name},
		{fields.Phone, fields.YOB},
		{fields.Phone, fields.Name, fields.YOB},
		{fields.Phone, fields.Name, fields.YOB, fields.Gender},
	}
	for _, c := range combos {
		ok := true
		for _, f := range c {
			ok = ok && present(f)
		}
		if ok {
			out = append(out, Of(c...))
		}
	}
	return out
}
