#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS round trip from the source tree: add, build and install for each
# Debian kernel, check what modinfo sees, then remove and check that nothing
# is left behind.  Changes the machine (that is the point): run as root on a
# test machine.
#
#   tests/dkms/run.sh [--results FILE]

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TDX_LOG_TAG=dkms
. "$here/../vm/lib.sh"

results=
[ "${1:-}" = "--results" ] && results=$2


[ "$(id -u)" = 0 ] || die_setup "the DKMS test must run as root"
command -v dkms >/dev/null || die_setup "dkms not installed: run tests/vm/setup.sh"
[ -f "$TDX_STATE/kernels.env" ] || die_setup "no $TDX_STATE/kernels.env: run tests/vm/setup.sh"
. "$TDX_STATE/kernels.env"

name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$TDX_TOP/dkms.conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TDX_TOP/dkms.conf")
srcdir=/usr/src/$name-$ver

cleanup() {
	dkms remove -m "$name" -v "$ver" --all >/dev/null 2>&1
	rm -rf "$srcdir"
}
# A run that died half-way must not make this one fail.
cleanup

mkdir -p "$srcdir"
cp -a "$TDX_TOP/dkms.conf" "$TDX_TOP/Kbuild" "$TDX_TOP/Makefile" \
	"$TDX_TOP/src" "$TDX_TOP/include" "$srcdir/"
check dkms/add dkms add -m "$name" -v "$ver"

for kv in "$KVER_61" "$KVER_612"; do
	case "$kv" in 6.1.*) k=deb61 ;; *) k=deb612 ;; esac
	check "dkms/$k/build" dkms build -m "$name" -v "$ver" -k "$kv"
	check "dkms/$k/install" dkms install -m "$name" -v "$ver" -k "$kv"
	for m in tdx_ext tdx_ext_sim; do
		f=$(modinfo -k "$kv" -F filename "$m" 2>/dev/null)
		v=$(modinfo -k "$kv" -F version "$m" 2>/dev/null)
		case "$f" in
		/lib/modules/$kv/updates/dkms/$m.ko*)
			if [ "$v" = "$ver" ]; then
				res PASS "dkms/$k/modinfo-$m"
			else
				res FAIL "dkms/$k/modinfo-$m" "version '$v', expected '$ver'"
			fi
			;;
		*) res FAIL "dkms/$k/modinfo-$m" "modinfo -k $kv $m finds '${f:-nothing}'" ;;
		esac
	done
	st=$(dkms status -m "$name" -v "$ver" -k "$kv" 2>&1)
	case "$st" in
	*installed*) res PASS "dkms/$k/status" ;;
	*) res FAIL "dkms/$k/status" "dkms status: $st" ;;
	esac
done

check dkms/remove dkms remove -m "$name" -v "$ver" --all
left=
for kv in "$KVER_61" "$KVER_612"; do
	for m in tdx_ext tdx_ext_sim; do
		f=$(modinfo -k "$kv" -F filename "$m" 2>/dev/null) && left="$left $f"
	done
done
[ -d "/var/lib/dkms/$name" ] && left="$left /var/lib/dkms/$name"
if [ -z "$left" ]; then
	res PASS dkms/nothing-left
else
	res FAIL dkms/nothing-left "still present after remove:$left"
fi
cleanup

echo "dkms: $npass passed, $nfail failed"
[ $nfail = 0 ]
