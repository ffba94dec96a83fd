package cli

import (
	"bufio"
	"errors"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/leakcheck/leakcheck/internal/safefile"
)

// stdio is the name that means standard input or standard output wherever
// leakcheck takes a file name, as with age, gzip and tar.
const stdio = "-"

// output is a file being written: put in place by Commit, removed by Abort.
type output interface {
	io.Writer
	Commit() error
	Abort()
}

// stdoutOutput writes to standard output. What was written cannot be taken
// back, so Abort only stops; Commit flushes.
type stdoutOutput struct{ *bufio.Writer }

func (o stdoutOutput) Commit() error { return o.Flush() }
func (o stdoutOutput) Abort()        {}

// createOutput opens the output path names: standard output for "-", else a
// file written in full or not at all. A binary output is refused on a
// terminal, where it would only garble the screen.
func (e *env) createOutput(path string, mode os.FileMode, noClobber bool, what string) (output, error) {
	if path != stdio {
		f, err := safefile.Create(path, mode, noClobber)
		if err != nil {
			return nil, err
		}
		return f, nil
	}
	if what != "" && e.stdoutIsTerminal() {
		return nil, withHint(errors.New("-o - writes "+what+" to standard output, which is a terminal"),
			"redirect or pipe it: -o - > FILE, or -o - | age -r RECIPIENT > FILE.age")
	}
	return stdoutOutput{bufio.NewWriterSize(e.stdout, 1<<16)}, nil
}

// stdoutIsTerminal reports whether standard output is a terminal.
func (e *env) stdoutIsTerminal() bool {
	f, ok := e.stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// outputName is how messages name an output.
func outputName(path string) string {
	if path == stdio {
		return "standard output"
	}
	return path
}

// writeKey writes a new key file, or with "-" the key file's text to
// standard output (so that it can go straight into a password manager or
// another encrypted store), and returns where the lines about the key go:
// standard output, or standard error when the key itself is on standard
// output.
func (e *env) writeKey(path string, encode func() []byte, write func() error) (io.Writer, error) {
	if path != stdio {
		return e.stdout, write()
	}
	data := encode()
	defer clear(data)
	if _, err := e.stdout.Write(data); err != nil {
		return nil, err
	}
	return e.stderr, nil
}
