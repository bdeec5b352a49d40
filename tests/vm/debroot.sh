#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Debian build roots for the kernels this machine's Debian does not ship:
#
#   trixie  Debian 13: gcc-14, dkms, debhelper; the trixie 6.12 kernel
#           (image + headers) and the newest kernel of trixie-backports
#           (7.x), as a Debian 13 host has them; sparse built from sid's
#           source (fix_checker below)
#   sid     Debian unstable: its kernel (7.x, built with a newer gcc),
#           that gcc and sparse, to build against; nothing is packaged there
#
# Made with mmdebstrap from the Debian archive this machine's apt already
# uses (the suites are added to the root's own sources, never to the
# host's), cached in $TDX_CACHE/root-SUITE and reused while its recipe
# (the package lists below, RECIPE) is unchanged: a warm call reads one
# file.  A root is built in a temporary directory and renamed when
# complete, so an interrupted build leaves nothing that looks ready.
# TDX_ROOT_REFRESH=1 rebuilds it (to follow the archive's newer kernels).
# The roots take a Release file whose Valid-Until has passed: a mirror
# that is a snapshot of the archive (as CI's is) serves sid and the
# security suite with dates behind this machine's clock; the signatures
# are still checked.
#
#   tests/vm/debroot.sh SUITE          make (or reuse) the root; print its
#                                      variables: ROOT_<S>=dir, KVER_<S>=...
#   tests/vm/debroot.sh --run SUITE CMD...
#                                      run CMD in the root, as root, with
#                                      /proc, /dev and this tree (and
#                                      $TDX_STATE, and the directories in
#                                      $TDX_ROOT_BINDS, space-separated)
#                                      mounted at their own paths, in a
#                                      private mount namespace that
#                                      vanishes with CMD
#
# Exit status 2 when a root cannot be made.

set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TDX_LOG_TAG=debroot
. "$here/lib.sh"

RECIPE=2
COMMON_PKGS="make kmod xz-utils zstd ca-certificates"
TRIXIE_PKGS="$COMMON_PKGS gcc-14 build-essential dkms debhelper dh-dkms dpkg-dev
	fakeroot libcbor-dev libssl-dev openssl python3"
SID_PKGS="$COMMON_PKGS gcc libc6-dev sparse"

root_of() { echo "$TDX_CACHE/root-$1"; }

# run_in ROOT CMD...: CMD chrooted into ROOT, with /proc, /dev, this tree,
# TDX_STATE and the directories in TDX_ROOT_BINDS (e.g. the debug kernel's
# cache) mounted at the same paths as outside, so that paths (build
# directories, logs) mean the same on both sides.  unshare -m: the mounts
# belong to a namespace of their own and go away with CMD, even when CMD is
# killed.
run_in() {
	local root=$1
	shift
	[ -x "$root/bin/sh" ] || die_setup "no build root at $root"
	TDX_TOP=$TDX_TOP TDX_STATE=$TDX_STATE TDX_ROOT_BINDS=${TDX_ROOT_BINDS:-} \
	unshare -m --propagation private -- /bin/bash -c '
		set -e
		r=$1
		shift
		mount -t proc proc "$r/proc"
		mount --rbind /dev "$r/dev"
		for d in "$TDX_TOP" "$TDX_STATE" $TDX_ROOT_BINDS; do
			mkdir -p "$r$d"
			mount --bind "$d" "$r$d"
		done
		[ ! -f /etc/resolv.conf ] || mount --bind /etc/resolv.conf "$r/etc/resolv.conf"
		exec chroot "$r" /usr/bin/env -u LD_LIBRARY_PATH \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LC_ALL=C.UTF-8 \
			DEBIAN_FRONTEND=noninteractive INITRD=No "$@"
	' run_in "$root" "$@"
}

