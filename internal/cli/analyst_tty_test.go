//go:build linux

package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestProbeTerminal types an identifier at probe's prompt on a
// pseudo-terminal and checks that the terminal never shows it.
func TestProbeTerminal(t *testing.T) {
	w := acSetup(t)
	phone := acFixtureLine(t, "dump_leak.csv", 1)[0]
	absent := acFixtureLine(t, "dump_unrelated.csv", 1)[0]
	for _, c := range []struct {
		typed, answer string
		code          int
		screen        string
	}{
		{phone + "\n", "present (phone); about 1 in ", ExitExposed, ""},
		{absent + "\n", "absent (phone)\n", ExitOK, ""},
		{"12345\n", "invalid (phone): not a valid phone number", ExitError, ""},
		{"\n", "", ExitError, "error: nothing was typed"},
	} {
		ptmx, tty, err := pty.Open()
		if err != nil {
			t.Skipf("no pseudo-terminal: %v", err)
		}
		screen := &syncBuffer{} // everything the terminal displays
		done := make(chan struct{})
		go func() { io.Copy(screen, ptmx); close(done) }()
		var stdout bytes.Buffer
		code := make(chan int, 1)
		go func() {
			code <- Run(context.Background(), []string{"probe", "--key", w.key, "--filter", w.filters["dump_leak.csv"]}, tty, &stdout, tty)
		}()
		// Type only once the prompt is shown and echo is off.
		deadline := time.Now().Add(10 * time.Second)
		for !acEchoOff(tty) || !strings.Contains(screen.String(), "identifier (") {
			if time.Now().After(deadline) {
				t.Fatalf("no prompt with echo off; screen: %q", screen.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
		if _, err := ptmx.Write([]byte(c.typed)); err != nil {
			t.Fatal(err)
		}
		var got int
		select {
		case got = <-code:
		case <-time.After(10 * time.Second):
			t.Fatal("probe did not answer")
		}
		tty.Close() // the reader gets what is left, then an error
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
		ptmx.Close()
		if got != c.code || !strings.HasPrefix(stdout.String(), c.answer) {
			t.Errorf("typed an identifier: exit %d, stdout %q; want exit %d, %q…", got, stdout.String(), c.code, c.answer)
		}
		if typed := strings.TrimSpace(c.typed); typed != "" && (strings.Contains(screen.String(), typed) || strings.Contains(stdout.String(), typed)) {
			t.Errorf("the identifier was echoed: screen %q", screen.String())
		}
		if !strings.Contains(screen.String(), c.screen) {
			t.Errorf("screen %q lacks %q", screen.String(), c.screen)
		}
		acNoIdentifiers(t, screen.String(), stdout.String())
	}
}

func acEchoOff(tty *os.File) bool {
	tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	return err == nil && tio.Lflag&unix.ECHO == 0
}

// TestReportTerminal prints the text report to a pseudo-terminal of 100
// columns: its prose wraps at 100 (tables excepted) and the verdict is
// coloured, unless NO_COLOR is set; to anything else it is never coloured.
func TestReportTerminal(t *testing.T) {
	w := acSetup(t)
	t.Setenv(NoColorEnv, "") // restored after the test
	for _, noColor := range []bool{false, true} {
		if noColor {
			t.Setenv(NoColorEnv, "1")
		} else {
			os.Unsetenv(NoColorEnv)
		}
		ptmx, tty, err := pty.Open()
		if err != nil {
			t.Skipf("no pseudo-terminal: %v", err)
		}
		if err := pty.Setsize(tty, &pty.Winsize{Rows: 40, Cols: 100}); err != nil {
			t.Fatal(err)
		}
		screen := &syncBuffer{}
		done := make(chan struct{})
		go func() { io.Copy(screen, ptmx); close(done) }()
		var stderr bytes.Buffer
		code := Run(context.Background(), []string{"check", "-q", "--key", w.key, "--filter", w.filters["dump_leak.csv"], w.registry}, strings.NewReader(""), tty, &stderr)
		tty.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
		ptmx.Close()
		out := strings.ReplaceAll(screen.String(), "\r\n", "\n")
		if code != ExitExposed {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		colored := strings.Contains(out, "VERDICT: \x1b[1;31mEXPOSED\x1b[0m")
		if colored == noColor {
			t.Errorf("NO_COLOR set %v: verdict coloured %v:\n%.200q", noColor, colored, out)
		}
		prose := strings.Split(out, "\nJOINT EVIDENCE")[0]
		widest := 0
		for _, line := range strings.Split(prose, "\n") {
			widest = max(widest, len([]rune(strings.NewReplacer("\x1b[1;31m", "", "\x1b[0m", "").Replace(line))))
		}
		if widest > 100 || widest < 90 {
			t.Errorf("prose before the tables is %d columns wide on a 100-column terminal:\n%s", widest, prose)
		}
		acNoIdentifiers(t, out, stderr.String())
	}
	// Not a terminal: never coloured, whatever NO_COLOR says.
	os.Unsetenv(NoColorEnv)
	r := w.mustRun(ExitExposed, "", "check", "-q", "--key", w.key, "--filter", w.filters["dump_leak.csv"], w.registry)
	if strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("a report to a pipe holds escape sequences:\n%.300q", r.stdout)
	}
}
