package records

import (
	"archive/zip"
	"fmt"
	"strconv"
)

// A workbook gives one source per sheet, so that a workbook with a sheet per district is read
// whole, each sheet with its own header, mapping and accounting. A workbook of one sheet is
// named as the file; with several, each source is "book.xlsx!Sheet name" (a sheet name that
// looks like data, holding a long number or an "@", is shown as "sheet N"). Options.Sheet
// reads that one sheet only. OpenDocument spreadsheets are named the same way (ods.go).
func xlsxSources(zr *zip.Reader, path, name string, size int64, opts Options) ([]*Source, error) {
	if opts.Sheet != "" {
		return []*Source{{Name: name, Size: size, kind: srcXLSX, path: path, sheet: opts.Sheet}}, nil
	}
	_, sheets, _, err := workbookSheets(zr)
	if err != nil {
		// Reported when the source is opened, with the workbook's name.
		return []*Source{{Name: name, Size: size, kind: srcXLSX, path: path}}, nil
	}
	return sheetSources(sheets, path, name, size), nil
}

// sheetSources names the sources of a workbook's sheets.
func sheetSources(sheets []sheetRef, path, name string, size int64) []*Source {
	if len(sheets) == 1 {
		return []*Source{{Name: name, Size: size, kind: srcXLSX, path: path, sheet: sheets[0].name}}
	}
	out := make([]*Source, len(sheets))
	for i, sh := range sheets {
		shown := displayPath(sh.name)
		if quoteNames([]string{sh.name}) == "?" {
			shown = "sheet " + strconv.Itoa(i+1)
		}
		// Every sheet's source counts the whole workbook's bytes: Size is what BytesRead
		// reaches, and a sheet reads the shared parts too.
		out[i] = &Source{Name: fmt.Sprintf("%s!%s", name, shown), Size: size, kind: srcXLSX, path: path, sheet: sh.name}
	}
	return out
}

// openXLSXAt is openXLSX with the header at or after row headerRow (Options.HeaderRow; 0 or 1:
// the first non-empty row).
func openXLSXAt(zr *zip.Reader, name, sheet string, max int, headerRow int64) (*xlsxReader, error) {
	return openXLSX(zr, name, sheet, max, func(x *xlsxReader) { x.headerRow = headerRow })
}
