package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/engine"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/records"
	"github.com/leakcheck/leakcheck/internal/report"
	"github.com/leakcheck/leakcheck/internal/safefile"
)

// inputFlags are the record-reading options shared by build and check.
type inputFlags struct {
	fieldMap  []string
	dateOrder string
	strict    bool
	quiet     bool
	workers   int
	maxLine   int
	// Reading options (internal/records): input format, text encoding, SQL table, xlsx
	// sheet, and whether a truncated compressed input may be used up to the damage.
	formatIn     string
	encoding     string
	table        string
	sheet        string
	allowPartial bool
	columns      []string
	headerRow    int
	exclude      []string
}

func (f *inputFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.fieldMap, "field", nil, "map a column to a field, NAME=COLUMN (repeatable; phone, national_id and email may take several columns, e.g. --field phone=mobile --field phone=alternate_mobile); a NAME other than the built-in fields declares a field of your own, NAME:text|digits|date|year|lastN choosing its normalizer")
	cmd.Flags().StringVar(&f.dateOrder, "date-order", "", "read numeric dates of birth such as 03/04/1990 in this order: "+strings.Join(fields.DateOrders, ", ")+" (default: detected per input from its dates that read only one way)")
	cmd.RegisterFlagCompletionFunc("date-order", cobra.FixedCompletions(fields.DateOrders, cobra.ShellCompDirectiveNoFileComp))
	cmd.Flags().BoolVar(&f.strict, "strict", false, "stop with exit 2 at the first bad row instead of skipping it")
	cmd.Flags().BoolVarP(&f.quiet, "quiet", "q", false, "print no progress or status lines")
	cmd.Flags().IntVar(&f.workers, "workers", 0, "worker goroutines (0 = one per CPU)")
	cmd.Flags().IntVar(&f.maxLine, "max-line-bytes", records.DefaultMaxLineBytes, "skip any row longer than this many bytes")
	cmd.Flags().StringVar(&f.formatIn, "format-in", "", "read inputs as this format instead of detecting it: "+strings.Join(records.Formats, ", "))
	cmd.Flags().StringVar(&f.encoding, "encoding", "", "read text in this encoding instead of detecting it: "+strings.Join(records.Encodings, ", "))
	cmd.Flags().StringVar(&f.table, "table", "", "the table to read from an SQL dump that holds rows of several")
	cmd.Flags().StringVar(&f.sheet, "sheet", "", "the one sheet to read from an xlsx or ods workbook (default: every sheet, each an input of its own)")
	cmd.Flags().StringSliceVar(&f.columns, "columns", nil, "name the columns of delimited text that has no header row, in order (a,b,c): its first row is data")
	cmd.Flags().IntVar(&f.headerRow, "header-row", 0, "the line (delimited text) or row (xlsx, ods) of the header, when title rows are above it")
	cmd.Flags().StringArrayVar(&f.exclude, "exclude", nil, "leave out the files of a directory and the members of a zip or tar archive that this glob matches (e.g. '*.html', 'old/*'; repeatable); matched against the path inside the directory or archive, its base name and its enclosing directories")
	cmd.Flags().BoolVar(&f.allowPartial, "allow-partial", false, "use the rows before the damage in a truncated or damaged compressed file or zip archive (the report says it was truncated)")
}

// mapOptions turns --field and --date-order into the engine's mapping options.
func (f *inputFlags) mapOptions() (engine.MapOptions, error) {
	m := map[fields.Field][]string{}
	for _, s := range f.fieldMap {
		fld, col, err := fields.ParseOverride(s)
		if err != nil {
			return engine.MapOptions{}, withHint(fmt.Errorf("--field %s", err), "write --field NAME=COLUMN with NAME one of phone, national_id, national_id_last4, email, name, dob, yob, gender, id, or a field of your own as NAME or NAME:NORMALIZER ("+fields.KindNames+"), e.g. --field vaccination_centre=\"Vaccination Centre\"")
		}
		if len(m[fld]) > 0 && !fld.MultiColumn() {
			return engine.MapOptions{}, withHint(fmt.Errorf("--field %s is given twice, and %s takes one column", fld, fld),
				"only phone, national_id and email may take several columns (a record then matches on any of them)")
		}
		m[fld] = append(m[fld], col)
	}
	order, err := fields.ParseDateOrder(f.dateOrder)
	if err != nil {
		return engine.MapOptions{}, withHint(fmt.Errorf("--date-order: %w", err), "dmy reads 03/04/1990 as 3 April, mdy as 4 March; leave it out to detect each input's order")
	}
	return engine.MapOptions{Overrides: m, DateOrder: order}, nil
}

func (f *inputFlags) recordOptions() records.Options {
	return records.Options{MaxLineBytes: f.maxLine, Format: strings.ToLower(f.formatIn), Encoding: f.encoding,
		Table: f.table, Sheet: f.sheet, AllowPartial: f.allowPartial,
		Columns: f.columns, HeaderRow: f.headerRow, Exclude: f.exclude}
}

