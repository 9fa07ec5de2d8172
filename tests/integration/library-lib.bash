# Helpers for the library-*.sh integration tests (sourced after lib.sh).
#
# lib_seed: after start_storefront, puts a small shop into the database
# with sqlite3 (the checkout is not needed): creator amani; products
# 1 download "Nairobi Nights" (two files, limit 3), 2 subscription "Club"
# (active), 3 ticket "Gig", 4 webinar "Class", 6 subscription "Old Club"
# (expired); buyer A (254712345678, sw) owns all of them, buyer B
# (254722000111, en) owns only product 1. Sets FILE1 (path of a 300 KB
# random file), FILE1_SHA, TICKET_CODE.

DB() { sqlite3 -cmd '.timeout 5000' "$NYOTA_DATA_DIR/nyota.db" "$@"; }

# put_blob PATH: copies PATH into the content store; prints its sha256.
put_blob() {
	local sha size
	sha=$(sha256sum "$1" | cut -d' ' -f1)
	size=$(stat -c %s "$1")
	mkdir -p "$NYOTA_DATA_DIR/files/${sha:0:2}"
	cp "$1" "$NYOTA_DATA_DIR/files/${sha:0:2}/${sha:2}"
	DB "INSERT OR IGNORE INTO blobs (sha256, size, mime, created_at) VALUES ('$sha', $size, 'application/octet-stream', 0)"
	echo "$sha"
}

lib_seed() {
	local now start sha2
	now=$(date +%s)
	start=$((now + 7 * 86400))
	FILE1="$T/nights.bin"
	head -c 307201 /dev/urandom > "$FILE1"
	printf 'hello intro\n' > "$T/intro.txt"
	FILE1_SHA=$(put_blob "$FILE1")
	sha2=$(put_blob "$T/intro.txt")
	TICKET_CODE=7K3MQ9XHABCDEFGHJKMNPQRS
	DB <<EOF
INSERT INTO creators(id, handle, display_name, created_at) VALUES (1, 'amani', 'Amani Studio', 0);
INSERT INTO products(id, creator_id, slug, kind, title, price_minor, currency, status, download_limit, created_at, updated_at)
 VALUES (1, 1, 'nairobi-nights', 'download', 'Nairobi Nights', 50000, 'KES', 'published', 3, 0, 0);
INSERT INTO products(id, creator_id, slug, kind, title, price_minor, currency, status, period_days, created_at, updated_at)
 VALUES (2, 1, 'club', 'subscription', 'Club', 20000, 'KES', 'published', 30, 0, 0),
        (6, 1, 'old-club', 'subscription', 'Old Club', 20000, 'KES', 'published', 30, 0, 0);
INSERT INTO products(id, creator_id, slug, kind, title, price_minor, currency, status, starts_at, venue, capacity, created_at, updated_at)
 VALUES (3, 1, 'gig', 'ticket', 'Gig', 100000, 'KES', 'published', $start, 'Alliance Française, Nairobi', 100, 0, 0);
INSERT INTO products(id, creator_id, slug, kind, title, price_minor, currency, status, starts_at, join_url, created_at, updated_at)
 VALUES (4, 1, 'class', 'webinar', 'Class', 100, 'KES', 'published', $start, 'https://meet.example/xyz', 0, 0);
INSERT INTO product_files(id, product_id, name, sha256, position) VALUES
 (1, 1, 'Nairobi Nights — mix.bin', '$FILE1_SHA', 0), (2, 1, 'intro.txt', '$sha2', 1),
 (3, 2, 'issue-1.bin', '$FILE1_SHA', 0), (4, 6, 'old.bin', '$FILE1_SHA', 0);
INSERT INTO customers(id, phone, locale, created_at) VALUES (1, '254712345678', 'sw', 0), (2, '254722000111', 'en', 0);
INSERT INTO orders(id, ref, customer_id, product_id, quantity, amount_minor, currency, status, created_at, updated_at, expires_at, paid_at) VALUES
 (1, 'r1', 1, 1, 1, 50000, 'KES', 'paid', $now, $now, $now, $now),
 (2, 'r2', 1, 2, 1, 20000, 'KES', 'paid', $now, $now, $now, $now),
 (3, 'r3', 1, 3, 1, 100000, 'KES', 'paid', $now, $now, $now, $now),
 (4, 'r4', 1, 4, 1, 100, 'KES', 'paid', $now, $now, $now, $now),
 (5, 'r5', 1, 6, 1, 20000, 'KES', 'paid', $((now - 90 * 86400)), $now, $now, $now),
 (6, 'r6', 2, 1, 1, 50000, 'KES', 'paid', $now, $now, $now, $now);
$ORDER_LINES_SQL
INSERT INTO entitlements(id, customer_id, product_id, order_id, starts_at, expires_at) VALUES
 (1, 1, 1, 1, $now, NULL), (2, 1, 2, 2, $now, $((now + 30 * 86400))), (3, 1, 3, 3, $now, NULL),
 (4, 1, 4, 4, $now, NULL), (5, 1, 6, 5, $((now - 90 * 86400)), $((now - 60 * 86400))),
 (6, 2, 1, 6, $now, NULL);
INSERT INTO tickets(order_id, product_id, customer_id, code, created_at) VALUES (3, 3, 1, '$TICKET_CODE', $now);
EOF
}

# csrf_get: fetches the recovery form with a cookie jar ($T/jar) and
# prints the form's CSRF token.
csrf_get() {
	curl -fsS -c "$T/jar" -b "$T/jar" "$URL/library/recover?lang=en" |
		sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1
}

# recover PHONE: posts the recovery form; prints "STATUS BODYFILE".
recover() {
	local csrf out
	csrf=$(csrf_get)
	out="$T/recover.$RANDOM.html"
	code=$(curl -sS -o "$out" -w '%{http_code}' -c "$T/jar" -b "$T/jar" \
		--data-urlencode "phone=$1" --data-urlencode "csrf=$csrf" \
		"$URL/library/recover?lang=en")
	echo "$code $out"
}

# link_for PHONE_E164: waits for a WhatsApp line to PHONE and prints the
# newest link in it.
link_for() {
	local i line
	for i in $(seq 1 300); do
		line=$(grep "\"to\":\"$1\"" "$NYOTA_DATA_DIR/whatsapp.jsonl" 2>/dev/null | tail -1 || true)
		if [ -n "$line" ]; then
			printf '%s' "$line" | python3 -c 'import json,sys; print(json.load(sys.stdin)["link"])'
			return 0
		fi
		sleep 0.1
	done
	fail "no WhatsApp message to $1"
}

# token_of LINK: the token part of a library link.
token_of() { printf '%s' "${1##*/l/}"; }

# status URL [curl args]: prints the HTTP status.
status() { local u=$1; shift; curl -s -o /dev/null -w '%{http_code}' "$@" "$u"; }
