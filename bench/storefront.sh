#!/bin/bash
# Product page throughput: wrk against /p/{slug} on nyota-storefront and
# against nginx serving a static copy of the same bytes (same headers) in
# the same run, same machine, same wrk settings. Prints both and the ratio.
# Env: B (build dir), BENCH_SECONDS (default 10), BENCH_CONNS (default 64).
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}
SECS=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNS:-64}
BIN=$(cd "$B" && pwd)/nyota-storefront
for tool in wrk nginx curl sqlite3; do
	command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
		{ echo "bench: $tool is missing (make deps)"; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
T=$(mktemp -d /tmp/nyota-bench.XXXXXX)
SF_PID="" NG_PID=""
cleanup() {
	[ -n "$SF_PID" ] && kill "$SF_PID" 2>/dev/null
	[ -n "$NG_PID" ] && kill "$NG_PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

SF_PORT=$(port)
NYOTA_DATA_DIR="$T/data" NYOTA_KEYS_DIR="$T/keys" NYOTA_HTTP_PORT=$SF_PORT \
NYOTA_LOG=warn "$BIN" > "$T/sf.log" 2>&1 &
SF_PID=$!
for _ in $(seq 1 100); do
	curl -fs "http://127.0.0.1:$SF_PORT/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
sqlite3 "$T/data/nyota.db" < tests/integration/storefront-seed.sql
sleep 0.2
SLUG=nairobi-nights
COOKIE="Cookie: lang=en; csrf=AAAAAAAAAAAAAAAAAAAAAA"
SF_URL="http://127.0.0.1:$SF_PORT/p/$SLUG"
mkdir -p "$T/www"
chmod 755 "$T" "$T/www"	# nginx workers drop to an unprivileged user
curl -fs -H "$COOKIE" "$SF_URL" > "$T/www/page.html"
BYTES=$(wc -c < "$T/www/page.html")

NG_PORT=$(port)
mkdir -p "$T/nginx/logs"
cat > "$T/nginx/nginx.conf" <<NGX
worker_processes $(nproc);
pid $T/nginx/nginx.pid;
error_log $T/nginx/logs/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $T/nginx/body;
	proxy_temp_path $T/nginx/proxy;
	fastcgi_temp_path $T/nginx/fastcgi;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 100000;
	open_file_cache max=64 inactive=60s;	# nginx at its best: no open() per request
	open_file_cache_valid 60s;
	server {
		listen 127.0.0.1:$NG_PORT;
		location = /p/$SLUG {
			default_type "text/html; charset=utf-8";
			alias $T/www/page.html;
			add_header Content-Security-Policy "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
			add_header X-Content-Type-Options nosniff;
			add_header Referrer-Policy no-referrer;
			add_header Cache-Control no-cache;
		}
	}
}
NGX
"$NGINX" -p "$T/nginx" -c "$T/nginx/nginx.conf" &
NG_PID=$!
NG_URL="http://127.0.0.1:$NG_PORT/p/$SLUG"
for _ in $(seq 1 50); do
	curl -fs "$NG_URL" >/dev/null 2>&1 && break
	sleep 0.1
done
curl -fs "$NG_URL" > "$T/ng.html" || { echo "bench: nginx did not start:"; cat "$T/nginx/logs/error.log"; exit 1; }
cmp -s "$T/www/page.html" "$T/ng.html" || { echo "bench: nginx serves other bytes"; exit 1; }

rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$1"; }
run() {	# name url header-args…
	local name=$1 url=$2; shift 2
	wrk -t2 -c"$CONNS" -d1s "$@" "$url" > /dev/null 2>&1	# warm-up
	wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "$@" "$url" > "$T/$name.txt" 2>&1
	grep -E 'Non-2xx|Socket errors' "$T/$name.txt" || true
}
echo "product page: $BYTES bytes; wrk -t2 -c$CONNS -d${SECS}s on $(nproc) cores (wrk shares them)"
# alternate the two servers and keep each one's best round: the machine
# is shared, and a burst of other work should not decide the ratio
ROUNDS=${BENCH_ROUNDS:-2}
ng=0 sf=0
for r in $(seq 1 "$ROUNDS"); do
	run "nginx$r" "$NG_URL" -H "$COOKIE"
	run "nyota$r" "$SF_URL" -H "$COOKIE"
	a=$(rps "$T/nginx$r.txt"); b=$(rps "$T/nyota$r.txt")
	printf '  round %d: nginx %.0f, nyota %.0f req/s\n' "$r" "$a" "$b"
	ng=$(awk -v x="$ng" -v y="$a" 'BEGIN { print (y > x) ? y : x }')
	sf=$(awk -v x="$sf" -v y="$b" 'BEGIN { print (y > x) ? y : x }')
done
run nyota-first "$SF_URL"
sf1=$(rps "$T/nyota-first.txt")
p99() { awk '$1=="99%"{print $2}' "$1"; }
printf '  nginx (static copy, same headers)  %10.0f req/s  p99 %s\n' "$ng" "$(p99 "$T/nginx1.txt")"
printf '  nyota-storefront (returning buyer) %10.0f req/s  p99 %s\n' "$sf" "$(p99 "$T/nyota1.txt")"
printf '  nyota-storefront (first visit: new CSRF cookie each time) %.0f req/s\n' "$sf1"
awk -v a="$sf" -v b="$ng" 'BEGIN { printf "  ratio nyota/nginx: %.2f (target >= 0.70)\n", a / b }'
