#!/bin/bash
# SSE at scale: hold SSE_STREAMS streams (default 10000) on SSE_ORDERS
# pending orders (default 100), report the storefront's memory per stream
# and idle CPU while holding them, then pay every order through the
# simulated handset and report how long after each payment its streams
# hear "paid" (per stream and last stream per order, p50/p99). The
# reference beside it: a bare HTTP round trip (GET /healthz) latency.
. "$(dirname "$0")/lib.sh"
N=${SSE_STREAMS:-10000}
O=${SSE_ORDERS:-100}
PER=$(( (N + O - 1) / O ))
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "fd limit: $(ulimit -n)"
start_storefront NYOTA_PAYMENTS=sim NYOTA_SIM_AUTO=off NYOTA_HTTP_PER_IP_LIMIT=0
bench_db "INSERT INTO creators(id, handle, created_at) VALUES (1, 'bench', 0);
INSERT INTO products(id, creator_id, slug, kind, title, price_minor, currency,
  status, created_at, updated_at, published_at)
  VALUES (1, 1, 'song', 'download', 'Bench song', 50000, 'KES', 'published', 0, 0, 1);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $O)
INSERT INTO customers(id, phone, created_at) SELECT i, '2547' || printf('%08d', i), 0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $O)
INSERT INTO orders(id, ref, customer_id, product_id, amount_minor, currency,
  created_at, updated_at, expires_at)
  SELECT i, 'benchref' || printf('%06d', i), i, 1, 50000, 'KES', 0, 0, 4000000000 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $O)
INSERT INTO payments(order_id, provider, phone, amount_minor, status,
  provider_ref, next_attempt_at, created_at, updated_at)
  SELECT i, 'sim', '2547' || printf('%08d', i), 50000, 'pending',
  'sim-0-' || i, 4000000000, 0, 0 FROM n;"
bench_db "SELECT ref FROM orders ORDER BY id" > "$T/refs"
rss() { awk '/VmRSS/ { print $2 }' "/proc/$SF_PID/status"; }
cpu() { awk '{ print $14 + $15 }' "/proc/$SF_PID/stat"; }
sleep 0.5
rss0=$(rss)
: > "$T/paid"
python3 bench/sse-client.py 127.0.0.1 "$SF_PORT" "$T/refs" "$PER" "$T/ready" "$T/paid" "$T/out.json" &
CL=$!
bench_track "$CL"
for _ in $(seq 1 1200); do [ -s "$T/ready" ] && break; sleep 0.1; done
[ -s "$T/ready" ] || { echo "sse: streams never got ready"; exit 1; }
read -r open failed < "$T/ready"
sleep 1
rss1=$(rss)
c0=$(cpu); sleep 5; c1=$(cpu)
per_stream=0
[ "$open" -gt 0 ] && per_stream=$(( (rss1 - rss0) * 1024 / open ))
result "streams held" "$open" "(failed to open: $failed)"
result "storefront RSS" "${rss0} KiB idle, ${rss1} KiB" "holding streams"
result "memory per stream" "$per_stream" bytes
result "CPU while holding them idle" "$(( (c1 - c0) * 10 / 5 ))" "ms per second"
# Reference: a plain HTTP round trip on the same server.
ref_ms=$(for _ in $(seq 1 50); do curl -s -o /dev/null -w '%{time_total}\n' "$SF/healthz"; done | sort -n | awk '{ a[NR] = $1 } END { printf "%.2f", a[int(NR / 2)] * 1000 }')
result "reference: GET /healthz round trip p50" "$ref_ms" ms
t0=$(date +%s%N)
while read -r ref; do
	echo "$ref $(date +%s%N)" >> "$T/paid"
	curl -s -o /dev/null -d action=approve "$SF/sim/stk/$ref"
done < "$T/refs"
t1=$(date +%s%N)
result "paid $O orders through the handset in" "$(( (t1 - t0) / 1000000 ))" ms
wait "$CL" || true
# prints its result lines, then one line for the summary
python3 - "$T/out.json" > "$T/lat.txt" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("paid events received: %d of %d streams" % (r["paid_received"], r["streams_open"]))
print("commit -> stream receives paid: p50 %s ms, p99 %s ms" % (r["stream_p50_ms"], r["stream_p99_ms"]))
print("commit -> LAST stream of an order: p50 %s ms, p99 %s ms (%d orders)" % (
    r["last_stream_p50_ms"], r["last_stream_p99_ms"], r["orders_complete"]))
print("commit->paid p50 %s ms, p99 %s ms (last stream of an order p50 %s, p99 %s ms)" % (
    r["stream_p50_ms"], r["stream_p99_ms"], r["last_stream_p50_ms"], r["last_stream_p99_ms"]))
PY
head -n 3 "$T/lat.txt"
summary "$open streams held ($failed failed), $per_stream B per stream; $(tail -n 1 "$T/lat.txt"); /healthz p50 $ref_ms ms"
