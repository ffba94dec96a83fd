package engine

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/index"
	"github.com/leakcheck/leakcheck/internal/records"
)

// TestCheckManyOnePass: several filters checked in one pass give, per
// filter, exactly what Check gives for that filter alone (counts, pairs,
// coincidence, matches and row accounting), and the registry is read once;
// a filter the registry cannot be checked against has its own error.
func TestCheckManyOnePass(t *testing.T) {
	reg := fixture(t, "registry.csv")
	var filters []*bloom.Filter
	for _, d := range []string{"dump_leak.csv", "dump_phonelist.csv", "dump_unrelated.csv"} {
		filters = append(filters, build(t, []string{fixture(t, d)}, 2).Filter)
	}
	// A filter of an email index: the registry has no email column.
	emails := writeTemp(t, "emails.csv", "email\nasha@example.invalid\nravi@example.invalid\n")
	filters = append(filters, buildIndexes(t, emails, "email").Filter)

	ins, err := Open([]string{reg}, MapOptions{}, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer CloseAll(ins)
	norm, _ := fields.NewNormalizer("IN")
	keys, _ := testKeys()
	var opts []CheckOptions
	for _, f := range filters {
		opts = append(opts, CheckOptions{Normalizer: norm, Keys: keys, Filter: f, WantMatches: true})
	}
	rows := &countingProgress{}
	res, errs, err := CheckMany(context.Background(), ins, Options{Workers: 3, Progress: rows}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rows.starts != 1 || rows.rows != 1000 {
		t.Errorf("the registry was read %d times, %d rows read; want once, 1000", rows.starts, rows.rows)
	}
	for i, f := range filters[:3] {
		if errs[i] != nil {
			t.Fatalf("filter %d: %v", i, errs[i])
		}
		alone := check(t, f, []string{reg}, 2)
		got := res[i]
		if !reflect.DeepEqual(got.Indexes, alone.Indexes) || !reflect.DeepEqual(got.Pairs, alone.Pairs) ||
			!reflect.DeepEqual(got.Coincidence, alone.Coincidence) || got.Records != alone.Records || got.Exposed != alone.Exposed ||
			!reflect.DeepEqual(got.Matches, alone.Matches) {
			t.Errorf("filter %d: one pass and alone differ:\n%+v\n%+v", i, got.Indexes, alone.Indexes)
		}
		a, b := got.Sources[0], alone.Sources[0]
		if a.Read != b.Read || a.Used != b.Used || !reflect.DeepEqual(a.Skipped, b.Skipped) || !reflect.DeepEqual(a.Invalid, b.Invalid) || !reflect.DeepEqual(a.Examples, b.Examples) {
			t.Errorf("filter %d: accounting differs:\n%+v\n%+v", i, a, b)
		}
	}
	if errs[3] == nil || !strings.Contains(errs[3].Error(), "can form none of the filter's indexes") || res[3] != nil {
		t.Errorf("the email filter: %v, %v", res[3], errs[3])
	}
	// The lanes' accountings are their own: counting in one does not show in another.
	if res[0].Sources[0] == res[1].Sources[0] {
		t.Error("two filters share one accounting")
	}
}

type countingProgress struct{ starts, rows int64 }

func (p *countingProgress) Start(Pass, int64)        { p.starts++ }
func (p *countingProgress) Advance(_ int64, n int64) { p.rows += n }
func (p *countingProgress) Finish()                  {}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// buildIndexes builds a filter of the given indexes from one input.
func buildIndexes(t *testing.T, path string, names ...string) *BuildResult {
	t.Helper()
	ins, err := Open([]string{path}, MapOptions{}, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer CloseAll(ins)
	ixs, err := index.ParseAll(names)
	if err != nil {
		t.Fatal(err)
	}
	norm, _ := fields.NewNormalizer("IN")
	keys, salt := testKeys()
	res, err := Build(context.Background(), ins, BuildOptions{
		Options: Options{Workers: 2}, Indexes: ixs, Normalizer: norm, FPR: 1e-6, Keys: keys,
		Header: bloom.Header{Created: time.Unix(0, 0), Key: bloom.KeyInfo{Source: "keyfile"}, Salt: salt, KeyCheck: keys.KeyCheck()},
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}
