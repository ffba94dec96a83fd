package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// fixturesDir is the committed fixtures folder, seen from this package.
const fixturesDir = "../../fixtures"

// TestFixturesUpToDate regenerates the fixtures into a temporary folder and
// requires them to be byte-identical to the committed ones.
func TestFixturesUpToDate(t *testing.T) {
	tmp := t.TempDir()
	if err := write(tmp); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("generator wrote no files")
	}
	for _, e := range entries {
		got, err := os.ReadFile(filepath.Join(tmp, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(fixturesDir, e.Name()))
		if err != nil {
			t.Errorf("fixtures/%s: %v (run: go run ./scripts/genfixtures -out fixtures)", e.Name(), err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("fixtures/%s differs from the generator's output at line %d (run: go run ./scripts/genfixtures -out fixtures)",
				e.Name(), firstDiffLine(got, want))
		}
	}
}

func TestGeneratorDeterministic(t *testing.T) {
	a, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	b, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

func firstDiffLine(a, b []byte) int {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := 0; i < len(la) && i < len(lb); i++ {
		if !bytes.Equal(la[i], lb[i]) {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

func TestVerhoeff(t *testing.T) {
	// The permutation table holds the powers of its first row, the eighth
	// being the identity, and inv inverts in the dihedral group d.
	for i := 1; i <= 8; i++ {
		for j := range 10 {
			if got, want := verhoeffP[1][verhoeffP[i-1][j]], verhoeffP[i%8][j]; got != want {
				t.Fatalf("verhoeffP[%d][%d] = %d, want %d", i%8, j, want, got)
			}
		}
	}
	for x := range 10 {
		if verhoeffD[x][verhoeffInv[x]] != 0 {
			t.Fatalf("verhoeffInv[%d] is not the inverse of %d", x, x)
		}
	}
	// 236 -> 3, 12345 -> 1 and 142857 -> 0 are the published examples; the
	// longer ones come from an independent implementation that builds the
	// dihedral group and the permutation powers from scratch.
	for _, c := range []struct {
		in   string
		want byte
	}{
		{"236", '3'}, {"12345", '1'}, {"142857", '0'}, {"8473643095", '0'},
		{"23456789012", '4'}, {"99999999999", '9'}, {"66666666666", '6'}, {"87878787878", '6'},
	} {
		if got := verhoeffDigit(c.in); got != c.want {
			t.Errorf("verhoeffDigit(%s) = %c, want %c", c.in, got, c.want)
		}
		if !verhoeffValid(c.in + string(c.want)) {
			t.Errorf("verhoeffValid(%s%c) = false", c.in, c.want)
		}
	}
	if verhoeffValid("2364") || verhoeffValid("") || verhoeffValid("23a3") {
		t.Error("verhoeffValid accepts an invalid string")
	}
	// Every Aadhaar-like number in the fixtures is valid, and every
	// single-digit change or adjacent transposition of it is caught.
	n := 0
	for _, id := range readLines(t, "identifiers.txt") {
		if len(id) != 12 || strings.Trim(id, "0123456789") != "" {
			continue
		}
		n++
		if id[0] < '2' || !verhoeffValid(id) {
			t.Errorf("identifier %s is not a valid Aadhaar-like number", id)
		}
		for i := range 12 {
			b := []byte(id)
			b[i] = '0' + (b[i]-'0'+1)%10
			if verhoeffValid(string(b)) {
				t.Errorf("verhoeffValid(%s) = true after changing digit %d of %s", b, i, id)
			}
			if i < 11 && id[i] != id[i+1] {
				b := []byte(id)
				b[i], b[i+1] = b[i+1], b[i]
				if verhoeffValid(string(b)) {
					t.Errorf("verhoeffValid(%s) = true after transposing digits %d,%d of %s", b, i, i+1, id)
				}
			}
		}
	}
	if n < 500 {
		t.Errorf("only %d Aadhaar-like numbers in identifiers.txt", n)
	}
}

// ---------------------------------------------------------------------------
// An independent reading of the committed files, to check expected.json
// against what the files actually say rather than against the generator's
// in-memory data.

func readLines(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixturesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func readCSV(t *testing.T, name string) (header []string, rows [][]string) {
	t.Helper()
	f, err := os.Open(filepath.Join(fixturesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return recs[0], recs[1:]
}

func testCanonPhone(s string) (string, bool) {
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

func testCanon(field, v string) (string, bool) {
	v = strings.TrimSpace(v)
	switch field {
	case fPhone:
		return testCanonPhone(v)
	case fName:
		n := strings.ToLower(strings.Join(strings.Fields(v), " "))
		return n, n != ""
	case fYOB:
		y, err := strconv.Atoi(v)
		return v, err == nil && len(v) == 4 && y >= 1900 && y <= 2025
	case fGender:
		switch strings.ToLower(v) {
		case "m", "male":
			return "M", true
		case "f", "female":
			return "F", true
		case "o", "other":
			return "O", true
		}
		return "", false
	case fNID:
		d := strings.NewReplacer(" ", "", "-", "").Replace(v)
		return d, len(d) == 12 && d[0] >= '2' && verhoeffValid(d)
	}
	return "", false
}

// readCanon reads a fixture and returns, per data row, its valid canonical
// fields; a row whose field count differs from the header's is nil.
func readCanon(t *testing.T, name string, fieldMap map[string]string) (rows []map[string]string, raw [][]string) {
	t.Helper()
	header, recs := readCSV(t, name)
	for _, rec := range recs {
		if len(rec) != len(header) {
			rows = append(rows, nil)
			continue
		}
		c := map[string]string{}
		for i, h := range header {
			f, ok := fieldMap[h]
			if !ok {
				continue
			}
			if v, ok := testCanon(f, rec[i]); ok {
				c[f] = v
			}
		}
		rows = append(rows, c)
	}
	return rows, recs
}

func key(c map[string]string, fields []string) (string, bool) {
	var parts []string
	for _, f := range fields {
		v, ok := c[f]
		if !ok {
			return "", false
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, "|"), true
}

func loadExpected(t *testing.T) Expected {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixturesDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e Expected
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestExpectedMatchesFiles(t *testing.T) {
	e := loadExpected(t)
	reg, regRaw := readCanon(t, e.Registry.File, e.Registry.FieldMap)
	if e.Registry.Rows != len(reg) {
		t.Errorf("registry rows = %d, file has %d", e.Registry.Rows, len(reg))
	}

	// Bad rows: exactly three, at the stated lines, of the stated kinds.
	if len(e.Registry.BadRows) != 3 {
		t.Fatalf("want 3 bad rows, got %d", len(e.Registry.BadRows))
	}
	skipped := 0
	for _, c := range reg {
		if c == nil {
			skipped++
		}
	}
	if skipped != 1 || e.Registry.SkippedRows != 1 {
		t.Errorf("skipped rows: file %d, expected.json %d, want 1", skipped, e.Registry.SkippedRows)
	}
	badLines := map[int]bool{}
	for _, br := range e.Registry.BadRows {
		badLines[br.Line] = true
		i := br.Line - 2
		rec, c := regRaw[i], reg[i]
		switch br.Reason {
		case "ragged_row":
			if c != nil || len(rec) >= len(registryHeader) || !br.Skipped {
				t.Errorf("line %d is not a skipped ragged row: %q", br.Line, rec)
			}
		case "invalid_phone":
			if c == nil || rec[2] != "12345" || len(c) != 3 || c[fPhone] != "" || c[fNID] != "" {
				t.Errorf("line %d is not the invalid-phone row: %q", br.Line, rec)
			}
		case "invalid_birth_year":
			if c == nil || rec[3] != "unknown" || c[fPhone] == "" || c[fName] == "" || c[fYOB] != "" || c[fNID] != "" {
				t.Errorf("line %d is not the unknown-year row: %q", br.Line, rec)
			}
		default:
			t.Errorf("unknown bad row reason %q", br.Reason)
		}
		var counts []string
		if c != nil {
			for _, ix := range allIndexes {
				if _, ok := key(c, ix.fields); ok {
					counts = append(counts, ix.name)
				}
			}
		}
		if !slices.Equal(counts, br.CountsFor) {
			t.Errorf("line %d counts for %v, expected.json says %v", br.Line, counts, br.CountsFor)
		}
	}
	// Every other registry row has all five fields valid except that
	// photo_id_number may be empty.
	for i, c := range reg {
		if badLines[i+2] {
			continue
		}
		for _, f := range []string{fPhone, fName, fYOB, fGender} {
			if _, ok := c[f]; !ok {
				t.Errorf("registry line %d: invalid %s: %q", i+2, f, regRaw[i])
			}
		}
		if _, ok := c[fNID]; !ok && regRaw[i][5] != "" {
			t.Errorf("registry line %d: invalid photo_id_number %q", i+2, regRaw[i][5])
		}
	}

	// Default indexes and their counts, for every dump.
	wantDumps := []string{"dump_leak", "dump_unrelated", "dump_phonelist"}
	if !slices.Equal(e.DumpOrder, wantDumps) {
		t.Errorf("dump_order = %v, want %v", e.DumpOrder, wantDumps)
	}
	for _, name := range wantDumps {
		de, ok := e.Dumps[name]
		if !ok {
			t.Errorf("expected.json lacks %s", name)
			continue
		}
		header, _ := readCSV(t, de.File)
		if !slices.Equal(header, de.Header) {
			t.Errorf("%s: header %v, expected.json says %v", de.File, header, de.Header)
		}
		dump, _ := readCanon(t, de.File, de.FieldMap)
		if de.Rows != len(dump) {
			t.Errorf("%s: rows = %d, file has %d", de.File, de.Rows, len(dump))
		}
		has := map[string]bool{}
		for _, f := range de.FieldMap {
			has[f] = true
		}
		var order []string
		for _, id := range []string{fPhone, fNID} {
			if has[id] {
				order = append(order, id)
			}
		}
		for _, combo := range []string{"phone+name", "phone+yob", "phone+name+yob", "phone+name+yob+gender"} {
			all := true
			for _, f := range strings.Split(combo, "+") {
				all = all && has[f]
			}
			if all {
				order = append(order, combo)
			}
		}
		if !slices.Equal(order, de.IndexOrder) {
			t.Errorf("%s: index_order = %v, want %v", name, de.IndexOrder, order)
		}
		for _, ixn := range order {
			ix := de.Indexes[ixn]
			fields := strings.Split(ixn, "+")
			if !slices.Equal(fields, ix.Fields) {
				t.Errorf("%s %s: fields %v", name, ixn, ix.Fields)
			}
			set := map[string]bool{}
			for _, c := range dump {
				if k, ok := key(c, fields); ok {
					set[k] = true
				}
			}
			checked, matches := 0, 0
			for _, c := range reg {
				if k, ok := key(c, fields); ok {
					checked++
					if set[k] {
						matches++
					}
				}
			}
			got := IndexExp{Fields: fields, Checked: checked, Matches: matches, DumpEntries: len(set)}
			if got.Checked != ix.Checked || got.Matches != ix.Matches || got.DumpEntries != ix.DumpEntries {
				t.Errorf("%s %s: files give checked=%d matches=%d dump_entries=%d, expected.json says %d/%d/%d",
					name, ixn, got.Checked, got.Matches, got.DumpEntries, ix.Checked, ix.Matches, ix.DumpEntries)
			}
		}
	}
	if e.Dumps["dump_leak"].VerdictExpected != "exposed" ||
		e.Dumps["dump_unrelated"].VerdictExpected != "not_exposed" ||
		e.Dumps["dump_phonelist"].VerdictExpected != "not_exposed" {
		t.Error("wrong verdict_expected")
	}
}

// TestDumpConstruction checks the promises each dump makes about its
// relation to the registry.
func TestDumpConstruction(t *testing.T) {
	e := loadExpected(t)
	reg, _ := readCanon(t, e.Registry.File, e.Registry.FieldMap)
	byPhone := map[string][]map[string]string{}
	names, nids := map[string]bool{}, map[string]bool{}
	full := map[string]bool{}
	all := []string{fPhone, fName, fYOB, fGender}
	for _, c := range reg {
		if c == nil {
			continue
		}
		names[c[fName]] = true
		if p, ok := c[fPhone]; ok {
			byPhone[p] = append(byPhone[p], c)
		}
		if n, ok := c[fNID]; ok {
			if nids[n] {
				t.Errorf("registry Aadhaar %s repeated", n)
			}
			nids[n] = true
		}
		if k, ok := key(c, all); ok {
			full[k+"|"+c[fNID]] = true
		}
	}
	shared := 0
	for p, cs := range byPhone {
		switch len(cs) {
		case 1:
		case 2:
			shared++
			if cs[0][fName] == cs[1][fName] || cs[0][fYOB] == cs[1][fYOB] {
				t.Errorf("family phone %s: members share name or year", p)
			}
		default:
			t.Errorf("phone %s used by %d registry rows", p, len(cs))
		}
	}
	if shared != e.Registry.SharedPhones || shared < 40 {
		t.Errorf("shared phones = %d, expected.json says %d", shared, e.Registry.SharedPhones)
	}
	share := float64(e.Registry.ValidValues[fNID]) / float64(e.Registry.Rows)
	if share < 0.65 || share > 0.75 {
		t.Errorf("photo_id_number share %.2f, want about 0.70", share)
	}

	// dump_leak: registry people copied whole, invented people wholly new.
	de := e.Dumps["dump_leak"]
	leak, raw := readCanon(t, de.File, de.FieldMap)
	fromReg, invented := 0, 0
	for i, c := range leak {
		if k, ok := key(c, all); ok && full[k+"|"+c[fNID]] {
			fromReg++
			continue
		}
		if len(byPhone[c[fPhone]]) > 0 || nids[c[fNID]] || names[c[fName]] {
			t.Errorf("dump_leak row %d is neither a registry person nor new: %q", i+2, raw[i])
		}
		invented++
	}
	if fromReg != de.RegistryPeople || invented != de.InventedPeople || fromReg != 200 || invented != 40 {
		t.Errorf("dump_leak: %d registry + %d invented, expected.json says %d + %d", fromReg, invented, de.RegistryPeople, de.InventedPeople)
	}

	// dump_unrelated: no phone, no name (so no name+year) in the registry.
	de = e.Dumps["dump_unrelated"]
	unrel, raw := readCanon(t, de.File, de.FieldMap)
	for i, c := range unrel {
		if len(c) != 4 || len(byPhone[c[fPhone]]) > 0 || names[c[fName]] {
			t.Errorf("dump_unrelated row %d overlaps the registry or is invalid: %q", i+2, raw[i])
		}
	}

	// dump_phonelist: registry phones, never a registry name, never the
	// year of anyone with that phone.
	de = e.Dumps["dump_phonelist"]
	pl, raw := readCanon(t, de.File, de.FieldMap)
	seen := map[string]bool{}
	for i, c := range pl {
		cs := byPhone[c[fPhone]]
		if len(c) != 4 || len(cs) == 0 || names[c[fName]] || seen[c[fPhone]] {
			t.Errorf("dump_phonelist row %d: bad phone or name: %q", i+2, raw[i])
		}
		seen[c[fPhone]] = true
		for _, r := range cs {
			if r[fYOB] == c[fYOB] {
				t.Errorf("dump_phonelist row %d shares a year with the registry: %q", i+2, raw[i])
			}
		}
	}
}

// TestIdentifiers checks that identifiers.txt lists exactly the phones,
// Aadhaar-like numbers and names found in the fixture files.
func TestIdentifiers(t *testing.T) {
	e := loadExpected(t)
	want := map[string]bool{}
	addFile := func(file string, fieldMap map[string]string) {
		header, recs := readCSV(t, file)
		for _, rec := range recs {
			for i, v := range rec { // ragged rows included
				f := fieldMap[header[i]]
				if f != fPhone && f != fNID && f != fName {
					continue
				}
				c, ok := testCanon(f, v)
				if !ok {
					continue
				}
				if f == fPhone {
					c = strings.TrimPrefix(c, "+91")
				}
				want[c] = true
			}
		}
	}
	addFile(e.Registry.File, e.Registry.FieldMap)
	for _, d := range e.Dumps {
		addFile(d.File, d.FieldMap)
	}
	got := map[string]bool{}
	lines := readLines(t, "identifiers.txt")
	if !slices.IsSorted(lines) {
		t.Error("identifiers.txt is not sorted")
	}
	for _, l := range lines {
		got[l] = true
	}
	for id := range want {
		if !got[id] {
			t.Errorf("identifiers.txt lacks %q", id)
		}
	}
	for id := range got {
		if !want[id] {
			t.Errorf("identifiers.txt lists %q, found in no fixture", id)
		}
	}
}

func TestFixturesSmall(t *testing.T) {
	files, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, b := range files {
		total += len(b)
	}
	if total > 160_000 {
		t.Errorf("fixtures total %d bytes, want under ~150 KB", total)
	}
}
