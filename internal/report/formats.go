package report

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Format is one rendering of a check's result. Formats lists them all: flag
// help, validation, completion and error messages take it from here.
type Format string

// The report formats.
const (
	FormatText  Format = "text"  // for people at a terminal (text.go)
	FormatJSON  Format = "json"  // leakcheck.report/v2, or leakcheck.check/v1 for several filters
	FormatJUnit Format = "junit" // one test case per filter, for CI (junit.go)
	FormatHTML  Format = "html"  // one self-contained page for people (html.go)
)

// Formats are the report formats, in the order help lists them.
var Formats = []Format{FormatText, FormatJSON, FormatJUnit, FormatHTML}

// FormatNames returns the names of Formats.
func FormatNames() []string {
	s := make([]string, len(Formats))
	for i, f := range Formats {
		s[i] = string(f)
	}
	return s
}

// ParseFormat returns the format named s (any case).
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(strings.TrimSpace(s), string(f)) {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown report format %q: use %s", s, strings.Join(FormatNames(), ", "))
}

// WriteOptions say how to render a check.
type WriteOptions struct {
	// Multi selects the forms for several filters (a --filter directory or
	// several --filter values), even when it holds one: per-filter text
	// reports under a heading and a summary table, and leakcheck.check/v1 JSON.
	Multi     bool
	Tool      string    // "leakcheck v1.2.0", for JUnit and HTML
	Generated time.Time // for HTML
	// Reproduce holds the check's flags that shape what was read and counted, each one
	// shell-quoted "--name value": HTML's reproduction steps repeat them.
	Reproduce []string
	Text      TextOptions
}

// Write renders c in format f.
func Write(w io.Writer, f Format, c *Check, o WriteOptions) error {
	switch f {
	case FormatText:
		if !o.Multi {
			if len(c.Reports) == 0 {
				return nil
			}
			return WriteTextWith(w, c.Reports[0], o.Text)
		}
		for i, sum := range c.Summary {
			r := c.report(sum.Filter)
			if r == nil {
				continue // could not be checked: the summary says why
			}
			if _, err := fmt.Fprintf(w, "=== filter %d of %d: %s\n\n", i+1, len(c.Summary), r.Filter.File); err != nil {
				return err
			}
			if err := WriteTextWith(w, r, o.Text); err != nil {
				return err
			}
			if _, err := fmt.Fprintln(w); err != nil {
				return err
			}
		}
		return WriteSummaryText(w, c)
	case FormatJSON:
		if o.Multi {
			return WriteCheckJSON(w, c)
		}
		if len(c.Reports) == 0 {
			return nil
		}
		return WriteJSON(w, c.Reports[0])
	case FormatJUnit:
		return WriteJUnit(w, c, JUnitOptions{Tool: o.Tool})
	case FormatHTML:
		return WriteHTML(w, c, HTMLOptions{Tool: o.Tool, Generated: o.Generated, Flags: o.Reproduce})
	}
	return fmt.Errorf("unknown report format %q", f)
}
