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

Transaction Reversal (refunds): POST /mpesa/reversal/v1/request checks
every field as Daraja does (Initiator and SecurityCredential non-empty,
and equal to FAKE_DARAJA_INITIATOR / FAKE_DARAJA_CREDENTIAL when those
are set, else the result says 2001 "initiator information is invalid";
CommandID TransactionReversal; TransactionID a receipt; whole Amount;
ReceiverParty the shortcode; RecieverIdentifierType "11"; ResultURL and
QueueTimeOutURL; Remarks of 2 to 100 characters), answers with a
ConversationID and, after a short delay, POSTs the Result to ResultURL:

  GET  /_ctl/reversals              every reversal asked (no credential)
  POST /_ctl/reversal {mode, delay_ms?, code?, desc?}
       how the next reversals end: "ok" (ResultCode 0, the default),
       "refuse" (the Result says code, default "R000002"), "timeout"
       (a notice POSTed to QueueTimeOutURL instead), "reject" (the
       request itself is refused: 400, no ConversationID), "hold" (no
       result sent until /_ctl/reversal_result)
  POST /_ctl/reversal_result {id, code?, timeout?, url?, times?}
       POSTs the Result for ConversationID id now (to url, or the
       timeout URL with timeout true) `times` times; {"statuses": […]}

Each reversal in /_ctl/reversals gets "result_statuses", the HTTP
statuses the ResultURL / QueueTimeOutURL answered.

