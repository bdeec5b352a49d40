#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks that need no kernel boot:
#  - checkpatch.pl (from Debian's linux-source-6.12) on every kernel source file
#  - an SPDX licence identifier on every source and build file
#  - one version: dkms.conf's PACKAGE_VERSION == TDX_EXT_VERSION, and no
#    version written into packaging/
#
#   tests/static/run.sh [--results FILE]

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TDX_LOG_TAG=static
. "$here/../vm/lib.sh"

results=
[ "${1:-}" = "--results" ] && results=$2


cd "$TDX_TOP" || exit 2

# checkpatch.pl and the data files it reads, from the linux-source tarball.
cp_dir=$TDX_CACHE/checkpatch
if [ ! -x "$cp_dir/scripts/checkpatch.pl" ]; then
	tarball=/usr/src/linux-source-6.12.tar.xz
	[ -f "$tarball" ] || die_setup "$tarball missing: install linux-source-6.12"
	log "extracting checkpatch.pl from $tarball"
	rm -rf "$cp_dir"
	mkdir -p "$cp_dir"
	tar -C "$cp_dir" --strip-components=1 -xf "$tarball" --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' ||
		die_setup "could not extract checkpatch.pl from $tarball"
fi

kfiles=$(git ls-files -co --exclude-standard 'src/*.c' 'src/*.h' 'include/*.h' 'tests/vm/inject/*.c' 'tests/vm/plant/*.c')
for f in $kfiles; do
	if out=$("$cp_dir/scripts/checkpatch.pl" --no-tree --strict --terse \
		--show-types --ignore FILE_PATH_CHANGES -f "$f" 2>&1); then
		res PASS "static/checkpatch/$f"
	else
		res FAIL "static/checkpatch/$f" "$(echo "$out" | head -2 | tr '\n' ' ')"
	fi
done

missing=
for f in $(git ls-files -co --exclude-standard | grep -E '(\.(c|h|sh)|Makefile|Kbuild|/run|dkms\.conf|\.config|/init)$'); do
	head -3 "$f" | grep -q 'SPDX-License-Identifier:' || missing="$missing $f"
done
if [ -z "$missing" ]; then
	res PASS static/spdx-headers
else
	res FAIL static/spdx-headers "no SPDX-License-Identifier in:$missing"
fi

dv=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
hv=$(sed -n 's/^#define TDX_EXT_VERSION "\(.*\)"/\1/p' src/common/tdx_ext_version.h)
if [ -n "$dv" ] && [ "$dv" = "$hv" ]; then
	res PASS static/one-version
else
	res FAIL static/one-version "dkms.conf says '$dv', tdx_ext_version.h says '$hv'"
fi

# The packages take their version from dkms.conf at build time (make deb
# writes debian/changelog; make rpm defines tdx_version): none is written
# into packaging/, where it would go stale.
stale=$(grep -rln -E "(^Version:[[:space:]]*[0-9]|\(${dv//./\\.}\))" packaging/ 2>/dev/null)
if [ -z "$stale" ] && [ ! -e packaging/debian/changelog ]; then
	res PASS static/no-version-in-packaging
else
	res FAIL static/no-version-in-packaging "a version written in:${stale:+ $stale}$([ -e packaging/debian/changelog ] && echo ' packaging/debian/changelog')"
fi

echo "static: $npass passed, $nfail failed"
[ $nfail = 0 ]
