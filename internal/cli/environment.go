package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leakcheck/leakcheck/internal/report"
)

// envVar is an environment variable leakcheck reads. environment lists
// every one of them: the 'leakcheck help environment' topic is made from it,
// and a test checks that the code reads no other and that the docs mention
// no other.
type envVar struct {
	name, doc string
}

// NoColorEnv is the https://no-color.org convention: when set (to
// anything), the text report's verdict is not coloured on a terminal.
const NoColorEnv = "NO_COLOR"

// ColumnsEnv is the shells' terminal width variable, read when the text
// report does not go to a terminal whose width can be asked.
const ColumnsEnv = "COLUMNS"

// TempDirEnv is the system's variable for temporary files: build and check
// keep their temporary files of digests there (tempDir).
const TempDirEnv = "TMPDIR"

// tempDir is where build and check keep their temporary files of digests
// (encrypted under a key that exists only in memory, and without a name:
// docs/threat-model.md): $TMPDIR, or else the system's temporary directory.
func tempDir() string {
	if d := os.Getenv(TempDirEnv); d != "" {
		return d
	}
	return os.TempDir()
}

var environment = []envVar{
	{KeyFileEnv, "the key file's path, for --key (a path: never the key itself). A --key on the command line wins."},
	{PassphraseFileEnv, "a file (mode 0600) holding the passphrase for --passphrase, instead of asking on the terminal: for automation and tests only (docs/threat-model.md)."},
	{ProgressIntervalEnv, "seconds between status lines when standard error is not a terminal (a CI log); 0 prints only the summary line that ends each pass (a build's count, then its read). Default 10."},
	{NoColorEnv, "when set to anything, the text report's verdict is not coloured on a terminal (https://no-color.org). Colour is never used when the report does not go to a terminal."},
	{TempDirEnv, "where build and check keep their temporary files of digests (never plaintext; encrypted under a key that exists only in memory, and unnamed): a build of a compressed file or of standard input (about 17 bytes per index entry), and a build into or a check against a filter over ~384 MiB (one epoch at a time: ~385 MB per worker for a 1.35 GiB filter). Default: the system's temporary directory."},
	{ColumnsEnv, "the width the text report wraps its prose to when it does not go to a terminal whose width can be asked (a file, a pipe); default 80. Tables are not wrapped."},
}

// EnvironmentNames lists the environment variables leakcheck reads.
func EnvironmentNames() []string {
	names := make([]string, len(environment))
	for i, v := range environment {
		names[i] = v.name
	}
	return names
}

func environmentHelp() string {
	var b strings.Builder
	b.WriteString(`leakcheck reads these environment variables (and no other):

`)
	for _, v := range environment {
		fmt.Fprintf(&b, "  %s\n%s\n", v.name, report.Wrap(v.doc, 78, "      ", "      "))
	}
	b.WriteString(`
A key is never read from an environment variable: only a key file's path is
(a variable's value shows in /proc and in CI logs more easily than a file's).`)
	return b.String()
}

// newEnvironmentTopic is 'leakcheck help environment': a help topic, not a
// command (it has no Run).
func newEnvironmentTopic() *cobra.Command {
	return &cobra.Command{
		Use:   "environment",
		Short: "The environment variables leakcheck reads",
		Long:  environmentHelp(),
	}
}
