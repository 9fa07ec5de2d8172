# Downloads: 303 to a signed /dl URL; exact bytes; Range edges (first
# byte, last byte, suffix -100, beyond the end → 416, malformed → 200);
# ETag / If-None-Match / If-Range; tampered or expired signatures → 403;
# another buyer's key → refused; the per-file limit page, counted in bytes
# sent (see also sec-download-range.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/library-lib.bash"
start_storefront
lib_seed
size=$(stat -c %s "$FILE1")
# Room for the Range checks; the limit itself is tested further down.
DB "UPDATE products SET download_limit = 1000 WHERE id = 1"

read -r _ _ < <(recover "0712345678")
tokA=$(token_of "$(link_for 254712345678)")
read -r _ _ < <(recover "0722000111")
tokB=$(token_of "$(link_for 254722000111)")

# signed ID: the Location of /l/{tok}/files/ID (relative).
signed() {
	curl -sS -o /dev/null -w '%{redirect_url}' "$URL/l/$1/files/$2"
}
t0=$(date +%s)
loc=$(signed "$tokA" 1)
t1=$(date +%s)
expect_match "$loc" "^$URL/dl/1/Nairobi%20Nights%20%E2%80%94%20mix.bin\?e=1&exp=[0-9]+&sig=[A-Za-z0-9_-]{43}$" "signed URL"
expect_eq "$(status "$URL/l/$tokA/files/1")" 303 "redirect status"
exp=${loc#*exp=}; exp=${exp%%&*}
# Signed between t0 and t1 (however slow the machine) for 10 minutes.
[ "$exp" -ge $((t0 + 595)) ] && [ "$exp" -le $((t1 + 605)) ] ||
	fail "signed URL lives $((exp - t0)) s, not 10 minutes"

# Full download: exact bytes and headers.
curl -fsS -D "$T/h" -o "$T/got" "$loc"
cmp "$T/got" "$FILE1" || fail "downloaded bytes differ"
h=$(cat "$T/h")
expect_match "$h" "ETag: \"$FILE1_SHA\"" "ETag is the sha256"
expect_match "$h" 'Accept-Ranges: bytes' "Accept-Ranges"
expect_match "$h" "Content-Disposition: attachment; filename=\"Nairobi Nights _ mix.bin\"; filename\\*=UTF-8''Nairobi%20Nights%20%E2%80%94%20mix.bin" "RFC 6266 filename"
expect_match "$h" "Content-Length: $size" "length"

# range SPEC EXPECT_STATUS [FIRST LAST]
range() {
	local st
	st=$(curl -sS -D "$T/rh" -o "$T/part" -w '%{http_code}' -H "Range: $1" "$loc")
	expect_eq "$st" "$2" "Range $1 status"
	if [ "$2" = 206 ]; then
		expect_match "$(cat "$T/rh")" "Content-Range: bytes $3-$4/$size" "Range $1 Content-Range"
		tail -c +$(($3 + 1)) "$FILE1" | head -c $(($4 - $3 + 1)) > "$T/want"
		cmp "$T/part" "$T/want" || fail "Range $1 bytes differ"
	fi
}
range "bytes=0-0" 206 0 0
range "bytes=$((size - 1))-$((size - 1))" 206 $((size - 1)) $((size - 1))
range "bytes=-100" 206 $((size - 100)) $((size - 1))
range "bytes=1000-" 206 1000 $((size - 1))
range "bytes=100-99999999999" 206 100 $((size - 1))
range "bytes=$size-" 416
expect_match "$(cat "$T/rh")" "Content-Range: bytes \*/$size" "416 Content-Range"
range "bytes=-0" 416
range "bytes=5-2" 200
cmp "$T/part" "$FILE1" || fail "malformed Range: full body"
range "bytes=abc" 200
range "items=0-1" 200
range "bytes=0-1,5-6" 200
# If-Range with the ETag honours the range, with anything else sends all.
st=$(curl -sS -o "$T/part" -w '%{http_code}' -H 'Range: bytes=0-9' -H "If-Range: \"$FILE1_SHA\"" "$loc")
expect_eq "$st" 206 "If-Range match"
st=$(curl -sS -o "$T/part" -w '%{http_code}' -H 'Range: bytes=0-9' -H 'If-Range: "other"' "$loc")
expect_eq "$st" 200 "If-Range mismatch"
st=$(curl -sS -o /dev/null -w '%{http_code}' -H "If-None-Match: \"$FILE1_SHA\"" "$loc")
expect_eq "$st" 304 "If-None-Match"

# Tampered and expired signatures, wrong file or entitlement → 403.
sig=${loc##*sig=}
bad=${loc%sig=*}sig=$( [ "${sig:0:1}" = A ] && echo B || echo A )${sig:1}
expect_eq "$(status "$bad")" 403 "tampered signature"
expect_eq "$(status "${loc/\/dl\/1\//\/dl\/2\/}")" 403 "signature for another file"
expect_eq "$(status "${loc/e=1&/e=6&}")" 403 "signature for another entitlement"
expect_eq "$(status "${loc%%&sig=*}")" 403 "no signature"
exp=${loc#*exp=}; exp=${exp%%&*}
expect_eq "$(status "${loc/exp=$exp/exp=$((exp + 60))}")" 403 "changed expiry"
# An expired URL (the server's clock moved on) is refused.
expect_eq "$(status "$URL/dl/1/x?e=1&exp=1000&sig=$sig")" 403 "expired URL"

# Another buyer's key does not open A's subscription file; B's own file
# works; an expired subscription's file is refused.
expect_eq "$(status "$URL/l/$tokB/files/3")" 404 "another buyer's file"
expect_eq "$(status "$URL/l/$tokA/files/4")" 403 "expired subscription file"
locB=$(signed "$tokB" 2)
curl -fsS -o "$T/gotB" "$locB"
cmp "$T/gotB" "$T/intro.txt" || fail "B's bytes"
# A's signed URL for entitlement 1 cannot fetch B's file via e=6 either.
expect_eq "$(status "${locB/e=6&/e=1&}")" 403 "entitlement swap"

# A limited file counts bytes sent (every answer above, ranges too): the
# copies are bytes / size, to the nearest (the malformed ranges served in full, the
# If-Range mismatch and the first download make at least 4).
sent=$(DB "SELECT sum(bytes) FROM downloads WHERE entitlement_id = 1 AND file_id = 1")
n=$(( (sent + size / 2) / size ))
[ "$n" -ge 4 ] || fail "copies counted: $n ($sent bytes)"
# The limit reached: the library says so, and /dl refuses new ones —
# ranged ones too ("bytes=1-" is a copy minus one byte).
DB "UPDATE products SET download_limit = $n WHERE id = 1"
page=$(curl -fsS "$URL/l/$tokA?lang=en")
expect_match "$page" "Downloaded $n of $n times" "count on the page"
lim=$(curl -sS -w '\n%{http_code}' "$URL/l/$tokA/files/1?lang=en")
expect_eq "$(printf '%s' "$lim" | tail -1)" 403 "limit status"
expect_match "$lim" 'Download limit reached' "limit page"
expect_eq "$(status "$loc")" 403 "limit at /dl"
expect_eq "$(status "$loc" -H 'Range: bytes=1-')" 403 "ranged copy past the limit"
# The creator's reset lets the buyer download again.
DB "UPDATE entitlements SET downloads_reset_at = strftime('%s','now') + 1 WHERE id = 1"
# (the reset takes effect once the clock has passed it)
after_reset() { [ "$(status "$URL/l/$tokA/files/1")" = 303 ]; }
wait_until 30 "download allowed after the reset" after_reset
# A refund stops downloads at once, even with a signed URL.
loc2=$(signed "$tokA" 2)
DB "UPDATE orders SET status = 'refunded' WHERE id = 1"
expect_eq "$(status "$loc2")" 403 "refunded at /dl"
expect_eq "$(status "$URL/l/$tokA/files/2")" 403 "refunded at /l"
# No token ever reaches the log.
if grep -q "$tokA" "$T/storefront.log"; then fail "token in the log"; fi

# Expiry for real: a URL signed now, with a valid signature, is refused
# once the server's clock is 11 minutes on; the library signs a new one.
DB "UPDATE orders SET status = 'paid' WHERE id = 1"
loc3=$(signed "$tokB" 2)
expect_eq "$(status "$loc3")" 200 "fresh URL"
kill "$SF_PID"; wait "$SF_PID" 2>/dev/null || true
NYOTA_CLOCK_OFFSET=660 start_storefront
loc3=${loc3/127.0.0.1:[0-9]*\/dl/127.0.0.1:$PORT\/dl}
expect_match "$loc3" ":$PORT/dl/2/" "URL moved to the new port"
expect_eq "$(status "$loc3")" 403 "expired URL with a valid signature"
expect_eq "$(status "$URL/l/$tokB/files/2")" 303 "a new URL from the library"
curl -fsS -o "$T/gotB2" "$(signed "$tokB" 2)"
cmp "$T/gotB2" "$T/intro.txt" || fail "bytes after re-signing"
echo ok
