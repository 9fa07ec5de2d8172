#!/bin/bash
# Builds the Dockerfile with podman and checks the image the way an
# operator uses it: the storefront answers /healthz through a published
# port, the console listens for ssh, both run as nyota (uid 10001), every
# file they create in /data and /keys is private, the HEALTHCHECK says
# healthy, an admin command works on the same volumes, and SIGTERM ends
# both with status 0.
#
# Not part of `make test`: it takes minutes, needs podman and, for the
# base image, root. Run it with `make image-test`.
#
# The base image: a local debian:bookworm-slim if podman already has one
# (pulled from a registry, or imported by an earlier run); otherwise the
# tarball cached in $CACHE; otherwise one made with `debootstrap
# --variant=minbase bookworm` from this machine's Debian mirror, trimmed
# like the slim image, cached, and imported under the same name, so the
# Dockerfile's FROM resolves without a registry (--pull=never).
#
# Environment: NYOTA_IMAGE_CACHE (default build/image-cache),
# NYOTA_IMAGE_REFRESH=1 (make the base anew), NYOTA_IMAGE_KEEP=1 (leave
# the containers and volumes for a look), NYOTA_IMAGE_NET=published|host
# (default: published ports when podman's network works), NYOTA_IMAGE_TAG.
set -eu
cd "$(dirname "$0")/../.."
SRC=$PWD
CACHE=${NYOTA_IMAGE_CACHE:-$SRC/build/image-cache}
BASE=docker.io/library/debian:bookworm-slim
BASE_TAR=$CACHE/debian-bookworm-minbase.tar.gz
TAG=${NYOTA_IMAGE_TAG:-localhost/nyota:image-test}
WEB=nyota-it-web
CON=nyota-it-console
VDATA=nyota-it-data
VKEYS=nyota-it-keys

