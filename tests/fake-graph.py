#!/usr/bin/env python3
"""A fake WhatsApp Cloud (Graph) API for the outbox tests.

usage: fake-graph.py PORTFILE LOGFILE TOKEN PHONE_ID TEMPLATE STATUSES

Listens on a free 127.0.0.1 port and writes it to PORTFILE. Every POST is
checked: path /v1/{PHONE_ID}/messages, "Authorization: Bearer TOKEN", and
the template message JSON shape. A request that fails a check gets 400 with
error.message "fake-graph: …". Otherwise the next status of the
comma-separated STATUSES (the last one repeats) is answered: 200 with
messages[0].id, 4xx with an error message, 5xx, or "hang" (no answer for
30 s, for timeouts). Each request is appended to LOGFILE as one JSON line
{"status": N, "ok": bool, "why": …, "body": …}.
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

portfile, logfile, token, phone_id, template, statuses = sys.argv[1:7]
statuses = statuses.split(",")
lock = threading.Lock()
count = [0]


def check(path, auth, raw):
    if path != "/v1/%s/messages" % phone_id:
        return "path " + path
    if auth != "Bearer " + token:
        return "authorization"
    try:
        m = json.loads(raw)
    except ValueError:
        return "not json"
    if m.get("messaging_product") != "whatsapp" or m.get("type") != "template":
        return "messaging_product/type"
    to = m.get("to", "")
    if not (isinstance(to, str) and to.isdigit() and 8 <= len(to) <= 15):
        return "to"
    t = m.get("template") or {}
    if t.get("name") != template:
        return "template.name"
    if (t.get("language") or {}).get("code") not in ("en", "sw"):
        return "template.language.code"
    comps = t.get("components") or []
    if len(comps) != 1 or comps[0].get("type") != "body":
        return "components"
    params = comps[0].get("parameters") or []
    if not params or any(p.get("type") != "text" or not isinstance(p.get("text"), str)
                         or "\n" in p["text"] for p in params):
        return "parameters"
    return None


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        why = check(self.path, self.headers.get("Authorization", ""), raw)
        with lock:
            i = count[0]
            count[0] += 1
        st = statuses[min(i, len(statuses) - 1)]
        if why is not None:
            code, body = 400, {"error": {"message": "fake-graph: " + why}}
        elif st == "hang":
            time.sleep(30)
            return
        else:
            code = int(st)
            if code < 300:
                body = {"messaging_product": "whatsapp",
                        "messages": [{"id": "wamid.fake%d" % i}]}
            else:
                body = {"error": {"message": "(#131026) Message undeliverable"
                                  if code < 500 else "temporarily unavailable"}}
        with lock, open(logfile, "a") as f:
            f.write(json.dumps({"status": code, "ok": why is None, "why": why,
                                "body": raw.decode("utf-8", "replace")}) + "\n")
        out = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os
os.replace(portfile + ".tmp", portfile)
srv.serve_forever()
