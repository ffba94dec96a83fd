package records

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"time"
)

// Excel .xlsx workbooks are read by this streaming reader rather than a spreadsheet library,
// for two reasons that matter with breach data. Memory: the sheet's XML is decoded as it is
// unzipped, one row at a time, where libraries either load whole parts into memory or unzip
// large ones to temporary files. Temporary files: those would hold the sheet in plaintext on
// disk; nothing here writes to disk. What is held in memory is the shared string table (the
// workbook's distinct strings), up to maxSharedStrings bytes, and the small workbook, styles
// and relationship parts.
//
// The sheet read is the first of the workbook, or Options.Sheet by name. Its first non-empty
// row is the header. Each later non-empty row is a record at its spreadsheet row number, so
// "people.xlsx:12: …" is row 12 in Excel; empty rows are skipped like blank lines. A cell's
// value is its text: shared and inline strings, numbers as written (integers in exponent form
// spelled out), booleans TRUE/FALSE, error values such as #N/A as they are, and dates (numbers
// with a date format) as YYYY-MM-DD, with the time appended when it is not midnight. Formulas
// are never read, only their cached results. A row with a non-empty cell right of the header's
// last column is a ragged row.
//
// XML cannot be resynchronised after an error, so a damaged sheet, or one row of more than
// xlsxRowLimit bytes of XML, stops reading with a fatal error (the rows before it are returned).

const (
	maxSharedStrings = 512 << 20 // bytes of the shared string table held in memory, at most
	// sharedStringsPerByte and sharedStringsBase bound the table by the
	// compressed size of its part too: a real table compresses a few times,
	// never hundreds, so a small file cannot make leakcheck hold hundreds of
	// megabytes (an empty <si/> costs 5 bytes of XML, a few bits compressed).
	sharedStringsPerByte = 128
	sharedStringsBase    = 16 << 20
	// sharedStringCost is what each entry of the table costs besides its
	// text: its string header and its offset.
	sharedStringCost = 24
	maxXLSXPart      = 16 << 20 // workbook, styles and relationship parts
	maxXLSXColumns   = 16384    // Excel's limit
)

// xlsxRowLimit is the most XML one row (or one shared string) may take.
func xlsxRowLimit(max int) int64 { return 2*int64(max) + 1<<20 }

// isXLSX reports whether a zip archive is a spreadsheet workbook.
func isXLSX(zr *zip.Reader) bool {
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, "xl/workbook.xml") || strings.EqualFold(f.Name, "[Content_Types].xml") && zipHas(zr, "xl/") {
			return true
		}
	}
	return false
}

func zipHas(zr *zip.Reader, prefix string) bool {
	for _, f := range zr.File {
		if strings.HasPrefix(strings.ToLower(f.Name), prefix) {
			return true
		}
	}
	return false
}

// xlsxFile finds a part by name, ignoring case as OOXML part names do.
func xlsxFile(zr *zip.Reader, name string) *zip.File {
	name = strings.TrimPrefix(name, "/")
	for _, f := range zr.File {
		if f.Name == name {
			return f
		}
	}
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, name) {
			return f
		}
	}
	return nil
}

// errXLSXTooLong stops the XML decoder when a row or part passes its limit.
var errXLSXTooLong = errors.New("too long")

// limitedReader counts bytes and fails once more than limit have been read since mark.
type limitedReader struct {
	r     io.Reader
	n     int64 // bytes read in all
	mark  int64
	limit int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n-l.mark > l.limit {
		return 0, errXLSXTooLong
	}
	if room := l.limit - (l.n - l.mark) + 1; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	return n, err
}

// readXMLPart decodes a small part with fn called on every token.
func readXMLPart(f *zip.File, fn func(xml.Token)) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	dec := xml.NewDecoder(&limitedReader{r: rc, limit: maxXLSXPart})
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return xmlError(err)
		}
		fn(tok)
	}
}

