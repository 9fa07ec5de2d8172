# "A stolen database copy opens nothing" (README, Backup and restore).
#
# Real purchases through the simulated provider (a download with files, a
# subscription with a file, two tickets, a webinar; two buyers), the
# WhatsApp log driver queues the library links, the buyer downloads and
# opens a ticket, a recovery sends a fresh link. Then a copy of the
# database is taken with `nyota-console backup`, and EVERY text and blob
# value of every table of the copy (and the key-like words inside texts,
# and hex/base64url/base64 of 16–64-byte blobs) is tried, with no
# cookies, on every GET route of storefront/routes.c that takes a
# parameter (read at run time: routes added later are tried too; POST
# routes with a parameter get the value in the path and the form). The
# test fails when a response reveals a library link, a signed /dl URL, a
# ticket QR page or file bytes, when a /l/ route answers 200 or 303, or
# when /checkout/{ref}/status gives a library_url: an order ref read from
# the copy may show the order's status, nothing that opens the library.
# The probe is tests/integration/security-dbcopy.py.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/library-lib.bash"
. "$(dirname "$0")/security-lib.bash"
SECONDS=0
export NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=100 NYOTA_CHECKOUT_LIMIT=1000
start_storefront

# ---- a small catalog, imported the way an operator does ----------------
mkdir -p "$T/cat/files"
head -c 300000 /dev/urandom > "$T/cat/files/mix.bin"
head -c 5000 /dev/urandom > "$T/cat/files/notes.bin"
head -c 7000 /dev/urandom > "$T/cat/files/issue.bin"
cat > "$T/cat/catalog.json" <<'EOF'
{"version": 1,
 "creators": [{"handle": "amani", "display_name": "Amani Studio", "locale": "en"}],
 "products": [
  {"creator": "amani", "slug": "nights", "kind": "download", "title": "Nairobi Nights",
   "summary": "songs", "story_md": "live", "price_minor": 50000, "currency": "KES",
   "status": "published",
   "files": [{"name": "mix.bin", "path": "files/mix.bin"}, {"name": "notes.bin", "path": "files/notes.bin"}]},
  {"creator": "amani", "slug": "club", "kind": "subscription", "title": "Club",
   "summary": "weekly", "story_md": "club", "price_minor": 20000, "currency": "KES",
   "status": "published", "subscription": {"period_days": 30},
   "files": [{"name": "issue-1.bin", "path": "files/issue.bin"}]},
  {"creator": "amani", "slug": "gig", "kind": "ticket", "title": "Gig",
   "summary": "live", "story_md": "doors at 8", "price_minor": 100000, "currency": "KES",
   "status": "published",
   "event": {"starts_at": "2031-01-15T18:00:00+03:00", "venue": "Nairobi", "capacity": 100}},
  {"creator": "amani", "slug": "class", "kind": "webinar", "title": "Class",
   "summary": "online", "story_md": "online", "price_minor": 100, "currency": "KES",
   "status": "published",
   "webinar": {"starts_at": "2031-01-16T18:00:00+03:00", "join_url": "https://meet.example/xyz"}}]}
EOF
console import "$T/cat/catalog.json" >/dev/null 2>"$T/import.err" || { cat "$T/import.err" >&2; fail "catalog import"; }
wait_page / 'Nairobi Nights'

# ---- real purchases through the simulated provider ----------------------
A="$T/jar-a" B="$T/jar-b"
refs=""
for item in "nights 0712 000 111 1" "club 0712 000 111 1" "gig 0712 000 111 2" \
    "class 0712 000 111 1" "nights 0733 000 222 1"; do
	set -- $item
	refs="$refs $(buy "$([ "$2" = 0712 ] && echo "$A" || echo "$B")" "$1" "$2 $3 $4" "$5")"
done
echo "purchases: 5 paid orders ($(DB "SELECT count(*) FROM tickets") tickets) for 2 buyers"

# the WhatsApp log driver sends the library links
linkA=$(link_for 254712000111)
linkB=$(link_for 254733000222)
tokA=$(token_of "$linkA")
expect_match "$tokA" '^[A-Za-z0-9_-]{43}$' "library token from WhatsApp"
# the buyer uses the library: a download, a ticket page
loc=$(curl -sS -o /dev/null -w '%{redirect_url}' "$linkA/files/1")
expect_match "$loc" '/dl/1/.*sig=' "buyer's download redirect"
expect_eq "$(curl -sS "$loc" | sha256sum | cut -c1-64)" "$(sha256sum < "$T/cat/files/mix.bin" | cut -c1-64)" "buyer's download"
# (the database keeps a ticket's code hashed and sealed: take it from the
# library page, as the buyer does)
code=$(curl -fsS "$linkA" | grep -o 'tickets/[0-9A-Z-]*' | head -1)
code=${code#tickets/}
expect_eq "$(status "$linkA/tickets/$code")" 200 "buyer's ticket page"
# a recovery queues a fresh link
read -r rc _ < <(recover "0712 000 111")
expect_eq "$rc" 200 "recovery"
sent_to_a() { [ "$(grep -c '"to":"254712000111"' "$NYOTA_DATA_DIR/whatsapp.jsonl")" -ge 5 ]; }
wait_until 20 "recovery message" sent_to_a
links=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    link = json.loads(l).get("link") or ""
    if "/l/" in link:
        print(link.rsplit("/l/", 1)[1])' "$NYOTA_DATA_DIR/whatsapp.jsonl" | sort -u)
[ -n "$links" ] || fail "no library link in whatsapp.jsonl"
echo "WhatsApp: $(wc -l < "$NYOTA_DATA_DIR/whatsapp.jsonl") messages queued and sent, $(printf '%s\n' "$links" | wc -l) distinct library links"
for l in $links; do
	expect_eq "$(status "$URL/l/$l")" 200 "the real link opens the library (control)"
done

# ---- the stolen copy -----------------------------------------------------
console backup "$T/copy.db" >/dev/null 2>&1 || fail "nyota-console backup"
expect_eq "$(sqlite3 "$T/copy.db" 'PRAGMA integrity_check')" ok "copy integrity"
expect_eq "$(sqlite3 "$T/copy.db" 'SELECT count(*) FROM orders WHERE status = '"'paid'")" 5 "paid orders in the copy"
# No ticket code a door would accept is in the copy (hashed and sealed).
grep -aq "${code//-/}" "$T/copy.db" && fail "a ticket code in clear in the copy"

# every value of the copy, on every GET route with a parameter, no cookies
# (the real links are passed to check that none of them is in the copy)
# shellcheck disable=SC2086
DBCOPY_CONTROL=$tokA python3 "$(dirname "$0")/security-dbcopy.py" \
	"$T/copy.db" "$NYOTA_SRC/storefront/routes.c" "$PORT" "$NYOTA_DATA_DIR/files" $links \
	|| fail "a value from the database copy opened something (see above)"
curl -fsS "$URL/healthz" >/dev/null || fail "storefront unhealthy after the probe"
echo "runtime: ${SECONDS}s"
echo ok
