package bloom

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"time"

	bbloom "github.com/bits-and-blooms/bloom/v3"
)

// Magic is the first eight bytes of every filter file.
const Magic = "LCFILTER"

// Format versions this package reads and writes. The version follows from
// the entry hash (FORMAT.md §9): a reader that predates a hash refuses its
// filters by their version, before it could hash anything the wrong way.
const (
	MinVersion = 1
	MaxVersion = 3
	// CurrentVersion is the version of shared-key filters hashed with
	// HMAC-SHA256 (HashHMACSHA256), the first.
	CurrentVersion = 1
	// OPRFVersion is the version of filters in the OPRF key mode (FORMAT.md
	// §5.4).
	OPRFVersion = 2
	// SipHashVersion is the version of shared-key filters hashed with
	// SipHash-2-4-128 (HashSipHash, FORMAT.md §5.5).
	SipHashVersion = 3
)

// MaxHeaderSize bounds the JSON header.
const MaxHeaderSize = 1 << 20

const (
	preambleSize = 16
	sumSize      = sha256.Size
	macSize      = sha256.Size
)

// Header is the JSON header of a filter file. Every field is covered by the
// checksum and the MAC. See FORMAT.md for the meaning of each field.
type Header struct {
	Created       time.Time `json:"created"`
	Tool          string    `json:"tool"`
	Normalization int       `json:"normalization"`
	Region        string    `json:"region"`
	Hash          string    `json:"hash"`
	Key           KeyInfo   `json:"key"`
	Salt          []byte    `json:"salt"`
	KeyCheck      []byte    `json:"key_check"`
	Fields        []string  `json:"fields"`
	// ColumnKinds are the kinds of unhashed columns the dump held that
	// leakcheck recognises (address, pincode, …): names of kinds only.
	ColumnKinds []string `json:"column_kinds,omitempty"`
	// CustomFields declares the fields outside the built-in ones that the indexes use:
	// name and normalizer, never a value. Absent when there are none.
	CustomFields []CustomField `json:"custom_fields,omitempty"`
	Indexes      []Index       `json:"indexes"`
	Records      int64         `json:"records"`
	Bloom        Params        `json:"bloom"`
	Signer       []byte        `json:"signer,omitempty"`
}

// KeyInfo says where the key behind the filter came from. It never holds key
// material.
type KeyInfo struct {
	Source   string    `json:"source"` // "keyfile", "passphrase" or "oprf"
	Argon2id *Argon2id `json:"argon2id,omitempty"`
	OPRF     *OPRFKey  `json:"oprf,omitempty"`
}

// OPRFKey is the public side of the analyst's OPRF key (RFC 9497 VOPRF) in
// a filter of the OPRF key mode.
type OPRFKey struct {
	Suite     string `json:"suite"`      // "ristretto255-SHA512"
	PublicKey []byte `json:"public_key"` // the serialized public key, 32 bytes
}

// Key sources in KeyInfo.Source.
const (
	KeySourceFile       = "keyfile"
	KeySourcePassphrase = "passphrase"
	KeySourceOPRF       = "oprf"
)

// OPRFSuite is the only OPRF suite version 2 knows.
const OPRFSuite = "ristretto255-SHA512"

// IsOPRF reports whether the filter is in the OPRF key mode.
func (h *Header) IsOPRF() bool { return h.Key.Source == KeySourceOPRF }

// version is the format version a header is written as: its entry hash's.
func (h *Header) version() int {
	switch {
	case h.IsOPRF():
		return OPRFVersion
	case h.Hash == HashSipHash:
		return SipHashVersion
	}
	return CurrentVersion
}

// Argon2id holds the parameters that stretch a passphrase into a key.
type Argon2id struct {
	Time      uint32 `json:"time"`
	MemoryKiB uint32 `json:"memory_kib"`
	Threads   uint8  `json:"threads"`
	Salt      []byte `json:"salt"`
}

// CustomField is a field declared for a column the built-in fields do not cover (FORMAT.md
// §2.1): its name and the normalizer its values went through.
type CustomField struct {
	Name       string `json:"name"`
	Normalizer string `json:"normalizer"`
}

var (
	customFieldName       = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	customFieldNormalizer = regexp.MustCompile(`^(text|digits|date|year|last([1-9]|1[0-2]))$`)
)

