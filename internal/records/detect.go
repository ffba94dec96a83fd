package records

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// This file is the one place that decides how an input is read: Open and Count sniff the first
// bytes and pick a reader. New formats (JSON Lines, SQL dumps, xlsx, compressed input) are added
// here, to sniff and to the switch in open, so Open and Count stay in step.

// sniffLen is how many leading bytes sniff sees.
const sniffLen = 4096

// format is what sniff found.
type format int

const (
	formatDelimited format = iota
	formatGzip
	formatZstd
	formatBzip2
	formatXz
	format7z
	formatZip
	formatOLE
	formatUTF16
	formatUTF32
)

// unsupported describes the formats that are recognised but not read yet.
var unsupported = map[format]string{
	formatGzip:  "gzip-compressed",
	formatZstd:  "zstd-compressed",
	formatBzip2: "bzip2-compressed",
	formatXz:    "xz-compressed",
	format7z:    "7z archive",
	formatZip:   "zip archive (or xlsx/ods spreadsheet)",
	formatOLE:   "legacy Office (xls) document",
	formatUTF16: "UTF-16 encoded",
	formatUTF32: "UTF-32 encoded",
}

var magics = []struct {
	prefix string
	format format
}{
	{"\x1f\x8b", formatGzip},
	{"\x28\xb5\x2f\xfd", formatZstd},
	{"\xfd7zXZ\x00", formatXz},
	{"7z\xbc\xaf\x27\x1c", format7z},
	{"PK\x03\x04", formatZip},
	{"PK\x05\x06", formatZip},
	{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", formatOLE},
	{"\xff\xfe\x00\x00", formatUTF32}, // before UTF-16 LE, which shares its first two bytes
	{"\x00\x00\xfe\xff", formatUTF32},
	{"\xff\xfe", formatUTF16},
	{"\xfe\xff", formatUTF16},
}

// sniff decides the format from the first bytes of an input.
func sniff(head []byte) format {
	for _, m := range magics {
		if bytes.HasPrefix(head, []byte(m.prefix)) {
			return m.format
		}
	}
	// bzip2: "BZh", block size '1'-'9', then the block magic (the BCD digits of pi).
	if len(head) >= 10 && string(head[:3]) == "BZh" && head[3] >= '1' && head[3] <= '9' &&
		string(head[4:10]) == "\x31\x41\x59\x26\x53\x59" {
		return formatBzip2
	}
	return formatDelimited
}

// Open opens path ("-" = os.Stdin) and returns a Reader for it plus a closer. The format is
// sniffed from the first bytes; today only delimited text is read, and recognised formats that
// are not (compressed files, spreadsheets, UTF-16) are refused with an error naming them.
func Open(path string, opts Options) (Reader, io.Closer, error) {
	r, c, err := open(path, opts)
	if err != nil {
		return nil, nil, err
	}
	return r, c, nil
}

// Count counts the data records in path without keeping them (a fast first pass used to size
// filters). It returns the same number of results Next would yield (good plus bad rows).
//
// Count fails with an error wrapping ErrNotCountable for "-" and for anything that is not a
// regular file (a pipe, a device), since reading those would leave nothing for the real pass.
func Count(path string, opts Options) (int64, error) {
	if path == "-" {
		return 0, fmt.Errorf("%s: %w", displayName(path), ErrNotCountable)
	}
	if fi, err := os.Stat(path); err != nil {
		return 0, err
	} else if !fi.Mode().IsRegular() {
		return 0, fmt.Errorf("%s: %w", path, ErrNotCountable)
	}
	r, c, err := open(path, opts)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return r.count()
}

// counter is a Reader that can also count its remaining records cheaply.
type counter interface {
	Reader
	count() (int64, error)
}

func open(path string, opts Options) (counter, io.Closer, error) {
	var (
		f      *os.File
		closer io.Closer
	)
	if path == "-" {
		f, closer = os.Stdin, nopCloser{}
	} else {
		var err error
		if f, err = os.Open(path); err != nil {
			return nil, nil, err // *PathError: names the file, no content
		}
		closer = f
	}
	r, err := openReader(f, displayName(path), opts)
	if err != nil {
		closer.Close()
		return nil, nil, err
	}
	return r, closer, nil
}

func openReader(f io.Reader, name string, opts Options) (counter, error) {
	br := bufio.NewReaderSize(f, sniffLen)
	head, err := br.Peek(sniffLen)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	switch fm := sniff(head); fm {
	case formatDelimited:
		return newDelimited(br, name, opts)
	default:
		return nil, fmt.Errorf("%s: %s input is not supported", name, unsupported[fm])
	}
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }
