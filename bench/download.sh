#!/bin/bash
# Download throughput: a 200 MB file through the signed /dl URL of
# nyota-storefront (sendfile via MHD) against nginx sendfile of the same
# file, in the same run on the same machine. Two measures each: one
# stream (curl, median of BENCH_DL_RUNS downloads) and parallel streams
# (wrk, BENCH_CONNS connections for BENCH_SECONDS). Prints both and the
# ratios (target >= 0.9).
# Env: B (build dir), BENCH_DL_MB (200), BENCH_DL_RUNS (5),
# BENCH_SECONDS (10), BENCH_CONNS (4).
. "$(dirname "$0")/lib.sh"
MB=${BENCH_DL_MB:-200}
RUNS=${BENCH_DL_RUNS:-5}
SECS=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNS:-4}
bench_need wrk nginx curl sqlite3 python3

start_storefront

# The file, in the content store and as nginx's document.
mkdir -p "$T/www"
head -c $((MB * 1024 * 1024)) /dev/urandom > "$T/www/big.bin"
chmod 644 "$T/www/big.bin"
SHA=$(sha256sum "$T/www/big.bin" | cut -d' ' -f1)
SIZE=$(stat -c %s "$T/www/big.bin")
mkdir -p "$T/data/files/${SHA:0:2}"
ln "$T/www/big.bin" "$T/data/files/${SHA:0:2}/${SHA:2}" 2>/dev/null ||
	cp "$T/www/big.bin" "$T/data/files/${SHA:0:2}/${SHA:2}"
NOW=$(date +%s)
bench_db <<SQL
INSERT INTO creators(id, handle, created_at) VALUES (1, 'bench', 0);
INSERT INTO blobs(sha256, size, mime, created_at) VALUES ('$SHA', $SIZE, 'application/octet-stream', 0);
INSERT INTO products(id, creator_id, slug, kind, title, price_minor, currency, status, created_at, updated_at)
 VALUES (1, 1, 'big', 'download', 'Big', 100, 'KES', 'published', 0, 0);
INSERT INTO product_files(id, product_id, name, sha256) VALUES (1, 1, 'big.bin', '$SHA');
INSERT INTO customers(id, phone, created_at) VALUES (1, '254712345678', 0);
INSERT INTO orders(id, ref, customer_id, product_id, amount_minor, currency, status, created_at, updated_at, expires_at, paid_at)
 VALUES (1, 'b1', 1, 1, 100, 'KES', 'paid', $NOW, $NOW, $NOW, $NOW);
INSERT INTO entitlements(customer_id, product_id, order_id, starts_at) VALUES (1, 1, 1, $NOW);
SQL
# The library link arrives through recovery (WhatsApp log driver).
CSRF=$(curl -fsS -c "$T/jar" "$SF/library/recover" |
	sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -fsS -o /dev/null -b "$T/jar" --data "phone=0712345678&csrf=$CSRF" "$SF/library/recover"
for _ in $(seq 1 50); do
	[ -s "$T/data/whatsapp.jsonl" ] && break
	sleep 0.1
done
LINK=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["link"])' "$T/data/whatsapp.jsonl")
DL=$(curl -sS -o /dev/null -w '%{redirect_url}' "$LINK/files/1")
case "$DL" in "$SF"/dl/*) ;; *) echo "bench: no signed URL"; exit 1 ;; esac

start_nginx "$T/www" "	default_type application/octet-stream;"
NG="$NG/big.bin"

# Both serve the same bytes.
curl -fsS "$DL" | cmp - "$T/www/big.bin" || { echo "bench: /dl bytes differ"; exit 1; }
curl -fsS "$NG" | cmp - "$T/www/big.bin" || { echo "bench: nginx bytes differ"; exit 1; }

# median MB/s of RUNS single-stream downloads of URL
single() {
	for _ in $(seq 1 "$RUNS"); do
		curl -fsS -o /dev/null -w '%{speed_download}\n' "$1"
	done | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] / 1048576 }'
}
# MB/s over SECS with CONNS parallel connections (wrk's Transfer/sec)
parallel() {
	wrk -t "$CONNS" -c "$CONNS" -d "${SECS}s" "$1" 2>/dev/null |
		awk '/Transfer\/sec/ { v = $2; u = substr(v, length(v) - 1); n = v + 0;
		     if (u == "GB") n *= 1024; else if (u == "KB") n /= 1024;
		     printf "%.1f", n }'
}

echo "file: $MB MB, single stream median of $RUNS, parallel $CONNS conns ${SECS}s"
s_sf=$(single "$DL"); s_ng=$(single "$NG")
versus "single stream" "$s_sf" "$s_ng" MB/s "(target >= 0.9)"
p_sf=$(parallel "$DL"); p_ng=$(parallel "$NG")
versus "parallel ($CONNS)" "$p_sf" "$p_ng" MB/s "(target >= 0.9)"
result "downloads logged" "$(bench_db 'SELECT count(*) FROM downloads')"
summary "$MB MB download: single nyota $s_sf MB/s, nginx $s_ng MB/s, ratio $(ratio "$s_sf" "$s_ng"); parallel($CONNS) nyota $p_sf MB/s, nginx $p_ng MB/s, ratio $(ratio "$p_sf" "$p_ng") (target >= 0.9)"
