#!/bin/sh
# Installs the Debian packages Nyota needs to build, run and test.
# Quick and silent when everything is present.
set -e
PKGS="build-essential pkg-config clang libssh-dev libmicrohttpd-dev
libncurses-dev libsqlite3-dev libsodium-dev liboath-dev libjansson-dev check
libsubunit-dev libqrencode-dev libcmark-dev libcurl4-openssl-dev tmux
openssh-client openssh-server oathtool curl sqlite3 chromium wrk nginx-light procps python3
caddy systemd prometheus"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
# openssh-server is only for bench/sftp.sh, which runs its own sshd as the
# current user. Debian enables and starts a system sshd when the package
# arrives: when we just installed it, there was no sshd before, so stop
# and disable that one again (containers without systemd never start it).
case " $missing " in
*" openssh-server "*)
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		$SUDO systemctl disable --now ssh.service ssh.socket >/dev/null 2>&1 || true
	fi ;;
esac
# caddy and systemd (systemd-analyze) are for tests/integration/deploy.sh,
# which runs its own caddy on free ports: the system one Debian starts on
# port 80 goes, as sshd above.
case " $missing " in
*" caddy "*)
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		$SUDO systemctl disable --now caddy.service >/dev/null 2>&1 || true
	fi ;;
esac
# prometheus is for promtool (tests/integration/metrics.sh checks the
# /metrics text with it); the server Debian starts with it goes, as above.
case " $missing " in
*" prometheus "*)
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		$SUDO systemctl disable --now prometheus.service >/dev/null 2>&1 || true
	fi ;;
esac
