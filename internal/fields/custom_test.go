package fields

import (
	"errors"
	"testing"
)

func declare(t *testing.T, s string) Field {
	t.Helper()
	spec, err := ParseCustomSpec(s)
	if err != nil {
		t.Fatalf("ParseCustomSpec(%q): %v", s, err)
	}
	f, err := Declare(spec)
	if err != nil {
		t.Fatalf("Declare(%v): %v", spec, err)
	}
	return f
}

func TestCustomNormalizers(t *testing.T) {
	n, err := NewNormalizer("IN")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		spec, in, want string
		bad            bool
	}{
		{"vaccination_centre", "  PHC  Rampur. ", "phc rampur", false},
		{"vaccination_centre", "“CHC Sitapur”", "chc sitapur", false},
		{"vaccination_centre", "ＰＨＣ　Ｒａｍｐｕｒ", "phc rampur", false},
		{"vaccination_centre", "...", "", true},
		{"vaccination_centre", "NA", "", false}, // a placeholder is missing, not invalid
		{"ref_no:digits", "REF-00 12/34", "001234", false},
		{"ref_no:digits", "१२३४", "1234", false}, // Devanagari digits
		{"ref_no:digits", "abc", "", true},
		{"dose_1", "25-05-2021", "2021-05-25", false}, // guessed: date
		{"dose_1", "12-05-2021", "", true},            // ambiguous without the column's order
		{"dose_1", "12 May 2021", "2021-05-12", false},
		{"dose_1", "31-02-2021", "", true},
		{"registration_year", "2021", "2021", false}, // guessed: year
		{"reference_last4", "XXXXXXXX1234", "1234", false},
		{"reference_last4", "REF 9999 0012 34", "1234", false}, // the last four digits, spaces between
		{"reference_last4", "XX12", "", true},
		{"beneficiary_ref:last6", "BEN-12-345678", "345678", false},
	}
	for _, tc := range tests {
		f := declare(t, tc.spec)
		got, err := n.Normalize(f, tc.in)
		if tc.bad {
			var inv *Invalid
			if !errors.As(err, &inv) || inv.Field != f {
				t.Errorf("%s %q: got (%q, %v), want an *Invalid for %s", tc.spec, tc.in, got, err, f)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s %q: got (%q, %v), want %q", tc.spec, tc.in, got, err, tc.want)
			continue
		}
		// Normalizing the output again gives the output.
		if again, err := n.Normalize(f, got); got != "" && (err != nil || again != got) {
			t.Errorf("%s %q: not a fixed point: %q -> (%q, %v)", tc.spec, tc.in, got, again, err)
		}
	}
}

func TestCustomSpecs(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{"Vaccination_Centre", "vaccination_centre:text", false},
		{"centre:DIGITS", "centre:digits", false},
		{"ref:last4", "ref:last4", false},
		{"ref_last12", "ref_last12:last12", false},
		{"ref:last13", "", true},
		{"ref:last04", "", true},
		{"ref:hex", "", true},
		{"phone", "", true}, // built-in
		{"2centre", "", true},
		{"centre name", "", true},
		{"", "", true},
	}
	for _, tc := range tests {
		spec, err := ParseCustomSpec(tc.in)
		if tc.bad != (err != nil) || (!tc.bad && spec.String() != tc.want) {
			t.Errorf("ParseCustomSpec(%q) = %v, %v; want %q (error %v)", tc.in, spec, err, tc.want, tc.bad)
		}
	}
}

func TestDeclareConflict(t *testing.T) {
	f := declare(t, "conflict_test:digits")
	if g := declare(t, "conflict_test:digits"); g != f {
		t.Fatalf("declaring again gave %d, want %d", g, f)
	}
	if _, err := Declare(CustomSpec{Name: "conflict_test", Kind: KindText}); err == nil {
		t.Fatal("declaring a field again with another normalizer was accepted")
	}
	if g, err := ParseField("Conflict_Test"); err != nil || g != f {
		t.Fatalf("ParseField = %v, %v", g, err)
	}
	// An override without a normalizer keeps the declared one.
	g, col, err := ParseOverride("conflict_test=Ref No")
	if err != nil || g != f || col != "Ref No" {
		t.Fatalf("ParseOverride = %v %q %v", g, col, err)
	}
	if _, _, err := ParseOverride("conflict_test:date=Ref No"); err == nil {
		t.Fatal("an override with another normalizer was accepted")
	}
}

func TestCustomOrderAndMapping(t *testing.T) {
	b := declare(t, "zz_order")
	a := declare(t, "aa_order")
	if Compare(Phone, a) >= 0 || Compare(Gender, a) >= 0 || Compare(a, b) >= 0 || Compare(b, a) <= 0 {
		t.Fatal("custom fields must sort after the built-ins, by name")
	}
	all := All()
	ia, ib := -1, -1
	for i, f := range all {
		switch f {
		case a:
			ia = i
		case b:
			ib = i
		}
	}
	if ia < int(numFields) || ib < ia {
		t.Fatalf("All() = %v: custom fields out of order", all)
	}
	m, err := AutoMap([]string{"Mobile", "AA Order", "zz-order", "Other"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.ByField[a] != 1 || m.ByField[b] != 2 || m.ByField[Phone] != 0 {
		t.Fatalf("ByField = %v", m.ByField)
	}
	m, err = AutoMap([]string{"Mobile", "AA Order", "aa_order"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.ByField[a]; ok || len(m.Ambiguous[a]) != 2 {
		t.Fatalf("two columns named like a custom field: ByField %v Ambiguous %v", m.ByField, m.Ambiguous)
	}
	m, err = AutoMap([]string{"Mobile", "AA Order", "aa_order"}, map[Field][]string{a: {"aa_order"}})
	if err != nil || m.ByField[a] != 2 {
		t.Fatalf("override: %v %v", m.ByField, err)
	}
}

func TestColumnKey(t *testing.T) {
	for in, want := range map[string]string{
		"Vaccination Centre": "vaccination_centre",
		"Dose 1":             "dose_1",
		"  ID-Number: ":      "id_number",
		"REF__NO":            "ref_no",
		"केंद्र का नाम":      "केंद्र_का_नाम",
	} {
		if got := ColumnKey(in); got != want {
			t.Errorf("ColumnKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzCustomText(f *testing.F) {
	for _, s := range []string{"PHC Rampur", "  “x”  ", "ＰＨＣ", "ß", "İ", "a\u0301"} {
		f.Add(s)
	}
	n, err := NewNormalizer("IN")
	if err != nil {
		f.Fatal(err)
	}
	spec, _ := ParseCustomSpec("fuzz_text:text")
	fld, err := Declare(spec)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := n.Normalize(fld, s)
		if err != nil || out == "" {
			return
		}
		again, err := n.Normalize(fld, out)
		if err != nil || again != out {
			t.Fatalf("not idempotent: %q -> %q -> (%q, %v)", s, out, again, err)
		}
	})
}
