package bloom

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestParamsBounds (issue 13, item 5): every shape Plan makes passes the
// reader's bounds, and the shapes that would make a checker spend more than
// the file warrants are refused.
func TestParamsBounds(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 5))
	for range 2000 {
		n := uint64(1) << r.UintN(34)
		n += r.Uint64N(n)
		fpr := []float64{0.5, 0.1, 1e-3, 1e-6, 1e-9, 1e-12}[r.IntN(6)]
		p, err := Plan(n, fpr)
		if err != nil {
			continue // too large for any filter
		}
		if err := p.validate(); err != nil {
			t.Fatalf("Plan(%d, %g) = %+v, refused: %v", n, fpr, p, err)
		}
	}
	for _, c := range []struct {
		p    Params
		want string
	}{
		{Params{Scheme: Scheme, Partitions: 1 << 20, M: 64, K: 1}, "1048576 partitions of 64 bits"},
		{Params{Scheme: Scheme, Partitions: 2, M: 1 << 20, K: 20}, "2 partitions of 1048576 bits"},
		{Params{Scheme: Scheme, Partitions: 1, M: 1 << 30, K: 20}, "partition size 1073741824 bits"},
		{Params{Scheme: Scheme, Partitions: 1<<20 + 1, M: 1 << 22, K: 20}, "partition count"},
	} {
		if err := c.p.validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error containing %q", c.p, err, c.want)
		}
	}
}

// TestArgon2idBounds (item 8): the header cannot ask for more Argon2id work
// than the bounds allow.
func TestArgon2idBounds(t *testing.T) {
	salt := make([]byte, 16)
	ok := Argon2id{Time: 3, MemoryKiB: 64 << 10, Threads: 4, Salt: salt}
	if err := ok.Validate(); err != nil {
		t.Fatalf("leakcheck's own parameters refused: %v", err)
	}
	for _, c := range []struct {
		a    Argon2id
		want string
	}{
		{Argon2id{Time: 100, MemoryKiB: 64 << 10, Threads: 4, Salt: salt}, "time 100"},
		{Argon2id{Time: 3, MemoryKiB: 4 << 20, Threads: 4, Salt: salt}, "memory 4194304 KiB"},
		{Argon2id{Time: 3, MemoryKiB: 64 << 10, Threads: 255, Salt: salt}, "threads 255"},
		{Argon2id{Time: 3, MemoryKiB: 64 << 10, Threads: 4, Salt: salt[:8]}, "salt is 8 bytes"},
		{Argon2id{Time: 0, MemoryKiB: 64 << 10, Threads: 4, Salt: salt}, "time 0"},
	} {
		if err := c.a.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error containing %q", c.a, err, c.want)
		}
	}
}
