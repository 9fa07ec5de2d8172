#!/bin/bash
# Order pipeline throughput beside raw SQLite commits (see
# bench/order-bench.c). ORDER_BENCH_SECONDS per measurement (default 3).
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}
make -s B="$B" "$B/libnyota.a"
T=$(mktemp -d /tmp/nyota-bench-order.XXXXXX)
trap 'rm -rf "$T"' EXIT
PKGS="libssh libmicrohttpd ncursesw sqlite3 libsodium liboath jansson libqrencode libcmark libcurl"
cc -std=c11 -D_GNU_SOURCE -O2 -Ishared $(pkg-config --cflags $PKGS) \
	bench/order-bench.c "$B/libnyota.a" $(pkg-config --libs $PKGS) -lutil -lpthread -lm \
	-o "$T/order-bench"
NYOTA_LOG=warn "$T/order-bench" "$T" "${ORDER_BENCH_SECONDS:-3}"
