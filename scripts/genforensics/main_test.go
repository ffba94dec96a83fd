package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestFixturesUpToDate requires the committed fixtures/forensics to be what the generator
// writes, byte for byte.
func TestFixturesUpToDate(t *testing.T) {
	for name, want := range generate() {
		got, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "forensics", name))
		if err != nil {
			t.Errorf("fixtures/forensics/%s: %v (run: go run ./scripts/genforensics -out fixtures/forensics)", name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("fixtures/forensics/%s differs from the generator's output (run: go run ./scripts/genforensics -out fixtures/forensics)", name)
		}
	}
}

func TestGeneratorDeterministic(t *testing.T) {
	a, b := generate(), generate()
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}
