package records

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"path/filepath"
	"regexp"
	"strings"
)

// Telegram Desktop exports a chat (Settings → Export chat history) as result.json ("machine-
// readable JSON"), as messages.html, messages2.html, … (1000 messages a page), or both, beside
// a photos/ folder. A lookup bot's answers are cards of "Key: Value" lines, so each message's
// text is read as key-value text (kv.go): a message holds no record (a query, a greeting),
// one, or several (a blank or separator line, or a key again, ends one). Service messages
// (joins, pins) have no text and give nothing.
//
// result.json is one JSON object: {"name", "type", "id", "messages": [...]} for one chat, or
// the whole account's {"about", "chats": {"list": [{…, "messages": [...]}]}, "left_chats": …}.
// It is read as a stream, message by message, so its size is not bounded by --max-line-bytes
// (which bounds each message). A message's "text" is a string, or an array of strings and
// {"type", "text"} entities (bold, phone, email, link, …) whose texts are joined in order;
// "text_entities" repeats it and is not read. Telegram Desktop's writer escapes control
// characters as \xHH, which is not JSON: it is read as the \u00HH it stands for.
//
// messages.html is the page Telegram Desktop writes (export_output_html.cpp): each message a
// <div class="message default clearfix" id="messageN">, its text in a <div class="text"> on
// lines of their own, where a line break is <br>, entities are inline tags (<strong>,
// <a href="tel:…">, …) and characters are escaped (&amp;, &lt;, &#x0A;, …).
//
// The line of a record is that of its message: where the message's "{" is in result.json, or
// its <div class="message …"> in messages.html.

const (
	fmtTelegram     = "telegram"
	fmtTelegramHTML = "telegram-html"
	// maxTelegramDepth bounds the nesting result.json is walked to.
	maxTelegramDepth = 32
)

var (
	telegramJSONHead = regexp.MustCompile(`"messages"\s*:\s*\[`)
	telegramJSONMsg  = regexp.MustCompile(`"date_unixtime"\s*:\s*"\d+"|"type"\s*:\s*"(message|service)"`)
)

// isTelegramJSON reports the head of a Telegram Desktop result.json.
func isTelegramJSON(t []byte) bool {
	return len(t) > 0 && t[0] == '{' && telegramJSONHead.Match(t) && telegramJSONMsg.Match(t)
}

// isTelegramHTML reports the head of a Telegram Desktop messages.html page.
func isTelegramHTML(t []byte) bool {
	return bytes.Contains(t, []byte("<title>Exported Data</title>")) &&
		bytes.Contains(t, []byte(`<div class="page_wrap">`))
}

// tgText is one message's text and the line its message starts on.
type tgText struct {
	line int64
	text string
}

// tgSource yields the texts of an export's messages in order; io.EOF at the end.
type tgSource interface{ next() (tgText, error) }

// tgKV reads the key-value records of the message texts of src: the texts are joined, each
// ending in a blank line (so no record spans two messages), and read by kvBlocks; each
// record's line is mapped back to its message's.
type tgKV struct {
	src   tgSource
	kv    *kvBlocks
	feed  *tgFeed
	fatal error
}

// tgFeed is the text kvBlocks reads: message after message. It notes, for each message, the
// line of the joined text it starts on and the line of its message in the source.
type tgFeed struct {
	t     *tgKV
	buf   []byte
	line  int64    // lines of joined text handed out so far
	marks []tgMark // ascending; the older ones are dropped as records are returned
	err   error    // sticky, from src
}

type tgMark struct{ at, src int64 }

func newTelegramKV(src tgSource, max int) *tgKV {
	t := &tgKV{src: src}
	t.feed = &tgFeed{t: t}
	t.kv = newKVBlocks(newLineReader(t.feed, max))
	return t
}

func (f *tgFeed) Read(p []byte) (int, error) {
	for len(f.buf) == 0 {
		if f.err != nil {
			return 0, f.err
		}
		m, err := f.t.src.next()
		if err != nil {
			f.err = err
			if err != io.EOF {
				f.t.fatal = err
				return 0, err
			}
			continue
		}
		if strings.TrimSpace(m.text) == "" {
			continue
		}
		f.marks = append(f.marks, tgMark{at: f.line + 1, src: m.line})
		text := strings.ReplaceAll(m.text, "\r\n", "\n")
		f.buf = append(f.buf, text...)
		f.buf = append(f.buf, '\n', '\n')
		f.line += int64(strings.Count(text, "\n")) + 2
	}
	n := copy(p, f.buf)
	f.buf = f.buf[n:]
	return n, nil
}

