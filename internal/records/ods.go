package records

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// OpenDocument spreadsheets (.ods, written by LibreOffice, gnumeric and others) are zip
// archives whose `mimetype` member says application/vnd.oasis.opendocument.spreadsheet and
// whose content.xml holds every sheet (`table:table`) in order. They are read like xlsx
// workbooks (xlsx_sheets.go): one source per sheet, each with its own header, mapping and
// accounting; Options.Sheet reads one; Options.HeaderRow picks the header row. The XML is
// streamed as it is unzipped, one row at a time, and nothing is written to disk.
//
// A cell's value is its typed attribute where it has one (office:value of a float, currency
// or percentage cell, as precise as saved, so 9876543210 is never 9.88E+09; office:date-value
// as YYYY-MM-DD, with the time when it is not midnight; office:boolean-value as TRUE/FALSE),
// else its text: the paragraphs of the cell joined by line breaks, with <text:s/> spaces,
// tabs and line breaks, and without annotations (comments). Formulas are never evaluated.
//
// Repetition is bounded: LibreOffice writes the unused rest of a sheet as a row repeated a
// million times, holding a cell repeated thousands of times. An empty repeated cell or row only
// moves the column or row number on; a repeated cell with a value is expanded up to the column
// limit (maxXLSXColumns), and a repeated row with values is returned once per repetition up to
// the row limit (maxODSRows), past which the sheet is refused: a small file cannot make
// leakcheck build millions of cells.

const (
	odsMimetype = "application/vnd.oasis.opendocument.spreadsheet"
	maxODSRows  = 1 << 24 // LibreOffice's largest sheet (16,777,216 rows, "jumbo sheets")
)

// isODS reports whether a zip archive is an OpenDocument spreadsheet.
func isODS(zr *zip.Reader) bool {
	f := xlsxFile(zr, "mimetype")
	if f == nil || xlsxFile(zr, "content.xml") == nil || f.UncompressedSize64 > 256 {
		return false
	}
	rc, err := f.Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 256))
	return strings.TrimSpace(string(b)) == odsMimetype
}

// odsSheets lists the sheets of content.xml in order, without reading their cells into memory.
func odsSheets(zr *zip.Reader, max int) ([]string, error) {
	f := xlsxFile(zr, "content.xml")
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	lim := &limitedReader{r: rc, limit: xlsxRowLimit(max)}
	dec := xml.NewDecoder(lim)
	var names []string
	depth := 0 // nesting of table:table (a sub-table is part of its sheet)
	for {
		lim.mark = lim.n
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, xmlError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "table" {
				if depth == 0 {
					names = append(names, attr(t, "name"))
				}
				depth++
			}
		case xml.EndElement:
			if t.Name.Local == "table" && depth > 0 {
				depth--
			}
		}
	}
	if len(names) == 0 {
		return nil, errors.New("the spreadsheet has no sheet")
	}
	return names, nil
}

// odsSources gives one source per sheet, named like an xlsx workbook's.
func odsSources(zr *zip.Reader, path, name string, size int64, opts Options) ([]*Source, error) {
	if opts.Sheet != "" {
		return []*Source{{Name: name, Size: size, kind: srcXLSX, path: path, sheet: opts.Sheet}}, nil
	}
	max, _ := opts.maxLine()
	sheets, err := odsSheets(zr, max)
	if err != nil {
		// Reported when the source is opened, with the spreadsheet's name.
		return []*Source{{Name: name, Size: size, kind: srcXLSX, path: path}}, nil
	}
	refs := make([]sheetRef, len(sheets))
	for i, s := range sheets {
		refs[i] = sheetRef{name: s}
	}
	return sheetSources(refs, path, name, size), nil
}

// odsReader reads one sheet of an OpenDocument spreadsheet.
type odsReader struct {
	name    string
	closer  io.Closer
	dec     *xml.Decoder
	lim     *limitedReader
	max     int
	columns []string
	ncol    int
	row     []string
	values  []string
	rowNum  int64 // number of the last row read (repetitions included)
	// A row with values repeated: returned again until repeatLeft is 0.
	repeatLeft int64
	err        error
	headerRow  int64 // Options.HeaderRow: rows above it are titles, not data
}

