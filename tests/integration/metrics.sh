# /metrics of both programs: a scrape parses with promtool, the figures
# move with what the programs did (pages, a 404 from a scanner, a sale, a
# declined payment, a connection to the console), route labels come from
# the route table (never a raw path), the listeners are on loopback only,
# port 0 turns one off, a taken port does not stop the program, only GET
# /metrics is answered.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
command -v promtool >/dev/null || fail "promtool missing: make deps (Debian package prometheus)"

# listen_addrs PID: the TCP addresses PID listens on, one "ip:port" a line.
listen_addrs() {
	python3 - "$1" <<'PY'
import os, socket, struct, sys
pid = sys.argv[1]
inodes = set()
for fd in os.listdir(f"/proc/{pid}/fd"):
    try:
        t = os.readlink(f"/proc/{pid}/fd/{fd}")
    except OSError:
        continue
    if t.startswith("socket:["):
        inodes.add(t[8:-1])
for name, fam in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
    for line in open(f"/proc/net/{name}").readlines()[1:]:
        f = line.split()
        if f[3] != "0A" or f[9] not in inodes:
            continue
        hexip, hexport = f[1].split(":")
        raw = bytes.fromhex(hexip)
        # /proc prints the address as 32-bit words in host order
        raw = b"".join(struct.pack("=I", struct.unpack(">I", raw[i:i+4])[0])
                       for i in range(0, len(raw), 4))
        print(f"{socket.inet_ntop(fam, raw)}:{int(hexport, 16)}")
PY
}

# scrape PORT FILE: GET /metrics into FILE, checked by promtool.
scrape() {
	curl -fsS -D "$2.h" -o "$2" "http://127.0.0.1:$1/metrics" || fail "scrape of port $1"
	promtool check metrics < "$2" > "$2.lint" 2>&1 || {
		cat "$2.lint" >&2
		fail "promtool check metrics on port $1"
	}
}

# value FILE SERIES: the value of one series (exact name and labels), or
# nothing.
value() {
	awk -v s="$2" 'index($0, s " ") == 1 { print $NF }' "$1"
}

# ---- storefront -------------------------------------------------------
MPORT=$(free_port)
export NYOTA_METRICS_PORT=$MPORT
start_storefront
seed_catalog
csrf_init			# GET /p/song
curl -fsS -o /dev/null "$URL/"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/wp-admin/x.php")" 404 "scanner path"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/.env?x=1")" 404 "scanner path 2"
set -- $(checkout song "0712 345 678")
expect_eq "$1" 303 "checkout"
REF=$2
wait_pushed "$REF"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -d action=approve "$URL/sim/stk/$REF")" 200 "approve"
wait_status "$REF" paid
# …and one the buyer declines on the handset.
set -- $(checkout song "0712 345 679")
expect_eq "$1" 303 "second checkout"
wait_pushed "$2"
curl -fsS -o /dev/null -d action=decline "$URL/sim/stk/$2"
wait_status "$2" failed

M="$T/sf1"
scrape "$MPORT" "$M"
h=$(cat "$M.h")
expect_match "$h" 'Content-Type: text/plain; version=0\.0\.4' "content type"
expect_match "$h" 'Cache-Control: no-store' "not cached"
expect_eq "$(value "$M" 'nyota_http_requests_total{route="GET /p/{slug}",code="200"}')" 1 "product page counted"
expect_eq "$(value "$M" 'nyota_http_requests_total{route="POST /p/{slug}/checkout",code="303"}')" 2 "checkouts counted"
expect_eq "$(value "$M" 'nyota_http_requests_total{route="other",code="404"}')" 2 "scanner paths counted as other"
grep -q 'wp-admin\|\.env' "$M" && fail "a raw path became a label"
grep -q "$REF\|$2" "$M" && fail "an order ref became a label"
n=$(value "$M" 'nyota_http_request_duration_seconds_count{route="GET /"}')
expect_eq "$n" 1 "histogram count"
expect_eq "$(value "$M" 'nyota_http_request_duration_seconds_bucket{route="GET /",le="+Inf"}')" 1 "+Inf bucket"
expect_eq "$(grep -c '^nyota_http_request_duration_seconds_bucket{route="GET /",' "$M")" 15 "14 buckets and +Inf"
expect_eq "$(value "$M" 'nyota_orders_total{status="pending"}')" 2 "orders created"
expect_eq "$(value "$M" 'nyota_orders_total{status="paid"}')" 1 "order paid"
expect_eq "$(value "$M" 'nyota_orders_total{status="failed"}')" 1 "order failed"
expect_eq "$(value "$M" 'nyota_orders_total{status="refunded"}')" 0 "no refund"
expect_eq "$(value "$M" 'nyota_payments_total{provider="sim",result="paid"}')" 1 "payment paid"
expect_eq "$(value "$M" 'nyota_payments_total{provider="sim",result="failed"}')" 1 "payment failed"
expect_eq "$(value "$M" 'nyota_ready')" 1 "ready"
expect_match "$(cat "$M")" 'nyota_build_info\{version="[0-9a-z.-]+"\} 1' "build info"
expect_match "$(value "$M" 'nyota_sse_streams')" '^[0-9]+$' "sse streams"
expect_match "$(value "$M" 'nyota_outbox_pending')" '^[0-9]+$' "outbox pending"
expect_match "$(value "$M" 'nyota_db_wal_bytes')" '^[1-9][0-9]*$' "wal bytes"

