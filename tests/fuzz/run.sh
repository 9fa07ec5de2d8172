#!/bin/sh
# Builds every tests/fuzz/fuzz-*.c with libFuzzer + ASan + UBSan against a
# dedicated clang build of libnyota (build-fuzz/, never the shared build/)
# and runs each for FUZZ_SECONDS (default 30). Seeds come from
# tests/fuzz/seeds/<name>/; the growing corpus and any crash files stay
# in build-fuzz/fuzz/. FUZZ_TARGETS="phone i18n" picks a subset.
# Exits non-zero when a target fails to build or finds a crash.
set -eu
cd "$(dirname "$0")/../.."
B=${FUZZ_BUILD:-build-fuzz}
SECS=${FUZZ_SECONDS:-30}
SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all"
PKGS="libssh libmicrohttpd ncursesw sqlite3 libsodium liboath jansson \
libqrencode libcmark libcurl"

command -v clang >/dev/null || { echo "fuzz: clang is required" >&2; exit 1; }
make -s B="$B" CC=clang OPT="-O1 -fno-omit-frame-pointer" SAN="$SAN" \
    "$B/libnyota.a"

if [ -n "${FUZZ_TARGETS:-}" ]; then
	targets=""
	for t in $FUZZ_TARGETS; do targets="$targets tests/fuzz/fuzz-$t.c"; done
else
	targets=$(ls tests/fuzz/fuzz-*.c)
fi

mkdir -p "$B/fuzz"
fail=0
for src in $targets; do
	name=$(basename "$src" .c)
	short=${name#fuzz-}
	bin="$B/fuzz/$name"
	clang -std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -Ishared $(pkg-config --cflags $PKGS) "$src" "$B/libnyota.a" \
	    $(pkg-config --libs $PKGS) -lutil -lpthread -lm -o "$bin" || {
		echo "fuzz: $name: build failed"; fail=1; continue; }
	corpus="$B/fuzz/corpus-$short"
	mkdir -p "$corpus"
	seeds=""
	[ -d "tests/fuzz/seeds/$short" ] && seeds="tests/fuzz/seeds/$short"
	echo "fuzz: $name for ${SECS}s"
	if "$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=8192 -artifact_prefix="$B/fuzz/$name-" \
	    -print_final_stats=1 "$corpus" $seeds \
	    > "$B/fuzz/$name.log" 2>&1; then
		grep -E '^(Done|stat::number_of_executed_units)' "$B/fuzz/$name.log" |
		    sed "s/^/  $name: /"
	else
		echo "fuzz: $name: FAILED (see $B/fuzz/$name.log)"
		tail -30 "$B/fuzz/$name.log"
		fail=1
	fi
done
[ "$fail" -eq 0 ] && echo "fuzz: all targets clean"
exit "$fail"
