package records

import (
	"archive/zip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestNoValueInAnyError reads damaged input of every format, with a marker in every value, and
// checks that no error — from Sources, Open, Next or Count — contains the marker.
func TestNoValueInAnyError(t *testing.T) {
	const m = "SeCrEt"
	long := strings.Repeat(m, 20)
	inputs := map[string]string{
		"jsonl ragged":     `{"a":"` + m + `1"}` + "\n" + `{"a":"` + m + "2\n" + `{"a":` + m + "}\n" + `["` + m + `"]` + "\n" + `{"a":"` + long + `"}` + "\n",
		"json array":       `[{"a":"` + m + `"}, "` + m + `", {"a":` + m + `}, {"` + m + `":1}, {"a":"` + long + `"}, {"a":"` + m,
		"json trailing":    `[{"a":"` + m + `"}] ` + m,
		"kv":               "Name: " + m + "\nMobile: " + m + "\x00\n\nName: " + long + "\n\nName: " + m + "\xff\n",
		"sql":              "INSERT INTO t (a) VALUES ('" + m + "'),('" + m + "' " + m + "),(" + m + "),('" + long + "'),('" + m,
		"sql ragged":       "INSERT INTO t (a) VALUES ('" + m + "', '" + m + "');\nINSERT INTO t (a) SELECT '" + m + "';",
		"sql copy":         "COPY t (a) FROM stdin;\n" + m + "\t" + m + "\n" + long + "\n",
		"sql tables":       "INSERT INTO a (" + m + ") VALUES ('1');\nINSERT INTO b (a) VALUES ('" + m + "');\n",
		"csv":              "a,b\n" + m + "\"1," + m + "\n\"" + m + "\n",
		"csv header":       m + "\"a,b\n",
		"binary":           m + "\x00\x01\x02\x03\x04\x05\x06\x07\x08" + m,
		"gzip cut":         string(gz(t, []byte("a\n"+strings.Repeat(m+"\n", 5000)))[:100]),
		"xml":              "<" + m + ">",
		"utf16 odd length": string(utf16le("a,b\n"+m+","+m+"\n", true)) + "\x00",
	}
	check := func(what string, err error) {
		t.Helper()
		if err != nil && strings.Contains(strings.ToLower(err.Error()), strings.ToLower(m)) {
			t.Errorf("%s: error shows a value: %q", what, err)
		}
	}
	for name, in := range inputs {
		for _, opts := range []Options{{MaxLineBytes: 64}, {MaxLineBytes: 64, Encoding: "utf-8"}, {}} {
			src := bytesSource("t", []byte(in))
			_, err := src.Count(opts)
			check(name+" Count", err)
			r, c, err := src.Open(opts)
			check(name+" Open", err)
			if err != nil {
				continue
			}
			for range 100 {
				_, err := r.Next()
				check(name+" Next", err)
				if err != nil && !isRowError(err) {
					break
				}
			}
			c.Close()
		}
	}

	// xlsx and zip: errors that name parts, sheets and members.
	dir := t.TempDir()
	x := handXLSX(t, `<row><c t="inlineStr"><is><t>a</t></is></c></row><row><c t="s"><v>`+m+`</v></c></row><row><c r="`+m+`"><v>1</v></c></row><row><c><v>`+m, "", "", false)
	p := filepath.Join(dir, "x.xlsx")
	os.WriteFile(p, x, 0o600)
	srcs, err := Sources(p, Options{})
	check("xlsx Sources", err)
	if err == nil {
		r, c, err := srcs[0].Open(Options{})
		check("xlsx Open", err)
		if err == nil {
			for range 10 {
				_, err := r.Next()
				check("xlsx Next", err)
				if err != nil && !isRowError(err) {
					break
				}
			}
			c.Close()
		}
	}
	z := makeZip(t, zipEntry{"m.csv", []byte("a\n" + m + "\n"), zip.Deflate})
	os.WriteFile(p, z[:len(z)-10], 0o600)
	_, err = Sources(p, Options{})
	check("zip Sources", err)
}

// TestLongRecordsBoundedMemory reads a 10 MiB line, object, block and SQL row with a 1 MiB
// limit: each is skipped without ever being held in memory whole.
func TestLongRecordsBoundedMemory(t *testing.T) {
	const limit = 1 << 20
	for _, tc := range []struct {
		name, prefix, suffix, reason string
	}{
		{"jsonl", "{\"a\":\"1\"}\n{\"a\":\"", "\"}\n{\"a\":\"2\"}\n", "line longer than 1 MiB limit"},
		{"json array", "[{\"a\":\"1\"},{\"a\":\"", "\"},{\"a\":\"2\"}]", "JSON value longer than 1 MiB limit"},
		{"kv", "Name: 1\nMobile: 1\n\nName: ", "\nMobile: 1\n\nName: 2\nMobile: 2\n", "line longer than 1 MiB limit"},
		{"sql", "INSERT INTO t (a) VALUES ('1'),('", "'),('2');\n", "row longer than 1 MiB limit"},
		{"copy", "COPY t (a) FROM stdin;\n1\n", "\n2\n\\.\n", "line longer than 1 MiB limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The long value comes from a reader, never from one big string.
			data := &lineSource{parts: []string{tc.prefix, tc.suffix}, fill: 10 << 20}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			src := &Source{Name: "t", kind: srcStdin, once: true}
			old := os.Stdin
			pr, pw, _ := os.Pipe()
			os.Stdin = pr
			go func() {
				buf := make([]byte, 64<<10)
				for {
					n, err := data.Read(buf)
					pw.Write(buf[:n])
					if err != nil {
						pw.Close()
						return
					}
				}
			}()
			r, c, err := src.Open(Options{MaxLineBytes: limit})
			os.Stdin = old
			if err != nil {
				t.Fatal(err)
			}
			got, err := drain(t, r)
			c.Close()
			pr.Close()
			runtime.ReadMemStats(&after)
			if err != nil || len(got) != 3 || got[0].Values == nil || got[1].Reason != tc.reason || got[2].Values == nil {
				t.Fatalf("got %d results (%v), %v", len(got), reasons(got), err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8*limit {
				t.Errorf("allocated %d bytes reading a 10 MiB record with a 1 MiB limit", alloc)
			}
		})
	}
}

func reasons(rs []result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Reason)
	}
	return out
}
