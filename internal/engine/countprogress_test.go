package engine

import (
	"compress/gzip"
	"os"
	"sync"
	"testing"
)

// passRecorder is a Progress that records its passes: for each, what Start
// announced, the bytes and rows Advance added, and whether Finish ended it
// before the next began.
type passRecorder struct {
	mu     sync.Mutex
	passes []recordedPass
	t      *testing.T
}

type recordedPass struct {
	pass        Pass
	total       int64
	bytes, rows int64
	finished    bool
}

func (p *passRecorder) Start(pass Pass, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.passes); n > 0 && !p.passes[n-1].finished {
		p.t.Errorf("pass %d started before pass %d was finished", n, n-1)
	}
	p.passes = append(p.passes, recordedPass{pass: pass, total: total})
}

func (p *passRecorder) Advance(bytes, rows int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.passes)
	if n == 0 || p.passes[n-1].finished {
		p.t.Errorf("Advance(%d, %d) outside a pass", bytes, rows)
		return
	}
	p.passes[n-1].bytes += bytes
	p.passes[n-1].rows += rows
}

func (p *passRecorder) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.passes)
	if n == 0 || p.passes[n-1].finished {
		p.t.Errorf("Finish outside a pass")
		return
	}
	p.passes[n-1].finished = true
}

// TestBuildReportsCountingPass (issue 15): a build that counts its inputs
// first reports a Counting pass, with the files' byte total announced and
// scanned and their rows counted, and finishes it before the Reading pass
// starts; a build that reads its input once (gzip) reports the Reading pass
// only.
func TestBuildReportsCountingPass(t *testing.T) {
	plain := []string{fixture(t, "dump_leak.csv"), fixture(t, "dump_phonelist.csv")}
	var size int64
	for _, p := range plain {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		size += st.Size()
	}
	gz := plain[0] + ".gz"
	data, err := os.ReadFile(plain[0])
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(gz)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	build := func(paths []string) (*BuildResult, []recordedPass) {
		t.Helper()
		prog := &passRecorder{t: t}
		res, err := buildPaths(t, paths, BuildOptions{Options: Options{Workers: 2, Progress: prog}, FPR: 1e-6})
		if err != nil {
			t.Fatal(err)
		}
		prog.mu.Lock()
		defer prog.mu.Unlock()
		return res, prog.passes
	}

	res, passes := build(plain)
	if len(passes) != 2 || passes[0].pass != Counting || passes[1].pass != Reading {
		t.Fatalf("passes %+v, want a counting pass, then a reading pass", passes)
	}
	c, r := passes[0], passes[1]
	if c.total != size || c.bytes != size {
		t.Errorf("counting pass: total %d, %d bytes scanned; want the files' %d bytes", c.total, c.bytes, size)
	}
	if c.rows != res.Rows || c.rows == 0 {
		t.Errorf("counting pass: %d rows counted, the build has %d", c.rows, res.Rows)
	}
	if !c.finished || !r.finished {
		t.Errorf("passes not finished: %+v", passes)
	}
	if r.total != size || r.rows != res.Rows {
		t.Errorf("reading pass: total %d, %d rows; want %d bytes, %d rows", r.total, r.rows, size, res.Rows)
	}

	_, passes = build([]string{gz})
	if len(passes) != 1 || passes[0].pass != Reading || !passes[0].finished {
		t.Errorf("gzip input, read once: passes %+v, want one reading pass", passes)
	}
}
