#!/bin/sh
# Installs Nyota on this machine (Debian 12, systemd), or upgrades it:
#
#   make B=build && sudo sh deploy/install.sh build
#
# Idempotent: run it again after every build to upgrade. It creates the
# system user `nyota`, the folders (private: 0700 nyota), installs the two
# programs into /usr/local/bin and the units into /etc/systemd/system, and
# the configuration template /etc/nyota/nyota.env (0640 root:nyota) only
# when there is none: an operator's file is never overwritten. It enables
# and starts nothing: the steps it prints are the operator's.
#
# ROOT=/some/dir installs into that tree instead (for tests and packaging):
# no user is created, nothing is chowned, systemctl is not called.
set -eu

ROOT=${ROOT:-}
BUILD=${1:-}
HERE=$(cd "$(dirname "$0")" && pwd)

if [ -z "$BUILD" ] || [ ! -x "$BUILD/nyota-storefront" ] ||
    [ ! -x "$BUILD/nyota-console" ]; then
	echo "usage: install.sh BUILD_DIR  (the folder holding nyota-storefront and nyota-console, e.g. build)" >&2
	exit 2
fi
if [ -z "$ROOT" ] && [ "$(id -u)" -ne 0 ]; then
	echo "install.sh: run as root (sudo sh deploy/install.sh $BUILD)" >&2
	exit 1
fi

# own OWNER:GROUP MODE PATH: the mode always, the owner on a real install.
# Never through a symbolic link: the folders under /var/lib/nyota belong to
# the service user, and a link planted there (to /etc, say) must not make
# this script, run as root, hand its target to that user.
own() {
	if [ -L "$3" ]; then
		echo "install.sh: $3 is a symbolic link: refusing (remove it and run again)" >&2
		exit 1
	fi
	chmod "$2" "$3"
	if [ -z "$ROOT" ]; then
		chown -h "$1" "$3"
	fi
}

# private_dir OWNER:GROUP MODE PATH: creates it, or tightens an existing one.
private_dir() {
	if [ -L "$ROOT$3" ]; then
		echo "install.sh: $ROOT$3 is a symbolic link: refusing (remove it and run again)" >&2
		exit 1
	fi
	mkdir -p "$ROOT$3"
	own "$1" "$2" "$ROOT$3"
}

# The user the services run as: no login, no shell, home is the state dir.
if [ -z "$ROOT" ]; then
	if ! getent group nyota >/dev/null; then
		groupadd --system nyota
	fi
	if ! getent passwd nyota >/dev/null; then
		useradd --system --gid nyota --home-dir /var/lib/nyota \
		    --no-create-home --shell /usr/sbin/nologin nyota
	fi
fi

private_dir nyota:nyota 0700 /var/lib/nyota
private_dir nyota:nyota 0700 /var/lib/nyota/data
private_dir nyota:nyota 0700 /var/lib/nyota/keys
private_dir nyota:nyota 0700 /var/backups/nyota
private_dir root:nyota 0750 /etc/nyota

# Programs: install(1) replaces the file (a new inode), so running
# servers keep their old copy until they are restarted.
mkdir -p "$ROOT/usr/local/bin" "$ROOT/etc/systemd/system"
for p in nyota-storefront nyota-console; do
	install -m 0755 "$BUILD/$p" "$ROOT/usr/local/bin/$p"
done
for u in nyota-storefront.service nyota-console.service \
    nyota-backup.service nyota-backup.timer; do
	install -m 0644 "$HERE/$u" "$ROOT/etc/systemd/system/$u"
done

env_new=0
if [ ! -e "$ROOT/etc/nyota/nyota.env" ]; then
	# Written under a private umask first: it is about to hold secrets.
	(umask 077 && cp "$HERE/nyota.env" "$ROOT/etc/nyota/nyota.env")
	env_new=1
fi
own root:nyota 0640 "$ROOT/etc/nyota/nyota.env"

if [ -z "$ROOT" ] && command -v systemctl >/dev/null 2>&1 &&
    [ -d /run/systemd/system ]; then
	systemctl daemon-reload
fi

echo "Nyota installed${ROOT:+ into $ROOT}: /usr/local/bin/nyota-storefront, /usr/local/bin/nyota-console, units in /etc/systemd/system."
if [ "$env_new" -eq 1 ]; then
	cat <<'NEXT'

Next steps (docs/DEPLOY.md has them all):
  1. Edit /etc/nyota/nyota.env: NYOTA_BASE_URL, the M-Pesa and WhatsApp
     secrets (NYOTA_PAYMENTS=sim and NYOTA_WHATSAPP=log to try it first).
  2. HTTPS: apt-get install caddy; cp deploy/Caddyfile /etc/caddy/Caddyfile;
     systemctl edit caddy  (Environment=NYOTA_DOMAIN=shop.example.com);
     systemctl restart caddy
  3. systemctl enable --now nyota-storefront nyota-console nyota-backup.timer
  4. The first creator:
     runuser -u nyota -- sh -c 'set -a; . /etc/nyota/nyota.env; exec nyota-console creator add amani'
  5. Firewall: open 80, 443 and 2222 only.
NEXT
else
	cat <<'NEXT'

/etc/nyota/nyota.env was kept as it is. To run the new programs:
  systemctl restart nyota-storefront nyota-console
NEXT
fi
