//go:build linux

package cli_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/leakcheck/leakcheck/fixtures"
	"github.com/leakcheck/leakcheck/internal/cli"
)

// screen collects what a pseudo-terminal displays.
type screen struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func echoOff(tty *os.File) bool {
	tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	return err == nil && tio.Lflag&unix.ECHO == 0
}

// terminal is a pseudo-terminal a test types into.
type terminal struct {
	t         *testing.T
	ptmx, tty *os.File
	scr       *screen
	done      chan struct{}
	closed    bool
}

func newTerminal(t *testing.T) *terminal {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	term := &terminal{t: t, ptmx: ptmx, tty: tty, scr: &screen{}, done: make(chan struct{})}
	go func() { io.Copy(term.scr, ptmx); close(term.done) }()
	return term
}

func (term *terminal) close() {
	if term.closed {
		return
	}
	term.closed = true
	// Close our side first: the copier then reads what is left on the
	// screen and ends (EIO) once nobody holds the terminal open.
	term.tty.Close()
	select {
	case <-term.done:
	case <-time.After(10 * time.Second):
		term.t.Error("the pseudo-terminal did not close")
	}
	term.ptmx.Close()
}

// typeAt waits for the n-th prompt containing prompt to be shown with echo
// off, then types line and Enter.
func (term *terminal) typeAt(prompt string, n int, line string) {
	term.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !echoOff(term.tty) || strings.Count(term.scr.String(), prompt) < n {
		if time.Now().After(deadline) {
			term.t.Fatalf("no prompt %q (#%d) with echo off; screen: %q", prompt, n, term.scr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := term.ptmx.Write([]byte(line + "\n")); err != nil {
		term.t.Fatal(err)
	}
}

// runOnTerminal runs leakcheck in process with the terminal as standard
// input and standard error, typing the given lines at the prompts.
func runOnTerminal(t *testing.T, args []string, prompts []string, lines []string) (int, string, string) {
	t.Helper()
	term := newTerminal(t)
	var stdout bytes.Buffer
	code := make(chan int, 1)
	go func() { code <- cli.Run(context.Background(), args, term.tty, &stdout, term.tty) }()
	seen := map[string]int{}
	for i, line := range lines {
		seen[prompts[i]]++
		term.typeAt(prompts[i], seen[prompts[i]], line)
	}
	var got int
	select {
	case got = <-code:
	case <-time.After(60 * time.Second):
		t.Fatalf("leakcheck %q did not finish; screen: %q", args, term.scr.String())
	}
	if echoOff(term.tty) {
		t.Errorf("leakcheck %q left the terminal with echo off", args)
	}
	term.close() // and wait for everything shown to be read
	return got, stdout.String(), term.scr.String()
}

// TestPassphraseTerminal types passphrases at real prompts: never echoed,
// asked twice for build, once for check; a mismatch or a wrong passphrase
// is exit 2.
func TestPassphraseTerminal(t *testing.T) {
	t.Setenv(cli.KeyFileEnv, "")
	t.Setenv(cli.PassphraseFileEnv, "")
	dir := t.TempDir()
	for _, name := range []string{fixtures.Registry, "dump_leak.csv"} {
		data, _ := fixtures.FS.ReadFile(name)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	const pass = "violet tractor ocean 42 pencil"
	lcf := filepath.Join(dir, "dump.lcf")
	dump, reg := filepath.Join(dir, "dump_leak.csv"), filepath.Join(dir, fixtures.Registry)
	noEcho := func(what, scr, stdout string) {
		t.Helper()
		if strings.Contains(scr, "violet") || strings.Contains(stdout, "violet") {
			t.Fatalf("%s: the passphrase was shown: %q", what, scr)
		}
	}

	np, again := "passphrase for the new filter:", "same passphrase again:"
	code, out, scr := runOnTerminal(t, []string{"build", "-q", "--passphrase", "-o", lcf, dump}, []string{np, again}, []string{pass, pass + "x"})
	noEcho("build, mismatch", scr, out)
	if code != 2 || !strings.Contains(scr, "error: the two passphrases differ") {
		t.Fatalf("build with two different passphrases: exit %d, screen %q", code, scr)
	}
	if _, err := os.Stat(lcf); err == nil {
		t.Fatal("a refused build left a filter")
	}

	// A short passphrase is refused at once, before it is asked again.
	code, out, scr = runOnTerminal(t, []string{"build", "-q", "--passphrase", "-o", lcf, dump}, []string{np}, []string{"short"})
	noEcho("build, short", scr, out)
	if code != 2 || !strings.Contains(scr, "error: the passphrase is shorter than 12 characters") || strings.Contains(scr, again) {
		t.Fatalf("build with a short passphrase: exit %d, screen %q", code, scr)
	}

	code, out, scr = runOnTerminal(t, []string{"build", "-q", "--passphrase", "-o", lcf, dump}, []string{np, again}, []string{pass, pass})
	noEcho("build", scr, out)
	if code != 0 {
		t.Fatalf("build: exit %d, screen %q", code, scr)
	}

	// An output that exists, or an input that does not, is refused before any
	// passphrase is asked.
	for _, args := range [][]string{
		{"build", "-q", "--passphrase", "-o", lcf, dump},
		{"build", "-q", "--passphrase", "-o", lcf + ".new", filepath.Join(dir, "missing.csv")},
	} {
		code, out, scr = runOnTerminal(t, args, nil, nil)
		if code != 2 || strings.Contains(scr, np) {
			t.Fatalf("%q: exit %d, screen %q", args, code, scr)
		}
	}

	fp := "passphrase for " + lcf + ":"
	code, out, scr = runOnTerminal(t, []string{"check", "-q", "--passphrase", "--filter", lcf, reg}, []string{fp}, []string{pass})
	noEcho("check", scr, out)
	if code != 1 || !strings.Contains(strings.ToLower(out), "exposed") {
		t.Fatalf("check: exit %d, stdout %q, screen %q", code, out, scr)
	}

	code, out, scr = runOnTerminal(t, []string{"check", "-q", "--passphrase", "--filter", lcf, reg}, []string{fp}, []string{"violet tractor ocean 42 pencils"})
	noEcho("check, wrong passphrase", scr, out)
	if code != 2 || !strings.Contains(scr, "error: wrong passphrase for") || out != "" {
		t.Fatalf("check with a wrong passphrase: exit %d, stdout %q, screen %q", code, out, scr)
	}
}

// TestPassphrasePromptInterrupted cancels the run (as SIGINT does) while
// the prompt waits: exit 130, and the terminal's echo is back on.
func TestPassphrasePromptInterrupted(t *testing.T) {
	t.Setenv(cli.KeyFileEnv, "")
	t.Setenv(cli.PassphraseFileEnv, "")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "in.csv"), []byte("phone\n9876500001\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	term := newTerminal(t)
	defer term.close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	code := make(chan int, 1)
	go func() {
		code <- cli.Run(ctx, []string{"build", "--passphrase", "-o", filepath.Join(dir, "x.lcf"), filepath.Join(dir, "in.csv")}, term.tty, io.Discard, term.tty)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !echoOff(term.tty) || !strings.Contains(term.scr.String(), "passphrase for the new filter:") {
		if time.Now().After(deadline) {
			t.Fatalf("no prompt; screen %q", term.scr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case got := <-code:
		if got != cli.ExitInterrupted {
			t.Fatalf("interrupted prompt: exit %d, want %d", got, cli.ExitInterrupted)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("an interrupted prompt did not return")
	}
	if echoOff(term.tty) {
		t.Fatal("an interrupted prompt left echo off")
	}
	// The abandoned read (a process would exit here) still waits for a
	// line: give it one, so that the terminal can close.
	term.ptmx.Write([]byte("\n"))
	term.close()
	if !strings.Contains(term.scr.String(), "interrupted") {
		t.Fatalf("screen %q", term.scr.String())
	}
}

// TestPassphraseOnControllingTerminal runs the binary with the input on
// standard input (a pipe) and a controlling terminal: the passphrase is
// asked on /dev/tty.
func TestPassphraseOnControllingTerminal(t *testing.T) {
	bin := leakcheckBinary(t)
	dir := t.TempDir()
	term := newTerminal(t)
	defer term.close()
	data, _ := fixtures.FS.ReadFile("dump_leak.csv")
	lcf := filepath.Join(dir, "dump.lcf")
	cmd := exec.Command(bin, "build", "-q", "--passphrase", "-o", lcf, "-")
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	cmd.ExtraFiles = []*os.File{term.tty} // fd 3
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 3}
	cmd.Env = append(os.Environ(), "LEAKCHECK_KEY_FILE=", "LEAKCHECK_PASSPHRASE_FILE=")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	const pass = "violet tractor ocean 42 pencil"
	term.typeAt("passphrase for the new filter:", 1, pass)
	term.typeAt("same passphrase again:", 1, pass)
	select {
	case err := <-done:
		if code := exitCode(t, err); code != 0 {
			t.Fatalf("build: exit %d\n%s", code, stderr.String())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("build did not finish; screen %q", term.scr.String())
	}
	if strings.Contains(term.scr.String(), "violet") || strings.Contains(stderr.String(), "violet") {
		t.Fatalf("the passphrase was shown: %q", term.scr.String())
	}
	if _, err := os.Stat(lcf); err != nil {
		t.Fatal(err)
	}
}

// TestBinaryFilterNotToTerminal: -o - refuses to write a binary filter to
// a terminal (age does the same), before doing any work.
func TestBinaryFilterNotToTerminal(t *testing.T) {
	t.Setenv(cli.KeyFileEnv, "")
	t.Setenv(cli.PassphraseFileEnv, "")
	dir := t.TempDir()
	key, in := filepath.Join(dir, "k.key"), filepath.Join(dir, "in.csv")
	if err := os.WriteFile(in, []byte("phone\n9876500001\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := cli.Run(context.Background(), []string{"keygen", "-o", key}, strings.NewReader(""), io.Discard, io.Discard); code != 0 {
		t.Fatalf("keygen: exit %d", code)
	}
	term := newTerminal(t)
	defer term.close()
	var stderr bytes.Buffer
	code := cli.Run(context.Background(), []string{"build", "--key", key, "-o", "-", in}, strings.NewReader(""), term.tty, &stderr)
	if code != cli.ExitError || !strings.Contains(stderr.String(), "writes a binary filter to standard output, which is a terminal") {
		t.Fatalf("build -o - on a terminal: exit %d\n%s", code, stderr.String())
	}
}
