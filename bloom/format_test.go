package bloom

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

var testMACKey = bytes.Repeat([]byte{0x42}, 32)

func testHeader(t testing.TB, capacity uint64, fpr float64) Header {
	t.Helper()
	p, err := Plan(capacity, fpr)
	if err != nil {
		t.Fatal(err)
	}
	return Header{
		Created:       time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC),
		Tool:          "leakcheck test",
		Normalization: 1,
		Region:        "IN",
		Hash:          HashHMACSHA256,
		Key:           KeyInfo{Source: "keyfile"},
		Salt:          bytes.Repeat([]byte{0xff}, SaltSize),
		KeyCheck:      bytes.Repeat([]byte{0x11}, KeyCheckSize),
		Fields:        []string{"phone", "name"},
		Indexes:       []Index{{Name: "phone", Fields: []string{"phone"}}, {Name: "phone+name", Fields: []string{"phone", "name"}}},
		Bloom:         p,
	}
}

// items returns n deterministic pseudo-random 16-byte items.
func items(seed uint64, n int) [][]byte {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([][]byte, n)
	for i := range out {
		b := make([]byte, ItemSize)
		binary.LittleEndian.PutUint64(b, r.Uint64())
		binary.LittleEndian.PutUint64(b[8:], r.Uint64())
		out[i] = b
	}
	return out
}

// legacyParams sizes a filter for capacity entries at 1e-6 as leakcheck's
// writers did before MinPartitionBits (one partition of ⌈28.76·n/64⌉·64
// bits, k = 20): the golden file and the small filters of these tests
// (buildFilter) have that geometry, which readers keep accepting.
func legacyParams(capacity uint64) Params {
	m := math.Ceil(-float64(capacity) * math.Log(1e-6) / (math.Ln2 * math.Ln2))
	return Params{Scheme: Scheme, Partitions: 1, M: uint64(math.Ceil(m/64) * 64), K: 20, Capacity: capacity, TargetFPR: 1e-6}
}

func buildFilter(t testing.TB, capacity uint64, n int, signer ed25519.PrivateKey) ([]byte, *Filter) {
	t.Helper()
	h := testHeader(t, capacity, 1e-6)
	if legacy := legacyParams(capacity); legacy.M < MinPartitionBits {
		h.Bloom = legacy
	}
	f, err := New(h)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items(1, n) {
		f.Add(it)
	}
	f.Header.Indexes[0].Entries = uint64(n)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf, testMACKey, signer); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), f
}

func decode(data []byte, macKey []byte, knownSize bool) (*Filter, error) {
	size := int64(-1)
	if knownSize {
		size = int64(len(data))
	}
	d, err := NewDecoder(bytes.NewReader(data), size)
	if err != nil {
		return nil, err
	}
	return d.Body(macKey)
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name     string
		capacity uint64
		n        int
		sign     bool
	}{
		{"small", 100, 100, false},
		{"signed", 100, 50, true},
		{"partitioned", 400_000, 20_000, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var signer ed25519.PrivateKey
			if tc.sign {
				signer = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
			}
			data, orig := buildFilter(t, tc.capacity, tc.n, signer)
			if tc.capacity > 300_000 && orig.Partitions() < 2 {
				t.Fatalf("expected several partitions, got %d", orig.Partitions())
			}
			for _, known := range []bool{true, false} {
				f, err := decode(data, testMACKey, known)
				if err != nil {
					t.Fatalf("decode (size known %v): %v", known, err)
				}
				for i, it := range items(1, tc.n) {
					if !f.Test(it) {
						t.Fatalf("item %d lost in round trip", i)
					}
				}
				if f.Header.Indexes[0].Entries != uint64(tc.n) || f.Header.Tool != "leakcheck test" {
					t.Fatalf("header not preserved: %+v", f.Header)
				}
				if tc.sign && !bytes.Equal(f.Header.Signer, signer.Public().(ed25519.PublicKey)) {
					t.Fatal("signer not preserved")
				}
				a, _ := f.Fill()
				b, _ := orig.Fill()
				if a != b {
					t.Fatalf("fill %d != %d", a, b)
				}
			}
			// Without the MAC key the checksum and signature are still verified.
			if _, err := decode(data, nil, true); err != nil {
				t.Fatalf("decode without MAC key: %v", err)
			}
		})
	}
}

// matchGolden compares data with testdata/name (writing it first with
// -update) and returns the golden bytes.
func matchGolden(t *testing.T, name string, data []byte) []byte {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, want) {
		t.Fatalf("encoding changed (%d bytes, golden %d); if deliberate, bump the format version and run go test ./bloom -update", len(data), len(want))
	}
	return want
}

