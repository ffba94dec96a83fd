package engine

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/records"
)

// TestInputChangedBetweenPasses (issue 13, item 18): a file that grows,
// shrinks or is rewritten between build's counting pass and its reading pass
// is an error, never a filter sized for other data (a grown file once gave
// a filter with a false-alarm rate of 1.0 and exit 0).
func TestInputChangedBetweenPasses(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(path string, data []byte) error
		want   string
	}{
		{"grows", func(p string, data []byte) error {
			var b strings.Builder
			b.Write(data)
			for range 2000 {
				b.WriteString("9876512345,Grown Person,1990\n")
			}
			return os.WriteFile(p, []byte(b.String()), 0o600)
		}, "changed between the pass that counted"},
		{"shrinks", func(p string, data []byte) error { return os.Truncate(p, int64(len(data)/2)) }, "changed between the pass that counted"},
		{"rewritten, same size and time", func(p string, data []byte) error {
			st, err := os.Stat(p)
			if err != nil {
				return err
			}
			// The same bytes with half of the line breaks made spaces: fewer rows.
			out := []byte(string(data))
			n := 0
			for i := len(out) / 2; i < len(out)-1; i++ {
				if out[i] == '\n' && n%2 == 0 {
					out[i] = ' '
				}
				if out[i] == '\n' || out[i] == ' ' {
					n++
				}
			}
			if err := os.WriteFile(p, out, 0o600); err != nil {
				return err
			}
			return os.Chtimes(p, time.Time{}, st.ModTime())
		}, "rows counted"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := fixture(t, "dump_leak.csv")
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			ins, err := Open([]string{p}, MapOptions{}, records.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer CloseAll(ins)
			ixs, err := BuildIndexes(ins, nil)
			if err != nil {
				t.Fatal(err)
			}
			testHookCounted = func() {
				if err := c.change(p, data); err != nil {
					t.Error(err)
				}
			}
			defer func() { testHookCounted = nil }()
			norm, _ := fields.NewNormalizer("IN")
			keys, salt := testKeys()
			res, err := Build(context.Background(), ins, BuildOptions{
				Options: Options{Workers: 2}, Indexes: ixs, Normalizer: norm, FPR: 1e-6, Keys: keys,
				Header: bloom.Header{Created: time.Unix(0, 0), Key: bloom.KeyInfo{Source: "keyfile"}, Salt: salt, KeyCheck: keys.KeyCheck()},
			})
			if !errors.Is(err, ErrChangedInput) || !strings.Contains(err.Error(), c.want) || res != nil {
				t.Fatalf("got %v, want %v with %q", err, ErrChangedInput, c.want)
			}
		})
	}
}
