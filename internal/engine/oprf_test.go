package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/index"
	"github.com/leakcheck/leakcheck/internal/keyhash"
	"github.com/leakcheck/leakcheck/internal/oprf"
	"github.com/leakcheck/leakcheck/internal/records"
)

func testOPRFKey(t testing.TB) *oprf.PrivateKey {
	sk, err := oprf.GenerateKey(keyhash.Seeded("engine oprf test"))
	if err != nil {
		t.Fatal(err)
	}
	return sk
}

// buildOPRF builds a filter in the OPRF key mode, as the key holder does.
func buildOPRF(t *testing.T, paths []string, requested []index.Index, workers int) (*bloom.Filter, *keyhash.DirectOPRF, error) {
	t.Helper()
	ins, err := Open(paths, MapOptions{}, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer CloseAll(ins)
	ixs, err := BuildIndexes(ins, requested)
	if err != nil {
		t.Fatal(err)
	}
	norm, _ := fields.NewNormalizer("IN")
	sk := testOPRFKey(t)
	pk := sk.Public()
	salt := make([]byte, bloom.SaltSize)
	salt[0] = 1
	master := keyhash.OPRFMaster(pk[:])
	keys := keyhash.Derive(&master, salt)
	ids := &keyhash.DirectOPRF{Private: sk, Salt: salt}
	res, err := Build(context.Background(), ins, BuildOptions{
		Options:     Options{Workers: workers},
		Indexes:     ixs,
		Normalizer:  norm,
		FPR:         1e-6,
		Keys:        keys,
		Identifiers: ids,
		Header: bloom.Header{Created: time.Unix(0, 0), Salt: salt, KeyCheck: keys.KeyCheck(),
			Key: bloom.KeyInfo{Source: bloom.KeySourceOPRF, OPRF: &bloom.OPRFKey{Suite: bloom.OPRFSuite, PublicKey: pk[:]}}},
	})
	if err != nil {
		return nil, nil, err
	}
	return res.Filter, ids, nil
}

func checkIDs(t *testing.T, f *bloom.Filter, paths []string, ids IdentifierKeys) (*CheckResult, error) {
	t.Helper()
	ins, err := Open(paths, MapOptions{}, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer CloseAll(ins)
	norm, _ := fields.NewNormalizer("IN")
	keys, _ := testKeys()
	return Check(context.Background(), ins, CheckOptions{Options: Options{Workers: 2}, Normalizer: norm, Keys: keys, Filter: f, WantMatches: true, Identifiers: ids})
}

// TestOPRFModeSameCounts: the OPRF key mode gives the shared-key mode's
// counts, index by index and pair by pair, on every fixture dump.
func TestOPRFModeSameCounts(t *testing.T) {
	reg := fixture(t, "registry.csv")
	for _, dump := range []string{"dump_leak.csv", "dump_phonelist.csv", "dump_unrelated.csv"} {
		t.Run(dump, func(t *testing.T) {
			d := fixture(t, dump)
			shared := build(t, []string{d}, 2).Filter
			want := check(t, shared, []string{reg}, 2)
			f, ids, err := buildOPRF(t, []string{d}, nil, 2)
			if err != nil {
				t.Fatal(err)
			}
			if f.Header.Hash != bloom.HashOPRF {
				t.Fatalf("hash %q", f.Header.Hash)
			}
			for i, ix := range f.Header.Indexes {
				if ix.Entries != shared.Header.Indexes[i].Entries {
					t.Errorf("%s: %d entries, shared-key mode %d", ix.Name, ix.Entries, shared.Header.Indexes[i].Entries)
				}
			}
			got, err := checkIDs(t, f, []string{reg}, ids)
			if err != nil {
				t.Fatal(err)
			}
			sameCounts(t, got, want)
		})
	}
}

func sameCounts(t *testing.T, got, want *CheckResult) {
	t.Helper()
	if len(got.Indexes) != len(want.Indexes) || len(got.Pairs) != len(want.Pairs) || len(got.Matches) != len(want.Matches) {
		t.Fatalf("shapes differ: %d/%d indexes, %d/%d pairs, %d/%d matches", len(got.Indexes), len(want.Indexes), len(got.Pairs), len(want.Pairs), len(got.Matches), len(want.Matches))
	}
	if got.Records != want.Records || got.Exposed != want.Exposed {
		t.Errorf("records %d exposed %d; shared-key mode %d, %d", got.Records, got.Exposed, want.Records, want.Exposed)
	}
	for i := range got.Indexes {
		g, w := got.Indexes[i], want.Indexes[i]
		if g.Index != w.Index || g.Checked != w.Checked || g.Matches != w.Matches {
			t.Errorf("%s: checked %d matches %d; shared-key mode %s: %d, %d", g.Index, g.Checked, g.Matches, w.Index, w.Checked, w.Matches)
		}
	}
	for i := range got.Pairs {
		if got.Pairs[i] != want.Pairs[i] {
			t.Errorf("pair %+v, shared-key mode %+v", got.Pairs[i], want.Pairs[i])
		}
	}
	for i := range got.Matches {
		if got.Matches[i].Line != want.Matches[i].Line || got.Matches[i].ID != want.Matches[i].ID {
			t.Errorf("match %d: line %d, shared-key mode line %d", i, got.Matches[i].Line, want.Matches[i].Line)
		}
	}
}

// TestOPRFKeyModeRefusals: an index without an identifier cannot be built,
// and a filter is checked only in its own key mode.
func TestOPRFKeyModeRefusals(t *testing.T) {
	d := fixture(t, "dump_leak.csv")
	reg := fixture(t, "registry.csv")
	ix, _ := index.Parse("name+yob")
	if _, _, err := buildOPRF(t, []string{d}, []index.Index{ix}, 1); err == nil || !strings.Contains(err.Error(), "has no identifier") {
		t.Errorf("index without identifier: %v", err)
	}
	f, ids, err := buildOPRF(t, []string{d}, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := checkIDs(t, f, []string{reg}, nil); err == nil || !strings.Contains(err.Error(), "OPRF key mode") {
		t.Errorf("OPRF filter checked with the shared key: %v", err)
	}
	shared := build(t, []string{d}, 1).Filter
	if _, err := checkIDs(t, shared, []string{reg}, ids); err == nil || !strings.Contains(err.Error(), "shared-key mode") {
		t.Errorf("shared-key filter checked with PRF outputs: %v", err)
	}
}

// TestAnchor: one PRF output per identifier keys every index it anchors.
func TestAnchor(t *testing.T) {
	for spec, want := range map[string]string{"phone": "phone", "phone+name+yob": "phone", "national_id+email": "national_id", "email+dob": "email", "name+yob": ""} {
		ix, _ := index.Parse(spec)
		a, ok := Anchor(ix)
		got := ""
		if ok {
			got = a.String()
		}
		if got != want {
			t.Errorf("Anchor(%s) = %q, want %q", spec, got, want)
		}
	}
}
