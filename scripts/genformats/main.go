// Command genformats writes fixtures/formats: the invented people of fixtures/dump_leak.csv
// delivered the ways real dumps arrive (semicolon CSV with dates of birth, a chat-bot export,
// gzip JSON Lines, a JSON array, MySQL and PostgreSQL dumps, an xlsx workbook, a zip archive,
// UTF-16 text), and the same bot export with masked Aadhaar numbers. Built into a filter and
// checked against fixtures/registry.csv, each must give the match counts of
// fixtures/expected.json (cmd/leakcheck/testdata/formats.txtar checks this).
//
// The output is deterministic (fixed seed, fixed timestamps):
//
//	go run ./scripts/genformats -in fixtures -out fixtures/formats
//
// Every person is invented; see fixtures/README.md.
package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// row is one person of dump_leak.csv, with the values exactly as written there.
type row struct {
	phone, name, yob, sex, aadhaar string
	dob                            time.Time // invented, in the year of yob
}

// fixedTime is the timestamp written into archives and workbooks.
var fixedTime = time.Date(2023, 6, 12, 10, 0, 0, 0, time.UTC)

func readDump(dir string) ([]row, error) {
	f, err := os.Open(filepath.Join(dir, "dump_leak.csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	if want := []string{"Mobile No", "Beneficiary Name", "Year of Birth", "Sex", "Aadhaar No"}; !slices.Equal(recs[0], want) {
		return nil, fmt.Errorf("dump_leak.csv: header %q, want %q", recs[0], want)
	}
	rng := rand.New(rand.NewPCG(0x666f726d617473, 2023)) // "formats"
	var rows []row
	for _, r := range recs[1:] {
		y, err := strconv.Atoi(r[2])
		if err != nil {
			return nil, fmt.Errorf("dump_leak.csv: year %q", r[2])
		}
		d := time.Date(y, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		rows = append(rows, row{r[0], r[1], r[2], r[3], r[4], d})
	}
	return rows, nil
}

// note is free text for a few rows, full of characters that formats must escape. It is not
// personal data.
func note(i int) string {
	switch i % 9 {
	case 2:
		return `Called twice; said "ok", it's fine (see C:\temp\log)`
	case 5:
		return "Follow-up:\nsecond dose, 50% done\tclinic #4"
	case 7:
		return "=HYPERLINK(\"http://example.invalid\",\"click\")"
	}
	return ""
}

// ---------------------------------------------------------------------------

func semicolonDOB(rows []row) []byte {
	var b bytes.Buffer
	b.WriteString("\ufeffMobile Number;Full Name;Date of Birth;Gender;Aadhaar Number;Remarks\r\n")
	for i, r := range rows {
		fields := []string{r.phone, r.name, r.dob.Format("02/01/2006"), r.sex, r.aadhaar, note(i)}
		for j, f := range fields {
			if j > 0 {
				b.WriteByte(';')
			}
			if strings.ContainsAny(f, ";\"\r\n") || strings.TrimSpace(f) != f {
				f = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
			}
			b.WriteString(f)
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// botExport writes the people as a Telegram bot answered them. masked replaces the Aadhaar
// number by its masked form.
func botExport(rows []row, masked bool) []byte {
	var b bytes.Buffer
	b.WriteString("CoWIN Lookup Bot — export\nQueries answered: " + strconv.Itoa(len(rows)) + "\n\n")
	for i, r := range rows {
		fmt.Fprintf(&b, "🔎 Result %d\n", i+1)
		fmt.Fprintf(&b, "👤 Beneficiary Name: %s\n", r.name)
		switch i % 3 {
		case 0:
			fmt.Fprintf(&b, "📱 Mobile: %s\n", r.phone)
		case 1:
			fmt.Fprintf(&b, "📱 Mobile - %s\n", r.phone)
		default:
			fmt.Fprintf(&b, "• Mobile : %s\n", r.phone)
		}
		fmt.Fprintf(&b, "🎂 Year of Birth: %s\n", r.yob)
		fmt.Fprintf(&b, "⚧ Gender: %s\n", r.sex)
		id := r.aadhaar
		if masked && id != "" {
			d := strings.NewReplacer(" ", "", "-", "").Replace(id)
			if i%2 == 0 {
				id = "XXXX XXXX " + d[8:]
			} else {
				id = "********" + d[8:]
			}
		}
		switch {
		case id != "":
			fmt.Fprintf(&b, "🆔 Aadhaar: %s\n", id)
		case i%2 == 0:
			b.WriteString("🆔 Aadhaar: N/A\n")
		}
		if i%4 == 3 {
			b.WriteString("━━━━━━━━━━━━\n")
		} else {
			b.WriteString("\n")
		}
	}
	return b.Bytes()
}

func gzipped(name string, data []byte) []byte {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	w.Name, w.ModTime = name, fixedTime
	w.Write(data)
	w.Close()
	return b.Bytes()
}

type jsonPerson struct {
	Beneficiary struct {
		Name   string `json:"name"`
		YOB    int    `json:"yob"`
		Gender string `json:"gender"`
	} `json:"beneficiary"`
	Contact struct {
		Mobile string `json:"mobile"`
	} `json:"contact"`
	IDs struct {
		Aadhaar *string `json:"aadhaar"`
	} `json:"ids"`
	Doses []int  `json:"doses"`
	Note  string `json:"note,omitempty"`
}

func jsonPeople(rows []row) []jsonPerson {
	out := make([]jsonPerson, len(rows))
	for i, r := range rows {
		p := &out[i]
		p.Beneficiary.Name, p.Beneficiary.Gender = r.name, r.sex
		p.Beneficiary.YOB, _ = strconv.Atoi(r.yob)
		p.Contact.Mobile = r.phone
		if r.aadhaar != "" {
			a := r.aadhaar
			p.IDs.Aadhaar = &a
		}
		p.Doses = []int{1, 2}[:1+i%2]
		p.Note = note(i)
	}
	return out
}

func jsonLines(rows []row) []byte {
	var b bytes.Buffer
	for _, p := range jsonPeople(rows) {
		j, _ := json.Marshal(p)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func jsonArray(rows []row) []byte {
	j, _ := json.MarshalIndent(jsonPeople(rows), "", "  ")
	return append(j, '\n')
}

// sqlString quotes a MySQL string.
func sqlString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return "'" + r.Replace(s) + "'"
}

func mysqlDump(rows []row) []byte {
	var b bytes.Buffer
	b.WriteString(`-- MySQL dump 10.13  Distrib 8.0.33, for Linux (x86_64)
--
-- Host: localhost    Database: cowin_mirror
-- ------------------------------------------------------
-- Server version	8.0.33

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!50503 SET NAMES utf8mb4 */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;

--
-- Table structure for table ` + "`beneficiaries`" + `
--

DROP TABLE IF EXISTS ` + "`beneficiaries`" + `;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
CREATE TABLE ` + "`beneficiaries`" + ` (
  ` + "`id`" + ` int NOT NULL AUTO_INCREMENT,
  ` + "`mobile_no`" + ` varchar(20) NOT NULL DEFAULT '',
  ` + "`beneficiary_name`" + ` varchar(100) DEFAULT NULL COMMENT 'as on photo id, e.g. ''Name, Jr''',
  ` + "`year_of_birth`" + ` smallint DEFAULT NULL,
  ` + "`gender`" + ` enum('Male','Female','Other','M','F','male','female','MALE','FEMALE','m','f') DEFAULT NULL,
  ` + "`aadhaar_no`" + ` char(14) DEFAULT NULL,
  ` + "`remarks`" + ` text,
  ` + "`created_at`" + ` datetime DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (` + "`id`" + `),
  KEY ` + "`idx_mobile`" + ` (` + "`mobile_no`" + `)
) ENGINE=InnoDB AUTO_INCREMENT=241 DEFAULT CHARSET=utf8mb4;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table ` + "`beneficiaries`" + `
--

LOCK TABLES ` + "`beneficiaries`" + ` WRITE;
/*!40000 ALTER TABLE ` + "`beneficiaries`" + ` DISABLE KEYS */;
`)
	for start := 0; start < len(rows); start += 100 {
		b.WriteString("INSERT INTO `beneficiaries` VALUES ")
		for i := start; i < min(start+100, len(rows)); i++ {
			r := rows[i]
			if i > start {
				b.WriteByte(',')
			}
			aadhaar := "NULL"
			if r.aadhaar != "" {
				aadhaar = sqlString(r.aadhaar)
			}
			remarks := "NULL"
			if n := note(i); n != "" {
				remarks = sqlString(n)
			}
			fmt.Fprintf(&b, "(%d,%s,%s,%s,%s,%s,%s,'2021-05-%02d 10:%02d:00')", i+1, sqlString(r.phone),
				sqlString(r.name), r.yob, sqlString(r.sex), aadhaar, remarks, 1+i%28, i%60)
		}
		b.WriteString(";\n")
	}
	b.WriteString("/*!40000 ALTER TABLE `beneficiaries` ENABLE KEYS */;\nUNLOCK TABLES;\n\n")
	// A second table, of no interest, so that the dump must be read with --table.
	b.WriteString("DROP TABLE IF EXISTS `sessions`;\nCREATE TABLE `sessions` (\n  `id` int NOT NULL,\n  `token` varchar(64) NOT NULL,\n  `agent` varchar(200) DEFAULT NULL\n) ENGINE=InnoDB;\n")
	b.WriteString("LOCK TABLES `sessions` WRITE;\nINSERT INTO `sessions` (`id`, `token`, `agent`) VALUES (1,'a1b2c3','Mozilla/5.0 (X11; Linux); it\\'s \\\"quoted\\\"'),(2,'d4e5f6',NULL);\nUNLOCK TABLES;\n")
	b.WriteString("/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n\n-- Dump completed on 2023-06-12 10:00:00\n")
	return b.Bytes()
}

// copyField escapes a value for COPY's text format.
func copyField(s string) string {
	if s == "" {
		return `\N`
	}
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(s)
}

func pgDump(rows []row) []byte {
	var b bytes.Buffer
	b.WriteString(`--
-- PostgreSQL database dump
--

-- Dumped from database version 15.3
-- Dumped by pg_dump version 15.3

SET statement_timeout = 0;
SET lock_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;

--
-- Name: touch(); Type: FUNCTION; Schema: public; Owner: cowin
--

CREATE FUNCTION public.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  NEW.updated_at := now(); -- a ';' inside the body
  RETURN NEW;
END;
$$;

SET default_tablespace = '';

--
-- Name: people; Type: TABLE; Schema: public; Owner: cowin
--

CREATE TABLE public.people (
    ref_id character varying(16) NOT NULL,
    mobile text,
    full_name text,
    birth_year integer,
    sex character varying(8),
    photo_id_number text,
    remarks text
);

--
-- Data for Name: people; Type: TABLE DATA; Schema: public; Owner: cowin
--

COPY public.people (ref_id, mobile, full_name, birth_year, sex, photo_id_number, remarks) FROM stdin;
`)
	for i, r := range rows {
		fields := []string{fmt.Sprintf("P%05d", i+1), r.phone, r.name, r.yob, r.sex, r.aadhaar, note(i)}
		for j, f := range fields {
			if j > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(copyField(f))
		}
		b.WriteByte('\n')
	}
	b.WriteString(`\.


--
-- Name: people people_pkey; Type: CONSTRAINT; Schema: public; Owner: cowin
--

ALTER TABLE ONLY public.people
    ADD CONSTRAINT people_pkey PRIMARY KEY (ref_id);

--
-- PostgreSQL database dump complete
--

`)
	return b.Bytes()
}

func xlsxWorkbook(rows []row) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Beneficiaries"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	f.SetDocProps(&excelize.DocProperties{Creator: "genformats", Created: fixedTime.Format(time.RFC3339),
		Modified: fixedTime.Format(time.RFC3339)})
	dateFmt := "dd/mm/yyyy"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, err
	}
	header := []any{"Mobile No", "Beneficiary Name", "Date of Birth", "Sex", "Aadhaar No", "Remarks"}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return nil, err
	}
	for i, r := range rows {
		cell := fmt.Sprintf("A%d", i+2)
		vals := []any{r.phone, r.name, r.dob, r.sex, r.aadhaar, note(i)}
		if n, err := strconv.Atoi(r.phone); err == nil && i%5 == 0 {
			vals[0] = n // some phone numbers typed as numbers, as people do
		}
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle(sheet, fmt.Sprintf("C%d", i+2), fmt.Sprintf("C%d", i+2), dateStyle); err != nil {
			return nil, err
		}
	}
	// A second sheet that is not the data.
	if _, err := f.NewSheet("Notes"); err != nil {
		return nil, err
	}
	f.SetCellValue("Notes", "A1", "Exported from the lookup bot's cache")
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, err
	}
	return normalizeZip(b.Bytes())
}