// openODS opens the sheet to read (the first when sheet is "") and reads its header row.
func openODS(zr *zip.Reader, name, sheet string, max int, headerRow int64) (*odsReader, error) {
	sheets, err := odsSheets(zr, max)
	if err != nil {
		return nil, err
	}
	pick := -1
	if sheet == "" {
		pick = 0
	}
	for i, s := range sheets {
		if pick < 0 && s == sheet {
			pick = i
		}
	}
	for i, s := range sheets {
		if pick < 0 && strings.EqualFold(s, sheet) {
			pick = i
		}
	}
	if pick < 0 {
		return nil, fmt.Errorf("no sheet %q (sheets: %s)", sheet, quoteNames(sheets))
	}
	rc, err := xlsxFile(zr, "content.xml").Open()
	if err != nil {
		return nil, err
	}
	o := &odsReader{name: name, closer: rc, max: max, headerRow: headerRow}
	o.lim = &limitedReader{r: rc, limit: xlsxRowLimit(max)}
	o.dec = xml.NewDecoder(o.lim)
	if err := o.seekSheet(pick); err != nil {
		rc.Close()
		return nil, fmt.Errorf("sheet %q: %w", sheets[pick], err)
	}
	for {
		rn, vals, err := o.nextRow()
		switch {
		case err == io.EOF:
			rc.Close()
			return nil, fmt.Errorf("sheet %q: %w", sheets[pick], ErrNoHeader)
		case err != nil:
			rc.Close()
			return nil, fmt.Errorf("sheet %q: %w", sheets[pick], err)
		}
		n := lastNonEmpty(vals) + 1
		if n == 0 || rn < o.headerRow {
			continue
		}
		o.columns = make([]string, n)
		for i := range n {
			o.columns[i] = strings.TrimSpace(vals[i])
		}
		o.ncol = n
		o.values = make([]string, n)
		o.repeatLeft = 0 // a repeated header row is not data
		return o, nil
	}
}

// seekSheet reads content.xml up to the start of the index-th top-level table.
func (o *odsReader) seekSheet(index int) error {
	depth, seen := 0, 0
	for {
		o.lim.mark = o.lim.n
		tok, err := o.dec.RawToken()
		if err != nil {
			if err == io.EOF {
				return errors.New("its part is missing")
			}
			return xmlError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "table" {
				if depth == 0 {
					if seen == index {
						return nil
					}
					seen++
				}
				depth++
			}
		case xml.EndElement:
			if t.Name.Local == "table" && depth > 0 {
				depth--
			}
		}
	}
}

