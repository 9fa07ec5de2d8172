# The restore drill (README "Backup and restore"): a shop with an
# imported catalog makes paid sales on the simulated handset; `backup
# --keep 2 DIR` three times leaves the two newest (0600, DIR 0700, the
# content files mirrored once); `restore` is refused while the storefront
# runs and changes nothing; then the storefront is stopped, the data
# folder destroyed and the newest backup restored (the keys folder is
# kept: keys are backed up apart). After a restart every library link
# from before still opens, its download has the same bytes, and the
# catalog still sells.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/library-lib.bash"
SRC=${NYOTA_SRC:-$(pwd)}
export NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=200
PDF="$SRC/scripts/demo/files/nairobi-nights.pdf"
BK="$T/backups"

# buy PHONE: a paid checkout of nairobi-nights from a fresh browser;
# prints the order ref.
buy() {
	local jar="$T/jar.$1" page csrf loc ref st i
	page=$(curl -fsS -c "$jar" -b "$jar" "$URL/p/nairobi-nights?lang=en")
	csrf=$(printf '%s' "$page" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
	[ -n "$csrf" ] || fail "no CSRF token on the product page"
	loc=$(curl -sS -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" \
		--data-urlencode "phone=$1" --data "quantity=1&csrf=$csrf" \
		"$URL/p/nairobi-nights/checkout?lang=en")
	ref=${loc##*/checkout/}
	[ -n "$ref" ] && [ "$ref" != "$loc" ] || fail "checkout did not redirect: $loc"
	for i in $(seq 1 600); do
		st=$(curl -fsS "$URL/checkout/$ref/status")
		printf '%s' "$st" | grep -q '"paid"' && break
		sleep 0.1
	done
	expect_match "$st" '"status": *"paid"' "order $ref paid"
	echo "$ref"
}

# opens LINK: the library of LINK (on this storefront's port: a restart
# takes a new one) answers 200 and its first file downloads with exactly
# the bytes of the PDF sold.
opens() {
	local lib id loc tok
	tok=$(token_of "$1")
	expect_eq "$(status "$URL/l/$tok?lang=en")" 200 "library $1 opens"
	lib=$(curl -fsS "$URL/l/$tok?lang=en")
	id=$(printf '%s' "$lib" | grep -o "/l/$tok/files/[0-9]*" | head -1)
	[ -n "$id" ] || fail "no file link in the library $1"
	loc=$(curl -sS -o /dev/null -w '%{redirect_url}' "$URL$id")
	[ -n "$loc" ] || fail "no signed download URL for $id"
	rm -f "$T/got"
	curl -fsS -o "$T/got" "$loc" || fail "download $loc"
	cmp -s "$T/got" "$PDF" || fail "downloaded bytes differ ($1)"
}

console import "$SRC/scripts/demo/catalog.json" > /dev/null || fail "import"
start_storefront
buy "0712 345 678" > /dev/null
buy "0722 000 111" > /dev/null
link1=$(link_for 254712345678)
link2=$(link_for 254722000111)
opens "$link1"
opens "$link2"
paid=$(DB "SELECT count(*) FROM orders WHERE status = 'paid'")
expect_eq "$paid" 2 "two paid orders"
nblobs=$(find "$NYOTA_DATA_DIR/files" -type f | wc -l)
[ "$nblobs" -gt 0 ] || fail "no content files imported"

# Three backups, keep 2: the oldest goes; the files are copied once.
for n in 1 2 3; do
	out=$(console backup --keep 2 "$BK") || fail "backup $n: $out"
	expect_match "$out" "^backup written to $BK/nyota-[0-9]{8}-[0-9]{6}Z\.db" "backup $n: the file"
	if [ "$n" = 1 ]; then
		expect_match "$out" "content files copied: $nblobs;" "backup 1 copies the files"
		expect_match "$out" "old backups removed: 0;" "backup 1 removes none"
	else
		expect_match "$out" "content files copied: 0;" "backup $n copies no file again"
	fi
done
expect_match "$out" "old backups removed: 1;" "backup 3 removes the oldest"
expect_eq "$(ls "$BK" | grep -cE '^nyota-[0-9]{8}-[0-9]{6}Z\.db$')" 2 "two backups kept"
expect_eq "$(ls -A "$BK" | grep -vcE '^(nyota-[0-9]{8}-[0-9]{6}Z\.db|files)$' || true)" 0 "nothing else in the folder"
expect_eq "$(stat -c %a "$BK")" 700 "backup folder 0700"
for f in "$BK"/nyota-*.db; do
	expect_eq "$(stat -c %a "$f")" 600 "$f 0600"
	expect_eq "$(sqlite3 "$f" 'PRAGMA integrity_check')" ok "$f integrity"
done
loose=$(find "$BK" -perm /077)
[ -z "$loose" ] || fail "backups open to others: $loose"
expect_eq "$(find "$BK/files" -type f | wc -l)" "$nblobs" "content files mirrored"
newest=$(ls "$BK"/nyota-*.db | tail -1)

# Restore while the storefront runs: refused, nothing changed.
before=$(ls -A "$NYOTA_DATA_DIR" | grep -v '^nyota\.db-' | sort)
set +e
out=$(console restore "$newest" 2>&1)
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "restore ran beside the storefront"
expect_match "$out" 'is in use .*stop nyota-storefront, nyota-console and nyota-backup.timer first' "restore refused"
expect_eq "$(printf '%s\n' "$out" | wc -l)" 1 "one line"
expect_eq "$(ls -A "$NYOTA_DATA_DIR" | grep -v '^nyota\.db-' | sort)" "$before" "data folder unchanged"
expect_eq "$(DB "SELECT count(*) FROM orders WHERE status = 'paid'")" 2 "orders unchanged"
curl -fsS "$URL/healthz" > /dev/null || fail "storefront still up"

# Disaster: the storefront stops, the data folder is gone.
kill "$SF_PID"
wait "$SF_PID" 2>/dev/null || true
rm -rf "$NYOTA_DATA_DIR"
out=$(console restore "$newest") || fail "restore: $out"
expect_match "$out" "restored $newest into $NYOTA_DATA_DIR/nyota.db" "restored"
expect_match "$out" "content files copied back: $nblobs" "files copied back"
expect_match "$out" "keys are never in a backup" "keys apart"
printf '%s' "$out" | grep -q 'warning' && fail "files reported missing: $out"
expect_eq "$(stat -c %a "$NYOTA_DATA_DIR/nyota.db")" 600 "restored database 0600"
[ ! -e "$NYOTA_DATA_DIR/nyota.db-wal" ] || fail "stale -wal after restore"

# Again on the restored data: the old links, their files, new sales.
start_storefront
opens "$link1"
opens "$link2"
expect_eq "$(DB "SELECT count(*) FROM orders WHERE status = 'paid'")" 2 "paid orders back"
buy "0733 222 333" > /dev/null
expect_eq "$(DB "SELECT count(*) FROM orders WHERE status = 'paid'")" 3 "a new sale paid"
opens "$(link_for 254733222333)"
echo ok
