package records

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type zipEntry struct {
	name   string
	data   []byte
	method uint16
}

func makeZip(t testing.TB, entries ...zipEntry) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: e.method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readSources reads every source of path: name → results (or "error: …").
// Sources listed only to be skipped (SkipReason) are left out: skippedSources
// lists them.
func readSources(t *testing.T, path string, opts Options) ([]string, map[string][]result, map[string]string) {
	t.Helper()
	srcs, err := Sources(path, opts)
	if err != nil {
		t.Fatalf("Sources: %v", err)
	}
	var names []string
	got := map[string][]result{}
	errs := map[string]string{}
	for _, s := range srcs {
		if s.SkipReason != "" {
			if !s.Excluded {
				t.Errorf("%s: skipped (%s) but not excluded", s.Name, s.SkipReason)
			}
			continue
		}
		names = append(names, s.Name)
		r, c, err := s.Open(opts)
		if err != nil {
			errs[s.Name] = err.Error()
			continue
		}
		res, err := drain(t, r)
		c.Close()
		got[s.Name] = res
		if err != nil {
			errs[s.Name] = err.Error()
		} else if why := Truncation(r); why != "" {
			errs[s.Name] = "truncated: " + why
		}
		if n, err := s.Count(opts); err == nil && n != int64(len(res)) {
			t.Errorf("%s: Count = %d, Next gave %d", s.Name, n, len(res))
		}
	}
	return names, got, errs
}

func TestZipSources(t *testing.T) {
	dir := t.TempDir()
	data := makeZip(t,
		zipEntry{"z/b.csv", []byte(people), zip.Deflate},
		zipEntry{"a.csv.gz", gz(t, []byte(people)), zip.Store},
		zipEntry{"z/", nil, zip.Store},
		zipEntry{"z/.hidden.csv", []byte("x"), zip.Store},
		zipEntry{"__MACOSX/z/._b.csv", []byte("\x00\x05\x16\x07"), zip.Store},
		zipEntry{"c.jsonl", []byte("{\"phone\":\"9876543210\"}\n"), zip.Deflate},
		zipEntry{"bad\x1b[2Jname.csv", []byte(people), zip.Deflate},
	)
	path := filepath.Join(dir, "dump.zip")
	os.WriteFile(path, data, 0o600)
	names, got, errs := readSources(t, path, Options{})
	wantNames := []string{path + "!a.csv.gz", path + "!bad\\x1b[2Jname.csv", path + "!c.jsonl", path + "!z/b.csv"}
	if strings.Join(names, "|") != strings.Join(wantNames, "|") {
		t.Fatalf("sources %q, want %q", names, wantNames)
	}
	// The members not read are listed with their reason (issue 13, item 18).
	wantSkipped := []string{
		path + `!__MACOSX/z/._b.csv: a macOS resource fork (__MACOSX)`,
		path + `!z/.hidden.csv: a hidden file (a part of its path starts with ".")`,
	}
	if got := skippedSources(t, path); strings.Join(got, "|") != strings.Join(wantSkipped, "|") {
		t.Fatalf("skipped %q, want %q", got, wantSkipped)
	}
	for _, n := range []string{wantNames[0], wantNames[1], wantNames[3]} {
		if !equalResults(got[n], peopleWant) || errs[n] != "" {
			t.Errorf("%s: %v %s", n, got[n], errs[n])
		}
	}
	if r := got[wantNames[2]]; len(r) != 1 || r[0].Values[0] != "9876543210" {
		t.Errorf("c.jsonl: %v", r)
	}

	// Row errors name the member.
	os.WriteFile(path, makeZip(t, zipEntry{"m.csv", []byte("a,b\n1\n"), zip.Deflate}), 0o600)
	srcs, _ := Sources(path, Options{})
	r, c, _ := srcs[0].Open(Options{})
	_, err := r.Next()
	c.Close()
	if err == nil || err.Error() != path+"!m.csv:2: ragged row: 1 fields, header has 2" {
		t.Errorf("row error %v", err)
	}
}