# The URIs this machine's apt takes Debian's archive and its security
# archive from, read from its own configuration, so that the roots use the
# same (possibly local) mirror.  TDX_DEBIAN_MIRROR and
# TDX_DEBIAN_SECURITY_MIRROR override them.
mirrors() {
	local codename pol
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || die_setup "cannot tell this machine's Debian codename (/etc/os-release)"
	pol=$(apt-cache policy 2>/dev/null)
	# No package lists yet (a machine that has never run apt-get update).
	if ! grep -q " $codename/main " <<<"$pol"; then
		apt-get update -o DPkg::Lock::Timeout=300 >/dev/null 2>&1 || true
		pol=$(apt-cache policy 2>/dev/null)
	fi
	MIRROR=${TDX_DEBIAN_MIRROR:-$(awk -v s="$codename/main" '$3 == s && $1 ~ /^[0-9]+$/ { print $2; exit }' <<<"$pol")}
	SECURITY=${TDX_DEBIAN_SECURITY_MIRROR:-$(awk -v s="$codename-security/main" '$3 == s && $1 ~ /^[0-9]+$/ { print $2; exit }' <<<"$pol")}
	[ -n "$MIRROR" ] ||
		die_setup "apt has no source for '$codename main' (run apt-get update, or set TDX_DEBIAN_MIRROR)"
}

sources_of() {	# suite
	case "$1" in
	trixie)
		echo "deb $MIRROR trixie main"
		echo "deb $MIRROR trixie-updates main"
		[ -z "$SECURITY" ] || echo "deb $SECURITY trixie-security main"
		echo "deb $MIRROR trixie-backports main"
		;;
	sid) echo "deb $MIRROR sid main" ;;
	esac
}

# The versioned kernel packages: the metapackage's candidate in the given
# release (default: the suite's own).
resolve() {	# root release
	run_in "$1" apt-cache ${2:+-t "$2"} depends --important linux-headers-amd64 |
		awk '/Depends: linux-headers-[0-9]/ { sub("linux-headers-", "", $2); print $2; exit }'
}

kernels_of() {	# suite root -> lines "VAR RELEASE KVER"
	case "$1" in
	trixie)
		echo "KVER_TRIXIE trixie $(resolve "$2")"
		echo "KVER_TRIXIE_BPO trixie-backports $(resolve "$2" trixie-backports)"
		;;
	sid) echo "KVER_SID sid $(resolve "$2")" ;;
	esac
}

bootstrap() {	# suite dir packages log
	local srcs=()
	rm -rf "$2"
	mapfile -t srcs < <(sources_of "$1")
	# shellcheck disable=SC2086
	mmdebstrap --variant=minbase --components=main \
		--include="$(echo $3 | tr ' ' ,)" \
		--aptopt='APT::Install-Recommends "false"' \
		--aptopt='Acquire::Check-Valid-Until "false"' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		"$1" "$2" "${srcs[@]}" >"$4" 2>&1 ||
		{ tail -20 "$4" >&2; rm -rf "$2"; die_setup "mmdebstrap $1 failed (log: $4)"; }
}

# What the kernel packages leave out for C=1 to run sparse, made good in the
# root (never on this machine):
# - Debian's 7.x linux-kbuild has no scripts/checker-valid.sh, so kbuild
#   turns C=1 off: tests/vm/root/checker-valid.sh goes there.
# - 7.x headers give sparse __typeof_unqual__ (compiler_types.h: "#if
#   CC_HAS_TYPEOF_UNQUAL || defined(__CHECKER__)"), which trixie's sparse
#   0.6.4 cannot parse: the trixie root builds sid's sparse (0.6.5~rc1) from
#   Debian's source package, with gcc-14, into /usr/local/bin.  sid has it
#   as a package.
fix_checker() {	# suite dir log
	local d
	if [ "$1" = trixie ]; then
		echo "deb-src $MIRROR sid main" >"$2/etc/apt/sources.list.d/sid-sparse-src.list"
		run_in "$2" sh -euc '
			apt-get update
			rm -rf /usr/local/src/sparse
			mkdir -p /usr/local/src/sparse
			cd /usr/local/src/sparse
			apt-get source sparse
			cd sparse-*/
			make -j2 CC=gcc-14 HAVE_LLVM=no HAVE_GTK=no HAVE_LIBXML=no \
				HAVE_SQLITE=no sparse
			install -m 0755 sparse /usr/local/bin/sparse' >>"$3" 2>&1 ||
			{ tail -20 "$3" >&2; die_setup "trixie: building sid's sparse failed (log: $3)"; }
	fi
	for d in "$2"/usr/lib/linux-kbuild-*/scripts; do
		[ -e "$d/checker-valid.sh" ] || install -m 0755 "$here/root/checker-valid.sh" "$d/"
	done
}

