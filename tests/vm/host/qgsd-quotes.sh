#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side check of the quotes tdx-qgsd served in the VM
# (tests/vm/suite/70-qgsd.sh): for every ARTIFACT_DIR/qgsd-NAME/ holding
# quotes.tgz (the quotes, q.CLIENT.REQUEST), count (how many the guest
# wrote), root_cert.pem (the simulator's root) and reportdata.hex:
#
#   qgsd-quotes/NAME/count        the tarball holds count quotes
#   qgsd-quotes/NAME/all-verify   each verifies with tdx-quote verify
#                                 (the build the VM tests use) against the
#                                 pinned root, the simulator's eat_profile
#                                 and the TD's REPORTDATA
#
# Under TCG a verification costs the guest 0.6 s; here milliseconds.
#
#   tests/vm/host/qgsd-quotes.sh ARTIFACT_DIR KERNEL_TAG
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
art=${1:?usage: qgsd-quotes.sh ARTIFACT_DIR KERNEL_TAG}
. "$here/../lib.sh"
TQ=$TDX_STATE/tools/tdx-quote

bundles=$(find "$art" -path '*/qgsd-*/quotes.tgz' -type f 2>/dev/null | sort)
[ -n "$bundles" ] || exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for b in $bundles; do
	d=$(dirname "$b")
	name=qgsd-quotes/$(basename "$d" | sed 's/^qgsd-//')
	rm -rf "$work/q"
	mkdir -p "$work/q"
	if ! tar xzf "$b" -C "$work/q" 2>"$work/err"; then
		echo "FAIL $name/count: cannot unpack $b: $(head -1 "$work/err")"
		continue
	fi
	want=$(cat "$d/count" 2>/dev/null)
	got=$(find "$work/q" -name 'q.*' -type f | wc -l)
	if [ -n "$want" ] && [ "$got" = "$want" ] && [ "$got" -gt 0 ]; then
		echo "PASS $name/count"
	else
		echo "FAIL $name/count: $got quotes in the tarball, the guest wrote ${want:-?}"
	fi
	if [ ! -x "$TQ" ]; then
		echo "FAIL $name/all-verify: no $TQ"
		continue
	fi
	rd=$(tr -d ' \n' <"$d/reportdata.hex")
	bad=0
	first=
	for q in "$work"/q/q.*; do
		if ! out=$("$TQ" verify "$q" --root "$d/root_cert.pem" \
				--profile tdx-ext-simulator --report-data "$rd" 2>&1); then
			bad=$((bad + 1))
			[ -n "$first" ] ||
				first="$(basename "$q"): $(echo "$out" | tail -1)"
		fi
	done
	if [ $bad = 0 ]; then
		echo "PASS $name/all-verify"
	else
		echo "FAIL $name/all-verify: $bad of $got do not verify, first $first"
	fi
done
