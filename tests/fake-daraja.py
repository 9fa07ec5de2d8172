#!/usr/bin/env python3
"""A fake Safaricom Daraja for the integration tests: the real endpoints
(OAuth, STK push processrequest, STK push query) checked the way Daraja
checks them, plus a small control API for the test script:

  GET  /_ctl/pushes                 every accepted push (JSON list)
  GET  /_ctl/stats                  counters (oauth, push attempts, queries)
  POST /_ctl/callback {id, code, amount?, receipt?, times?, query?, raw?}
       posts the STK callback for push `id` to its CallBackURL `times`
       times; unless query is false, the query API then agrees with it
  POST /_ctl/query {id, code}       what the query API answers for `id`
  POST /_ctl/down {down: bool}      Daraja unreachable (503 everywhere)
  POST /_ctl/push_delay {ms}        accept (and count) a push, then wait ms
       before answering it: a test kills the storefront meanwhile, so
       the push reached the "phone" but its reply is never recorded.
       Also settable at start with FAKE_DARAJA_PUSH_DELAY_MS.

stats.push counts every push Daraja accepted (prompts sent to phones).

usage: fake-daraja.py PORT KEY SECRET SHORTCODE PASSKEY
"""
import base64
import json
import os
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, KEY, SECRET, SHORTCODE, PASSKEY = sys.argv[1:6]
LOCK = threading.Lock()
STATE = {"pushes": [], "query": {}, "down": False, "tokens": set(),
         "push_delay_ms": int(os.environ.get("FAKE_DARAJA_PUSH_DELAY_MS", "0")),
         "stats": {"oauth": 0, "push": 0, "push_down": 0, "query": 0}}
PUSH_FIELDS = ("BusinessShortCode", "Password", "Timestamp", "TransactionType",
               "Amount", "PartyA", "PartyB", "PhoneNumber", "CallBackURL",
               "AccountReference", "TransactionDesc")


