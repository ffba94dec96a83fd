package bloom

import (
	"bytes"
	"crypto/sha256"
	"io"
	"testing"
)

// BenchmarkDecode loads a 144 MB filter (planned for 40 M entries) from
// memory: "read" only copies its bytes (the floor), "sha256" hashes them once
// (the checksum alone; Body also computes the MAC, a second SHA-256 pass), and
// "decode" is NewDecoder and Body with the MAC key.
func BenchmarkDecode(b *testing.B) {
	f, err := New(testHeader(b, 40<<20, 1e-6))
	if err != nil {
		b.Fatal(err)
	}
	for _, it := range items(1, 100_000) {
		f.Add(it)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf, testMACKey, nil); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.Run("read", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		dst := make([]byte, len(data))
		for b.Loop() {
			io.ReadFull(bytes.NewReader(data), dst)
		}
	})
	b.Run("sha256", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			sha256.Sum256(data)
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := decode(data, testMACKey, true); err != nil {
				b.Fatal(err)
			}
		}
	})
}
