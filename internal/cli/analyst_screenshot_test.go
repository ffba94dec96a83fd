package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// acScreenshot renders an HTML report in headless Chromium, when it is
// installed (Debian: apt-get install chromium), and checks that a picture
// came out. Set LEAKCHECK_SCREENSHOT to a path to keep the PNG.
func acScreenshot(t *testing.T, page string) {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Log("chromium is not installed: no screenshot of the HTML report")
		return
	}
	dir := t.TempDir()
	png := filepath.Join(dir, "report.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	abs, _ := filepath.Abs(page)
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--screenshot="+png, "--window-size=1200,1600",
		"file://"+abs)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out.Bytes())
	}
	b, err := os.ReadFile(png)
	if err != nil {
		t.Fatalf("chromium wrote no screenshot: %v\n%s", err, out.Bytes())
	}
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || len(b) < 20_000 {
		t.Errorf("screenshot is not a PNG of a page (%d bytes)", len(b))
	}
	if keep := os.Getenv("LEAKCHECK_SCREENSHOT"); keep != "" {
		if err := os.WriteFile(keep, b, 0o644); err != nil {
			t.Error(err)
		}
	}
}
