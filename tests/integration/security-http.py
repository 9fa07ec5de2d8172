#!/usr/bin/env python3
"""Raw-socket HTTP clients for tests/integration/security-battery.sh
(python3 standard library only).

  security-http.py malformed PORT    oversized and malformed requests
  security-http.py slowloris PORT [CONNS SECONDS]
                                     slow header senders vs. a healthy client
  security-http.py traversal PORT TOKEN DATA_DIR KEYS_DIR DL_ID DL_QUERY DL_SHA
                                     path traversal under every route prefix

Each prints one line per check; exit status 1 when something that must
hold does not. Findings that are known and not fixed yet ("open") print
a line starting with OPEN and only fail with SECURITY_STRICT=1.
"""
import os
import socket
import sys
import threading
import time

HOST = "127.0.0.1"
STRICT = os.environ.get("SECURITY_STRICT") == "1"
FAILS = []
OPEN = []


def send_raw(port, data, timeout=3.0, shut=False):
    """Sends data on a fresh connection and reads until the server closes,
    the timeout passes or one complete response (by Content-Length) is in.
    Returns (bytes, how) with how in closed|timeout|complete|reset."""
    s = socket.create_connection((HOST, port), timeout=timeout)
    buf = b""
    how = "closed"
    try:
        try:
            s.sendall(data)
            if shut:
                s.shutdown(socket.SHUT_WR)
        except OSError:
            pass    # the server may close early (413 before the body)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                how = "timeout"
                break
            s.settimeout(left)
            try:
                c = s.recv(65536)
            except socket.timeout:
                how = "timeout"
                break
            except OSError:
                how = "reset"
                break
            if not c:
                break
            buf += c
            if response_complete(buf):
                how = "complete"
                break
            if len(buf) > 1 << 20:
                break
    finally:
        s.close()
    return buf, how


def split_response(buf):
    """(status or None, headers dict lower-case, body) of the first
    response in buf."""
    head, sep, body = buf.partition(b"\r\n\r\n")
    if not sep:
        return None, {}, b""
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    status = None
    if len(parts) >= 2 and parts[0].startswith(b"HTTP/") and parts[1].isdigit():
        status = int(parts[1])
    hdrs = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(b":")
        hdrs.setdefault(k.strip().lower().decode("latin-1"), v.strip().decode("latin-1"))
    return status, hdrs, body


def response_complete(buf):
    status, hdrs, body = split_response(buf)
    if status is None:
        return False
    n = hdrs.get("content-length")
    return n is not None and n.isdigit() and len(body) >= int(n)


def healthz(port, timeout=3.0):
    """1 when GET /healthz on a new connection answers 200 ok in time."""
    try:
        buf, _ = send_raw(port, b"GET /healthz HTTP/1.1\r\nHost: t\r\n"
                          b"Connection: close\r\n\r\n", timeout)
    except OSError:
        return False
    status, _, body = split_response(buf)
    return status == 200 and b'"ok"' in body


def fail(msg):
    FAILS.append(msg)
    print("FAIL: " + msg, flush=True)


def open_finding(msg):
    OPEN.append(msg)
    print("OPEN (known, not fixed): " + msg, flush=True)


def form_post(path, body, extra=b""):
    return (b"POST " + path + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n" + extra +
            b"Content-Length: %d\r\n\r\n" % len(body) + body)


def chunks(n, size=4096):
    return b"".join(b"%x\r\n" % size + b"a" * size + b"\r\n" for _ in range(n)) + b"0\r\n\r\n"


CLOSE = "closed without an answer"


