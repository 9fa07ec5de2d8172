#!/usr/bin/env python3
"""A fake SMTP server for the email tests: real SMTP over TCP, stdlib only.

usage: fake-smtp.py PORTFILE OUTFILE [--port N] [--auth USER:PASS]
                    [--mode-file FILE]

Listens on 127.0.0.1 (port N, or a free one) and writes the port to
PORTFILE once it accepts. Speaks EHLO/HELO, AUTH PLAIN and AUTH LOGIN
(offered and required only with --auth), MAIL FROM, RCPT TO, DATA (the
end is a lone "." line; a leading ".." is un-stuffed), RSET, NOOP, QUIT.
Lines must end in CRLF and be at most 1000 bytes; a command out of order
gets 503.

Each session event is appended to OUTFILE as one JSON line:
  {"event": "message", "helo": …, "auth": USER|null, "from": …,
   "rcpt": [...], "data": "the message, CRLF, un-stuffed",
   "stuffed": lines that arrived dot-stuffed, "bare_lf": bool,
   "long_line": bool}                         a message accepted (250)
  {"event": "refused", "stage": "rcpt"|"data"|"greet"|"auth",
   "code": N}                                  an answer we made fail
  ("stage" is also "mail" for greet421 in a kept session)

--mode-file is read at every connection and every MAIL (a client may send
several messages in one session; missing or empty: "ok"):
  ok        accept everything
  greet421  answer 421 and close, at the greeting or at the next MAIL of
            a session kept open (a relay that is busy)
  greet554  answer 554 and close, at the greeting or at the next MAIL of
            a session kept open (our address blocked: not the message's
            fault)
  rcpt450   RCPT gets 450 (mailbox busy, try later)
  rcpt550   RCPT gets 550 (no such user)
  data451   the end of DATA gets 451
  data554   the end of DATA gets 554
A relay that is down is the test killing this process; restart it with
--port to bring the same address back.
"""
import base64
import json
import os
import socketserver
import sys
import threading

args = sys.argv[1:]
portfile, outfile = args[0], args[1]
opts = {}
i = 2
while i < len(args):
    opts[args[i]] = args[i + 1]
    i += 2
port = int(opts.get("--port", "0"))
auth = opts.get("--auth")
mode_file = opts.get("--mode-file")
lock = threading.Lock()
count = [0]


def record(ev):
    with lock, open(outfile, "a") as f:
        f.write(json.dumps(ev) + "\n")


def mode():
    try:
        with open(mode_file) as f:
            return f.read().strip() or "ok"
    except (OSError, TypeError):
        return "ok"