// xmlError replaces an XML error, whose text can quote the document, by a fixed phrase.
func xmlError(err error) error {
	switch {
	case errors.Is(err, errXLSXTooLong):
		return errXLSXTooLong
	case errors.Is(err, zip.ErrChecksum), errors.Is(err, zip.ErrFormat), errors.Is(err, io.ErrUnexpectedEOF):
		return &TruncatedError{What: "xlsx data", Rows: -1, Err: errors.Unwrap(err)}
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("invalid XML at line %d of the part", se.Line)
	}
	return errors.New("invalid XML")
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// xlsxReader reads one sheet.
type xlsxReader struct {
	name     string
	closer   io.Closer
	dec      *xml.Decoder
	lim      *limitedReader
	max      int
	sst      []string
	dateXF   []bool // style index → the number format is a date
	date1904 bool
	columns  []string
	ncol     int
	row      []string
	values   []string
	lastRow  int64
	err      error
	// headerRow is Options.HeaderRow: rows above it are titles, not data.
	headerRow int64
}

// sheetRef is a sheet of a workbook: its name and relationship id.
type sheetRef struct{ name, rid string }

// workbookSheets reads the workbook part: its path, its sheets in order, and the date system.
func workbookSheets(zr *zip.Reader) (wbPath string, sheets []sheetRef, date1904 bool, err error) {
	wbPath = "xl/workbook.xml"
	if f := xlsxFile(zr, "_rels/.rels"); f != nil {
		err := readXMLPart(f, func(t xml.Token) {
			if se, ok := t.(xml.StartElement); ok && se.Name.Local == "Relationship" &&
				strings.HasSuffix(attr(se, "Type"), "/officeDocument") {
				wbPath = strings.TrimPrefix(attr(se, "Target"), "/")
			}
		})
		if err != nil {
			return "", nil, false, fmt.Errorf("_rels/.rels: %w", err)
		}
	}
	wb := xlsxFile(zr, wbPath)
	if wb == nil {
		return "", nil, false, errors.New("not a spreadsheet: the workbook part is missing")
	}
	err = readXMLPart(wb, func(t xml.Token) {
		se, ok := t.(xml.StartElement)
		if !ok {
			return
		}
		switch se.Name.Local {
		case "sheet":
			sheets = append(sheets, sheetRef{attr(se, "name"), attr(se, "id")})
		case "workbookPr":
			if v := attr(se, "date1904"); v == "1" || v == "true" {
				date1904 = true
			}
		}
	})
	if err != nil {
		return "", nil, false, fmt.Errorf("workbook: %w", err)
	}
	if len(sheets) == 0 {
		return "", nil, false, errors.New("the workbook has no sheet")
	}
	return wbPath, sheets, date1904, nil
}

// openXLSX opens the sheet to read and reads its header row.
func openXLSX(zr *zip.Reader, name, sheet string, max int, setup ...func(*xlsxReader)) (*xlsxReader, error) {
	x := &xlsxReader{name: name, max: max}
	for _, f := range setup {
		f(x)
	}
	wbPath, sheets, date1904, err := workbookSheets(zr)
	if err != nil {
		return nil, err
	}
	x.date1904 = date1904
	pick, err := pickSheet(sheets, sheet)
	if err != nil {
		return nil, err
	}
	sf, err := sheetPart(zr, wbPath, sheets[pick], pick)
	if err != nil {
		return nil, err
	}
	if err := x.readWorkbookParts(zr, path.Dir(wbPath)); err != nil {
		return nil, err
	}
	rc, err := sf.Open()
	if err != nil {
		return nil, err
	}
	x.closer = rc
	x.lim = &limitedReader{r: rc, limit: xlsxRowLimit(max)}
	x.dec = xml.NewDecoder(x.lim)
	if err := x.readHeader(); err != nil {
		rc.Close()
		return nil, fmt.Errorf("sheet %q: %w", sheets[pick].name, err)
	}
	return x, nil
}

// pickSheet finds the sheet named by --sheet (exactly, else ignoring case),
// or the first one when none is named.
func pickSheet(sheets []sheetRef, sheet string) (int, error) {
	if sheet == "" {
		return 0, nil
	}
	for i, s := range sheets {
		if s.name == sheet {
			return i, nil
		}
	}
	for i, s := range sheets {
		if strings.EqualFold(s.name, sheet) {
			return i, nil
		}
	}
	names := make([]string, len(sheets))
	for i, s := range sheets {
		names[i] = s.name
	}
	return -1, fmt.Errorf("no sheet %q (sheets: %s)", sheet, quoteNames(names))
}

// sheetPart finds the zip member of a sheet through the workbook's
// relationships (the pick-th sheet's usual name when they do not say).
func sheetPart(zr *zip.Reader, wbPath string, sh sheetRef, pick int) (*zip.File, error) {
	dir := path.Dir(wbPath)
	relsPath := path.Join(dir, "_rels", path.Base(wbPath)+".rels")
	target := ""
	if f := xlsxFile(zr, relsPath); f != nil {
		err := readXMLPart(f, func(t xml.Token) {
			if se, ok := t.(xml.StartElement); ok && se.Name.Local == "Relationship" && attr(se, "Id") == sh.rid {
				target = attr(se, "Target")
			}
		})
		if err != nil {
			return nil, fmt.Errorf("workbook relationships: %w", err)
		}
	}
	if target == "" {
		target = fmt.Sprintf("worksheets/sheet%d.xml", pick+1)
	}
	if strings.HasPrefix(target, "/") {
		target = target[1:]
	} else {
		target = path.Join(dir, target)
	}
	sf := xlsxFile(zr, target)
	if sf == nil {
		return nil, fmt.Errorf("sheet %q: its part is missing", sh.name)
	}
	return sf, nil
}

// readWorkbookParts reads the styles (which cells are dates) and the shared
// strings of the workbook in dir.
func (x *xlsxReader) readWorkbookParts(zr *zip.Reader, dir string) error {
	if f := xlsxFile(zr, path.Join(dir, "styles.xml")); f != nil {
		if err := x.readStyles(f); err != nil {
			return fmt.Errorf("styles: %w", err)
		}
	}
	if f := xlsxFile(zr, path.Join(dir, "sharedStrings.xml")); f != nil {
		if err := x.readSharedStrings(f); err != nil {
			return fmt.Errorf("shared strings: %w", err)
		}
	}
	return nil
}

// readHeader reads the header: the first non-empty row (at or after
// x.headerRow).
func (x *xlsxReader) readHeader() error {
	for {
		rn, vals, err := x.nextRow()
		switch {
		case err == io.EOF:
			return ErrNoHeader
		case isRowError(err):
			return fmt.Errorf("header row: %s", err.(*RowError).Reason)
		case err != nil:
			return err
		}
		n := lastNonEmpty(vals) + 1
		if n == 0 || rn < x.headerRow {
			continue // an empty row, or a title row above the header
		}
		x.columns = make([]string, n)
		for i := range n {
			x.columns[i] = strings.TrimSpace(vals[i])
		}
		x.ncol = n
		x.values = make([]string, n)
		return nil
	}
}

func lastNonEmpty(vals []string) int {
	for i := len(vals) - 1; i >= 0; i-- {
		if vals[i] != "" {
			return i
		}
	}
	return -1
}

// Built-in number formats that are dates (ECMA-376 18.8.30, and the East Asian ones).
func builtinDateFormat(id int) bool {
	return id >= 14 && id <= 17 || id == 22 || id >= 27 && id <= 36 || id >= 50 && id <= 58
}

// isDateFormatCode reports whether a custom number format shows a date: it has a day or year
// part once quoted text, escaped characters and bracketed sections are removed.
func isDateFormatCode(code string) bool {
	inQuote, inBracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case inQuote:
			inQuote = c != '"'
		case inBracket:
			inBracket = c != ']'
		case c == '"':
			inQuote = true
		case c == '[':
			inBracket = true
		case c == '\\' || c == '_' || c == '*':
			i++
		case c == 'd' || c == 'D' || c == 'y' || c == 'Y':
			return true
		}
	}
	return false
}

