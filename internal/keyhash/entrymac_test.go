package keyhash

import (
	"crypto/hmac"
	"crypto/sha256"
	"math/rand/v2"
	"testing"
)

// TestEntryMACMatchesHMAC: the fast path gives crypto/hmac's answer for
// random keys and messages of every length up to five blocks.
func TestEntryMACMatchesHMAC(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 20 {
		key := make([]byte, 32)
		for i := range key {
			key[i] = byte(r.Uint32())
		}
		e := newEntryMAC(key)
		if e.in == nil {
			t.Fatal("fast path unavailable: crypto/sha256's marshaled state changed?")
		}
		for n := 0; n <= 5*64; n++ {
			msg := make([]byte, n)
			for i := range msg {
				msg[i] = byte(r.Uint32())
			}
			var got [16]byte
			e.sum16(msg, &got)
			m := hmac.New(sha256.New, key)
			m.Write(msg)
			if want := m.Sum(nil)[:16]; string(got[:]) != string(want) {
				t.Fatalf("key %x, %d-byte message: %x, crypto/hmac gives %x", key, n, got, want)
			}
		}
	}
}