// TestGolden pins the exact bytes of a small filter, so that any change to
// the format is deliberate (run with -update and bump the version).
func TestGolden(t *testing.T) {
	data, _ := buildFilter(t, 64, 40, nil)
	want := matchGolden(t, "golden-v1.lcf", data)
	f, err := decode(want, testMACKey, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items(1, 40) {
		if !f.Test(it) {
			t.Fatal("golden filter lost an item")
		}
	}
}

func checkOf(err error) string {
	var fe *FormatError
	if errors.As(err, &fe) {
		return fe.Check
	}
	return ""
}

// TestEveryByteFlipped flips one bit in every byte of a signed filter and
// asserts that each is refused, naming a check.
func TestEveryByteFlipped(t *testing.T) {
	signer := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32))
	data, _ := buildFilter(t, 64, 40, signer)
	hlen := int(binary.BigEndian.Uint32(data[12:]))
	for i := range data {
		bad := bytes.Clone(data)
		bad[i] ^= 0x01
		_, err := decode(bad, testMACKey, true)
		if err == nil {
			t.Fatalf("flipping byte %d of %d went unnoticed", i, len(data))
		}
		check := checkOf(err)
		if check == "" {
			t.Fatalf("byte %d: error is not a FormatError: %v", i, err)
		}
		end := len(data) - 64 - 64
		var want []string
		switch {
		case i < 8:
			want = []string{"magic"}
		case i < 10:
			want = []string{"version"}
		case i < 16:
			want = []string{"header", "truncated", "trailing data"}
		case i < 16+hlen:
			want = []string{"header", "checksum"}
		case i < end:
			want = []string{"header", "checksum"}
		case i < end+32:
			want = []string{"checksum"}
		case i < end+64:
			want = []string{"mac"}
		default:
			want = []string{"signature"}
		}
		found := false
		for _, w := range want {
			found = found || w == check
		}
		if !found {
			t.Errorf("byte %d: failed check %q, want one of %v (%v)", i, check, want, err)
		}
	}
}

func TestTruncated(t *testing.T) {
	data, _ := buildFilter(t, 64, 40, nil)
	for n := 0; n < len(data); n++ {
		for _, known := range []bool{true, false} {
			_, err := decode(data[:n], testMACKey, known)
			if err == nil {
				t.Fatalf("truncation to %d bytes went unnoticed", n)
			}
			if c := checkOf(err); c != "truncated" && c != "magic" {
				t.Fatalf("truncated to %d (size known %v): check %q: %v", n, known, c, err)
			}
		}
	}
	_, err := decode(append(bytes.Clone(data), 0), testMACKey, true)
	if checkOf(err) != "trailing data" {
		t.Fatalf("trailing byte: %v", err)
	}
	_, err = decode(append(bytes.Clone(data), 0), testMACKey, false)
	if checkOf(err) != "trailing data" {
		t.Fatalf("trailing byte, size unknown: %v", err)
	}
}

func TestWrongMACKey(t *testing.T) {
	data, _ := buildFilter(t, 64, 40, nil)
	_, err := decode(data, bytes.Repeat([]byte{1}, 32), true)
	if checkOf(err) != "mac" {
		t.Fatalf("wrong MAC key: %v", err)
	}
}

// TestForgedChecksum: a tamperer who recomputes the checksum is still
// caught by the MAC.
func TestForgedChecksum(t *testing.T) {
	data, _ := buildFilter(t, 64, 40, nil)
	bad := bytes.Clone(data)
	body := len(bad) - 64
	bad[body-1] ^= 0x80
	sum := sha256.Sum256(bad[:body])
	copy(bad[body:], sum[:])
	_, err := decode(bad, testMACKey, true)
	if checkOf(err) != "mac" {
		t.Fatalf("forged checksum: %v", err)
	}
}

func TestVersionAndMagic(t *testing.T) {
	data, _ := buildFilter(t, 64, 40, nil)
	for _, v := range []uint16{0, 2, 3, 0xffff} {
		// 2 is the OPRF key mode's version; this filter is a shared-key one.
		other := bytes.Clone(data)
		binary.BigEndian.PutUint16(other[8:], v)
		_, err := decode(other, testMACKey, true)
		if checkOf(err) != "version" {
			t.Fatalf("version %d: %v", v, err)
		}
	}
	for _, in := range [][]byte{nil, []byte("LCF"), []byte("PK\x03\x04 not a filter at all"), bytes.Repeat([]byte{0}, 100)} {
		if _, err := decode(in, nil, true); checkOf(err) != "magic" {
			t.Fatalf("%q: %v", in, err)
		}
	}
}

func TestUnknownHeaderMemberRefused(t *testing.T) {
	h := testHeader(t, 64, 1e-6)
	f, _ := New(h)
	var buf bytes.Buffer
	f.WriteTo(&buf, testMACKey, nil)
	data := buf.Bytes()
	hlen := binary.BigEndian.Uint32(data[12:])
	hdr := data[16 : 16+hlen]
	patched := bytes.Replace(hdr, []byte(`{"created"`), []byte(`{"future":1,"created"`), 1)
	out := append([]byte(nil), data[:12]...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(patched)))
	out = append(out, patched...)
	out = append(out, data[16+hlen:]...)
	_, err := decode(out, nil, true)
	if checkOf(err) != "header" {
		t.Fatalf("unknown member: %v", err)
	}
}

