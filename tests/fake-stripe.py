#!/usr/bin/env python3
"""A fake Stripe for the tests: the real endpoints Nyota uses, checked the
way Stripe checks them (Bearer secret key, form-encoded bodies with
bracketed keys, unknown parameters refused, Idempotency-Key replays and
conflicts), real-shaped objects, a hosted payment page, and webhooks signed
exactly as Stripe signs them:
  Stripe-Signature: t=<ts>,v1=<hex hmac_sha256(WEBHOOK_SECRET, "<ts>.<body>")>

Stripe API (Authorization: Bearer SECRET_KEY):
  POST /v1/checkout/sessions               create a Checkout Session
  GET  /v1/checkout/sessions/{id}          retrieve (expand[]=payment_intent
                                           or payment_intent.latest_charge)
  POST /v1/checkout/sessions/{id}/expire   expire an open session
  POST /v1/refunds                         refund a payment intent / charge
  GET  /v1/refunds/{id}                    retrieve a refund
Errors are {"error": {"type", "message", "code"?, "param"?}}.

Hosted page (what a buyer's browser sees):
  GET  /pay/{id}        a tiny card form
  POST /pay/{id}        card=4242… pays (visa), 5555… (mastercard);
                        4000000000000002 is declined; a paid session sends
                        checkout.session.completed and 303s to success_url

Control API for the test scripts:
  GET  /_ctl/requests   every API/page request seen (headers without
                        Authorization; "auth" says whether it was right)
  GET  /_ctl/stats      counters
  GET  /_ctl/sessions   every session (as retrieved, expanded)
  POST /_ctl/pay {id, amount?, currency?, brand?, last4?, webhook?: bool,
       times?: n, async?: bool, sign?}
       completes session id as paid (amount/currency override what was
       asked, to provoke mismatches; async: complete but the payment is
       still processing) and, unless webhook is false, sends a signed
       checkout.session.completed `times` times (same event id)
  POST /_ctl/async {id, outcome: succeeded|failed, webhook?, times?}
       ends an async payment: checkout.session.async_payment_<outcome>
  POST /_ctl/expire {id, webhook?}  expires a session (+ ….expired event)
  POST /_ctl/refund {id, amount?, webhook?}
       a refund made in Stripe's dashboard of session/pi/charge id:
       charge.refunded unless webhook is false
  POST /_ctl/refund {refund, status: succeeded|failed, webhook?}
       ends a pending API refund (charge.refunded / charge.refund.updated)
  POST /_ctl/refund_mode {status}   what POST /v1/refunds answers next:
       succeeded (default), pending, requires_action, failed, canceled
  POST /_ctl/event {type, id?, object?, sign?, event_id?, times?, url?}
       sends any event: data.object is the current state of object id
       (a session, payment intent or charge) with `object` merged over
       it, or `object` alone; sign: good (default) | bad (wrong secret) |
       none (no header) | stale (t 10 min old) | future (10 min ahead) |
       two (a wrong v1, then the right one, and a v0)
  POST /_ctl/down {mode: off|503|hang|hang_after, seconds?, times?}
       503: every API call fails; hang: no answer for `seconds` (default
       30), nothing done; hang_after: the call is done, then its answer
       is lost (no answer for `seconds`, then the connection closes);
       times: only the next n API calls, then back to normal
  POST /_ctl/webhook {url}          where webhooks go from now on
  POST /_ctl/config {refund_webhook: bool}
       whether an API refund that succeeds sends charge.refunded (true)

Every sent webhook answers {"event": id, "statuses": [HTTP status, …]}
(0 when nothing answered).

usage: fake-stripe.py PORT SECRET_KEY WEBHOOK_SECRET [WEBHOOK_URL]
PORT 0 picks a free port; with FAKE_STRIPE_PORT_FILE set the port is
written there once listening. The webhook URL may also come from
FAKE_STRIPE_WEBHOOK_URL. Sessions may expire as soon as 30 s after
creation (Stripe wants 30 min: the provider adds that itself in
production; the tests use short sessions).
"""
import hashlib
import hmac
import html
import json
import os
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, SECRET_KEY, WEBHOOK_SECRET = int(sys.argv[1]), sys.argv[2], sys.argv[3]
LOCK = threading.Lock()
STATE = {
    "webhook": sys.argv[4] if len(sys.argv) > 4 else
    os.environ.get("FAKE_STRIPE_WEBHOOK_URL", ""),
    "sessions": {}, "intents": {}, "charges": {}, "refunds": {},
    "idem": {}, "requests": [],
    "down": "off", "down_s": 30, "down_left": 0, "refund_mode": "succeeded",
    "refund_webhook": True,
    "stats": {"session_create": 0, "session_replay": 0,
              "idempotency_error": 0, "retrieve": 0, "expire": 0,
              "refund": 0, "down": 0, "webhook": 0, "auth_fail": 0},
}
CURRENCIES = {"kes", "tzs", "ugx", "usd", "eur", "gbp"}
SESSION_KEYS = {"mode", "client_reference_id", "line_items", "metadata",
                "success_url", "cancel_url", "expires_at", "locale",
                "payment_intent_data", "customer_email",
                "payment_method_types", "expand"}
