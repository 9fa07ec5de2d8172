#!/bin/sh
# Runs every Check test binary given, each suite's log in $OUT
# (default: the folder beside the test binaries, so parallel builds in
# different build dirs never share logs).
# Prints each suite's summary and a closing "unit: N passed, N failed"
# counted in checks; exits non-zero when any check or binary failed.
checks=0 failed=0 bad=0
OUT=${OUT:-$(dirname "${1:-build/tests/x}")/../test-out}
mkdir -p "$OUT"
for t in "$@"; do
	name=$(basename "$t")
	log="$OUT/$name.log"
	CK_DEFAULT_TIMEOUT=120 "$t" > "$log" 2>&1
	rc=$?
	line=$(grep -E '^[0-9]+%: Checks: ' "$log" | tail -1)
	n=$(printf '%s' "$line" | sed -n 's/.*Checks: \([0-9]*\).*/\1/p')
	f=$(printf '%s' "$line" | sed -n 's/.*Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2/p')
	[ -n "$n" ] || n=0
	set -- $f
	nf=$(( ${1:-0} + ${2:-0} ))
	checks=$((checks + n))
	failed=$((failed + nf))
	if [ "$rc" -ne 0 ] || [ -z "$line" ]; then
		bad=$((bad + 1))
		[ "$nf" -eq 0 ] && failed=$((failed + 1))
		echo "FAIL $name (exit $rc)"
		grep -E ':[EF]:' "$log" | head -20
		tail -20 "$log"
	else
		echo "  $name: $line"
	fi
done
echo "unit: $((checks - failed)) passed, $failed failed"
[ "$bad" -eq 0 ]
