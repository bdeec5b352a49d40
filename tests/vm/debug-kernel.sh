#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) and cache the debug kernel: Debian's linux-source-6.12,
# tinyconfig + tests/vm/debug-kernel.config (KASAN, lockdep, kmemleak, KUnit,
# INTEL_TDX_HOST=y, ...).  The cache lives outside the repository in
# $TDX_CACHE (default /var/cache/tdx-ext) and is keyed by the source package
# version, the config fragment, the compiler and RECIPE (bump it when the
# build steps below change), so it is rebuilt only when one of those changes.  A cache hit costs well under a
# second.
#
# Prints shell assignments for the harness on stdout:
#   DEBUG_KDIR=<O= build dir>  DEBUG_BZIMAGE=<path>  DEBUG_MODROOT=<path>
#   DEBUG_KVER=<release>       DEBUG_SRC=<source tree>

set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TDX_LOG_TAG=debug-kernel
. "$here/lib.sh"

frag=$here/debug-kernel.config
tarball=/usr/src/linux-source-6.12.tar.xz
[ -f "$tarball" ] || die_setup "$tarball missing: install linux-source-6.12 (tests/vm/setup.sh does)"
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
	die_setup "linux-source-6.12 is not installed"
ccver=$(gcc --version | head -1)
RECIPE=1
key=$( { echo "$RECIPE"; echo "$srcver"; echo "$ccver"; cat "$frag"; } | sha256sum | cut -c1-16)

mkdir -p "$TDX_CACHE"
src=$TDX_CACHE/linux-source-$srcver
out=$TDX_CACHE/debug-6.12-$key

emit() {
	echo "DEBUG_KDIR=$out"
	echo "DEBUG_SRC=$src"
	echo "DEBUG_BZIMAGE=$out/arch/x86/boot/bzImage"
	echo "DEBUG_MODROOT=$out/modroot"
	echo "DEBUG_KVER=$(cat "$out/include/config/kernel.release")"
}

# One builder at a time; a second caller waits for the first one's result.
exec 9>"$TDX_CACHE/.debug-kernel.lock"
flock 9

if [ -f "$out/.tdx-ext-built" ]; then
	emit
	exit 0
fi

t0=$(now)
if [ ! -f "$src/.tdx-ext-extracted" ]; then
	log "extracting $tarball ($srcver)"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -C "$src.tmp" --strip-components=1 -xf "$tarball"
	touch "$src.tmp/.tdx-ext-extracted"
	mv "$src.tmp" "$src"
fi

# Older builds of the debug kernel are of no further use; reclaim the disk.
for d in "$TDX_CACHE"/debug-6.12-*; do
	[ -d "$d" ] && [ "$d" != "$out" ] && { log "removing stale $d"; rm -rf "$d"; }
done
for d in "$TDX_CACHE"/linux-source-*; do
	[ -d "$d" ] && [ "$d" != "$src" ] && { log "removing stale $d"; rm -rf "$d"; }
done

log "configuring $out (tinyconfig + $(basename "$frag"))"
rm -rf "$out"
mkdir -p "$out"
blog=$out/build.log
{
	make -C "$src" O="$out" tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -O "$out" -m "$out/.config" "$frag"
	make -C "$src" O="$out" olddefconfig
} >"$blog" 2>&1 || { tail -30 "$blog" >&2; die_setup "debug kernel configuration failed (log: $blog)"; }

# Kconfig drops options whose dependencies are unmet without a word.  Every
# option the fragment asks for must have survived, or the tier would test
# less than it claims (INTEL_TDX_HOST is the usual casualty).
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
[ $bad = 0 ] || die_setup "debug kernel config does not match $frag"

jobs=$(nproc)
log "building bzImage and modules with -j$jobs (about 11 minutes on 2 cores)"
make -C "$src" O="$out" -j"$jobs" bzImage modules >>"$blog" 2>&1 ||
	{ tail -40 "$blog" >&2; die_setup "debug kernel build failed (log: $blog)"; }
make -C "$src" O="$out" INSTALL_MOD_PATH="$out/modroot" modules_install >>"$blog" 2>&1 ||
	{ tail -20 "$blog" >&2; die_setup "debug kernel modules_install failed (log: $blog)"; }
touch "$out/.tdx-ext-built"
log "debug kernel built in $(elapsed "$t0") s: $out"
emit