class H(socketserver.StreamRequestHandler):
    timeout = 30

    def send(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def readline(self):
        raw = self.rfile.readline(1002)
        if not raw:
            raise EOFError
        self.long_line = self.long_line or (len(raw) > 1000)
        if raw.endswith(b"\r\n"):
            return raw[:-2]
        self.bare_lf = True
        return raw.rstrip(b"\n")

    def check_login(self, user, pw):
        if auth is not None and user + ":" + pw == auth:
            self.user = user
            self.send("235 2.7.0 authenticated")
            return
        record({"event": "refused", "stage": "auth", "code": 535})
        self.send("535 5.7.8 authentication failed")

    def do_auth(self, arg):
        parts = arg.split(" ", 1)
        mech = parts[0].upper()
        if auth is None or mech not in ("PLAIN", "LOGIN"):
            self.send("504 5.5.4 mechanism not supported")
            return
        b64 = lambda: base64.b64decode(self.readline()).decode()
        try:
            if mech == "PLAIN":
                if len(parts) > 1:
                    blob = base64.b64decode(parts[1]).decode()
                else:
                    self.send("334 ")
                    blob = b64()
                _, user, pw = blob.split("\0")
            else:
                if len(parts) > 1:
                    user = base64.b64decode(parts[1]).decode()
                else:
                    self.send("334 VXNlcm5hbWU6")
                    user = b64()
                self.send("334 UGFzc3dvcmQ6")
                pw = b64()
        except (ValueError, UnicodeDecodeError):
            self.send("501 5.5.2 cannot decode")
            return
        self.check_login(user, pw)

    def do_data(self, m):
        self.send("354 end with <CRLF>.<CRLF>")
        lines, stuffed = [], 0
        while True:
            line = self.readline()
            if line == b".":
                break
            if line.startswith(b"."):
                line = line[1:]
                stuffed += 1
            lines.append(line)
        code = {"data451": 451, "data554": 554}.get(m)
        if code is not None:
            record({"event": "refused", "stage": "data", "code": code})
            self.send("%d refused by the fake" % code)
            return
        with lock:
            count[0] += 1
            n = count[0]
        record({"event": "message", "helo": self.helo, "auth": self.user,
                "from": self.mail_from, "rcpt": self.rcpt,
                "data": b"\r\n".join(lines).decode("utf-8", "replace"),
                "stuffed": stuffed, "bare_lf": self.bare_lf,
                "long_line": self.long_line})
        self.send("250 2.0.0 ok queued as fake%d" % n)

    def handle(self):
        self.helo, self.user, self.mail_from, self.rcpt = None, None, None, []
        self.bare_lf = self.long_line = False
        m = mode()
        if m == "greet421":
            record({"event": "refused", "stage": "greet", "code": 421})
            self.send("421 4.3.2 busy, try later")
            return
        if m == "greet554":
            record({"event": "refused", "stage": "greet", "code": 554})
            self.send("554 5.7.1 your address is on a block list")
            return
        self.send("220 fake-smtp ESMTP ready")
        try:
            while True:
                line = self.readline().decode("utf-8", "replace")
                verb, _, arg = line.partition(" ")
                verb = verb.upper()
                if verb == "EHLO":
                    self.helo = arg
                    ext = ["fake-smtp", "8BITMIME", "SIZE 10485760"]
                    if auth is not None:
                        ext.append("AUTH PLAIN LOGIN")
                    for e in ext[:-1]:
                        self.send("250-" + e)
                    self.send("250 " + ext[-1])
                elif verb == "HELO":
                    self.helo = arg
                    self.send("250 fake-smtp")
                elif verb == "AUTH":
                    self.do_auth(arg)
                elif verb == "MAIL":
                    m = mode()      # per message: clients keep sessions
                    if m == "greet421":
                        record({"event": "refused", "stage": "mail",
                                "code": 421})
                        self.send("421 4.3.2 busy, closing")
                        return
                    if m == "greet554":
                        record({"event": "refused", "stage": "mail",
                                "code": 554})
                        self.send("554 5.7.1 your address is on a block list")
                        return
                    if self.helo is None:
                        self.send("503 5.5.1 EHLO first")
                    elif auth is not None and self.user is None:
                        self.send("530 5.7.0 authentication required")
                    elif not arg.upper().startswith("FROM:<"):
                        self.send("501 5.5.4 syntax: MAIL FROM:<address>")
                    else:
                        self.mail_from = arg[6:arg.index(">")]
                        self.rcpt = []
                        self.send("250 2.1.0 ok")
                elif verb == "RCPT":
                    if self.mail_from is None:
                        self.send("503 5.5.1 MAIL first")
                    elif not arg.upper().startswith("TO:<"):
                        self.send("501 5.5.4 syntax: RCPT TO:<address>")
                    elif m in ("rcpt450", "rcpt550"):
                        code = int(m[4:])
                        record({"event": "refused", "stage": "rcpt",
                                "code": code})
                        self.send("%d mailbox unavailable" % code)
                    else:
                        self.rcpt.append(arg[4:arg.index(">")])
                        self.send("250 2.1.5 ok")
                elif verb == "DATA":
                    if not self.rcpt:
                        self.send("503 5.5.1 RCPT first")
                    else:
                        self.do_data(m)
                        self.mail_from, self.rcpt = None, []
                elif verb == "RSET":
                    self.mail_from, self.rcpt = None, []
                    self.send("250 2.0.0 ok")
                elif verb == "NOOP":
                    self.send("250 2.0.0 ok")
                elif verb == "QUIT":
                    self.send("221 2.0.0 bye")
                    return
                else:
                    self.send("500 5.5.2 unknown command")
        except (EOFError, ConnectionError, TimeoutError, OSError):
            return


class S(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


srv = S(("127.0.0.1", port), H)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.replace(portfile + ".tmp", portfile)
srv.serve_forever()
