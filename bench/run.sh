#!/bin/sh
# `make bench`: runs every bench/*.sh (except this one) against the build
# in $B (default build/). Each benchmark measures a reference in the same
# run and prints its own figures. BENCH="storefront" picks a subset.
set -u
cd "$(dirname "$0")/.."
export B=${B:-build}
fail=0
for f in bench/*.sh; do
	name=$(basename "$f" .sh)
	[ "$name" = run ] && continue
	if [ -n "${BENCH:-}" ]; then
		case " $BENCH " in *" $name "*) ;; *) continue ;; esac
	fi
	echo "== bench $name"
	bash "$f" || { echo "bench $name: FAILED"; fail=1; }
done
exit "$fail"
