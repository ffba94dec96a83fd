package exchange

import (
	"bytes"
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
	if err := h.validate(); err != nil {
		return fmt.Errorf("invalid request header: %w", err)
	}
	wr, err := newWriter(w, RequestMagic, h)
	if err != nil {
		return err
	}
	for i := range elems {
		wr.write(elems[i][:])
	}
	return wr.close()
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
	h := &s.Header
	if err := h.validate(); err != nil {
		return fmt.Errorf("invalid state header: %w", err)
	}
	if uint64(len(s.Tags)) != h.Elements || len(s.Blinded) != len(s.Tags) {
		return fmt.Errorf("state has %d tags and %d elements, header says %d", len(s.Tags), len(s.Blinded), h.Elements)
	}
	wr, err := newWriter(w, StateMagic, h)
	if err != nil {
		return err
	}
	wr.write(s.Seed[:])
	wr.write(s.TagKey[:])
	for i := range s.Tags {
		wr.write(s.Tags[i][:])
	}
	for i := range s.Blinded {
		wr.write(s.Blinded[i][:])
	}
	return wr.close()
}

// ReadState reads a whole state file; size, when known (≥ 0), is checked
// against the header before anything large is allocated.
func ReadState(in io.Reader, size int64) (*State, error) {
	s := &State{}
	r, err := newReader(in, "state file", StateMagic, &s.Header)
	if err != nil {
		return nil, err
	}
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
	buf := make([]byte, chunk*ElementSize)
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
	for done := 0; done < n; {
		k := min(chunk, n-done)
		if err := r.read(buf[:k*ElementSize], "its blinded elements"); err != nil {
			return nil, err
		}
		for i := 0; i < k; i++ {
			s.Blinded = append(s.Blinded, Element(buf[i*ElementSize:]))
		}
		done += k
	}
	if err := r.finish(); err != nil {
		return nil, err
	}
	for i := 1; i < len(s.Tags); i++ {
		if bytes.Compare(s.Tags[i-1][:], s.Tags[i][:]) >= 0 {
			return nil, r.fail("header", "tags out of order")
		}
	}
	return s, nil
}
