package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/leakcheck/leakcheck/fixtures"
	"github.com/leakcheck/leakcheck/internal/cli"
	"github.com/leakcheck/leakcheck/internal/keyhash"
	"github.com/leakcheck/leakcheck/internal/report/schematest"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"leakcheck": func() {
			// Reproducible keys and salts: each invocation is seeded by
			// its arguments, so the same script builds the same filters
			// (and gets the same false positives) on every run.
			keyhash.Random = keyhash.Seeded(strings.Join(os.Args[1:], "\x00"))
			code := cli.Main()
			reportPeakMemory()
			os.Exit(code)
		},
	})
}

// TestScripts runs testdata/*.txtar: each script is a manual page that runs
// the real leakcheck binary.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fixtures":    cmdFixtures,
			"realtools":   cmdRealtools,
			"flipbyte":    cmdFlipByte,
			"truncate":    cmdTruncate,
			"setheader":   cmdSetHeader,
			"noplaintext": cmdNoPlaintext,
			"jsonfield":   cmdJSONField,
			"jsonschema":  cmdJSONSchema,
			"lc":          cmdLeakcheckExit,
			"mkinput":     cmdMkInput,
			"exsetheader": cmdExSetHeader,
			"exswap":      cmdExSwap,
			"samecounts":  cmdSameCounts,
			"docblock":    cmdDocBlock,
			"readmewalk":  cmdReadmeWalk,
			"forensics":   cmdForensics,
			"noforensic":  cmdNoForensic,
			"mkhostile":   cmdMkHostile,
			"lcmem":       cmdLeakcheckMem,
			"spillkill":   cmdSpillKill,
			"xmlvalid":    cmdXMLValid,
		},
		RequireExplicitExec: false,
		Setup: func(env *testscript.Env) error {
			// The scripts match sentences of the text report, which wraps
			// its prose to 80 columns off a terminal: one line per
			// paragraph here. The wrapping is tested at 80 and 130 columns
			// in internal/report (TestTextGolden) and on a terminal in
			// internal/cli (TestReportTerminal).
			env.Setenv("COLUMNS", "100000")
			return nil
		},
	})
}

// fixtures: copy the bundled fixtures into the work directory.
func cmdFixtures(ts *testscript.TestScript, neg bool, args []string) {
	err := fs.WalkDir(fixtures.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fixtures.FS, p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(ts.MkAbs(p)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(ts.MkAbs(p), data, 0o644)
	})
	ts.Check(err)
}

// realtoolsDir holds the dumps written by real tools (scripts/realtools/make.sh). They are
// not embedded in the binary: the tests copy them from the repository.
const realtoolsDir = "../../fixtures/realtools"

// realtools: copy fixtures/realtools, with its folders, into the work directory's realtools/.
func cmdRealtools(ts *testscript.TestScript, neg bool, args []string) {
	ts.Check(filepath.WalkDir(realtoolsDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(realtoolsDir, p)
		dst := ts.MkAbs(filepath.Join("realtools", rel))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	}))
}

// forensicsDir holds the fixtures of README's "Investigating a leak" (scripts/genforensics); they
// are not embedded in the binary.
const forensicsDir = "../../fixtures/forensics"

// forensics: copy fixtures/forensics into the work directory's forensics/.
func cmdForensics(ts *testscript.TestScript, neg bool, args []string) {
	ents, err := os.ReadDir(forensicsDir)
	ts.Check(err)
	ts.Check(os.MkdirAll(ts.MkAbs("forensics"), 0o755))
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(forensicsDir, e.Name()))
		ts.Check(err)
		ts.Check(os.WriteFile(ts.MkAbs(filepath.Join("forensics", e.Name())), data, 0o644))
	}
}

