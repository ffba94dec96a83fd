package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	if err := generate(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"leakcheck.1", "leakcheck-build.1", "leakcheck-check.1", "leakcheck-probe.1", "leakcheck-merge.1", "leakcheck-completion-bash.1"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("no page %s: %v", name, err)
			continue
		}
		if !strings.Contains(string(b), ".TH \"LEAKCHECK\" \"1\"") {
			t.Errorf("%s has no man header:\n%.300s", name, b)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "leakcheck-probe.1"))
	if !strings.Contains(string(b), "never taken from the command") {
		t.Errorf("leakcheck-probe.1 lacks the command's long help:\n%s", b)
	}
}