// repeat reads a number-…-repeated attribute: 1 when absent or bad.
func repeat(se xml.StartElement, name string) int64 {
	v := attr(se, name)
	if v == "" {
		return 1
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// odsCell is the state of the cell being read.
type odsCell struct {
	value   string // from a typed attribute; "" when the text is the value
	typed   bool
	text    []byte
	paras   int // text:p and text:h elements begun
	repeat  int64
	covered bool
}

// nextRow returns the next row's number and values (valid until the next call), io.EOF at
// the end of the sheet, or a fatal error. A repeated row with values is returned once per
// repetition.
func (o *odsReader) nextRow() (int64, []string, error) {
	if o.err != nil {
		return 0, nil, o.err
	}
	if o.repeatLeft > 0 {
		o.repeatLeft--
		o.rowNum++
		return o.rowNum, o.row, nil
	}
	var (
		inRow      bool
		rowRepeat  int64
		col        int64
		cell       *odsCell
		annotation int // depth inside office:annotation (a comment, not the value)
		sub        int // depth of a nested table inside the sheet
	)
	o.row = o.row[:0]
	fail := func(err error) (int64, []string, error) {
		o.err = err
		return 0, nil, err
	}
	for {
		tok, err := o.dec.RawToken()
		if err != nil {
			switch {
			case err == io.EOF:
				err = &TruncatedError{What: "OpenDocument sheet", Rows: -1, Err: io.ErrUnexpectedEOF}
			case errors.Is(err, errXLSXTooLong):
				err = fmt.Errorf("row %d: longer than %s of XML; the sheet cannot be read past it", o.rowNum+1, sizeString(int(xlsxRowLimit(o.max))))
			default:
				err = xmlError(err)
			}
			return fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if annotation > 0 {
				if t.Name.Local == "annotation" {
					annotation++
				}
				continue
			}
			switch t.Name.Local {
			case "table":
				sub++
			case "table-row":
				if sub > 0 {
					continue
				}
				inRow = true
				o.lim.mark = o.lim.n
				rowRepeat = repeat(t, "number-rows-repeated")
				col = 0
			case "table-cell", "covered-table-cell":
				if !inRow || sub > 0 {
					continue
				}
				cell = &odsCell{repeat: repeat(t, "number-columns-repeated"), covered: t.Name.Local == "covered-table-cell"}
				cell.value, cell.typed = typedValue(t)
			case "annotation":
				annotation = 1
			case "p", "h":
				if cell != nil {
					if cell.paras > 0 {
						cell.text = append(cell.text, '\n')
					}
					cell.paras++
				}
			case "s":
				if cell != nil {
					n := repeat(t, "c")
					for i := int64(0); i < n && len(cell.text) <= o.max; i++ {
						cell.text = append(cell.text, ' ')
					}
				}
			case "tab":
				if cell != nil {
					cell.text = append(cell.text, '\t')
				}
			case "line-break":
				if cell != nil {
					cell.text = append(cell.text, '\n')
				}
			}
		case xml.EndElement:
			if annotation > 0 {
				if t.Name.Local == "annotation" {
					annotation--
				}
				continue
			}
			switch t.Name.Local {
			case "table":
				if sub > 0 {
					sub--
					continue
				}
				o.err = io.EOF
				return 0, nil, io.EOF
			case "table-cell", "covered-table-cell":
				if cell == nil {
					continue
				}
				v := cell.value
				if !cell.typed {
					v = string(cell.text)
				}
				if v != "" && col < maxXLSXColumns {
					end := min(col+cell.repeat, maxXLSXColumns)
					for int64(len(o.row)) < end {
						o.row = append(o.row, "")
					}
					for c := col; c < end; c++ {
						o.row[c] = v
					}
				}
				col = min(col+cell.repeat, maxXLSXColumns)
				cell = nil
			case "table-row":
				if !inRow {
					continue
				}
				first := o.rowNum + 1
				if lastNonEmpty(o.row) < 0 {
					// An empty row, however often repeated, only moves the row number on.
					o.rowNum += rowRepeat
					if o.rowNum > maxODSRows {
						o.rowNum = maxODSRows + 1
					}
					inRow = false
					continue
				}
				if first+rowRepeat-1 > maxODSRows {
					return fail(fmt.Errorf("row %d: the sheet repeats a row past %d rows, more than any spreadsheet holds", first, maxODSRows))
				}
				o.rowNum = first
				o.repeatLeft = rowRepeat - 1
				return first, o.row, nil
			}
		case xml.CharData:
			if cell != nil && cell.paras > 0 && !cell.typed && len(cell.text) <= o.max {
				cell.text = append(cell.text, t...)
			}
		}
	}
}

// typedValue returns a cell's value from its typed attributes, when its type has one.
func typedValue(se xml.StartElement) (string, bool) {
	switch attr(se, "value-type") {
	case "float", "percentage", "currency":
		if v := attr(se, "value"); v != "" {
			return plainNumber(v), true
		}
	case "date":
		if v := attr(se, "date-value"); v != "" {
			v = strings.TrimSuffix(v, "T00:00:00")
			return strings.Replace(v, "T", " ", 1), true
		}
	case "boolean":
		switch attr(se, "boolean-value") {
		case "true":
			return "TRUE", true
		case "false":
			return "FALSE", true
		}
	}
	return "", false
}

// plainNumber writes a whole number saved in exponent form (1.23456789012E+11) in digits, as
// the xlsx reader does.
func plainNumber(s string) string {
	if !strings.ContainsAny(s, "eE") {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != float64(int64(f)) || f >= 1e15 || f <= -1e15 {
		return s
	}
	return strconv.FormatInt(int64(f), 10)
}

func (o *odsReader) Columns() []string { return o.columns }

func (o *odsReader) BytesRead() int64 { return 0 } // the source wrapper counts bytes

func (o *odsReader) Next() (Record, error) {
	for {
		line, vals, err := o.nextRow()
		if err != nil {
			return Record{}, err
		}
		last := lastNonEmpty(vals)
		if last < 0 {
			continue
		}
		if last >= o.ncol {
			return Record{}, &RowError{Line: line, Reason: ragged(last+1, o.ncol)}
		}
		clear(o.values)
		copy(o.values, vals)
		return Record{Line: line, Values: o.values}, nil
	}
}

func (o *odsReader) Close() error { return o.closer.Close() }