func (x *xlsxReader) readStyles(f *zip.File) error {
	custom := map[int]bool{}
	var xfs []int
	inCellXfs := false
	err := readXMLPart(f, func(t xml.Token) {
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "numFmt":
				id, err := strconv.Atoi(attr(t, "numFmtId"))
				if err == nil {
					custom[id] = isDateFormatCode(attr(t, "formatCode"))
				}
			case "cellXfs":
				inCellXfs = true
			case "xf":
				if inCellXfs && len(xfs) < 1<<16 {
					id, _ := strconv.Atoi(attr(t, "numFmtId"))
					xfs = append(xfs, id)
				}
			}
		case xml.EndElement:
			if t.Name.Local == "cellXfs" {
				inCellXfs = false
			}
		}
	})
	if err != nil {
		return err
	}
	x.dateXF = make([]bool, len(xfs))
	for i, id := range xfs {
		if d, ok := custom[id]; ok {
			x.dateXF[i] = d
		} else {
			x.dateXF[i] = builtinDateFormat(id)
		}
	}
	return nil
}

func (x *xlsxReader) readSharedStrings(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	lim := &limitedReader{r: rc, limit: xlsxRowLimit(x.max)}
	dec := xml.NewDecoder(lim)
	var all strings.Builder
	var offs []int
	size := 0
	limit := sharedStringsLimit(f)
	tooLarge := func() error {
		return fmt.Errorf("the shared string table needs more than %s of memory (at most %s, and %d times the part's compressed size plus %s); save the sheet as CSV",
			sizeString(limit), sizeString(maxSharedStrings), sharedStringsPerByte, sizeString(sharedStringsBase))
	}
	inSI, inT, inRPh := false, false, 0
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, errXLSXTooLong) {
				return fmt.Errorf("a shared string is longer than %s", sizeString(int(xlsxRowLimit(x.max))))
			}
			return xmlError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI = true
				offs = append(offs, all.Len())
				if size+sharedStringCost*len(offs) > limit {
					return tooLarge()
				}
				lim.mark = lim.n
			case "t":
				inT = inSI
			case "rPh":
				inRPh++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				inSI = false
			case "t":
				inT = false
			case "rPh":
				inRPh--
			}
		case xml.CharData:
			if inT && inRPh == 0 {
				size += len(t)
				if size+sharedStringCost*len(offs) > limit {
					return tooLarge()
				}
				all.Write(t)
			}
		}
	}
	s := all.String()
	offs = append(offs, len(s))
	x.sst = make([]string, len(offs)-1)
	for i := range x.sst {
		x.sst[i] = unescapeOOXML(s[offs[i]:offs[i+1]])
	}
	return nil
}

