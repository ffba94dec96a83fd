// Command benchstages measures the floor of each stage of leakcheck's build
// and check in isolation, on one core, on the rows of a registry file, so
// that scripts/bench can set leakcheck's time beside the sum of its parts:
//
//	read     records.Source reading and splitting every row (no copying out)
//	normalize  the phone, name and year of birth of each row, normalized as build and
//	         check do (NormalizeInto, one Scratch reset per row)
//	hash     the 4 entry digests of a row (phone, phone+name, phone+yob, phone+name+yob)
//	         with the entry hash new filters use (SipHash-2-4-128, FORMAT.md §5.5)
//	hash-v1  the same with HMAC-SHA256 (--entry-hash hmac-sha256-128, version-1
//	         filters), for comparison: not a stage of a default build or check
//	insert   the row's 4 digests inserted into a filter sized for the whole file,
//	         grouped by partition as build groups them
//	test     the same digests tested against that filter, grouped likewise
//
// Each stage runs alone over values prepared by the stage before (held in
// memory, at most -rows rows), so a stage's time holds nothing of the
// others'. It prints one line per stage: "STAGE ns_per_row", the CPU time
// per row on one core.
//
//	benchstages -phone 3 -name 2 -yob 4 -rows 2000000 -total 10000000 registry.csv
//go:build unix

package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"math/bits"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/keyhash"
	"github.com/leakcheck/leakcheck/internal/records"
)

func main() {
	phone := flag.Int("phone", 3, "phone column (1-based)")
	name := flag.Int("name", 2, "name column (1-based)")
	yob := flag.Int("yob", 4, "year-of-birth column (1-based)")
	maxRows := flag.Int("rows", 2_000_000, "rows to measure the stages after reading on")
	total := flag.Int("total", 0, "rows the filter is sized for (0 = the rows read)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: benchstages [-phone N -name N -yob N -rows N -total N] registry.csv")
		os.Exit(2)
	}
	runtime.GOMAXPROCS(1)
	if err := run(flag.Arg(0), *phone-1, *name-1, *yob-1, *maxRows, *total); err != nil {
		fmt.Fprintln(os.Stderr, "benchstages:", err)
		os.Exit(1)
	}
}

// cpu returns the process's CPU time (user + system) so far.
func cpu() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func report(stage string, start time.Duration, rows int) {
	fmt.Printf("%s %.1f\n", stage, float64(cpu()-start)/float64(rows))
}

func run(path string, pc, nc, yc, maxRows, total int) error {
	srcs, err := records.Sources(path, records.Options{})
	if err != nil {
		return err
	}
	// read: every row of the file, read and split, nothing kept (keeping
	// values would add the collector's work to the reader's).
	start := cpu()
	n, err := readAll(srcs[0], nil, 0, 0, 0, 0)
	if err != nil {
		return err
	}
	report("read", start, n)
	if total == 0 {
		total = n
	}
	// The first maxRows rows' three values, for the next stages (not timed).
	raw := make([][3]string, 0, min(maxRows, n))
	if _, err := readAll(srcs[0], &raw, maxRows, pc, nc, yc); err != nil {
		return err
	}

	norm, err := fields.NewNormalizer("IN")
	if err != nil {
		return err
	}
	// normalize: as build and check do it, into a Scratch reset per row
	// (a row's values are hashed and forgotten before the next row). The
	// values the next stages need are kept by a second pass, not timed.
	var sc fields.Scratch
	start = cpu()
	for _, v := range raw {
		sc.Reset()
		norm.NormalizeInto(&sc, fields.Phone, v[0])
		norm.NormalizeInto(&sc, fields.Name, v[1])
		norm.NormalizeInto(&sc, fields.YOB, v[2])
	}
	report("normalize", start, len(raw))
	vals := make([][3]string, len(raw))
	for i, v := range raw {
		p, err1 := norm.Normalize(fields.Phone, v[0])
		nm, err2 := norm.Normalize(fields.Name, v[1])
		y, err3 := norm.Normalize(fields.YOB, v[2])
		if err1 == nil && err2 == nil && err3 == nil {
			vals[i] = [3]string{p, nm, y}
		}
	}

	digests := make([][bloom.ItemSize]byte, 4*len(vals))
	hashAll(keyhash.HMACSHA256, vals, digests)
	start = cpu()
	hashAll(keyhash.HMACSHA256, vals, digests)
	report("hash-v1", start, len(vals))
	start = cpu()
	hashAll(keyhash.DefaultEntryHash, vals, digests)
	report("hash", start, len(vals))

	// The filter build would make for total rows on 4 indexes; the digests
	// sorted by partition first (build's buckets do that work as they go,
	// and it is counted in neither floor).
	p, err := bloom.Plan(uint64(total)*4, 1e-6)
	if err != nil {
		return err
	}
	f, err := bloom.New(bloom.Header{Bloom: p})
	if err != nil {
		return err
	}
	np := f.Partitions()
	byPart := groupByPartition(digests, np)
	flag := make([]bool, 8192)
	start = cpu()
	for part, ds := range byPart {
		for lo := 0; lo < len(ds); lo += 4096 { // runs of a size build's buckets give
			hi := min(lo+4096, len(ds))
			f.AddItems(part, ds[lo:hi], flag[:hi-lo])
		}
	}
	report("insert", start, len(vals))
	start = cpu()
	for part, ds := range byPart {
		for lo := 0; lo < len(ds); lo += 4096 {
			hi := min(lo+4096, len(ds))
			f.TestItems(part, ds[lo:hi], flag[:hi-lo])
		}
	}
	report("test", start, len(vals))
	return nil
}

// hashAll computes the 4 entry digests of every row with the given entry
// hash, each index's hasher made once as build and check make them.
func hashAll(hash keyhash.EntryHash, vals [][3]string, digests [][bloom.ItemSize]byte) {
	var master keyhash.Key
	h := keyhash.DeriveFor(hash, &master, make([]byte, bloom.SaltSize)).NewHasher()
	phone, phoneName, phoneYOB, all := h.Index("phone"), h.Index("phone+name"), h.Index("phone+yob"), h.Index("phone+name+yob")
	py := make([]string, 2)
	for i, v := range vals {
		phone.Entry(v[:1], &digests[4*i])
		phoneName.Entry(v[:2], &digests[4*i+1])
		py[0], py[1] = v[0], v[2]
		phoneYOB.Entry(py, &digests[4*i+2])
		all.Entry(v[:], &digests[4*i+3])
	}
}

// readAll reads every row of src and returns how many there were; with keep,
// it appends the first max rows' phone, name and year of birth to *keep.
func readAll(src *records.Source, keep *[][3]string, max, pc, nc, yc int) (int, error) {
	r, c, err := src.Open(records.Options{})
	if err != nil {
		return 0, err
	}
	defer c.Close()
	n := 0
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			continue
		}
		n++
		if keep != nil && len(*keep) < max {
			*keep = append(*keep, [3]string{rec.Values[pc], rec.Values[nc], rec.Values[yc]})
		}
	}
}

func groupByPartition(ds [][bloom.ItemSize]byte, np int) [][][bloom.ItemSize]byte {
	out := make([][][bloom.ItemSize]byte, np)
	for _, d := range ds {
		hi, _ := bits.Mul64(binary.BigEndian.Uint64(d[:8]), uint64(np))
		out[hi] = append(out[hi], d)
	}
	return out
}
