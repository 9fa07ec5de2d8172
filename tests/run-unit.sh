#!/bin/sh
# Runs every Check test binary given, each suite's log in $OUT
# (default: the folder beside the test binaries, so parallel builds in
# different build dirs never share logs).
# Prints each suite's summary and a closing "unit: N passed, N failed"
# counted in checks; exits non-zero when any check or binary failed.
#
# The SQL of the whole suite is collected on the way: every binary runs
# with NYOTA_SQL_TRACE=$OUT/sql-trace.txt (shared/db.c appends each
# statement db_stmt compiles, with the file that prepared it), and
# test-schema runs last with NYOTA_SQL_PLANS naming that file, to check
# the query plan of every statement the code prepared.
checks=0 failed=0 bad=0
OUT=${OUT:-$(dirname "${1:-build/tests/x}")/../test-out}
mkdir -p "$OUT"
trace="$OUT/sql-trace.txt"
: > "$trace"

# run_one BINARY [VAR=value...]: runs one suite and counts its checks.
run_one() {
	t=$1
	shift
	name=$(basename "$t")
	log="$OUT/$name.log"
	env CK_DEFAULT_TIMEOUT=120 "$@" "$t" > "$log" 2>&1
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
	grep '^sql-plans: ' "$log" | sed 's/^/    /'
}

schema=
for t in "$@"; do
	case $(basename "$t") in
	test-schema) schema=$t ;;
	*) run_one "$t" NYOTA_SQL_TRACE="$trace" ;;
	esac
done
[ -z "$schema" ] || run_one "$schema" NYOTA_SQL_PLANS="$trace"
echo "unit: $((checks - failed)) passed, $failed failed"
[ "$bad" -eq 0 ]
