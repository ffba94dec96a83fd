package cli

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// addProfiling gives build, check, blind and evaluate a hidden --cpuprofile FILE flag that
// writes a CPU profile of the whole command (go tool pprof FILE), for
// docs/performance.md. The profile holds function names and counts only,
// never data.
func addProfiling(root *cobra.Command) {
	for _, c := range root.Commands() {
		switch c.Name() {
		case "build", "check", "blind", "evaluate":
		default:
			continue
		}
		var path string
		c.Flags().StringVar(&path, "cpuprofile", "", "write a CPU profile to FILE")
		c.Flags().MarkHidden("cpuprofile")
		run := c.RunE
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if path == "" {
				return run(cmd, args)
			}
			f, err := os.Create(path)
			if err != nil {
				return fmt.Errorf("--cpuprofile: %w", err)
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				return fmt.Errorf("--cpuprofile: %w", err)
			}
			defer pprof.StopCPUProfile()
			return run(cmd, args)
		}
	}
}
