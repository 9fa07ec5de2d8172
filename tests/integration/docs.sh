# What operators read stays true: every variable config.c knows is in the
# README's configuration table; the README has the two commands, the
# admin commands, the layout and backup; the Dockerfile is multi-stage on
# Debian 12 slim, runs as a non-root user, declares the data and keys
# volumes and ports 8080 and 2222, and ships both programs.
. "$(dirname "$0")/lib.sh"
SRC=${NYOTA_SRC:-$(pwd)}
README="$SRC/README.md"
DOCKER="$SRC/Dockerfile"

vars=$(grep -o '{ "NYOTA_[A-Z0-9_]*"' "$SRC/shared/config.c" | tr -d '{" ')
[ "$(printf '%s\n' "$vars" | wc -l)" -ge 20 ] || fail "config table not found"
for v in $vars; do
	grep -q "^| .*\`$v\`" "$README" || fail "README configuration table lacks $v"
done
# …and documents nothing config.c does not know.
for v in $(grep -o '^| `NYOTA_[A-Z0-9_]*`\(, `NYOTA_[A-Z0-9_]*`\)*' "$README" | grep -o 'NYOTA_[A-Z0-9_]*'); do
	printf '%s\n' "$vars" | grep -qx "$v" || fail "README documents unknown $v"
done

for s in 'make run' 'make test' 'creator add' 'setup-code' 'export ' \
    'import ' 'backup ' '## Layout' '## Backup and restore' 'integrity_check'; do
	grep -qF -- "$s" "$README" || fail "README lacks '$s'"
done

[ "$(grep -c '^FROM debian:bookworm-slim' "$DOCKER")" -ge 2 ] || fail "Dockerfile: two bookworm-slim stages"
grep -q '^COPY --from=' "$DOCKER" || fail "Dockerfile: multi-stage copy"
user=$(sed -n 's/^USER //p' "$DOCKER" | tail -1)
[ -n "$user" ] && [ "$user" != root ] && [ "$user" != 0 ] || fail "Dockerfile: non-root USER"
grep -q '^VOLUME .*/data' "$DOCKER" || fail "Dockerfile: data volume"
grep -q '^VOLUME .*/keys' "$DOCKER" || fail "Dockerfile: keys volume"
grep -q '^EXPOSE .*8080' "$DOCKER" || fail "Dockerfile: port 8080"
grep -q '^EXPOSE .*2222' "$DOCKER" || fail "Dockerfile: port 2222"
grep -q 'nyota-storefront' "$DOCKER" && grep -q 'nyota-console' "$DOCKER" ||
	fail "Dockerfile: both programs"
grep -q 'nyota-console serve' "$README" || fail "README: how to run the console container"
# docs/ARCHITECTURE.md's module map has one row per file of shared/,
# storefront/ and tui/ (a header goes with its .c), and no row for a file
# that is gone.
ARCH="$SRC/docs/ARCHITECTURE.md"
rows=$(grep -o '^| `[a-z]*/[a-z0-9-]*\.[ch]`' "$ARCH" | tr -d '|` ')
[ "$(printf '%s\n' "$rows" | wc -l)" -ge 60 ] || fail "ARCHITECTURE.md: module map not found"
for f in "$SRC"/shared/*.[ch] "$SRC"/storefront/*.[ch] "$SRC"/tui/*.[ch]; do
	rel=${f#"$SRC"/}
	case $rel in
	*.h) [ -f "${f%.h}.c" ] && continue ;;
	esac
	printf '%s\n' "$rows" | grep -qxF "$rel" ||
		fail "ARCHITECTURE.md module map lacks $rel"
done
for r in $rows; do
	[ -f "$SRC/$r" ] || fail "ARCHITECTURE.md module map lists $r, which does not exist"
done
# Comments point at the project's own documents, not at one outside it
# (shipped migrations are never edited, so they are not read).
! grep -rn 'DESIGN' "$SRC"/shared "$SRC"/storefront "$SRC"/tui "$SRC"/tests/*.c \
    "$SRC"/docs "$SRC"/README.md >/dev/null ||
	fail "a reference to DESIGN (not in the repository): point at docs/ARCHITECTURE.md"

# .ci/run is executable and is exactly make test.
[ -x "$SRC/.ci/run" ] || fail ".ci/run is not executable"
expect_eq "$(grep -v '^#' "$SRC/.ci/run" | grep -v '^set -e' | grep -v '^cd ' | grep -v '^$')" \
	"make test" ".ci/run"
echo ok