REFUND_KEYS = {"payment_intent", "charge", "amount", "reason", "metadata",
               "expand"}
LOCALES = {"auto", "en", "sw", "fr", "de", "es"}


def new_id(prefix):
    return prefix + secrets.token_hex(12)


def parse_form(raw):
    """Stripe's form encoding: a[b][c]=v nests, a[]=v appends. ValueError
    on a key that contradicts another (a=1 and a[b]=2)."""
    out = {}
    for key, value in urllib.parse.parse_qsl(raw, keep_blank_values=True):
        parts = [key]
        if "[" in key:
            head, rest = key.split("[", 1)
            if not rest.endswith("]"):
                raise ValueError(key)
            parts = [head] + rest[:-1].split("][")
        cur = out
        for i, p in enumerate(parts[:-1]):
            if parts[i + 1] == "":              # p[] = v
                if i + 2 != len(parts):
                    raise ValueError(key)
                lst = cur.setdefault(p, [])
                if not isinstance(lst, list):
                    raise ValueError(key)
                lst.append(value)
                break
            cur = cur.setdefault(p, {})
            if not isinstance(cur, dict):
                raise ValueError(key)
        else:
            if parts[-1] == "" or isinstance(cur.get(parts[-1]), (dict, list)):
                raise ValueError(key)
            cur[parts[-1]] = value
    return out


def error(status, message, etype="invalid_request_error", code=None,
          param=None):
    e = {"type": etype, "message": message}
    if code:
        e["code"] = code
    if param:
        e["param"] = param
    return status, {"error": e}