// sharedStringsLimit is the memory the shared string table of part f may
// take: maxSharedStrings, or less for a small part (see sharedStringsPerByte).
func sharedStringsLimit(f *zip.File) int {
	if f.CompressedSize64 >= maxSharedStrings/sharedStringsPerByte {
		return maxSharedStrings
	}
	return min(maxSharedStrings, sharedStringsBase+sharedStringsPerByte*int(f.CompressedSize64))
}

// unescapeOOXML decodes the _xHHHH_ escapes OOXML uses for control characters.
func unescapeOOXML(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || i+7 > len(s) {
			b.WriteString(s)
			return b.String()
		}
		v, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
		if err != nil || s[i+6] != '_' {
			b.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteRune(rune(v))
		s = s[i+7:]
	}
}

// colIndex converts the letters of a cell reference ("AB12") to a 0-based column.
func colIndex(ref string) (int, bool) {
	n := 0
	i := 0
	for ; i < len(ref); i++ {
		c := ref[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c < 'A' || c > 'Z' {
			break
		}
		n = n*26 + int(c-'A'+1)
		if n > maxXLSXColumns {
			return 0, false
		}
	}
	if i == 0 {
		return 0, false
	}
	return n - 1, true
}

// nextRow returns the next row element's number and cell values (valid until the next call),
// a *RowError for a row that cannot be read, io.EOF at the end of the sheet, or a fatal error.
func (x *xlsxReader) nextRow() (int64, []string, error) {
	if x.err != nil {
		return 0, nil, x.err
	}
	var (
		inRow, inCell, inV, inIS, inT bool
		inRPh                         int
		rowNum                        int64
		col                           int
		typ                           string
		style                         int
		text                          []byte
		reason                        string
	)
	x.row = x.row[:0]
	for {
		tok, err := x.dec.Token() // Token, not RawToken: it checks that elements nest
		if err != nil {
			if err == io.EOF {
				if inRow {
					err = &TruncatedError{What: "xlsx sheet", Rows: -1, Err: io.ErrUnexpectedEOF}
				}
			} else if errors.Is(err, errXLSXTooLong) {
				err = fmt.Errorf("row %d: longer than %s of XML; the sheet cannot be read past it", rowNum, sizeString(int(xlsxRowLimit(x.max))))
			} else {
				err = xmlError(err)
			}
			x.err = err
			return 0, nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				inRow = true
				x.lim.mark = x.lim.n
				rowNum = x.lastRow + 1
				if r, err := strconv.ParseInt(attr(t, "r"), 10, 64); err == nil && r > 0 {
					rowNum = r
				}
				col = -1
			case "c":
				if !inRow {
					continue
				}
				inCell = true
				typ, style, text = attr(t, "t"), 0, text[:0]
				if s, err := strconv.Atoi(attr(t, "s")); err == nil {
					style = s
				}
				if ref := attr(t, "r"); ref != "" {
					c, ok := colIndex(ref)
					if !ok {
						reason = "bad cell reference"
					}
					col = c
				} else {
					col++
				}
			case "v":
				inV = inCell
			case "is":
				inIS = inCell
			case "t":
				inT = inIS
			case "rPh":
				inRPh++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "t":
				inT = false
			case "is":
				inIS = false
			case "rPh":
				inRPh--
			case "c":
				if !inCell {
					continue
				}
				inCell = false
				v, r := x.cellValue(typ, style, text)
				if r != "" && reason == "" {
					reason = r
				}
				if v != "" && col >= 0 && col < maxXLSXColumns {
					for len(x.row) <= col {
						x.row = append(x.row, "")
					}
					x.row[col] = v
				}
			case "row":
				if !inRow {
					continue
				}
				x.lastRow = rowNum
				if reason != "" {
					return rowNum, nil, &RowError{Line: rowNum, Reason: reason}
				}
				return rowNum, x.row, nil
			case "sheetData":
				x.err = io.EOF
				return 0, nil, io.EOF
			}
		case xml.CharData:
			if inV || inT && inRPh == 0 {
				text = append(text, t...)
			}
		}
	}
}

