#!/usr/bin/env python3
"""Load client of bench/webhook.sh.

usage: webhook-client.py orders PORT METHOD N C DB REFS_OUT
       webhook-client.py confirm PORT METHOD N C DB REFS PAID \
                         STRIPE_PORT SK WHSEC DARAJA_PORT CB_SECRET

orders:  N checkouts of /p/song with METHOD (stripe | mpesa), C at a time,
         one phone each; waits until every payment has its provider id
         (Stripe: the session, made in the request; M-Pesa: the push, made
         by the worker) and writes the order refs to REFS_OUT.
confirm: first (not timed) tells the fake every payment went through
         (Stripe: the session is paid; Daraja: the STK query says 0) and
         builds what the provider would post; then, C at a time, appends
         "ref t_ns" to PAID and posts it (a signed
         checkout.session.completed webhook; an STK callback), and waits
         until every order is paid: grants/s from the first post.
"""
import hashlib
import hmac
import http.client
import json
import sqlite3
import sys
import threading
import time
import urllib.parse


def pool(n, c, fn):
    nxt, lock = [0], threading.Lock()

    def worker():
        conns = {}
        while True:
            with lock:
                i = nxt[0]
                nxt[0] += 1
            if i >= n:
                return
            fn(i, conns)
    ts = [threading.Thread(target=worker) for _ in range(c)]
    [t.start() for t in ts]
    [t.join() for t in ts]