make_root() {	# suite
	local suite=$1 root tmp key pkgs var rel kv line=""
	root=$(root_of "$suite")
	case "$suite" in
	trixie) pkgs=$TRIXIE_PKGS ;;
	sid) pkgs=$SID_PKGS ;;
	*) die_setup "unknown suite '$suite' (trixie, sid)" ;;
	esac
	pkgs=$(echo $pkgs)
	key="$RECIPE $suite $pkgs"

	if [ "${TDX_ROOT_REFRESH:-0}" != 1 ] && [ -f "$root/.tdx-ext-ready" ] &&
	   [ "$(head -1 "$root/.tdx-ext-ready")" = "$key" ]; then
		tail -n +2 "$root/.tdx-ext-ready"
		return 0
	fi
	command -v mmdebstrap >/dev/null || die_setup "mmdebstrap not installed: run tests/vm/setup.sh"
	mirrors
	mkdir -p "$TDX_CACHE"
	tmp=$root.tmp
	local t0 blog=$TDX_CACHE/root-$suite.log
	t0=$(now)
	# A bootstrap of the same recipe that completed before an interrupted
	# kernel install is taken up again.
	if [ "$(cat "$tmp/.tdx-ext-bootstrapped" 2>/dev/null)" = "$key" ]; then
		log "taking up the $suite root bootstrapped in $tmp"
	else
		log "making the $suite build root in $root (mmdebstrap, a few minutes)"
		bootstrap "$suite" "$tmp" "$pkgs" "$blog"
		echo "$key" >"$tmp/.tdx-ext-bootstrapped"
	fi
	# mmdebstrap leaves no package lists behind.
	run_in "$tmp" apt-get update >>"$blog" 2>&1 ||
		{ tail -20 "$blog" >&2; die_setup "$suite: apt-get update failed (log: $blog)"; }
	# Each kernel with its own release's dependencies (a backports
	# kernel needs backports' linux-base), as "apt-get -t" installs it.
	while read -r var rel kv; do
		[ -n "$kv" ] || die_setup "$suite: cannot resolve the kernel for $var (linux-headers-amd64 in $rel)"
		log "$suite: installing linux-image-$kv linux-headers-$kv from $rel"
		run_in "$tmp" apt-get install -y --no-install-recommends -t "$rel" \
			"linux-image-$kv" "linux-headers-$kv" >>"$blog" 2>&1 ||
			{ tail -20 "$blog" >&2; die_setup "$suite: installing the $kv kernel failed (log: $blog)"; }
		line="$line$var=$kv"$'\n'
	done < <(kernels_of "$suite" "$tmp")
	fix_checker "$suite" "$tmp" "$blog"
	run_in "$tmp" apt-get clean >>"$blog" 2>&1
	line="${line}ROOT_$(echo "$suite" | tr a-z A-Z)=$root"
	printf '%s\n%s\n' "$key" "$line" >"$tmp/.tdx-ext-ready"
	rm -rf "$root"
	mv "$tmp" "$root"
	# The ready file names the final directory.
	log "$suite build root ready in $(elapsed "$t0") s"
	tail -n +2 "$root/.tdx-ext-ready"
}

[ "$(id -u)" = 0 ] || die_setup "build roots need root (chroot, mounts)"
case "${1:-}" in
--run)
	[ $# -ge 3 ] || die_setup "usage: $0 --run SUITE CMD..."
	suite=$2
	shift 2
	run_in "$(root_of "$suite")" "$@"
	;;
trixie|sid)
	mkdir -p "$TDX_CACHE"
	# One builder per root at a time; a second caller waits for it.
	exec 9>"$TDX_CACHE/.root-$1.lock"
	flock 9
	make_root "$1"
	;;
*) die_setup "usage: $0 SUITE | --run SUITE CMD...   (SUITE: trixie, sid)" ;;
esac
