#!/usr/bin/env python3
"""XSS checks for tests/integration/security-battery.sh (stdlib only).

  security-xss.py catalog OUT.json DIR
        writes a catalog whose every text field carries payloads (files
        created under DIR/files), for nyota-console import
  security-xss.py html LABEL FILE
        FILE is a storefront HTML page: no payload appears unescaped and
        the markup has no script, handler or javascript: URL but the
        shop's own
  security-xss.py json LABEL FILE
        FILE is API JSON: it parses, every payload survives only as
        string data, and its story_html passes the HTML check
  security-xss.py ics LABEL FILE
        a calendar file: one event, no injected property lines

Exit status 1 with a line per problem.
"""
import html.parser
import json
import os
import re
import sys

SCRIPT = '<script>alert("nyx1")</script>'
IMG = '"><img src=x onerror=alert(2)>'
JS = "javascript:alert(3)"
SVG = "<svg onload=alert(4)>"
QUOTE = "' onmouseover='alert(5)"
TMPL = "{{title}}{{{story_html}}}"
# every raw payload: none may appear in a page as it is
# ({{…}} has no meaning in HTML: the template must just not expand it)
PAYLOADS = [SCRIPT, IMG, SVG, QUOTE]
STORY = "\n\n".join([
    "# Story " + SCRIPT,
    "<script>alert('raw block')</script>",
    '<div onmouseover="alert(6)">div</div>',
    "inline <img src=x onerror=alert(7)> html",
    "[l1](javascript:alert(8))",
    "[l2](JAVASCRIPT:alert(9))",
    "[l3](jav&#x09;ascript:alert(10))",
    "[l4](<javascript:alert(11)>)",
    "<javascript:alert(12)>",
    '<a href="javascript:alert(13)">a</a>',
    "![i](javascript:alert(14))",
    "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[v](vbscript:msgbox(15))",
    '[t](https://ok.example "\\"><script>alert(16)</script>")',
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "<base href=\"https://evil.example/\">",
    "`" + SCRIPT + "`",
    "    " + IMG,
    TMPL,
])
# names the page may carry: the markers we look for in the markup
MARKERS = ["nyx1", "alert(2)", "alert(4)", "alert(5)"]

BAD_SCHEMES = ("javascript:", "vbscript:", "data:text", "data:application")
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster",
             "background", "srcset", "data", "codebase", "cite"}
BAD_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet",
            "base", "style", "form-with-foreign-action", "math"}


def catalog(out, d):
    os.makedirs(os.path.join(d, "files"), exist_ok=True)
    with open(os.path.join(d, "files", "a.bin"), "wb") as f:
        f.write(os.urandom(4096))
    with open(os.path.join(d, "files", "b.txt"), "w") as f:
        f.write("hello\n")
    # file names cannot hold '/' (so no "</script>"): the rest goes in
    fname1 = IMG + ".bin"
    fname2 = SVG + QUOTE + ".txt"
    fname3 = "<script>alert(17)<script>.bin"
    cat = {"version": 1,
           "creators": [{"handle": "mallory",
                         "display_name": ("M" + SCRIPT + IMG)[:100],
                         "locale": "en",
                         "bio": SVG + JS + IMG + SCRIPT + QUOTE + TMPL}],
           "products": [
               {"creator": "mallory", "slug": "xss-download", "kind": "download",
                "title": "Xd " + SCRIPT + IMG, "summary": IMG + SVG + JS + QUOTE + TMPL,
                "story_md": STORY, "price_minor": 50000, "currency": "KES",
                "status": "published",
                "files": [{"name": fname1, "path": "files/a.bin"},
                          {"name": fname2, "path": "files/b.txt"}]},
               {"creator": "mallory", "slug": "xss-ticket", "kind": "ticket",
                "title": "Xt " + SVG + QUOTE, "summary": SCRIPT, "story_md": STORY,
                "price_minor": 100000, "currency": "KES", "status": "published",
                "event": {"starts_at": "2031-01-15T18:00:00+03:00",
                          "venue": IMG + SCRIPT + QUOTE, "capacity": 50}},
               {"creator": "mallory", "slug": "xss-webinar", "kind": "webinar",
                "title": "Xw " + IMG, "summary": JS, "story_md": STORY,
                "price_minor": 100, "currency": "KES", "status": "published",
                # quotes, <, > and spaces are refused in a join URL: the
                # rest of an attribute break-out goes in
                "webinar": {"starts_at": "2031-01-16T18:00:00+03:00",
                            "join_url": "https://meet.example/x'onmouseover='alert(5)'&a=`b`"}},
               {"creator": "mallory", "slug": "xss-sub", "kind": "subscription",
                "title": "Xs " + JS, "summary": SVG, "story_md": STORY,
                "price_minor": 20000, "currency": "KES", "status": "published",
                "subscription": {"period_days": 30},
                "files": [{"name": fname3, "path": "files/a.bin"}]},
               # a plain product for checkouts, CSRF and the M-Pesa tests
               {"creator": "mallory", "slug": "sec-plain", "kind": "download",
                "title": "Plain album", "summary": "plain", "story_md": "plain",
                "price_minor": 50000, "currency": "KES", "status": "published",
                "files": [{"name": "plain.bin", "path": "files/a.bin"},
                          {"name": "plain.txt", "path": "files/b.txt"}]},
           ]}
    with open(out, "w") as f:
        json.dump(cat, f, indent=1)


