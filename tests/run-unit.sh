#!/bin/sh
# Runs every Check test binary given; prints each suite's summary and a
# final "N passed, N failed" line; exits non-zero when any failed.
pass=0 fail=0
mkdir -p tests/out
for t in "$@"; do
	name=$(basename "$t")
	if CK_DEFAULT_TIMEOUT=60 "$t" > "tests/out/$name.log" 2>&1; then
		pass=$((pass + 1))
		grep -E '^[0-9]+%:' "tests/out/$name.log" | sed "s/^/  $name: /"
	else
		fail=$((fail + 1))
		echo "FAIL $name"
		tail -40 "tests/out/$name.log"
	fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
