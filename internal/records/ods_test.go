package records

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// handODS makes a minimal OpenDocument spreadsheet whose content.xml body is tables.
func handODS(t testing.TB, tables string) []byte {
	content := `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet>` +
		tables + `</office:spreadsheet></office:body></office:document-content>`
	return makeZip(t, zipEntry{"mimetype", []byte(odsMimetype), zip.Store}, zipEntry{"content.xml", []byte(content), zip.Deflate})
}

// odsRow writes a row of string cells.
func odsRow(cells ...string) string {
	var b strings.Builder
	b.WriteString("<table:table-row>")
	for _, c := range cells {
		b.WriteString(`<table:table-cell office:value-type="string"><text:p>` + c + `</text:p></table:table-cell>`)
	}
	b.WriteString("</table:table-row>")
	return b.String()
}

// readODS reads every sheet source of data: names, and the results of each.
func readODS(t *testing.T, data []byte, opts Options) ([]string, [][]result, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.ods")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	srcs, err := Sources(path, opts)
	if err != nil {
		return nil, nil, err
	}
	var names []string
	var all [][]result
	for _, s := range srcs {
		if s.kind != srcXLSX {
			t.Fatalf("source %s is not a spreadsheet sheet", s.Name)
		}
		names = append(names, strings.TrimPrefix(s.Name, path))
		r, c, err := s.Open(opts)
		if err != nil {
			return names, all, err
		}
		got, err := drain(t, r)
		c.Close()
		if err != nil {
			return names, all, err
		}
		if n, err := s.Count(opts); err != nil || n != int64(len(got)) {
			t.Errorf("Count = %d, %v; Next gave %d", n, err, len(got))
		}
		all = append(all, got)
	}
	return names, all, nil
}

func TestODS(t *testing.T) {
	hdr := odsRow("phone", "name", "dob")
	for _, tc := range []struct {
		name   string
		tables string
		opts   Options
		sheets []string
		want   [][]result
		err    string
	}{
		{name: "typed values, text, repeats, annotations",
			tables: `<table:table table:name="Data">` + hdr +
				`<table:table-row><table:table-cell office:value-type="float" office:value="9876543210"><text:p>9.88E+09</text:p></table:table-cell>` +
				`<table:table-cell office:value-type="string"><office:annotation><text:p>a comment</text:p></office:annotation><text:p>Ann<text:s text:c="2"/><text:span>Lee</text:span></text:p><text:p>second<text:tab/>line</text:p></table:table-cell>` +
				`<table:table-cell office:value-type="date" office:date-value="1990-03-12T00:00:00"><text:p>12/03/90</text:p></table:table-cell>` +
				`<table:table-cell table:number-columns-repeated="16381"/></table:table-row>` +
				`<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>` +
				`<table:table-row><table:table-cell office:value-type="float" office:value="1.2345678901E+11"/><table:table-cell office:value-type="boolean" office:boolean-value="true"/>` +
				`<table:table-cell office:value-type="date" office:date-value="1990-03-12T18:00:00"/></table:table-row>` +
				`<table:table-row table:number-rows-repeated="2">` + `<table:table-cell table:number-columns-repeated="2" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>` +
				`</table:table>`,
			sheets: []string{""},
			want: [][]result{{rec(2, "9876543210", "Ann  Lee\nsecond\tline", "1990-03-12"), rec(1048003, "123456789010", "TRUE", "1990-03-12 18:00:00"),
				rec(1048004, "x", "x", ""), rec(1048005, "x", "x", "")}}},
		{name: "every sheet, empty one skipped at open",
			tables: `<table:table table:name="North">` + hdr + odsRow("98", "A", "1990") + `</table:table>` +
				`<table:table table:name="South"><table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>` + hdr + odsRow("97", "B", "1991") + `</table:table>`,
			sheets: []string{"!North", "!South"},
			want:   [][]result{{rec(2, "98", "A", "1990")}, {rec(5, "97", "B", "1991")}}},
		{name: "one sheet by name", opts: Options{Sheet: "south"},
			tables: `<table:table table:name="North">` + hdr + `</table:table><table:table table:name="South">` + hdr + odsRow("97", "B", "1991") + `</table:table>`,
			sheets: []string{""},
			want:   [][]result{{rec(2, "97", "B", "1991")}}},
		{name: "no such sheet", opts: Options{Sheet: "East"},
			tables: `<table:table table:name="North">` + hdr + `</table:table>`,
			err:    `no sheet "East" (sheets: "North")`},
		{name: "header row", opts: Options{HeaderRow: 3},
			tables: `<table:table table:name="T">` + odsRow("Title") + `<table:table-row/>` + hdr + odsRow("98", "A", "1990") + `</table:table>`,
			sheets: []string{""},
			want:   [][]result{{rec(4, "98", "A", "1990")}}},
		{name: "ragged and merged cells",
			tables: `<table:table table:name="T">` + hdr + `<table:table-row><table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>m</text:p></table:table-cell><table:covered-table-cell/><table:table-cell office:value-type="string"><text:p>d</text:p></table:table-cell></table:table-row>` +
				odsRow("1", "2", "3", "4") + `</table:table>`,
			sheets: []string{""},
			want:   [][]result{{rec(2, "m", "", "d"), bad(3, "ragged row: 4 fields, header has 3")}}},
		{name: "a repeated row with values past any sheet's size is refused",
			tables: `<table:table table:name="T">` + hdr + `<table:table-row table:number-rows-repeated="1000000000">` + `<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>`,
			err:    "repeats a row past 16777216 rows"},
		{name: "a cell with a value repeated a million times is bounded by the column limit",
			tables: `<table:table table:name="T">` + hdr + `<table:table-row><table:table-cell table:number-columns-repeated="1000000" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>`,
			sheets: []string{""},
			want:   [][]result{{bad(2, "ragged row: 16384 fields, header has 3")}}},
		{name: "cut short", tables: `<table:table table:name="T">` + hdr + odsRow("98", "A", "1990"), err: "truncated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			names, got, err := readODS(t, handODS(t, tc.tables), tc.opts)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(names, ",") != strings.Join(tc.sheets, ",") {
				t.Errorf("sheets %q, want %q", names, tc.sheets)
			}
			for i := range tc.want {
				if i >= len(got) || !equalResults(got[i], tc.want[i]) {
					t.Errorf("sheet %d:\n got %v\nwant %v", i, got, tc.want)
				}
			}
		})
	}
}

