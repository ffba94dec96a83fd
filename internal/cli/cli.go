// Package cli is leakcheck's command line: the cobra command tree (one
// cmd_<name>.go per command), the map from results to exit codes, and the
// only code that writes to the terminal. The commands parse flags and hand
// the work to the engine, report and bloom packages.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/leakcheck/leakcheck/internal/report"
	"github.com/leakcheck/leakcheck/internal/safefile"
)

// Exit codes, the same for every command (docs/exit-codes in README).
const (
	ExitOK      = 0 // ran; nothing exposed
	ExitExposed = 1 // ran; exposure found (or the --fail-on verdict was met)
	ExitError   = 2 // error: nothing was concluded
	// ExitInterrupted is the shells' 128+SIGINT, as restic and most Unix
	// tools use, so that a script can tell an interrupted run from a failed one.
	ExitInterrupted = 130
)

// exitError carries an exit code without a message.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// hintError adds advice to an error, printed as "leakcheck: hint: …".
type hintError struct {
	err   error
	hints []string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }

func withHint(err error, hints ...string) error {
	if err == nil {
		return nil
	}
	return &hintError{err: err, hints: hints}
}

// env is what a command may touch of the outside world.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	ctx            context.Context
}

// Main runs leakcheck with the process's arguments and returns its exit code.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}

// Run runs leakcheck with args and returns its exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, ctx: ctx}
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	safefile.AbortAll()
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "leakcheck: error: interrupted; no partial output was left behind")
		return ExitInterrupted
	}
	err = inputHints(err)
	err = redactArgs(err, args)
	fmt.Fprintf(stderr, "leakcheck: error: %s\n", report.PrintableLines(err.Error()))
	var he *hintError
	if errors.As(err, &he) {
		for _, h := range he.hints {
			fmt.Fprintf(stderr, "leakcheck: hint: %s\n", report.PrintableLines(h))
		}
	}
	return ExitError
}

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "leakcheck",
		Short: "Settle data-breach claims without passing personal data around",
		Long: `leakcheck settles data-breach claims without revealing anyone's identifiers.

The analyst holding a suspected dump hashes its records with a secret key into
a keyed-hash Bloom filter (build). The registry operator checks keyed hashes of
its own records against that filter (check) and gets a report: how many
records match, by which fields and combinations, how many filter false alarms
and coincidence would give, and a verdict. No plaintext identifier leaves either side.

Exit codes: 0 ran, not exposed; 1 exposure found; 2 error; 130 interrupted.`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return withHint(err, fmt.Sprintf("see '%s --help'", c.CommandPath()))
	})
	root.AddCommand(
		newKeygenCmd(e),
		newBuildCmd(e),
		newCheckCmd(e),
		newInspectCmd(e),
		newDemoCmd(e),
		newProbeCmd(e),
		newMergeCmd(e),
		newKeyCmd(e),
		newVerifyCmd(e),
		newBlindCmd(e),
		newEvaluateCmd(e),
	)
	root.AddCommand(newVersionCmd(e), newEnvironmentTopic())
	// --version without -v: -v is left free (for a verbose flag, as most
	// tools use it), and 'leakcheck version' prints the full build information.
	root.Flags().Bool("version", false, "print the version and exit (full build information: 'leakcheck version')")
	root.SetVersionTemplate("leakcheck version {{.Version}}\n")
	addProfiling(root)
	singleValueFlags(root)
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error { return refuseRepeated(cmd) }
	return root
}

// version is the module version (or the one set at link time) and the VCS
// commit the binary was built from (cmd_version.go).
func version() string { return currentBuildInfo().String() }

// toolName goes into filter headers.
func toolName() string { return "leakcheck " + strings.Fields(version())[0] }

// notef prints a status line on stderr.
func (e *env) notef(format string, args ...any) {
	fmt.Fprintf(e.stderr, "leakcheck: "+format+"\n", args...)
}