// normalizeZip rewrites a zip archive with fixed timestamps, so that it is the same on every
// run.
func normalizeZip(data []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		var content bytes.Buffer
		_, err = content.ReadFrom(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: fixedTime})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(content.Bytes()); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// partsZip splits the people into a plain CSV and a gzip CSV inside one zip archive, with the
// clutter real archives have (a hidden file, a macOS resource fork, a folder).
func partsZip(rows []row) ([]byte, error) {
	csvOf := func(rs []row) []byte {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.Write([]string{"Mobile No", "Beneficiary Name", "Year of Birth", "Sex", "Aadhaar No"})
		for _, r := range rs {
			w.Write([]string{r.phone, r.name, r.yob, r.sex, r.aadhaar})
		}
		w.Flush()
		return b.Bytes()
	}
	half := len(rows) / 2
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	add := func(name string, data []byte, method uint16) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: fixedTime})
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
	for _, m := range []struct {
		name   string
		data   []byte
		method uint16
	}{
		{"leak/", nil, zip.Store},
		{"leak/part1.csv", csvOf(rows[:half]), zip.Deflate},
		{"leak/part2.csv.gz", gzipped("part2.csv", csvOf(rows[half:])), zip.Store},
		{"leak/.DS_Store", []byte("\x00\x00\x00\x01Bud1"), zip.Store},
		{"__MACOSX/leak/._part1.csv", []byte("\x00\x05\x16\x07resource fork"), zip.Store},
	} {
		if err := add(m.name, m.data, m.method); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// utf16Tabs is what Excel's "Unicode Text" export writes: UTF-16 LE with a byte order mark,
// tab-separated, CRLF.
func utf16Tabs(rows []row) []byte {
	var s strings.Builder
	s.WriteString("Mobile No\tBeneficiary Name\tYear of Birth\tSex\tAadhaar No\r\n")
	for _, r := range rows {
		fmt.Fprintf(&s, "%s\t%s\t%s\t%s\t%s\r\n", r.phone, strings.TrimSpace(r.name), r.yob, r.sex, r.aadhaar)
	}
	u := utf16.Encode([]rune(s.String()))
	b := []byte{0xff, 0xfe}
	for _, c := range u {
		b = append(b, byte(c), byte(c>>8))
	}
	return b
}

// ---------------------------------------------------------------------------
// The expected counts for phone+national_id_last4, from canonical values.

func canonPhone(s string) (string, bool) {
	var d []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			d = append(d, s[i])
		}
	}
	switch {
	case len(d) == 12 && d[0] == '9' && d[1] == '1':
		d = d[2:]
	case len(d) == 11 && d[0] == '0':
		d = d[1:]
	}
	if len(d) != 10 || d[0] < '6' {
		return "", false
	}
	return "+91" + string(d), true
}