// noforensic FILE...: no file (or stdout, stderr) holds an identifier of fixtures/forensics
// (its identifiers.txt: phones, reference numbers, masked reference numbers, names, the names
// also with their words sorted as normalization version 2 writes them).
func cmdNoForensic(ts *testscript.TestScript, neg bool, args []string) {
	data, err := os.ReadFile(filepath.Join(forensicsDir, "identifiers.txt"))
	ts.Check(err)
	var ids []string
	for l := range strings.SplitSeq(string(data), "\n") {
		if l = strings.ToLower(strings.TrimSpace(l)); l != "" {
			ids = append(ids, l)
			if w := strings.Fields(l); len(w) > 1 {
				slices.Sort(w)
				ids = append(ids, strings.Join(w, " "))
			}
		}
	}
	for _, a := range args {
		var out []byte
		switch a {
		case "stdout", "stderr":
			out = []byte(ts.ReadFile(a))
		default:
			out, err = os.ReadFile(ts.MkAbs(a))
			ts.Check(err)
		}
		if id, found := findIdentifier(out, ids); found {
			ts.Fatalf("%s holds a plaintext identifier from fixtures/forensics (%d chars)", a, len(id))
		}
	}
}

// flipbyte FILE OFFSET: flip the low bit of one byte (negative offsets count from the end).
func cmdFlipByte(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: flipbyte FILE OFFSET")
	}
	path := ts.MkAbs(args[0])
	data, err := os.ReadFile(path)
	ts.Check(err)
	off, err := strconv.Atoi(args[1])
	ts.Check(err)
	if off < 0 {
		off += len(data)
	}
	data[off] ^= 1
	ts.Check(os.WriteFile(path, data, 0o644))
}

// truncate FILE SIZE (negative: remove that many bytes from the end).
func cmdTruncate(ts *testscript.TestScript, neg bool, args []string) {
	path := ts.MkAbs(args[0])
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	data, err := os.ReadFile(path)
	ts.Check(err)
	if n < 0 {
		n += len(data)
	}
	ts.Check(os.WriteFile(path, data[:n], 0o644))
}

// setheader [-key KEY] FILE MEMBER JSONVALUE: rewrite one header member and
// recompute the checksum, as a filter from another leakcheck version would
// look (its MAC no longer matches, but the header checks come first). With
// -key, the MAC is recomputed too, under the key file KEY: a filter its
// key's holder crafted.
func cmdSetHeader(ts *testscript.TestScript, neg bool, args []string) {
	keyPath := ""
	if len(args) > 0 && args[0] == "-key" {
		keyPath, args = args[1], args[2:]
	}
	path := ts.MkAbs(args[0])
	data, err := os.ReadFile(path)
	ts.Check(err)
	hlen := binary.BigEndian.Uint32(data[12:])
	var hdr map[string]json.RawMessage
	ts.Check(json.Unmarshal(data[16:16+hlen], &hdr))
	hdr[args[1]] = json.RawMessage(args[2])
	nh, err := json.Marshal(hdr)
	ts.Check(err)
	out := append([]byte(nil), data[:12]...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(nh)))
	out = append(out, nh...)
	rest := data[16+hlen:]
	body := rest[:len(rest)-64]
	out = append(out, body...)
	sum := sha256.Sum256(out)
	tag := rest[len(rest)-32:]
	if keyPath != "" {
		master, err := keyhash.LoadKeyFile(ts.MkAbs(keyPath))
		ts.Check(err)
		var salt []byte
		ts.Check(json.Unmarshal(hdr["salt"], &salt))
		keys := keyhash.Derive(&master, salt)
		m := hmac.New(sha256.New, keys.MACKey())
		m.Write(out)
		tag = m.Sum(nil)
	}
	out = append(out, sum[:]...)
	out = append(out, tag...)
	ts.Check(os.WriteFile(path, out, 0o644))
}

// noplaintext FILE...: fail if any plaintext identifier of the fixtures
// (fixtures/identifiers.txt) appears in the files, in any case.
func cmdNoPlaintext(ts *testscript.TestScript, neg bool, args []string) {
	ids := identifiers(ts.Fatalf)
	for _, a := range args {
		var data []byte
		switch a {
		case "stdout":
			data = []byte(ts.ReadFile("stdout"))
		case "stderr":
			data = []byte(ts.ReadFile("stderr"))
		default:
			var err error
			data, err = os.ReadFile(ts.MkAbs(a))
			ts.Check(err)
		}
		if id, found := findIdentifier(data, ids); found {
			ts.Fatalf("%s holds a plaintext identifier from the fixtures (%d chars)", a, len(id))
		}
	}
}

