#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of tdx-qgsd (tests/tools/run.sh sets TOOLS_SAN, TOOLS_FUZZ,
# TOOLS_WORK, FUZZ_SECONDS):
#
#   tools/qgs-codec/*    tests/tools/test_qgs.c against tools/lib/qgs.c,
#                        ASan/UBSan: round trips, every malformed frame
#   tools/qgs-fuzz       fuzz_qgs for $FUZZ_SECONDS on a copy of
#                        tools/fuzz/corpus/qgs (missing binary: FAIL)
#   tools/qgsd/*         the ASan build of the daemon, driven by the VM's
#                        test client (tests/vm/progs/qgs_client.c) built for
#                        the host: a device that is missing or fails gives
#                        error replies, never silence; with a fake device
#                        (test_qgs.c built as an LD_PRELOAD shim) quotes,
#                        raw mode, 16 clients x 10, 10,000 malformed requests
#                        with RSS before/after, stalled and killed clients,
#                        limits, SIGHUP, SIGUSR1, SIGTERM with requests in
#                        flight, socket activation; LeakSanitizer at exit.
#
# No sleeps as synchronisation: every wait polls for its condition under a
# deadline.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
W=${TOOLS_WORK:?run by tests/tools/run.sh}
FUZZ_SECONDS=${FUZZ_SECONDS:-30}

pass() { echo "PASS tools/$1"; }
fail() { echo "FAIL tools/$1: $2"; }

# Results of a program printing "ok NAME" / "not ok NAME # WHY" lines.
relay() {	# PREFIX FILE RC
	local p=$1 f=$2 rc=$3 line n=0
	while IFS= read -r line; do
		case "$line" in
		"ok "*) pass "$p/${line#ok }"; n=$((n + 1)) ;;
		"not ok "*)
			line=${line#not ok }
			fail "$p/${line%% # *}" "${line#* # }"
			n=$((n + 1))
			;;
		"# "*) echo "$line" ;;
		esac
	done <"$f"
	if [ "$n" = 0 ]; then
		fail "$p/exit" "no result, exit $rc: $(tail -3 "$f" "$f.err" 2>/dev/null | tr '\n' ' ')"
	elif [ "$rc" != 0 ] && ! grep -q '^not ok ' "$f"; then
		fail "$p/exit" "exit $rc without a failed check: $(tail -3 "$f.err" 2>/dev/null | tr '\n' ' ')"
	fi
}


# ---- the codec --------------------------------------------------------------
SANFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
# shellcheck disable=SC2086
if gcc $SANFLAGS -I"$top/tools/lib" -o "$W/test_qgs" "$here/test_qgs.c" \
	"$top/tools/lib/qgs.c" 2>"$W/cc.err"; then
	"$W/test_qgs" >"$W/codec.out" 2>&1
	rc=$?
	grep -E '^(PASS|FAIL) ' "$W/codec.out"
	if [ $rc != 0 ] && ! grep -q '^FAIL ' "$W/codec.out"; then
		fail qgs-codec/exit "exit $rc: $(tail -3 "$W/codec.out" | tr '\n' ' ')"
	fi
else
	fail qgs-codec/build "$(head -3 "$W/cc.err" | tr '\n' ' ')"
fi

# ---- the fuzzer -----------------------------------------------------------------
if [ -x "${TOOLS_FUZZ:-}/fuzz_qgs" ]; then
	mkdir -p "$W/corpus"
	cp "$top/tools/fuzz/corpus/qgs/"* "$W/corpus/"
	if "$TOOLS_FUZZ/fuzz_qgs" -max_total_time="$FUZZ_SECONDS" \
			-rss_limit_mb=2048 -artifact_prefix="$W/" "$W/corpus" \
			>"$W/fuzz.log" 2>&1; then
		pass qgs-fuzz
		grep -E '^Done [0-9]+ runs' "$W/fuzz.log" | sed 's/^/# qgs-fuzz: /'
	else
		fail qgs-fuzz "$(grep -m1 -E 'ERROR|runtime error|deadly' "$W/fuzz.log") ($(ls "$W"/crash-* 2>/dev/null | head -1))"
	fi
else
	fail qgs-fuzz "no fuzz_qgs in '${TOOLS_FUZZ:-}' (clang missing or the fuzz build failed)"
fi

# ---- the daemon -------------------------------------------------------------------
D=$TOOLS_SAN/tdx-qgsd
if [ ! -x "$D" ]; then
	fail qgsd/build "no $D"
	exit 0
