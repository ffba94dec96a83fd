package records

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A result.json of one chat, in Telegram Desktop's layout: a greeting, a query, an answer with
// entities (an array), a service message, an answer holding two cards, a control character
// written as \xHH.
const tgJSONChat = `{
 "name": "Lookup Bot",
 "type": "bot_chat",
 "id": 51,
 "messages": [
  {
   "id": 1,
   "type": "message",
   "date": "2023-06-12T09:00:50",
   "date_unixtime": "1686540650",
   "from": "Lookup Bot",
   "from_id": "user51",
   "text": "Welcome! Send a number.",
   "text_entities": []
  },
  {
   "id": 2,
   "type": "message",
   "date_unixtime": "1686540651",
   "text": [
    "🔹 ",
    {
     "type": "bold",
     "text": "Name:"
    },
    " Ann \"A\" Lee\n🔹 Mobile: ",
    {
     "type": "phone",
     "text": "+91 98765 43210"
    }
   ],
   "text_entities": [{"type": "plain", "text": "Mobile: 1"}]
  },
  {
   "id": 3,
   "type": "service",
   "action": "pin_message",
   "text": "Mobile: 9999999999"
  },
  {
   "id": 4,
   "type": "message",
   "date_unixtime": "1686540652",
   "text": "Name: Bo\x09Ray\nMobile: 9876543211\n━━━━\nName: Cy\nMobile: 9876543212"
  }
 ]
}`

func TestTelegramJSON(t *testing.T) {
	wide := strings.Replace(tgJSONChat, `"Welcome! Send a number."`, `"`+strings.Repeat("x", 70000)+`"`, 1)
	account := `{
 "about": "Here is the data you requested.",
 "contacts": {"about": "", "list": [{"first_name": "Zed", "phone_number": "+91 90000 00000"}]},
 "chats": {
  "about": "",
  "list": [
   ` + strings.ReplaceAll(tgJSONChat, "\n", "\n   ") + `,
   {"name": "Empty", "type": "personal_chat", "id": 7, "messages": []}
  ]
 }
}`
	want := []result{rec(16, "Ann \"A\" Lee", "+91 98765 43210"), rec(40, "Bo\tRay", "9876543211"), rec(40, "Cy", "9876543212")}
	runReadTable(t, []readTable{
		{name: "one chat", in: tgJSONChat, cols: []string{"Name", "Mobile"}, want: want},
		{name: "longer than --max-line-bytes as a whole, each message within it", in: tgJSONChat, opts: Options{MaxLineBytes: 256},
			cols: []string{"Name", "Mobile"}, want: want},
		{name: "the account export: chats.list, contacts not read", in: account, cols: []string{"Name", "Mobile"},
			want: []result{rec(22, "Ann \"A\" Lee", "+91 98765 43210"), rec(46, "Bo\tRay", "9876543211"), rec(46, "Cy", "9876543212")}},
		{name: "forced", in: tgJSONChat, opts: Options{Format: "telegram"}, want: want},
		{name: "a message over the limit", in: wide, opts: Options{MaxLineBytes: 1024, Format: "telegram"},
			err: "a message longer than 1 KiB; raise --max-line-bytes"},
		{name: "cut short", in: tgJSONChat[:len(tgJSONChat)-40], err: "truncated"},
	})
}

// A page of Telegram Desktop's HTML export (export_output_html.cpp layout).
const tgHTMLPage = `<!DOCTYPE html>
<html>

 <head>

  <meta charset="utf-8"/>
<title>Exported Data</title>
 </head>

 <body onload="CheckLocation();">

  <div class="page_wrap">

   <div class="page_header">
    <div class="content">
     <div class="text bold">
Lookup Bot
     </div>
    </div>
   </div>

   <div class="page_body chat_page">

    <div class="history">

     <div class="message service" id="message-1">

      <div class="body details">
12 June 2023
      </div>

     </div>

     <div class="message default clearfix" id="message2">

      <div class="body">

       <div class="from_name">
Lookup Bot
       </div>

       <div class="text">
🔹 <strong>Name:</strong> Ann &quot;A&quot; Lee &amp; Co<br>🔹 Mobile: <a href="tel:+91 98765 43210">+91 98765 43210</a>
       </div>

      </div>

     </div>

     <div class="message default clearfix joined" id="message4">

      <div class="body">

       <div class="text">
Name: Bo&#x09;Ray<br>Mobile: 9876543211<br>━━━━<br>Name: Cy &lt;x&gt;<br>Mobile: 9876543212
       </div>

      </div>

     </div>

    </div>

   </div>

  </div>

 </body>

</html>
`