def intval(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def sign(body, mode, ts=None):
    ts = int(time.time()) if ts is None else ts
    if mode == "stale":
        ts -= 600
    elif mode == "future":
        ts += 600
    key = WEBHOOK_SECRET if mode != "bad" else WEBHOOK_SECRET + "x"
    mac = hmac.new(key.encode(), b"%d." % ts + body, hashlib.sha256)
    if mode == "two":
        wrong = hmac.new(b"nope", b"%d." % ts + body, hashlib.sha256)
        return "t=%d,v1=%s,v1=%s,v0=%s" % (ts, wrong.hexdigest(),
                                          mac.hexdigest(), wrong.hexdigest())
    return "t=%d,v1=%s" % (ts, mac.hexdigest())


def post_event(event, times=1, mode="good", url=None):
    """Sends the event `times` times (re-signed each time, like Stripe's
    retries). Returns the HTTP statuses (0: no answer)."""
    body = json.dumps(event).encode()
    url = url or STATE["webhook"]
    statuses = []
    for _ in range(max(1, int(times))):
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)"}
        if mode != "none":
            headers["Stripe-Signature"] = sign(body, mode)
        with LOCK:
            STATE["stats"]["webhook"] += 1
        if not url:
            statuses.append(0)
            continue
        req = urllib.request.Request(url, data=body, method="POST",
                                     headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                statuses.append(r.status)
        except urllib.error.HTTPError as e:
            statuses.append(e.code)
        except (urllib.error.URLError, OSError):
            statuses.append(0)
    return statuses


def make_event(etype, obj, event_id=None):
    return {"id": event_id or new_id("evt_"), "object": "event",
            "api_version": "2024-06-20", "created": int(time.time()),
            "data": {"object": obj}, "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None}, "type": etype}


def charge_view(ch):
    return json.loads(json.dumps(ch))


def intent_view(pi, expand_charge):
    v = json.loads(json.dumps(pi))
    if expand_charge and pi.get("latest_charge"):
        v["latest_charge"] = charge_view(STATE["charges"][pi["latest_charge"]])
    return v


def session_tick(s):
    """Stripe expires open sessions at expires_at (the fake: at once)."""
    if s["status"] == "open" and time.time() >= s["expires_at"]:
        s["status"] = "expired"


def session_view(s, expand=()):
    session_tick(s)
    v = json.loads(json.dumps(s))
    pi = s.get("payment_intent")
    if pi and ("payment_intent" in expand or
               "payment_intent.latest_charge" in expand):
        v["payment_intent"] = intent_view(
            STATE["intents"][pi], "payment_intent.latest_charge" in expand)
    return v


def find_charge(oid):
    """A charge from a session, payment intent or charge id."""
    if oid in STATE["sessions"]:
        oid = STATE["sessions"][oid].get("payment_intent")
    if oid in STATE["intents"]:
        oid = STATE["intents"][oid].get("latest_charge")
    return STATE["charges"].get(oid)


def object_view(oid):
    if oid in STATE["sessions"]:
        return session_view(STATE["sessions"][oid])
    if oid in STATE["intents"]:
        return intent_view(STATE["intents"][oid], False)
    if oid in STATE["charges"]:
        return charge_view(STATE["charges"][oid])
    if oid in STATE["refunds"]:
        return json.loads(json.dumps(STATE["refunds"][oid]))
    return None


def create_session(p):
    for k in p:
        if k not in SESSION_KEYS:
            return error(400, "Received unknown parameter: %s" % k,
                         code="parameter_unknown", param=k)
    if p.get("mode") != "payment":
        return error(400, "Missing required param: mode.",
                     code="parameter_missing", param="mode")
    items = p.get("line_items")
    if not isinstance(items, dict) or list(items) != ["0"]:
        return error(400, "Missing required param: line_items.",
                     code="parameter_missing", param="line_items")
    li = items["0"]
    pd = li.get("price_data") if isinstance(li, dict) else None
    qty = intval(li.get("quantity")) if isinstance(li, dict) else None
    if not isinstance(pd, dict) or qty is None or qty < 1:
        return error(400, "Invalid line_items[0]", param="line_items[0]")
    cur = pd.get("currency", "")
    amount = intval(pd.get("unit_amount"))
    name = (pd.get("product_data") or {}).get("name", "") \
        if isinstance(pd.get("product_data"), dict) else ""
    if cur not in CURRENCIES:
        return error(400, "Invalid currency: %s." % cur,
                     param="line_items[0][price_data][currency]")
    if amount is None or amount < 1:
        return error(400, "Invalid integer: %s" % pd.get("unit_amount"),
                     param="line_items[0][price_data][unit_amount]")
    if not name:
        return error(400, "Missing required param: line_items[0][price_data]"
                     "[product_data][name].", code="parameter_missing")
    for u in ("success_url", "cancel_url"):
        if u in p and not str(p[u]).startswith(("http://", "https://")):
            return error(400, "Not a valid URL", code="url_invalid", param=u)
    if "success_url" not in p:
        return error(400, "Missing required param: success_url.",
                     code="parameter_missing", param="success_url")
    now = int(time.time())
    exp = intval(p.get("expires_at", now + 86400))
    if exp is None or exp < now + 30 or exp > now + 86400:
        return error(400, "The `expires_at` timestamp must be less than 24 "
                     "hours from Checkout Session creation.",
                     param="expires_at")
    if p.get("locale", "auto") not in LOCALES:
        return error(400, "Invalid locale", param="locale")
    sid = new_id("cs_test_")
    s = {"id": sid, "object": "checkout.session",
         "amount_subtotal": amount * qty, "amount_total": amount * qty,
         "cancel_url": p.get("cancel_url"),
         "client_reference_id": p.get("client_reference_id"),
         "created": now, "currency": cur, "customer_details": None,
         "expires_at": exp, "livemode": False,
         "locale": p.get("locale"), "metadata": p.get("metadata") or {},
         "mode": "payment", "payment_intent": None,
         "payment_method_types": ["card"], "payment_status": "unpaid",
         "status": "open", "success_url": p["success_url"],
         "url": "http://127.0.0.1:%d/pay/%s" % (PORT, sid)}
    STATE["sessions"][sid] = s
    STATE["_pi_meta"][sid] = ((p.get("payment_intent_data") or {})
                              .get("metadata") or {})
    STATE["_names"][sid] = name
    STATE["stats"]["session_create"] += 1
    return 200, s


def pay_session(s, amount=None, currency=None, brand="visa", last4="4242",
                processing=False):
    """Completes session s: a payment intent and a charge, paid or (async)
    processing."""
    amount = s["amount_total"] if amount is None else int(amount)
    currency = (currency or s["currency"]).lower()
    pid, cid = new_id("pi_"), new_id("ch_")
    meta = STATE["_pi_meta"].get(s["id"], {})
    STATE["charges"][cid] = {
        "id": cid, "object": "charge", "amount": amount,
        "amount_captured": amount, "amount_refunded": 0,
        "currency": currency, "paid": not processing, "refunded": False,
        "status": "pending" if processing else "succeeded",
        "payment_intent": pid, "metadata": meta,
        "billing_details": {"email": "buyer@example.com", "name": "A Buyer",
                            "phone": None, "address": None},
        "payment_method_details": {"type": "card", "card": {
            "brand": brand, "last4": last4, "exp_month": 12,
            "exp_year": 2030, "country": "KE", "funding": "credit"}},
        "refunds": {"object": "list", "data": [], "has_more": False},
        "created": int(time.time())}
    STATE["intents"][pid] = {
        "id": pid, "object": "payment_intent", "amount": amount,
        "amount_received": 0 if processing else amount,
        "currency": currency, "latest_charge": cid, "metadata": meta,
        "status": "processing" if processing else "succeeded"}
    s.update({"status": "complete", "payment_intent": pid,
              "payment_status": "unpaid" if processing else "paid",
              "amount_total": amount, "currency": currency,
              "customer_details": {"email": "buyer@example.com",
                                   "name": "A Buyer", "phone": None}})


def refund_charge(ch, amount, status, meta=None, reason=None):
    rid = new_id("re_")
    r = {"id": rid, "object": "refund", "amount": amount,
         "charge": ch["id"], "currency": ch["currency"],
         "payment_intent": ch["payment_intent"], "metadata": meta or {},
         "reason": reason, "status": status, "created": int(time.time())}
    if status in ("failed", "canceled"):
        r["failure_reason"] = "expired_or_canceled_card"
    STATE["refunds"][rid] = r
    if status == "succeeded":
        refund_apply(ch, r)
    return r


def refund_apply(ch, r):
    ch["amount_refunded"] += r["amount"]
    ch["refunded"] = ch["amount_refunded"] >= ch["amount"]
    ch["refunds"]["data"].insert(0, json.loads(json.dumps(r)))


def create_refund(p):
    for k in p:
        if k not in REFUND_KEYS:
            return error(400, "Received unknown parameter: %s" % k,
                         code="parameter_unknown", param=k)
    pi = STATE["intents"].get(p.get("payment_intent", ""))
    ch = STATE["charges"].get(p.get("charge", "")) or (
        STATE["charges"].get(pi["latest_charge"]) if pi else None)
    if ch is None:
        oid = p.get("payment_intent") or p.get("charge") or ""
        return error(400, "No such payment_intent: '%s'" % oid,
                     code="resource_missing", param="payment_intent")
    if ch["status"] != "succeeded":
        return error(400, "This PaymentIntent does not have a successful "
                     "charge to refund.", code="charge_not_refundable")
    left = ch["amount"] - ch["amount_refunded"]
    if left <= 0:
        return error(400, "Charge %s has already been refunded." % ch["id"],
                     code="charge_already_refunded")
    amount = intval(p.get("amount", left))
    if amount is None or amount < 1 or amount > left:
        return error(400, "Refund amount is greater than unrefunded amount "
                     "on charge", code="amount_too_large", param="amount")
    if p.get("reason") not in (None, "duplicate", "fraudulent",
                               "requested_by_customer"):
        return error(400, "Invalid reason", param="reason")
    STATE["stats"]["refund"] += 1
    r = refund_charge(ch, amount, STATE["refund_mode"],
                      p.get("metadata") or {}, p.get("reason"))
    if r["status"] == "succeeded" and STATE["refund_webhook"]:
        later(lambda: post_event(make_event("charge.refunded",
                                            charge_view(ch))))
    return 200, r


def later(fn):
    """Webhooks go out after the API answer, as Stripe's do."""
    def run():
        time.sleep(0.2)
        fn()
    threading.Thread(target=run, daemon=True).start()


STATE["_pi_meta"] = {}
STATE["_names"] = {}


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body, ctype="application/json", headers=()):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Request-Id", new_id("req_"))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def raw_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def record(self, raw):
        hdrs = {k: v for k, v in self.headers.items()
                if k.lower() != "authorization"}
        entry = {"method": self.command, "path": self.path, "headers": hdrs,
                 "auth": self.headers.get("Authorization") ==
                 "Bearer " + SECRET_KEY,
                 "body": raw.decode("utf-8", "replace")}
        with LOCK:
            STATE["requests"].append(entry)

    # -- routing ----------------------------------------------------------

    def do_GET(self):
        self.route(b"")

    def do_POST(self):
        self.route(self.raw_body())

    def route(self, raw):
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/_ctl/"):
            return self.control(path, raw)
        self.record(raw)
        if path.startswith("/pay/"):
            return self.page(path[5:], raw)
        if not path.startswith("/v1/"):
            return self.send(*error(404, "Unrecognized request URL"))
        with LOCK:
            mode = STATE["down"]
            if mode != "off" and STATE["down_left"] > 0:
                STATE["down_left"] -= 1
                if STATE["down_left"] == 0:
                    STATE["down"] = "off"
        if mode == "503":
            with LOCK:
                STATE["stats"]["down"] += 1
            return self.send(*error(503, "Stripe is down (fake)",
                                    etype="api_error"))
        if mode == "hang":
            with LOCK:
                STATE["stats"]["down"] += 1
            time.sleep(STATE["down_s"])
            self.close_connection = True
            return
        status, obj, replayed = self.api(path, raw)
        if mode == "hang_after":
            time.sleep(STATE["down_s"])
            self.close_connection = True
            return
        try:
            self.send(status, obj, headers=(("Idempotent-Replayed", "true"),)
                      if replayed else ())
        except OSError:
            pass

    def api(self, path, raw):
        """(status, object, replayed) of one API call."""
        if self.headers.get("Authorization") != "Bearer " + SECRET_KEY:
            with LOCK:
                STATE["stats"]["auth_fail"] += 1
            given = self.headers.get("Authorization", "")
            return error(401, "Invalid API Key provided: %s****%s" % (
                given[7:15], given[-4:])) + (False,)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        try:
            form = parse_form(raw.decode()) if self.command == "POST" else {}
        except (ValueError, UnicodeDecodeError):
            return error(400, "Invalid form body") + (False,)
        expand = set(query.get("expand[]", [])) | set(form.pop("expand", []))
        key = self.headers.get("Idempotency-Key")
        if self.command == "POST" and key:
            return self.idempotent(key, path, form, expand)
        with LOCK:
            return self.call(path, form, expand) + (False,)

    def idempotent(self, key, path, form, expand):
        fp = json.dumps([path, form, sorted(expand)], sort_keys=True)
        with LOCK:
            seen = STATE["idem"].get(key)
            if seen and seen[0] != fp:
                STATE["stats"]["idempotency_error"] += 1
                return error(400, "Keys for idempotent requests can only be "
                             "used with the same parameters they were first "
                             "used with. Try using a key other than '%s' if "
                             "you meant to execute a different request." % key,
                             etype="idempotency_error") + (False,)
            if seen:
                if path == "/v1/checkout/sessions":
                    STATE["stats"]["session_replay"] += 1
                return seen[1], seen[2], True
            status, obj = self.call(path, form, expand)
            if status == 200:
                STATE["idem"][key] = (fp, status, obj)
            return status, obj, False

    def call(self, path, form, expand):
        """One API call, under LOCK."""
        parts = path.split("/")[2:]     # after /v1/
        if parts == ["checkout", "sessions"] and self.command == "POST":
            return create_session(form)
        if len(parts) >= 3 and parts[:2] == ["checkout", "sessions"]:
            s = STATE["sessions"].get(parts[2])
            if s is None:
                return error(404, "No such checkout.session: '%s'" % parts[2],
                             code="resource_missing", param="session")
            if len(parts) == 3 and self.command == "GET":
                STATE["stats"]["retrieve"] += 1
                return 200, session_view(s, expand)
            if parts[3:] == ["expire"] and self.command == "POST":
                STATE["stats"]["expire"] += 1
                session_tick(s)
                if s["status"] != "open":
                    return error(400, "Only Checkout Sessions with a status "
                                 "in [\"open\"] can be expired. This Checkout "
                                 "Session has a status of \"%s\"." % s["status"])
                s["status"] = "expired"
                return 200, session_view(s, expand)
        if parts == ["refunds"] and self.command == "POST":
            return create_refund(form)
        if len(parts) == 2 and parts[0] == "refunds" and self.command == "GET":
            r = STATE["refunds"].get(parts[1])
            if r is None:
                return error(404, "No such refund: '%s'" % parts[1],
                             code="resource_missing")
            return 200, r
        return error(404, "Unrecognized request URL (%s: %s)"
                     % (self.command, path))

    # -- hosted page ------------------------------------------------------

    def page(self, sid, raw):
        with LOCK:
            s = STATE["sessions"].get(sid)
            if s is not None:
                session_tick(s)
        if s is None:
            return self.send(404, b"<h1>No such session</h1>", "text/html")
        if s["status"] != "open":
            return self.send(200, ("<h1>This checkout is %s</h1>" % s["status"])
                             .encode(), "text/html; charset=utf-8")
        if self.command == "POST":
            card = urllib.parse.parse_qs(raw.decode()).get("card", [""])[0]
            card = card.replace(" ", "")
            if card.startswith("4242") or card.startswith("5555"):
                brand = "visa" if card[0] == "4" else "mastercard"
                with LOCK:
                    pay_session(s, brand=brand, last4=card[-4:])
                    ev = make_event("checkout.session.completed",
                                    session_view(s))
                later(lambda: post_event(ev))
                return self.send(303, b"", "text/plain",
                                 (("Location", s["success_url"]),))
            msg = "<p class=err>Your card was declined.</p>"
        else:
            msg = ""
        cur = s["currency"].upper()
        amount = s["amount_total"] if cur == "UGX" else "%.2f" % (
            s["amount_total"] / 100)
        body = ("<!doctype html><meta charset=utf-8><title>Fake Stripe"
                "</title><h1>%s</h1><p>%s %s</p>%s<form method=post>"
                "<label>Card number <input name=card value='4242 4242 4242 "
                "4242'></label> <button type=submit>Pay</button></form>"
                % (html.escape(STATE["_names"].get(sid, "")), cur, amount,
                   msg))
        self.send(200, body.encode(), "text/html; charset=utf-8")

    # -- control ----------------------------------------------------------

    def control(self, path, raw):
        if self.command == "GET":
            with LOCK:
                if path == "/_ctl/requests":
                    return self.send(200, STATE["requests"])
                if path == "/_ctl/stats":
                    return self.send(200, STATE["stats"])
                if path == "/_ctl/sessions":
                    return self.send(200, [
                        session_view(s, ("payment_intent.latest_charge",))
                        for s in STATE["sessions"].values()])
            return self.send(404, {"error": "no such control"})
        try:
            req = json.loads(raw or b"{}")
        except ValueError:
            return self.send(400, {"error": "not json"})
        fn = {"/_ctl/pay": self.ctl_pay, "/_ctl/async": self.ctl_async,
              "/_ctl/expire": self.ctl_expire, "/_ctl/refund": self.ctl_refund,
              "/_ctl/event": self.ctl_event, "/_ctl/down": self.ctl_down,
              "/_ctl/webhook": self.ctl_webhook,
              "/_ctl/refund_mode": self.ctl_refund_mode,
              "/_ctl/config": self.ctl_config}.get(path)
        if fn is None:
            return self.send(404, {"error": "no such control"})
        status, obj = fn(req)
        self.send(status, obj)

    def send_event(self, req, etype, obj):
        ev = make_event(etype, obj, req.get("event_id"))
        if req.get("webhook", True) is False:
            return 200, {"event": ev["id"], "statuses": []}
        return 200, {"event": ev["id"], "statuses": post_event(
            ev, req.get("times", 1), req.get("sign", "good"), req.get("url"))}

    def ctl_pay(self, req):
        with LOCK:
            s = STATE["sessions"].get(req.get("id"))
            if s is None:
                return 404, {"error": "no such session"}
            pay_session(s, req.get("amount"), req.get("currency"),
                        req.get("brand", "visa"), req.get("last4", "4242"),
                        bool(req.get("async")))
            obj = session_view(s)
        return self.send_event(req, "checkout.session.completed", obj)

    def ctl_async(self, req):
        with LOCK:
            s = STATE["sessions"].get(req.get("id"))
            pi = STATE["intents"].get((s or {}).get("payment_intent") or "")
            if pi is None:
                return 404, {"error": "no such completed session"}
            ch = STATE["charges"][pi["latest_charge"]]
            ok = req.get("outcome", "succeeded") == "succeeded"
            pi["status"] = "succeeded" if ok else "requires_payment_method"
            pi["amount_received"] = pi["amount"] if ok else 0
            ch["status"], ch["paid"] = ("succeeded", True) if ok else (
                "failed", False)
            s["payment_status"] = "paid" if ok else "unpaid"
            obj = session_view(s)
        return self.send_event(req, "checkout.session.async_payment_%s" % (
            "succeeded" if ok else "failed"), obj)

    def ctl_expire(self, req):
        with LOCK:
            s = STATE["sessions"].get(req.get("id"))
            if s is None:
                return 404, {"error": "no such session"}
            if s["status"] == "open":
                s["status"] = "expired"
            obj = session_view(s)
        return self.send_event(req, "checkout.session.expired", obj)

    def ctl_refund(self, req):
        with LOCK:
            if "refund" in req:
                r = STATE["refunds"].get(req["refund"])
                if r is None:
                    return 404, {"error": "no such refund"}
                r["status"] = req.get("status", "succeeded")
                ch = STATE["charges"][r["charge"]]
                if r["status"] == "succeeded":
                    refund_apply(ch, r)
                    etype, obj = "charge.refunded", charge_view(ch)
                else:
                    r["failure_reason"] = "expired_or_canceled_card"
                    etype, obj = "charge.refund.updated", dict(r)
            else:
                ch = find_charge(req.get("id"))
                if ch is None or ch["amount_refunded"] >= ch["amount"]:
                    return 404, {"error": "nothing to refund"}
                amount = int(req.get("amount", ch["amount"] -
                                     ch["amount_refunded"]))
                refund_charge(ch, amount, "succeeded")
                etype, obj = "charge.refunded", charge_view(ch)
        return self.send_event(req, etype, obj)

    def ctl_event(self, req):
        with LOCK:
            obj = object_view(req["id"]) if req.get("id") else {}
            if obj is None:
                return 404, {"error": "no such object"}
        obj.update(req.get("object") or {})
        return self.send_event(req, req.get("type", "checkout.session."
                                              "completed"), obj)

    def ctl_down(self, req):
        mode = str(req.get("mode", "off"))
        if mode not in ("off", "503", "hang", "hang_after"):
            return 400, {"error": "mode: off|503|hang|hang_after"}
        with LOCK:
            STATE["down"], STATE["down_s"] = mode, float(req.get("seconds", 30))
            STATE["down_left"] = int(req.get("times", 0))
        return 200, {"mode": mode}

    def ctl_webhook(self, req):
        STATE["webhook"] = str(req.get("url", ""))
        return 200, {"url": STATE["webhook"]}

    def ctl_refund_mode(self, req):
        STATE["refund_mode"] = str(req.get("status", "succeeded"))
        return 200, {"status": STATE["refund_mode"]}

    def ctl_config(self, req):
        if "refund_webhook" in req:
            STATE["refund_webhook"] = bool(req["refund_webhook"])
        return 200, {"refund_webhook": STATE["refund_webhook"]}


class Server(ThreadingHTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", PORT), H)
PORT = srv.server_address[1]
if os.environ.get("FAKE_STRIPE_PORT_FILE"):
    tmp = os.environ["FAKE_STRIPE_PORT_FILE"] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % PORT)
    os.rename(tmp, os.environ["FAKE_STRIPE_PORT_FILE"])
srv.serve_forever()
