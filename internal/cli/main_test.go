package cli

import (
	"os"
	"testing"

	"github.com/leakcheck/leakcheck/internal/keyhash"
)

// TestMain makes keys and salts reproducible, so that the false positives
// of every filter the tests build are the same on every run.
func TestMain(m *testing.M) {
	keyhash.Random = keyhash.Seeded("internal/cli tests")
	os.Exit(m.Run())
}