// openInputs opens the inputs and prints the column mapping of each.
func (e *env) openInputs(paths []string, f *inputFlags) ([]*engine.Input, error) {
	mo, err := f.mapOptions()
	if err != nil {
		return nil, err
	}
	ins, skipped, err := engine.OpenAll(paths, mo, f.recordOptions())
	if err != nil {
		return nil, err
	}
	for _, sk := range skipped {
		// Always said, even with --quiet: a file of a directory or archive was not read.
		e.notef("%s: skipped: %s", sk.Name, sk.Reason)
	}
	if !f.quiet {
		for _, in := range ins {
			e.notef("%s: read as %s", in.Display(), in.Detected)
			e.notef("%s: columns mapped:", in.Display())
			if !in.HeaderRecognised() {
				if in.Detected.Keyed {
					fmt.Fprintf(e.stderr, "    none of its %d keys is one leakcheck recognises (not shown: a key may be data)\n", len(in.Mapping.Columns))
				} else {
					fmt.Fprintf(e.stderr, "    none of its %d column names is one leakcheck recognises (not shown: the first row may be data)\n", len(in.Mapping.Columns))
				}
				continue
			}
			for _, line := range in.Mapping.Describe() {
				fmt.Fprintf(e.stderr, "    %s\n", line)
			}
			if line := dateOrderLine(in, mo.DateOrder != fields.DateOrderUnknown); line != "" {
				fmt.Fprintf(e.stderr, "    %s\n", line)
			}
		}
	}
	return ins, nil
}

// dateOrderLine says how an input's numeric dates of birth are read, and why.
func dateOrderLine(in *engine.Input, given bool) string {
	if _, ok := in.Mapping.ByField[fields.DOB]; !ok {
		return ""
	}
	ev := in.DateEvidence
	switch {
	case given:
		return fmt.Sprintf("dates read %s, as --date-order says", in.DateOrder.Describe())
	case in.DateDetected && in.DateOrder == fields.YMD:
		return fmt.Sprintf("dates read year-first: all %d numeric dates in the first %d rows are", ev.YearFirst, in.DateSampled)
	case in.DateDetected:
		n := ev.DayFirst + ev.MonthFirst
		return fmt.Sprintf("dates read %s: %d dates in the first %d rows can be read only that way, none only the other way (override with --date-order)", in.DateOrder.Describe(), n, in.DateSampled)
	case ev.Mixed():
		return fmt.Sprintf("warning: dates in the first %d rows are both day-first (%d) and month-first (%d): dates such as 03/04/1990 are skipped as ambiguous; pass --date-order dmy or mdy if the column has one order", in.DateSampled, ev.DayFirst, ev.MonthFirst)
	case ev.Either > 0:
		return fmt.Sprintf("dates: no date in the first %d rows reads only one way, so dates such as 03/04/1990 are skipped as ambiguous; pass --date-order dmy or mdy", in.DateSampled)
	}
	return ""
}

// inputHints adds advice to errors from reading inputs.
func inputHints(err error) error {
	var he *hintError
	switch {
	case errors.As(err, &he):
		return err
	case errors.Is(err, records.ErrTruncated):
		return withHint(err, "the file is incomplete or damaged: get it again, or pass --allow-partial to use the rows before the damage (the output then says the input was truncated)")
	}
	return err
}

// hintMaskedIDs suggests the index that masked national IDs can form, when a national_id
// column held them and no index uses national_id_last4.
func hintMaskedIDs(e *env, accs []*engine.Accounting, ixs []bloom.Index) {
	for _, ix := range ixs {
		if strings.Contains(ix.Name, "national_id_last4") {
			return
		}
	}
	var masked int64
	for _, a := range accs {
		masked += a.MaskedIDs()
	}
	if masked > 0 {
		e.notef("hint: %s national_id values are masked (only their last 4 digits are shown); they never count as a national_id, but can form an index such as --index phone+national_id_last4", report.Thousands(masked))
	}
}

func (f *inputFlags) engineOptions(e *env) engine.Options {
	return engine.Options{Workers: f.workers, Strict: f.strict, Progress: e.progress(f.quiet)}
}

// openFilter reads a filter's preamble and header; "-" reads it from
// standard input.
func openFilter(e *env, path string) (*bloom.Decoder, io.Closer, error) {
	if path == stdio {
		dec, err := bloom.NewDecoder(e.stdin, -1)
		if err != nil {
			return nil, nil, filterError("standard input", err)
		}
		return dec, io.NopCloser(nil), nil
	}
	file, err := safefile.OpenRead(path) // a named pipe without a writer reads as empty, never blocks
	if err != nil {
		if looksLikeKeyMaterial(path) {
			return nil, nil, withHint(errors.New("a filter path was expected, and this looks like a key"),
				"never put key material on the command line (it shows in ps and shell history); if it was, make a new key")
		}
		return nil, nil, fmt.Errorf("opening filter: %w", err)
	}
	st, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, nil, fmt.Errorf("reading filter %s: %w", path, err)
	}
	size := int64(-1)
	if st.Mode().IsRegular() {
		size = st.Size()
	}
	dec, err := bloom.NewDecoder(file, size)
	if err != nil {
		file.Close()
		return nil, nil, filterError(path, err)
	}
	return dec, file, nil
}

// filterError explains a format error in the user's terms.
func filterError(path string, err error) error {
	fe, ok := err.(*bloom.FormatError)
	if !ok {
		return fmt.Errorf("reading filter %s: %w", path, err)
	}
	e := fmt.Errorf("filter %s failed the %s check: %s", path, fe.Check, fe.Detail)
	switch fe.Check {
	case "magic":
		return withHint(e, "is this a filter made by 'leakcheck build'?")
	case "truncated", "checksum", "trailing data":
		return withHint(e, "the file is incomplete or damaged; ask for it again and compare its size and SHA-256 with the sender's")
	case "mac":
		return withHint(e, "do not trust this filter: someone changed it after it was built, or it was rebuilt without this key")
	case "signature":
		return withHint(e, "do not trust this filter: it does not match its signature")
	case "version":
		return withHint(e, "install the leakcheck version the analyst used")
	}
	return e
}
