#!/bin/bash
# The image's HEALTHCHECK (installed as /usr/local/bin/nyota-healthcheck).
# One image runs either program, so the check looks at which one is running:
#
#   nyota-storefront  GET /healthz must say {"status":"ok"}: "starting",
#                     "draining" and "unavailable" are unhealthy on purpose.
#   nyota-console     a socket listening on NYOTA_SSH_PORT. Not a connection:
#                     every handshake that stops short is logged, and a
#                     probe every 30 seconds would fill the log.
#
# bash and grep only: the runtime image has no curl, and its /dev/tcp is
# enough for one HTTP/1.0 request (the server closes, grep sees the end).
# The engine's --timeout bounds a server that accepts and never answers.
set -u

if grep -qsx 'nyota-console' /proc/[0-9]*/comm; then
	port=$(printf '%04X' "${NYOTA_SSH_PORT:-2222}") || exit 1
	# /proc/net/tcp{,6}: "sl local:PORT remote:0000 st …", st 0A = LISTEN.
	exec grep -qsE "^ *[0-9]+: [0-9A-F]+:$port [0-9A-F]+:0000 0A " \
	    /proc/net/tcp /proc/net/tcp6
fi

addr=${NYOTA_HTTP_ADDR:-127.0.0.1}
[ "$addr" = 0.0.0.0 ] && addr=127.0.0.1
exec 3<>"/dev/tcp/$addr/${NYOTA_HTTP_PORT:-8080}" || exit 1
printf 'GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
grep -qF '{"status":"ok"}' <&3
