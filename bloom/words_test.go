package bloom

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestMappedFilter checks that a large filter mapped from the kernel
// (newRegion) holds, writes and reads back exactly what the same filter in
// Go's heap does, and that only the heap one counts toward the heap.
func TestMappedFilter(t *testing.T) {
	if !hugePagesAvailable {
		t.Skip("filters are mapped from the kernel only on Linux")
	}
	h := testHeader(t, 4e6, 1e-6) // 14 MiB: mapped
	build := func(huge bool) (*Filter, []byte) {
		hugePages = huge
		defer func() { hugePages = hugePagesAvailable }()
		f, err := New(h)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(3, 4))
		var it [ItemSize]byte
		for range 200_000 {
			binary.LittleEndian.PutUint64(it[:], r.Uint64())
			binary.LittleEndian.PutUint64(it[8:], r.Uint64())
			f.Add(it[:])
		}
		var buf bytes.Buffer
		if _, err := f.WriteTo(&buf, []byte("mac key"), nil); err != nil {
			t.Fatal(err)
		}
		return f, buf.Bytes()
	}
	mapped, a := build(true)
	heap, b := build(false)
	if got := mapped.HeapBytes(); got != 0 {
		t.Errorf("mapped filter: HeapBytes = %d, want 0", got)
	}
	if got, want := heap.HeapBytes(), h.Bloom.BodySize(); got != want {
		t.Errorf("heap filter: HeapBytes = %d, want %d", got, want)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("the mapped filter's file differs from the heap filter's")
	}
	d, err := NewDecoder(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	g, err := d.Body([]byte("mac key"))
	if err != nil {
		t.Fatal(err)
	}
	if g.HeapBytes() != 0 {
		t.Error("a large filter read from a file of known size is not mapped")
	}
	var c bytes.Buffer
	if _, err := g.WriteTo(&c, []byte("mac key"), nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(c.Bytes(), a) {
		t.Fatal("the filter read back writes a different file")
	}
}

// TestMappedFilterReturned checks that a mapped filter's memory goes back to
// the kernel once the filter is collected, and that filters in use are left
// alone meanwhile.
func TestMappedFilterReturned(t *testing.T) {
	if !hugePagesAvailable {
		t.Skip("filters are mapped from the kernel only on Linux")
	}
	h := testHeader(t, 4e6, 1e-6)
	keep, err := New(h)
	if err != nil {
		t.Fatal(err)
	}
	item := bytes.Repeat([]byte{7}, ItemSize)
	keep.Add(item)
	before := unmapped.Load()
	for range 8 {
		f, err := New(h)
		if err != nil {
			t.Fatal(err)
		}
		f.Add(item)
	}
	for i := 0; i < 100 && unmapped.Load() < before+8; i++ {
		runtime.GC()
	}
	if got := unmapped.Load() - before; got < 8 {
		t.Errorf("%d of 8 dropped filters were unmapped after 100 collections", got)
	}
	if !keep.Test(item) {
		t.Error("a filter still in use lost its bits")
	}
}

// TestMappedFilterReleasedOnError checks that a large filter that fails to
// decode (damaged, or read with the wrong key) returns its mapping at
// once, without waiting for a collection.
func TestMappedFilterReleasedOnError(t *testing.T) {
	if !hugePagesAvailable {
		t.Skip("filters are mapped from the kernel only on Linux")
	}
	f, err := New(testHeader(t, 4e6, 1e-6))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf, []byte("mac key"), nil); err != nil {
		t.Fatal(err)
	}
	damaged := bytes.Clone(buf.Bytes())
	damaged[len(damaged)/2] ^= 1
	// No collection may return a mapping meanwhile: the collector is off,
	// and the cleanups of the last collection have run.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	runtime.GC()
	for n := unmapped.Load(); ; n = unmapped.Load() {
		time.Sleep(20 * time.Millisecond)
		if unmapped.Load() == n {
			break
		}
	}
	for _, c := range []struct {
		name string
		data []byte
		key  string
	}{
		{"damaged", damaged, "mac key"},
		{"wrong key", buf.Bytes(), "another key"},
	} {
		d, err := NewDecoder(bytes.NewReader(c.data), int64(len(c.data)))
		if err != nil {
			t.Fatal(err)
		}
		before := unmapped.Load()
		if _, err := d.Body([]byte(c.key)); err == nil {
			t.Fatalf("%s: decoded without an error", c.name)
		}
		if got := unmapped.Load() - before; got < 1 {
			t.Errorf("%s: %d mappings returned at the error, want 1", c.name, got)
		}
	}
	runtime.KeepAlive(f)
}