# The figures move: one more page, exactly one more count.
curl -fsS -o /dev/null "$URL/"
scrape "$MPORT" "$T/sf2"
expect_eq "$(value "$T/sf2" 'nyota_http_requests_total{route="GET /",code="200"}')" 2 "second page counted"

# Only GET /metrics.
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$MPORT/metrics")" 405 "POST refused"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MPORT/")" 404 "other path"
# On loopback only (NYOTA_METRICS_ADDR's default), beside the shop's port.
addrs=$(listen_addrs "$SF_PID")
expect_match "$addrs" "^127\.0\.0\.1:$MPORT\$" "metrics on loopback"
printf '%s\n' "$addrs" | grep -q ":$MPORT\$" || fail "no metrics listener"
expect_eq "$(printf '%s\n' "$addrs" | grep -c ":$MPORT\$")" 1 "one metrics socket"

# ---- console ----------------------------------------------------------
# start_con METRICS_PORT: the console on a free SSH port; sets SSH_PORT,
# CON_PID.
start_con() {
	SSH_PORT=$(free_port)
	: > "$T/console.log"
	NYOTA_SSH_PORT=$SSH_PORT NYOTA_SSH_ADDR=127.0.0.1 NYOTA_CONSOLE_METRICS_PORT=$1 \
		"$NYOTA_BIN/nyota-console" serve > "$T/console.log" 2>&1 &
	CON_PID=$!
	PIDS="$PIDS $CON_PID"
	wait_until 60 "console listening" grep -q 'console listening' "$T/console.log"
}

# Port 0: no listener but SSH's.
start_con 0
expect_eq "$(listen_addrs "$CON_PID")" "127.0.0.1:$SSH_PORT" "console with metrics off"
grep -q 'metrics listening' "$T/console.log" && fail "metrics listener with port 0"
kill "$CON_PID"; wait "$CON_PID" 2>/dev/null || true
# A port someone holds (the storefront's): the console runs without
# /metrics and says so, rather than keeping creators out.
start_con "$MPORT"
grep -q 'level=error.*metrics listener not started' "$T/console.log" || fail "taken port not logged"
expect_eq "$(listen_addrs "$CON_PID")" "127.0.0.1:$SSH_PORT" "console without metrics"
kill "$CON_PID"; wait "$CON_PID" 2>/dev/null || true

CPORT=$(free_port)
start_con "$CPORT"
expect_match "$(listen_addrs "$CON_PID")" "^127\.0\.0\.1:$CPORT\$" "console metrics on loopback"
scrape "$CPORT" "$T/c1"
expect_eq "$(value "$T/c1" nyota_console_sessions)" 0 "no sessions"
expect_eq "$(value "$T/c1" nyota_console_logins_pending)" 0 "no logins pending"
grep -q '^nyota_http_requests_total' "$T/c1" && fail "storefront figures in the console"
# A connection that has not logged in (its process forked: the listener
# still answers after that fork, and from the parent only).
python3 -c 'import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
time.sleep(60)' "$SSH_PORT" &
CLIENT=$!
PIDS="$PIDS $CLIENT"
pending() { scrape "$CPORT" "$T/c2" && [ "$(value "$T/c2" nyota_console_logins_pending)" = "$1" ]; }
wait_until 30 "one login pending" pending 1
expect_eq "$(value "$T/c2" nyota_console_sessions)" 0 "still no sessions"
kids=$(pgrep -P "$CON_PID" | head -1)
[ -n "$kids" ] || fail "no connection process"
listen_addrs "$kids" | grep -q ":$CPORT\$" && fail "connection process holds the metrics listener"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "http://127.0.0.1:$CPORT/metrics")" 405 "console: DELETE refused"
kill "$CLIENT"
wait_until 30 "login gone" pending 0
echo ok