def callback_body(push, code, amount, receipt):
    cb = {"MerchantRequestID": push["merchant"],
          "CheckoutRequestID": push["id"], "ResultCode": code,
          "ResultDesc": "The service request is processed successfully."
          if code == 0 else "Request failed"}
    if code == 0:
        cb["CallbackMetadata"] = {"Item": [
            {"Name": "Amount", "Value": amount},
            {"Name": "MpesaReceiptNumber", "Value": receipt},
            {"Name": "Balance"},
            {"Name": "TransactionDate", "Value": 20261125120000},
            {"Name": "PhoneNumber", "Value": int(push["phone"])}]}
    return json.dumps({"Body": {"stkCallback": cb}}).encode()


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return None

    def bearer_ok(self):
        auth = self.headers.get("Authorization", "")
        return auth.startswith("Bearer ") and auth[7:] in STATE["tokens"]

    def do_GET(self):
        if self.path == "/_ctl/pushes":
            with LOCK:
                return self.answer(200, STATE["pushes"])
        if self.path == "/_ctl/stats":
            with LOCK:
                return self.answer(200, STATE["stats"])
        if self.path.startswith("/oauth/v1/generate?grant_type=client_credentials"):
            if STATE["down"]:
                return self.answer(503, {"error": "down"})
            want = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
            if self.headers.get("Authorization") != want:
                return self.answer(400, {"errorCode": "400.008.01",
                                         "errorMessage": "Invalid Authentication passed"})
            with LOCK:
                STATE["stats"]["oauth"] += 1
                tok = "tok-%d" % STATE["stats"]["oauth"]
                STATE["tokens"].add(tok)
            return self.answer(200, {"access_token": tok, "expires_in": "3599"})
        self.answer(404, {"errorMessage": "not found"})

    def check_password(self, req):
        ts = str(req.get("Timestamp", ""))
        want = base64.b64encode((SHORTCODE + PASSKEY + ts).encode()).decode()
        return (len(ts) == 14 and ts.isdigit() and req.get("Password") == want
                and str(req.get("BusinessShortCode")) == SHORTCODE)

    def do_POST(self):
        req = self.body()
        if self.path.startswith("/_ctl/"):
            return self.control(req)
        if STATE["down"]:
            if self.path.endswith("processrequest"):
                with LOCK:
                    STATE["stats"]["push_down"] += 1
            return self.answer(503, {"errorMessage": "Service Unavailable"})
        if not self.bearer_ok():
            return self.answer(401, {"errorCode": "404.001.03",
                                     "errorMessage": "Invalid Access Token"})
        if req is None:
            return self.answer(400, {"errorMessage": "Bad Request"})
        if self.path == "/mpesa/stkpush/v1/processrequest":
            return self.push(req)
        if self.path == "/mpesa/stkpushquery/v1/query":
            return self.query(req)
        self.answer(404, {"errorMessage": "not found"})

    def push(self, req):
        missing = [f for f in PUSH_FIELDS if f not in req]
        if (missing or not self.check_password(req)
                or not isinstance(req["Amount"], int) or req["Amount"] < 1
                or req["TransactionType"] not in ("CustomerPayBillOnline",
                                                  "CustomerBuyGoodsOnline")
                or len(str(req["AccountReference"])) > 12
                or not str(req["PhoneNumber"]).startswith("254")):
            return self.answer(400, {"errorCode": "400.002.02",
                                     "errorMessage": "Bad Request - Invalid %s" % (missing or "field")})
        with LOCK:
            STATE["stats"]["push"] += 1
            n = STATE["stats"]["push"]
            push = {"id": "ws_CO_2611%08d" % n, "merchant": "29115-%d-1" % n,
                    "phone": str(req["PhoneNumber"]), "amount": req["Amount"],
                    "callback": req["CallBackURL"], "ref": req["AccountReference"]}
            STATE["pushes"].append(push)
            delay = STATE["push_delay_ms"]
        if delay > 0:
            time.sleep(delay / 1000.0)
        try:
            self.answer(200, {"MerchantRequestID": push["merchant"],
                              "CheckoutRequestID": push["id"], "ResponseCode": "0",
                              "ResponseDescription": "Success. Request accepted for processing",
                              "CustomerMessage": "Success. Request accepted for processing"})
        except OSError:
            pass    # the storefront died while we were "slow"

    def query(self, req):
        if not self.check_password(req):
            return self.answer(400, {"errorMessage": "Bad Request - Invalid Password"})
        with LOCK:
            STATE["stats"]["query"] += 1
            code = STATE["query"].get(req.get("CheckoutRequestID"))
        if code is None:
            return self.answer(500, {"requestId": "1", "errorCode": "500.001.1001",
                                     "errorMessage": "The transaction is being processed"})
        self.answer(200, {"ResponseCode": "0", "ResponseDescription": "accepted",
                          "MerchantRequestID": "1",
                          "CheckoutRequestID": req["CheckoutRequestID"],
                          "ResultCode": str(code), "ResultDesc": "result %d" % code})

    def control(self, req):
        if self.path == "/_ctl/down":
            STATE["down"] = bool(req.get("down"))
            return self.answer(200, {"down": STATE["down"]})
        if self.path == "/_ctl/push_delay":
            with LOCK:
                STATE["push_delay_ms"] = int(req.get("ms", 0))
            return self.answer(200, {"ms": STATE["push_delay_ms"]})
        with LOCK:
            push = next((p for p in STATE["pushes"] if p["id"] == req.get("id")), None)
        if push is None and "raw" not in req:
            return self.answer(404, {"error": "no such push"})
        if self.path == "/_ctl/query":
            STATE["query"][push["id"]] = int(req["code"])
            return self.answer(200, {})
        if self.path == "/_ctl/callback":
            code = int(req.get("code", 0))
            if req.get("query", True) and push is not None:
                STATE["query"][push["id"]] = code
            body = req["raw"].encode() if "raw" in req else callback_body(
                push, code, req.get("amount", push["amount"]),
                req.get("receipt", "QK%s" % push["id"][-6:]))
            url = req.get("url") or push["callback"]
            statuses = []
            for _ in range(int(req.get("times", 1))):
                r = urllib.request.Request(url, data=body, method="POST",
                                           headers={"Content-Type": "application/json"})
                try:
                    with urllib.request.urlopen(r, timeout=5) as resp:
                        statuses.append(resp.status)
                except urllib.error.HTTPError as e:
                    statuses.append(e.code)
            return self.answer(200, {"statuses": statuses})
        self.answer(404, {})


ThreadingHTTPServer(("127.0.0.1", int(PORT)), H).serve_forever()
