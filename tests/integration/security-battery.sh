# The HTTP attack battery, re-run on every `make test` against the real
# storefront (curl, and python3 stdlib clients in security-http.py,
# security-xss.py). One function per attack family; each prints what it
# checked. A failed check prints "FAIL: family: what" and the battery goes
# on to the next family; the test fails at the end if any check failed.
#
#   traversal   encoded ../, %2e%2e, %00, double encoding, backslashes on
#               /static/, /cover/, /l/, /dl/ … → 4xx, never the bytes
#   signed      /dl URL forgery: changed id, e, exp, sig, another file's
#               sig, expired exp → 403/404, never the bytes
#   csrf        checkout and /library/recover without / with a wrong token
#               or cookie → 403, no order, no message
#   xss         payloads in every imported field (title, summary, story
#               Markdown, creator name and bio, venue, join URL, file
#               names) and reflected ones: no unescaped payload in the
#               catalog, creator, product, checkout, library, ticket pages
#               and the API; CSP on each
#   fts         FTS5 syntax in ?q= → 200, never 500, still healthy
#   malformed   huge headers/URL/bodies (413), bad methods, HTTP/0.9, bad
#               Content-Length, chunked garbage, NUL bytes → 4xx
#   slowloris   slow header senders do not starve other clients
#   daraja      forged M-Pesa callbacks: wrong secret → 404; unknown
#               CheckoutRequestID, wrong amount, unconfirmed success,
#               adoption of an in-flight push → never paid
#
# Findings known and not fixed yet print "OPEN (known, not fixed)" and
# fail only with SECURITY_STRICT=1 (see security-http.py open_cases).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
. "$(dirname "$0")/library-lib.bash"
. "$(dirname "$0")/security-lib.bash"
HERE=$(dirname "$0")
SECONDS=0
BAD=0
FAMILY=setup
bad() { echo "FAIL: $FAMILY: $*" >&2; BAD=$((BAD + 1)); }
# want WHAT GOT ALLOWED…: GOT must be one of ALLOWED; WANT_OK tells
# (returns 0 either way: the battery goes on after a failed check)
want() {
	local what=$1 got=$2 a
	shift 2
	WANT_OK=1
	for a in "$@"; do [ "$got" = "$a" ] && return 0; done
	bad "$what: got '$got', expected $*"
	WANT_OK=0
}
family() { FAMILY=$1; FAMILY_BAD0=$BAD; echo "== $1 ($SECONDS s)"; }
# summary TEXT: the family's last line, with its verdict
summary() {
	local n=$((BAD - FAMILY_BAD0))
	if [ "$n" = 0 ]; then echo "$FAMILY: ok: $*"; else echo "$FAMILY: $n FAILED: $*"; fi
}
code_of() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
orders() { DB "SELECT count(*) FROM orders"; }
healthy() { [ "$(curl -s --max-time 5 "$URL/healthz")" = '{"status":"ok"}' ] || bad "/healthz no longer answers ok"; }

export NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=100 NYOTA_CHECKOUT_LIMIT=1000
start_storefront

# ---- set-up: a catalog with payloads everywhere, real purchases --------
mkdir -p "$T/cat"
python3 "$HERE/security-xss.py" catalog "$T/cat/catalog.json" "$T/cat"
console import "$T/cat/catalog.json" > "$T/import.out" 2>&1 || { cat "$T/import.out" >&2; fail "import of the XSS catalog"; }
wait_page / 'Plain album'

JA="$T/jar-a" JB="$T/jar-b"
for s in xss-download xss-ticket xss-webinar xss-sub sec-plain; do
	REF_LAST=$(buy "$JA" "$s" "0712 000 111")
	[ -n "$REF_LAST" ] || fail "purchase of $s"
	eval "REF_$(echo "$s" | tr - _)=\$REF_LAST"
