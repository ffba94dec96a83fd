// Package exchange is the public file format of the OPRF key mode's
// exchange between a registry and the analyst (FORMAT.md beside it): the
// registry's request of blinded elements (*.lcq), the analyst's response of
// evaluated elements with batched DLEQ proofs (*.lcr), and the state the
// registry keeps between the two (its blinding seed and the keyed tags that
// tell which element is which). Every file streams: a preamble, a JSON
// header, fixed-size records, and a SHA-256 checksum of everything before
// it. Like bloom/, it imports nothing internal.
package exchange

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"
)

// Magics of the three files.
const (
	RequestMagic  = "LCOPRFRQ"
	ResponseMagic = "LCOPRFRS"
	StateMagic    = "LCOPRFST"
)

// Format versions this package reads and writes (the same for all three).
const (
	MinVersion     = 1
	MaxVersion     = 1
	CurrentVersion = 1
)

// Sizes of records.
const (
	ElementSize = 32
	ProofSize   = 64
	TagSize     = 16
	SecretSize  = 32
	IDSize      = 16
	preamble    = 16
	sumSize     = sha256.Size
	// MaxHeaderSize bounds a JSON header.
	MaxHeaderSize = 1 << 20
	// MaxBatch is the most elements one proof covers (RFC 9497 encodes a
	// position in a batch in two bytes).
	MaxBatch = 1<<16 - 1
	// DefaultBatch is the batch size blind chooses.
	DefaultBatch = 4096
	// MaxElements bounds the elements of one request (2^32 − 1).
	MaxElements = 1<<32 - 1
)

// Suite is the only OPRF suite of version 1.
const Suite = "ristretto255-SHA512"

// Element is a serialized ristretto255 element.
type Element = [ElementSize]byte

// Proof is a serialized DLEQ proof.
type Proof = [ProofSize]byte

// Tag is a keyed tag of a PRF input, kept by the registry in its state.
type Tag = [TagSize]byte

// Exchange describes what every file of one exchange shares: the filter it
// is for (by the OPRF public key and salt in the filter's header), the
// request it belongs to, and how its elements are batched.
type Exchange struct {
	Created   time.Time `json:"created"`
	Tool      string    `json:"tool"`
	Suite     string    `json:"suite"`
	PublicKey []byte    `json:"public_key"`
	Salt      []byte    `json:"salt"`
	RequestID []byte    `json:"request_id"`
	Elements  uint64    `json:"elements"`
	Batch     int       `json:"batch"`
}

func (x *Exchange) validate() error {
	switch {
	case x.Suite != Suite:
		return fmt.Errorf("unknown OPRF suite %q", x.Suite)
	case len(x.PublicKey) != ElementSize:
		return fmt.Errorf("public key is %d bytes, want %d", len(x.PublicKey), ElementSize)
	case len(x.Salt) != 32:
		return fmt.Errorf("filter salt is %d bytes, want 32", len(x.Salt))
	case len(x.RequestID) != IDSize:
		return fmt.Errorf("request id is %d bytes, want %d", len(x.RequestID), IDSize)
	case x.Elements == 0 || x.Elements > MaxElements:
		return fmt.Errorf("%d elements, want 1 to %d", x.Elements, uint64(MaxElements))
	case x.Batch < 1 || x.Batch > MaxBatch:
		return fmt.Errorf("batch size %d, want 1 to %d", x.Batch, MaxBatch)
	}
	return nil
}

// Batches is the number of batches of the exchange.
func (x *Exchange) Batches() int {
	return int((x.Elements + uint64(x.Batch) - 1) / uint64(x.Batch))
}

// BatchLen is the number of elements of batch i.
func (x *Exchange) BatchLen(i int) int {
	start := uint64(i) * uint64(x.Batch)
	return int(min(uint64(x.Batch), x.Elements-start))
}

// Same reports how y differs from x as the same exchange, or nil.
func (x *Exchange) Same(y *Exchange) error {
	switch {
	case !bytes.Equal(x.PublicKey, y.PublicKey):
		return errors.New("it is for another OPRF public key")
	case !bytes.Equal(x.Salt, y.Salt):
		return errors.New("it is for another filter (salt differs)")
	case !bytes.Equal(x.RequestID, y.RequestID):
		return errors.New("it belongs to another request (request id differs)")
	case x.Elements != y.Elements:
		return fmt.Errorf("it has %d elements, the request %d", y.Elements, x.Elements)
	case x.Batch != y.Batch:
		return fmt.Errorf("its batches hold %d elements, the request's %d", y.Batch, x.Batch)
	}
	return nil
}

// FormatError is returned for a file that is not valid. Check names the
// failed check: "magic", "version", "header", "truncated", "checksum",
// "trailing data".
type FormatError struct {
	What   string // "request", "response" or "state"
	Check  string
	Detail string
}

func (e *FormatError) Error() string { return e.Check + ": " + e.Detail }

// writer writes a file: preamble, header, records, checksum.
type writer struct {
	bw  *bufio.Writer
	sum hash.Hash
	err error
}

