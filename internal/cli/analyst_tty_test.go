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
