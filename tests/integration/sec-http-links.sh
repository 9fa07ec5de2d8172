# Request paths never become off-site links: the language switch on any
# page (error pages included) is built from a path that starts with
# exactly one '/', whatever the client sent (`//host`, `/\host`, encoded
# slashes, tabs); and no answer carries a Location taken from the path.
. "$(dirname "$0")/lib.sh"

start_storefront

# get RAWPATH: body of GET RAWPATH sent as is, headers in $T/h.
get() {
	curl -s --path-as-is -D "$T/h" -o "$T/body" "$URL$1"
	cat "$T/body"
}

for raw in '//evil.example/x' '///evil.example/x' '/%2F%2Fevil.example/x' \
	'/%2fevil.example/x' '/\evil.example/x' '/%5C%5Cevil.example/x' \
	'/%09/evil.example/x' '//evil.example/x?lang=sw' '/.//evil.example'; do
	body=$(get "$raw")
	expect_match "$(head -1 "$T/h")" ' 404' "$raw: status"
	link=$(printf '%s' "$body" | grep -o '<a class="lang" href="[^"]*"' || true)
	[ -n "$link" ] || fail "$raw: no language link"
	href=${link#*href=\"}
	href=${href%\"}
	case "$href" in
	/[!/\\]*) ;;
	*) fail "$raw: language link leaves the site: $href" ;;
	esac
	case "$href" in
	*evil.example*'?lang='*) ;;
	*) fail "$raw: language link lost the page: $href" ;;
	esac
	printf '%s' "$body" | grep -qiE 'href="(//|/\\|https?:|javascript:)' &&
		fail "$raw: an off-site link in the page"
	grep -qi '^location:' "$T/h" && fail "$raw: a Location header"
done
# The exact forms for the first case.
get '//evil.example/x' | grep -q 'href="/evil.example/x?lang=sw"' ||
	fail "//evil.example/x: expected href=\"/evil.example/x?lang=sw\""
# An ordinary page keeps its own path.
curl -s "$URL/@nobody" | grep -q 'href="/@nobody?lang=sw"' ||
	fail "ordinary path changed"
echo ok