func last4(s string) (string, bool) {
	d := strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s))
	if len(d) != 12 || strings.Trim(d, "0123456789") != "" {
		return "", false
	}
	return d[8:], true
}

// Last4Expected is the ground truth of checking the registry against the masked bot export
// with the index phone+national_id_last4.
type Last4Expected struct {
	About       string `json:"about"`
	Index       string `json:"index"`
	Checked     int    `json:"checked"`
	Matches     int    `json:"matches"`
	DumpEntries int    `json:"dump_entries"`
}

func last4Counts(dir string, rows []row) (Last4Expected, error) {
	f, err := os.Open(filepath.Join(dir, "registry.csv"))
	if err != nil {
		return Last4Expected{}, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		return Last4Expected{}, err
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	dump := map[string]bool{}
	for _, r := range rows {
		p, ok1 := canonPhone(r.phone)
		l, ok2 := last4(r.aadhaar)
		if ok1 && ok2 {
			dump[p+"|"+l] = true
		}
	}
	e := Last4Expected{
		About: "registry.csv checked against leak_masked_bot.txt built with --index phone+national_id_last4: " +
			"registry rows with a valid phone and a valid Aadhaar-like number (its last 4 digits derived), and how many of those the masked dump holds",
		Index: "phone+national_id_last4", DumpEntries: len(dump),
	}
	for _, rec := range recs[1:] {
		if len(rec) != len(recs[0]) {
			continue
		}
		p, ok1 := canonPhone(rec[col["mobile_number"]])
		l, ok2 := last4(rec[col["photo_id_number"]])
		if !ok1 || !ok2 {
			continue
		}
		e.Checked++
		if dump[p+"|"+l] {
			e.Matches++
		}
	}
	return e, nil
}

// ---------------------------------------------------------------------------

const readme = `# Input format fixtures

Generated by ` + "`scripts/genformats`" + ` from ` + "`../dump_leak.csv`" + `; do not edit by hand. Regenerate with

    go run ./scripts/genformats -in fixtures -out fixtures/formats

**Every person here is invented** (see ../README.md). Each file holds the 240 people of
dump_leak.csv; built into a filter and checked against ../registry.csv, each gives the dump_leak
counts of ../expected.json (phone 212, national_id 141, phone+name, phone+yob, phone+name+yob and
phone+name+yob+gender 200). ` + "`cmd/leakcheck/testdata/formats.txtar`" + ` checks exactly that.

| file | what it is |
| --- | --- |
| ` + "`leak_semicolon_dob.csv`" + ` | semicolon-separated, UTF-8 with BOM, CRLF; date of birth dd/mm/yyyy instead of year of birth (the year is derived); a remarks column with quotes, newlines and a formula-like value |
| ` + "`leak_bot.txt`" + ` | a chat-bot export: "Key: Value" blocks with emoji, "Key - Value" and bullet variants, separator lines and titles |
| ` + "`leak.jsonl.gz`" + ` | gzip JSON Lines with nested objects (` + "`contact.mobile`" + `, ` + "`beneficiary.yob`" + `, ` + "`ids.aadhaar`" + `), null for a missing Aadhaar |
| ` + "`leak_array.json`" + ` | the same objects as one indented JSON array |
| ` + "`leak_mysql.sql`" + ` | a mysqldump: CREATE TABLE, extended INSERTs without column names, escaped strings, NULL, and a second table (read it with --table beneficiaries) |
| ` + "`leak_pg.sql`" + ` | a pg_dump: COPY … FROM stdin with \N and backslash escapes, a dollar-quoted function body |
| ` + "`leak.xlsx`" + ` | an Excel workbook written by excelize: dates of birth as date cells, some phones as numbers, a second sheet |
| ` + "`leak_parts.zip`" + ` | a zip archive: leak/part1.csv and leak/part2.csv.gz (stored), plus a hidden file and a macOS resource fork that are skipped |
| ` + "`leak_utf16.txt`" + ` | UTF-16 LE with BOM, tab-separated (Excel's "Unicode Text") |
| ` + "`leak_masked_bot.txt`" + ` | the bot export with Aadhaar numbers masked (` + "`XXXX XXXX 1234`" + `, ` + "`********1234`" + `): only national_id_last4 can be formed from them |
| ` + "`expected_last4.json`" + ` | the counts for phone+national_id_last4 from the masked export |
`

func generate(in string) (map[string][]byte, error) {
	rows, err := readDump(in)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{
		"README.md":              []byte(readme),
		"leak_semicolon_dob.csv": semicolonDOB(rows),
		"leak_bot.txt":           botExport(rows, false),
		"leak_masked_bot.txt":    botExport(rows, true),
		"leak.jsonl.gz":          gzipped("leak.jsonl", jsonLines(rows)),
		"leak_array.json":        jsonArray(rows),
		"leak_mysql.sql":         mysqlDump(rows),
		"leak_pg.sql":            pgDump(rows),
		"leak_utf16.txt":         utf16Tabs(rows),
	}
	if out["leak.xlsx"], err = xlsxWorkbook(rows); err != nil {
		return nil, err
	}
	if out["leak_parts.zip"], err = partsZip(rows); err != nil {
		return nil, err
	}
	e, err := last4Counts(in, rows)
	if err != nil {
		return nil, err
	}
	j, _ := json.MarshalIndent(e, "", "  ")
	out["expected_last4.json"] = append(j, '\n')
	return out, nil
}

func write(in, out string) error {
	files, err := generate(in)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	in := flag.String("in", "fixtures", "directory holding dump_leak.csv and registry.csv")
	out := flag.String("out", "fixtures/formats", "directory to write the format fixtures into")
	flag.Parse()
	if err := write(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "genformats:", err)
		os.Exit(1)
	}
}
