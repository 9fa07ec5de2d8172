# Everything the programs create is private (folders 0700, files 0600)
# whatever the caller's umask: data and keys folders, the database and its
# -wal/-shm, blobs, the host and master keys, exports and backups. A data
# or keys folder left open to others is made private at start with a
# warning in the log; one that is open and not ours stops the program
# with one line (exit 2).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
trap console_cleanup EXIT
SRC=${NYOTA_SRC:-$(pwd)}
umask 022	# a usual, lax umask: the programs must not depend on it

# open_to_others DIR…: every path under DIR with a group or other bit.
open_to_others() { find "$@" -perm /077 -printf '%m %p\n' 2>/dev/null || true; }

# 1. Fresh folders: both servers, the admin commands, some traffic.
start_storefront
start_console
console creator add amani > /dev/null 2>&1 || fail "creator add"
console import "$SRC/scripts/demo/catalog.json" > /dev/null || fail "import"
curl -fsS "$URL/" > /dev/null || { tail -5 "$T/storefront.log"; fail "catalog"; }
curl -fsS "$URL/p/nairobi-nights" > /dev/null || true
mkdir "$T/exp"
console export "$T/exp/out/catalog.json" > /dev/null || fail "export"
console backup "$NYOTA_DATA_DIR/backup.db" > /dev/null || fail "backup"
[ -e "$NYOTA_DATA_DIR/nyota.db-wal" ] || fail "no -wal (WAL mode expected)"
[ -n "$(find "$NYOTA_DATA_DIR/files" -type f)" ] || fail "no blobs imported"
[ -e "$NYOTA_KEYS_DIR/ssh_host_ed25519_key" ] || fail "no host key"
loose=$(open_to_others "$NYOTA_DATA_DIR" "$NYOTA_KEYS_DIR" "$T/exp/out")
[ -z "$loose" ] || fail "open to others after a fresh start:
$loose"
kill "$SF_PID" "$CON_PID"
wait "$SF_PID" "$CON_PID" 2>/dev/null || true

# 2. Folders and files made loose by hand (or an older version): fixed at
# start, each with a warning.
chmod 0755 "$NYOTA_DATA_DIR" "$NYOTA_DATA_DIR/files" "$NYOTA_DATA_DIR/uploads" "$NYOTA_KEYS_DIR"
chmod 0644 "$NYOTA_DATA_DIR/nyota.db" "$NYOTA_KEYS_DIR/master.key"
touch "$NYOTA_DATA_DIR/whatsapp.jsonl"
chmod 0664 "$NYOTA_DATA_DIR/whatsapp.jsonl"
start_storefront
for p in "$NYOTA_DATA_DIR" "$NYOTA_DATA_DIR/files" "$NYOTA_DATA_DIR/uploads" \
	"$NYOTA_KEYS_DIR" "$NYOTA_DATA_DIR/nyota.db" "$NYOTA_KEYS_DIR/master.key" \
	"$NYOTA_DATA_DIR/whatsapp.jsonl"; do
	grep -q "level=warn .*made private.*path=$p was=" "$T/storefront.log" ||
		fail "no warning for $p: $(grep 'made private' "$T/storefront.log")"
done
loose=$(open_to_others "$NYOTA_DATA_DIR" "$NYOTA_KEYS_DIR")
[ -z "$loose" ] || fail "still open to others:
$loose"
expect_eq "$(stat -c %a "$NYOTA_DATA_DIR")" 700 "data folder fixed"
expect_eq "$(stat -c %a "$NYOTA_DATA_DIR/nyota.db")" 600 "database fixed"
kill "$SF_PID"
wait "$SF_PID" 2>/dev/null || true

# The admin commands check the same (a fresh loose folder).
D3="$T/data3"
mkdir -m 0755 "$D3"
out=$(NYOTA_DATA_DIR=$D3 console creator list 2>&1) || fail "creator list: $out"
expect_match "$out" "made private.*path=$D3 was=0755" "console warns"
expect_eq "$(stat -c %a "$D3")" 700 "console fixed the folder"

# 3. Open to others and not ours: refused, one line, exit 2, untouched.
if [ "$(id -u)" -eq 0 ]; then
	for which in data keys; do
		D4="$T/other-$which"
		mkdir -m 0755 "$D4"
		chown 65534 "$D4"
		set +e
		if [ $which = data ]; then
			out=$(NYOTA_DATA_DIR=$D4 "$NYOTA_BIN/nyota-storefront" 2>&1 </dev/null)
		else
			out=$(NYOTA_KEYS_DIR=$D4 "$NYOTA_BIN/nyota-console" creator list 2>&1 </dev/null)
		fi
		rc=$?
		set -e
		expect_eq "$rc" 2 "$which folder not ours: exit status"
		expect_eq "$(printf '%s\n' "$out" | grep -c .)" 1 "$which folder not ours: one line"
		expect_match "$out" "^nyota: $D4: open to other users \(mode 0755\) and owned by uid 65534, not by us" \
			"$which folder not ours: message"
		expect_eq "$(stat -c %a "$D4")" 755 "$which folder not ours: untouched"
	done
else
	echo "note: not root, the not-ours case is covered by test-app only" >&2
fi
echo ok