done
buy "$JB" sec-plain "0733 000 222" >/dev/null
TOKA=$(token_of "$(link_for 254712000111)")
TOKB=$(token_of "$(link_for 254733000222)")
expect_match "$TOKA" '^[A-Za-z0-9_-]{43}$' "library token of buyer A"
fid() { DB "SELECT f.id FROM product_files f JOIN products p ON p.id = f.product_id WHERE p.slug = '$1' AND f.name = '$2'"; }
F_PLAIN=$(fid sec-plain plain.bin)
F_PLAIN_TXT=$(fid sec-plain plain.txt)
F_XSS=$(DB "SELECT f.id FROM product_files f JOIN products p ON p.id = f.product_id WHERE p.slug = 'xss-download' LIMIT 1")
SHA_PLAIN=$(sha256sum < "$T/cat/files/a.bin" | cut -c1-64)
# redirect TOKEN FILE_ID: the signed /dl path the library gives
redirect() { curl -sS -o /dev/null -w '%{redirect_url}' "$URL/l/$1/files/$2" | sed "s|^$URL||"; }
DL1=$(redirect "$TOKA" "$F_PLAIN")
DL2=$(redirect "$TOKA" "$F_PLAIN_TXT")
DLB=$(redirect "$TOKB" "$F_PLAIN")
expect_match "$DL1" '^/dl/[0-9]+/[^?]+\?e=[0-9]+&exp=[0-9]+&sig=[A-Za-z0-9_-]+$' "signed URL shape"
echo "set-up: catalog imported, 6 paid purchases by 2 buyers, library links and signed URLs in hand ($SECONDS s)"