usage: fake-daraja.py PORT KEY SECRET SHORTCODE PASSKEY
PORT 0 picks a free port; with FAKE_DARAJA_PORT_FILE set the port is
written there once the fake listens.
"""
import base64
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, KEY, SECRET, SHORTCODE, PASSKEY = sys.argv[1:6]
LOCK = threading.Lock()
STATE = {"pushes": [], "query": {}, "down": False, "tokens": set(),
         "push_delay_ms": int(os.environ.get("FAKE_DARAJA_PUSH_DELAY_MS", "0")),
         "reversals": [], "rev_mode": {"mode": "ok", "delay_ms": 300},
         "stats": {"oauth": 0, "push": 0, "push_down": 0, "query": 0,
                   "reversal": 0, "reversal_result": 0}}
PUSH_FIELDS = ("BusinessShortCode", "Password", "Timestamp", "TransactionType",
               "Amount", "PartyA", "PartyB", "PhoneNumber", "CallBackURL",
               "AccountReference", "TransactionDesc")


REV_FIELDS = ("Initiator", "SecurityCredential", "CommandID", "TransactionID",
              "Amount", "ReceiverParty", "RecieverIdentifierType",
              "ResultURL", "QueueTimeOutURL", "Remarks")


def post_json(url, body):
    """POSTs body (bytes) to url; the HTTP status (0 when unreachable)."""
    r = urllib.request.Request(url, data=body, method="POST",
                               headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(r, timeout=5) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0


def reversal_result_body(rev, code, desc):
    """The Result Daraja POSTs to ResultURL for reversal rev."""
    params = [
        {"Key": "DebitAccountBalance", "Value": "Utility Account|KES|0.00|0.00|0.00|0.00"},
        {"Key": "Amount", "Value": float(rev["amount"])},
        {"Key": "TransCompletedTime", "Value": 20261203120000},
        {"Key": "OriginalTransactionID", "Value": rev["transaction"]},
        {"Key": "Charge", "Value": 0.0},
        {"Key": "CreditPartyPublicName", "Value": "254700000000 - Buyer"},
        {"Key": "DebitPartyPublicName", "Value": SHORTCODE + " - Nyota"}]
    res = {"ResultType": 0, "ResultCode": code, "ResultDesc": desc,
           "OriginatorConversationID": rev["originator"],
           "ConversationID": rev["id"],
           "TransactionID": "RV" + rev["id"][-8:].upper()}
    if code == 0:
        res["ResultParameters"] = {"ResultParameter": params}
    res["ReferenceData"] = {"ReferenceItem": {
        "Key": "QueueTimeoutURL",
        "Value": "https://internalsandbox.safaricom.co.ke/mpesa/reversalresults/v1/submit"}}
    return json.dumps({"Result": res}).encode()


def send_reversal_result(rev, code, desc, timeout=False, url=None, times=1):
    """POSTs the result (or the timeout notice) of rev; the statuses."""
    if timeout:
        body = reversal_result_body(rev, 1, "The request timed out in the queue")
    else:
        body = reversal_result_body(rev, code, desc)
    url = url or (rev["timeout_url"] if timeout else rev["result_url"])
    statuses = [post_json(url, body) for _ in range(times)]
    with LOCK:
        STATE["stats"]["reversal_result"] += times
        rev["result_statuses"].extend(statuses)
    return statuses


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
        if self.path == "/_ctl/reversals":
            with LOCK:
                return self.answer(200, STATE["reversals"])
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
        if self.path == "/mpesa/reversal/v1/request":
            return self.reversal(req)
        self.answer(404, {"errorMessage": "not found"})

    def reversal(self, req):
        """Transaction Reversal: checked, accepted, result sent later."""
        bad = [f for f in REV_FIELDS if f not in req]
        amount = req.get("Amount")
        if isinstance(amount, str) and amount.isdigit():
            amount = int(amount)
        remarks = str(req.get("Remarks", ""))
        txn = str(req.get("TransactionID", ""))
        if not bad:
            if not (isinstance(req["Initiator"], str) and req["Initiator"]):
                bad.append("Initiator")
            if not (isinstance(req["SecurityCredential"], str)
                    and req["SecurityCredential"]):
                bad.append("SecurityCredential")
            if req["CommandID"] != "TransactionReversal":
                bad.append("CommandID")
            if not (txn.isalnum() and txn.isupper() and 8 <= len(txn) <= 12):
                bad.append("TransactionID")
            if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
                bad.append("Amount")
            if str(req["ReceiverParty"]) != SHORTCODE:
                bad.append("ReceiverParty")
            if str(req["RecieverIdentifierType"]) != "11":
                bad.append("RecieverIdentifierType")
            for f in ("ResultURL", "QueueTimeOutURL"):
                if not str(req[f]).startswith(("http://", "https://")):
                    bad.append(f)
            if not 2 <= len(remarks) <= 100:
                bad.append("Remarks")
        with LOCK:
            mode = dict(STATE["rev_mode"])
        if bad or mode["mode"] == "reject":
            return self.answer(400, {"requestId": "rev-bad",
                                     "errorCode": "400.002.02",
                                     "errorMessage": "Bad Request - Invalid %s" % (
                                         ", ".join(bad) or "TransactionID")})
        want_i = os.environ.get("FAKE_DARAJA_INITIATOR")
        want_c = os.environ.get("FAKE_DARAJA_CREDENTIAL")
        cred_ok = ((not want_i or req["Initiator"] == want_i)
                   and (not want_c or req["SecurityCredential"] == want_c))
        with LOCK:
            STATE["stats"]["reversal"] += 1
            n = STATE["stats"]["reversal"]
            rev = {"id": "AG_20261203_%016x" % (0x2000 + n),
                   "originator": "rev-%d-1" % n, "transaction": txn,
                   "amount": amount, "initiator": req["Initiator"],
                   "credential_ok": cred_ok, "remarks": remarks,
                   "occasion": req.get("Occasion"),
                   "result_url": req["ResultURL"],
                   "timeout_url": req["QueueTimeOutURL"],
                   "mode": mode["mode"], "result_statuses": []}
            STATE["reversals"].append(rev)
        self.answer(200, {"OriginatorConversationID": rev["originator"],
                          "ConversationID": rev["id"], "ResponseCode": "0",
                          "ResponseDescription": "Accept the service request successfully."})
        if mode["mode"] == "hold":
            return
        if not cred_ok:
            code, desc = 2001, "The initiator information is invalid."
        elif mode["mode"] == "refuse":
            code = mode.get("code", "R000002")
            desc = mode.get("desc", "The OriginalTransactionID is invalid.")
        else:
            code, desc = 0, "The service request is processed successfully."

        def later():
            time.sleep(mode.get("delay_ms", 300) / 1000.0)
            send_reversal_result(rev, code, desc, mode["mode"] == "timeout")
        threading.Thread(target=later, daemon=True).start()

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
        if self.path == "/_ctl/reversal":
            mode = {"mode": req.get("mode", "ok"),
                    "delay_ms": int(req.get("delay_ms", 300))}
            for k in ("code", "desc"):
                if k in req:
                    mode[k] = req[k]
            with LOCK:
                STATE["rev_mode"] = mode
            return self.answer(200, mode)
        if self.path == "/_ctl/reversal_result":
            with LOCK:
                rev = next((r for r in STATE["reversals"]
                            if r["id"] == req.get("id")), None)
            if rev is None:
                return self.answer(404, {"error": "no such reversal"})
            code = req.get("code", 0)
            statuses = send_reversal_result(
                rev, code, "The service request is processed successfully."
                if code == 0 else "Request failed", bool(req.get("timeout")),
                req.get("url"), int(req.get("times", 1)))
            return self.answer(200, {"statuses": statuses})
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


SRV = ThreadingHTTPServer(("127.0.0.1", int(PORT)), H)
if os.environ.get("FAKE_DARAJA_PORT_FILE"):
    tmp = os.environ["FAKE_DARAJA_PORT_FILE"] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % SRV.server_address[1])
    os.rename(tmp, os.environ["FAKE_DARAJA_PORT_FILE"])
SRV.serve_forever()
