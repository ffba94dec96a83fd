package cli

import (
	"os"
	"testing"

	"github.com/leakcheck/leakcheck/internal/keyhash"
)

// TestMain makes keys and salts reproducible, so that the false positives
// of every filter the tests build are the same on every run. The tests
// match sentences of the text report, which off a terminal wraps its prose
// to 80 columns: here, one line per paragraph (the wrapping is tested in
// internal/report's TestTextGolden and here in TestReportTerminal).
func TestMain(m *testing.M) {
	keyhash.Random = keyhash.Seeded("internal/cli tests")
	os.Setenv(ColumnsEnv, "100000")
	os.Exit(m.Run())
}
