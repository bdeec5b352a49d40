#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) and cache the debug kernel: Debian's linux-source-7.3 from
# trixie-backports with packaging/kernel/7.3/*.patch applied (the kernel
# asks the TDX module for the quoting add-on), tinyconfig +
# tests/vm/debug-kernel.config (KASAN, lockdep, kmemleak, KUnit,
# INTEL_TDX_HOST=y, KVM_INTEL=y, ...), built in the Debian 13 root
# (tests/vm/debroot.sh) with its gcc-14, as Debian builds its 7.3.
#
# Everything lives outside the repository, in $TDX_CACHE/debug-kernel
# (default /var/cache/tdx-ext): the linux-source .deb (downloaded once with
# the root's apt), the patched source tree and the O= build directory.  The
# build is keyed by the source package version, the patches, the config
# fragment, the compiler and RECIPE (bump it when the build steps below
# change), so it is rebuilt only when one of those changes.  A cache hit
# costs about a second (the root's apt-cache names the source version).
# The directory is mounted into the root at its own path when commands run
# there (TDX_ROOT_BINDS), so one path means the same on both sides.
#
# Prints shell assignments for the harness on stdout:
#   DEBUG_KDIR=<O= build dir>  DEBUG_BZIMAGE=<path>  DEBUG_MODROOT=<path>
#   DEBUG_KVER=<release>       DEBUG_SRC=<source tree>
# Modules for it are built in the trixie root, with TDX_ROOT_BINDS naming
# DEBUG_KDIR and DEBUG_SRC (tests/vm/run.sh does).

set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TDX_LOG_TAG=debug-kernel
. "$here/lib.sh"