// TestFalsePositiveRate measures the rate on absent items against the
// target and against the rate computed from the fill.
func TestFalsePositiveRate(t *testing.T) {
	const n = 200_000
	f, err := New(testHeader(t, n, 1e-3))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items(1, n) {
		f.Add(it)
	}
	absent := items(2, 2_000_000)
	fp := 0
	for _, it := range absent {
		if f.Test(it) {
			fp++
		}
	}
	measured := float64(fp) / float64(len(absent))
	est := f.FalsePositiveRate()
	if measured > 1.3e-3 || measured < 0.7e-3 {
		t.Errorf("measured false-positive rate %.2e, target 1e-3", measured)
	}
	if measured > est*1.3 || measured < est*0.7 {
		t.Errorf("measured %.2e vs estimated-from-fill %.2e", measured, est)
	}
}

func TestPartitionedFalsePositiveRate(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	const n = 600_000 // 8.6 Mbit at 1e-3: 3 partitions
	f, err := New(testHeader(t, n, 1e-3))
	if err != nil {
		t.Fatal(err)
	}
	if f.Partitions() < 2 {
		t.Fatalf("want partitions, got %d", f.Partitions())
	}
	for _, it := range items(3, n) {
		f.Add(it)
	}
	fp := 0
	absent := items(4, 2_000_000)
	for _, it := range absent {
		if f.Test(it) {
			fp++
		}
	}
	measured := float64(fp) / float64(len(absent))
	if measured > 1.3e-3 || measured < 0.7e-3 {
		t.Errorf("partitioned filter: measured false-positive rate %.2e, target 1e-3", measured)
	}
}

func TestPlan(t *testing.T) {
	for _, tc := range []struct {
		n     uint64
		fpr   float64
		parts int
	}{
		{1, 1e-6, 1}, {1000, 1e-6, 1}, {100_000, 1e-6, 1}, {10_000_000, 1e-6, 69}, {40_000_000, 1e-6, 276},
	} {
		p, err := Plan(tc.n, tc.fpr)
		if err != nil {
			t.Fatal(err)
		}
		if p.Partitions != tc.parts || p.M%64 != 0 || p.M > DefaultPartitionBits || p.M < MinPartitionBits || p.K != 20 && tc.n > 1 {
			t.Errorf("Plan(%d, %g) = %+v, want %d partitions of %d…%d bits, k=20", tc.n, tc.fpr, p, tc.parts, MinPartitionBits, DefaultPartitionBits)
		}
		bitsPerEntry := float64(uint64(p.Partitions)*p.M) / float64(tc.n)
		if tc.n >= 100_000 && (bitsPerEntry < 28.7 || bitsPerEntry > 29.2) {
			t.Errorf("Plan(%d): %.2f bits per entry, want ≈28.8 for 1e-6", tc.n, bitsPerEntry)
		}
	}
	for _, bad := range []float64{0, 1, -1, 2} {
		if _, err := Plan(10, bad); err == nil {
			t.Errorf("Plan accepted rate %g", bad)
		}
	}
}

func TestMerge(t *testing.T) {
	h := testHeader(t, 1000, 1e-6)
	a, _ := New(h)
	b, _ := New(h)
	for _, it := range items(1, 300) {
		a.Add(it)
	}
	for _, it := range items(2, 300) {
		b.Add(it)
	}
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	for _, it := range append(items(1, 300), items(2, 300)...) {
		if !a.Test(it) {
			t.Fatal("merged filter lost an item")
		}
	}
	other := h
	other.Salt = bytes.Repeat([]byte{1}, SaltSize)
	c, _ := New(other)
	if err := a.Merge(c); !errors.Is(err, ErrIncompatible) {
		t.Fatalf("merge with another salt: %v", err)
	}
	p2, _ := Plan(5000, 1e-6)
	other = h
	other.Bloom = p2
	d, _ := New(other)
	if err := a.Merge(d); !errors.Is(err, ErrIncompatible) {
		t.Fatalf("merge with other params: %v", err)
	}
}

func FuzzDecoder(f *testing.F) {
	data, _ := buildFilter(f, 64, 10, nil)
	f.Add(data)
	f.Add(data[:40])
	v3, err := os.ReadFile(filepath.Join("testdata", "golden-v3.lcf")) // a version-3 filter, same MAC key
	if err != nil {
		f.Fatal(err)
	}
	f.Add(v3)
	f.Add([]byte("LCFILTER\x00\x01\x00\x00\x00\x00\x00\x02{}"))
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, known := range []bool{true, false} {
			d, err := NewDecoder(bytes.NewReader(in), map[bool]int64{true: int64(len(in)), false: -1}[known])
			if err != nil {
				if checkOf(err) == "" {
					t.Fatalf("non-format error: %v", err)
				}
				continue
			}
			if _, err := d.Body(testMACKey); err == nil && !bytes.Equal(in, data) && !bytes.Equal(in, v3) {
				// Only a correctly MACed file may decode.
				t.Fatalf("accepted a file that is not the seed (%d bytes)", len(in))
			}
		}
	})
}
