package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/leakcheck/leakcheck/internal/report"
	"github.com/leakcheck/leakcheck/internal/safefile"
)

// reportOut is one report a check writes: a format and where it goes ("-"
// for standard output).
type reportOut struct {
	format report.Format
	path   string
}

// reportOutputs resolves --format and -o into the reports to write: one
// check, any number of outputs (--format junit=x.xml --format html=r.html),
// at most one of them on standard output.
func (o *checkOptions) reportOutputs() ([]reportOut, error) {
	values := o.formats
	if len(values) == 0 {
		values = []string{string(report.FormatText)}
	}
	var outs []reportOut
	bare := 0 // formats without =FILE: they go to -o or standard output
	for _, v := range values {
		name, path, hasPath := strings.Cut(v, "=")
		f, err := report.ParseFormat(name)
		if err != nil {
			return nil, withHint(fmt.Errorf("--format: %w", err), "write --format FMT, or --format FMT=FILE to write that report to FILE")
		}
		switch {
		case hasPath && path == "":
			return nil, withHint(fmt.Errorf("--format %s=: no file named", f), "write --format "+string(f)+"=FILE, or - for standard output")
		case !hasPath:
			bare++
			path = o.output
			if path == "" {
				path = "-"
			}
		}
		outs = append(outs, reportOut{format: f, path: path})
	}
	if o.output != "" && bare == 0 {
		return nil, withHint(errors.New("-o names a file, but every --format names its own"), "drop -o, or give one --format without =FILE to write to it")
	}
	if bare > 1 {
		return nil, withHint(fmt.Errorf("%d --format values name no file, and only one report can go to %s", bare, describeDest(outs[0].path)),
			"give the others a file: --format FMT=FILE")
	}
	seen := map[string]bool{}
	stdout := 0
	for _, out := range outs {
		if out.path == "-" {
			stdout++
			continue
		}
		c := filepath.Clean(out.path)
		if seen[c] {
			return nil, fmt.Errorf("two reports would be written to %s", out.path)
		}
		seen[c] = true
	}
	if o.matches == stdio {
		stdout++
	}
	if stdout > 1 {
		return nil, withHint(errors.New("only one report (or --matches) can go to standard output"), "give the others a file: --format FMT=FILE")
	}
	return outs, nil
}

func describeDest(path string) string {
	if path == "-" {
		return "standard output"
	}
	return path
}

// reportWriters are a check's opened outputs. Files are written in full or
// not at all: each goes to a temporary file put in place by commit.
type reportWriters struct {
	outs  []reportOut
	files []*safefile.File // nil for standard output
	e     *env
}

// openReportOutputs creates every output file before the check runs, so
// that an unwritable one stops the run before any work is done.
// noClobber refuses to replace an existing file (check without --force).
func (e *env) openReportOutputs(outs []reportOut, noClobber bool) (*reportWriters, error) {
	w := &reportWriters{outs: outs, files: make([]*safefile.File, len(outs)), e: e}
	for i, out := range outs {
		if out.path == "-" {
			continue
		}
		f, err := safefile.Create(out.path, 0o644, noClobber)
		if err != nil {
			w.abort()
			return nil, withHint(err, "pass --force to replace it")
		}
		w.files[i] = f
	}
	return w, nil
}

// write renders c into every output and puts the files in place.
func (w *reportWriters) write(c *report.Check, o report.WriteOptions) error {
	for i, out := range w.outs {
		var dst io.Writer = w.e.stdout
		var bw *bufio.Writer
		if f := w.files[i]; f != nil {
			bw = bufio.NewWriterSize(f, 1<<16)
			dst = bw
		}
		o := o
		o.Text = w.e.textOptions(out.path == stdio)
		if err := report.Write(dst, out.format, c, o); err != nil {
			return fmt.Errorf("writing the %s report to %s: %w", out.format, describeDest(out.path), err)
		}
		if bw != nil {
			if err := bw.Flush(); err != nil {
				return fmt.Errorf("writing %s: %w", out.path, err)
			}
		}
	}
	for i, f := range w.files {
		if f == nil {
			continue
		}
		if err := f.Commit(); err != nil {
			return err
		}
		w.files[i] = nil
	}
	return nil
}

// abort removes the outputs not yet put in place.
func (w *reportWriters) abort() {
	for _, f := range w.files {
		if f != nil {
			f.Abort()
		}
	}
}

// printWritten says which files were written and, when no report went to
// standard output, each filter's verdict in one line, so that a run with
// -o report.json still says what it found.
func (e *env) printWritten(w *reportWriters, c *report.Check) {
	toStdout := false
	for _, out := range w.outs {
		if out.path == "-" {
			toStdout = true
			continue
		}
		e.notef("wrote %s (%s)", out.path, out.format)
	}
	if toStdout {
		return
	}
	for _, s := range c.Summary {
		if s.Verdict == report.VerdictError {
			continue
		}
		verdict := strings.ToUpper(strings.ReplaceAll(string(s.Verdict), "_", " "))
		if len(c.Summary) > 1 {
			e.notef("%s: VERDICT: %s: %s", s.Filter, verdict, s.Evidence)
		} else {
			e.notef("VERDICT: %s: %s", verdict, s.Evidence)
		}
	}
}

// textOptions lays the text report out for where it goes: on a terminal
// (toStdout and standard output is one), wrapped to the terminal's width
// with the verdict coloured unless NO_COLOR is set; anywhere else, wrapped
// to COLUMNS if set, or 80, and never coloured.
func (e *env) textOptions(toStdout bool) report.TextOptions {
	if f, ok := e.stdout.(*os.File); ok && toStdout && term.IsTerminal(int(f.Fd())) {
		o := report.TextOptions{Width: report.DefaultWidth, Color: os.Getenv(NoColorEnv) == ""}
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			o.Width = w
		}
		return o
	}
	o := report.TextOptions{Width: report.DefaultWidth}
	if n, err := strconv.Atoi(os.Getenv(ColumnsEnv)); err == nil && n >= 20 {
		o.Width = n
	}
	return o
}
