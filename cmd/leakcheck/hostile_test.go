package main

// Generators and a memory-measuring runner for testdata/hostile.txtar (issue
// 13): the large hostile inputs are made here when the script runs, never
// committed.

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/ulikunitz/xz"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/keyhash"
)

// peakMemoryEnv names a file to which the leakcheck process writes its peak
// resident set in KiB when it exits.
const peakMemoryEnv = "LEAKCHECK_TEST_PEAK_MEMORY"

// reportPeakMemory writes the process's peak resident set (VmHWM in
// /proc/self/status) to the file named by peakMemoryEnv. getrusage's
// ru_maxrss cannot be used: on Linux a child starts with its parent's high
// water mark, here that of the test process that generated the input.
func reportPeakMemory() {
	out := os.Getenv(peakMemoryEnv)
	if out == "" {
		return
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, l := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			os.WriteFile(out, []byte(strings.TrimSuffix(strings.TrimSpace(v), " kB")), 0o644)
		}
	}
}

// lcmem MAXMB CODE ARGS...: run leakcheck as a process of its own, require
// exit code CODE and a peak resident set of at most MAXMB megabytes. Its
// stdout and stderr are then matched like those of exec.
func cmdLeakcheckMem(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: lcmem MAXMB CODE ARGS...")
	}
	maxMB, err := strconv.Atoi(args[0])
	ts.Check(err)
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	cmd := leakcheckCommand(ts, args[2:]...)
	hwm := filepath.Join(ts.Getenv("WORK"), ".peak-memory")
	os.Remove(hwm)
	cmd.Env = append(cmd.Env, peakMemoryEnv+"="+hwm)
	cmd.Stdout, cmd.Stderr = ts.Stdout(), ts.Stderr()
	err = cmd.Run()
	got := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			ts.Fatalf("running leakcheck: %v", err)
		}
		got = ee.ExitCode()
	}
	kb, err := os.ReadFile(hwm)
	ts.Check(err)
	rss, err := strconv.ParseInt(string(kb), 10, 64)
	ts.Check(err)
	rss >>= 10
	ts.Logf("leakcheck peak RSS %d MB", rss)
	if got != want {
		ts.Fatalf("leakcheck exited %d, want %d", got, want)
	}
	if limit := int64(maxMB) * raceMemFactor; rss > limit {
		ts.Fatalf("leakcheck peak RSS %d MB, want at most %d MB (%d MB × %d under the race detector)", rss, limit, maxMB, raceMemFactor)
	}
}

// leakcheckCommand is the leakcheck binary as a process of its own, run in
// the script's directory with the script's environment.
func leakcheckCommand(ts *testscript.TestScript, args ...string) *exec.Cmd {
	bin := ""
	for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
		if p := filepath.Join(dir, "leakcheck"); fileExists(p) {
			bin = p
			break
		}
	}
	if bin == "" {
		ts.Fatalf("leakcheck not found in PATH")
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = []string{"PATH=" + ts.Getenv("PATH"), "HOME=" + ts.Getenv("HOME"), "TMPDIR=" + ts.Getenv("TMPDIR"),
		"GOCOVERDIR=" + ts.Getenv("GOCOVERDIR")}
	for _, v := range []string{"LEAKCHECK_KEY_FILE", "LEAKCHECK_PASSPHRASE_FILE"} {
		if s := ts.Getenv(v); s != "" {
			cmd.Env = append(cmd.Env, v+"="+s)
		}
	}
	return cmd
}

