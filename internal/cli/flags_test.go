package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestEverySingleValueFlagRefusesRepetition gives every single-value flag of
// every command twice: each must fail with exit 2 naming the flag, before
// the command does anything.
func TestEverySingleValueFlagRefusesRepetition(t *testing.T) {
	t.Setenv(KeyFileEnv, "")
	t.Setenv(PassphraseFileEnv, "")
	root := newRoot(&env{})
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		if !c.Runnable() {
			return
		}
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if _, repeatable := f.Value.(pflag.SliceValue); repeatable {
				return
			}
			n++
			path := strings.Fields(c.CommandPath())[1:]
			val := f.DefValue
			if f.Value.Type() == "bool" {
				val = "true"
			}
			args := append(path, "--"+f.Name+"="+val, "--"+f.Name+"="+val)
			for _, extra := range [][]string{nil, {"x"}, {"x", "y"}} {
				if c.ValidateArgs(extra) == nil {
					args = append(args, extra...)
					break
				}
			}
			t.Run(strings.Join(path, "_")+"/"+f.Name, func(t *testing.T) {
				var out, errb bytes.Buffer
				code := Run(context.Background(), args, strings.NewReader(""), &out, &errb)
				if code != ExitError || !strings.Contains(errb.String(), "--"+f.Name+" was given more than once") {
					t.Errorf("leakcheck %s: exit %d\n%s", strings.Join(args, " "), code, errb.String())
				}
				if out.Len() != 0 {
					t.Errorf("leakcheck %s printed %q on stdout", strings.Join(args, " "), out.String())
				}
			})
		})
	}
	walk(root)
	if n < 20 {
		t.Fatalf("only %d single-value flags found", n)
	}
}

// TestRepeatableFlagsStayRepeatable: the flags documented as repeatable are
// not wrapped.
func TestRepeatableFlagsStayRepeatable(t *testing.T) {
	root := newRoot(&env{})
	for _, c := range []struct{ cmd, flag string }{
		{"build", "index"}, {"build", "field"}, {"check", "filter"}, {"check", "field"}, {"probe", "filter"},
	} {
		sub, _, err := root.Find([]string{c.cmd})
		if err != nil {
			t.Fatal(err)
		}
		f := sub.Flags().Lookup(c.flag)
		if f == nil {
			t.Fatalf("%s has no --%s", c.cmd, c.flag)
		}
		if _, ok := f.Value.(pflag.SliceValue); !ok {
			t.Errorf("%s --%s is not repeatable", c.cmd, c.flag)
		}
	}
}

// TestInterruptedExit130: a run whose context is cancelled (SIGINT, SIGTERM)
// exits 130, not 2, so scripts can tell interruption from failure.
func TestInterruptedExit130(t *testing.T) {
	w := acSetup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := Run(ctx, []string{"check", "--key", w.key, "--filter", w.filters["dump_leak.csv"], w.registry}, strings.NewReader(""), &out, &errb)
	if code != ExitInterrupted || !strings.Contains(errb.String(), "interrupted; no partial output was left behind") {
		t.Fatalf("exit %d, want %d\n%s", code, ExitInterrupted, errb.String())
	}
}