// builtinFields are the field names a custom field may not take (FORMAT.md §2).
var builtinFields = []string{"phone", "national_id", "national_id_last4", "email", "name", "dob", "yob", "gender", "id"}

// MaxCustomFields bounds the custom fields of one filter.
const MaxCustomFields = 32

func validateCustomFields(cfs []CustomField) error {
	if cfs != nil && len(cfs) == 0 {
		return errors.New("custom_fields is present but empty")
	}
	if len(cfs) > MaxCustomFields {
		return fmt.Errorf("%d custom fields, at most %d", len(cfs), MaxCustomFields)
	}
	seen := map[string]bool{}
	for _, c := range cfs {
		switch {
		case !customFieldName.MatchString(c.Name) || slices.Contains(builtinFields, c.Name):
			return fmt.Errorf("custom field name %q is not allowed", c.Name)
		case !customFieldNormalizer.MatchString(c.Normalizer):
			return fmt.Errorf("custom field %s has unknown normalizer %q", c.Name, c.Normalizer)
		case seen[c.Name]:
			return fmt.Errorf("custom field %s is declared twice", c.Name)
		}
		seen[c.Name] = true
	}
	return nil
}

// Bounds on the Argon2id parameters a header may ask a reader to pay for
// before anything in the file can be verified (the header is authenticated
// only by the key it derives). leakcheck writes time 3, 64 MiB, 4 threads; the
// bounds leave room for four times the memory and three times the passes, so
// that a hostile header costs a checker at most 256 MiB and about two
// seconds per core.
const (
	MaxArgonTime      = 10
	MaxArgonMemoryKiB = 256 << 10
	MaxArgonThreads   = 16
	MinArgonSaltSize  = 16
	MaxArgonSaltSize  = 64
)

// Validate checks the parameters against the bounds above.
func (a *Argon2id) Validate() error {
	switch {
	case a.Time < 1 || a.Time > MaxArgonTime:
		return fmt.Errorf("argon2id time %d out of range 1..%d", a.Time, MaxArgonTime)
	case a.Threads < 1 || a.Threads > MaxArgonThreads:
		return fmt.Errorf("argon2id threads %d out of range 1..%d", a.Threads, MaxArgonThreads)
	case a.MemoryKiB < 8*uint32(a.Threads) || a.MemoryKiB > MaxArgonMemoryKiB:
		return fmt.Errorf("argon2id memory %d KiB out of range %d..%d", a.MemoryKiB, 8*uint32(a.Threads), MaxArgonMemoryKiB)
	case len(a.Salt) < MinArgonSaltSize || len(a.Salt) > MaxArgonSaltSize:
		return fmt.Errorf("argon2id salt is %d bytes, want %d..%d", len(a.Salt), MinArgonSaltSize, MaxArgonSaltSize)
	}
	return nil
}

// Index describes one index of the filter: its canonical name, its fields in
// order, and how many distinct entries were inserted for it.
type Index struct {
	Name    string   `json:"name"`
	Fields  []string `json:"fields"`
	Entries uint64   `json:"entries"`
}

// Hash names used in Header.Hash.
const (
	// HashHMACSHA256: HMAC-SHA256 under the entry key, truncated to 128
	// bits (FORMAT.md §5.3); version-1 filters.
	HashHMACSHA256 = "hmac-sha256-128"
	// HashOPRF: HMAC-SHA256 keyed with the PRF output of the entry's
	// identifier (FORMAT.md §5.4), truncated to 128 bits; version 2.
	HashOPRF = "oprf-hmac-sha256-128"
	// HashSipHash: SipHash-2-4 with 128-bit output under a key per index
	// (FORMAT.md §5.5); version 3.
	HashSipHash = "siphash-2-4-128"
)

// sharedKeyHashes are the entry hashes of the shared-key mode (key sources
// keyfile and passphrase).
var sharedKeyHashes = []string{HashSipHash, HashHMACSHA256}

// Sizes of byte fields in the header.
const (
	SaltSize     = 32
	KeyCheckSize = 16
)

