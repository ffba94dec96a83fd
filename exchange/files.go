package exchange

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Request is the header of a request: the registry's blinded elements
// follow it, Elements of them, in batches of Batch.
type Request struct {
	Exchange
}

// WriteRequest writes a request holding elems.
func WriteRequest(w io.Writer, h *Request, elems []Element) error {
	if uint64(len(elems)) != h.Elements {
		return fmt.Errorf("header says %d elements, got %d", h.Elements, len(elems))
	}
	rw, err := NewRequestWriter(w, h)
	if err != nil {
		return err
	}
	for i := range elems {
		rw.Write(&elems[i])
	}
	return rw.Close()
}

// RequestWriter writes a request element by element, so that the registry
// need not hold them all.
type RequestWriter struct {
	h    Request
	w    *writer
	done uint64
}

// NewRequestWriter writes a request's preamble and header.
func NewRequestWriter(w io.Writer, h *Request) (*RequestWriter, error) {
	if err := h.validate(); err != nil {
		return nil, fmt.Errorf("invalid request header: %w", err)
	}
	wr, err := newWriter(w, RequestMagic, h)
	if err != nil {
		return nil, err
	}
	return &RequestWriter{h: *h, w: wr}, nil
}

// Write writes the next element; errors are returned by Close.
func (rw *RequestWriter) Write(e *Element) {
	rw.done++
	rw.w.write(e[:])
}

// Close writes the checksum after the last element.
func (rw *RequestWriter) Close() error {
	if rw.done != rw.h.Elements {
		return fmt.Errorf("header says %d elements, got %d", rw.h.Elements, rw.done)
	}
	return rw.w.close()
}

// RequestReader reads a request batch by batch.
type RequestReader struct {
	Header Request
	r      *reader
	next   int
	done   bool // the checksum was verified
}

// NewRequestReader reads and checks a request's preamble and header.
func NewRequestReader(in io.Reader) (*RequestReader, error) {
	rr := &RequestReader{}
	r, err := newReader(in, "request", RequestMagic, &rr.Header)
	if err != nil {
		return nil, err
	}
	rr.r = r
	if err := rr.Header.validate(); err != nil {
		return nil, r.fail("header", "%v", err)
	}
	return rr, nil
}

// Next returns the next batch of blinded elements, reusing dst; after the
// last batch it checks the checksum and the end of input and returns io.EOF.
func (rr *RequestReader) Next(dst []Element) ([]Element, error) {
	h := &rr.Header
	if rr.next == h.Batches() {
		if !rr.done {
			if err := rr.r.finish(); err != nil {
				return nil, err
			}
			rr.done = true
		}
		return nil, io.EOF
	}
	i := rr.next
	rr.next++
	return rr.r.readElements(dst, h.BatchLen(i), fmt.Sprintf("batch %d of %d", i+1, h.Batches()))
}

// Response is the header of a response: for each batch of the request, its
// evaluated elements in the request's order, then one DLEQ proof.
type Response struct {
	Exchange
}

// ResponseWriter writes a response batch by batch.
type ResponseWriter struct {
	h    Response
	w    *writer
	next int
}

// NewResponseWriter writes a response's preamble and header.
func NewResponseWriter(w io.Writer, h *Response) (*ResponseWriter, error) {
	if err := h.validate(); err != nil {
		return nil, fmt.Errorf("invalid response header: %w", err)
	}
	wr, err := newWriter(w, ResponseMagic, h)
	if err != nil {
		return nil, err
	}
	return &ResponseWriter{h: *h, w: wr}, nil
}

// Write writes the next batch.
func (rw *ResponseWriter) Write(elems []Element, proof *Proof) error {
	if rw.next >= rw.h.Batches() || len(elems) != rw.h.BatchLen(rw.next) {
		return fmt.Errorf("batch %d of %d: %d elements do not fit the response", rw.next+1, rw.h.Batches(), len(elems))
	}
	rw.next++
	for i := range elems {
		rw.w.write(elems[i][:])
	}
	rw.w.write(proof[:])
	return rw.w.err
}

// Close writes the checksum after the last batch.
func (rw *ResponseWriter) Close() error {
	if rw.next != rw.h.Batches() {
		return fmt.Errorf("response closed after %d of %d batches", rw.next, rw.h.Batches())
	}
	return rw.w.close()
}

