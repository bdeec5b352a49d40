#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of the user-space tools (tools/): the "tools" tier of
# "make check".  Builds the tools with ASan and UBSan into
# $TDX_STATE/tools-san (and the libFuzzer targets into
# $TDX_STATE/tools-fuzz/fuzz), then runs every tests/tools/t-*.sh with
# these variables exported:
#
#   TOOLS_SAN    directory holding tdx-quote, tdx-qgsd, libtdxquote.a
#                built with sanitizers
#   TOOLS_FUZZ   directory holding the libFuzzer binaries (empty when
#                clang is missing: the fuzz scripts then fail, not skip)
#   TOOLS_WORK   a scratch directory of the script's own, removed after
#   FUZZ_SECONDS time per fuzz target (default 30; longer by hand)
#   PY           Debian's python (/usr/bin/python3: cbor2, cryptography)
#
# Each script prints "PASS name" / "FAIL name: reason" lines (names start
# with "tools/") and exits 0, or non-zero when it could not run; this
# script appends the lines to --results FILE.
#
#   tests/tools/run.sh [--results FILE] [t-NAME...]

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TDX_LOG_TAG=tools
. "$here/../vm/lib.sh"

if [ "${1:-}" = --results ]; then
	results=$2
	shift 2
fi
scripts=("$@")
[ ${#scripts[@]} -gt 0 ] || scripts=("$here"/t-*.sh)

export TOOLS_SAN=$TDX_STATE/tools-san
export TOOLS_FUZZ=$TDX_STATE/tools-fuzz/fuzz
export FUZZ_SECONDS=${FUZZ_SECONDS:-30}
export PY=/usr/bin/python3
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=109
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=109

if ! make -s -C "$TDX_TOP/tools" SAN=1 OUT="$TOOLS_SAN" \
		>"$TDX_STATE/tools-san.log" 2>&1; then
	cat "$TDX_STATE/tools-san.log" >&2
	res FAIL tools/build "building the tools with ASan/UBSan failed"
	exit 1
fi
res PASS tools/build
if ! make -s -C "$TDX_TOP/tools" fuzz OUT="$TDX_STATE/tools-fuzz" \
		>"$TDX_STATE/tools-fuzz.log" 2>&1; then
	cat "$TDX_STATE/tools-fuzz.log" >&2
	res FAIL tools/build-fuzz "building the libFuzzer targets failed"
fi

rc=0
for s in "${scripts[@]}"; do
	if [ ! -f "$s" ]; then
		if [ -f "$here/$s" ]; then
			s=$here/$s
		else
			s=$here/$s.sh
		fi
	fi
	name=$(basename "$s" .sh)
	export TOOLS_WORK
	TOOLS_WORK=$(mktemp -d "${TMPDIR:-/tmp}/tdx-tools.XXXXXX")
	log "--- $name"
	out=$TDX_STATE/tools-$name.out
	bash "$s" >"$out"
	src=$?
	grep -E '^(PASS|FAIL) ' "$out" | while read -r verdict rest; do
		if [ "$verdict" = PASS ]; then
			echo "PASS $rest"
		else
			echo "FAIL $rest"
		fi
	done | tee -a "${results:-/dev/null}"
	npass=$((npass + $(grep -c '^PASS ' "$out")))
	nfail=$((nfail + $(grep -c '^FAIL ' "$out")))
	if [ $src != 0 ] && ! grep -q '^FAIL ' "$out"; then
		res FAIL "tools/$name" "exited $src without a failing test"
	fi
	[ $src = 0 ] || rc=1
	rm -rf "$TOOLS_WORK"
done
log "tools: $npass passed, $nfail failed"
[ "$nfail" = 0 ] && [ $rc = 0 ]
