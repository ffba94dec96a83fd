package fields

import "testing"

func TestColumnKind(t *testing.T) {
	for _, c := range []struct{ col, want string }{
		{"Address", "address"}, {"Full Address", "address"}, {"PIN Code", "pincode"}, {"pin_code", "pincode"},
		{"PAN No", "pan"}, {"Passport Number", "passport"}, {"EPIC No", "voter_id"}, {"Test Result", "test_result"},
		{"Mobile", ""}, {"Name", ""}, {"x", ""},
	} {
		got, ok := ColumnKind(c.col)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("ColumnKind(%q) = %q, %v; want %q", c.col, got, ok, c.want)
		}
	}
	// No kind is also a field's synonym: a column is a field or a kind, not both.
	for _, kind := range Kinds() {
		for _, k := range kindSynonyms[kind] {
			if _, m := classify(k); m != noMatch {
				t.Errorf("kind %s synonym %q is also a field's", kind, k)
			}
		}
	}
}
