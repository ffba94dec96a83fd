package fields

import (
	"fmt"
	"strings"
)

// Field is one of leakcheck's logical fields. Input columns are mapped to fields, and each field
// has its own normalizer.
type Field int

// The fields in canonical order. The order is part of the contract: index names and Describe
// output follow it.
const (
	Phone           Field = iota // "phone": E.164, e.g. "+919876543210"
	NationalID                   // "national_id": Aadhaar, 12 digits with a valid Verhoeff check digit
	NationalIDLast4              // "national_id_last4": last 4 digits of a masked or full national ID
	Email                        // "email": trimmed and lower-cased
	Name                         // "name": NFKC, case-folded, spaces collapsed, ends trimmed
	DOB                          // "dob": "YYYY-MM-DD"
	YOB                          // "yob": "YYYY"
	Gender                       // "gender": "M", "F" or "O"
	ID                           // "id": the registry's own record id; trimmed only, never hashed

	numFields = iota
)

var fieldNames = [numFields]string{
	Phone:           "phone",
	NationalID:      "national_id",
	NationalIDLast4: "national_id_last4",
	Email:           "email",
	Name:            "name",
	DOB:             "dob",
	YOB:             "yob",
	Gender:          "gender",
	ID:              "id",
}

// Version is the version of the normalizers taken as a whole that new filters are built with. It
// is written into every filter, and a filter is checked with the version it was built with
// (NewNormalizerVersion): the same person would hash differently under another. Any change to
// what a normalizer outputs for some input, or to which inputs it accepts, needs a new Version
// (see docs/normalization.md). Versions MinVersion to Version are implemented.
const (
	Version    = 2
	MinVersion = 1
)

// String returns the field's name, e.g. "national_id".
func (f Field) String() string {
	if f >= numFields {
		if spec, ok := f.Custom(); ok {
			return spec.Name
		}
	}
	if f < 0 || f >= numFields {
		return fmt.Sprintf("Field(%d)", int(f))
	}
	return fieldNames[f]
}

// valid reports whether f is a built-in field or a declared custom field.
func (f Field) valid() bool { return (f >= 0 && f < numFields) || f.IsCustom() }

// ParseField returns the built-in field with the given name, compared case-insensitively, or
// the declared custom field of that name (see Declare).
func ParseField(s string) (Field, error) {
	name := strings.TrimSpace(s)
	for f, n := range fieldNames {
		if strings.EqualFold(name, n) {
			return Field(f), nil
		}
	}
	if f, ok := Lookup(strings.ToLower(name)); ok {
		return f, nil
	}
	return 0, fmt.Errorf("unknown field %q (built-in fields: %s; declare any other with --field NAME=COLUMN)", s, validNames())
}

// IsBuiltin reports whether name is one of the built-in fields.
func IsBuiltin(name string) bool {
	for _, n := range fieldNames {
		if strings.EqualFold(strings.TrimSpace(name), n) {
			return true
		}
	}
	return false
}

func validNames() string {
	return strings.Join(fieldNames[:], ", ")
}

// All returns every field in canonical order: the built-ins, then the declared custom fields by
// name.
func All() []Field {
	all := make([]Field, numFields)
	for i := range all {
		all[i] = Field(i)
	}
	return append(all, customFields()...)
}

// Builtin returns the built-in fields in canonical order.
func Builtin() []Field { return All()[:numFields] }

// Identifying reports whether a value of f on its own points at one person: phone, national_id
// and email. The other fields only identify in combination.
func (f Field) Identifying() bool {
	switch f {
	case Phone, NationalID, Email:
		return true
	}
	return false
}

// MultiColumn reports whether a record may hold several values of f in several columns
// (mobile, alternate_mobile), matching on any of them: the identifying fields, which a person
// can have more than one of. A name, date or gender comes from one column.
func (f Field) MultiColumn() bool { return f.Identifying() }

func multiColumnNames() string {
	var names []string
	for _, f := range All() {
		if f.MultiColumn() {
			names = append(names, f.String())
		}
	}
	return strings.Join(names, ", ")
}

// Invalid is the error a normalizer returns for a value it cannot normalize. Reason says why, and
// never contains the value or any part of it: values are personal data and errors end up in logs.
type Invalid struct {
	Field  Field
	Reason string
}

// Error returns e.g. "phone: not a valid phone number for region IN".
func (e *Invalid) Error() string {
	return e.Field.String() + ": " + e.Reason
}

func invalid(f Field, reason string) *Invalid {
	return &Invalid{Field: f, Reason: reason}
}
