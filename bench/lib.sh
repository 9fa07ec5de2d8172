# Helpers shared by the bench/*.sh benchmarks (bash; sourced, never run:
# bench/run.sh skips this file). Sourcing it changes to the repository
# root, sets B (build dir, default build/), makes a temp dir $T that the
# EXIT trap removes after killing every process started through here (or
# handed to bench_track), and defines:
#   bench_need TOOL…             fail unless every tool is installed
#   free_port                    a TCP port nothing listens on
#   wait_http URL [CURL-ARGS…]   poll URL (HEAD) until it answers 2xx/3xx
#   bench_db [SQL…]              sqlite3 on the storefront's $T/data/nyota.db
#   start_storefront [VAR=v…]    storefront on a free port with data and
#                                keys under $T; sets SF_PORT, SF (base
#                                URL), SF_PID; VAR=v adds/overrides env
#   start_nginx ROOT DIRECTIVES  nginx on a free port serving ROOT, with
#                                extra http-block DIRECTIVES; sets NG_PORT,
#                                NG (base URL), NG_PID
#   result NAME VALUE [UNIT]     prints "NAME: VALUE UNIT"
#   ratio A B                    prints A/B with two decimals (0 if B is 0)
#   versus WHAT A B UNIT NOTE    result lines for nyota's A, nginx's B and
#                                their ratio (NOTE after it, e.g. target)
#   summary TEXT                 adds a line to the summary bench/run.sh
#                                prints at the end (printed at once when
#                                the script runs on its own)
set -eu
cd "$(dirname "${BASH_SOURCE[0]}")/.."
B=${B:-build}
BENCH_NAME=$(basename "$0" .sh)
T=$(mktemp -d "/tmp/nyota-bench-$BENCH_NAME.XXXXXX")
BENCH_PIDS=""

bench_track() { BENCH_PIDS="$BENCH_PIDS $*"; }

bench_cleanup() {
	local p
	for p in $BENCH_PIDS; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$T"
}
trap bench_cleanup EXIT

bench_need() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
			{ echo "bench: $tool is missing (make deps)"; exit 1; }
	done
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_http() {
	local url=$1
	shift
	for _ in $(seq 1 100); do
		curl -fsI "$@" "$url" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

bench_db() { sqlite3 -cmd '.timeout 10000' "$T/data/nyota.db" "$@"; }

start_storefront() {
	SF_PORT=$(free_port)
	SF="http://127.0.0.1:$SF_PORT"
	env NYOTA_DATA_DIR="$T/data" NYOTA_KEYS_DIR="$T/keys" \
		NYOTA_HTTP_PORT="$SF_PORT" NYOTA_BASE_URL="$SF" NYOTA_LOG=warn "$@" \
		"$(cd "$B" && pwd)/nyota-storefront" > "$T/sf.log" 2>&1 &
	SF_PID=$!
	bench_track "$SF_PID"
	wait_http "$SF/healthz" ||
		{ echo "bench: storefront did not start:"; cat "$T/sf.log"; exit 1; }
}

start_nginx() {
	local root=$1 extra=$2 nginx
	nginx=$(command -v nginx || echo /usr/sbin/nginx)
	NG_PORT=$(free_port)
	NG="http://127.0.0.1:$NG_PORT"
	chmod 755 "$T" "$root"	# nginx workers drop to an unprivileged user
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
$extra
	server {
		listen 127.0.0.1:$NG_PORT;
		root $root;
	}
}
NGX
	"$nginx" -p "$T/nginx" -c "$T/nginx/nginx.conf" &
	NG_PID=$!
	bench_track "$NG_PID"
	for _ in $(seq 1 50); do
		# any answer (even 403/404 on /) means it is up
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$NG/" 2>/dev/null)" != 000 ] && return 0
		sleep 0.1
	done
	echo "bench: nginx did not start:"
	cat "$T/nginx/logs/error.log"
	exit 1
}

result() { echo "$1: $2${3:+ $3}"; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

versus() {
	result "$1 nyota" "$2" "$4"
	result "$1 nginx" "$3" "$4"
	result "$1 ratio nyota/nginx" "$(ratio "$2" "$3")" "$5"
}

summary() {
	if [ -n "${BENCH_SUMMARY:-}" ]; then
		echo "$BENCH_NAME: $*" >> "$BENCH_SUMMARY"
	else
		echo "summary: $*"
	fi
}
