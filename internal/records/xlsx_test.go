package records

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// handXLSX makes a minimal workbook from sheet XML (the <sheetData> content), shared strings
// (<si> elements) and styles (<cellXfs> content).
func handXLSX(t testing.TB, sheetData, sst, xfs string, date1904 bool) []byte {
	pr := ""
	if date1904 {
		pr = `<workbookPr date1904="1"/>`
	}
	files := []zipEntry{
		{"[Content_Types].xml", []byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`), zip.Deflate},
		{"_rels/.rels", []byte(`<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`), zip.Deflate},
		{"xl/workbook.xml", []byte(`<workbook xmlns:r="r">` + pr + `<sheets><sheet name="Data" sheetId="1" r:id="rId1"/><sheet name="Other" sheetId="2" r:id="rId2"/></sheets></workbook>`), zip.Deflate},
		{"xl/_rels/workbook.xml.rels", []byte(`<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Target="/xl/worksheets/other.xml"/></Relationships>`), zip.Deflate},
		{"xl/worksheets/sheet1.xml", []byte(`<worksheet><sheetData>` + sheetData + `</sheetData><mergeCells/></worksheet>`), zip.Deflate},
		{"xl/worksheets/other.xml", []byte(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>other</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>`), zip.Deflate},
		{"xl/sharedStrings.xml", []byte(`<sst>` + sst + `</sst>`), zip.Deflate},
		{"xl/styles.xml", []byte(`<styleSheet><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="&quot;day&quot; 0.00"/></numFmts>` +
			`<cellStyleXfs><xf numFmtId="14"/></cellStyleXfs><cellXfs>` + xfs + `</cellXfs></styleSheet>`), zip.Deflate},
	}
	return makeZip(t, files...)
}

func readXLSX(t *testing.T, data []byte, opts Options) ([]string, []result, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.xlsx")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	srcs, err := Sources(path, opts)
	if err != nil {
		return nil, nil, err
	}
	if len(srcs) == 0 || srcs[0].kind != srcXLSX || opts.Sheet != "" && len(srcs) != 1 {
		t.Fatalf("sources %v", srcs)
	}
	r, c, err := srcs[0].Open(opts)
	if err != nil {
		return nil, nil, err
	}
	defer c.Close()
	got, err := drain(t, r)
	if err == nil {
		if n, err := srcs[0].Count(opts); err != nil || n != int64(len(got)) {
			t.Errorf("Count = %d, %v; Next gave %d", n, err, len(got))
		}
	}
	return r.Columns(), got, err
}

