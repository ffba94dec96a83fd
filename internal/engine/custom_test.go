package engine

import (
	"testing"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/index"
)

func TestRegistryLike(t *testing.T) {
	for col, want := range map[string]bool{
		"Vaccination Centre": true, "District": true, "Dose 2 Date": true, "Reference ID": true,
		"Booking Slot": true, "State Name": true, "Notes": false, "Beneficiary Name": false,
		"Queries answered": false, "Statement": false, "Mobile": false,
	} {
		if got := RegistryLike(col); got != want {
			t.Errorf("RegistryLike(%q) = %v, want %v", col, got, want)
		}
	}
}

func TestUnhashedColumns(t *testing.T) {
	if err := fields.DeclareNamed([]string{"unhashed_centre"}); err != nil {
		t.Fatal(err)
	}
	cols := []string{"Mobile", "Name", "Unhashed Centre", "District", "Notes", "DOB"}
	m, err := fields.AutoMap(cols, nil)
	if err != nil {
		t.Fatal(err)
	}
	ixs, err := index.ParseAll([]string{"phone+unhashed_centre", "phone+yob"})
	if err != nil {
		t.Fatal(err)
	}
	un, like := UnhashedColumns(&Input{Mapping: m}, ixs)
	if want := []string{"Name", "District", "Notes"}; !equal(un, want) {
		t.Errorf("unhashed %q, want %q", un, want)
	}
	if want := []string{"District"}; !equal(like, want) {
		t.Errorf("registry-like %q, want %q", like, want)
	}
	cf := customFieldsOf(ixs)
	if len(cf) != 1 || cf[0] != (bloom.CustomField{Name: "unhashed_centre", Normalizer: "text"}) {
		t.Errorf("customFieldsOf = %v", cf)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
