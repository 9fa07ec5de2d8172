#!/bin/bash
# Payment confirmations under load: WEBHOOK_N orders (default 2000) paid
# by card, each confirmed by a signed checkout.session.completed webhook
# posted by a small Python load client (WEBHOOK_C at a time, default 16),
# beside the same number of M-Pesa orders confirmed by Daraja's STK
# callback, in the same run, against tests/fake-stripe.py and
# tests/fake-daraja.py. Both paths confirm with the provider before
# granting (session retrieve / STK query), so the fakes' answers are part
# of what is measured. Figures: grants per second (webhooks or callbacks
# posted → every order paid, entitled and its receipt queued) and the
# time from posting an order's webhook to its SSE stream hearing "paid"
# (p50/p99 over every order).
. "$(dirname "$0")/lib.sh"
set -o pipefail
N=${WEBHOOK_N:-2000}
C=${WEBHOOK_C:-16}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
SK=sk_test_bench0123456789
WH=whsec_bench0123456789abcdef
CB=cb-bench-0123456789abcdef

start_fake() {	# start_fake NAME PORTVAR ARGS…: a fake on a free port
	local name=$1 var=$2 port
	shift 2
	port=$(free_port)
	python3 "tests/$name.py" "$port" "$@" > "$T/$name.log" 2>&1 &
	bench_track $!
	printf -v "$var" '%s' "$port"
	for _ in $(seq 1 100); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/_ctl/stats")" = 200 ] && return 0
		sleep 0.1
	done
	echo "bench: $name did not start"; cat "$T/$name.log"; exit 1
}
start_fake fake-stripe STRIPE_PORT "$SK" "$WH"
start_fake fake-daraja DARAJA_PORT ck cs 174379 passkey123
start_storefront NYOTA_PAYMENTS=mpesa,stripe NYOTA_CHECKOUT_LIMIT=100000 \
	NYOTA_HTTP_PER_IP_LIMIT=0 \
	NYOTA_STRIPE_API_URL="http://127.0.0.1:$STRIPE_PORT" \
	NYOTA_STRIPE_SECRET_KEY=$SK NYOTA_STRIPE_WEBHOOK_SECRET=$WH \
	NYOTA_MPESA_BASE_URL="http://127.0.0.1:$DARAJA_PORT" \
	NYOTA_MPESA_CONSUMER_KEY=ck NYOTA_MPESA_CONSUMER_SECRET=cs \
	NYOTA_MPESA_SHORTCODE=174379 NYOTA_MPESA_PASSKEY=passkey123 \
	NYOTA_MPESA_CALLBACK_SECRET=$CB
bench_db "INSERT INTO creators(id, handle, created_at) VALUES (1, 'bench', 0);
INSERT INTO products(id, creator_id, slug, kind, title, price_minor, currency,
  status, created_at, updated_at, published_at) VALUES
  (1, 1, 'song', 'download', 'Bench song', 50000, 'KES', 'published', 0, 0, 1);"

# phase METHOD: N checkouts with METHOD, then N confirmations; prints the
# figures and leaves the per-order latencies in $T/METHOD.json.
phase() {
	local m=$1
	rm -f "$T/ready" "$T/paid"
	python3 bench/webhook-client.py orders "$SF_PORT" "$m" "$N" "$C" \
		"$T/data/nyota.db" "$T/$m.refs" | tee "$T/$m.txt"
	: > "$T/paid"
	python3 bench/sse-client.py 127.0.0.1 "$SF_PORT" "$T/$m.refs" 1 \
		"$T/ready" "$T/paid" "$T/$m.json" &
	local cl=$!
	bench_track "$cl"
	for _ in $(seq 1 1200); do [ -s "$T/ready" ] && break; sleep 0.1; done
	[ -s "$T/ready" ] || { echo "webhook: streams never got ready"; exit 1; }
	python3 bench/webhook-client.py confirm "$SF_PORT" "$m" "$N" "$C" \
		"$T/data/nyota.db" "$T/$m.refs" "$T/paid" "$STRIPE_PORT" "$SK" \
		"$WH" "$DARAJA_PORT" "$CB" | tee -a "$T/$m.txt"
	wait "$cl" || true
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%s: post -> SSE paid p50 %s ms, p99 %s ms (%d of %d streams heard paid)" % (sys.argv[2], r["stream_p50_ms"], r["stream_p99_ms"], r["paid_received"], r["streams_open"]))' \
		"$T/$m.json" "$m" | tee -a "$T/$m.txt"
}
phase stripe
phase mpesa
g() { sed -n "s/^$1 grants: .* = \([0-9]*\) grants\/s.*/\1/p" "$T/$1.txt"; }
p() { sed -n "s/^$1: post -> SSE paid p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/p50 \1 ms, p99 \2 ms/p" "$T/$1.txt"; }
summary "Stripe webhooks $(g stripe) grants/s, post->SSE paid $(p stripe); M-Pesa callbacks $(g mpesa) grants/s, $(p mpesa) ($N orders each)"
