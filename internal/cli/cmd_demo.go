package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/leakcheck/leakcheck/fixtures"
	"github.com/leakcheck/leakcheck/internal/report"
)

func newDemoCmd(e *env) *cobra.Command {
	var keep string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole flow on the bundled invented fixtures",
		Long: `Run keygen, build and check on the bundled fixtures: an invented registry of
1,000 people and three invented dumps (one drawn from the registry, one
unrelated, one that shares only phone numbers). Every person is made up.

The demo exits 0 when each dump gets its expected verdict, 2 otherwise.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runDemo(e, keep) },
	}
	cmd.Flags().StringVar(&keep, "dir", "", "work in this directory and keep its files (default: a temporary directory, removed afterwards)")
	return cmd
}

func runDemo(e *env, dir string) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "leakcheck-demo-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	files := append([]string{fixtures.Registry}, func() []string {
		var s []string
		for _, d := range fixtures.Dumps {
			s = append(s, d.File)
		}
		return s
	}()...)
	for _, name := range files {
		data, err := fs.ReadFile(fixtures.FS, name)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return err
		}
	}
	p := func(name string) string { return filepath.Join(dir, name) }
	out := e.stdout
	fmt.Fprintf(out, "leakcheck demo: invented registry (%s) and three invented dumps, in %s\n\n", fixtures.Registry, dir)

	fmt.Fprintf(out, "$ leakcheck keygen -o engagement.key\n")
	if err := runKeygen(e, keygenOptions{output: p("engagement.key")}); err != nil {
		return err
	}
	quiet := &env{stdin: e.stdin, stdout: out, stderr: discard{}, ctx: e.ctx}
	type result struct{ file, want, got string }
	var results []result
	for _, d := range fixtures.Dumps {
		lcf := d.File[:len(d.File)-len(filepath.Ext(d.File))] + ".lcf"
		fmt.Fprintf(out, "\n=== %s: %s\n", d.File, d.About)
		fmt.Fprintf(out, "$ leakcheck build --key engagement.key -o %s %s      # analyst side\n", lcf, d.File)
		bo := buildOptions{output: p(lcf), fpr: DefaultFPR, region: "IN"}
		bo.keyFile = p("engagement.key")
		bo.quiet = true
		if err := runBuild(quiet, bo, []string{p(d.File)}); err != nil {
			return fmt.Errorf("demo build of %s: %w", d.File, err)
		}
		fmt.Fprintf(out, "$ leakcheck check --key engagement.key --filter %s %s      # registry side\n\n", lcf, fixtures.Registry)
		var co checkOptions
		co.keyFile = p("engagement.key")
		co.quiet = true
		u, err := openUnlocked(quiet, &co.keyFlags, p(lcf))
		if err != nil {
			return fmt.Errorf("demo check of %s: %w", d.File, err)
		}
		rep, err := checkOne(quiet, co, p(lcf), u, []string{p(fixtures.Registry)}) // wipes u
		if err != nil {
			return fmt.Errorf("demo check of %s: %w", d.File, err)
		}
		if err := report.WriteText(out, rep); err != nil {
			return err
		}
		results = append(results, result{d.File, d.Verdict + " / " + d.Finding + " / " + d.Source,
			string(rep.Verdict) + " / " + string(rep.Finding) + " / " + string(rep.Source.Assessment)})
	}
	fmt.Fprintf(out, "\n=== summary\n")
	ok := true
	for _, r := range results {
		mark := "as expected"
		if r.got != r.want {
			mark, ok = "UNEXPECTED (want "+r.want+")", false
		}
		fmt.Fprintf(out, "  %-20s %-48s %s\n", r.file, r.got, mark)
	}
	if !ok {
		return errors.New("the demo did not reach the expected verdicts, findings and sources")
	}
	fmt.Fprintf(out, "\nNo identifier left this process: the filters hold only keyed hashes.\n")
	return nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