// jsonschema FILE: the file (or stdout) is a report or check document that
// matches docs/report.schema.json, or the JSON output of another command
// (its "schema" member says which) that matches docs/commands.schema.json;
// a file of several lines (probe --format jsonl) is checked line by line.
func cmdJSONSchema(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: jsonschema FILE")
	}
	var data []byte
	if args[0] == "stdout" {
		data = []byte(ts.ReadFile("stdout"))
	} else {
		var err error
		data, err = os.ReadFile(ts.MkAbs(args[0]))
		ts.Check(err)
	}
	var err error
	switch {
	case bytes.Contains(data, []byte(`"leakcheck.report/`)) || bytes.Contains(data, []byte(`"leakcheck.check/`)):
		err = schematest.Check(data)
	case bytes.HasPrefix(data, []byte(`{"`)) && bytes.Count(bytes.TrimSpace(data), []byte("\n")) > 0:
		for i, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
			if err = schematest.CheckCommand(line); err != nil {
				err = fmt.Errorf("line %d: %w", i+1, err)
				break
			}
		}
	default:
		err = schematest.CheckCommand(data)
	}
	if neg {
		if err == nil {
			ts.Fatalf("%s matches the schema", args[0])
		}
		return
	}
	ts.Check(err)
}

// jsonfield FILE PATH WANT: compare one value of a JSON file, PATH like indexes.0.matches.
func cmdJSONField(ts *testscript.TestScript, neg bool, args []string) {
	var v any
	src := args[0]
	var data []byte
	if src == "stdout" {
		data = []byte(ts.ReadFile("stdout"))
	} else {
		var err error
		data, err = os.ReadFile(ts.MkAbs(src))
		ts.Check(err)
	}
	ts.Check(json.Unmarshal(data, &v))
	for _, p := range strings.Split(args[1], ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i, err := strconv.Atoi(p)
			ts.Check(err)
			v = x[i]
		default:
			ts.Fatalf("%s: cannot descend into %T at %q", args[1], v, p)
		}
	}
	got, _ := json.Marshal(v)
	if string(got) != args[2] {
		ts.Fatalf("%s = %s, want %s", args[1], got, args[2])
	}
}

func identifiers(fatalf func(string, ...any)) []string {
	ids, err := fixtures.Identifiers()
	if err != nil {
		fatalf("%v", err)
	}
	return append(ids, realtoolsIdentifiers(fatalf)...)
}

// realtoolsIdentifiers are the names (also with their words sorted, as normalization
// version 2 writes them), phones, Aadhaar numbers and email addresses of the people in
// the ground truths of fixtures/realtools (realtoolsTruths), found by their header's names.
func realtoolsIdentifiers(fatalf func(string, ...any)) []string {
	var ids []string
	for _, name := range realtoolsTruths {
		f, err := os.Open(filepath.Join(realtoolsDir, name))
		if err != nil {
			fatalf("%v", err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			fatalf("%s: %v", name, err)
		}
		for _, r := range recs[1:] {
			for i, col := range recs[0] {
				switch col {
				case "mobile", "aadhaar", "email":
					if r[i] != "" {
						ids = append(ids, strings.ToLower(r[i]))
					}
				case "name":
					name := strings.ToLower(r[i])
					ids = append(ids, name)
					if words := strings.Fields(name); len(words) > 1 {
						slices.Sort(words)
						if sorted := strings.Join(words, " "); sorted != name {
							ids = append(ids, sorted)
						}
					}
				}
			}
		}
	}
	return ids
}

// realtoolsTruths are the ground truths of fixtures/realtools: the people each dump there was
// made of.
var realtoolsTruths = []string{"people.csv", "tab_people.csv"}

func findIdentifier(data []byte, ids []string) (string, bool) {
	lower := bytes.ToLower(data)
	for _, id := range ids {
		if bytes.Contains(lower, []byte(id)) {
			return id, true
		}
	}
	return "", false
}

// lc CODE ARGS...: run leakcheck and require exit code CODE (0, 1, 2 or 130;
// "0|1" accepts either, where the verdict is not what the script is about).
// Its stdout and stderr are then matched like those of exec.
func cmdLeakcheckExit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: lc CODE ARGS...")
	}
	var codes []int
	for c := range strings.SplitSeq(args[0], "|") {
		n, err := strconv.Atoi(c)
		ts.Check(err)
		codes = append(codes, n)
	}
	err := ts.Exec("leakcheck", args[1:]...)
	got := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			ts.Fatalf("running leakcheck: %v", err)
		}
		got = ee.ExitCode()
	}
	if !slices.Contains(codes, got) {
		ts.Fatalf("leakcheck exited %d, want %s", got, args[0])
	}
}