// source maps a line of the joined text to the line of its message.
func (f *tgFeed) source(line int64) int64 {
	i := 0
	for i+1 < len(f.marks) && f.marks[i+1].at <= line {
		i++
	}
	f.marks = f.marks[i:] // records come in order: earlier messages are done
	if len(f.marks) == 0 {
		return line
	}
	return f.marks[0].src
}

func (t *tgKV) next() (int64, []pair, error) {
	line, pairs, err := t.kv.next()
	if t.fatal != nil && (err == nil || err == io.EOF) {
		// kvBlocks ended its input at the source's error: report that, not a clean end.
		return 0, nil, t.fatal
	}
	var re *RowError
	if errors.As(err, &re) {
		re.Line = t.feed.source(re.Line)
		return 0, nil, re
	}
	if err != nil {
		return 0, nil, err
	}
	return t.feed.source(line), pairs, nil
}

// --- result.json ---------------------------------------------------------------------------

// tgJSON walks result.json to its "messages" arrays and decodes one message at a time.
type tgJSON struct {
	dec   *json.Decoder
	lim   *limitedReader
	lines *lineTracker
	max   int
	// stack of what the walk is in: '{' or '[', and for an object whether the next token is
	// a key; inMessages marks the depth of a "messages" array being read.
	stack      []byte
	wantKey    []bool
	inMessages int // depth of the messages array; 0 when not in one
	lastKey    string
}

func newTelegramJSON(r io.Reader, max int) *tgJSON {
	lt := &lineTracker{r: &xEscapes{r: bufio.NewReader(r)}}
	lim := &limitedReader{r: lt, limit: int64(max) + 64<<10}
	dec := json.NewDecoder(lim)
	dec.UseNumber()
	return &tgJSON{dec: dec, lim: lim, lines: lt, max: max}
}

// tgMessage is the part of a message that is read.
type tgMessage struct {
	Type string          `json:"type"`
	Text json.RawMessage `json:"text"`
}

func (j *tgJSON) next() (tgText, error) {
	for {
		j.lim.mark = j.lim.n
		if j.inMessages > 0 && len(j.stack) == j.inMessages && j.dec.More() {
			line := j.lines.lineAt(j.dec.InputOffset())
			var m tgMessage
			if err := j.dec.Decode(&m); err != nil {
				return tgText{}, j.jsonError(err, line)
			}
			if m.Type != "message" {
				continue
			}
			text, err := messageText(m.Text)
			if err != nil {
				return tgText{}, fmt.Errorf("line %d: %w", line, err)
			}
			return tgText{line: line, text: text}, nil
		}
		tok, err := j.dec.Token()
		if err == io.EOF {
			if len(j.stack) > 0 {
				return tgText{}, &TruncatedError{What: "Telegram export", Rows: -1, Err: io.ErrUnexpectedEOF}
			}
			return tgText{}, io.EOF
		}
		if err != nil {
			return tgText{}, j.jsonError(err, 0)
		}
		if err := j.walk(tok); err != nil {
			return tgText{}, err
		}
	}
}