T0=$(date +%s)
STAGE_T=$T0
say() { printf '== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
# Prints how long the stage that just ended took, then starts the next.
stage() {
	now=$(date +%s)
	[ -n "${STAGE:-}" ] && printf '   (%s: %ss)\n' "$STAGE" $((now - STAGE_T))
	STAGE=$1 STAGE_T=$now
	[ -n "$1" ] && say "$1"
	return 0
}
freeport() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

command -v podman >/dev/null ||
	fail "podman not found (Debian: apt-get install --no-install-recommends podman uidmap slirp4netns netavark aardvark-dns iptables fuse-overlayfs runc)"
if [ -e /sys/fs/cgroup/cgroup.controllers ]; then cg=v2
elif [ -d /sys/fs/cgroup/unified ]; then cg="v1 (hybrid)"
else cg=v1; fi
say "$(podman --version), $(uname -sr), cgroup $cg"

# podman runs every check container with these (set by find_engine).
PODMAN=(podman)
RUNFLAGS=()

remove() {
	podman rm -f -v -t 0 "$WEB" "$CON" >/dev/null 2>&1 || true
	podman volume rm -f "$VDATA" "$VKEYS" >/dev/null 2>&1 || true
}
cleanup() {
	if [ "${NYOTA_IMAGE_KEEP:-0}" = 1 ]; then
		say "kept: containers $WEB $CON, volumes $VDATA $VKEYS"
	else
		remove
	fi
}
remove		# what an earlier run kept
trap cleanup EXIT

# --- base image -------------------------------------------------------------
mirror_of() {	# $1: path ending; prints the host's first matching apt URI
	grep -hoE "https?://[^ ]+/$1/?( |\$)" /etc/apt/sources.list \
	    /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
	    2>/dev/null | head -1 | tr -d ' ' | sed 's:/$::'
}

make_base_tar() {
	command -v debootstrap >/dev/null || fail "debootstrap not found (apt-get install debootstrap)"
	[ "$(id -u)" = 0 ] || fail "debootstrap needs root (or put $BASE_TAR in place)"
	mirror=$(mirror_of debian); mirror=${mirror:-http://deb.debian.org/debian}
	security=$(mirror_of debian-security)
	root=$(mktemp -d /var/tmp/nyota-rootfs.XXXXXX)
	say "debootstrap --variant=minbase bookworm from $mirror"
	debootstrap --variant=minbase bookworm "$root" "$mirror" >"$CACHE/debootstrap.log" 2>&1 ||
		{ tail -20 "$CACHE/debootstrap.log"; rm -rf "$root"; fail "debootstrap"; }
	# Trimmed like debian:bookworm-slim: no documentation, manuals or
	# translations now or from later installs, no apt caches.
	cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<-'EOF'
	path-exclude /usr/share/doc/*
	path-include /usr/share/doc/*/copyright
	path-exclude /usr/share/man/*
	path-exclude /usr/share/groff/*
	path-exclude /usr/share/info/*
	path-exclude /usr/share/lintian/*
	path-exclude /usr/share/locale/*
	EOF
	cat >"$root/etc/apt/apt.conf.d/docker-clean" <<-'EOF'
	DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
	APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
	Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";
	EOF
	find "$root/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
	find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
	rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* \
	    "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin \
	    "$root"/var/lib/apt/lists/* "$root"/etc/apt/sources.list
	find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
	# The host's name, resolver and machine id are not the image's.
	rm -f "$root/etc/hostname" "$root/etc/resolv.conf"
	: >"$root/etc/machine-id"
	{
		printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\n' "$mirror"
		printf 'Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
		[ -n "$security" ] &&
			printf '\nTypes: deb\nURIs: %s\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$security"
	} >"$root/etc/apt/sources.list.d/debian.sources"
	tar --numeric-owner -C "$root" -c . | gzip -1 >"$BASE_TAR.tmp"
	mv "$BASE_TAR.tmp" "$BASE_TAR"
	rm -rf "$root"
	say "cached $BASE_TAR ($(du -h "$BASE_TAR" | cut -f1))"
}

stage "base image $BASE"
mkdir -p "$CACHE"
if [ "${NYOTA_IMAGE_REFRESH:-0}" = 1 ]; then
	rm -f "$BASE_TAR"
	podman rmi -f "$BASE" >/dev/null 2>&1 || true
fi
if podman image exists "$BASE"; then
	say "present in podman's storage, used as is"
else
	[ -s "$BASE_TAR" ] || make_base_tar
	podman import --quiet --change 'CMD ["bash"]' "$BASE_TAR" "$BASE" >/dev/null
	say "imported $BASE_TAR as $BASE"
fi

# --- engine -----------------------------------------------------------------
# What this host lets a container do, tried from the plain default on:
# a hybrid cgroup v1/v2 host defeats crun ("cgroups in hybrid mode not
# supported"), and without CAP_SYS_RESOURCE (a VM's sandbox) the runtime
# may not raise RLIMIT_NOFILE/NPROC to podman's defaults ("setrlimit:
# Operation not permitted"), so it gets the current hard limits, capped
# at the 32768 processes conmon itself runs with.
stage "engine"
hn=$(ulimit -Hn); [ "$hn" = unlimited ] && hn=1048576
hu=$(ulimit -Hu); { [ "$hu" = unlimited ] || [ "$hu" -gt 32768 ]; } && hu=32768
ULIM=(--ulimit "nofile=$hn:$hn" --ulimit "nproc=$hu:$hu")
found=
def=$(podman info -f '{{.Host.OCIRuntime.Name}}' 2>/dev/null || true)
for rt in "" crun runc; do
	[ -n "$rt" ] && { [ "$rt" = "$def" ] || ! command -v "$rt" >/dev/null; } && continue
	for lim in no yes; do
		p=(podman); [ -n "$rt" ] && p+=(--runtime "$rt")
		f=(); [ $lim = yes ] && f=("${ULIM[@]}")
		if err=$("${p[@]}" run --rm --network=none "${f[@]}" "$BASE" true 2>&1); then
			PODMAN=("${p[@]}"); RUNFLAGS=("${f[@]}"); found=1; break 2
		fi
		say "not: ${p[*]} run ${f[*]}: $err"
	done
done
[ -n "$found" ] || fail "podman cannot run a container here (errors above)"
say "using: ${PODMAN[*]} run ${RUNFLAGS[*]}"
# A published port needs netavark (and iptables); else the host's network,
# with the storefront kept on loopback.
pp=$(freeport)
NET=${NYOTA_IMAGE_NET:-}
if [ -n "$NET" ]; then
	:
elif "${PODMAN[@]}" run --rm "${RUNFLAGS[@]}" -p "127.0.0.1:$pp:$pp" "$BASE" true >/dev/null 2>&1; then
	NET=published
else
	NET=host
fi
say "network: $NET"

# --- build --------------------------------------------------------------------
stage "build $TAG"
old=$(podman image inspect -f '{{.Id}}' "$TAG" 2>/dev/null || true)
# --format docker keeps HEALTHCHECK; --network=host lets apt reach the
# mirror whatever podman's own network can do.
"${PODMAN[@]}" build --pull=never --network=host --format docker "${RUNFLAGS[@]}" \
    -t "$TAG" -f Dockerfile . >"$CACHE/build.log" 2>&1 ||
	{ tail -30 "$CACHE/build.log"; fail "podman build (log: $CACHE/build.log)"; }
# The previous run's image, untagged now: not kept (the layer cache is).
new=$(podman image inspect -f '{{.Id}}' "$TAG")
if [ -n "$old" ] && [ "$old" != "$new" ]; then
	podman rmi "$old" >/dev/null 2>&1 || true
fi
say "built $(podman image inspect -f '{{.Id}}' "$TAG" | cut -c1-12), $(podman image inspect -f '{{.Size}}' "$TAG" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
hc=$(podman image inspect -f '{{json .Config.Healthcheck}}' "$TAG")
case $hc in *nyota-healthcheck*) ;; *) fail "image has no HEALTHCHECK: $hc" ;; esac
user=$(podman image inspect -f '{{.Config.User}}' "$TAG")
[ "$user" = nyota ] || fail "image USER is '$user', expected nyota"

# --- run ----------------------------------------------------------------------
stage "run storefront and console"
podman volume create "$VDATA" >/dev/null
podman volume create "$VKEYS" >/dev/null
VOLS=(-v "$VDATA:/data" -v "$VKEYS:/keys")
HP=$(freeport); SP=$(freeport)
# Metrics on the container's loopback (read below with podman exec); off
# on the host's network, where they would take the host's 9464/9465.
ENVS=()
[ "$NET" = host ] && ENVS=(-e NYOTA_METRICS_PORT=0 -e NYOTA_CONSOLE_METRICS_PORT=0)
# As deploy/docker-compose.yml runs them: read-only root, no capabilities.
HARD=(--read-only --tmpfs /tmp --cap-drop=ALL --security-opt no-new-privileges)
# podman times the HEALTHCHECK with systemd; on a machine without it
# "unable to get systemd connection" is logged on start and stop (and the
# check runs below, by hand), so their stderr goes here.
ERR=$CACHE/podman.err; : >"$ERR"
if [ "$NET" = published ]; then
	WEBNET=(-p "127.0.0.1:$HP:8080"); CONNET=(-p "127.0.0.1:$SP:2222")
else
	WEBNET=(--network=host -e NYOTA_HTTP_ADDR=127.0.0.1 -e "NYOTA_HTTP_PORT=$HP")
	CONNET=(--network=host -e NYOTA_SSH_ADDR=127.0.0.1 -e "NYOTA_SSH_PORT=$SP")
fi
"${PODMAN[@]}" run -d --name "$WEB" "${RUNFLAGS[@]}" "${HARD[@]}" "${WEBNET[@]}" "${ENVS[@]}" \
    "${VOLS[@]}" "$TAG" >/dev/null 2>>"$ERR" || { cat "$ERR"; fail "podman run $WEB"; }
# The console after the storefront has migrated: two first starts on one
# empty volume would race to create the database.
ok=
for _ in $(seq 120); do
	body=$(curl -s "http://127.0.0.1:$HP/healthz" || true)
	[ "$body" = '{"status":"ok"}' ] && { ok=1; break; }
	sleep 0.5
done
[ -n "$ok" ] || { podman logs "$WEB" | tail -20; fail "storefront /healthz: '$body'"; }
say "storefront: GET http://127.0.0.1:$HP/healthz → $body"
"${PODMAN[@]}" run -d --name "$CON" "${RUNFLAGS[@]}" "${HARD[@]}" "${CONNET[@]}" "${ENVS[@]}" \
    "${VOLS[@]}" "$TAG" nyota-console serve >/dev/null 2>>"$ERR" ||
	{ cat "$ERR"; fail "podman run $CON"; }
banner=
for _ in $(seq 60); do
	banner=$(timeout 5 python3 - "$SP" <<-'EOF' 2>/dev/null || true
	import socket, sys
	s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=4)
	s.sendall(b"SSH-2.0-nyota-image-test\r\n")
	print(s.recv(255).split(b"\r\n")[0].decode())
	EOF
	)
	case $banner in SSH-2.0-*) break ;; esac
	sleep 0.5
done
case $banner in SSH-2.0-*) ;; *) podman logs "$CON" | tail -20; fail "console on port $SP: no ssh banner" ;; esac
say "console: 127.0.0.1:$SP → $banner"

# --- checks -------------------------------------------------------------------
stage "checks"
h=$(curl -s -D - -o /dev/null "http://127.0.0.1:$HP/healthz")
printf '%s\n' "$h" | grep -qi '^Cache-Control: no-store' || fail "healthz: no Cache-Control: no-store"
if [ "$NET" = published ]; then
	# shellcheck disable=SC2016 # expanded in the container
	get='exec 3<>/dev/tcp/127.0.0.1/$1 && printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3'
	m=$(podman exec "$WEB" bash -c "$get" - 9464) || fail "storefront /metrics"
	printf '%s\n' "$m" | grep -q '^nyota_ready 1' || fail "storefront /metrics: no 'nyota_ready 1'"
	printf '%s\n' "$m" | grep -q '^nyota_build_info{' || fail "storefront /metrics: no nyota_build_info"
	m=$(podman exec "$CON" bash -c "$get" - 9465) || fail "console /metrics"
	printf '%s\n' "$m" | grep -q '^nyota_console_sessions ' || fail "console /metrics: no nyota_console_sessions"
	say "metrics: storefront nyota_ready 1, console nyota_console_sessions (container loopback)"
fi
for c in "$WEB" "$CON"; do
	uid=$(podman exec "$c" awk '/^Uid:/ { print $2 }' /proc/1/status)
	[ "$uid" = 10001 ] || fail "$c: pid 1 runs as uid $uid, expected 10001 (nyota)"
	um=$(podman exec "$c" awk '/^Umask:/ { print $2 }' /proc/1/status)
	[ "$um" = 0077 ] || fail "$c: umask $um, expected 0077"
	podman healthcheck run "$c" >/dev/null ||
		fail "$c: HEALTHCHECK says unhealthy"
	# …and can say so: pointed at a port nothing listens on.
	! podman exec -e NYOTA_HTTP_PORT=1 -e NYOTA_SSH_PORT=1 "$c" \
	    nyota-healthcheck >/dev/null 2>&1 ||
		fail "$c: the health check passes with nothing listening"
	say "$c: uid 10001 (nyota), umask $um, healthcheck healthy"
done
# An admin command on the same volumes, while both run: its files are
# private too (the demo's covers and files land in /data/files).
"${PODMAN[@]}" run --rm "${RUNFLAGS[@]}" "${HARD[@]}" --network=none "${ENVS[@]}" "${VOLS[@]}" "$TAG" \
    nyota-console import /usr/share/nyota/demo/catalog.json >"$CACHE/import.log" 2>&1 ||
	{ cat "$CACHE/import.log"; fail "nyota-console import of the demo catalog"; }
"${PODMAN[@]}" run --rm "${RUNFLAGS[@]}" "${HARD[@]}" --network=none "${ENVS[@]}" "${VOLS[@]}" "$TAG" \
    nyota-console backup /data/image-test-backup.db >"$CACHE/backup.log" 2>&1 ||
	{ cat "$CACHE/backup.log"; fail "nyota-console backup"; }
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HP/")
[ "$code" = 200 ] || fail "storefront GET / after the import: $code"
podman exec "$CON" ls -la /data /data/files /keys
open=$(podman exec "$CON" find /data /keys -mindepth 1 -perm /077 -printf '%m %u %p\n')
[ -z "$open" ] || fail "readable or writable by others:
$open"
foreign=$(podman exec "$CON" find /data /keys ! -user nyota -printf '%u %p\n')
[ -z "$foreign" ] || fail "not owned by nyota:
$foreign"
for k in ssh_host_ed25519_key master.key; do
	m=$(podman exec "$CON" stat -c '%a %U' "/keys/$k") || fail "/keys/$k missing"
	[ "$m" = "600 nyota" ] || fail "/keys/$k: $m, expected 600 nyota"
done
for d in /data /keys; do
	m=$(podman exec "$CON" stat -c '%a %U' "$d")
	[ "$m" = "700 nyota" ] || fail "$d: $m, expected 700 nyota"
done
say "every file in /data and /keys is nyota's and 0600/0700; host key and master key 0600"

# --- stop -----------------------------------------------------------------------
stage "stop (SIGTERM)"
for c in "$WEB" "$CON"; do
	s=$(date +%s)
	podman stop -t 30 "$c" >/dev/null 2>>"$ERR" || { cat "$ERR"; fail "podman stop $c"; }
	rc=$(podman inspect -f '{{.State.ExitCode}}' "$c")
	[ "$rc" = 0 ] || { podman logs "$c" | tail -10; fail "$c: exit status $rc after SIGTERM"; }
	say "$c: exit 0 after SIGTERM ($(($(date +%s) - s))s)"
done

stage ""
say "image test passed in $(($(date +%s) - T0))s ($TAG kept; podman rmi $TAG to free it)"
