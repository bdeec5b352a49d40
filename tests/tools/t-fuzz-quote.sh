#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The quote fuzzers (tools/fuzz/fuzz_quote_parse.c, fuzz_quote_verify.c,
# fuzz_dice_ext.c: the TCG DICE extension parsers, seeds in corpus/dice/),
# FUZZ_SECONDS each, side by side, on a copy of tools/fuzz/corpus/quote/
# (the seeds stay as committed).  PASS when libFuzzer ends without a
# finding; FAIL quotes the crash line (the reproducer is in TOOLS_WORK,
# kept in the script's output).  A missing binary is a failure, not a skip.
# Run by tests/tools/run.sh (TOOLS_FUZZ, TOOLS_WORK, FUZZ_SECONDS).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TDX_LOG_TAG=tools
. "$here/../vm/lib.sh"
: "${TOOLS_WORK:?run me from tests/tools/run.sh}"
secs=${FUZZ_SECONDS:-30}
seeds=$TDX_TOP/tools/fuzz/corpus/quote
start=$(now)

# The verify fuzzer pins the TEST root embedded in its source; the valid
# seeds must verify under it at its fixed time, or the fuzzer never gets
# past the signature.
src=$TDX_TOP/tools/fuzz/fuzz_quote_verify.c
sed -n '/root_pem\[\] =/,/;$/p' "$src" | grep -o '"[^"]*"' | tr -d '"' |
	sed 's/\\n$//' >"$TOOLS_WORK/fuzz-root.pem"
ftime=$(sed -n 's/^#define FUZZ_TIME[[:space:]]*\([0-9]*\).*/\1/p' "$src")
if [ -x "${TOOLS_SAN:-}/tdx-quote" ]; then
	bad=
	for q in "$seeds"/valid_*.cbor; do
		"$TOOLS_SAN/tdx-quote" verify -q "$q" --time "$ftime" \
			--root "$TOOLS_WORK/fuzz-root.pem" >/dev/null 2>&1 ||
			bad="$bad $(basename "$q")"
	done
	if [ -z "$bad" ] && [ -n "$ftime" ]; then
		res PASS tools/fuzz/quote-seeds
	else
		res FAIL tools/fuzz/quote-seeds "seeds not verifying under the \
fuzzer's root at $ftime:$bad"
	fi
fi

declare -A pid
for f in fuzz_quote_parse fuzz_quote_verify fuzz_dice_ext; do
	bin=${TOOLS_FUZZ:-}/$f
	if [ -z "${TOOLS_FUZZ:-}" ] || [ ! -x "$bin" ]; then
		res FAIL "tools/fuzz/$f" "no fuzzer binary $bin (clang missing, \
or make fuzz failed)"
		continue
	fi
	mkdir -p "$TOOLS_WORK/$f/corpus" "$TOOLS_WORK/$f/art"
	if [ $f = fuzz_dice_ext ]; then
		cp "$TDX_TOP/tools/fuzz/corpus/dice"/* "$TOOLS_WORK/$f/corpus/"
	else
		cp "$seeds"/* "$TOOLS_WORK/$f/corpus/"
	fi
	"$bin" -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 \
		-timeout=25 -print_final_stats=1 \
		-artifact_prefix="$TOOLS_WORK/$f/art/" \
		"$TOOLS_WORK/$f/corpus" >"$TOOLS_WORK/$f/log" 2>&1 &
	pid[$f]=$!
done

for f in "${!pid[@]}"; do
	wait "${pid[$f]}"
	rc=$?
	logf=$TOOLS_WORK/$f/log
	runs=$(grep -m1 -oE 'stat::number_of_executed_units: *[0-9]+' "$logf" |
		grep -oE '[0-9]+$')
	cov=$(grep -E '^#[0-9]+.*cov:' "$logf" | tail -1 |
		grep -oE 'cov: [0-9]+ ft: [0-9]+')
	log "$f: ${runs:-?} runs, ${cov:-?}, exit $rc"
	if [ $rc = 0 ] && [ -z "$(find "$TOOLS_WORK/$f/art" -type f)" ]; then
		res PASS "tools/fuzz/$f"
	else
		line=$(grep -m1 -E '==[0-9]+==ERROR|runtime error|SUMMARY|out-of-memory|timeout|deadly signal' \
			"$logf")
		# keep the reproducer visible in the script output
		for a in "$TOOLS_WORK/$f/art/"*; do
			[ -f "$a" ] && { echo "reproducer $a:"; base64 -w0 "$a"; echo; }
		done
		tail -40 "$logf"
		res FAIL "tools/fuzz/$f" "exit $rc: ${line:-see the log}"
	fi
done
log "t-fuzz-quote: $(elapsed "$start") s"
exit 0