// skippedSources lists "name: reason" for each source of path that is
// listed only to be skipped.
func skippedSources(t *testing.T, path string) []string {
	t.Helper()
	srcs, err := Sources(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range srcs {
		if s.SkipReason != "" {
			out = append(out, s.Name+": "+s.SkipReason)
		}
	}
	return out
}

// TestZipMembersOutsideOrHidden (issue 13, item 18): a member whose path
// climbs out of the archive or is hidden is never read, and is listed with
// its reason, in a zip and in a tar archive.
func TestZipMembersOutsideOrHidden(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.zip")
	os.WriteFile(p, makeZip(t,
		zipEntry{"../escape.csv", []byte(people), zip.Deflate},
		zipEntry{"a/../../b.csv", []byte(people), zip.Deflate},
		zipEntry{".x.csv", []byte(people), zip.Store},
		zipEntry{"ok.csv", []byte(people), zip.Store},
	), 0o600)
	want := []string{
		p + `!../escape.csv: its path holds ".." (it would lie outside the archive when extracted)`,
		p + `!.x.csv: a hidden file (a part of its path starts with ".")`,
		p + `!a/../../b.csv: its path holds ".." (it would lie outside the archive when extracted)`,
	}
	if got := skippedSources(t, p); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("skipped %q, want %q", got, want)
	}
	names, _, _ := readSources(t, p, Options{})
	if len(names) != 1 || names[0] != p+"!ok.csv" {
		t.Fatalf("read %q", names)
	}
	tp := filepath.Join(dir, "x.tar")
	os.WriteFile(tp, writeTar(t, false, [2]string{"../up.csv", people}, [2]string{"ok.csv", people}), 0o600)
	if got := skippedSources(t, tp); len(got) != 1 || !strings.Contains(got[0], `x.tar!../up.csv: its path holds ".."`) {
		t.Fatalf("tar: skipped %q", got)
	}
}

func TestZipErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o600)
		return p
	}
	inner := makeZip(t, zipEntry{"x.csv", []byte(people), zip.Deflate})
	for _, tc := range []struct {
		path, want string
	}{
		{write("empty.zip", makeZip(t)), "the zip archive holds no files"},
		{write("cut.zip", inner[:len(inner)-30]), "truncated or damaged zip archive after 0 rows (its directory at the end is missing or damaged)"},
	} {
		if _, err := Sources(tc.path, Options{}); err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrTruncated) && strings.Contains(tc.want, "truncated") {
			t.Errorf("%s: %v, want %q", filepath.Base(tc.path), err, tc.want)
		}
	}
	// Member errors show when the member is opened.
	nested := write("nested.zip", makeZip(t, zipEntry{"inner.zip", inner, zip.Store}))
	_, _, errs := readSources(t, nested, Options{})
	if e := errs[nested+"!inner.zip"]; !strings.Contains(e, "inside a compressed file or another zip archive is not read") {
		t.Errorf("nested zip: %q", e)
	}
	// A damaged member: its CRC-32 does not match.
	data := makeZip(t, zipEntry{"x.csv", []byte(people), zip.Store})
	i := bytes.Index(data, []byte("Ann"))
	data[i] = 'E'
	damaged := write("damaged.zip", data)
	_, got, errs := readSources(t, damaged, Options{})
	if e := errs[damaged+"!x.csv"]; len(got[damaged+"!x.csv"]) != 2 || !strings.Contains(e, "truncated or damaged zip member after 2 rows (checksum mismatch)") {
		t.Errorf("damaged member: %v %q", got, e)
	}
}

// TestZipAllowPartial reads an archive cut short: without AllowPartial it is an error; with it,
// the members are found from their local headers (including ones whose sizes follow their
// data, as zip.Writer writes them), and the last is read up to the cut.
func TestZipAllowPartial(t *testing.T) {
	dir := t.TempDir()
	var big strings.Builder
	big.WriteString("phone,name\n")
	for i := range 3000 {
		big.WriteString("98765" + strings.Repeat("0", 5) + ",Name " + strings.Repeat("x", i%7) + "\n")
	}
	data := makeZip(t,
		zipEntry{"1.csv", []byte(people), zip.Deflate},
		zipEntry{"2.csv", []byte(people), zip.Store},
		zipEntry{"3.csv", []byte(big.String()), zip.Deflate},
	)
	for _, tc := range []struct {
		name     string
		cut      int
		members  int
		complete bool
	}{
		{"directory cut", len(data) - 40, 3, true},
		{"last member cut", len(data) - 300, 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".zip")
			os.WriteFile(path, data[:tc.cut], 0o600)
			if _, err := Sources(path, Options{}); !errors.Is(err, ErrTruncated) {
				t.Fatalf("without AllowPartial: %v", err)
			}
			names, got, errs := readSources(t, path, Options{AllowPartial: true})
			if len(names) != tc.members {
				t.Fatalf("sources %q", names)
			}
			for _, n := range names[:2] {
				if !equalResults(got[n], peopleWant) || errs[n] != "" {
					t.Errorf("%s: %v %q", n, got[n], errs[n])
				}
			}
			last := names[2]
			if e := errs[last]; !strings.HasPrefix(e, "truncated: truncated or damaged zip ") {
				t.Errorf("last member: %q", e)
			}
			if n := len(got[last]); tc.complete != (n == 3000) || n == 0 {
				t.Errorf("last member: %d rows", n)
			}
		})
	}
}

