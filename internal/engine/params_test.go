package engine

import (
	"context"
	"testing"
	"time"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/records"
)

// A build given fixed Bloom parameters (a shard joining an existing filter)
// uses them as they are, and its filter checks like a planned one.
func TestBuildFixedParams(t *testing.T) {
	dump := fixture(t, "dump_leak.csv")
	p, err := bloom.Plan(100_000, 1e-7)
	if err != nil {
		t.Fatal(err)
	}
	ins, err := Open([]string{dump}, MapOptions{}, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer CloseAll(ins)
	ixs, err := BuildIndexes(ins, nil)
	if err != nil {
		t.Fatal(err)
	}
	norm, _ := fields.NewNormalizer("IN")
	keys, salt := testKeys()
	res, err := Build(context.Background(), ins, BuildOptions{
		Indexes: ixs, Normalizer: norm, FPR: 1e-3, Params: &p, Keys: keys,
		Header: bloom.Header{Created: time.Unix(0, 0), Key: bloom.KeyInfo{Source: "keyfile"}, Salt: salt, KeyCheck: keys.KeyCheck()},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Filter.Header.Bloom; got != p {
		t.Errorf("filter parameters %+v, want the given %+v", got, p)
	}
	planned := build(t, []string{dump}, 1)
	if planned.Filter.Header.Bloom == p {
		t.Fatal("the planned filter has the fixed parameters too: the test proves nothing")
	}
	reg := fixture(t, "registry.csv")
	a, b := check(t, res.Filter, []string{reg}, 1), check(t, planned.Filter, []string{reg}, 1)
	for i := range a.Indexes {
		if a.Indexes[i].Matches != b.Indexes[i].Matches || a.Indexes[i].Entries != b.Indexes[i].Entries {
			t.Errorf("%s: fixed parameters give %d matches of %d entries, planned %d of %d", a.Indexes[i].Index,
				a.Indexes[i].Matches, a.Indexes[i].Entries, b.Indexes[i].Matches, b.Indexes[i].Entries)
		}
	}
}