def conn(conns, port):
    if port not in conns:
        conns[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    return conns[port]


def call(conns, port, method, path, body=None, headers=None):
    for attempt in range(3):
        h = conn(conns, port)
        try:
            h.request(method, path, body, headers or {})
            r = h.getresponse()
            return r.status, r.read()
        except (http.client.HTTPException, OSError):
            h.close()
            del conns[port]
    raise SystemExit("webhook-client: %s %s failed" % (method, path))


def orders(port, method, n, c, dbp, refs_out):
    h = http.client.HTTPConnection("127.0.0.1", port)
    h.request("GET", "/p/song")
    r = h.getresponse()
    r.read()
    csrf = [v.split("=", 1)[1].split(";")[0] for k, v in r.getheaders()
            if k.lower() == "set-cookie" and v.startswith("csrf=")][0]
    codes, lock = {}, threading.Lock()
    base = 1 if method == "stripe" else 5

    def one(i, conns):
        body = urllib.parse.urlencode({"csrf": csrf, "method": method,
                                       "phone": "07%d%07d" % (base, i)})
        st, _ = call(conns, port, "POST", "/p/song/checkout", body,
                     {"Cookie": "csrf=" + csrf,
                      "Content-Type": "application/x-www-form-urlencoded"})
        with lock:
            codes[st] = codes.get(st, 0) + 1
    t0 = time.time()
    pool(n, c, one)
    t1 = time.time()
    db = sqlite3.connect(dbp, timeout=10)
    q = ("SELECT o.ref FROM orders o JOIN payments y ON y.order_id = o.id"
         " WHERE y.provider = ? AND y.provider_ref IS NOT NULL"
         " AND o.status = 'pending'")
    while True:
        refs = [row[0] for row in db.execute(q, (method,))]
        if len(refs) >= codes.get(303, 0) or time.time() - t1 > 120:
            break
        time.sleep(0.1)
    t2 = time.time()
    with open(refs_out, "w") as f:
        f.write("".join(r + "\n" for r in refs))
    print("%s checkouts: %d in %.2f s = %.0f/s (answers %s); %d with their"
          " provider id after %.2f s" % (method, n, t1 - t0, n / (t1 - t0),
                                          codes, len(refs), t2 - t0))


def sign(whsec, body):
    t = str(int(time.time()))
    mac = hmac.new(whsec.encode(), (t + ".").encode() + body,
                   hashlib.sha256).hexdigest()
    return "t=%s,v1=%s" % (t, mac)


def confirm(port, method, n, c, dbp, refs, paid, sport, sk, whsec, dport,
            cb):
    db = sqlite3.connect(dbp, timeout=10)
    refs = [l.strip() for l in open(refs) if l.strip()]
    ids = dict(db.execute("SELECT o.ref, y.provider_ref FROM orders o JOIN"
                          " payments y ON y.order_id = o.id WHERE y.provider"
                          " = ?", (method,)))
    pushes = {}
    if method == "mpesa":
        h = http.client.HTTPConnection("127.0.0.1", dport)
        h.request("GET", "/_ctl/pushes")
        pushes = {p["id"]: p for p in json.loads(h.getresponse().read())}
    # The worker asks the provider about pending payments every poll_s;
    # put that off so every order here is confirmed by what is posted.
    db.execute("UPDATE payments SET next_attempt_at = 4000000000"
               " WHERE status = 'pending'")
    db.commit()
    lock, answers = threading.Lock(), {}
    paidf = open(paid, "a")
    js = {"Content-Type": "application/json"}

    bodies = [None] * len(refs)

    def prep(i, conns):
        # What the provider knows before it tells us: not timed.
        ref = refs[i]
        pid = ids[ref]
        if method == "stripe":
            call(conns, sport, "POST", "/_ctl/pay",
                 json.dumps({"id": pid, "webhook": False}), js)
            st, obj = call(conns, sport, "GET", "/v1/checkout/sessions/" + pid,
                           None, {"Authorization": "Bearer " + sk})
            bodies[i] = json.dumps({
                "id": "evt_bench_%d" % i, "object": "event",
                "type": "checkout.session.completed",
                "created": int(time.time()), "livemode": False,
                "data": {"object": json.loads(obj)}}).encode()
        else:
            p = pushes[pid]
            call(conns, dport, "POST", "/_ctl/query",
                 json.dumps({"id": pid, "code": 0}), js)
            bodies[i] = json.dumps({"Body": {"stkCallback": {
                "MerchantRequestID": p["merchant"], "CheckoutRequestID": pid,
                "ResultCode": 0, "ResultDesc": "The service request is"
                " processed successfully.", "CallbackMetadata": {"Item": [
                    {"Name": "Amount", "Value": p["amount"]},
                    {"Name": "MpesaReceiptNumber", "Value": "QB%08d" % i},
                    {"Name": "TransactionDate", "Value": 20261203080000},
                    {"Name": "PhoneNumber", "Value": int(p["phone"])}]}}}}
            ).encode()
    pool(len(refs), c, prep)

    def one(i, conns):
        ev = bodies[i]
        if method == "stripe":
            path = "/payments/stripe/webhook"
            hdr = {"Content-Type": "application/json",
                   "Stripe-Signature": sign(whsec, ev)}
        else:
            path = "/payments/mpesa/callback/" + cb
            hdr = js
        with lock:
            paidf.write("%s %d\n" % (refs[i], time.time_ns()))
            paidf.flush()
        st, _ = call(conns, port, "POST", path, ev, hdr)
        with lock:
            answers[st] = answers.get(st, 0) + 1
    t0 = time.time()
    pool(len(refs), c, one)
    t1 = time.time()
    q = ("SELECT (SELECT count(*) FROM orders WHERE status = 'paid' AND ref IN"
         " (SELECT ref FROM orders o JOIN payments y ON y.order_id = o.id"
         " WHERE y.provider = ?)), (SELECT count(*) FROM messages WHERE"
         " kind = 'receipt')")
    while True:
        done, msgs = db.execute(q, (method,)).fetchone()
        if done >= len(refs) or time.time() - t1 > 120:
            break
        time.sleep(0.02)
    t2 = time.time()
    print("%s posts: %d in %.2f s (answers %s)" % (method, len(refs), t1 - t0,
                                                   answers))
    print("%s grants: %d orders paid, entitled and receipt queued in %.2f s"
          " = %.0f grants/s (%d receipts queued in all)" % (
              method, done, t2 - t0, done / (t2 - t0), msgs))


if __name__ == "__main__":
    a = sys.argv
    if a[1] == "orders":
        orders(int(a[2]), a[3], int(a[4]), int(a[5]), a[6], a[7])
    else:
        confirm(int(a[2]), a[3], int(a[4]), int(a[5]), a[6], a[7], a[8],
                int(a[9]), a[10], a[11], int(a[12]), a[13])
