# Security issue, item 7: a download limit cannot be bypassed with Range.
# Before, only an answer that included byte 0 counted, so "Range: bytes=1-"
# gave the whole file minus one byte any number of times with the counter
# at 0. Now a limited file counts bytes sent; no sequence of ranged
# requests yields more complete copies than the limit, parallel requests
# included, while one interrupted copy can still be resumed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/library-lib.bash"
start_storefront
lib_seed
size=$(stat -c %s "$FILE1")
DB "UPDATE products SET download_limit = 1 WHERE id = 1"
read -r _ _ < <(recover "0712345678")
tokA=$(token_of "$(link_for 254712345678)")
loc=$(curl -sS -o /dev/null -w '%{redirect_url}' "$URL/l/$tokA/files/1")
expect_match "$loc" "/dl/1/" "signed URL"

# Five times "bytes=1-": the first is one copy (minus a byte), the rest
# are refused.
ok=0
for i in 1 2 3 4 5; do
	st=$(curl -sS -o "$T/part.$i" -w '%{http_code}' -H 'Range: bytes=1-' "$loc")
	[ "$st" = 206 ] && ok=$((ok + 1))
	[ "$st" = 206 ] || [ "$st" = 403 ] || fail "range $i: status $st"
done
expect_eq "$ok" 1 "ranged copies served with a limit of 1"
# Other shapes: most of the file again, a full one: refused once a copy
# has gone out (only half a copy of slack remains, for resumes).
expect_eq "$(status "$loc" -H "Range: bytes=0-$((size * 3 / 4))")" 403 "three quarters after a copy"
expect_eq "$(status "$loc")" 403 "full copy after a copy"
sent=$(DB "SELECT sum(bytes) FROM downloads WHERE entitlement_id = 1 AND file_id = 1")
[ "$sent" -lt $((size * 3 / 2 + 1)) ] || fail "sent $sent bytes for a limit of 1 (file $size)"
page=$(curl -fsS "$URL/l/$tokA?lang=en")
expect_match "$page" "Downloaded 1 of 1 time<" "the library counts the copy"
expect_eq "$(status "$URL/l/$tokA/files/1")" 403 "no new URL past the limit"

# Parallel requests cannot each take the whole budget: 8 at once after a
# reset, with a limit of 1, serve at most one copy and a half in bytes.
# (rows logged from the reset time on count: wait until the clock is past
# it, so none of the requests below is logged before it)
reset=$(( $(date +%s) + 1 ))
DB "UPDATE entitlements SET downloads_reset_at = $reset WHERE id = 1"
past_reset() { [ "$(date +%s)" -gt "$reset" ]; }
wait_until 30 "the clock past the reset" past_reset
expect_eq "$(status "$URL/l/$tokA/files/1")" 303 "download allowed after the reset"
loc=$(curl -sS -o /dev/null -w '%{redirect_url}' "$URL/l/$tokA/files/1")
for i in 1 2 3 4 5 6 7 8; do
	curl -sS -o "$T/par.$i" -w '%{http_code}\n' "$loc" > "$T/par.$i.st" &
done
wait_par() {
	local i
	for i in 1 2 3 4 5 6 7 8; do [ -s "$T/par.$i.st" ] || return 1; done
}
wait_until 60 "parallel downloads answered" wait_par
n200=$(cat "$T"/par.*.st | grep -c '^200$' || true)
expect_eq "$n200" 1 "parallel full copies with a limit of 1"

# A resumed copy still works: a 24 MB file read slowly and dropped after
# about a second, then resumed from where the buyer stopped.
head -c 25165824 /dev/urandom > "$T/big.bin"
bsha=$(put_blob "$T/big.bin")
bsize=$(stat -c %s "$T/big.bin")
DB "INSERT INTO products(id, creator_id, slug, kind, title, price_minor, currency, status, download_limit, created_at, updated_at)
     VALUES (7, 1, 'big', 'download', 'Big', 100, 'KES', 'published', 1, 0, 0);
    INSERT INTO product_files(id, product_id, name, sha256, position) VALUES (7, 7, 'big.bin', '$bsha', 0);
    INSERT INTO orders(id, ref, customer_id, product_id, quantity, amount_minor, currency, status, created_at, updated_at, expires_at, paid_at)
     VALUES (7, 'r7', 1, 7, 1, 100, 'KES', 'paid', 0, 0, 0, 0);
    $ORDER_LINES_SQL
    INSERT INTO entitlements(id, customer_id, product_id, order_id, starts_at) VALUES (7, 1, 7, 7, 0);"
bloc=$(curl -sS -o /dev/null -w '%{redirect_url}' "$URL/l/$tokA/files/7")
curl -sS --limit-rate 300k --max-time 1 -o "$T/big.part" "$bloc" || true
got=$(stat -c %s "$T/big.part")
[ "$got" -gt 0 ] && [ "$got" -lt "$bsize" ] || fail "interrupted download got $got bytes"
logged() { [ -n "$(DB "SELECT bytes FROM downloads WHERE entitlement_id = 7")" ]; }
wait_until 30 "the interrupted download logged" logged
curl -fsS -r "$got-" -o "$T/big.rest" "$bloc" || fail "resume refused"
cat "$T/big.part" "$T/big.rest" | cmp - "$T/big.bin" || fail "resumed bytes differ"
# And that was the copy: another full one is refused.
logged2() { [ "$(DB "SELECT count(*) FROM downloads WHERE entitlement_id = 7")" = 2 ]; }
wait_until 30 "the resume logged" logged2
expect_eq "$(status "$bloc")" 403 "second copy of the big file"
echo ok
