#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# For Debian's 7.x linux-kbuild packages, which lack the kernel's
# scripts/checker-valid.sh: without it the headers' Makefile turns C=1 off
# with one line and the build runs no sparse at all.  tests/vm/debroot.sh
# installs this file there, in its build roots only.
#
# Same contract as the kernel's: "checker-valid.sh CHECK [CHECKFLAGS...]"
# prints 1 when CHECK exists and parses what 7.x headers give it under
# __CHECKER__ (__typeof_unqual__, which sparse 0.6.4 cannot), else 0.

command -v "$1" >/dev/null 2>&1 || { echo 0; exit 0; }
probe=$(mktemp --suffix=.c) || { echo 0; exit 0; }
trap 'rm -f "$probe"' EXIT
cat >"$probe" <<'PROBE'
static inline int probe(const int *p)
{
	__typeof_unqual__(*p) v = *p;

	return _Generic(v, int: 1, default: 0);
}
PROBE
# sparse reports a parse error on stderr and still exits 0.
if "$@" "$probe" 2>&1 | grep -q 'error'; then
	echo 0
else
	echo 1
fi
