#!/bin/bash
# Order pipeline throughput beside raw SQLite commits (see
# bench/order-bench.c). ORDER_BENCH_SECONDS per measurement (default 3).
. "$(dirname "$0")/lib.sh"
set -o pipefail	# the figures go through tee
make -s B="$B" "$B/libnyota.a"
PKGS="libssh libmicrohttpd ncursesw sqlite3 libsodium liboath jansson libqrencode libcmark libcurl"
cc -std=c11 -D_GNU_SOURCE -O2 -Ishared $(pkg-config --cflags $PKGS) \
	bench/order-bench.c "$B/libnyota.a" $(pkg-config --libs $PKGS) -lutil -lpthread -lm \
	-o "$T/order-bench"
NYOTA_LOG=warn "$T/order-bench" "$T" "${ORDER_BENCH_SECONDS:-3}" | tee "$T/pipe.txt"

# The same pipeline end to end over HTTP: ORDER_HTTP_N checkouts (one
# phone each, ORDER_HTTP_C at a time) against the real storefront with the
# simulated handset approving at once; time until every order is paid.
N=${ORDER_HTTP_N:-2000}
C=${ORDER_HTTP_C:-16}
start_storefront NYOTA_PAYMENTS=sim NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=0 \
	NYOTA_CHECKOUT_LIMIT=100000
bench_db "INSERT INTO creators(id, handle, created_at)
  VALUES (1, 'bench', 0); INSERT INTO products(id, creator_id, slug, kind, title,
  price_minor, currency, status, created_at, updated_at, published_at) VALUES
  (1, 1, 'song', 'download', 'Bench song', 50000, 'KES', 'published', 0, 0, 1);"
python3 - "$SF_PORT" "$N" "$C" "$T/data/nyota.db" <<'PY' | tee "$T/http.txt"
import http.client, sqlite3, sys, threading, time, urllib.parse
port, n, c, dbp = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
h = http.client.HTTPConnection("127.0.0.1", port); h.request("GET", "/p/song")
r = h.getresponse(); r.read()
csrf = [v.split("=", 1)[1].split(";")[0] for k, v in r.getheaders()
        if k.lower() == "set-cookie" and v.startswith("csrf=")][0]
codes, lock, nxt = {}, threading.Lock(), [0]
def worker():
    h = http.client.HTTPConnection("127.0.0.1", port)
    while True:
        with lock:
            i = nxt[0]; nxt[0] += 1
        if i >= n: return
        body = urllib.parse.urlencode({"csrf": csrf, "phone": "07%08d" % i})
        h.request("POST", "/p/song/checkout", body, {"Cookie": "csrf=" + csrf,
                  "Content-Type": "application/x-www-form-urlencoded"})
        r = h.getresponse(); r.read()
        with lock: codes[r.status] = codes.get(r.status, 0) + 1
t0 = time.time()
ts = [threading.Thread(target=worker) for _ in range(c)]
[t.start() for t in ts]; [t.join() for t in ts]
t1 = time.time()
db = sqlite3.connect(dbp, timeout=10)
while True:
    paid, ent, q = db.execute("SELECT (SELECT count(*) FROM orders WHERE status='paid'),"
        " (SELECT count(*) FROM entitlements), (SELECT count(*) FROM messages)").fetchone()
    if paid >= codes.get(303, 0) or time.time() - t1 > 120: break
    time.sleep(0.05)
t2 = time.time()
print("HTTP checkouts: %d in %.2f s = %.0f/s (answers %s)" % (n, t1 - t0, n / (t1 - t0), codes))
print("HTTP pipeline checkout -> paid -> entitled -> queued: %d orders in %.2f s = %.0f orders/s"
      " (%d entitlements, %d messages queued)" % (paid, t2 - t0, paid / (t2 - t0), ent, q))
PY
raw=$(sed -n 's/^raw SQLite commits[^:]*: \([0-9]*\).*/\1/p' "$T/pipe.txt")
pipe=$(sed -n 's/^order pipeline[^:]*: \([0-9]*\) orders.*, \([0-9]*\)% of raw.*/\1 orders\/s (\2% of raw commits)/p' "$T/pipe.txt")
http=$(sed -n 's/^HTTP pipeline.*= \([0-9]*\) orders\/s.*/\1/p' "$T/http.txt")
summary "order pipeline $pipe, raw SQLite $raw commits/s; over HTTP $http orders/s"
