package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/leakcheck/leakcheck/internal/engine"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/report"
)

// groupFlags are check's localization and dating options (--group-by, --min-group).
type groupFlags struct {
	groupBy  []string
	minGroup int64
}

func (g *groupFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&g.groupBy, "group-by", nil, "report the exposure per value of this registry column (repeatable): which state, centre or channel the matches concentrate in; a date column (COLUMN:day|week|month|year, default month) also dates the copy")
	cmd.Flags().Int64Var(&g.minGroup, "min-group", 10, "pool groups with fewer registry records than this as (other)")
}

// grouping returns the aggregator for the --group-by columns, or nil without any.
func (g *groupFlags) grouping(ins []*engine.Input, norm *fields.Normalizer) (*engine.Grouping, error) {
	if len(g.groupBy) == 0 {
		return nil, nil
	}
	if g.minGroup < 1 {
		return nil, fmt.Errorf("--min-group %d: want 1 or more", g.minGroup)
	}
	var specs []engine.GroupSpec
	for _, s := range g.groupBy {
		sp, err := engine.ParseGroupSpec(s)
		if err != nil {
			return nil, fmt.Errorf("--group-by %q: %w", s, err)
		}
		specs = append(specs, sp)
	}
	gr, err := engine.NewGrouping(ins, specs, norm)
	if err != nil {
		return nil, withHint(err, "name a column of the registry, as its header has it")
	}
	return gr, nil
}

// observe is CheckOptions.Observe for a grouping (nil without one).
func observe(gr *engine.Grouping) func(int) engine.Observer {
	if gr == nil {
		return nil
	}
	return gr.Observe
}

// addGroups puts the grouping's localization and dating into the report.
func (g *groupFlags) addGroups(rep *report.Report, gr *engine.Grouping) error {
	if gr == nil {
		return nil
	}
	if err := report.AddGroups(rep, gr.Result(), g.minGroup); err != nil {
		return withHint(err, "--group-by is for columns that split the registry into parts; nothing was printed")
	}
	return nil
}
