package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestNormalizationV1Filter checks registry.csv against a filter built by
// leakcheck at commit 10628d9 (normalization version 1; testdata/normv1,
// make.sh says how) and against one built now (version 2) from the same
// invented dump. The dump writes "Kumar, Ravi", "Smt. Sunita Devi" and
// "Neha O'Brien"; the registry "Ravi Kumar", "Sunita Devi" and "Neha
// OBrien". Version 1 keeps order, honorifics and apostrophes, so those
// three match on phone+name only with the version-2 filter: the old filter
// is checked the version-1 way, not with today's rules.
func TestNormalizationV1Filter(t *testing.T) {
	w := newWS(t)
	for _, name := range []string{"dump.csv", "registry.csv", "v1.lcf", "v1.key"} {
		data := readFile(t, filepath.Join("testdata", "normv1", name))
		if err := os.WriteFile(w.path(name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w.fixtures = append(w.fixtures, "ravi kumar", "kumar ravi", "kumar, ravi", "anita sharma", "sunita devi",
		"devi sunita", "prakash pandey", "neha o'brien", "neha obrien", "9876500001", "9876500002")

	nameMatches := func(filter, key string) (int, int) {
		t.Helper()
		r := w.run("check", "--key", key, "--filter", filter, "--format", "json", w.path("registry.csv"))
		if r.code != 0 && r.code != 1 {
			t.Fatalf("check %s:\n%s", filter, r)
		}
		var rep struct {
			Filter  struct{ Normalization int }
			Indexes []struct {
				Index   string
				Matches int
			}
		}
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("check %s: %v\n%s", filter, err, r)
		}
		for _, ix := range rep.Indexes {
			if ix.Index == "phone+name" {
				return rep.Filter.Normalization, ix.Matches
			}
		}
		t.Fatalf("check %s: no phone+name index\n%s", filter, r.stdout)
		return 0, 0
	}

	version, matches := nameMatches(w.path("v1.lcf"), w.path("v1.key"))
	if version != 1 || matches != 2 {
		t.Errorf("version-1 filter: normalization %d, %d phone+name matches; want 1 and 2 (Dr. Anita Sharma, Prakash Pandey)", version, matches)
	}
	w.want(0, nil, "build", "-q", "--key", w.key, "-o", w.path("v2.lcf"), w.path("dump.csv"))
	version, matches = nameMatches(w.path("v2.lcf"), w.key)
	if version != 2 || matches != 5 {
		t.Errorf("version-2 filter: normalization %d, %d phone+name matches; want 2 and 5", version, matches)
	}
}