func TestDirectorySources(t *testing.T) {
	dir := t.TempDir()
	mk := func(rel string, data []byte) {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	mk("b.csv", []byte(people))
	mk("a/z.csv.gz", gz(t, []byte(people)))
	mk("a/y.zip", makeZip(t, zipEntry{"m.csv", []byte(people), zip.Deflate}))
	mk(".git/config", []byte("[core]"))
	mk("a/.hidden.csv", []byte("x"))
	os.Symlink(dir, filepath.Join(dir, "loop"))
	os.Symlink(filepath.Join(dir, "b.csv"), filepath.Join(dir, "c.csv"))
	names, got, errs := readSources(t, dir, Options{})
	wantSkipped := []string{
		filepath.Join(dir, ".git") + `: a hidden directory (its name starts with "."): not searched`,
		filepath.Join(dir, "a/.hidden.csv") + `: a hidden file (its name starts with ".")`,
	}
	if got := skippedSources(t, dir); strings.Join(got, "|") != strings.Join(wantSkipped, "|") {
		t.Fatalf("skipped %q, want %q", got, wantSkipped)
	}
	want := []string{
		filepath.Join(dir, "a/y.zip") + "!m.csv", filepath.Join(dir, "a/z.csv.gz"),
		filepath.Join(dir, "b.csv"), filepath.Join(dir, "c.csv"),
	}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Fatalf("sources\n %q\nwant %q", names, want)
	}
	for _, n := range names {
		if !equalResults(got[n], peopleWant) || errs[n] != "" {
			t.Errorf("%s: %v %q", n, got[n], errs[n])
		}
	}
	empty := t.TempDir()
	if _, err := Sources(empty, Options{}); err == nil || !strings.Contains(err.Error(), "holds no files") {
		t.Errorf("empty directory: %v", err)
	}
}

func TestDisplayPath(t *testing.T) {
	for in, want := range map[string]string{"-": "stdin", "a b/c.csv": "a b/c.csv", "x\x1b[31m.csv": "x\\x1b[31m.csv", "é\u200b": "é\\x200b"} {
		if got := displayPath(in); got != want {
			t.Errorf("displayPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExcluded(t *testing.T) {
	tests := []struct {
		patterns []string
		rel      string
		want     bool
	}{
		{nil, "a.csv", false},
		{[]string{"*.html"}, "web/index.html", true},
		{[]string{"*.html"}, "web/index.csv", false},
		{[]string{"old"}, "old/sub/a.csv", true},
		{[]string{"old/"}, "old/a.csv", true},
		{[]string{"old/*"}, "old/a.csv", true},
		{[]string{"old/*"}, "new/old.csv", false},
		{[]string{"leak/part1.csv"}, "leak/part1.csv", true},
		{[]string{"part1.csv"}, "leak/part1.csv", true},
		{[]string{"leak/part1.csv"}, "other/leak/part1.csv", false},
		{[]string{"x", "README*"}, "docs/README.txt", true},
	}
	for _, tt := range tests {
		if got := excluded(tt.patterns, tt.rel); got != tt.want {
			t.Errorf("excluded(%q, %q) = %v, want %v", tt.patterns, tt.rel, got, tt.want)
		}
	}
	if err := (Options{Exclude: []string{"["}}).check(); err == nil {
		t.Error("a malformed pattern was accepted")
	}
	if err := (Options{Exclude: []string{""}}).check(); err == nil {
		t.Error("an empty pattern was accepted")
	}
}
