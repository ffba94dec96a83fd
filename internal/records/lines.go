package records

import (
	"bytes"
	"io"
	"sync/atomic"
)

// lineReader reads a stream line by line with line numbers, for the line-based formats (JSON
// Lines, key-value blocks, SQL). Its buffer grows to at most about max+2 bytes: a line longer
// than max is skipped while it is read, never held whole.
type lineReader struct {
	window
	line int64 // number of the next line
}

func newLineReader(src io.Reader, max int) *lineReader {
	return &lineReader{window: newWindow(src, max), line: 1}
}

// window is the bounded read buffer shared by the delimited-text scanner
// and the line reader: unread input is buf[r:w], and the buffer grows to at
// most max+2 bytes (a record of max bytes plus CRLF).
type window struct {
	src  io.Reader
	buf  []byte
	r, w int
	eof  bool
	max  int
	read atomic.Int64 // bytes taken from src
}

func newWindow(src io.Reader, max int) window {
	return window{src: src, buf: make([]byte, min(initialBufSize, max+2)), max: max}
}

// fill reads more input, keeping buf[r:w]; it grows the buffer up to max+2
// bytes. At end of input it sets eof.
func (b *window) fill() error {
	if b.r == b.w {
		b.r, b.w = 0, 0
	} else if b.w == len(b.buf) {
		if b.r > 0 {
			b.w = copy(b.buf, b.buf[b.r:b.w])
			b.r = 0
		} else if len(b.buf) < b.max+2 {
			nb := make([]byte, min(2*len(b.buf), b.max+2))
			b.w = copy(nb, b.buf[b.r:b.w])
			b.r = 0
			b.buf = nb
		}
	}
	for range maxEmptyReads {
		n, err := b.src.Read(b.buf[b.w:])
		b.w += n
		b.read.Add(int64(n))
		if err == io.EOF {
			b.eof = true
			return nil
		}
		if err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
	}
	return io.ErrNoProgress
}

// next returns the next line without its LF or CRLF terminator and its number. A line longer
// than max is returned as tooLong with nil data. At the end of input next returns io.EOF; a read
// error is returned as is (lines before it were all returned). data is valid until the next call.
func (l *lineReader) next() (data []byte, line int64, tooLong bool, err error) {
	discarding := false
	scanned := 0 // bytes of buf[r:w] known to hold no newline
	for {
		buf := l.buf[l.r:l.w]
		if i := bytes.IndexByte(buf[scanned:], '\n'); i >= 0 {
			i += scanned
			line = l.line
			l.line++
			l.r += i + 1
			data = trimCR(buf[:i])
			if discarding || len(data) > l.max {
				return nil, line, true, nil
			}
			return data, line, false, nil
		}
		scanned = len(buf)
		if l.eof {
			if len(buf) == 0 && !discarding {
				return nil, 0, false, io.EOF
			}
			line = l.line
			l.line++
			l.r = l.w
			data = trimCR(buf)
			if discarding || len(data) > l.max {
				return nil, line, true, nil
			}
			return data, line, false, nil
		}
		if len(buf) > l.max+1 {
			// Over the limit: drop what is buffered and go on looking for the newline.
			discarding = true
			l.r, l.w = 0, 0
			scanned = 0
		}
		if err := l.fill(); err != nil {
			return nil, 0, false, err
		}
	}
}
