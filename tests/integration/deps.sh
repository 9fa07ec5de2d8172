# `make deps` (scripts/deps.sh) is quick and silent when everything is
# present (`make test` has just run it, so everything is), and it asks for
# every tool the tests and `make run` use.
. "$(dirname "$0")/lib.sh"
SRC=${NYOTA_SRC:-$(pwd)}
start=$(date +%s%N)
out=$(sh "$SRC/scripts/deps.sh" 2>&1)
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "$out" "" "deps output when all present"
# Generous: "quick" means no install or network, not a benchmark.
[ "$ms" -lt 30000 ] || fail "deps took ${ms} ms with everything present"
for p in tmux openssh-client oathtool curl sqlite3 chromium wrk nginx-light \
    python3 check libsubunit-dev clang pkg-config; do
	grep -qw -- "$p" "$SRC/scripts/deps.sh" || fail "deps.sh lacks $p"
done
for pc in libssh libmicrohttpd ncursesw sqlite3 libsodium liboath jansson \
    libqrencode libcmark libcurl check; do
	pkg-config --exists "$pc" || fail "pkg-config does not find $pc"
done
echo ok