func (h *Header) validate() error {
	if h.Hash != HashOPRF && !slices.Contains(sharedKeyHashes, h.Hash) {
		return fmt.Errorf("unknown entry hash %q", h.Hash)
	}
	if (h.Hash == HashOPRF) != h.IsOPRF() {
		return fmt.Errorf("entry hash %q does not go with key source %q", h.Hash, h.Key.Source)
	}
	if len(h.Salt) != SaltSize {
		return fmt.Errorf("salt is %d bytes, want %d", len(h.Salt), SaltSize)
	}
	if len(h.KeyCheck) != KeyCheckSize {
		return fmt.Errorf("key check value is %d bytes, want %d", len(h.KeyCheck), KeyCheckSize)
	}
	if h.Signer != nil && len(h.Signer) != ed25519.PublicKeySize {
		return fmt.Errorf("signer key is %d bytes, want %d", len(h.Signer), ed25519.PublicKeySize)
	}
	if len(h.Indexes) == 0 {
		return errors.New("no indexes")
	}
	if err := validateCustomFields(h.CustomFields); err != nil {
		return err
	}
	if err := validateIndexes(h.Indexes, h.CustomFields); err != nil {
		return err
	}
	switch h.Key.Source {
	case KeySourceFile:
	case KeySourcePassphrase:
		if h.Key.Argon2id == nil {
			return errors.New("passphrase key without argon2id parameters")
		}
		if err := h.Key.Argon2id.Validate(); err != nil {
			return err
		}
	case KeySourceOPRF:
		o := h.Key.OPRF
		switch {
		case o == nil:
			return errors.New("oprf key source without oprf public key")
		case o.Suite != OPRFSuite:
			return fmt.Errorf("unknown OPRF suite %q", o.Suite)
		case len(o.PublicKey) != 32:
			return fmt.Errorf("OPRF public key is %d bytes, want 32", len(o.PublicKey))
		}
	default:
		return fmt.Errorf("unknown key source %q", h.Key.Source)
	}
	if h.Key.Source != KeySourcePassphrase && h.Key.Argon2id != nil {
		return errors.New("argon2id parameters for a key that is not a passphrase")
	}
	if h.Key.Source != KeySourceOPRF && h.Key.OPRF != nil {
		return errors.New("oprf public key for a key source that is not oprf")
	}
	return h.Bloom.validate()
}

// FormatError is returned for a file that is not a valid filter. Check says
// which check failed, for the user.
type FormatError struct {
	Check  string // "magic", "version", "header", "truncated", "checksum", "mac", "signature", "trailing data"
	Detail string
}

func (e *FormatError) Error() string { return e.Check + ": " + e.Detail }

func formatErr(check, format string, args ...any) error {
	return &FormatError{Check: check, Detail: fmt.Sprintf(format, args...)}
}

