package cli

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// buildVersion, when set at link time, overrides the module version that
// runtime/debug reports (a release build: go build -ldflags "-X
// github.com/leakcheck/leakcheck/internal/cli.buildVersion=v1.2.0"). A
// binary built from a checkout reports "(devel)" and its commit otherwise.
var buildVersion string

// buildInfo is what a binary knows about how it was built; `leakcheck
// version --format json` prints it (schema leakcheck.version/v1,
// docs/commands.schema.json).
type buildInfo struct {
	Schema    string `json:"schema"`
	Version   string `json:"version"`
	Revision  string `json:"vcs_revision,omitempty"`
	Time      string `json:"vcs_time,omitempty"`
	Modified  bool   `json:"vcs_modified"`
	GoVersion string `json:"go_version"`
	Platform  string `json:"platform"`
}

// buildInfoOf gathers build information from bi (nil when the binary has none).
func buildInfoOf(bi *debug.BuildInfo) buildInfo {
	b := buildInfo{Schema: "leakcheck.version/v1", Version: "(devel)", GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if bi.Main.Version != "" {
			b.Version = bi.Main.Version
		}
		if bi.GoVersion != "" {
			b.GoVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Revision = s.Value
			case "vcs.time":
				b.Time = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	if buildVersion != "" {
		b.Version = buildVersion
	}
	return b
}

func currentBuildInfo() buildInfo {
	bi, _ := debug.ReadBuildInfo()
	return buildInfoOf(bi)
}

// String renders the version in one line: "v1.2.0", "(devel) commit 0123456789ab+dirty".
func (b buildInfo) String() string {
	v := b.Version
	if b.Revision != "" {
		rev := b.Revision
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " commit " + rev
		if b.Modified {
			v += "+dirty"
		}
	}
	return v
}

type versionOptions struct{ format string }

func newVersionCmd(e *env) *cobra.Command {
	var o versionOptions
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and Go version leakcheck was built with",
		Long: `Print the version leakcheck was built as, the commit it was built from (and
whether the checkout had uncommitted changes), the commit's time, the Go
version and the platform. 'leakcheck --version' prints the first line only.

A release build sets the version at link time:
  go build -ldflags "-X github.com/leakcheck/leakcheck/internal/cli.buildVersion=v1.2.0" ./cmd/leakcheck
otherwise it is the module version ("(devel)" for a build from a checkout).

--format json prints it as one JSON object (schema leakcheck.version/v1,
docs/commands.schema.json).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runVersion(e, o) },
	}
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: "+summaryFormatList)
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(summaryFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runVersion(e *env, o versionOptions) error {
	asJSON, err := parseSummaryFormat(o.format)
	if err != nil {
		return err
	}
	b := currentBuildInfo()
	if asJSON {
		return writeJSON(e.stdout, b)
	}
	fmt.Fprintf(e.stdout, "leakcheck %s\n", b.Version)
	if b.Revision != "" {
		mod := ""
		if b.Modified {
			mod = " (with uncommitted changes)"
		}
		fmt.Fprintf(e.stdout, "  commit    %s%s\n", b.Revision, mod)
	}
	if b.Time != "" {
		fmt.Fprintf(e.stdout, "  committed %s\n", b.Time)
	}
	fmt.Fprintf(e.stdout, "  go        %s\n  platform  %s\n", b.GoVersion, b.Platform)
	return nil
}

// summaryFormats are the output formats of the commands that print a
// summary (version, inspect, verify, build, merge): text for people, json
// for programs.
var summaryFormats = []string{"text", "json"}

const summaryFormatList = "text or json"

// parseSummaryFormat reads a summary command's --format.
func parseSummaryFormat(s string) (asJSON bool, err error) {
	switch s {
	case "text", "":
		return false, nil
	case "json":
		return true, nil
	}
	return false, withHint(fmt.Errorf("unknown --format %q", s), "use --format "+summaryFormatList)
}

// writeJSON writes v as one indented JSON document.
func writeJSON(w interface{ Write([]byte) (int, error) }, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