// spillkill KEY: start `leakcheck build --key KEY -o spill.lcf -` on a pipe,
// feed it rows until it holds spill files of digests open in TMPDIR (seen in
// /proc/PID/fd, with data in them), require that TMPDIR lists no file, kill
// it with SIGKILL and require that TMPDIR still lists none (issue 13, item
// 13). Linux only: elsewhere the script is skipped.
func cmdSpillKill(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: spillkill KEY")
	}
	if runtime.GOOS != "linux" {
		ts.Logf("spillkill needs /proc: skipped")
		return
	}
	tmp := ts.Getenv("TMPDIR")
	cmd := leakcheckCommand(ts, "build", "--key", args[0], "-q", "-o", "spill.lcf", "-")
	in, err := cmd.StdinPipe()
	ts.Check(err)
	ts.Check(cmd.Start())
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	// Rows until the build is killed (the pipe then fails): the build holds
	// 64 MiB of digests in memory before it writes them to spill files.
	go func() {
		var rows bytes.Buffer
		rows.WriteString("phone,name,yob\n")
		for i := 0; ; i++ {
			fmt.Fprintf(&rows, "98%08d,Spill Person %d,%d\n", i%100000000, i, 1950+i%50)
			if rows.Len() < 1<<20 {
				continue
			}
			if _, err := in.Write(rows.Bytes()); err != nil {
				return
			}
			rows.Reset()
		}
	}()
	fdDir := fmt.Sprintf("/proc/%d/fd", cmd.Process.Pid)
	spills := 0
	for try := 0; try < 1200 && spills < 2; try++ {
		time.Sleep(50 * time.Millisecond)
		spills = 0
		ents, _ := os.ReadDir(fdDir)
		for _, e := range ents {
			target, err := os.Readlink(filepath.Join(fdDir, e.Name()))
			st, serr := os.Stat(filepath.Join(fdDir, e.Name()))
			if err == nil && serr == nil && strings.HasPrefix(target, tmp+string(filepath.Separator)) && st.Size() > 0 {
				spills++
			}
		}
	}
	if spills < 2 {
		ts.Fatalf("leakcheck did not hold spill files with data in %s", tmp)
	}
	listTmp := func(when string) {
		ents, err := os.ReadDir(tmp)
		ts.Check(err)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".leakcheck") {
				ts.Fatalf("%s: %s lists %s", when, tmp, e.Name())
			}
		}
	}
	listTmp("while spilling")
	ts.Check(cmd.Process.Signal(syscall.SIGKILL))
	killed = true
	cmd.Wait()
	listTmp("after SIGKILL")
	ts.Logf("%d spill files held open, none listed in TMPDIR, none left after SIGKILL", spills)
}

// xmlvalid FILE: the file is well-formed XML 1.0 (encoding/xml refuses the
// characters XML 1.0 forbids).
func cmdXMLValid(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: xmlvalid FILE")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	d := xml.NewDecoder(bytes.NewReader(data))
	for err == nil {
		_, err = d.Token()
	}
	if err == io.EOF {
		err = nil
	}
	if neg != (err != nil) {
		ts.Fatalf("%s: well-formed %v (%v)", args[0], err == nil, err)
	}
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// mkhostile KIND OUT [ARGS...]: write a large hostile input.
//
//	xlsxsst OUT N            an xlsx whose shared string table is N empty <si/> entries
//	xlsxwide OUT ROWS        an xlsx whose header reaches column XFD, with ROWS rows
//	widecsv OUT COLS ROWS    a CSV of COLS columns (all but two unnamed)
//	xz2 OUT SRC              SRC in two xz streams, the second asking for a 3 GiB dictionary
//	repeat OUT N             a gzip CSV of one row repeated N times
//	tinyparts OUT KEY LCF    a filter with a valid MAC under KEY (and LCF's header)
//	                         of 2^20 partitions of 64 bits
//	saturated OUT KEY LCF    LCF with every bit set and a valid MAC under KEY
//	zipof OUT MEMBER=FILE... a zip archive of FILEs stored under any MEMBER name
//	windows OUT FILE         FILE as a Windows editor saves UTF-8: a BOM, CRLF
//	utf16 OUT FILE           FILE as UTF-16LE with a BOM (ASCII only)
func cmdMkHostile(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: mkhostile KIND OUT [ARGS...]")
	}
	num := func(i int) int {
		n, err := strconv.Atoi(args[i])
		ts.Check(err)
		return n
	}
	var b bytes.Buffer
	switch args[0] {
	case "xlsxsst":
		writeXLSX(ts, &b, `<row r="1"><c r="A1" t="inlineStr"><is><t>phone</t></is></c></row>`, strings.Repeat("<si/>", num(2)))
	case "xlsxwide":
		var sd strings.Builder
		sd.WriteString(`<row r="1"><c r="A1" t="inlineStr"><is><t>phone</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c><c r="XFD1" t="inlineStr"><is><t>last</t></is></c></row>`)
		for i := range num(2) {
			fmt.Fprintf(&sd, `<row r="%d"><c r="A%d"><v>98765%05d</v></c><c r="B%d" t="inlineStr"><is><t>Wide Person %d</t></is></c></row>`, i+2, i+2, i%100000, i+2, i)
		}
		writeXLSX(ts, &b, sd.String(), "")
	case "widecsv":
		cols, rows := num(2), num(3)
		b.WriteString("phone,name" + strings.Repeat(",", cols-2) + "\n")
		for i := range rows {
			fmt.Fprintf(&b, "98765%05d,Wide Person %d%s\n", i%100000, i, strings.Repeat(",", cols-2))
		}
	case "xz2":
		// SRC in two xz streams, the second asking for a 3 GiB dictionary
		// (block header CRC32 valid, so a decoder would allocate it).
		data := []byte(ts.ReadFile(args[2]))
		b.Write(xzStream(ts, data, 0))
		b.Write(xzStream(ts, data, 39))
	case "repeat":
		zw := gzip.NewWriter(&b)
		zw.Write([]byte("phone,name,yob\n"))
		for range num(2) {
			zw.Write([]byte("9876599999,Repeated Person,1990\n"))
		}
		ts.Check(zw.Close())
	case "tinyparts":
		b.Write(craftFilter(ts, args[2], args[3], bloom.Params{Scheme: bloom.Scheme, Partitions: 1 << 20, M: 64, K: 1, Capacity: 1, TargetFPR: 1e-6}, 0))
	case "zipof":
		zw := zip.NewWriter(&b)
		for _, a := range args[2:] {
			member, file, _ := strings.Cut(a, "=")
			w, err := zw.Create(member)
			ts.Check(err)
			_, err = w.Write([]byte(ts.ReadFile(file)))
			ts.Check(err)
		}
		ts.Check(zw.Close())
	case "windows":
		b.Write([]byte{0xef, 0xbb, 0xbf})
		b.WriteString(strings.ReplaceAll(ts.ReadFile(args[2]), "\n", "\r\n"))
	case "utf16":
		b.Write([]byte{0xff, 0xfe})
		for _, c := range []byte(ts.ReadFile(args[2])) {
			b.Write([]byte{c, 0})
		}
	case "saturated":
		data, err := os.ReadFile(ts.MkAbs(args[3]))
		ts.Check(err)
		var h struct{ Bloom bloom.Params }
		ts.Check(json.Unmarshal(data[16:16+binary.BigEndian.Uint32(data[12:])], &h))
		b.Write(craftFilter(ts, args[2], args[3], h.Bloom, 0xff))
	default:
		ts.Fatalf("mkhostile: unknown kind %q", args[0])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), b.Bytes(), 0o644))
}