// ResponseReader reads a response batch by batch.
type ResponseReader struct {
	Header Response
	r      *reader
	next   int
	done   bool // the checksum was verified
}

// NewResponseReader reads and checks a response's preamble and header.
func NewResponseReader(in io.Reader) (*ResponseReader, error) {
	rr := &ResponseReader{}
	r, err := newReader(in, "response", ResponseMagic, &rr.Header)
	if err != nil {
		return nil, err
	}
	rr.r = r
	if err := rr.Header.validate(); err != nil {
		return nil, r.fail("header", "%v", err)
	}
	return rr, nil
}

// Next returns the next batch of evaluated elements and its proof, reusing
// dst; after the last batch it checks the checksum and the end of input
// and returns io.EOF.
func (rr *ResponseReader) Next(dst []Element) ([]Element, *Proof, error) {
	h := &rr.Header
	if rr.next == h.Batches() {
		if !rr.done {
			if err := rr.r.finish(); err != nil {
				return nil, nil, err
			}
			rr.done = true
		}
		return nil, nil, io.EOF
	}
	i := rr.next
	rr.next++
	where := fmt.Sprintf("batch %d of %d", i+1, h.Batches())
	elems, err := rr.r.readElements(dst, h.BatchLen(i), where)
	if err != nil {
		return nil, nil, err
	}
	var p Proof
	if err := rr.r.read(p[:], "the proof of "+where); err != nil {
		return nil, nil, err
	}
	return elems, &p, nil
}

// InputDigest records one registry input as blind read it, so that check
// can tell whether it changed since.
type InputDigest struct {
	Name string `json:"name"`
	// Size and SHA256 are set for a regular file (not for standard input).
	Size   int64  `json:"size,omitempty"`
	SHA256 []byte `json:"sha256,omitempty"`
	Rows   int64  `json:"rows"`
}

// State is what the registry keeps between blind and check. It never
// leaves the registry: with the seed, anyone holding it and the response
// could finalize the registry's identifiers' PRF outputs, and its tags can
// be tested against guessed identifiers.
type State struct {
	Header StateHeader
	// Seed derives each element's blind from its tag; TagKey keys the tags.
	Seed, TagKey [SecretSize]byte
	// Tags of the PRF inputs, ascending; Blinded[i] is the blinded element
	// of the input with tag Tags[i], which the request holds at position i.
	Tags    []Tag
	Blinded []Element
}

// StateHeader is the JSON header of a state file.
type StateHeader struct {
	Exchange
	Inputs []InputDigest `json:"inputs"`
	// Fields are the identifier fields that were blinded.
	Fields []string `json:"fields"`
}

// Wipe clears the state's secrets.
func (s *State) Wipe() {
	clear(s.Seed[:])
	clear(s.TagKey[:])
}

// WriteState writes a state file.
func WriteState(w io.Writer, s *State) error {
	if len(s.Blinded) != len(s.Tags) {
		return fmt.Errorf("state has %d tags and %d elements", len(s.Tags), len(s.Blinded))
	}
	sw, err := NewStateWriter(w, &s.Header, &s.Seed, &s.TagKey)
	if err != nil {
		return err
	}
	for i := range s.Tags {
		sw.Tag(&s.Tags[i])
	}
	for i := range s.Blinded {
		sw.Blinded(&s.Blinded[i])
	}
	return sw.Close()
}

// StateWriter writes a state file in the order of the file: every tag
// (ascending), then every blinded element in the same order, so that the
// registry need not hold them all.
type StateWriter struct {
	h              StateHeader
	w              *writer
	tags, elements uint64
	last           Tag
}

// NewStateWriter writes a state file's preamble, header and secrets.
func NewStateWriter(w io.Writer, h *StateHeader, seed, tagKey *[SecretSize]byte) (*StateWriter, error) {
	if err := h.validate(); err != nil {
		return nil, fmt.Errorf("invalid state header: %w", err)
	}
	wr, err := newWriter(w, StateMagic, h)
	if err != nil {
		return nil, err
	}
	wr.write(seed[:])
	wr.write(tagKey[:])
	return &StateWriter{h: *h, w: wr}, wr.err
}

// Tag writes the next tag; errors are returned by Close.
func (sw *StateWriter) Tag(t *Tag) {
	if sw.tags > 0 && bytes.Compare(sw.last[:], t[:]) >= 0 && sw.w.err == nil {
		sw.w.err = errors.New("state tags out of order")
	}
	sw.tags++
	sw.last = *t
	sw.w.write(t[:])
}

