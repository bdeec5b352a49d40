#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The top-level Makefile as a user drives it, on a clean copy of the tree:
# make KVER=, make KDIR=, make install (staged), make clean, make tools, and
# a clear error without kernel headers.
#
#   tests/build/run.sh [--results FILE]

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TDX_LOG_TAG=build
. "$here/../vm/lib.sh"

results=
[ "${1:-}" = "--results" ] && results=$2


[ -f "$TDX_STATE/kernels.env" ] || die_setup "no $TDX_STATE/kernels.env: run tests/vm/setup.sh"
. "$TDX_STATE/kernels.env"

w=$TDX_STATE/make-test
rm -rf "$w"
mkdir -p "$w/tree"
# What a user has after cloning: the tracked files and the new ones.
(cd "$TDX_TOP" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$w/tree") ||
	die_setup "cannot copy the source tree"
cd "$w/tree" || exit 2

check make/kver make KVER="$KVER_612"
v=$(modinfo -F vermagic tdx_ext.ko 2>/dev/null)
case "$v" in
"$KVER_612 "*) res PASS make/kver-vermagic ;;
*) res FAIL make/kver-vermagic "tdx_ext.ko vermagic '$v', expected $KVER_612" ;;
esac
[ -f tdx_ext_sim.ko ] && res PASS make/builds-both-modules ||
	res FAIL make/builds-both-modules "tdx_ext_sim.ko not built"

# modinfo documents every parameter.
parms=$(modinfo -F parm tdx_ext.ko 2>/dev/null)
for p in backend timeout queue_depth; do
	grep -q "^$p:.\{20,\}" <<<"$parms" && res PASS "make/modinfo-parm-$p" ||
		res FAIL "make/modinfo-parm-$p" "modinfo -F parm tdx_ext.ko: no description of $p"
done
# ... and the bounds the driver holds them to.
for b in "timeout:.* 1 to 3600[;, ]" "queue_depth:.* 1 to 4096[;, ]"; do
	grep -q "^$b" <<<"$parms" && res PASS "make/modinfo-bounds-${b%%:*}" ||
		res FAIL "make/modinfo-bounds-${b%%:*}" "modinfo -F parm tdx_ext.ko: no '${b#*\* }' in the description of ${b%%:*}"
done

check make/install make install KVER="$KVER_612" INSTALL_MOD_PATH="$w/root"
f=$(find "$w/root/lib/modules/$KVER_612" -name 'tdx_ext.ko*' | head -1)
if [ -n "$f" ] && grep -q 'tdx_ext.ko' "$w/root/lib/modules/$KVER_612/modules.dep" 2>/dev/null; then
	res PASS make/install-depmod
else
	res FAIL make/install-depmod "no tdx_ext.ko or modules.dep entry under $w/root"
fi

check make/clean make clean KVER="$KVER_612"
left=$(find . -name '*.ko' -o -name '*.o' -o -name '*.mod.c' | head -3)
[ -z "$left" ] && res PASS make/clean-removes-products ||
	res FAIL make/clean-removes-products "left behind: $left"

check make/kdir make KDIR="/lib/modules/$KVER_61/build"
v=$(modinfo -F vermagic tdx_ext.ko 2>/dev/null)
case "$v" in
"$KVER_61 "*) res PASS make/kdir-vermagic ;;
*) res FAIL make/kdir-vermagic "tdx_ext.ko vermagic '$v', expected $KVER_61" ;;
esac
make -s clean KVER="$KVER_61" >/dev/null 2>&1

out=$(make KVER=0.0.0-none 2>&1)
rc=$?
if [ $rc != 0 ] && grep -q 'no kernel build tree at /lib/modules/0.0.0-none/build' <<<"$out"; then
	res PASS make/no-headers-message
else
	res FAIL make/no-headers-message "exit $rc, output: $(echo "$out" | head -2 | tr '\n' ' ')"
fi

check make/tools make tools
out=$(tools/build/tdx-quote version 2>&1)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
[ "$out" = "tdx-quote $ver" ] && res PASS make/tools-version ||
	res FAIL make/tools-version "tdx-quote version printed '$out'"

echo "make: $npass passed, $nfail failed"
[ $nfail = 0 ]
