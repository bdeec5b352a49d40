#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the build and the test harness need from Debian's archive.
# Idempotent: apt only runs when something is missing, so a warm run costs
# a few dpkg-query calls.  Prints the resolved kernel versions to
# $TDX_STATE/kernels.env for the other scripts.
#
# Usage: tests/vm/setup.sh [--no-debug]   (--no-debug skips linux-source)

set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

want_debug=1
[ "${1:-}" = "--no-debug" ] && want_debug=0

export DEBIAN_FRONTEND=noninteractive INITRD=No
APT_OPTS=(-y --no-install-recommends -o DPkg::Lock::Timeout=300
	  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

[ "$(id -u)" = 0 ] || die_setup "must run as root to install packages (try sudo)"
command -v dpkg-query >/dev/null || die_setup "not a Debian system: dpkg-query missing"

missing() {
	local p s out=()
	for p in "$@"; do
		s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		[ "$s" = "install ok installed" ] || out+=("$p")
	done
	echo "${out[@]}"
}

updated=0
apt_update() {
	[ $updated = 1 ] && return 0
	log "apt-get update"
	# Unreachable third-party sources must not stop us; a real failure
	# shows up as a missing package below.
	apt-get update -o DPkg::Lock::Timeout=300 >"$TDX_STATE/apt-update.log" 2>&1 ||
		warn "apt-get update reported errors (see $TDX_STATE/apt-update.log)"
	updated=1
}

apt_install() {
	local need
	need=$(missing "$@")
	[ -z "$need" ] && return 0
	apt_update
	log "apt-get install $need"
	# shellcheck disable=SC2086
	apt-get install "${APT_OPTS[@]}" $need >"$TDX_STATE/apt-install.log" 2>&1 || {
		tail -20 "$TDX_STATE/apt-install.log" >&2
		die_setup "apt-get install failed for: $need"
	}
}

base_pkgs=(make gcc gcc-12 libc6-dev bc bison flex libelf-dev libssl-dev
	   rsync cpio xz-utils zstd kmod sparse dkms qemu-system-x86
	   busybox-static python3 openssl python3-cryptography python3-cbor2
	   libcbor-dev clang libfuzzer-14-dev debhelper dh-dkms lintian rpm
	   dpkg-dev fakeroot mmdebstrap)
[ $want_debug = 1 ] && base_pkgs+=(linux-source-6.12)
apt_install "${base_pkgs[@]}"

# Resolve the versioned kernel packages from the metapackages.  Reuse the
# versions we resolved before when their packages are still installed, so a
# warm run does not touch the network.
resolve() {	# metapackage
	apt-cache depends --important "$1" 2>/dev/null |
		awk '/Depends: linux-headers-/{sub("linux-headers-","",$2);print $2;exit}'
}
if [ -f "$TDX_STATE/kernels.env" ]; then
	. "$TDX_STATE/kernels.env"
	if [ -n "$(missing "linux-image-$KVER_61" "linux-headers-$KVER_61" \
		"linux-image-$KVER_612" "linux-headers-$KVER_612")" ]; then
		KVER_61= KVER_612=
	fi
fi
if [ -z "${KVER_61:-}" ] || [ -z "${KVER_612:-}" ]; then
	KVER_61=$(resolve linux-headers-amd64)
	KVER_612=$(resolve linux-headers-6.12-amd64)
	if [ -z "$KVER_61" ] || [ -z "$KVER_612" ]; then
		apt_update
		KVER_61=$(resolve linux-headers-amd64)
		KVER_612=$(resolve linux-headers-6.12-amd64)
	fi
	[ -n "$KVER_61" ] || die_setup "cannot resolve the Debian 6.1 kernel (linux-headers-amd64)"
	[ -n "$KVER_612" ] || die_setup "cannot resolve the Debian 6.12 kernel (linux-headers-6.12-amd64)"
fi
apt_install "linux-image-$KVER_61" "linux-headers-$KVER_61" \
	    "linux-image-$KVER_612" "linux-headers-$KVER_612"

for v in "$KVER_61" "$KVER_612"; do
	[ -f "/boot/vmlinuz-$v" ] || die_setup "/boot/vmlinuz-$v missing after install"
	[ -d "/lib/modules/$v/build" ] || die_setup "/lib/modules/$v/build missing after install"
	[ -f "/lib/modules/$v/modules.dep" ] || depmod "$v"
done

printf 'KVER_61=%s\nKVER_612=%s\n' "$KVER_61" "$KVER_612" >"$TDX_STATE/kernels.env"
log "kernels: Debian 6.1 = $KVER_61, Debian 6.12 = $KVER_612"