func newWriter(w io.Writer, magic string, header any) (*writer, error) {
	hdr, err := json.Marshal(header)
	if err != nil {
		return nil, err
	}
	if len(hdr) > MaxHeaderSize {
		return nil, fmt.Errorf("header is %d bytes, over the %d limit", len(hdr), MaxHeaderSize)
	}
	wr := &writer{bw: bufio.NewWriterSize(w, 1<<16), sum: sha256.New()}
	pre := make([]byte, preamble)
	copy(pre, magic)
	binary.BigEndian.PutUint16(pre[8:], CurrentVersion)
	binary.BigEndian.PutUint32(pre[12:], uint32(len(hdr)))
	wr.write(pre)
	wr.write(hdr)
	return wr, wr.err
}

func (w *writer) write(p []byte) {
	if w.err != nil {
		return
	}
	w.sum.Write(p)
	_, w.err = w.bw.Write(p)
}

func (w *writer) close() error {
	if w.err != nil {
		return w.err
	}
	if _, err := w.bw.Write(w.sum.Sum(nil)); err != nil {
		return err
	}
	return w.bw.Flush()
}

// reader reads a file written by writer.
type reader struct {
	what string
	br   *bufio.Reader
	sum  hash.Hash
}

func (r *reader) fail(check, format string, args ...any) error {
	return &FormatError{What: r.what, Check: check, Detail: fmt.Sprintf(format, args...)}
}

func newReader(in io.Reader, what, magic string, header any) (*reader, error) {
	r := &reader{what: what, br: bufio.NewReaderSize(in, 1<<16), sum: sha256.New()}
	pre := make([]byte, preamble)
	if n, err := io.ReadFull(r.br, pre); err != nil {
		if n >= len(magic) && string(pre[:len(magic)]) == magic {
			return nil, r.fail("truncated", "the %s ends inside its preamble", what)
		}
		return nil, r.fail("magic", "not a leakcheck %s (too short)", what)
	}
	if string(pre[:len(magic)]) != magic {
		for _, m := range []struct{ magic, what string }{{RequestMagic, "request"}, {ResponseMagic, "response"}, {StateMagic, "state file"}, {"LCFILTER", "filter"}} {
			if string(pre[:len(magic)]) == m.magic {
				return nil, r.fail("magic", "this is a leakcheck %s, not a %s", m.what, what)
			}
		}
		return nil, r.fail("magic", "not a leakcheck %s (no %q at the start)", what, magic)
	}
	if v := binary.BigEndian.Uint16(pre[8:]); v < MinVersion || v > MaxVersion {
		return nil, r.fail("version", "%s format version %d; this leakcheck reads versions %d to %d", what, v, MinVersion, MaxVersion)
	}
	if flags := binary.BigEndian.Uint16(pre[10:]); flags != 0 {
		return nil, r.fail("header", "unknown flags %#04x", flags)
	}
	hlen := binary.BigEndian.Uint32(pre[12:])
	if hlen == 0 || hlen > MaxHeaderSize {
		return nil, r.fail("header", "header length %d out of range 1..%d", hlen, MaxHeaderSize)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r.br, hdr); err != nil {
		return nil, r.fail("truncated", "the %s ends inside its header", what)
	}
	r.sum.Write(pre)
	r.sum.Write(hdr)
	dec := json.NewDecoder(bytes.NewReader(hdr))
	dec.DisallowUnknownFields()
	if err := dec.Decode(header); err != nil {
		return nil, r.fail("header", "malformed header: %v", err)
	}
	if dec.More() {
		return nil, r.fail("header", "malformed header: data after the JSON object")
	}
	return r, nil
}

// read fills p, or fails with a "truncated" error naming where.
func (r *reader) read(p []byte, where string) error {
	if _, err := io.ReadFull(r.br, p); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return r.fail("truncated", "the %s ends inside %s", r.what, where)
		}
		return fmt.Errorf("reading the %s: %w", r.what, err)
	}
	r.sum.Write(p)
	return nil
}

// finish reads and compares the checksum, then requires the end of input.
func (r *reader) finish() error {
	got := make([]byte, sumSize)
	if _, err := io.ReadFull(r.br, got); err != nil {
		return r.fail("truncated", "the %s ends before its checksum", r.what)
	}
	if !bytes.Equal(got, r.sum.Sum(nil)) {
		return r.fail("checksum", "the %s is damaged (SHA-256 checksum mismatch)", r.what)
	}
	if n, _ := r.br.Read(make([]byte, 1)); n != 0 {
		return r.fail("trailing data", "bytes after the end of the %s", r.what)
	}
	return nil
}

// readElements reads n elements.
func (r *reader) readElements(dst []Element, n int, where string) ([]Element, error) {
	dst = dst[:0]
	buf := make([]byte, n*ElementSize)
	if err := r.read(buf, where); err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		dst = append(dst, Element(buf[i*ElementSize:]))
	}
	return dst, nil
}
