//go:build linux

package cli_test

// Tests that run the real leakcheck binary, for what only a separate
// process can show: SIGINT in the middle of a build, a full disk, and
// passphrase prompts with and without a controlling terminal.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// leakcheckBinary builds cmd/leakcheck into a temporary directory.
func leakcheckBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the leakcheck binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "leakcheck")
	cmd := exec.Command(goTool, "build", "-o", bin, "github.com/leakcheck/leakcheck/cmd/leakcheck")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// bigInput writes n rows of invented people (phone, name, year of birth)
// and returns the file's path.
func bigInput(t *testing.T, dir string, n int) string {
	t.Helper()
	first := []string{"Asha", "Ravi", "Meera", "Arjun", "Kavya", "Vikram", "Nisha", "Rahul", "Pooja", "Sanjay", "Divya", "Karan"}
	last := []string{"Rao", "Iyer", "Singh", "Das", "Nair", "Joshi", "Mehta", "Gupta", "Reddy", "Pillai"}
	p := filepath.Join(dir, "dump.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 11))
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("phone,name,yob\n")
	for range n {
		fmt.Fprintf(w, "%d%09d,%s %s,%d\n", 6+r.IntN(4), r.IntN(1_000_000_000), first[r.IntN(len(first))], last[r.IntN(len(last))], 1940+r.IntN(66))
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			t.Fatalf("leakcheck died of signal %v instead of exiting", ws.Signal())
		}
		return ee.ExitCode()
	default:
		t.Fatal(err)
		return -1
	}
}

func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func keygenBin(t *testing.T, bin, path string) {
	t.Helper()
	if out, err := exec.Command(bin, "keygen", "-o", path).CombinedOutput(); err != nil {
		t.Fatalf("keygen: %v\n%s", err, out)
	}
}

// TestInterruptedBuild sends SIGINT to a build of 1.5 million invented rows
// while it runs: exit 130, a message saying nothing was left behind, and
// nothing left behind.
func TestInterruptedBuild(t *testing.T) {
	bin := leakcheckBinary(t)
	work := t.TempDir()
	in := bigInput(t, work, 1_500_000)
	key := filepath.Join(work, "engagement.key")
	keygenBin(t, bin, key)
	outDir := filepath.Join(work, "out")
	if err := os.Mkdir(outDir, 0o700); err != nil {
		t.Fatal(err)
	}

	var stderr bytes.Buffer
	cmd := exec.Command(bin, "build", "--key", key, "-o", filepath.Join(outDir, "dump.lcf"), in)
	cmd.Stderr = &stderr
	cmd.Env = append(os.Environ(), "LEAKCHECK_KEY_FILE=", "LEAKCHECK_PASSPHRASE_FILE=")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	// Wait until the build has its temporary output file open, then let it
	// work a little longer, so that the interrupt lands mid-run.
	deadline := time.Now().Add(60 * time.Second)
	for len(dirEntries(t, outDir)) == 0 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("build never created its temporary file")
		}
		select {
		case err := <-exited:
			t.Fatalf("build ended before it could be interrupted (%v):\n%s", err, stderr.String())
		case <-time.After(2 * time.Millisecond):
		}
	}
	tmp := dirEntries(t, outDir)
	if len(tmp) != 1 || !strings.HasPrefix(tmp[0], ".leakcheck-tmp-") {
		t.Fatalf("output directory holds %v, want one temporary file", tmp)
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatalf("build ended before it could be interrupted (%v):\n%s", err, stderr.String())
	}
	sent := time.Now()
	var err error
	select {
	case err = <-exited:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("build did not stop within 60 s of SIGINT")
	}
	t.Logf("build stopped %v after SIGINT", time.Since(sent).Round(time.Millisecond))
	if code := exitCode(t, err); code != 130 {
		t.Fatalf("interrupted build: exit %d, want 130\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "leakcheck: error: interrupted; no partial output was left behind") {
		t.Fatalf("interrupted build did not say so:\n%s", stderr.String())
	}
	if left := dirEntries(t, outDir); len(left) != 0 {
		t.Fatalf("interrupted build left %v behind", left)
	}
}

// TestDiskFull runs build with a file-size limit (RLIMIT_FSIZE) far below
// the filter's size: writing fails as it would on a full disk. A real full
// file system (a small tmpfs) needs privileges tests should not ask for;
// the limit makes write(2) fail the same way, with EFBIG instead of ENOSPC.
func TestDiskFull(t *testing.T) {
	bin := leakcheckBinary(t)
	work := t.TempDir()
	in := bigInput(t, work, 20_000)
	key := filepath.Join(work, "engagement.key")
	keygenBin(t, bin, key)
	outDir := filepath.Join(work, "out")
	if err := os.Mkdir(outDir, 0o700); err != nil {
		t.Fatal(err)
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to set the file-size limit with")
	}
	var stderr bytes.Buffer
	// ulimit -f counts 512- or 1024-byte blocks depending on the shell;
	// 16 blocks is far below the filter's ~360 KiB either way.
	cmd := exec.Command(sh, "-c", `ulimit -f 16 && exec "$0" "$@"`, bin, "build", "-q", "--key", key, "-o", filepath.Join(outDir, "dump.lcf"), in)
	cmd.Stderr = &stderr
	cmd.Env = append(os.Environ(), "LEAKCHECK_KEY_FILE=", "LEAKCHECK_PASSPHRASE_FILE=")
	err = cmd.Run()
	if code := exitCode(t, err); code != 2 {
		t.Fatalf("build on a full disk: exit %d, want 2\n%s", code, stderr.String())
	}
	for _, want := range []string{"leakcheck: error: writing ", "file too large", "leakcheck: hint: nothing was left behind"} {
		if !strings.Contains(stderr.String(), want) {
			t.Fatalf("build on a full disk: stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if left := dirEntries(t, outDir); len(left) != 0 {
		t.Fatalf("build on a full disk left %v behind", left)
	}
}

// TestPassphraseWithoutTerminal runs build --passphrase in a new session,
// with no controlling terminal and standard input not a terminal: it must
// refuse with a hint, not hang or read the passphrase from the input.
func TestPassphraseWithoutTerminal(t *testing.T) {
	bin := leakcheckBinary(t)
	work := t.TempDir()
	in := bigInput(t, work, 100)
	out := filepath.Join(work, "dump.lcf")
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "build", "--passphrase", "-o", out, in)
	cmd.Stdin = strings.NewReader("correct horse battery staple\ncorrect horse battery staple\n")
	cmd.Stderr = &stderr
	cmd.Env = append(os.Environ(), "LEAKCHECK_KEY_FILE=", "LEAKCHECK_PASSPHRASE_FILE=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("build --passphrase without a terminal hung")
	}
	if code := exitCode(t, err); code != 2 {
		t.Fatalf("exit %d, want 2\n%s", code, stderr.String())
	}
	for _, want := range []string{"--passphrase needs a terminal to ask for the passphrase, and there is none", "hint: run leakcheck in a terminal; for automation, set LEAKCHECK_PASSPHRASE_FILE"} {
		if !strings.Contains(stderr.String(), want) {
			t.Fatalf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if strings.Contains(stderr.String(), "correct horse") {
		t.Fatalf("the passphrase was echoed:\n%s", stderr.String())
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a refused build left a filter")
	}
}