// cellValue turns a cell's type, style and text into its value.
func (x *xlsxReader) cellValue(typ string, style int, text []byte) (string, string) {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(string(text)))
		if err != nil || i < 0 || i >= len(x.sst) {
			return "", "shared string index out of range"
		}
		return x.sst[i], ""
	case "inlineStr", "str":
		return unescapeOOXML(string(text)), ""
	case "b":
		switch strings.TrimSpace(string(text)) {
		case "1":
			return "TRUE", ""
		case "0":
			return "FALSE", ""
		}
		return string(text), ""
	case "e", "d":
		return string(text), ""
	}
	s := strings.TrimSpace(string(text))
	if s == "" {
		return "", ""
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s, ""
	}
	if style >= 0 && style < len(x.dateXF) && x.dateXF[style] {
		if d, ok := serialDate(f, x.date1904); ok {
			return d, ""
		}
	}
	if strings.ContainsAny(s, "eE") && f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', 0, 64), ""
	}
	return s, ""
}

// serialDate converts a spreadsheet date serial number to YYYY-MM-DD, with " HH:MM:SS" when
// it has a time of day. In the 1900 system serial 1 is 1900-01-01 and 60 is the 29 February
// 1900 that did not exist (kept from Lotus 1-2-3), which has no date.
func serialDate(f float64, date1904 bool) (string, bool) {
	if f < 1 || f >= 2958466 || math.IsNaN(f) { // 2958466 is 10000-01-01
		return "", false
	}
	days := math.Floor(f)
	secs := math.Round((f - days) * 86400)
	if secs >= 86400 {
		days++
		secs = 0
	}
	var base time.Time
	switch {
	case date1904:
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case days == 60:
		return "", false
	case days < 60:
		base = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
	default:
		base = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	}
	t := base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	if secs == 0 {
		return t.Format("2006-01-02"), true
	}
	return t.Format("2006-01-02 15:04:05"), true
}

func (x *xlsxReader) Columns() []string { return x.columns }

func (x *xlsxReader) BytesRead() int64 { return 0 } // the source wrapper counts bytes

func (x *xlsxReader) Next() (Record, error) {
	for {
		line, vals, err := x.nextRow()
		if err != nil {
			return Record{}, err
		}
		last := lastNonEmpty(vals)
		if last < 0 {
			continue // an empty row
		}
		if last >= x.ncol {
			return Record{}, &RowError{Line: line, Reason: ragged(last+1, x.ncol)}
		}
		clear(x.values)
		copy(x.values, vals)
		return Record{Line: line, Values: x.values}, nil
	}
}

func (x *xlsxReader) Close() error {
	if x.closer == nil {
		return nil
	}
	return x.closer.Close()
}
