#!/bin/sh
# Runs every tests/integration/*.sh against the built binaries in $B.
# Each script starts what it needs on free ports in its own temp dir.
B=${B:-build}
export NYOTA_BIN=$(cd "$B" && pwd)
export NYOTA_SRC=$(pwd)
pass=0 fail=0
OUT=${OUT:-$B/test-out}
mkdir -p "$OUT"
for t in tests/integration/*.sh; do
	[ "$(basename "$t")" = lib.sh ] && continue
	name=$(basename "$t" .sh)
	# A sanitizer report anywhere in the output fails the test, even
	# from a command whose exit status the script ignores.
	if timeout 600 bash "$t" > "$OUT/it-$name.log" 2>&1 &&
	    ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error: ' \
	    "$OUT/it-$name.log"; then
		pass=$((pass + 1))
		echo "  ok   $name"
	else
		fail=$((fail + 1))
		echo "  FAIL $name"
		tail -40 "$OUT/it-$name.log"
	fi
done
echo "integration: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