// xzStream compresses data into one xz stream; a dict code other than 0 is
// written into its block header.
func xzStream(ts *testscript.TestScript, data []byte, dict byte) []byte {
	var b bytes.Buffer
	w, err := xz.NewWriter(&b)
	ts.Check(err)
	w.Write(data)
	ts.Check(w.Close())
	out := b.Bytes()
	if dict != 0 {
		h := out[12:]
		size := (int(h[0]) + 1) * 4
		i := bytes.Index(h[:size], []byte{0x21, 0x01})
		h[i+2] = dict
		binary.LittleEndian.PutUint32(h[size-4:], crc32.ChecksumIEEE(h[:size-4]))
	}
	return out
}

// writeXLSX writes a minimal one-sheet workbook.
func writeXLSX(ts *testscript.TestScript, b *bytes.Buffer, sheetData, sst string) {
	zw := zip.NewWriter(b)
	for _, f := range []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
		{"_rels/.rels", `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<workbook xmlns:r="r"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", `<worksheet><sheetData>` + sheetData + `</sheetData></worksheet>`},
		{"xl/sharedStrings.xml", `<sst>` + sst + `</sst>`},
	} {
		w, err := zw.Create(f.name)
		ts.Check(err)
		_, err = w.Write([]byte(f.body))
		ts.Check(err)
	}
	ts.Check(zw.Close())
}

// craftFilter writes a filter with the header of the filter at lcfPath but
// the Bloom parameters p and a body of fill bytes, with a valid checksum and
// a MAC under the key at keyPath: what an analyst holding the key could send.
func craftFilter(ts *testscript.TestScript, keyPath, lcfPath string, p bloom.Params, fill byte) []byte {
	data, err := os.ReadFile(ts.MkAbs(lcfPath))
	ts.Check(err)
	hlen := binary.BigEndian.Uint32(data[12:])
	var hdr map[string]json.RawMessage
	ts.Check(json.Unmarshal(data[16:16+hlen], &hdr))
	pj, err := json.Marshal(p)
	ts.Check(err)
	hdr["bloom"] = pj
	nh, err := json.Marshal(hdr)
	ts.Check(err)
	var out bytes.Buffer
	out.Write(data[:12])
	binary.Write(&out, binary.BigEndian, uint32(len(nh)))
	out.Write(nh)
	part := bytes.Repeat([]byte{fill}, int(24+p.M/8))
	binary.BigEndian.PutUint64(part, p.M)
	binary.BigEndian.PutUint64(part[8:], p.K)
	binary.BigEndian.PutUint64(part[16:], p.M)
	for range p.Partitions {
		out.Write(part)
	}
	master, err := keyhash.LoadKeyFile(ts.MkAbs(keyPath))
	ts.Check(err)
	var salt []byte
	ts.Check(json.Unmarshal(hdr["salt"], &salt))
	keys := keyhash.Derive(&master, salt)
	sum := sha256.Sum256(out.Bytes())
	mac := hmac.New(sha256.New, keys.MACKey())
	mac.Write(out.Bytes())
	tag := mac.Sum(nil)
	out.Write(sum[:])
	out.Write(tag)
	return out.Bytes()
}