// Blinded writes the next blinded element, after every tag; errors are
// returned by Close.
func (sw *StateWriter) Blinded(e *Element) {
	if sw.tags != sw.h.Elements && sw.w.err == nil {
		sw.w.err = fmt.Errorf("state has %d tags, header says %d", sw.tags, sw.h.Elements)
	}
	sw.elements++
	sw.w.write(e[:])
}

// Close writes the checksum after the last element.
func (sw *StateWriter) Close() error {
	if sw.tags != sw.h.Elements || sw.elements != sw.h.Elements {
		return fmt.Errorf("state has %d tags and %d elements, header says %d", sw.tags, sw.elements, sw.h.Elements)
	}
	return sw.w.close()
}

// ReadState reads a whole state file; size, when known (≥ 0), is checked
// against the header before anything large is allocated.
func ReadState(in io.Reader, size int64) (*State, error) {
	sr, err := NewStateReader(in, size)
	if err != nil {
		return nil, err
	}
	for n := int(sr.Header.Elements); n > 0; {
		k := min(n, 1<<16)
		b, err := sr.NextBlinded(k)
		if err != nil {
			return nil, err
		}
		sr.State.Blinded = append(sr.State.Blinded, b...)
		n -= k
	}
	if err := sr.Finish(); err != nil {
		return nil, err
	}
	return &sr.State, nil
}

// StateReader reads a state file: its header, secrets and tags at once,
// its blinded elements in order as they are asked for (a batch at a time:
// check need not hold them all), and its checksum at Finish.
type StateReader struct {
	State // without Blinded
	r     *reader
	left  int
}

// NewStateReader reads a state file up to its blinded elements; size, when
// known (≥ 0), is checked against the header before anything large is
// allocated.
func NewStateReader(in io.Reader, size int64) (*StateReader, error) {
	sr := &StateReader{}
	s := &sr.State
	r, err := newReader(in, "state file", StateMagic, &s.Header)
	if err != nil {
		return nil, err
	}
	sr.r = r
	h := &s.Header
	if err := h.validate(); err != nil {
		return nil, r.fail("header", "%v", err)
	}
	if size >= 0 {
		body := int64(2*SecretSize) + int64(h.Elements)*(TagSize+ElementSize) + sumSize
		if size < body {
			return nil, r.fail("truncated", "the state file is %d bytes, its header describes more than %d", size, body)
		}
	}
	if err := r.read(s.Seed[:], "its seed"); err != nil {
		return nil, err
	}
	if err := r.read(s.TagKey[:], "its tag key"); err != nil {
		return nil, err
	}
	// Read in chunks, so that memory grows only as data arrives when the
	// size is not known in advance.
	n := int(h.Elements)
	const chunk = 1 << 16
	buf := make([]byte, chunk*TagSize)
	if size >= 0 {
		s.Tags = make([]Tag, 0, n)
	}
	for done := 0; done < n; {
		k := min(chunk, n-done)
		if err := r.read(buf[:k*TagSize], "its tags"); err != nil {
			return nil, err
		}
		for i := 0; i < k; i++ {
			s.Tags = append(s.Tags, Tag(buf[i*TagSize:]))
		}
		done += k
	}
	for i := 1; i < len(s.Tags); i++ {
		if bytes.Compare(s.Tags[i-1][:], s.Tags[i][:]) >= 0 {
			return nil, r.fail("header", "tags out of order")
		}
	}
	sr.left = n
	return sr, nil
}

// NextBlinded returns the next n blinded elements, in a new slice.
func (sr *StateReader) NextBlinded(n int) ([]Element, error) {
	if n > sr.left {
		return nil, fmt.Errorf("asked for %d more blinded elements, the state file holds %d more", n, sr.left)
	}
	sr.left -= n
	return sr.r.readElements(make([]Element, 0, n), n, "its blinded elements")
}

// Finish checks that every blinded element was read, then the checksum and
// the end of the file. Until it returns nil, nothing read may be trusted.
func (sr *StateReader) Finish() error {
	if sr.left != 0 {
		return fmt.Errorf("%d blinded elements of the state file were not read", sr.left)
	}
	return sr.r.finish()
}