func TestTelegramHTML(t *testing.T) {
	want := []result{rec(34, `Ann "A" Lee & Co`, "+91 98765 43210"), rec(50, "Bo\tRay", "9876543211"), rec(50, "Cy <x>", "9876543212")}
	runReadTable(t, []readTable{
		{name: "a page", in: tgHTMLPage, cols: []string{"Name", "Mobile"}, want: want},
		{name: "forced", in: tgHTMLPage, opts: Options{Format: "telegram-html"}, want: want},
		{name: "other HTML is not data", in: "<html><body><div class=\"text\">\nName: A\n</div></body></html>", err: "XML or HTML input is not supported"},
		{name: "cut inside a text", in: tgHTMLPage[:strings.Index(tgHTMLPage, "Mobile: 9876543211")], err: "truncated"},
		{name: "cut between two messages", in: tgHTMLPage[:strings.LastIndex(tgHTMLPage, "<div class=\"message ")], err: "truncated"},
	})
}

// TestTelegramFolder: an export folder with both formats is read once, from result.json; the
// HTML pages are named as skipped, and without result.json they are read.
func TestTelegramFolder(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"result.json": tgJSONChat, "messages.html": tgHTMLPage, "messages2.html": tgHTMLPage, "photos/p.jpg": "\xff\xd8\xff\xe0"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	srcs, err := Sources(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	read := map[string]string{}
	for _, s := range srcs {
		_, _, err := s.Open(Options{})
		read[filepath.Base(s.Name)] = "ok"
		if err != nil {
			read[filepath.Base(s.Name)] = err.Error()
		}
	}
	if read["result.json"] != "ok" {
		t.Errorf("result.json: %s", read["result.json"])
	}
	for _, page := range []string{"messages.html", "messages2.html"} {
		if !strings.Contains(read[page], "the same messages as the result.json beside it") {
			t.Errorf("%s: %s", page, read[page])
		}
	}
	os.Remove(filepath.Join(dir, "result.json"))
	srcs, _ = Sources(dir, Options{})
	for _, s := range srcs {
		if _, _, err := s.Open(Options{}); strings.HasSuffix(s.Name, ".html") && err != nil {
			t.Errorf("%s without result.json: %v", s.Name, err)
		}
	}
}

// TestTelegramArchive: the same export folder zipped or tarred (as it is sent around) is read
// once too, from result.json, at the archive's top level or in a folder of it; a page in
// another folder of the archive than result.json is read.
func TestTelegramArchive(t *testing.T) {
	files := []struct{ name, data string }{
		{"export/result.json", tgJSONChat}, {"export/messages.html", tgHTMLPage},
		{"export/messages2.html", tgHTMLPage}, {"other/messages.html", tgHTMLPage},
		{"result.json", tgJSONChat}, {"messages.html", tgHTMLPage},
	}
	dir := t.TempDir()
	zpath, tpath := filepath.Join(dir, "export.zip"), filepath.Join(dir, "export.tar")
	var zb, tb bytes.Buffer
	zw, tw := zip.NewWriter(&zb), tar.NewWriter(&tb)
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, f.data)
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o600, Size: int64(len(f.data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		io.WriteString(tw, f.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(zpath, zb.Bytes(), 0o600)
	os.WriteFile(tpath, tb.Bytes(), 0o600)
	for _, archive := range []string{zpath, tpath} {
		srcs, err := Sources(archive, Options{})
		if err != nil {
			t.Fatal(err)
		}
		read := map[string]error{}
		for _, s := range srcs {
			_, c, err := s.Open(Options{})
			if err == nil {
				c.Close()
			}
			read[s.Name[strings.Index(s.Name, "!")+1:]] = err
		}
		for _, f := range files {
			err, ok := read[f.name]
			skipped := err != nil && strings.Contains(err.Error(), "the same messages as the result.json beside it")
			wantSkip := strings.HasSuffix(f.name, ".html") && f.name != "other/messages.html"
			if !ok || skipped != wantSkip || (!wantSkip && err != nil) {
				t.Errorf("%s %s: listed %v, error %v; want skipped %v", filepath.Base(archive), f.name, ok, err, wantSkip)
			}
		}
	}
}

func TestXEscapes(t *testing.T) {
	for in, want := range map[string]string{`"a\x09b"`: `"a\u0009b"`, `"a\\x09"`: `"a\\x09"`, `"\x0"`: `"\x0"`, `"\n\x1F"`: `"\n\u001F"`, `x\`: `x\`} {
		got, err := io.ReadAll(&xEscapes{r: bufio.NewReader(strings.NewReader(in))})
		if err != nil || string(got) != want {
			t.Errorf("%s: %s, %v; want %s", in, got, err, want)
		}
	}
}

func FuzzTelegram(f *testing.F) {
	f.Add(tgJSONChat, false)
	f.Add(tgHTMLPage, true)
	f.Fuzz(func(t *testing.T, in string, page bool) {
		var src tgSource = newTelegramJSON(strings.NewReader(in), 256)
		if page {
			src = newTelegramHTML(strings.NewReader(in), 256)
		}
		r, err := newKeyedReader(newTelegramKV(src, 256), foldKey)
		if err != nil {
			return
		}
		for range len(in) + 2 {
			rec, err := r.Next()
			if err != nil && !isRowError(err) {
				return
			}
			if err == nil && len(rec.Values) != len(r.Columns()) {
				t.Fatalf("%d values for %d columns", len(rec.Values), len(r.Columns()))
			}
		}
		t.Fatal("more records than bytes")
	})
}