// mkinput KIND OUT [SRC...]: write a hostile or packed input that a txtar file cannot hold.
//
//	gzip OUT SRC        SRC gzip-compressed
//	zip OUT SRC...      a zip archive of the SRC files
//	bigline OUT         a CSV with a 6 MiB line between two good rows
//	badutf8 OUT         a UTF-8 CSV (70 KiB of it) with two rows of bytes that are not UTF-8
//	nul OUT             a CSV with NUL bytes in two rows
//	garbage OUT         64 KiB of pseudo-random bytes
func cmdMkInput(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: mkinput KIND OUT [SRC...]")
	}
	var b bytes.Buffer
	row := func(i int) string { return fmt.Sprintf("98765%05d,Zoë Person %d,1990\n", i, i) }
	switch args[0] {
	case "gzip":
		w := gzip.NewWriter(&b)
		w.Write([]byte(ts.ReadFile(args[2])))
		w.Close()
	case "zip":
		zw := zip.NewWriter(&b)
		for _, src := range args[2:] {
			w, err := zw.Create(filepath.Base(src))
			ts.Check(err)
			w.Write([]byte(ts.ReadFile(src)))
		}
		ts.Check(zw.Close())
	case "bigline":
		b.WriteString("phone,name,yob\n" + row(1))
		b.WriteString("9876500002,\"" + strings.Repeat("x", 6<<20) + "\",1990\n")
		b.WriteString(row(3))
	case "badutf8":
		b.WriteString("phone,name,yob\n")
		for i := 1; b.Len() < 70<<10; i++ {
			b.WriteString(row(i))
		}
		b.WriteString("9876599998,Jos\xe9 Bad,1990\n9876599999,\xff\xfe,1990\n" + row(99997))
	case "nul":
		b.WriteString("phone,name,yob\n" + row(1) + "9876500002,N\x00L,1990\n" + row(3) + "\x00\x00\x00\n" + row(5))
	case "garbage":
		x := uint32(2463534242)
		for range 64 << 10 {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			b.WriteByte(byte(x))
		}
	default:
		ts.Fatalf("mkinput: unknown kind %q", args[0])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), b.Bytes(), 0o644))
}

// exchangeParts splits an OPRF exchange file (exchange/FORMAT.md) into its
// preamble, JSON header and records (without the trailing checksum).
func exchangeParts(ts *testscript.TestScript, path string) (pre, hdr, body []byte) {
	data, err := os.ReadFile(path)
	ts.Check(err)
	hlen := binary.BigEndian.Uint32(data[12:])
	return data[:16], data[16 : 16+hlen], data[16+hlen : len(data)-32]
}

func writeExchange(ts *testscript.TestScript, path string, pre, hdr, body []byte) {
	out := append([]byte(nil), pre[:12]...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(hdr)))
	out = append(append(out, hdr...), body...)
	sum := sha256.Sum256(out)
	ts.Check(os.WriteFile(path, append(out, sum[:]...), 0o644))
}

// exsetheader FILE MEMBER JSONVALUE|@FILE:MEMBER: rewrite one header member
// of a request or response (or copy it from another exchange file) and
// recompute the checksum, as a forger would.
func cmdExSetHeader(ts *testscript.TestScript, neg bool, args []string) {
	path := ts.MkAbs(args[0])
	pre, hdr, body := exchangeParts(ts, path)
	var h map[string]json.RawMessage
	ts.Check(json.Unmarshal(hdr, &h))
	val := json.RawMessage(args[2])
	if from, ok := strings.CutPrefix(args[2], "@"); ok {
		file, member, _ := strings.Cut(from, ":")
		_, oh, _ := exchangeParts(ts, ts.MkAbs(file))
		var other map[string]json.RawMessage
		ts.Check(json.Unmarshal(oh, &other))
		val = other[member]
	}
	h[args[1]] = val
	nh, err := json.Marshal(h)
	ts.Check(err)
	writeExchange(ts, path, pre, nh, body)
}

