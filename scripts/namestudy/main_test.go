package main

import (
	"math"
	"testing"
)

// TestStudy pins the facts docs/normalization.md draws its decision from, on
// a smaller population: version 2 matches every variant it claims to
// (order, comma, honorifics, case) and version 1 does not; initials match
// only the coarse keys; and the coarse keys' recall does not make up for
// their coincidence and family false matches.
func TestStudy(t *testing.T) {
	res := study(20_000, 1)
	by := map[string]Result{}
	for _, r := range res {
		by[r.Key] = r
	}
	v1, v2 := by["name, version 1"], by["name, version 2"]
	si, in := by["surname + first initial"], by["initials of every token"]
	for _, v := range []string{"as the registry writes it", "upper case, extra spaces", "surname first, comma", "surname first, no comma", "with an honorific"} {
		if v2.Recall[v] != 1 {
			t.Errorf("version 2 recall for %q is %.3f, want 1", v, v2.Recall[v])
		}
	}
	for _, v := range []string{"surname first, comma", "with an honorific"} {
		if v1.Recall[v] != 0 {
			t.Errorf("version 1 recall for %q is %.3f, want 0", v, v1.Recall[v])
		}
	}
	if v2.Recall["given name as an initial"] != 0 || si.Recall["given name as an initial"] != 1 {
		t.Errorf("initials: version 2 %.3f, surname+initial %.3f; want 0 and 1", v2.Recall["given name as an initial"], si.Recall["given name as an initial"])
	}
	if !(v2.MixRecall > v1.MixRecall && si.MixRecall > v2.MixRecall) {
		t.Errorf("recall over the mix: v1 %.3f, v2 %.3f, surname+initial %.3f", v1.MixRecall, v2.MixRecall, si.MixRecall)
	}
	merit := func(r Result) float64 { return r.MixRecall / math.Sqrt(r.Coincide) }
	for _, c := range []Result{si, in} {
		if merit(c) >= merit(v2) || c.FamilyRate < 0.05 || v2.FamilyRate != 0 {
			t.Errorf("%s: recall/√Σp² %.1f (version 2: %.1f), family false matches %.3f (version 2: %.3f)",
				c.Key, merit(c), merit(v2), c.FamilyRate, v2.FamilyRate)
		}
	}
}
