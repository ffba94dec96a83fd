package cli

import (
	"context"
	"os"

	"github.com/spf13/cobra"
)

// Command returns leakcheck's whole command tree, the completion command
// included, bound to the process's standard streams: for tools that document
// the commands (scripts/man). To run leakcheck, use Main or Run.
func Command() *cobra.Command {
	root := newRoot(&env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, ctx: context.Background()})
	root.InitDefaultCompletionCmd()
	return root
}