SERIES=7.3
SRC_PKG=linux-source-$SERIES
RELEASE=trixie-backports
# What building a kernel needs beyond the root's own packages; installed
# into the root on first use (the root's recipe stays that of a Debian 13
# host building modules).
BUILD_PKGS="bc bison flex libelf-dev"
RECIPE=2
frag=$here/debug-kernel.config
pdir=$TDX_TOP/packaging/kernel/$SERIES
patches=("$pdir"/*.patch)
[ -f "${patches[0]}" ] || die_setup "no kernel patch in $pdir"

envs=$("$here/debroot.sh" trixie) || exit $?
eval "$envs"
cache=$TDX_CACHE/debug-kernel
mkdir -p "$cache/debs"
export TDX_ROOT_BINDS=$cache
rrun() { "$here/debroot.sh" --run trixie "$@"; }

# One builder at a time; a second caller waits for the first one's result.
exec 9>"$cache/.lock"
flock 9

# The source package's version: the root's candidate from backports, or,
# when the archive no longer has it, the newest .deb downloaded before.
srcver=$(rrun apt-cache -t "$RELEASE" policy "$SRC_PKG" 2>/dev/null |
	awk '/Candidate:/ && $2 != "(none)" { print $2 }') || true
if [ -z "$srcver" ]; then
	deb=$(ls -t "$cache"/debs/"${SRC_PKG}"_*_all.deb 2>/dev/null | head -1) ||
		true
	[ -n "$deb" ] ||
		die_setup "$SRC_PKG: not in the trixie root's $RELEASE, none downloaded before"
	srcver=$(dpkg-deb -f "$deb" Version)
	warn "$SRC_PKG has no candidate in the root's $RELEASE: using $deb"
fi
deb=$cache/debs/${SRC_PKG}_${srcver/:/%3a}_all.deb
ccver=$(rrun gcc --version | head -1)
key=$( { echo "$RECIPE"; echo "$srcver"; echo "$ccver"; cat "$frag" "${patches[@]}"; } |
	sha256sum | cut -c1-16)
srckey=$( { echo "$srcver"; cat "${patches[@]}"; } | sha256sum | cut -c1-16)
src=$cache/src-$SERIES-$srckey
out=$cache/build-$SERIES-$key

emit() {
	echo "DEBUG_KDIR=$out"
	echo "DEBUG_SRC=$src"
	echo "DEBUG_BZIMAGE=$out/arch/x86/boot/bzImage"
	echo "DEBUG_MODROOT=$out/modroot"
	echo "DEBUG_KVER=$(cat "$out/include/config/kernel.release")"
}

if [ -f "$out/.tdx-ext-built" ] && [ -f "$src/.tdx-ext-patched" ]; then
	emit
	exit 0
fi

t0=$(now)
if [ ! -f "$deb" ]; then
	log "downloading $SRC_PKG $srcver from $RELEASE (trixie root)"
	# Lists older than the archive's newest upload: update and retry.
	dl() { rrun sh -c 'cd "$1" && apt-get download -t "$2" "$3=$4"' sh \
		"$cache/debs" "$RELEASE" "$SRC_PKG" "$srcver" >>"$cache/download.log" 2>&1; }
	dl || { rrun apt-get update >>"$cache/download.log" 2>&1 && dl; } ||
		{ tail -5 "$cache/download.log" >&2; die_setup "apt-get download $SRC_PKG=$srcver failed (log: $cache/download.log)"; }
	[ -f "$deb" ] || die_setup "apt-get download left no $deb"
fi

if [ ! -f "$src/.tdx-ext-patched" ]; then
	log "extracting $(basename "$deb") and applying $(basename -a "${patches[@]}" | tr '\n' ' ')"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$SRC_PKG.tar.xz" |
		tar -C "$src.tmp" --strip-components=1 -xJ ||
		die_setup "cannot extract the kernel source from $deb"
	for p in "${patches[@]}"; do
		patch -d "$src.tmp" -p1 --batch --forward <"$p" >>"$src.tmp/.tdx-ext-patch.log" 2>&1 ||
			{ tail -5 "$src.tmp/.tdx-ext-patch.log" >&2
			  die_setup "$(basename "$p") does not apply to $SRC_PKG $srcver"; }
	done
	touch "$src.tmp/.tdx-ext-patched"
	mv "$src.tmp" "$src"
fi

# Older trees and builds and other .debs are of no further use; reclaim
# the disk.
for d in "$cache"/src-* "$cache"/build-* "$cache"/debs/*.deb; do
	[ -e "$d" ] && [ "$d" != "$src" ] && [ "$d" != "$out" ] && [ "$d" != "$deb" ] &&
		{ log "removing stale $d"; rm -rf "$d"; }
done

# shellcheck disable=SC2086
have=$(rrun dpkg-query -W -f='${db:Status-Status}\n' $BUILD_PKGS 2>/dev/null |
	grep -cx installed) || true
# shellcheck disable=SC2086
[ "$have" = "$(echo $BUILD_PKGS | wc -w)" ] || {
	log "installing $BUILD_PKGS in the trixie root"
	# shellcheck disable=SC2086
	rrun apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 \
		$BUILD_PKGS >"$cache/apt.log" 2>&1 ||
		{ tail -10 "$cache/apt.log" >&2; die_setup "installing $BUILD_PKGS in the trixie root failed (log: $cache/apt.log)"; }
}

log "configuring $out (tinyconfig + $(basename "$frag"))"
rm -rf "$out"
mkdir -p "$out"
blog=$out/build.log
rrun sh -euc '
	make -C "$1" O="$2" tinyconfig
	"$1/scripts/kconfig/merge_config.sh" -O "$2" -m "$2/.config" "$3"
	make -C "$1" O="$2" olddefconfig' sh "$src" "$out" "$frag" >"$blog" 2>&1 ||
	{ tail -30 "$blog" >&2; die_setup "debug kernel configuration failed (log: $blog)"; }

# Kconfig drops options whose dependencies are unmet without a word.  Every
# option the fragment asks for must have survived, or the tier would test
# less than it claims (INTEL_TDX_HOST is the usual casualty); and whatever
# the fragment says, the kernel under test must bring TDX up itself, with
# the patch, beside KVM.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qx -- "$line" "$out/.config" || {
			warn "fragment asks for '$line', .config has '$(grep -- "^${line%%=*}=" "$out/.config" || echo "${line%%=*} unset")'"
			bad=1
		}
		;;
	esac
done <"$frag"
for line in CONFIG_INTEL_TDX_HOST=y CONFIG_KVM_INTEL=y; do
	grep -qx -- "$line" "$out/.config" || { warn "$line is not set in $out/.config"; bad=1; }
done
[ $bad = 0 ] || die_setup "debug kernel config does not match $frag"

jobs=$(nproc)
log "building bzImage and modules with -j$jobs in the trixie root ($ccver)"
rrun make -C "$src" O="$out" -j"$jobs" bzImage modules >>"$blog" 2>&1 ||
	{ tail -40 "$blog" >&2; die_setup "debug kernel build failed (log: $blog)"; }
rrun make -C "$src" O="$out" INSTALL_MOD_PATH="$out/modroot" modules_install >>"$blog" 2>&1 ||
	{ tail -20 "$blog" >&2; die_setup "debug kernel modules_install failed (log: $blog)"; }
touch "$out/.tdx-ext-built"
log "debug kernel built in $(elapsed "$t0") s: $out"
emit