// exswap FILE I J: swap the 32-byte elements I and J at the start of an
// exchange file's records and recompute the checksum: a reordered response.
func cmdExSwap(ts *testscript.TestScript, neg bool, args []string) {
	path := ts.MkAbs(args[0])
	pre, hdr, body := exchangeParts(ts, path)
	i, err := strconv.Atoi(args[1])
	ts.Check(err)
	j, err := strconv.Atoi(args[2])
	ts.Check(err)
	a, b := body[32*i:32*i+32], body[32*j:32*j+32]
	tmp := append([]byte(nil), a...)
	copy(a, b)
	copy(b, tmp)
	writeExchange(ts, path, pre, hdr, body)
}

// samecounts A B: two JSON reports give the same verdict and the same
// counts: per index, records checked and matched; per joint test,
// candidates and matches; the exposure estimate; and what became of every
// registry row. FILE@N names the N-th report (from 0) of a several-filter
// check document.
func cmdSameCounts(ts *testscript.TestScript, neg bool, args []string) {
	type counts struct {
		Verdict string `json:"verdict"`
		Indexes []struct {
			Index   string `json:"index"`
			Checked int64  `json:"checked"`
			Matches int64  `json:"matches"`
		} `json:"indexes"`
		Joint []struct {
			Identifier  string `json:"identifier"`
			Combination string `json:"combination"`
			Candidates  int64  `json:"candidates"`
			Matched     int64  `json:"matched"`
		} `json:"joint"`
		Exposure *struct {
			Records    int64 `json:"records"`
			Candidates int64 `json:"candidates"`
			Matched    int64 `json:"matched"`
		} `json:"exposure"`
		Registry struct {
			Records int64 `json:"records_checked"`
			Sources []struct {
				Read    int64 `json:"rows_read"`
				Used    int64 `json:"rows_used"`
				Skipped []struct {
					Code  string `json:"code"`
					Count int64  `json:"count"`
				} `json:"rows_skipped"`
				Invalid []struct {
					Code  string `json:"code"`
					Field string `json:"field"`
					Count int64  `json:"count"`
				} `json:"invalid_values"`
			} `json:"sources"`
		} `json:"registry"`
	}
	var c [2]counts
	for i, f := range args[:2] {
		name, nth, several := strings.Cut(f, "@")
		data, err := os.ReadFile(ts.MkAbs(name))
		ts.Check(err)
		if several {
			var doc struct {
				Reports []json.RawMessage `json:"reports"`
			}
			ts.Check(json.Unmarshal(data, &doc))
			n, err := strconv.Atoi(nth)
			ts.Check(err)
			if n >= len(doc.Reports) {
				ts.Fatalf("%s has %d reports", name, len(doc.Reports))
			}
			data = doc.Reports[n]
		}
		ts.Check(json.Unmarshal(data, &c[i]))
	}
	a, _ := json.Marshal(c[0])
	b, _ := json.Marshal(c[1])
	if len(c[0].Indexes) == 0 {
		ts.Fatalf("%s has no indexes", args[0])
	}
	if string(a) != string(b) {
		ts.Fatalf("counts differ:\n%s: %s\n%s: %s", args[0], a, args[1], b)
	}
}