// WriteTo encodes f to w: preamble, header, partitions, checksum, MAC keyed
// with macKey and, when signer is not nil, an Ed25519 signature. f.Header.Signer
// is set from signer.
func (f *Filter) WriteTo(w io.Writer, macKey []byte, signer ed25519.PrivateKey) (int64, error) {
	if len(macKey) == 0 {
		return 0, errors.New("no MAC key")
	}
	f.Header.Signer = nil
	if signer != nil {
		f.Header.Signer = signer.Public().(ed25519.PublicKey)
	}
	defer runtime.KeepAlive(f)
	if err := f.Header.validate(); err != nil {
		return 0, fmt.Errorf("invalid header: %w", err)
	}
	hdr, err := json.Marshal(&f.Header)
	if err != nil {
		return 0, err
	}
	if len(hdr) > MaxHeaderSize {
		return 0, fmt.Errorf("header is %d bytes, over the %d limit", len(hdr), MaxHeaderSize)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	sum := sha256.New()
	mac := hmac.New(sha256.New, macKey)
	cw := &countWriter{w: io.MultiWriter(bw, sum, mac)}

	pre := make([]byte, preambleSize)
	copy(pre, Magic)
	binary.BigEndian.PutUint16(pre[8:], uint16(f.Header.version()))
	binary.BigEndian.PutUint32(pre[12:], uint32(len(hdr)))
	cw.Write(pre)
	cw.Write(hdr)
	// The partitions, with the checksum and the MAC computed on other
	// goroutines while the next chunk is encoded (feed.go).
	body := &countWriter{w: bw, n: cw.n, err: cw.err}
	feed := newFeeder(sum, mac)
	defer feed.close()
	for _, p := range f.parts {
		buf := feed.buffer()[:0]
		buf = binary.BigEndian.AppendUint64(buf, uint64(p.Cap()))
		buf = binary.BigEndian.AppendUint64(buf, uint64(p.K()))
		buf = binary.BigEndian.AppendUint64(buf, uint64(p.Cap()))
		for words := p.BitSet().Words(); ; {
			n := min(len(words), (cap(buf)-len(buf))/8)
			for _, word := range words[:n] {
				buf = binary.BigEndian.AppendUint64(buf, word)
			}
			words = words[n:]
			body.Write(buf)
			feed.submit(buf)
			if len(words) == 0 {
				break
			}
			buf = feed.buffer()[:0]
		}
	}
	feed.close()
	if body.err != nil {
		return body.n, body.err
	}
	cw = body
	checksum := sum.Sum(nil)
	tail := mac.Sum(append([]byte(nil), checksum...))
	n := cw.n
	if _, err := bw.Write(tail); err != nil {
		return n, err
	}
	n += int64(len(tail))
	if signer != nil {
		s := ed25519.Sign(signer, signatureMessage(checksum))
		if _, err := bw.Write(s); err != nil {
			return n, err
		}
		n += int64(len(s))
	}
	return n, bw.Flush()
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

// Decoder reads a filter file in two steps: NewDecoder reads and checks the
// preamble and header, so that the caller can derive its keys from the salt;
// Body then reads the partitions and verifies the checksum, the MAC and any
// signature.
type Decoder struct {
	Header    Header
	Version   int
	r         *bufio.Reader
	prefix    []byte // preamble and header bytes, for the MAC
	headerLen int64
	size      int64
}

// NewDecoder reads the preamble and header from r. size is the total size of
// the input when known (for a file), or -1; a known size lets the decoder
// detect truncation before it allocates the body.
func NewDecoder(r io.Reader, size int64) (*Decoder, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	pre := make([]byte, preambleSize)
	if n, err := io.ReadFull(br, pre); err != nil {
		if n >= len(Magic) && string(pre[:len(Magic)]) == Magic {
			return nil, formatErr("truncated", "file ends inside the %d-byte preamble", preambleSize)
		}
		if n < len(Magic) || string(pre[:len(Magic)]) != Magic {
			return nil, formatErr("magic", "not a leakcheck filter (file too short)")
		}
	}
	if string(pre[:len(Magic)]) != Magic {
		return nil, formatErr("magic", "not a leakcheck filter (no %q at the start)", Magic)
	}
	version := int(binary.BigEndian.Uint16(pre[8:]))
	if version < MinVersion || version > MaxVersion {
		return nil, formatErr("version", "filter format version %d; this leakcheck reads versions %d to %d (upgrade leakcheck for newer filters)", version, MinVersion, MaxVersion)
	}
	if flags := binary.BigEndian.Uint16(pre[10:]); flags != 0 {
		return nil, formatErr("header", "unknown flags %#04x", flags)
	}
	hlen := binary.BigEndian.Uint32(pre[12:])
	if hlen == 0 || hlen > MaxHeaderSize {
		return nil, formatErr("header", "header length %d out of range 1..%d", hlen, MaxHeaderSize)
	}
	if size >= 0 && int64(preambleSize)+int64(hlen) > size {
		return nil, formatErr("truncated", "header of %d bytes does not fit in a %d-byte file", hlen, size)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(br, hdr); err != nil {
		return nil, formatErr("truncated", "file ends inside the header")
	}
	d := &Decoder{Version: version, r: br, size: size, headerLen: int64(hlen)}
	if err := checkStrictJSON(hdr, reflect.TypeFor[Header]()); err != nil {
		return nil, formatErr("header", "malformed header: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(hdr))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d.Header); err != nil {
		return nil, formatErr("header", "malformed header: %v", err)
	}
	if dec.More() {
		return nil, formatErr("header", "malformed header: data after the JSON object")
	}
	if err := d.Header.validate(); err != nil {
		return nil, formatErr("header", "%v", err)
	}
	if want := d.Header.version(); version != want {
		return nil, formatErr("version", "a version-%d filter with key source %q and entry hash %s (those are written as version %d)", version, d.Header.Key.Source, d.Header.Hash, want)
	}
	if size >= 0 {
		want := d.FileSize()
		if size < want {
			return nil, formatErr("truncated", "file is %d bytes, its header describes %d", size, want)
		}
		if size > want {
			return nil, formatErr("trailing data", "file is %d bytes, its header describes %d", size, want)
		}
	}
	d.prefix = append(pre, hdr...)
	return d, nil
}

// FileSize is the size the header says the whole file has.
func (d *Decoder) FileSize() int64 {
	n := int64(preambleSize) + d.headerLen + int64(d.Header.Bloom.BodySize()) + sumSize + macSize
	if d.Header.Signer != nil {
		n += ed25519.SignatureSize
	}
	return n
}

// signatureMessage is what an Ed25519 signature signs: a context string and
// the SHA-256 checksum of everything before the trailer.
func signatureMessage(checksum []byte) []byte {
	return append([]byte(SignatureContext), checksum...)
}

// SignatureContext prefixes the message an Ed25519 signature signs.
const SignatureContext = "leakcheck filter signature v1\x00"

// Body reads the partitions and the trailer. It always verifies the
// checksum and any signature; it verifies the MAC when macKey is not nil.
// The returned Filter holds the decoder's Header.
func (d *Decoder) Body(macKey []byte) (_ *Filter, err error) {
	p := d.Header.Bloom
	sum := sha256.New()
	sum.Write(d.prefix)
	var mac hash.Hash
	if macKey != nil {
		mac = hmac.New(sha256.New, macKey)
		mac.Write(d.prefix)
	}
	hs := []hash.Hash{sum}
	if mac != nil {
		hs = append(hs, mac)
	}
	feed := newFeeder(hs...)
	defer feed.close()
	f := &Filter{Header: d.Header, parts: make([]*bbloom.BloomFilter, p.Partitions)}
	nwords := p.words()
	if d.size >= 0 {
		// The header's sizes were checked against the file's size, so all
		// partitions are allocated at once, in one region (newRegion).
		f.mem = newRegion(p.Partitions, nwords)
		// A filter that fails to decode gives its memory back now: a
		// mapped region is outside the heap, so nothing would hasten the
		// collection that returns it.
		defer func() {
			if err != nil {
				f.mem.release()
			}
		}()
	}
	for i := range f.parts {
		head, err := feed.read(d.r, 24)
		if err != nil {
			return nil, formatErr("truncated", "file ends at partition %d of %d", i, p.Partitions)
		}
		m, k, length := binary.BigEndian.Uint64(head), binary.BigEndian.Uint64(head[8:]), binary.BigEndian.Uint64(head[16:])
		if m != p.M || k != p.K || length != p.M {
			return nil, formatErr("header", "partition %d has m=%d k=%d length=%d, header says m=%d k=%d", i, m, k, length, p.M, p.K)
		}
		// Without the file's size, memory grows only as data arrives.
		var words []uint64
		if f.mem != nil {
			words = f.mem.parts[i]
		} else {
			words = make([]uint64, 0, min(nwords, 1<<16))
		}
		for done := uint64(0); done < nwords; {
			n := min(nwords-done, feedChunkSize/8)
			b, err := feed.read(d.r, int(n*8))
			if err != nil {
				return nil, formatErr("truncated", "file ends inside partition %d of %d", i, p.Partitions)
			}
			if d.size < 0 {
				words = append(words, make([]uint64, n)...)
			}
			dst := words[done : done+n]
			for j := range dst {
				dst[j] = binary.BigEndian.Uint64(b[8*j:])
			}
			done += n
		}
		f.parts[i] = bbloom.FromWithM(words, uint(p.M), uint(p.K))
	}
	feed.close()
	tail := make([]byte, sumSize+macSize)
	if _, err := io.ReadFull(d.r, tail); err != nil {
		return nil, formatErr("truncated", "file ends before its checksum and MAC")
	}
	checksum := sum.Sum(nil)
	if !bytes.Equal(checksum, tail[:sumSize]) {
		return nil, formatErr("checksum", "the file is damaged (SHA-256 checksum mismatch)")
	}
	if mac != nil && !hmac.Equal(mac.Sum(nil), tail[sumSize:]) {
		return nil, formatErr("mac", "authentication failed: the file was modified after it was built")
	}
	if d.Header.Signer != nil {
		s := make([]byte, ed25519.SignatureSize)
		if _, err := io.ReadFull(d.r, s); err != nil {
			return nil, formatErr("truncated", "file ends inside its signature")
		}
		if !ed25519.Verify(ed25519.PublicKey(d.Header.Signer), signatureMessage(checksum), s) {
			return nil, formatErr("signature", "the Ed25519 signature does not match the file")
		}
	}
	if n, _ := d.r.Read(make([]byte, 1)); n != 0 {
		return nil, formatErr("trailing data", "bytes after the end of the filter")
	}
	return f, nil
}