func TestXLSX(t *testing.T) {
	sst := `<si><t>phone</t></si><si><t xml:space="preserve"> name </t></si><si><r><t>Ann</t></r><r><t xml:space="preserve"> Lee</t></r><rPh><t>アン</t></rPh></si><si><t>dob</t></si><si><t>a_x000D_b</t></si>`
	xfs := `<xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="20"/>`
	for _, tc := range []struct {
		name     string
		sheet    string
		date1904 bool
		opts     Options
		cols     []string
		want     []result
		err      string
	}{
		{name: "shared, inline, numbers, dates", sheet: `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>3</v></c><c r="D1" t="inlineStr"><is><t>other</t></is></c></row>` +
			`<row r="2"><c r="A2"><v>9876543210</v></c><c r="B2" t="s"><v>2</v></c><c r="C2" s="2"><v>32944</v></c><c r="D2" t="b"><v>1</v></c></row>` +
			`<row r="3"><c r="A3" t="str"><f>A2+1</f><v>9876543211</v></c><c r="B3" t="inlineStr"><is><t>Bob</t></is></c><c r="C3" s="1"><v>32944.75</v></c><c r="D3" t="e"><v>#N/A</v></c></row>` +
			`<row r="5"><c r="A5"><v>9.876543212E9</v></c><c r="C5" s="3"><v>1.5</v></c><c r="D5" s="4"><v>0.5</v></c></row>`,
			cols: []string{"phone", "name", "dob", "other"},
			want: []result{rec(2, "9876543210", "Ann Lee", "1990-03-12", "TRUE"), rec(3, "9876543211", "Bob", "1990-03-12 18:00:00", "#N/A"),
				rec(5, "9876543212", "", "1.5", "0.5")}},
		{name: "1904 dates", sheet: `<row><c t="s"><v>3</v></c></row><row><c s="2"><v>31482</v></c></row>`, date1904: true,
			cols: []string{"dob"}, want: []result{rec(2, "1990-03-12")}},
		{name: "1900 leap bug", sheet: `<row><c t="s"><v>3</v></c></row><row><c s="2"><v>59</v></c></row><row><c s="2"><v>60</v></c></row><row><c s="2"><v>61</v></c></row>`,
			cols: []string{"dob"}, want: []result{rec(2, "1900-02-28"), rec(3, "60"), rec(4, "1900-03-01")}},
		{name: "cells without references, empty rows, OOXML escapes", sheet: `<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row><row></row><row><c/><c/></row><row><c t="s"><v>4</v></c><c t="inlineStr"><is><t>x_x0009_y</t></is></c></row>`,
			cols: []string{"phone", "name"}, want: []result{rec(4, "a\rb", "x\ty")}},
		{name: "header with gaps, leading empty rows", sheet: `<row r="3"><c r="B3" t="s"><v>0</v></c><c r="D3" t="s"><v>3</v></c></row><row r="4"><c r="B4"><v>1</v></c><c r="D4"><v>2</v></c></row>`,
			cols: []string{"", "phone", "", "dob"}, want: []result{rec(4, "", "1", "", "2")}},
		{name: "bad rows", sheet: `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>` +
			`<row r="2"><c r="A2"><v>1</v></c><c r="C2"><v>3</v></c></row><row r="3"><c r="A3" t="s"><v>99</v></c></row><row r="4"><c r="$4"><v>1</v></c></row><row r="5"><c r="A5"><v>5</v></c></row>`,
			cols: []string{"phone", "name"}, want: []result{bad(2, "ragged row: 3 fields, header has 2"), bad(3, "shared string index out of range"), bad(4, "bad cell reference"), rec(5, "5", "")}},
		{name: "formula-like values stay values", sheet: `<row><c t="inlineStr"><is><t>a</t></is></c></row><row><c t="inlineStr"><is><t>=1+2</t></is></c></row><row><c t="str"><f>HYPERLINK("x")</f><v>x</v></c></row>`,
			cols: []string{"a"}, want: []result{rec(2, "=1+2"), rec(3, "x")}},
		{name: "second sheet by name", sheet: `<row><c t="s"><v>0</v></c></row>`, opts: Options{Sheet: "other"},
			cols: []string{"other"}, want: []result{rec(2, "x")}},
		{name: "missing sheet", sheet: ``, opts: Options{Sheet: "People"}, err: `no sheet "People" (sheets: "Data", "Other")`},
		{name: "empty sheet", sheet: ``, err: `sheet "Data": empty input: no header row`},
		{name: "truncated sheet XML", sheet: `<row><c t="s"><v>0</v></c></row><row><c><v>1</v></c></row><row><c><v>`, cols: []string{"phone"}, err: "invalid XML"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cols, got, err := readXLSX(t, handXLSX(t, tc.sheet, sst, xfs, tc.date1904), tc.opts)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q (got %v)", err, tc.err, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(cols, "|") != strings.Join(tc.cols, "|") {
				t.Errorf("columns %q, want %q", cols, tc.cols)
			}
			if !equalResults(got, tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}

// TestXLSXEverySheet: a workbook of several sheets gives one source per sheet, each read with
// its own header; --sheet reads one.
func TestXLSXEverySheet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.xlsx")
	if err := os.WriteFile(path, handXLSX(t, `<row><c t="inlineStr"><is><t>phone</t></is></c></row><row><c><v>98</v></c></row>`, "", "", false), 0o600); err != nil {
		t.Fatal(err)
	}
	srcs, err := Sources(path, Options{})
	if err != nil || len(srcs) != 2 {
		t.Fatalf("Sources = %v, %v", srcs, err)
	}
	for i, want := range []struct{ name, col, val string }{{"w.xlsx!Data", "phone", "98"}, {"w.xlsx!Other", "other", "x"}} {
		if !strings.HasSuffix(srcs[i].Name, want.name) {
			t.Errorf("source %d is %q, want %q", i, srcs[i].Name, want.name)
		}
		r, c, err := srcs[i].Open(Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := drain(t, r)
		c.Close()
		if err != nil || len(got) != 1 || r.Columns()[0] != want.col || got[0].Values[0] != want.val {
			t.Errorf("sheet %d: %v %v, %v", i, r.Columns(), got, err)
		}
	}
	srcs, err = Sources(path, Options{Sheet: "Other"})
	if err != nil || len(srcs) != 1 {
		t.Fatalf("Sources with Sheet = %v, %v", srcs, err)
	}
}

// TestXLSXAgainstExcelize reads a workbook written by excelize and compares every row with
// what excelize itself reads, and checks that nothing was written to the temporary directory.
func TestXLSXAgainstExcelize(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	dateFmt := "dd/mm/yyyy"
	style, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	rows := [][]any{
		{"Mobile No", "Beneficiary Name", "Date of Birth", "Notes"},
		{"9876543210", "Rani Fernandes", time.Date(1997, 3, 12, 0, 0, 0, 0, time.UTC), "it's \"quoted\", <b>&amp;</b>"},
		{9876543211, "  PRAKASH   pandey ", time.Date(1962, 12, 1, 0, 0, 0, 0, time.UTC), "line\nbreak"},
		{"", "", nil, ""},
		{"+91 98765 43212", "Zoë Ñandú", time.Date(2001, 1, 31, 0, 0, 0, 0, time.UTC), "=SUM(1,2)"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			f.SetCellStyle("Sheet1", "C"+itoa(i+1), "C"+itoa(i+1), style)
		}
	}
	path := filepath.Join(t.TempDir(), "e.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	ref, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	refRows, err := ref.GetRows("Sheet1", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}

	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	srcs, err := Sources(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, c, err := srcs[0].Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := drain(t, r)
	c.Close()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(r.Columns(), "|") != strings.Join(refRows[0], "|") {
		t.Errorf("columns %q, excelize %q", r.Columns(), refRows[0])
	}
	wantDates := []string{"1997-03-12", "1962-12-01", "2001-01-31"}
	j := 0
	for i, rr := range refRows[1:] {
		if strings.Join(rr, "") == "" {
			continue // an empty row: skipped
		}
		if j >= len(got) {
			t.Fatalf("only %d records", len(got))
		}
		g := got[j]
		if g.Line != int64(i+2) {
			t.Errorf("record %d at line %d, want %d", j, g.Line, i+2)
		}
		for k := range rr {
			want := rr[k]
			if k == 2 {
				want = wantDates[j] // excelize gives the serial number raw
			}
			if g.Values[k] != want {
				t.Errorf("row %d column %d: %q, excelize %q", i+2, k, g.Values[k], want)
			}
		}
		j++
	}
	if j != len(got) {
		t.Errorf("%d records, excelize %d", len(got), j)
	}
	if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
		t.Errorf("files left in the temporary directory: %v", ents)
	}
}

func itoa(i int) string { return strings.TrimLeft(strings.Repeat("0", 1)+string(rune('0'+i)), "0") }

func TestXLSXRowLimit(t *testing.T) {
	big := strings.Repeat("x", 4<<20)
	sheet := `<row><c t="inlineStr"><is><t>a</t></is></c></row><row r="2"><c t="inlineStr"><is><t>ok</t></is></c></row><row r="3"><c t="inlineStr"><is><t>` + big + `</t></is></c></row>`
	_, got, err := readXLSX(t, handXLSX(t, sheet, "", "", false), Options{MaxLineBytes: 1 << 20})
	if err == nil || !strings.Contains(err.Error(), "row 3: longer than 3 MiB of XML; the sheet cannot be read past it") || len(got) != 1 {
		t.Errorf("got %d results, %v", len(got), err)
	}
}

func TestXLSXDateFormats(t *testing.T) {
	for code, want := range map[string]bool{
		"dd/mm/yyyy": true, "[$-409]d-mmm-yy;@": true, "yyyy\"年\"m\"月\"": true, "General": false, "0.00": false,
		"#,##0": false, "mm:ss": false, "[h]:mm": false, `"day" 0`: false, `0\d`: false, "[Red]0.0": false,
	} {
		if got := isDateFormatCode(code); got != want {
			t.Errorf("isDateFormatCode(%q) = %v", code, got)
		}
	}
	for _, tc := range []struct {
		f    float64
		want string
	}{{1, "1900-01-01"}, {59, "1900-02-28"}, {61, "1900-03-01"}, {32944, "1990-03-12"}, {32944.5, "1990-03-12 12:00:00"}, {45000.000001, "2023-03-15"}, {45000.99999999, "2023-03-16"}} {
		if got, ok := serialDate(tc.f, false); !ok || got != tc.want {
			t.Errorf("serialDate(%v) = %q, %v; want %q", tc.f, got, ok, tc.want)
		}
	}
	for _, f := range []float64{0, 60, -1, 3e6} {
		if got, ok := serialDate(f, false); ok {
			t.Errorf("serialDate(%v) = %q", f, got)
		}
	}
}
