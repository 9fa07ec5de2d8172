#!/bin/sh
# `make bench`: runs every bench/*.sh (except this one and lib.sh, the
# helpers they source) against the build in $B (default build/). Each
# benchmark measures a reference in the same run and prints its own
# figures; the key ones are repeated in a summary at the end.
# BENCH="storefront" picks a subset.
set -u
cd "$(dirname "$0")/.."
export B=${B:-build}
BENCH_SUMMARY=$(mktemp /tmp/nyota-bench-summary.XXXXXX)
export BENCH_SUMMARY
trap 'rm -f "$BENCH_SUMMARY"' EXIT
start=$(date +%s)
fail=0
for f in bench/*.sh; do
	name=$(basename "$f" .sh)
	case "$name" in run|lib) continue ;; esac
	if [ -n "${BENCH:-}" ]; then
		case " $BENCH " in *" $name "*) ;; *) continue ;; esac
	fi
	echo "== bench $name"
	bash "$f" || { echo "bench $name: FAILED"; echo "$name: FAILED" >> "$BENCH_SUMMARY"; fail=1; }
done
echo "== summary ($(( $(date +%s) - start )) s on $(nproc) cores, build $B)"
cat "$BENCH_SUMMARY"
exit "$fail"
