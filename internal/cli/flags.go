package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// onceValue wraps a single-value flag and counts how often it is set. pflag
// lets the last of `--key a --key b` win without a word; for leakcheck that
// is a wrong answer waiting to happen (probe answering for the other
// filter, build hashing with the other key), so a repeated single-value
// flag is an error (see refuseRepeated).
type onceValue struct {
	pflag.Value
	n int
}

func (v *onceValue) Set(s string) error {
	v.n++
	return v.Value.Set(s)
}

// boolOnceValue keeps pflag's bool-flag behaviour (--quiet without a value).
type boolOnceValue struct{ *onceValue }

func (v boolOnceValue) IsBoolFlag() bool { return true }

// singleValueFlags wraps every flag of every command under root that takes
// one value (anything but the repeatable StringArray flags) so that
// refuseRepeated can tell when it was given twice. Call it once the command
// tree is complete.
func singleValueFlags(root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if _, repeatable := f.Value.(pflag.SliceValue); repeatable {
				return
			}
			if _, done := f.Value.(*onceValue); done {
				return
			}
			if _, done := f.Value.(boolOnceValue); done {
				return
			}
			ov := &onceValue{Value: f.Value}
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
				f.Value = boolOnceValue{ov}
			} else {
				f.Value = ov
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// repeatedFlags lists the single-value flags of cmd that were given more
// than once, by name.
func repeatedFlags(cmd *cobra.Command) []string {
	var names []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		var ov *onceValue
		switch v := f.Value.(type) {
		case *onceValue:
			ov = v
		case boolOnceValue:
			ov = v.onceValue
		}
		if ov != nil && ov.n > 1 {
			names = append(names, "--"+f.Name)
		}
	})
	sort.Strings(names)
	return names
}

// refuseRepeated is the error for single-value flags given more than once.
// It names the flags, never their values (a value typed in the wrong place
// may be an identifier).
func refuseRepeated(cmd *cobra.Command) error {
	names := repeatedFlags(cmd)
	if len(names) == 0 {
		return nil
	}
	verb := "was"
	if len(names) > 1 {
		verb = "were"
	}
	return withHint(fmt.Errorf("%s %s given more than once, and takes one value: leakcheck will not guess which one you meant", strings.Join(names, ", "), verb),
		fmt.Sprintf("give each once; see '%s --help' for the flags that may be repeated", cmd.CommandPath()))
}