// TestODSFixtures: LibreOffice 7.4 and gnumeric 1.12 saved districts.xlsx as .ods
// (scripts/realtools/make.sh); every sheet gives the values the xlsx reader reads from the
// workbook they were saved from, row for row.
func TestODSFixtures(t *testing.T) {
	dir := filepath.Join("..", "..", "fixtures", "realtools")
	read := func(path string) map[string][]result {
		srcs, err := Sources(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]result{}
		for _, s := range srcs {
			sheet := s.Name[strings.LastIndex(s.Name, "!")+1:]
			r, c, err := s.Open(Options{})
			if err != nil {
				if sheet == "About" {
					continue // its first row is a title and its only column no identifier
				}
				t.Fatalf("%s: %v", s.Name, err)
			}
			got, err := drain(t, r)
			c.Close()
			if err != nil {
				t.Fatalf("%s: %v", s.Name, err)
			}
			out[sheet] = got
		}
		return out
	}
	want := read(filepath.Join(dir, "districts.xlsx"))
	for _, f := range []string{"districts.ods", "districts_gnumeric.ods"} {
		got := read(filepath.Join(dir, f))
		for _, sheet := range []string{"North", "South", "East", "West"} {
			if len(got[sheet]) != 75 {
				t.Errorf("%s!%s: %d rows, want 75", f, sheet, len(got[sheet]))
			}
			if !equalResults(got[sheet], want[sheet]) {
				t.Errorf("%s!%s differs from the xlsx it was saved from", f, sheet)
			}
		}
	}
}

func FuzzODS(f *testing.F) {
	f.Add([]byte(`<table:table table:name="T"><table:table-row><table:table-cell office:value-type="string"><text:p>phone</text:p></table:table-cell></table:table-row>` +
		`<table:table-row table:number-rows-repeated="3"><table:table-cell office:value-type="float" office:value="98" table:number-columns-repeated="2"/></table:table-row></table:table>`))
	f.Add([]byte(`<table:table table:name="T"><table:table-row><table:table-cell><office:annotation><text:p>c</text:p></office:annotation><text:p>a<text:s text:c="9"/></text:p></table:table-cell></table:table-row></table:table>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		content := append([]byte(`<office:document-content><office:body><office:spreadsheet>`), body...)
		data := makeZip(t, zipEntry{"mimetype", []byte(odsMimetype), zip.Store}, zipEntry{"content.xml", content, zip.Deflate})
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil || !isODS(zr) {
			t.Fatal("not an ods")
		}
		o, err := openODS(zr, "f", "", 1<<10, 0)
		if err != nil {
			return
		}
		defer o.Close()
		for range maxODSRows + 2 {
			rec, err := o.Next()
			if err == io.EOF || err != nil && !isRowError(err) {
				return
			}
			if err == nil && len(rec.Values) != len(o.Columns()) {
				t.Fatalf("%d values for %d columns", len(rec.Values), len(o.Columns()))
			}
		}
		t.Fatal("more rows than a sheet holds")
	})
}
