package keyhash

import (
	"strconv"
	"testing"

	"github.com/leakcheck/leakcheck/bloom"
)

// These benchmarks measure what docs/threat-model.md quotes: how fast
// someone holding a key and a filter can test candidate identifiers with
// leakcheck's own code, for each entry hash. Run them with
//
//	go test -run '^$' -bench 'Phone' -count 5 -cpu 1,2 ./internal/keyhash
//
// and divide 4×10⁹ (10-digit Indian mobile numbers, first digit 6-9) by the
// rate.

// byHash runs bench once per entry hash, as a sub-benchmark named after it.
func byHash(b *testing.B, bench func(b *testing.B, keys *Keys)) {
	for _, hash := range EntryHashes {
		b.Run(hash.String(), func(b *testing.B) {
			var master Key
			bench(b, DeriveFor(hash, &master, make([]byte, 32)))
		})
	}
}

// BenchmarkEntryPhone is one keyed entry hash of a phone number: the cost
// of one guess, per core.
func BenchmarkEntryPhone(b *testing.B) {
	byHash(b, func(b *testing.B, keys *Keys) {
		x := keys.NewHasher().Index("phone")
		var out [bloom.ItemSize]byte
		vals := []string{"+919876543210"}
		b.ReportAllocs()
		for b.Loop() {
			x.Entry(vals, &out)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
	})
}

// BenchmarkEntryRow is the 4 entries of a registry row on the 4 indexes
// scripts/bench builds (phone, phone+name, phone+yob, phone+name+yob), each
// index's hasher made once as build and check make them: ns/op is ns per row.
func BenchmarkEntryRow(b *testing.B) {
	byHash(b, func(b *testing.B, keys *Keys) {
		h := keys.NewHasher()
		ixs := []*IndexHasher{h.Index("phone"), h.Index("phone+name"), h.Index("phone+yob"), h.Index("phone+name+yob")}
		vals := [][]string{{"+919876543210"}, {"+919876543210", "ramesh kumar singh"}, {"+919876543210", "1987"}, {"+919876543210", "ramesh kumar singh", "1987"}}
		var out [bloom.ItemSize]byte
		b.ReportAllocs()
		for b.Loop() {
			for i, x := range ixs {
				x.Entry(vals[i], &out)
			}
		}
	})
}

// BenchmarkEntryPhoneParallel is BenchmarkEntryPhone on every CPU the
// benchmark is given (-cpu), one Hasher per goroutine: ns/op is wall time
// per hash for all of them together.
func BenchmarkEntryPhoneParallel(b *testing.B) {
	byHash(b, func(b *testing.B, keys *Keys) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			x := keys.NewHasher().Index("phone")
			var out [bloom.ItemSize]byte
			vals := []string{"+919876543210"}
			for pb.Next() {
				x.Entry(vals, &out)
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
	})
}

// BenchmarkEnumeratePhone is the whole attack step: format the next
// candidate number, hash it, test it against a filter of a million
// entries.
func BenchmarkEnumeratePhone(b *testing.B) {
	byHash(b, func(b *testing.B, keys *Keys) {
		f := phoneFilter(b, keys)
		x := keys.NewHasher().Index("phone")
		var out [bloom.ItemSize]byte
		buf := []byte("+91")
		vals := make([]string, 1)
		n, hits := int64(6_000_000_000), 0
		b.ReportAllocs()
		for b.Loop() {
			vals[0] = string(strconv.AppendInt(buf[:3], n, 10))
			n++
			x.Entry(vals, &out)
			if f.Test(out[:]) {
				hits++
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "candidates/s")
		_ = hits
	})
}

// BenchmarkEnumeratePhoneParallel is BenchmarkEnumeratePhone on every CPU
// the benchmark is given (-cpu), one Hasher per goroutine.
func BenchmarkEnumeratePhoneParallel(b *testing.B) {
	byHash(b, func(b *testing.B, keys *Keys) {
		f := phoneFilter(b, keys)
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			x := keys.NewHasher().Index("phone")
			var out [bloom.ItemSize]byte
			buf := []byte("+91")
			vals := make([]string, 1)
			n := int64(7_000_000_000)
			for pb.Next() {
				vals[0] = string(strconv.AppendInt(buf[:3], n, 10))
				n++
				x.Entry(vals, &out)
				f.Test(out[:])
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "candidates/s")
	})
}

// phoneFilter is a filter of a million phone-number entries at the default
// false-positive rate.
func phoneFilter(b *testing.B, keys *Keys) *bloom.Filter {
	b.Helper()
	const n = 1_000_000
	p, err := bloom.Plan(n, 1e-6)
	if err != nil {
		b.Fatal(err)
	}
	f, err := bloom.New(bloom.Header{Bloom: p})
	if err != nil {
		b.Fatal(err)
	}
	h := keys.NewHasher()
	var out [bloom.ItemSize]byte
	vals := make([]string, 1)
	for i := int64(0); i < n; i++ {
		vals[0] = "+91" + strconv.FormatInt(9_000_000_000+i*37, 10)
		h.Entry("phone", vals, &out)
		f.Add(out[:])
	}
	return f
}

// BenchmarkPassphraseGuess is one passphrase guess against a filter built
// with --passphrase: Argon2id with the parameters build writes (64 MiB,
// 3 passes, 4 lanes) followed by the key check.
func BenchmarkPassphraseGuess(b *testing.B) {
	p, err := NewArgon2id()
	if err != nil {
		b.Fatal(err)
	}
	pass := []byte("correct horse battery staple")
	for b.Loop() {
		k, err := FromPassphrase(pass, p)
		if err != nil {
			b.Fatal(err)
		}
		Derive(&k, make([]byte, 32)).KeyCheck()
	}
}