def bad_url(v):
    # browsers drop ASCII tab/newline/CR anywhere and leading controls
    # and spaces before they read the scheme
    u = re.sub(r"[\t\n\r]", "", v).lstrip("\x00\x01\x02\x03\x04\x05\x06\x07\x08"
                                          "\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15"
                                          "\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    return u.lower().startswith(BAD_SCHEMES)


class Checker(html.parser.HTMLParser):
    def __init__(self, label):
        super().__init__(convert_charrefs=True)
        self.label = label
        self.problems = []
        self.in_script = False

    def bad(self, what):
        self.problems.append("%s: %s (line %d)" % (self.label, what, self.getpos()[0]))

    def handle_starttag(self, tag, attrs):
        a = dict((k.lower(), v or "") for k, v in attrs)
        for k, v in attrs:
            k = k.lower()
            if k.startswith("on"):
                self.bad("event handler attribute %s=%r on <%s>" % (k, v, tag))
            if k in URL_ATTRS and bad_url(v or ""):
                self.bad("dangerous URL %s=%r on <%s>" % (k, v, tag))
            if k == "style" and tag != "svg":
                self.bad("inline style attribute on <%s>" % tag)
        if tag == "script":
            self.in_script = True
            if not a.get("src", "").startswith("/static/"):
                self.bad("<script> that is not the shop's own /static/ file: %r" % a)
        elif tag in BAD_TAGS:
            self.bad("<%s> element" % tag)
        elif tag == "meta" and "http-equiv" in a:
            self.bad("<meta http-equiv=%r>" % a["http-equiv"])
        elif tag == "link" and not (a.get("href", "").startswith("/static/") or
                                    a.get("href") == "data:," or
                                    # the canonical link: absolute, to the
                                    # test server's own base URL
                                    (a.get("rel") == "canonical" and re.match(
                                        r"http://127\.0\.0\.1:[0-9]+/[^\s<>\"']*$",
                                        a.get("href", "")))):
            self.bad("<link> to %r" % a.get("href"))
        elif tag == "img" and a.get("src", "") not in ("",) and not (
                a["src"].startswith("/") or a["src"].startswith("data:image/")):
            self.bad("<img> from %r" % a["src"])

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.bad("inline script body %r" % data[:60])


def check_html(label, text):
    problems = []
    for p in PAYLOADS:
        if p in text:
            problems.append("%s: payload %r appears unescaped" % (label, p))
    for m in ("<script>alert", "<img src=x", "<svg onload", "<iframe",
              "<style>", "http-equiv=\"refresh", "<meta http-equiv",
              "<base href", "<div onmouseover"):
        # escaped text never holds these raw (its '<' is &lt;)
        for at in [i.start() for i in re.finditer(re.escape(m), text)]:
            problems.append("%s: raw %r at byte %d: %r" % (label, m, at,
                            text[max(0, at - 40):at + 60]))
    c = Checker(label)
    c.feed(text)
    c.close()
    return problems + c.problems


def walk_strings(v, path="$"):
    if isinstance(v, str):
        yield path, v
    elif isinstance(v, dict):
        for k, x in v.items():
            yield from walk_strings(x, path + "." + k)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from walk_strings(x, "%s[%d]" % (path, i))


def check_json(label, text):
    problems = []
    try:
        doc = json.loads(text)
    except ValueError as e:
        return ["%s: not JSON: %s" % (label, e)]
    for path, s in walk_strings(doc):
        if path.endswith(".story_html"):
            problems += check_html(label + " " + path, s)
        elif path.endswith("url") and bad_url(s):
            problems.append("%s: %s is a dangerous URL %r" % (label, path, s))
    return problems


def check_ics(label, text):
    problems = []
    if text.count("BEGIN:VEVENT") != 1 or text.count("END:VEVENT") != 1:
        problems.append("%s: expected one VEVENT" % label)
    known = ("BEGIN:", "END:", "VERSION:", "PRODID:", "CALSCALE:", "UID:",
             "DTSTAMP:", "DTSTART:", "DTEND:", "SUMMARY:", "LOCATION:",
             "DESCRIPTION:", "URL:", "METHOD:", " ")
    for ln in text.split("\r\n"):
        if ln and not ln.startswith(known):
            problems.append("%s: unexpected calendar line %r" % (label, ln[:80]))
        if ln.startswith("URL:") and bad_url(ln[4:]):
            problems.append("%s: %r" % (label, ln))
    return problems


def main():
    cmd = sys.argv[1]
    if cmd == "catalog":
        catalog(sys.argv[2], sys.argv[3])
        return
    label, path = sys.argv[2], sys.argv[3]
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    problems = {"html": check_html, "json": check_json, "ics": check_ics}[cmd](label, text)
    for p in problems:
        print("FAIL: XSS " + p)
    if cmd != "json" and not any(m in text for m in MARKERS + ["alert(3)", "alert(8)", "alert(17)"]) \
            and os.environ.get("XSS_EXPECT_MARKER", "1") == "1":
        print("FAIL: XSS %s: no payload marker in the page at all (the check would prove nothing)" % label)
        problems.append("no marker")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