# name, request bytes, allowed outcomes: HTTP statuses, or CLOSE when the
# server may also drop the connection without answering
def cases():
    H = b"Host: t\r\nConnection: close\r\n"
    checkout = b"/p/sec-plain/checkout"
    big = b"phone=" + b"7" * 20000
    c4 = set(range(400, 500))
    return [
        # oversized
        ("huge header (100 KB)", b"GET /healthz HTTP/1.1\r\n" + H + b"X-Big: " + b"a" * 100000 + b"\r\n\r\n", {431, 413, 400}),
        ("3000 headers", b"GET /healthz HTTP/1.1\r\n" + H + b"".join(b"X-%d: y\r\n" % i for i in range(3000)) + b"\r\n", {431, 413, 400}),
        ("huge URL (100 KB path)", b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\n" + H + b"\r\n", {414, 431, 400}),
        ("huge URL (20 KB query)", b"GET /?q=" + b"a" * 20000 + b" HTTP/1.1\r\n" + H + b"\r\n", {414, 431, 400}),
        ("checkout body 20 KB over the 8 KB form cap", form_post(checkout, big), {413}),
        ("recover body 5 KB over the 4 KB form cap", form_post(b"/library/recover", b"phone=" + b"7" * 5000), {413}),
        ("Content-Length 1 MB announced, 7 bytes sent", b"POST " + checkout + b" HTTP/1.1\r\n" + H +
         b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000\r\n\r\nphone=1", {413}),
        ("chunked body 40 KB over the form cap", b"POST " + checkout + b" HTTP/1.1\r\n" + H +
         b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks(10), {413}),
        ("multipart body 20 KB over the form cap", b"POST " + checkout + b" HTTP/1.1\r\n" + H +
         b"Content-Type: multipart/form-data; boundary=zz\r\nContent-Length: 20100\r\n\r\n"
         b"--zz\r\nContent-Disposition: form-data; name=\"phone\"\r\n\r\n" + b"7" * 20000 + b"\r\n--zz--\r\n", {413}),
        ("callback body over its 16 KB cap", b"POST /payments/mpesa/callback/x HTTP/1.1\r\n" + H +
         b"Content-Type: application/json\r\nContent-Length: 40000\r\n\r\n" + b"{" * 40000, {413, 404}),
        ("body on a GET route (200 KB)", b"GET /healthz HTTP/1.1\r\n" + H + b"Content-Length: 200000\r\n\r\n" + b"a" * 200000,
         {413, 400}),
        # past 1 MB of unwanted body the server cuts the client off
        ("body on a GET route (3 MB)", b"GET /healthz HTTP/1.1\r\n" + H + b"Content-Length: 3000000\r\n\r\n" + b"a" * 3000000,
         {413, 400, CLOSE}),
        # methods and versions
        ("method FOO", b"FOO / HTTP/1.1\r\n" + H + b"\r\n", {405, 400, 501}),
        ("method DELETE", b"DELETE /p/sec-plain HTTP/1.1\r\n" + H + b"\r\n", {405}),
        ("method PUT with body", b"PUT /p/sec-plain HTTP/1.1\r\n" + H + b"Content-Length: 3\r\n\r\nabc", {405}),
        ("method TRACE", b"TRACE / HTTP/1.1\r\n" + H + b"\r\n", {405, 501}),
        ("method CONNECT", b"CONNECT example.com:443 HTTP/1.1\r\n" + H + b"\r\n", {400, 404, 405, 501}),
        ("method OPTIONS *", b"OPTIONS * HTTP/1.1\r\n" + H + b"\r\n", {400, 404, 405, 501}),
        ("lower-case method", b"get /healthz HTTP/1.1\r\n" + H + b"\r\n", {400, 405, 501}),
        ("method with control bytes", b"G\x01T /healthz HTTP/1.1\r\n" + H + b"\r\n", {400, 405, 501}),
        ("GET on a POST-only route", b"GET /p/sec-plain/checkout HTTP/1.1\r\n" + H + b"\r\n", {405}),
        ("POST on a GET-only route", form_post(b"/healthz", b"a=1"), {405}),
        ("HTTP/0.9 request line", b"GET /healthz\r\n\r\n", {400}),
        ("HTTP/0.9 request line, no blank line", b"GET /\r\n", {400}),
        ("HTTP/2.0 over plain HTTP/1 framing", b"GET /healthz HTTP/2.0\r\nHost: t\r\n\r\n", {505, 400}),
        ("HTTP/9.9", b"GET /healthz HTTP/9.9\r\nHost: t\r\n\r\n", {505, 400}),
        ("version FOO/1.1", b"GET /healthz FOO/1.1\r\nHost: t\r\n\r\n", {400, 505}),
        ("request line of binary bytes", bytes(range(0, 256)) + b"\r\n\r\n", {400}),
        ("binary bytes with early CR LF", bytes(range(1, 256)) + b"\r\n\r\n", {400, CLOSE}),
        # Content-Length and chunked framing
        ("Content-Length: abc", form_post(b"/library/recover", b"phone=1").replace(b"Content-Length: 7", b"Content-Length: abc"), c4),
        ("Content-Length: -1", form_post(b"/library/recover", b"phone=1").replace(b"Content-Length: 7", b"Content-Length: -1"), c4),
        ("Content-Length: 2^70", form_post(b"/library/recover", b"phone=1").replace(b"Content-Length: 7", b"Content-Length: 1180591620717411303424"), c4),
        ("Content-Length: 0x10", form_post(b"/library/recover", b"phone=1").replace(b"Content-Length: 7", b"Content-Length: 0x10"), c4),
        ("Content-Length with Transfer-Encoding: chunked", b"POST /library/recover HTTP/1.1\r\n" + H +
         b"Content-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nphone=1\r\n0\r\n\r\n", c4),
        ("chunk size zz", b"POST /library/recover HTTP/1.1\r\n" + H +
         b"Transfer-Encoding: chunked\r\n\r\nzz\r\nphone=1\r\n0\r\n\r\n", c4),
        ("chunk size -5", b"POST /library/recover HTTP/1.1\r\n" + H +
         b"Transfer-Encoding: chunked\r\n\r\n-5\r\nphone\r\n0\r\n\r\n", c4),
        ("chunk size 2^80", b"POST /library/recover HTTP/1.1\r\n" + H +
         b"Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\nphone\r\n0\r\n\r\n", c4),
        ("chunk longer than its size", b"POST /library/recover HTTP/1.1\r\n" + H +
         b"Transfer-Encoding: chunked\r\n\r\n3\r\nphone=1234567\r\n0\r\n\r\n", c4),
        # NUL bytes and broken header lines
        ("NUL byte in the path", b"GET /heal\x00thz HTTP/1.1\r\n" + H + b"\r\n", c4),
        ("NUL byte then traversal", b"GET /static/app.css\x00/../../../etc/passwd HTTP/1.1\r\n" + H + b"\r\n", c4),
        ("%00 in the path", b"GET /static/%00../../etc/passwd HTTP/1.1\r\n" + H + b"\r\n", c4),
        ("header line without a colon", b"GET /healthz HTTP/1.1\r\n" + H + b"Garbage\r\n\r\n", c4),
        ("space before the header colon", b"GET /healthz HTTP/1.1\r\n" + H + b"X-A : b\r\n\r\n", c4 | {200}),
        ("obsolete line folding", b"GET /healthz HTTP/1.1\r\n" + H + b"X-A: b\r\n c\r\n\r\n", c4 | {200}),
        ("space in the path", b"GET /heal thz HTTP/1.1\r\n" + H + b"\r\n", c4),
    ]


# Findings of the first run of this battery, fixed in the storefront
# (http.c http_malformed) and kept as hard checks: (name, request,
# predicate(status, hdrs, body, how) true when it holds, what went wrong).
def fixed_cases():
    return [
        ("conflicting Content-Length headers on GET /healthz",
         b"GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\n",
         lambda s, h, b, how: s is not None and 400 <= s < 500,
         "RFC 9112 6.3: differing Content-Length values must be refused (400); "
         "libmicrohttpd uses the first one and answers 200 - a request "
         "smuggling risk behind a proxy that uses the last one"),
        ("Transfer-Encoding: gzip, chunked",
         b"POST /library/recover HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
         b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
         lambda s, h, b, how: s is not None and (400 <= s < 500 or s == 501),
         "a transfer coding other than chunked should get 501/400; the server "
         "answers nothing and holds the connection until its 60 s idle timeout"),
        ("%00 in the path (GET /healthz%00/../x)",
         b"GET /healthz%00/../x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
         lambda s, h, b, how: s is not None and 400 <= s < 500,
         "libmicrohttpd decodes %00 and the path ends there: /healthz%00/../x is "
         "served as /healthz (200), /l/TOKEN%00/anything as the library; a raw "
         "NUL gets 404, an encoded one should too"),
        ("HTTP/1.1 request without Host",
         b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n",
         lambda s, h, b, how: s == 400,
         "RFC 9112 3.2: a HTTP/1.1 request without Host must get 400; it gets 200"),
    ]


# Known open findings: (name, request, predicate(status, hdrs, body, how)
# that is true when the finding is fixed, what is wrong today)
def open_cases():
    return [
        ("400 for Content-Length: abc repeats its header block in the body",
         form_post(b"/library/recover", b"phone=1").replace(b"Content-Length: 7", b"Content-Length: abc"),
         lambda s, h, b, how: s is not None and not b.startswith(b"HTTP/1."),
         "libmicrohttpd's own error response sends the status line and headers "
         "twice (the second copy counted in Content-Length)"),
    ]


def malformed(port):
    n = 0
    for name, req, allowed in cases():
        n += 1
        try:
            buf, how = send_raw(port, req, timeout=4.0)
        except OSError as e:
            fail("%s: cannot send (%s)" % (name, e))
            continue
        status, hdrs, body = split_response(buf)
        if status is None and not buf and how in ("closed", "reset") and CLOSE in allowed:
            print("  ok  %-48s -> connection closed, no answer" % name, flush=True)
        elif status is None:
            fail("%s: no HTTP status (%s after %d bytes): %r" % (name, how, len(buf), buf[:80]))
        elif status not in allowed:
            fail("%s: answered %d, expected one of %s" % (name, status, sorted(allowed, key=str)))
        else:
            print("  ok  %-48s -> %d" % (name, status), flush=True)
        if not healthz(port):
            fail("%s: /healthz from another connection no longer answers" % name)
    for name, req, holds, why in fixed_cases():
        n += 1
        buf, how = send_raw(port, req, timeout=2.0, shut=False)
        status, hdrs, body = split_response(buf)
        if holds(status, hdrs, body, how):
            print("  ok  %-48s -> %s" % (name, status), flush=True)
        else:
            fail("%s: %r -> %s (%s): %s" % (name, req[:90], status if status else "no answer", how, why))
        if not healthz(port):
            fail("%s: /healthz no longer answers" % name)
    for name, req, fixed, why in open_cases():
        n += 1
        buf, how = send_raw(port, req, timeout=2.0, shut=False)
        status, hdrs, body = split_response(buf)
        if fixed(status, hdrs, body, how):
            print("  ok  %-48s -> %s (the open finding is fixed: make it a hard check)" % (name, status), flush=True)
        else:
            open_finding("%s: %r -> %s (%s): %s" % (name, req[:90], status if status else "no answer", how, why))
        if not healthz(port):
            fail("%s: /healthz no longer answers" % name)
    print("malformed: %d requests, %d failed, %d open findings" % (n, len(FAILS), len(OPEN)))


def slowloris(port, conns=6, seconds=8):
    """conns clients send one header byte per second for `seconds`; a
    healthy client must get /healthz answered quickly throughout, and the
    slow connections may be closed by the server or left waiting, never
    answered with a page they did not finish asking for."""
    stop = threading.Event()
    state = {"closed": 0, "answered": 0, "sent": 0}
    lock = threading.Lock()

    def slow():
        try:
            s = socket.create_connection((HOST, port), timeout=5)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        except OSError:
            with lock:
                state["closed"] += 1
            return
        s.settimeout(0.05)
        while not stop.is_set():
            try:
                s.sendall(b"a")
                with lock:
                    state["sent"] += 1
                d = s.recv(4096)
                if d == b"":
                    with lock:
                        state["closed"] += 1
                    break
                with lock:
                    state["answered"] += 1
                break
            except socket.timeout:
                pass
            except OSError:
                with lock:
                    state["closed"] += 1
                break
            stop.wait(1.0)
        s.close()

    ts = [threading.Thread(target=slow, daemon=True) for _ in range(conns)]
    for t in ts:
        t.start()
    time.sleep(0.5)
    worst = 0.0
    checks = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.monotonic()
        if not healthz(port, timeout=3.0):
            fail("slowloris: /healthz from another connection did not answer within 3 s "
                 "while %d slow clients were connected" % conns)
            break
        worst = max(worst, time.monotonic() - t0)
        checks += 1
        time.sleep(0.5)
    stop.set()
    for t in ts:
        t.join(5)
    if state["answered"]:
        fail("slowloris: %d slow connections got an answer to an unfinished request" % state["answered"])
    if worst > 2.0:
        fail("slowloris: /healthz took %.2f s" % worst)
    print("slowloris: %d slow connections (%d header bytes sent, one a second); "
          "%d closed by the server, %d still ignored at the end; %d /healthz checks "
          "from another connection, slowest %.3f s" % (conns, state["sent"],
          state["closed"], conns - state["closed"] - state["answered"], checks, worst))


def traversal(port, token, data_dir, keys_dir, dl_id, dl_query, dl_sha):
    """Encoded ../, %2e%2e, %00, double encoding and backslashes under
    every route prefix, aimed at /etc/passwd, the database, the master
    key and a content file: never 2xx (but the signed file itself), never
    5xx, never those bytes."""
    import hashlib
    import http.client
    import urllib.parse

    secret_bytes = []
    with open(os.path.join(keys_dir, "master.key"), "rb") as f:
        secret_bytes.append(("the master key", f.read()))
    content = []
    for root, _, names in os.walk(os.path.join(data_dir, "files")):
        for n in names:
            content.append(os.path.join(root, n))
    for c in content:
        with open(c, "rb") as f:
            secret_bytes.append(("content file " + os.path.basename(c)[:8], f.read(64)))
    markers = [("/etc/passwd", b"root:x:0:0"), ("the database", b"SQLite format 3")] + secret_bytes
    data_abs = os.path.abspath(data_dir).lstrip("/")
    keys_abs = os.path.abspath(keys_dir).lstrip("/")
    blob_rel = os.path.relpath(content[0], data_dir) if content else "files/x"
    targets = ["etc/passwd", data_abs + "/nyota.db", keys_abs + "/master.key",
               data_abs + "/" + blob_rel]
    up = 12

    def forms(t):
        q = urllib.parse.quote
        yield "../" * up + t
        yield "..%2f" * up + q(t, safe="")
        yield "%2e%2e/" * up + t
        yield "%2e%2e%2f" * up + q(t, safe="")
        yield "%252e%252e%252f" * up + q(q(t, safe=""), safe="")
        yield "..%252f" * up + q(t, safe="").replace("%", "%25")
        yield "..\\" * up + t.replace("/", "\\")
        yield "..%5c" * up + t.replace("/", "%5c")
        yield "%2e%2e%5c" * up + t.replace("/", "%5c")
        yield "....//" * up + t
        yield "..;/" * up + t
        yield "%c0%ae%c0%ae/" * up + t
        yield "%2e%2e%00/" * up + t
        yield "../" * up + t + "%00.css"
        yield "%2f" + q(t, safe="")
        yield "%2f" + q(t, safe="") + "%00"
        yield "/" + t

    prefixes = ["/static/", "/cover/", "/l/", "/l/%s/" % token, "/l/%s/files/" % token,
                "/l/%s/tickets/" % token, "/l/%s/calendar/" % token, "/dl/",
                "/dl/%s/" % dl_id, "/p/", "/@", "/api/v1/products/", "/checkout/", "/"]
    conn = None
    n = 0
    codes = {}
    for pre in prefixes:
        for t in targets:
            for form in forms(t):
                paths = [pre + form]
                if pre == "/dl/%s/" % dl_id:
                    paths.append(pre + form + "?" + dl_query)
                for path in paths:
                    n += 1
                    for attempt in (1, 2):
                        try:
                            if conn is None:
                                conn = http.client.HTTPConnection(HOST, port, timeout=5)
                            conn.request("GET", path)
                            r = conn.getresponse()
                            body = r.read()
                            if r.getheader("Connection", "").lower() == "close":
                                conn.close()
                                conn = None
                            break
                        except (http.client.HTTPException, OSError) as e:
                            if conn:
                                conn.close()
                            conn = None
                            if attempt == 2:
                                fail("traversal GET %s: no answer (%s)" % (path[:100], e))
                                r, body = None, b""
                    if r is None:
                        continue
                    codes[r.status] = codes.get(r.status, 0) + 1
                    legit = (r.status == 200 and dl_query in path and
                             hashlib.sha256(body).hexdigest() == dl_sha)
                    if not (400 <= r.status < 500 or legit):
                        fail("traversal GET %s -> %d (expected 4xx)" % (path[:140], r.status))
                    for what, m in markers:
                        if m and m in body and not legit:
                            fail("traversal GET %s -> %d returned bytes of %s" % (path[:140], r.status, what))
    if not healthz(port):
        fail("traversal: /healthz no longer answers")
    print("traversal: %d requests under %d route prefixes at %d targets "
          "(/etc/passwd, nyota.db, master.key, a content file): %s" % (
              n, len(prefixes), len(targets),
              " ".join("%d×%d" % (c, k) for c, k in sorted(codes.items()))))


def main():
    cmd, port = sys.argv[1], int(sys.argv[2])
    if cmd == "traversal":
        traversal(port, *sys.argv[3:9])
    elif cmd == "malformed":
        malformed(port)
    elif cmd == "slowloris":
        slowloris(port, int(sys.argv[3]) if len(sys.argv) > 3 else 6,
                  float(sys.argv[4]) if len(sys.argv) > 4 else 8)
    else:
        sys.exit("unknown command " + cmd)
    if FAILS or (STRICT and OPEN):
        sys.exit(1)


if __name__ == "__main__":
    main()