// docblock DOC LANG N OUT: copy the N-th (1-based) fenced code block of
// language LANG from the repository's document DOC (e.g. docs/ci.md) to
// OUT, so that scripts shown in the documentation are run as written.
func cmdDocBlock(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 4 {
		ts.Fatalf("usage: docblock DOC LANG N OUT")
	}
	data, err := os.ReadFile(filepath.Join("..", "..", args[0]))
	ts.Check(err)
	n, err := strconv.Atoi(args[2])
	ts.Check(err)
	var block []string
	in, count := false, 0
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case !in && line == "```"+args[1]:
			in, block = true, nil
			count++
		case in && line == "```":
			in = false
			if count == n {
				ts.Check(os.WriteFile(ts.MkAbs(args[3]), []byte(strings.Join(block, "\n")+"\n"), 0o755))
				return
			}
		case in:
			block = append(block, line)
		}
	}
	ts.Fatalf("%s has no %s block #%d", args[0], args[1], n)
}

// readmeCommand is one command of README's walkthrough and the output README
// shows under it (compared only for commands shown with a plain "$ " prompt).
type readmeCommand struct {
	line    int
	cmd     string
	compare bool
	shown   []string
}

// readmeWalkthrough extracts the commands of README's "## Walkthrough"
// section: lines of its plain fenced blocks that start with a prompt ("$ ",
// or "analyst$ " and "registry$ " in the two-party blocks), with "\"
// continuations joined and trailing "# comments" dropped.
func readmeWalkthrough(text, heading string) []readmeCommand {
	var cmds []readmeCommand
	inSection, inFence, inBlock := false, false, false
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch {
		case strings.HasPrefix(line, "## "):
			inSection = line == heading
			continue
		case !inSection:
			continue
		case strings.HasPrefix(line, "```"):
			inFence = !inFence
			inBlock = inFence && line == "```"
			continue
		case !inBlock:
			continue
		}
		prompt, rest, ok := strings.Cut(line, "$ ")
		if ok && (prompt == "" || prompt == "analyst" || prompt == "registry") {
			c := readmeCommand{line: i + 1, compare: prompt == ""}
			cmd := strings.TrimSpace(rest)
			for strings.HasSuffix(cmd, `\`) && i+1 < len(lines) {
				i++
				cmd = strings.TrimSuffix(cmd, `\`) + " " + strings.TrimSpace(lines[i])
			}
			if j := strings.Index(cmd, "  #"); j >= 0 {
				cmd = strings.TrimSpace(cmd[:j])
			}
			c.cmd = cmd
			cmds = append(cmds, c)
			continue
		}
		if n := len(cmds); n > 0 && cmds[n-1].compare && strings.TrimSpace(line) != "" {
			cmds[n-1].shown = append(cmds[n-1].shown, line)
		}
	}
	return cmds
}

// readmewalk [HEADING]: run every command of README's walkthrough (or of the section "##
// HEADING"), in order, in the
// work directory (which should hold the fixtures). Each must exit 0 or 1 (exposure found), never 2, and each
// line README shows under a "$ " command must appear in its output (spaces
// collapsed, so README may wrap; "…" stands for text left out, such as
// figures that differ per key or per run; the key's fingerprint is not
// compared).
func cmdReadmeWalk(ts *testscript.TestScript, neg bool, args []string) {
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	ts.Check(err)
	heading, least := "## Walkthrough", 10
	if len(args) > 0 {
		heading, least = "## "+strings.Join(args, " "), 3
	}
	cmds := readmeWalkthrough(string(data), heading)
	if len(cmds) < least {
		ts.Fatalf("README's section has only %d commands: is it still named %q?", len(cmds), heading)
	}
	collapse := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for _, c := range cmds {
		err := ts.Exec("sh", "-c", c.cmd)
		out := ts.ReadFile("stdout") + "\n" + ts.ReadFile("stderr")
		ts.Logf("README.md:%d: $ %s\n%s", c.line, c.cmd, out)
		if err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 {
				ts.Fatalf("README.md:%d: %s: %v", c.line, c.cmd, err)
			}
		}
		got := collapse(out)
		for _, want := range c.shown {
			w := collapse(want)
			if strings.HasPrefix(w, "fingerprint:") {
				continue
			}
			rest := got
			for _, piece := range strings.Split(w, "…") {
				piece = strings.TrimSpace(piece)
				i := strings.Index(rest, piece)
				if i < 0 {
					ts.Fatalf("README.md:%d: %s: README shows %q, which the command did not print", c.line, c.cmd, w)
				}
				rest = rest[i+len(piece):]
			}
		}
	}
}