// walk follows one token of the structure around the messages.
func (j *tgJSON) walk(tok json.Token) error {
	top := len(j.stack) - 1
	isKey := top >= 0 && j.stack[top] == '{' && j.wantKey[top]
	if isKey {
		j.wantKey[top] = false
		if d, ok := tok.(json.Delim); !ok || d != '}' {
			j.lastKey, _ = tok.(string)
			return nil
		}
	} else if top >= 0 && j.stack[top] == '{' {
		j.wantKey[top] = true // this token is a value (or its start)
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch d {
	case '{', '[':
		if len(j.stack) == maxTelegramDepth {
			return fmt.Errorf("JSON nested more than %d deep", maxTelegramDepth)
		}
		if d == '[' && j.lastKey == "messages" && j.inMessages == 0 {
			j.inMessages = len(j.stack) + 1
		}
		j.stack = append(j.stack, byte(d))
		j.wantKey = append(j.wantKey, d == '{')
		j.lastKey = ""
	case '}', ']':
		if len(j.stack) == j.inMessages {
			j.inMessages = 0
		}
		j.stack = j.stack[:len(j.stack)-1]
		j.wantKey = j.wantKey[:len(j.wantKey)-1]
		j.lastKey = ""
	}
	return nil
}

// jsonError turns a decoding error into one that quotes nothing of the input.
func (j *tgJSON) jsonError(err error, line int64) error {
	if errors.Is(err, errXLSXTooLong) {
		return fmt.Errorf("line %d: a message longer than %s; raise --max-line-bytes", line, sizeString(j.max))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &TruncatedError{What: "Telegram export", Rows: -1, Err: io.ErrUnexpectedEOF}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("line %d: invalid JSON in the Telegram export", j.lines.lineAt(se.Offset))
	}
	if line > 0 {
		return fmt.Errorf("line %d: a message of the Telegram export is not of the expected shape", line)
	}
	return errors.New("invalid JSON in the Telegram export")
}

// messageText joins a message's text: a string, or an array of strings and objects with a
// "text" string.
func messageText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] == 'n' {
		return "", nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", errors.New("a message's text is not a JSON string")
		}
		return s, nil
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", errors.New("a message's text is neither a string nor an array")
	}
	var b strings.Builder
	for _, p := range parts {
		p = bytes.TrimSpace(p)
		if len(p) > 0 && p[0] == '"' {
			var s string
			if json.Unmarshal(p, &s) == nil {
				b.WriteString(s)
			}
			continue
		}
		var e struct {
			Text string `json:"text"`
		}
		if json.Unmarshal(p, &e) == nil {
			b.WriteString(e.Text)
		}
	}
	return b.String(), nil
}

// lineTracker counts the lines of what is read through it, so that a byte offset of the
// decoder (which reads ahead) can be turned into a line. Offsets asked for only grow.
type lineTracker struct {
	r       io.Reader
	pending []byte // bytes read and not yet counted, from offset base
	base    int64
	line    int64 // line breaks before base
}

func (l *lineTracker) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.pending = append(l.pending, p[:n]...)
	return n, err
}

// lineAt returns the 1-based line of the first non-space byte at or after offset off.
func (l *lineTracker) lineAt(off int64) int64 {
	k := min(max(off-l.base, 0), int64(len(l.pending)))
	l.line += int64(bytes.Count(l.pending[:k], []byte{'\n'}))
	l.pending = append(l.pending[:0], l.pending[k:]...)
	l.base += k
	line := l.line
	for _, c := range l.pending {
		if c == '\n' {
			line++
		} else if c != ' ' && c != '\t' && c != '\r' && c != ',' {
			break
		}
	}
	return line + 1
}

// xEscapes rewrites the \xHH escapes Telegram Desktop writes for control characters in JSON
// strings as \u00HH. Outside strings a backslash is not valid JSON anyway; inside, every
// backslash starts an escape, so reading escapes as pairs keeps "\\x" as it is.
type xEscapes struct {
	r       *bufio.Reader
	pending []byte // decoded bytes that did not fit in the caller's buffer
}

func (x *xEscapes) Read(p []byte) (int, error) {
	n := copy(p, x.pending)
	x.pending = x.pending[n:]
	var out [6]byte
	for n < len(p) {
		if n > 0 && x.r.Buffered() == 0 {
			return n, nil // do not block for more when there is something to return
		}
		c, err := x.r.ReadByte()
		if err != nil {
			return n, err
		}
		w := out[:0]
		if c != '\\' {
			w = append(w, c)
		} else if d, err := x.r.ReadByte(); err != nil {
			w = append(w, c)
		} else if h, _ := x.r.Peek(2); d == 'x' && len(h) == 2 && isHex(h[0]) && isHex(h[1]) {
			w = append(w, '\\', 'u', '0', '0', h[0], h[1])
			x.r.Discard(2)
		} else {
			w = append(w, c, d)
		}
		k := copy(p[n:], w)
		n += k
		x.pending = append(x.pending, w[k:]...)
	}
	return n, nil
}

// --- messages.html ---------------------------------------------------------------------------

// tgHTML reads the message texts of a Telegram Desktop messages.html page, line by line: the
// writer puts each <div> of a message on a line of its own.
type tgHTML struct {
	lines   *lineReader
	msgLine int64 // line of the current message's <div class="message …">
	ended   bool  // the page's closing </html> was read: an end of file before it is a cut page
}

