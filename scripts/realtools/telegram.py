#!/usr/bin/python3
"""Writes a Telegram Desktop export of a chat with a lookup bot, as Telegram Desktop 4.x writes
it (its writers are Telegram/SourceFiles/export/output/export_output_json.cpp and
export_output_html.cpp; this re-implements the parts a chat export uses, byte for byte in
layout: indentation, key order, string escaping, HTML tags and classes).

    telegram.py people.csv OUTDIR

writes OUTDIR/telegram/result.json (the JSON export), OUTDIR/telegram/messages.html (the HTML
export of the same chat: "both formats" in the export dialog) and OUTDIR/telegram/photos/ (a
photo the bot sent), for the 300 invented people of people.csv.

The chat: the user sends a phone number; the bot answers with a card of "Key: Value" lines.
Most answers are one person; every 7th answer holds two people (a query that matched two
records, separated by a line of dashes); every 5th answer has bold keys and a phone entity, so
its text is an array of strings and {"type", "text"} objects; every 11th user query is a /help
command the bot answers with text that is not a record.
"""
import csv, datetime, os, sys

people = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
out = os.path.join(sys.argv[2], "telegram")
os.makedirs(os.path.join(out, "photos"), exist_ok=True)

BOT_ID, BOT_NAME = 5123456789, "Registry Lookup Bot"
USER_ID, USER_NAME = 1987654321, "Analyst Test"
TZ = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
start = datetime.datetime(2023, 6, 12, 9, 0, 0, tzinfo=TZ)

# --- the chat as a list of messages: (id, from, date, parts, photo) -------------------------
# parts: a list of (type, text) with type "plain" for plain text, as Data::TextPart.
messages = []
mid = 0
t = start

def add(frm, parts, photo=None):
    global mid, t
    mid += 1
    t += datetime.timedelta(seconds=37 + (mid * 13) % 50)
    messages.append((mid, frm, t, parts, photo))

def card(p, rich):
    y, m, d = p["dob"].split("-")
    rows = [("Name", p["name"]), ("Mobile", "+91 " + p["mobile"][:5] + " " + p["mobile"][5:]),
            ("Aadhaar", p["aadhaar"][:4] + " " + p["aadhaar"][4:8] + " " + p["aadhaar"][8:]),
            ("DOB", "%s/%s/%s" % (d, m, y)), ("Gender", {"M": "Male", "F": "Female"}[p["gender"]]),
            ("Email", p["email"])]
    parts = []
    for i, (k, v) in enumerate(rows):
        nl = "\n" if i else ""
        if rich:
            parts.append(("plain", nl + "🔹 "))
            parts.append(("bold", k + ":"))
            parts.append(("plain", " "))
            parts.append(("phone" if k == "Mobile" else "email" if k == "Email" else "plain", v))
        else:
            parts.append(("plain", nl + "🔹 " + k + ": " + v))
    return parts

def merge(parts):
    # Telegram's text parts: adjacent plain runs are one part.
    res = []
    for ty, tx in parts:
        if res and ty == "plain" and res[-1][0] == "plain":
            res[-1] = ("plain", res[-1][1] + tx)
        else:
            res.append((ty, tx))
    return res

add("bot", [("plain", "Welcome! Send a mobile number to look it up.")])
add("bot", [], photo="photos/photo_1@12-06-2023_09-00-40.jpg")
i, answer = 0, 0
while i < len(people):
    answer += 1
    if answer % 11 == 0:
        add("user", [("bot_command", "/help")])
        add("bot", [("plain", "Send a 10-digit mobile number.\nResults: one card per match.")])
    n = 2 if answer % 7 == 0 and i + 1 < len(people) else 1
    add("user", [("plain", people[i]["mobile"])])
    rich = answer % 5 == 0
    parts = [("plain", "🔎 Result for your query (%d found)\n\n" % n)]
    for j in range(n):
        if j:
            parts.append(("plain", "\n━━━━━━━━━━━━\n"))
        parts += card(people[i + j], rich)
    add("bot", merge(parts))
    i += n

