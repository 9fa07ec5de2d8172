#!/usr/bin/env python3
"""The probe of tests/integration/security-dbcopy.sh (stdlib only).

  security-dbcopy.py COPY.db ROUTES.c PORT FILES_DIR [SECRET...]

Reads every text and blob value of every table of the database copy,
turns them into candidate keys (the value itself, the key-like words
inside texts, and hex / base64url / base64 of 16–64-byte blobs), and
tries each one, with no cookies, on every GET route of routes.c that
takes a parameter ({param} replaced by the value; for a second
parameter also the ticket codes, file ids and calendar names found in
the copy). It fails when any response reveals a library link, a signed
download URL, a ticket QR page or the bytes of a content file, or when a
/l/ route answers 200 or 303. SECRET arguments are strings (the real
library tokens) that must not occur anywhere in the copy.
"""
import base64
import binascii
import hashlib
import http.client
import json
import os
import re
import socket
import sqlite3
import sys
import time
import urllib.parse

LIB_LINK = re.compile(rb"/l/[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
DL_LINK = re.compile(rb"/dl/[0-9]+/[^?\s\"'<>]*\?e=[0-9]+&(amp;)?exp=[0-9]+&(amp;)?sig=")
QR_PAGE = re.compile(rb'class="lib-qr"|<svg[^>]*class="qr"')
WORD = re.compile(r"[A-Za-z0-9_\-]{8,}")


def values_of(db):
    """(candidates dict value -> origin, stats, tickets, file_ids, ent_ids)"""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    # TEXT comes back as str (even when it is not valid UTF-8), BLOB as bytes
    con.text_factory = lambda b: b.decode("utf-8", "surrogateescape")
    stats = {"tables": 0, "cells": 0, "text": 0, "blob": 0, "blob_16_64": 0,
             "other_blob": 0, "numbers": 0, "null": 0, "words": 0}
    cand = {}

    def add(v, origin):
        if v not in cand:
            cand[v] = origin

    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    for t in tables:
        stats["tables"] += 1
        cur = con.execute('SELECT * FROM "%s"' % t.replace('"', '""'))
        cols = [d[0] for d in cur.description]
        for row in cur:
            for c, v in zip(cols, row):
                stats["cells"] += 1
                origin = "%s.%s" % (t, c)
                if v is None:
                    stats["null"] += 1
                elif isinstance(v, (int, float)):
                    stats["numbers"] += 1
                elif isinstance(v, str):
                    stats["text"] += 1
                    add(v, origin)
                    for w in WORD.findall(v):
                        if w != v:
                            stats["words"] += 1
                            add(w, origin + " (word)")
                else:
                    b = bytes(v)
                    stats["blob"] += 1
                    if 16 <= len(b) <= 64:
                        stats["blob_16_64"] += 1
                        add(b.hex(), origin + " (hex)")
                        add(b.hex().upper(), origin + " (HEX)")
                        add(base64.urlsafe_b64encode(b).decode().rstrip("="), origin + " (base64url)")
                        add(base64.b64encode(b).decode(), origin + " (base64)")
                    else:
                        stats["other_blob"] += 1
                    try:
                        add(b.decode("utf-8"), origin + " (blob as text)")
                    except UnicodeDecodeError:
                        pass
    tickets = sorted({r[0] for r in con.execute("SELECT code FROM tickets")})
    file_ids = sorted({str(r[0]) for r in con.execute("SELECT id FROM product_files")})
    ent_ids = sorted({"%d.ics" % r[0] for r in con.execute("SELECT id FROM entitlements")})
    con.close()
    return cand, stats, tickets, file_ids, ent_ids


# GET routes whose key is in the query string: the simulated handset
# lists a phone's pending pushes (with their order refs)
QUERY_ROUTES = ["/sim/phone?phone="]


def get_routes(path):
    src = open(path, encoding="utf-8").read()
    routes = re.findall(r'\{\s*"(GET|POST|PUT|DELETE|PATCH)"\s*,\s*"([^"]+)"', src)
    return [p for m, p in routes if m == "GET" and "{" in p], \
        [p for m, p in routes if m == "POST" and "{" in p]


def file_fingerprints(files_dir):
    """sha256 and a 64-byte head of every content file."""
    shas, heads = set(), []
    for root, _, names in os.walk(files_dir):
        for n in names:
            with open(os.path.join(root, n), "rb") as f:
                data = f.read()
            shas.add(hashlib.sha256(data).hexdigest())
            if len(data) >= 24:
                heads.append(data[:64])
    return shas, heads


class Client:
    def __init__(self, port):
        self.port = port
        self.conn = None
        self.n = 0

    def get(self, path, timeout=5.0, body=None):
        """(status, headers bytes, body bytes); SSE-ish routes get a short
        timeout and whatever arrived by then."""
        self.n += 1
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
                self.conn.timeout = timeout
                if self.conn.sock is not None:
                    self.conn.sock.settimeout(timeout)
                if body is None:
                    self.conn.request("GET", path, headers={"Accept-Language": "en"})
                else:
                    self.conn.request("POST", path, body=body, headers={
                        "Accept-Language": "en",
                        "Content-Type": "application/x-www-form-urlencoded"})
                r = self.conn.getresponse()
                hdrs = "".join("%s: %s\n" % kv for kv in r.getheaders()).encode()
                got = b""
                try:
                    while True:
                        c = r.read1(65536)
                        if not c:
                            break
                        got += c
                except (socket.timeout, TimeoutError):
                    # a stream that stays open: what came in time
                    self.conn.close()
                    self.conn = None
                if r.getheader("Connection", "").lower() == "close" and self.conn:
                    self.conn.close()
                    self.conn = None
                return r.status, hdrs, got
            except (http.client.HTTPException, OSError):
                if self.conn:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise


def quote(v):
    return urllib.parse.quote(v, safe="-_.~")


def main():
    db, routes_c, port, files_dir = sys.argv[1:5]
    secrets = sys.argv[5:]
    t0 = time.monotonic()
    problems = []

    # the copy must not hold a live key in any form
    raw = open(db, "rb").read()
    for s in secrets:
        for form in (s.encode(), s.encode().hex().encode()):
            if form in raw:
                problems.append("a real library token is stored in the copy (%s…)" % s[:6])
        try:
            tb = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
            if tb in raw:
                problems.append("the raw bytes of a real library token are in the copy")
        except (binascii.Error, ValueError):
            pass

    cand, stats, tickets, file_ids, ent_ids = values_of(db)
    for s in secrets:
        if s in cand:
            problems.append("a real library token is a value of %s" % cand[s])
    usable, skipped_long, skipped_slash, skipped_space, skipped_empty = [], 0, 0, 0, 0
    for v in sorted(cand):
        if v == "":
            skipped_empty += 1
        elif len(v) > 200:
            skipped_long += 1
        elif "/" in v:
            skipped_slash += 1
        elif re.search(r"\s", v):
            skipped_space += 1
        else:
            usable.append(v)
    print("copy: %d tables, %d cells: %d text, %d blob (%d of 16-64 bytes, %d other), "
          "%d numbers, %d null; %d key-like words inside texts" % (
              stats["tables"], stats["cells"], stats["text"], stats["blob"],
              stats["blob_16_64"], stats["other_blob"], stats["numbers"], stats["null"],
              stats["words"]))
    print("values: %d distinct candidates (with hex/base64url/base64 forms of blobs); "
          "%d used in paths, skipped for path use: %d longer than 200, %d with '/', "
          "%d with whitespace, %d empty" % (len(cand), len(usable), skipped_long,
                                            skipped_slash, skipped_space, skipped_empty))
    print("from the copy: %d ticket codes, %d file ids, %d calendar names" % (
        len(tickets), len(file_ids), len(ent_ids)))

    get_pats, other_pats = get_routes(routes_c)
    print("routes (GET with a parameter, from %s): %s" % (os.path.basename(routes_c), " ".join(get_pats)))
    if other_pats:
        print("other methods (tried as POST with the value in the path and the form): %s" % " ".join(other_pats))
    shas, heads = file_fingerprints(files_dir)
    cl = Client(int(port))
    per_route = {}
    leaks = []
    second = {"code": tickets, "id": file_ids, "file": ent_ids}

    def check(pat, path, v, form=None):
        slow = pat.endswith("/events")
        try:
            st, hdrs, body = cl.get(path, timeout=1.0 if slow else 5.0, body=form)
        except OSError as e:
            problems.append("%s: no answer (%s)" % (path[:120], e))
            return
        rec = per_route.setdefault(pat, {"n": 0, "codes": {}})
        rec["n"] += 1
        rec["codes"][st] = rec["codes"].get(st, 0) + 1
        what = []
        blob = hdrs + b"\n" + body
        # a link to the key we sent is only our own path echoed back (the
        # language switch of a 404 page): a link to any other key is a leak
        for m in LIB_LINK.finditer(blob):
            tok = m.group(0)[3:].decode()
            if tok not in path and urllib.parse.unquote(path).find(tok) < 0:
                what.append("a library link /l/%s…" % tok[:8])
                break
        for sec in secrets:
            if sec.encode() in blob and sec not in path:
                what.append("a real library token")
                break
        if DL_LINK.search(blob):
            what.append("a signed download URL")
        if QR_PAGE.search(body):
            what.append("a ticket QR page")
        if body and (hashlib.sha256(body).hexdigest() in shas or any(h in body for h in heads)):
            what.append("content file bytes")
        if pat.startswith("/l/") and st in (200, 303):
            what.append("HTTP %d on a library route" % st)
        if pat.endswith("/status") and st == 200:
            try:
                j = json.loads(body)
                if j.get("library_url") not in (None,):
                    what.append("library_url %r" % (j.get("library_url")[:30] + "…"))
            except ValueError:
                pass
        if st >= 500:
            problems.append("%s -> %d" % (path[:120], st))
        if what:
            leaks.append((pat, path, v, st, what, body))

    # control: the detector must see what a real key opens (else a silent
    # probe would pass for the wrong reason)
    ctl = os.environ.get("DBCOPY_CONTROL")
    if ctl:
        before = len(leaks)
        for pth in ("/l/%s" % ctl, "/l/%s/files/1" % ctl):
            check("/l/{token}" if pth.count("/") == 2 else "/l/{token}/files/{id}", pth, "")
        if len(leaks) - before != 2:
            problems.append("control: the real library link was not flagged by the detector")
        else:
            print("control: the real library link and its file redirect are flagged (detector works)")
        del leaks[before:]
        per_route.clear()
        cl.n = 0
    for pat in get_pats:
        names = re.findall(r"\{([a-z_]+)\}", pat)
        for v in usable:
            q = quote(v)
            path = re.sub(r"\{[a-z_]+\}", lambda m: q, pat)
            check(pat, path, v)
            if len(names) == 2 and names[1] in second:
                for alt in second[names[1]]:
                    path = pat.replace("{%s}" % names[0], q, 1).replace(
                        "{%s}" % names[1], quote(alt), 1)
                    check(pat, path, v)

    # the other methods: the value in the path and as the form's fields
    # (no cookie, no CSRF token: nothing may be opened or changed)
    for pat in other_pats:
        for v in usable:
            q = quote(v)
            check("POST " + pat, re.sub(r"\{[a-z_]+\}", lambda m: q, pat), v,
                  form=("code=%s&phone=%s&action=decline" % (q, q)).encode())

    # keys that take a query parameter rather than a path segment
    for base in QUERY_ROUTES:
        for v in sorted(cand):
            if v and len(v) <= 200:
                check(base.split("?")[0] + "?", base + quote(v), v)

    total = cl.n
    print("requests: %d in %.1f s" % (total, time.monotonic() - t0))
    for pat in get_pats + ["POST " + p for p in other_pats] + [b.split("?")[0] + "?" for b in QUERY_ROUTES]:
        rec = per_route.get(pat, {"n": 0, "codes": {}})
        n_leak = sum(1 for l in leaks if l[0] == pat)
        print("  %-40s %5d requests  %-28s %s" % (pat, rec["n"], " ".join(
            "%d×%d" % (c, k) for c, k in sorted(rec["codes"].items(), key=lambda x: -x[1])),
            "LEAK ×%d" % n_leak if n_leak else "ok"))
    shown = {}
    for pat, path, v, st, what, body in leaks:
        shown[pat] = shown.get(pat, 0) + 1
        if shown[pat] <= 3:
            print("FAIL: GET %s (no cookies; value from %s) -> %d reveals %s" % (
                re.sub(r"/(l|checkout)/[^/]{12,}", lambda m: "/%s/%s…" % (m.group(1), m.group(0)[len(m.group(1)) + 2:][:8]), path),
                cand.get(v, "?"), st, ", ".join(what)))
        if shown[pat] == 4:
            print("      … and more on %s" % pat)
    for p in problems:
        print("FAIL: " + p)
    print("dbcopy: %d candidate values, %d requests, %d revealing responses, %d other problems" % (
        len(cand), total, len(leaks), len(problems)))
    sys.exit(1 if leaks or problems else 0)


if __name__ == "__main__":
    main()