func newTelegramHTML(r io.Reader, max int) *tgHTML {
	return &tgHTML{lines: newLineReader(r, max)}
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

func (h *tgHTML) next() (tgText, error) {
	for {
		data, line, tooLong, err := h.lines.next()
		if err == io.EOF && !h.ended {
			// Telegram Desktop ends every page with </html>: a page cut between two
			// messages would otherwise read as a shorter chat.
			return tgText{}, &TruncatedError{What: "Telegram export page", Rows: -1, Err: io.ErrUnexpectedEOF}
		}
		if err != nil {
			return tgText{}, err
		}
		if tooLong {
			return tgText{}, fmt.Errorf("line %d: longer than %s; raise --max-line-bytes", line, sizeString(h.lines.max))
		}
		t := bytes.TrimSpace(data)
		switch {
		case bytes.Equal(t, []byte("</html>")):
			h.ended = true
		case bytes.HasPrefix(t, []byte(`<div class="message `)):
			h.msgLine = line
		case bytes.Equal(t, []byte(`<div class="text">`)):
			var b []byte
			for {
				data, l, tooLong, err := h.lines.next()
				if err == io.EOF {
					return tgText{}, &TruncatedError{What: "Telegram export page", Rows: -1, Err: io.ErrUnexpectedEOF}
				}
				if err != nil {
					return tgText{}, err
				}
				if tooLong || len(b)+len(data) > h.lines.max {
					return tgText{}, fmt.Errorf("line %d: a message longer than %s; raise --max-line-bytes", l, sizeString(h.lines.max))
				}
				if string(bytes.TrimSpace(data)) == "</div>" {
					break
				}
				b = append(b, data...) // line breaks in the page are layout; <br> is the text's
			}
			return tgText{line: h.msgLine, text: htmlText(b)}, nil
		}
	}
}

// htmlText turns the HTML of a message's text into its text: <br> is a line break, other tags
// are dropped, character references decoded.
func htmlText(b []byte) string {
	s := strings.NewReplacer("<br>", "\n", "<br/>", "\n", "<br />", "\n").Replace(string(b))
	s = tagRE.ReplaceAllString(s, "")
	return html.UnescapeString(s)
}

// messagesPage matches the names of Telegram Desktop's HTML pages of a chat.
var messagesPage = regexp.MustCompile(`^messages\d*\.html$`)

// markTelegramTwice marks the HTML pages of a Telegram Desktop export folder that also holds
// the export's result.json (the "both formats" choice of the export dialog): they hold the
// same messages, which would otherwise be counted twice. They are skipped with the reason. A
// folder inside a zip or tar archive is the same export: members are grouped by the folder of
// their name, as files are.
func markTelegramTwice(srcs []*Source) {
	withJSON := map[string]bool{}
	for _, s := range srcs {
		if dir, base := s.folder(); s.peekable() && base == "result.json" && s.headIs(isTelegramJSON) {
			withJSON[dir] = true
		}
	}
	for _, s := range srcs {
		if dir, base := s.folder(); s.peekable() && withJSON[dir] &&
			messagesPage.MatchString(base) && s.headIs(isTelegramHTML) {
			s.skip = "the same messages as the result.json beside it (Telegram Desktop's export in both formats): read once, from result.json"
		}
	}
}

// folder splits the source's name into the folder it is in and its base name: a file's
// directory, or an archive member's folder inside its archive ("a.zip!export").
func (s *Source) folder() (dir, base string) {
	if s.kind == srcMember {
		if i := strings.LastIndexAny(s.Name, "/!"); i >= 0 {
			return s.Name[:i], s.Name[i+1:]
		}
	}
	return filepath.Dir(s.path), filepath.Base(s.path)
}

// peekable reports whether the source's first bytes can be read before it is opened for
// its records: a regular file or an archive member that is to be read.
func (s *Source) peekable() bool {
	return (s.kind == srcFile && !s.once || s.kind == srcMember) && !s.Excluded && s.skip == ""
}

// headIs reports whether the source's first bytes, after leading white space, pass test.
func (s *Source) headIs(test func([]byte) bool) bool {
	r, cs, err := s.raw()
	if err != nil {
		return false
	}
	defer cs.Close()
	head := make([]byte, sniffLen)
	n, _ := io.ReadFull(r, head)
	return test(bytes.TrimLeft(head[:n], " \t\r\n"))
}

// openTelegram returns the reader of a Telegram export's records.
func openTelegram(br *bufio.Reader, f string, max int) (Reader, error) {
	var src tgSource
	if f == fmtTelegram {
		src = newTelegramJSON(br, max)
	} else {
		src = newTelegramHTML(br, max)
	}
	return newKeyedReader(newTelegramKV(src, max), foldKey)
}