# ---- path traversal -----------------------------------------------------
t_traversal() {
	family traversal
	local q=${DL1#*\?}
	python3 "$HERE/security-http.py" traversal "$PORT" "$TOKA" "$NYOTA_DATA_DIR" \
		"$NYOTA_KEYS_DIR" "$F_PLAIN" "$q" "$SHA_PLAIN" || bad "see above"
	# curl normalises nothing with --path-as-is: the same on the wire
	local p
	for p in '/static/../../../../etc/passwd' '/static/..%2f..%2f..%2fetc%2fpasswd' \
	    '/l/..%2f..%2f..%2fetc%2fpasswd' "/l/$TOKA/files/..%2f..%2f$F_PLAIN" \
	    "/dl/$F_PLAIN/..%2f..%2f..%2fetc%2fpasswd" '/static/..\..\..\etc\passwd'; do
		want "GET $p" "$(code_of --path-as-is "$URL$p")" 400 403 404
	done
	healthy
	summary "never 2xx but the signed file itself, never 5xx, never the bytes of /etc/passwd, the database, the master key or a content file"
}

# ---- signed download URL forgery -----------------------------------------
t_signed() {
	family signed
	local id name e exp sig n=0 body="$T/dl.body" u what
	id=$(printf '%s' "$DL1" | sed 's|^/dl/\([0-9]*\)/.*|\1|')
	name=$(printf '%s' "$DL1" | sed 's|^/dl/[0-9]*/\([^?]*\)?.*|\1|')
	e=$(printf '%s' "$DL1" | sed 's|.*[?&]e=\([0-9]*\).*|\1|')
	exp=$(printf '%s' "$DL1" | sed 's|.*[?&]exp=\([0-9]*\).*|\1|')
	sig=$(printf '%s' "$DL1" | sed 's|.*[?&]sig=\([A-Za-z0-9_-]*\).*|\1|')
	local sig2 e2 exp2 eB sigB
	sig2=$(printf '%s' "$DL2" | sed 's|.*[?&]sig=\([A-Za-z0-9_-]*\).*|\1|')
	e2=$(printf '%s' "$DL2" | sed 's|.*[?&]e=\([0-9]*\).*|\1|')
	exp2=$(printf '%s' "$DL2" | sed 's|.*[?&]exp=\([0-9]*\).*|\1|')
	eB=$(printf '%s' "$DLB" | sed 's|.*[?&]e=\([0-9]*\).*|\1|')
	sigB=$(printf '%s' "$DLB" | sed 's|.*[?&]sig=\([A-Za-z0-9_-]*\).*|\1|')
	# control: the real URL gives the file
	want "the signed URL downloads (control)" "$(curl -sS "$URL$DL1" | sha256sum | cut -c1-64)" "$SHA_PLAIN"
	# the signature in standard base64 (when it has a - or _ to change)
	local sigstd
	sigstd=$(printf '%s' "$sig" | tr _- /+ | sed 's|/|%2F|g; s|+|%2B|g')
	[ "$sigstd" != "$sig" ] || sigstd="$sig%3D"
	flip() { local s=$1 c=${1: -1}; [ "$c" = A ] && c=B || c=A; printf '%s' "${s%?}$c"; }
	while IFS='|' read -r what u; do
		[ -n "$u" ] || continue
		n=$((n + 1))
		c=$(curl -s -o "$body" -w '%{http_code}' "$URL$u")
		want "$what ($u)" "$c" 403 404 400
		[ "$WANT_OK" = 1 ] || continue
		if [ -s "$body" ] && [ "$(sha256sum < "$body" | cut -c1-64)" = "$SHA_PLAIN" ]; then bad "$what: file bytes"; fi
		if cmp -s -n 64 "$body" "$T/cat/files/a.bin"; then bad "$what: file bytes"; fi
	done <<EOF
id of the other file of the product|/dl/$F_PLAIN_TXT/$name?e=$e&exp=$exp&sig=$sig
id of another product's file|/dl/$F_XSS/$name?e=$e&exp=$exp&sig=$sig
id 0|/dl/0/$name?e=$e&exp=$exp&sig=$sig
id with a leading zero and junk|/dl/${id}x/$name?e=$e&exp=$exp&sig=$sig
e + 1|/dl/$id/$name?e=$((e + 1))&exp=$exp&sig=$sig
e - 1|/dl/$id/$name?e=$((e - 1))&exp=$exp&sig=$sig
e of the other buyer|/dl/$id/$name?e=$eB&exp=$exp&sig=$sig
e 0|/dl/$id/$name?e=0&exp=$exp&sig=$sig
e -1|/dl/$id/$name?e=-1&exp=$exp&sig=$sig
exp + 1|/dl/$id/$name?e=$e&exp=$((exp + 1))&sig=$sig
exp - 1|/dl/$id/$name?e=$e&exp=$((exp - 1))&sig=$sig
exp + 1 day|/dl/$id/$name?e=$e&exp=$((exp + 86400))&sig=$sig
exp far future|/dl/$id/$name?e=$e&exp=99999999999&sig=$sig
exp 0|/dl/$id/$name?e=$e&exp=0&sig=$sig
exp -1|/dl/$id/$name?e=$e&exp=-1&sig=$sig
exp with junk|/dl/$id/$name?e=$e&exp=${exp}x&sig=$sig
exp in the past, forged sig|/dl/$id/$name?e=$e&exp=1000&sig=$sig
sig with its last character changed|/dl/$id/$name?e=$e&exp=$exp&sig=$(flip "$sig")
sig cut by one|/dl/$id/$name?e=$e&exp=$exp&sig=${sig%?}
sig plus one character|/dl/$id/$name?e=$e&exp=$exp&sig=${sig}A
sig empty|/dl/$id/$name?e=$e&exp=$exp&sig=
sig missing|/dl/$id/$name?e=$e&exp=$exp
e missing|/dl/$id/$name?exp=$exp&sig=$sig
exp missing|/dl/$id/$name?e=$e&sig=$sig
no query|/dl/$id/$name
sig in upper case|/dl/$id/$name?e=$e&exp=$exp&sig=$(printf '%s' "$sig" | tr a-z A-Z)
sig as standard base64 (or padded)|/dl/$id/$name?e=$e&exp=$exp&sig=$sigstd
sig of another file (same e/exp)|/dl/$id/$name?e=$e&exp=$exp&sig=$sig2
sig of another file (its e/exp)|/dl/$id/$name?e=$e2&exp=$exp2&sig=$sig2
sig of the other buyer with our e|/dl/$id/$name?e=$e&exp=$exp&sig=$sigB
sig 0000|/dl/$id/$name?e=$e&exp=$exp&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
forged library token|/l/$(flip "$TOKA")/files/$F_PLAIN
other buyer's token, file A owns alone|/l/$TOKB/files/$F_XSS
EOF
	summary "$n forged download URLs refused, none returned the file"
	DL_EXPIRE_CHECK="$DL1"
}

# ---- CSRF -----------------------------------------------------------------
t_csrf() {
	family csrf
	local jar="$T/jar-csrf" tok before msgs c n=0 other
	curl -fsS -c "$jar" -o /dev/null "$URL/p/sec-plain"
	tok=$(awk '$6 == "csrf" { print $7 }' "$jar")
	[ -n "$tok" ] || { bad "no csrf cookie"; return; }
	other=AAAAAAAAAAAAAAAAAAAAAA
	[ "$tok" = "$other" ] && other=BBBBBBBBBBBBBBBBBBBBBB
	before=$(orders)
	# post WHAT COOKIE FIELD PATH EXTRA…
	post() {
		local what=$1 cookie=$2 field=$3 path=$4
		shift 4
		n=$((n + 1))
		c=$(curl -s -o /dev/null -w '%{http_code}' ${cookie:+-b "csrf=$cookie"} \
			--data-urlencode "phone=0712000111" --data "quantity=1" \
			${field:+--data-urlencode "csrf=$field"} "$@" "$URL$path")
		want "$what on $path" "$c" 403
	}
	for path in /p/sec-plain/checkout /library/recover; do
		msgs=$(DB "SELECT (SELECT count(*) FROM messages) || '/' || (SELECT count(*) FROM recover_attempts)")
		post "no cookie, no token" "" "" "$path"
		post "cookie, no token" "$tok" "" "$path"
		post "token, no cookie" "" "$tok" "$path"
		post "cookie and a different valid-looking token" "$tok" "$other" "$path"
		post "token and a different cookie" "$other" "$tok" "$path"
		post "cookie and token both 'x'" x x "$path"
		post "token = cookie + 1 char" "$tok" "${tok}A" "$path"
		post "token with the cookie's last char changed" "$tok" "${tok%?}$([ "${tok: -1}" = A ] && echo B || echo A)" "$path"
		post "cross-site form (Origin evil, no cookie)" "" "$tok" "$path" -H 'Origin: https://evil.example'
		post "token in the query, not the form" "$tok" "" "$path?csrf=$tok"
		post "token in a header" "$tok" "" "$path" -H "X-CSRF-Token: $tok"
		c=$(curl -s -o /dev/null -w '%{http_code}' -b "csrf=$tok" -H 'Content-Type: application/json' \
			--data "{\"phone\":\"0712000111\",\"csrf\":\"$tok\"}" "$URL$path")
		n=$((n + 1))
		want "JSON body on $path" "$c" 403 400 415
		c=$(code_of -b "csrf=$tok" "$URL$path?phone=0712000111&csrf=$tok&quantity=1")
		n=$((n + 1))
		if [ "$path" = /library/recover ]; then
			want "GET with the form in the query on $path (the form, nothing sent)" "$c" 200
		else
			want "GET with the form in the query on $path" "$c" 405
		fi
		# messages are queued in the request's own transaction: no wait
		[ "$(DB "SELECT (SELECT count(*) FROM messages) || '/' || (SELECT count(*) FROM recover_attempts)")" = "$msgs" ] ||
			bad "a refused POST to $path queued a message or counted a recovery"
	done
	[ "$(orders)" = "$before" ] || bad "a refused checkout created an order ($before → $(orders))"
	# control: the same browser with its token is let through
	c=$(curl -s -o /dev/null -w '%{http_code}' -b "csrf=$tok" --data-urlencode "phone=0712 000 444" \
		--data "quantity=1&csrf=$tok" "$URL/p/sec-plain/checkout")
	want "control: cookie and matching token" "$c" 303
	[ "$(orders)" = "$((before + 1))" ] || bad "control checkout made no order"
	summary "$n refused POSTs on checkout and recovery, no order and no message from them; a control with the right token passes"
}

# ---- XSS --------------------------------------------------------------------
t_xss() {
	family xss
	local p f n=0 h c
	# xss_page PATH KIND [curl args]: fetches PATH, checks the CSP header
	# and runs security-xss.py KIND on the body
	xss_page() {
		local path=$1 kind=$2
		shift 2
		f="$T/xss.$n"
		n=$((n + 1))
		h=$(curl -sS -D - -o "$f" "$@" "$URL$path" | tr -d '\r')
		printf '%s' "$h" | grep -q "^Content-Security-Policy: default-src 'self'.*script-src 'self'" ||
			bad "no CSP header on $path"
		printf '%s' "$h" | grep -qi '^X-Content-Type-Options: nosniff' || bad "no nosniff on $path"
		python3 "$HERE/security-xss.py" "$kind" "$path" "$f" || bad "$path (see above)"
	}
	for p in / "/?kind=download" "/?q=Xd" /@mallory /p/xss-download /p/xss-ticket \
	    /p/xss-webinar /p/xss-sub "/l/$TOKA" "/?lang=sw"; do
		xss_page "$p" html
	done
	for p in /api/v1/products /api/v1/products/xss-download /api/v1/products/xss-ticket \
	    /api/v1/products/xss-webinar; do
		xss_page "$p" json
		h=$(curl -sS -o /dev/null -D - "$URL$p" | tr -d '\r')
		printf '%s' "$h" | grep -q '^Content-Type: application/json' || bad "API $p is not application/json"
	done
	# (the database keeps ticket codes hashed: take one from the library)
	code=$(curl -fsS "$URL/l/$TOKA" | grep -o 'tickets/[0-9A-Z-]*' | head -1)
	code=${code#tickets/}
	xss_page "/l/$TOKA/tickets/$code" html
	for e in $(DB "SELECT e.id FROM entitlements e JOIN products p ON p.id = e.product_id WHERE p.kind IN ('ticket', 'webinar') AND e.customer_id = (SELECT id FROM customers WHERE phone = '254712000111')"); do
		xss_page "/l/$TOKA/calendar/$e.ics" ics
	done
	# the buyer's own checkout pages (and the per-order library when it exists)
	xss_page "/checkout/$REF_xss_download" html -b "$JA"
	xss_page "/checkout/$REF_xss_webinar" html -b "$JA"
	if grep -q '"/checkout/{ref}/library"' "$NYOTA_SRC/storefront/routes.c"; then
		xss_page "/checkout/$REF_xss_ticket/library" html -b "$JA"
	fi
	# file names in Content-Disposition: encoded, no header injection
	h=$(curl -sS -o /dev/null -D - "$URL$(redirect "$TOKA" "$F_XSS")" | tr -d '\r')
	[ "$(printf '%s\n' "$h" | grep -ci '^Content-Disposition')" = 1 ] &&
	printf '%s' "$h" | grep -q '^Content-Disposition: attachment; filename="[^"]*"; filename\*=UTF-8'"''"'[A-Za-z0-9%!#$&+.^_`|~-]*$' ||
		bad "Content-Disposition of a payload file name: $(printf '%s' "$h" | grep -i '^Content-Disposition')"
	# reflected: the payload in the query, the path, the language
	XSS_EXPECT_MARKER=0
	export XSS_EXPECT_MARKER
	for p in "/?q=%3Cscript%3Ealert(%22nyx1%22)%3C%2Fscript%3E" "/?q=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E" \
	    "/?q=%27%20onmouseover%3D%27alert(5)&kind=%22%3E%3Csvg%20onload%3Dalert(4)%3E" \
	    "/p/%3Cscript%3Ealert(%22nyx1%22)%3C%2Fscript%3E" "/@%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E" \
	    "/?lang=%22%3E%3Cscript%3Ealert(%22nyx1%22)%3C%2Fscript%3E" \
	    "/l/%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E" "/checkout/%22%3E%3Csvg%20onload%3Dalert(4)%3E" \
	    "/library/recover?phone=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E" \
	    "/sim/phone?phone=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E" \
	    "/p/xss-download?lang=sw&x=%3Cscript%3Ealert(%22nyx1%22)%3C%2Fscript%3E"; do
		xss_page "$p" html
	done
	# the CSRF cookie is written into the form unescaped ({{{csrf}}}):
	# only a well-formed token may come back
	local ck
	for ck in '"><svg/onload=alert(4)' '"><script>alert("nyx1")</script>' \
	    'AAAAAAAAAAAAAAAAAAAA">' "AAAAAAAAAAAAAAAAAAAA'x" '%22%3E%3Cscript%3Ealert(%22nyx1%22)%3C%2Fscript%3E'; do
		xss_page /p/sec-plain html -H "Cookie: csrf=$ck"
		if grep -qF "$ck" "$f"; then bad "the csrf cookie '$ck' is echoed into the page"; fi
		xss_page /library/recover html -H "Cookie: csrf=$ck"
		if grep -qF "$ck" "$f"; then bad "the csrf cookie '$ck' is echoed into the recovery form"; fi
	done
	xss_page /p/sec-plain html -H 'Cookie: lang="><script>alert("nyx1")</script>' -H 'Accept-Language: "><script>alert("nyx1")</script>'
	unset XSS_EXPECT_MARKER
	# a javascript: join URL is refused at import, nothing changed
	python3 - "$T/cat/catalog.json" "$T/cat/bad.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
for p in c["products"]:
    if p["slug"] == "xss-webinar":
        p["webinar"]["join_url"] = "javascript:alert(document.cookie)"
json.dump(c, open(sys.argv[2], "w"))
PY
	local before
	before=$(DB "SELECT join_url FROM products WHERE slug = 'xss-webinar'")
	if console import "$T/cat/bad.json" > "$T/import.bad" 2>&1; then
		bad "a javascript: join_url was imported"
	else
		grep -q 'join_url' "$T/import.bad" || bad "import refusal does not name join_url: $(cat "$T/import.bad")"
	fi
	[ "$(DB "SELECT join_url FROM products WHERE slug = 'xss-webinar'")" = "$before" ] || bad "the refused import changed the join URL"
	summary "$n responses checked (payloads in title, summary, story_md, creator name and bio, venue, join URL, file names; reflected in query, path, lang, cookies), CSP on each; javascript: join URL refused at import"
}

# ---- FTS5 injection -----------------------------------------------------------
t_fts() {
	family fts
	local n=0 q c long
	long=$(head -c 3000 /dev/zero | tr '\0' 'a')
	while IFS= read -r q; do
		for p in / /api/v1/products; do
			n=$((n + 1))
			c=$(curl -s -o "$T/fts.body" -w '%{http_code}' -G --data-urlencode "q=$q" "$URL$p")
			want "GET $p?q=$(printf '%s' "$q" | head -c 60)" "$c" 200
		done
	done <<EOF
"
""
"""
'
''
a"b
"unterminated phrase
NEAR(
NEAR(a b)
NEAR(a b, -1)
NEAR(a b, 99999999999999999999)
title:plain
summary:plain
{title summary}:plain
- title:plain
nosuchcolumn:plain
products_fts:plain
rank:1
bm25(products_fts)
*
a*
*a
^plain
plain^
(
)
((((((((
))))))))
(a OR
AND
OR
NOT
a AND
a NOT
AND OR NOT NEAR
a:b:c
:
' OR 1=1 --
"; DROP TABLE products; --
') UNION SELECT sql FROM sqlite_master --
\\
%
_
+
-
MATCH
plain MATCH plain
é*
🙂 🙂 🙂
$(printf '\001\002\033')
$(head -c 200 /dev/zero | tr '\0' '"')
$(head -c 200 /dev/zero | tr '\0' '(')
$(for _ in $(seq 1 40); do printf 'NEAR('; done)
$(for _ in $(seq 1 60); do printf 'a OR '; done)
$(head -c 199 /dev/zero | tr '\0' 'a')
$long
EOF
	# other parameters of the catalog
	for p in "/?q=plain&kind=%22" "/?q=plain&page=999999" "/?q=plain&page=-1" "/?q=plain&page=1e9" \
	    "/api/v1/products?q=plain&page=0" "/?q=%00plain" "/?q=plain%00%22"; do
		n=$((n + 1))
		want "GET $p" "$(code_of "$URL$p")" 200
	done
	n=$((n + 1))
	want "GET /api/v1/products?kind=bogus" "$(code_of "$URL/api/v1/products?kind=%22")" 400
	grep -q 'Plain album' < <(curl -sS "$URL/?q=plain") || bad "search no longer finds a product after the battery"
	! grep -q 'catalog failed' "$T/storefront.log" || bad "the storefront logged a failed search: $(grep 'catalog failed' "$T/storefront.log" | head -1)"
	healthy
	summary "$n searches (quotes, NEAR, column filters, *, ^, parens, SQL, 3000 chars), all 200, server healthy"
}

# ---- oversized and malformed requests -------------------------------------------
t_malformed() {
	family malformed
	local rc=0
	python3 "$HERE/security-http.py" malformed "$PORT" > "$T/malformed.out" 2>&1 || rc=$?
	cat "$T/malformed.out"
	[ "$rc" = 0 ] || bad "see above"
	OPEN_N=$(grep -c '^OPEN' "$T/malformed.out" || true)
	healthy
	summary "every malformed request got its 4xx (or was cut off), /healthz answered after each; $OPEN_N open findings"
}

# ---- slowloris ----------------------------------------------------------------------
t_slowloris() {
	family slowloris
	python3 "$HERE/security-http.py" slowloris "$PORT" 12 6 || bad "see above"
	healthy
	summary "other clients were served while slow clients held connections"
}

# ---- Daraja callback forgery (and the expiry of a signed URL) -----------------------
t_daraja() {
	family daraja
	local secret=cb-secret-0123456789abcdef jar="$T/jar-m" r1 r2 r3 id1 id2 c q0 n=0 p
	kill "$SF_PID"; wait "$SF_PID" 2>/dev/null || true
	start_fake_daraja
	# 700 s later: the signed URLs taken above have expired
	export NYOTA_PAYMENTS=mpesa NYOTA_MPESA_BASE_URL=$FAKE NYOTA_MPESA_CONSUMER_KEY=ck \
		NYOTA_MPESA_CONSUMER_SECRET=cs NYOTA_MPESA_SHORTCODE=174379 \
		NYOTA_MPESA_PASSKEY=passkey123 NYOTA_MPESA_CALLBACK_SECRET=$secret NYOTA_CLOCK_OFFSET=700
	unset NYOTA_SIM_AUTO
	start_storefront
	c=$(curl -s -o "$T/exp.body" -w '%{http_code}' "$URL$DL_EXPIRE_CHECK")
	want "expired signed URL (exp passed 90 s ago)" "$c" 403
	! cmp -s -n 64 "$T/exp.body" "$T/cat/files/a.bin" || bad "expired signed URL returned the file"
	want "the library itself still opens" "$(code_of "$URL/l/$TOKA")" 200
	JAR=$jar
	curl -fsS -c "$JAR" -o /dev/null "$URL/p/sec-plain"
	CSRF=$(awk '$6 == "csrf" { print $7 }' "$JAR")
	ctl() { curl -fsS -H 'Content-Type: application/json' -d "$2" "$FAKE/_ctl/$1"; }
	push_id() {
		local id
		for _ in $(seq 1 300); do
			id=$(DB "SELECT coalesce(y.provider_ref, '') FROM payments y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$1'")
			[ -n "$id" ] && { echo "$id"; return 0; }
			sleep 0.1
		done
		fail "no push for $1"
	}
	# cb ID PHONE AMOUNT [CODE]: a success callback body as Daraja sends it
	cb() {
		printf '{"Body":{"stkCallback":{"MerchantRequestID":"29115-1-1","CheckoutRequestID":"%s","ResultCode":%s,"ResultDesc":"ok","CallbackMetadata":{"Item":[{"Name":"Amount","Value":%s},{"Name":"MpesaReceiptNumber","Value":"QKFORGED%s"},{"Name":"TransactionDate","Value":20261125120000},{"Name":"PhoneNumber","Value":%s}]}}}}' \
			"$1" "${4:-0}" "$3" "$RANDOM" "$2"
	}
	post_cb() { curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data "$2" --path-as-is "$URL/payments/mpesa/callback/$1"; }
	queries() { curl -fsS "$FAKE/_ctl/stats" | sed 's/.*"query": \([0-9]*\).*/\1/'; }
	queried_since() { [ "$(queries)" -gt "$1" ]; }
	state() { DB "SELECT status FROM orders WHERE ref = '$1'"; }
	settled() { [ "$(state "$1")" != pending ]; }
	in_flight() { [ "$(DB "SELECT count(*) FROM payments y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$1' AND y.push_started_at IS NOT NULL AND y.provider_ref IS NULL")" = 1 ]; }
	set -- $(checkout sec-plain "0712345601"); r1=$2
	want "mpesa checkout" "$1" 303
	id1=$(push_id "$r1")
	# wrong secrets, with a body that would otherwise be a valid success
	for p in wrong "${secret%?}x" "${secret}x" "${secret:0:16}" "$(printf '%s' "$secret" | tr a-z A-Z)" \
	    "$(printf '%s' "$secret" | sed 's/-/%2D/g')x" "$secret/" "x/../$secret" "%2e%2e/$secret" "%20$secret" ""; do
		n=$((n + 1))
		want "callback with secret '${p}'" "$(post_cb "$p" "$(cb "$id1" 254712345601 500)")" 404 405 400
	done
	n=$((n + 1))
	want "GET on the callback URL" "$(code_of "$URL/payments/mpesa/callback/$secret")" 405
	# the right secret: unknown CheckoutRequestID (phone and amount of r1),
	# r1's id with a wrong amount, r1's id with a success Daraja never confirmed
	q0=$(queries)
	want "unknown CheckoutRequestID" "$(post_cb "$secret" "$(cb ws_CO_FORGED000001 254712345601 500)")" 200
	want "wrong amount" "$(post_cb "$secret" "$(cb "$id1" 254712345601 1)")" 200
	want "unconfirmed success" "$(post_cb "$secret" "$(cb "$id1" 254712345601 500)")" 200
	want "malformed body" "$(post_cb "$secret" '{"Body":{"stkCallback":')" 400
	want "nested garbage" "$(post_cb "$secret" "$(head -c 9000 /dev/zero | tr '\0' '[')")" 400 413
	n=$((n + 5))
	wait_until 30 "the worker asks Daraja about r1 after the forged callbacks" queried_since "$q0"
	sleep 0.5
	want "order after forged callbacks" "$(state "$r1")" pending
	want "entitlements after forged callbacks" "$(DB "SELECT count(*) FROM entitlements e JOIN orders o ON o.id = e.order_id WHERE o.ref = '$r1'")" 0
	# a wrong amount stays unpaid even when Daraja confirms the request
	set -- $(checkout sec-plain "0712345602"); r2=$2
	id2=$(push_id "$r2")
	want "wrong amount (2)" "$(post_cb "$secret" "$(cb "$id2" 254712345602 1)")" 200
	ctl query "{\"id\":\"$id2\",\"code\":0}" >/dev/null
	want "wrong amount (2), again" "$(post_cb "$secret" "$(cb "$id2" 254712345602 1)")" 200
	wait_until 30 "r2 settled" settled "$r2"
	want "order with a wrong-amount callback Daraja confirms" "$(state "$r2")" failed
	want "its reason" "$(DB "SELECT coalesce(failure, '') FROM orders WHERE ref = '$r2'")" amount_mismatch
	# a push in flight (no CheckoutRequestID yet): a forged unknown id
	# with its phone and amount is adopted, but never pays it
	ctl push_delay '{"ms":2500}' >/dev/null
	set -- $(checkout sec-plain "0712345603"); r3=$2
	wait_until 20 "push of r3 in flight" in_flight "$r3"
	want "forged callback for a push in flight" "$(post_cb "$secret" "$(cb ws_CO_FORGED000002 254712345603 500)")" 200
	q0=$(queries)
	wait_until 30 "the worker asks Daraja about r3" queried_since "$q0"
	# past the delayed push reply (2.5 s): never paid meanwhile
	for _ in $(seq 1 30); do
		[ "$(state "$r3")" = paid ] && break
		sleep 0.1
	done
	ctl push_delay '{"ms":0}' >/dev/null
	want "order after a forged adoption" "$(state "$r3")" pending
	echo "daraja: the forged id for the push in flight was $(DB "SELECT CASE provider_ref WHEN 'ws_CO_FORGED000002' THEN 'adopted (the real push reply then found no new payment)' ELSE 'not adopted' END FROM payments y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$r3'")"
	n=$((n + 3))
	want "paid orders under M-Pesa (no real callback was sent)" "$(DB "SELECT count(*) FROM orders o JOIN payments y ON y.order_id = o.id WHERE y.provider = 'mpesa' AND o.status = 'paid'")" 0
	healthy
	summary "$n forged callbacks; wrong secrets 404; unknown id, wrong amount, unconfirmed success and adoption of a push in flight never paid; expired signed URL 403"
}

t_traversal
t_signed
t_csrf
t_xss
t_fts
t_malformed
t_slowloris
t_daraja
FAMILY=end
[ "$(grep -c 'level=error' "$T/storefront.log" || true)" = 0 ] || echo "note: storefront logged errors: $(grep 'level=error' "$T/storefront.log" | head -3)"
echo "battery: 8 families in ${SECONDS}s, $BAD failed checks, ${OPEN_N:-0} open findings (known, not fixed: fail with SECURITY_STRICT=1)"
[ "$BAD" -eq 0 ] || fail "$BAD security checks failed (see FAIL lines above)"
echo ok