with open(os.path.join(out, "photos", "photo_1@12-06-2023_09-00-40.jpg"), "wb") as f:
    f.write(bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9"))  # a tiny JPEG

# --- JSON (export_output_json.cpp) ----------------------------------------------------------
def js(v):
    r = ['"']
    for ch in v:
        o = ord(ch)
        if ch == "\n": r.append("\\n")
        elif ch == "\r": r.append("\\r")
        elif ch == "\t": r.append("\\t")
        elif ch == '"': r.append('\\"')
        elif ch == "\\": r.append("\\\\")
        elif o < 32: r.append("\\x%X%X" % (o >> 4, o & 15))
        elif ch == "\u2028": r.append("\\u2028")
        elif ch == "\u2029": r.append("\\u2029")
        else: r.append(ch)
    r.append('"')
    return "".join(r)

def jobj(pairs, nest):
    body = ",".join("\n" + " " * (nest + 1) + js(k) + ": " + v for k, v in pairs if v)
    return "{" + body + "\n" + " " * nest + "}"

def jarr(items, nest):
    return "[" + ",".join("\n" + " " * (nest + 1) + v for v in items) + "\n" + " " * nest + "]"

def jtext(parts, nest, objects):
    if not parts:
        return "[]" if objects else js("")
    items = []
    for ty, tx in parts:
        if ty == "plain" and not objects:
            items.append(js(tx))
        else:
            items.append(jobj([("type", js(ty)), ("text", js(tx))], nest + 1))
    if not objects and len(parts) == 1 and parts[0][0] == "plain":
        return items[0]
    return jarr(items, nest)

def jmessage(m):
    mid, frm, t, parts, photo = m
    uid, name = (BOT_ID, BOT_NAME) if frm == "bot" else (USER_ID, USER_NAME)
    pairs = [("id", str(mid)), ("type", js("message")),
             ("date", js(t.strftime("%Y-%m-%dT%H:%M:%S"))), ("date_unixtime", js(str(int(t.timestamp())))),
             ("from", js(name)), ("from_id", js("user%d" % uid))]
    if photo:
        pairs += [("photo", js(photo)), ("width", "320"), ("height", "240")]
    pairs += [("text", jtext(parts, 3, False)), ("text_entities", jtext(parts, 3, True))]
    return jobj(pairs, 2)

with open(os.path.join(out, "result.json"), "w", encoding="utf-8", newline="") as f:
    f.write("{\n " + js("name") + ": " + js(BOT_NAME) + ",\n " + js("type") + ": " + js("bot_chat") +
            ",\n " + js("id") + ": " + str(BOT_ID) + ",\n " + js("messages") + ": [")
    f.write(",".join("\n  " + jmessage(m) for m in messages))
    f.write("\n ]\n}")

# --- HTML (export_output_html.cpp) ----------------------------------------------------------
def hs(v):
    r = []
    for ch in v:
        o = ord(ch)
        if ch == "\n": r.append("<br>")
        elif ch == '"': r.append("&quot;")
        elif ch == "&": r.append("&amp;")
        elif ch == "'": r.append("&apos;")
        elif ch == "<": r.append("&lt;")
        elif ch == ">": r.append("&gt;")
        elif o < 32: r.append("&#x%X%X;" % (o >> 4, o & 15))
        elif ch in "\u2028\u2029": r.append("<br>")
        else: r.append(ch)
    return "".join(r)

def htext(parts):
    r = []
    for ty, tx in parts:
        h = hs(tx)
        if ty == "plain": r.append(h)
        elif ty == "bold": r.append("<strong>" + h + "</strong>")
        elif ty == "phone": r.append('<a href="tel:' + h + '">' + h + "</a>")
        elif ty == "email": r.append('<a href="mailto:' + h + '">' + h + "</a>")
        elif ty == "bot_command": r.append('<a href="" onclick="return ShowBotCommand(' + hs('"' + h[1:] + '"') + ')">' + h + "</a>")
    return "".join(r)

class Ctx:
    def __init__(self): self.tags = []
    def push(self, tag, attrs=(), block=True, empty=False):
        inner = "".join(' %s="%s"' % (k, hs(v)) for k, v in sorted(attrs))
        res = ("\n" + " " * len(self.tags) if block else "") + "<" + tag + inner + ("/" if empty else "") + ">" + ("\n" if block else "")
        if not empty: self.tags.append((tag, block))
        return res
    def pop(self):
        tag, block = self.tags.pop()
        return ("\n" + " " * len(self.tags) if block else "") + "</" + tag + ">" + ("\n" if block else "")
    def div(self, cls, style=None):
        return self.push("div", [("class", cls)] + ([("style", style)] if style else []))

c = Ctx()
h = "<!DOCTYPE html>" + c.push("html") + c.push("head") + c.push("meta", [("charset", "utf-8")], empty=True)
h += c.push("title", block=False) + "Exported Data" + c.pop()
h += c.push("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1.0")], empty=True)
h += c.push("link", [("href", "css/style.css"), ("rel", "stylesheet")], empty=True)
h += c.push("script", [("src", "js/script.js"), ("type", "text/javascript")]) + c.pop()
h += c.pop() + c.push("body", [("onload", "CheckLocation();")]) + c.div("page_wrap")
h += c.div("page_header") + c.div("content") + c.div("text bold") + hs(BOT_NAME) + c.pop() + c.pop() + c.pop()
h += c.div("page_body chat_page") + c.div("history")

def userpic(name, color):
    r = c.div("userpic userpic%d" % color, "width: 42px; height: 42px") + c.div("initials", "line-height: 42px")
    words = name.split(" ")
    r += hs(words[0][:1]) + hs(words[1][:1] if len(words) > 1 else "") + c.pop() + c.pop()
    return r

date_id, prev = 0, None
for m in messages:
    mid, frm, t, parts, photo = m
    if prev is None or prev[2].date() != t.date():
        date_id -= 1
        h += c.push("div", [("class", "message service"), ("id", "message%d" % date_id)])
        h += c.div("body details") + "%d %s %d" % (t.day, t.strftime("%B"), t.year) + c.pop() + c.pop()
    name = BOT_NAME if frm == "bot" else USER_NAME
    wrap = prev is None or prev[1] != frm or abs((t - prev[2]).total_seconds()) > 900
    h += c.push("div", [("class", "message default clearfix" if wrap else "message default clearfix joined"), ("id", "message%d" % mid)])
    if wrap:
        h += c.div("pull_left userpic_wrap") + userpic(name, 4 if frm == "bot" else 2) + c.pop()
    h += c.div("body")
    h += c.push("div", [("class", "pull_right date details"), ("title", t.strftime("%d.%m.%Y %H:%M:%S") + " UTC+05:30")])
    h += t.strftime("%H:%M") + c.pop()
    if wrap:
        h += c.div("from_name") + hs(name) + c.pop()
    if photo:
        h += c.div("media_wrap clearfix") + c.push("a", [("class", "photo_wrap clearfix pull_left"), ("href", photo)])
        h += c.push("img", [("class", "photo"), ("src", photo.replace(".jpg", "_thumb.jpg")), ("style", "width: 260px; height: 195px")], empty=True)
        h += c.pop() + c.pop()
    text = htext(parts)
    if text:
        h += c.div("text") + text + c.pop()
    h += c.pop() + c.pop()
    prev = m
while c.tags:
    h += c.pop()
with open(os.path.join(out, "messages.html"), "w", encoding="utf-8", newline="") as f:
    f.write(h)
