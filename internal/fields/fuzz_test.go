package fields

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"", " ", "NA", "+91 98765 43210", "09876543210", "919876543210", "(+91) 98765-43210",
	"0091 9876543210", "+1 202 555 0123", "9876543210 #5", "234567890126", "2345 6789 0126",
	"XXXX XXXX 1234", "********1234", "Anita.Sharma@Example.COM", "a@b..c", "  Dr. Anita   SHARMA.  ",
	"ＲＡＭ", "अनीता शर्मा", "(NA)", "12/03/1990", "1990-03-12T00:00:00Z", "March 12, 1990",
	"12-Mar-90", "12/25/1990", "31/02/1990", "1990.0", "third gender", "महिला", "\xff\xfe",
}

// FuzzNormalize checks that no field's normalizer panics, that a normalized value normalizes to
// itself, that failures are *Invalid for the right field, and that their reason does not quote
// the value.
func FuzzNormalize(f *testing.F) {
	for _, s := range fuzzSeeds {
		for _, fd := range All() {
			f.Add(uint8(fd), s)
		}
	}
	n := newIN(f)
	f.Fuzz(func(t *testing.T, which uint8, raw string) {
		fd := Field(int(which) % int(numFields))
		out, err := n.Normalize(fd, raw)
		if err != nil {
			var inv *Invalid
			if !errors.As(err, &inv) || inv.Field != fd {
				t.Fatalf("Normalize(%s, %q): error %v is not an *Invalid for the field", fd, raw, err)
			}
			if v := strings.TrimSpace(raw); len(v) >= 6 && strings.ContainsAny(v, "0123456789") &&
				strings.Contains(err.Error(), v) {
				t.Fatalf("Normalize(%s, %q): error %q quotes the value", fd, raw, err)
			}
			return
		}
		if out == "" {
			return
		}
		if fd != ID && !utf8.ValidString(out) {
			t.Fatalf("Normalize(%s, %q) = %q: not UTF-8", fd, raw, out)
		}
		again, err := n.Normalize(fd, out)
		if err != nil || again != out {
			t.Fatalf("Normalize(%s, %q) = %q, but normalizing that gives %q, %v", fd, raw, out, again, err)
		}
		switch fd {
		case Phone:
			if out[0] != '+' || !allDigits(out[1:]) {
				t.Fatalf("Normalize(phone, %q) = %q: not E.164", raw, out)
			}
		case NationalID:
			if len(out) != 12 || !allDigits(out) || !verhoeffValid(out) {
				t.Fatalf("Normalize(national_id, %q) = %q", raw, out)
			}
		case NationalIDLast4:
			if len(out) != 4 || !allDigits(out) {
				t.Fatalf("Normalize(national_id_last4, %q) = %q", raw, out)
			}
		case DOB:
			if YOBFromDOB(out) == "" {
				t.Fatalf("Normalize(dob, %q) = %q", raw, out)
			}
		case Gender:
			if out != "M" && out != "F" && out != "O" {
				t.Fatalf("Normalize(gender, %q) = %q", raw, out)
			}
		}
	})
}

// FuzzAutoMap checks that AutoMap does not panic and that every column ends up in exactly one of
// ByField, Ambiguous and Unmapped. columns and overrides are separated by '|'; an override is
// FIELD=COLUMN.
func FuzzAutoMap(f *testing.F) {
	f.Add("Name|Mobile|Contact No|DOB|City", "")
	f.Add("user.phone|nominee.phone|phone", "name=City")
	f.Add("Aadhaar No|masked_aadhaar|E-mail|sex|birth_year", "phone=e-mail")
	f.Add("a|a|A", "name=a")
	f.Add("", "gender=")
	f.Fuzz(func(t *testing.T, cols, ovs string) {
		columns := strings.Split(cols, "|")
		overrides := make(map[Field][]string)
		for o := range strings.SplitSeq(ovs, "|") {
			if fd, col, err := ParseOverride(o); err == nil {
				overrides[fd] = append(overrides[fd], col)
			}
		}
		m, err := AutoMap(columns, overrides)
		if err != nil {
			return
		}
		seen := make(map[int]Field)
		for fd, i := range m.ByField {
			if i < 0 || i >= len(columns) {
				t.Fatalf("ByField[%s] = %d out of range", fd, i)
			}
			if fd.IsCustom() {
				continue // a custom field only reads its column; a built-in may map it too
			}
			if g, dup := seen[i]; dup {
				t.Fatalf("column %d mapped to both %s and %s", i, g, fd)
			}
			seen[i] = fd
			if _, amb := m.Ambiguous[fd]; amb {
				t.Fatalf("%s both mapped and ambiguous", fd)
			}
		}
		for fd, i := range m.ByField {
			if col, ok := overrides[fd]; ok && !strings.EqualFold(columns[i], col[0]) {
				t.Fatalf("override %s=%q mapped to column %q", fd, col, columns[i])
			}
		}
		// Columns: each is mapped to a built-in field, ambiguous between built-in fields,
		// unmapped, or read only by custom fields (which may also read a built-in's column).
		total := len(seen) + len(m.Unmapped)
		builtinAmb := map[string]bool{}
		for fd, cs := range m.Ambiguous {
			if !fd.IsCustom() {
				for _, c := range cs {
					builtinAmb[c] = true
				}
			}
		}
		customOnly := map[string]bool{}
		for fd, i := range m.ByField {
			if _, builtin := seen[i]; fd.IsCustom() && !builtin && !builtinAmb[columns[i]] {
				customOnly[columns[i]] = true
			}
		}
		for fd, cs := range m.Ambiguous {
			for _, c := range cs {
				if fd.IsCustom() && !builtinAmb[c] {
					customOnly[c] = true
				}
			}
		}
		for fd, cs := range m.Also {
			if !fd.MultiColumn() || len(cs) == 0 {
				t.Fatalf("Also[%s] = %v", fd, cs)
			}
			for _, i := range cs {
				if g, dup := seen[i]; dup {
					t.Fatalf("column %d mapped to both %s and %s", i, g, fd)
				}
				seen[i] = fd
			}
			total += len(cs)
		}
		for fd, cs := range m.Ambiguous {
			if len(cs) < 2 {
				t.Fatalf("Ambiguous[%s] = %q: fewer than 2 columns", fd, cs)
			}
			if !fd.IsCustom() {
				total += len(cs)
			}
		}
		total += len(customOnly)
		if total != len(columns) {
			t.Fatalf("%d columns but %d mapped, ambiguous or unmapped: %+v", len(columns), total, m)
		}
		if len(m.Describe()) == 0 && len(columns) > 0 {
			t.Fatalf("Describe() is empty for %+v", m)
		}
	})
}
