package keyhash

import (
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"sync"
)

// Seeded returns a deterministic stream of bytes for Random in tests: the
// same seed gives the same keys and salts, and so the same filters and the
// same false positives, on every run. Never use it outside tests.
func Seeded(seed string) io.Reader {
	return &seeded{c: rand.NewChaCha8(sha256.Sum256([]byte(seed)))}
}

type seeded struct {
	mu sync.Mutex
	c  *rand.ChaCha8
}

func (s *seeded) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c.Read(p)
}