fi
if ! gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$top/include/uapi" \
		-o "$W/qgs_client" "$top/tests/vm/progs/qgs_client.c" 2>"$W/cc.err" ||
   ! gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -DQGS_FAKE_DEVICE \
		-shared -fPIC -I"$top/include/uapi" -o "$W/fakedev.so" \
		"$here/test_qgs.c" 2>>"$W/cc.err"; then
	fail qgsd/build-client "$(head -3 "$W/cc.err" | tr '\n' ' ')"
	exit 0
fi
C=$W/qgs_client
S=$W/qgs.sock
# A TDREPORT stand-in: type byte 0x81, then a pattern.
{ printf '\201\000'; head -c 1022 /dev/zero | tr '\000' 'r'; } >"$W/report"
# The LD_PRELOAD shim needs ASan not to insist on coming first.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:exitcode=109}:verify_asan_link_order=0:quarantine_size_mb=4
DPID=

QGSD_PREFIX=qgsd/
# shellcheck source=tests/tools/qgsd-lib.sh
. "$here/qgsd-lib.sh"

cl() {	# PREFIX ARGS...: run the client, relay its results
	local p=$1 rc
	shift
	"$C" --unix "$S" --timeout 30 "$@" >"$W/cl.out" 2>"$W/cl.out.err"
	rc=$?
	relay "qgsd/$p" "$W/cl.out" $rc
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
: >"$W/none.conf"

# -- 1. no device: error replies, never silence -----------------------------------
if start nodev -- --device "$W/no-such-device"; then
	cl nodev get --report "$W/report" --expect-error UNEXPECTED --name get-unexpected
	# Intel's raw mode fails by closing without a byte.
	cl nodev get --raw --report "$W/report" --expect-error UNEXPECTED --name raw-failure-silent-close
	if grep -q 'quote failed: No such file or directory' "$LOG"; then
		pass qgsd/nodev/logged
	else
		fail qgsd/nodev/logged "no 'quote failed' line in $LOG"
	fi
	stop nodev
fi

# -- 2. a device that fails its ioctls ------------------------------------------------
if start notty -- --device /dev/null; then
	cl notty get --report "$W/report" --expect-error UNEXPECTED --name enotty-unexpected
	stop notty
fi
if start ebadmsg LD_PRELOAD="$W/fakedev.so" FAKE_QUOTE_FAIL=74 -- --device /dev/null; then
	cl ebadmsg get --report "$W/report" --expect-error INVALID_PARAMETER --name ebadmsg-invalid-parameter
	cl ebadmsg concurrent --clients 4 --requests 5 --report "$W/report" \
		--expect-error INVALID_PARAMETER --name concurrent-all-errors
	stop ebadmsg
fi

# -- 3. the fake device: quotes -----------------------------------------------------------
cat >"$W/fake.conf" <<EOF
# the test's config file
read_timeout = 1500ms
max_connections = 64
log_level = info
EOF
want() { { printf 'FAKEQUOTE:'; cat "$W/report"; } >"$W/want"; }
want
fake_t0=$(date +%s)
if start fake LD_PRELOAD="$W/fakedev.so" -- --device /dev/null --config "$W/fake.conf" --workers 8; then
	mode=$(stat -c %a "$S")
	[ "$mode" = 660 ] && pass qgsd/fake/socket-mode-0660 ||
		fail qgsd/fake/socket-mode-0660 "mode $mode"
	cl fake get --report "$W/report" -o "$W/q.get"
	cl fake get --report "$W/report" --minor 0 --ids 300 -o "$W/q.minor0" --name get-minor-0-ids
	# Intel's raw mode: the bare report in, the bare quote out.
	cl fake get --raw --report "$W/report" -o "$W/q.raw" --name raw-round-trip
	for f in get minor0 raw; do
		if cmp -s "$W/want" "$W/q.$f"; then
			pass "qgsd/fake/quote-bytes-$f"
		else
			fail "qgsd/fake/quote-bytes-$f" "the quote differs from the device's"
		fi
	done

	# A stalled client, while 16 clients x 10 requests are served.
	"$C" --unix "$S" stall --report "$W/report" --ready "$W/stalled" \
		--min-ms 1400 --max-ms 10000 >"$W/stall.out" 2>&1 &
	stall_pid=$!
	wait_for 10 test -e "$W/stalled" || fail qgsd/fake/stall-ready "the stalling client never sent"
	mkdir -p "$W/qs"
	cl fake concurrent --clients 16 --requests 10 --raw-every 4 \
		--report "$W/report" --out-dir "$W/qs" --name concurrent-16x10
	wait $stall_pid
	relay qgsd/fake "$W/stall.out" $?
	n=0
	for f in "$W"/qs/q.*; do
		cmp -s "$W/want" "$f" && n=$((n + 1))
	done
	[ $n = 160 ] && pass qgsd/fake/concurrent-quote-bytes ||
		fail qgsd/fake/concurrent-quote-bytes "$n of 160 quotes right"
	wait_for 10 grep -q 'rejected: read_timeout' "$LOG" &&
		pass qgsd/fake/stall-logged || fail qgsd/fake/stall-logged "no read_timeout line"

	cl fake killed --report "$W/report"
	# 10,000 malformed requests: each gets its reply; RSS stays put.
	# (ASan's allocator and its 4 MiB quarantine fill during a first
	# round; a second one must not grow it: a leak of 200 bytes per
	# request would.  LeakSanitizer checks every allocation at exit.)
	cl fake malformed --count 10000 --procs 4 --name warmup
	rss0=$(rss_kb "$DPID")
	cl fake malformed --count 10000 --procs 4
	rss1=$(rss_kb "$DPID")
	echo "# qgsd RSS before ${rss0} kB, after 10000 malformed ${rss1} kB (ASan build)"
	if [ $((rss1 - rss0)) -lt 2048 ]; then
		pass qgsd/fake/rss-bounded
	else
		fail qgsd/fake/rss-bounded "RSS grew from $rss0 to $rss1 kB"
	fi

	cl fake limit --connections 64 --report "$W/report"

	# SIGUSR1: the counters; SIGHUP: a smaller message limit.
	kill -USR1 "$DPID"
	if wait_for 10 grep -q 'counters (SIGUSR1): accepted=' "$LOG"; then
		pass qgsd/fake/sigusr1-counters
		line=$(grep 'counters (SIGUSR1)' "$LOG" | tail -1)
		echo "# $line"
		# Each rejection counted was logged once, or counted in a
		# "log: REASON: K more lines suppressed" line; the lines are
		# at most log_rejects_per_second (5) per reason and second.
		nrej=$(grep -c ': rejected: ' "$LOG")
		nsup=$(sed -n 's/.* log: [a-z_]*: \([0-9]*\) more lines suppressed.*/\1/p' "$LOG" |
			awk '{ n += $1 } END { print n + 0 }')
		crej=$(echo "$line" | sed -n 's/.* rejected=\([0-9]*\) .*/\1/p')
		secs=$(( $(date +%s) - fake_t0 + 1 ))
		bound=$((5 * 17 * secs))
		echo "# qgsd: $crej rejections in ${secs} s: $nrej lines logged, $nsup suppressed (bound $bound lines)"
		[ $((nrej + nsup)) = "$crej" ] && [ "$crej" -gt 20000 ] &&
			pass qgsd/fake/every-rejection-logged-or-counted ||
			fail qgsd/fake/every-rejection-logged-or-counted "$nrej lines + $nsup suppressed, counter $crej"
		[ "$nrej" -le "$bound" ] && pass qgsd/fake/rejection-log-bounded ||
			fail qgsd/fake/rejection-log-bounded "$nrej lines, bound $bound"
	else
		fail qgsd/fake/sigusr1-counters "no counters line"
	fi
	echo "max_message_size = 2000" >>"$W/fake.conf"
	kill -HUP "$DPID"
	if wait_for 10 grep -q 'reloaded: .*max_message_size=2000' "$LOG"; then
		pass qgsd/fake/sighup-reload
		cl fake get --report "$W/report" --ids 1000 --expect-error INVALID_SIZE --name reloaded-limit
		cl fake get --report "$W/report" --name still-serving
	else
		fail qgsd/fake/sighup-reload "no 'reloaded' line: $(tail -2 "$LOG" | tr '\n' ' ')"
	fi
	echo "bogus_key = 1" >>"$W/fake.conf"
	kill -HUP "$DPID"
	if wait_for 10 grep -q 'reload failed' "$LOG"; then
		pass qgsd/fake/sighup-bad-config-kept
		cl fake get --report "$W/report" --name serving-after-bad-reload
	else
		fail qgsd/fake/sighup-bad-config-kept "no 'reload failed' line"
	fi

	# SIGTERM with 16 requests in flight (the fake takes 300 ms each
	# and 8 workers): every one is answered, then exit 0.
	stop fake
fi
if start term LD_PRELOAD="$W/fakedev.so" FAKE_QUOTE_MS=300 -- --device /dev/null --workers 8; then
	tpid=$DPID
	mkdir -p "$W/qt"
	cl term concurrent --clients 16 --requests 1 --report "$W/report" \
		--out-dir "$W/qt" --term-pid "$tpid" --name sigterm-in-flight-answered
	wait "$tpid"
	rc=$?
	DPID=
	[ $rc = 0 ] && ! grep -qE 'Sanitizer|runtime error' "$LOG" &&
		pass qgsd/term/exit-0 || fail qgsd/term/exit-0 "exit $rc"
	n=$(cat "$W"/qt/q.* 2>/dev/null | wc -c)
	[ "$n" = $((16 * 1034)) ] && pass qgsd/term/whole-quotes ||
		fail qgsd/term/whole-quotes "$n bytes of quotes, want $((16 * 1034))"
	[ -e "$S" ] && fail qgsd/term/socket-removed "$S left behind" ||
		pass qgsd/term/socket-removed
fi

# -- 3a. the device: opened per quote, never held idle; may come and go ---------
# $W/dev stands in for /dev/tdx_quote (the shim answers the ioctls on any
# fd): missing at start, created, removed, created again.
held() {	# the daemon has an fd of $W/dev open
	local f
	for f in /proc/"$DPID"/fd/*; do
		[ "$(readlink "$f" 2>/dev/null)" = "$W/dev" ] && return 0
	done
	return 1
}
rm -f "$W/dev"
if start devgone LD_PRELOAD="$W/fakedev.so" FAKE_QUOTE_MS=300 -- --device "$W/dev" --workers 2; then
	cl devgone get --report "$W/report" --expect-error UNEXPECTED --name missing-at-start-unexpected
	kill -0 "$DPID" 2>/dev/null && pass qgsd/devgone/running-without-device ||
		fail qgsd/devgone/running-without-device "the daemon exited"
	: >"$W/dev"
	cl devgone get --report "$W/report" -o "$W/q.dev1" --name served-once-it-appears
	cmp -s "$W/want" "$W/q.dev1" && pass qgsd/devgone/quote-bytes ||
		fail qgsd/devgone/quote-bytes "the quote differs"
	# Held during a quote (the check can see it), not after.
	"$C" --unix "$S" --timeout 30 get --report "$W/report" --name in-flight \
		>"$W/fl.out" 2>&1 &
	fpid=$!
	wait_for 20 held && pass qgsd/devgone/held-during-quote ||
		fail qgsd/devgone/held-during-quote "no fd of $W/dev seen during a quote"
	wait $fpid
	relay qgsd/devgone "$W/fl.out" $?
	held && fail qgsd/devgone/not-held-when-idle "an fd of $W/dev open after the reply" ||
		pass qgsd/devgone/not-held-when-idle
	rm -f "$W/dev"
	cl devgone get --report "$W/report" --expect-error UNEXPECTED --name gone-unexpected
	: >"$W/dev"
	cl devgone get --report "$W/report" -o "$W/q.dev2" --name back-served
	cmp -s "$W/want" "$W/q.dev2" && pass qgsd/devgone/back-quote-bytes ||
		fail qgsd/devgone/back-quote-bytes "the quote differs"
	stop devgone
fi

# -- 3c. quote size: above 8140 bytes a Linux guest behind QEMU cannot take it --
# The fake pads its quote: 8140 bytes is within the limit, 8141 and 9000
# are above; the daemon serves both, logs the first above once and
# counts each.  tdx-quote info shows max_quote_size against the limit.
if start big LD_PRELOAD="$W/fakedev.so" FAKE_QUOTE_PAD=8140 -- --device /dev/null; then
	cl big get --report "$W/report" -o "$W/q.8140" --name quote-8140
	stop big
fi
if start big2 LD_PRELOAD="$W/fakedev.so" FAKE_QUOTE_PAD=9000 -- --device /dev/null; then
	cl big2 get --report "$W/report" -o "$W/q.9000" --name quote-9000-served
	cl big2 get --raw --report "$W/report" -o "$W/q.9000r" --name raw-quote-9000-served
	n=$(stat -c %s "$W/q.9000" 2>/dev/null)
	[ "$n" = 9000 ] && pass qgsd/big2/quote-size || fail qgsd/big2/quote-size "$n bytes"
	kill -USR1 "$DPID"
	wait_for 10 grep -q 'counters (SIGUSR1)' "$LOG"
	c=$(sed -n 's/.* quotes_over_guest_limit=\([0-9]*\).*/\1/p' "$LOG" | tail -1)
	l=$(grep -c 'too big for a Linux guest' "$LOG")
	[ "$c" = 2 ] && [ "$l" = 1 ] && pass qgsd/big2/over-guest-limit-counted-logged-once ||
		fail qgsd/big2/over-guest-limit-counted-logged-once "counter $c, $l log lines"
	stop big2
fi
grep -q 'too big for a Linux guest' "$W/big.log" &&
	fail qgsd/big/8140-not-flagged "an 8140-byte quote was flagged" ||
	pass qgsd/big/8140-not-flagged
c=$(sed -n 's/.* quotes_over_guest_limit=\([0-9]*\).*/\1/p' "$W/big.log" | tail -1)
[ "$c" = 0 ] && pass qgsd/big/8140-not-counted || fail qgsd/big/8140-not-counted "counter '$c'"
TQ=$TOOLS_SAN/tdx-quote
for m in 8192:'max_quote_size: 8192 (above 8140: too big' 8140:'max_quote_size: 8140 (within the 8140'; do
	out=$(LD_PRELOAD="$W/fakedev.so" FAKE_MAX_QUOTE=${m%%:*} "$TQ" info --device /dev/null 2>&1)
	grep -qF "${m#*:}" <<<"$out" && pass "qgsd/tdx-quote-info/max-quote-size-${m%%:*}" ||
		fail "qgsd/tdx-quote-info/max-quote-size-${m%%:*}" "$(grep max_quote <<<"$out")"
done
out=$(LD_PRELOAD="$W/fakedev.so" "$TQ" info --json --device /dev/null 2>&1)
grep -q '"max_quote_size": 8192, "guest_quote_limit": 8140' <<<"$out" &&
	pass qgsd/tdx-quote-info/json-guest-limit ||
	fail qgsd/tdx-quote-info/json-guest-limit "$(head -c 300 <<<"$out")"

# -- 3b. peers: limits and fairness (UNIX peers are uids) ------------------------
# Peer A is this script's uid (root), peer B uid 65534 (setpriv): B needs
# the socket open to it (mode 0666), and a way into $W.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$W"
	mkdir -p "$W/pub"
	chmod 777 "$W/pub"
	clb() {	# NAME ARGS...: the client as peer B
		local p=$1 rc
		shift
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$C" --unix "$S" --timeout 30 "$@" >"$W/pub/cl.out" 2>"$W/pub/cl.out.err"
		rc=$?
		relay "qgsd/$p" "$W/pub/cl.out" $rc
	}
	cat >"$W/peer.conf" <<EOF
max_connections_per_peer = 16
max_queued_per_peer = 32
first_byte_timeout = 60s
log_level = debug
EOF
	if start peer LD_PRELOAD="$W/fakedev.so" FAKE_QUOTE_MS=200 -- --device /dev/null \
			--config "$W/peer.conf" --workers 1 --socket-mode 0666; then
		# A holds its 16 connections idle and floods 3000 requests, each
		# refused at once with UNEXPECTED; B still gets its quote.
		rm -f "$W/hoarding" "$W/hoard-done"
		t0=$(date +%s)
		t1=
		"$C" --unix "$S" --timeout 60 hoard --connections 16 --count 3000 \
			--ready "$W/hoarding" --until "$W/hoard-done" >"$W/hoard.out" 2>&1 &
		hpid=$!
		if wait_for 60 test -e "$W/hoarding"; then
			t1=$(date +%s)
			clb peer get --report "$W/report" -o "$W/pub/q.b" --name other-peer-served-while-hoarded
			cmp -s "$W/want" "$W/pub/q.b" && pass qgsd/peer/other-peer-quote-bytes ||
				fail qgsd/peer/other-peer-quote-bytes "peer B's quote differs"
		else
			fail qgsd/peer/hoard-ready "the hoarding client never got ready"
		fi
		touch "$W/hoard-done"
		wait $hpid
		relay qgsd/peer "$W/hoard.out" $?
		kill -USR1 "$DPID"
		wait_for 10 grep -q 'counters (SIGUSR1)' "$LOG"
		line=$(grep 'counters (SIGUSR1)' "$LOG" | tail -1)
		n=$(sed -n 's/.* rejected_peer_connections=\([0-9]*\).*/\1/p' <<<"$line")
		[ "$n" = 3001 ] && pass qgsd/peer/counter-peer-connections ||
			fail qgsd/peer/counter-peer-connections "rejected_peer_connections=$n, want 3001"
		# The log: at most 5 lines a second for the reason, the rest
		# summed up; lines + suppressed = the counter.
		secs=$(( ${t1:-$(date +%s)} - t0 + 1 ))
		nl=$(grep -c ': rejected: peer_connections' "$LOG")
		ns=$(sed -n 's/.* log: peer_connections: \([0-9]*\) more lines suppressed.*/\1/p' "$LOG" |
			awk '{ n += $1 } END { print n + 0 }')
		echo "# qgsd peer: $n refusals in about $secs s: $nl lines, $ns suppressed"
		[ "$nl" -le $((5 * (secs + 1))) ] && [ $((nl + ns)) = "$n" ] &&
			pass qgsd/peer/flood-log-bounded ||
			fail qgsd/peer/flood-log-bounded "$nl lines + $ns suppressed for $n refusals in $secs s (at most $((5 * (secs + 1))) lines)"

		# Round robin: A queues 12 requests (one worker, 200 ms each),
		# then B one: B's quote comes after at most 2 of A's (the one
		# being made and one more), not after all of them.
		mkdir -p "$W/qa"
		"$C" --unix "$S" --timeout 60 concurrent --clients 12 --requests 1 \
			--report "$W/report" --out-dir "$W/qa" --name peer-a-12 >"$W/qa.out" 2>&1 &
		apid=$!
		if wait_for 30 grep -q 'uid 0: queued (1[0-2] of this peer' "$LOG"; then
			clb peer get --report "$W/report" -o "$W/pub/q.rr" --name other-peer-round-robin
			bline=$(grep -n 'uid 65534: queued' "$LOG" | tail -1 | cut -d: -f1)
			qline=$(grep -n 'uid 65534: quote of' "$LOG" | tail -1 | cut -d: -f1)
			if [ -n "$bline" ] && [ -n "$qline" ]; then
				k=$(sed -n "${bline},${qline}p" "$LOG" | grep -c 'uid 0: quote of')
				echo "# qgsd round robin: $k of peer A's quotes between peer B's request and its quote"
				[ "$k" -le 2 ] && pass qgsd/peer/round-robin ||
					fail qgsd/peer/round-robin "$k of A's quotes before B's"
			else
				fail qgsd/peer/round-robin "no queued/quote lines for peer B"
			fi
		else
			fail qgsd/peer/round-robin "peer A never had 10 requests queued: $(grep -c 'uid 0: queued' "$LOG") queued lines"
		fi
		wait $apid
		relay qgsd/peer "$W/qa.out" $?

		# The queue limit, 4: of A's 8 requests at once, those beyond
		# it get UNEXPECTED, each counted.
		sed -i 's/^max_queued_per_peer = .*/max_queued_per_peer = 4/' "$W/peer.conf"
		kill -HUP "$DPID"
		if wait_for 10 grep -q 'reloaded: .*max_queued_per_peer=4 ' "$LOG"; then
			"$C" --unix "$S" --timeout 60 concurrent --clients 8 --requests 1 \
				--report "$W/report" --name peer-a-8 >"$W/q8.out" 2>"$W/q8.err"
			nu=$(grep -c 'error reply UNEXPECTED' "$W/q8.err")
			kill -USR1 "$DPID"
			wait_for 10 test "$(grep -c 'counters (SIGUSR1)' "$LOG")" -ge 2
			line=$(grep 'counters (SIGUSR1)' "$LOG" | tail -1)
			nq=$(sed -n 's/.* rejected_peer_queue=\([0-9]*\).*/\1/p' <<<"$line")
			echo "# qgsd queue limit 4: $nu of 8 refused"
			[ "$nu" -ge 1 ] && [ "$nu" -le 4 ] && [ "$nq" = "$nu" ] &&
				pass qgsd/peer/queue-limit-unexpected ||
				fail qgsd/peer/queue-limit-unexpected "$nu refused by the client's count, counter $nq"
		else
			fail qgsd/peer/queue-limit-unexpected "no reload"
		fi
		stop peer
	fi
else
	fail qgsd/peer/setup "needs root and setpriv for a second UNIX peer (uid)"
fi

# A connection that sends nothing is closed after first_byte_timeout,
# without a reply, and counted; the read timeout is logged with the
# reply it gets (UNEXPECTED).
if start idle LD_PRELOAD="$W/fakedev.so" -- --device /dev/null \
		--first-byte-timeout 300ms --read-timeout 600ms; then
	cl idle idle --connections 5
	"$C" --unix "$S" stall --report "$W/report" --min-ms 500 --max-ms 30000 \
		>"$W/stall2.out" 2>&1
	relay qgsd/idle "$W/stall2.out" $?
	grep -q 'rejected: read_timeout: .*; reply UNEXPECTED if it still listens' "$LOG" &&
		pass qgsd/idle/read-timeout-logged-unexpected ||
		fail qgsd/idle/read-timeout-logged-unexpected "$(grep -m1 'read_timeout' "$LOG")"
	kill -USR1 "$DPID"
	wait_for 10 grep -q 'counters (SIGUSR1)' "$LOG"
	n=$(sed -n 's/.* rejected_idle_timeout=\([0-9]*\).*/\1/p' "$LOG" | tail -1)
	[ "$n" = 5 ] && pass qgsd/idle/counted || fail qgsd/idle/counted "rejected_idle_timeout=$n, want 5"
	stop idle
fi

# -- 4. systemd socket activation (LISTEN_FDS), by systemd-socket-activate -------------
if command -v systemd-socket-activate >/dev/null; then
	rm -f "$W/act.sock"
	LOG=$W/act.log
	systemd-socket-activate -l "$W/act.sock" -E LD_PRELOAD="$W/fakedev.so" \
		-E ASAN_OPTIONS="$ASAN_OPTIONS" \
		"$D" --foreground --config "$W/none.conf" --socket none \
		--vsock-port none --device /dev/null >"$LOG" 2>&1 &
	apid=$!
	if wait_for 10 test -S "$W/act.sock"; then
		"$C" --unix "$W/act.sock" --timeout 30 get --report "$W/report" \
			--name socket-activated >"$W/cl.out" 2>"$W/cl.out.err"
		relay qgsd/activation "$W/cl.out" $?
		# The listener is named by its path (getsockname), not "fd 3".
		grep -qF "listening on systemd fd 3 (unix $W/act.sock)" "$LOG" &&
			pass qgsd/activation/listen-fds-path || fail qgsd/activation/listen-fds-path "$(head -2 "$LOG" | tr '\n' ' ')"
	else
		fail qgsd/activation/socket "systemd-socket-activate did not listen"
	fi
	kill -TERM $apid 2>/dev/null
	wait $apid
fi

# -- 5. the command line and the config file -------------------------------------------
# Here-strings, not "echo | grep -q": under pipefail a grep that exits at its
# first match can leave echo with EPIPE and fail a correct answer.
out=$("$D" --help 2>"$W/help.err")
rc=$?
[ $rc = 0 ] && grep -q 'SYNOPSIS' <<<"$out" && grep -q -- '--read-timeout' <<<"$out" &&
	pass qgsd/cli/help ||
	fail qgsd/cli/help "no usage text: exit $rc, ${#out} chars, stderr: $(head -c 400 "$W/help.err" | tr '\n' ' ')"
"$D" --no-such-option x >/dev/null 2>&1
[ $? = 2 ] && pass qgsd/cli/bad-option-exit-2 || fail qgsd/cli/bad-option-exit-2 "not exit 2"
echo "read_timeout = soon" >"$W/bad.conf"
out=$("$D" --foreground --config "$W/bad.conf" --socket "$S" 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "bad.conf:1: bad value 'soon' for read_timeout" <<<"$out" &&
	pass qgsd/cli/bad-config-exit-1 || fail qgsd/cli/bad-config-exit-1 "exit $rc: $out"
out=$("$D" --foreground --config "$W/missing.conf" --socket "$S" 2>&1)
[ $? = 1 ] && pass qgsd/cli/missing-explicit-config || fail qgsd/cli/missing-explicit-config "$out"
[ -z "$DPID" ] || { kill "$DPID"; wait "$DPID"; }
exit 0
