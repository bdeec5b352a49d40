# SPDX-License-Identifier: GPL-2.0
#
# Sourced by tests/tools/t-qgs.sh and t-qgs-qemu.sh: running the ASan
# build of tdx-qgsd in the background.  The caller defines pass and fail,
# and sets W (work directory), D (the daemon), S (its UNIX socket) and
# QGSD_PREFIX (put before result names, may be empty); DPID and LOG are
# the running daemon's.

# wait_for SECONDS CMD...: poll CMD every 50 ms until it succeeds.
wait_for() {
	local end=$(($(date +%s%N) + $1 * 1000000000))
	shift
	until "$@"; do
		[ "$(date +%s%N)" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# start NAME [ENV=V...] -- ARGS...: the daemon in the foreground, in the
# background; waits until it says it is ready.
start() {
	local name=$1 envs=()
	shift
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	LOG=$W/$name.log
	rm -f "$S"
	: >"$LOG"
	env "${envs[@]}" "$D" --foreground --config "$W/none.conf" --socket "$S" \
		--vsock-port none "$@" >>"$LOG" 2>&1 &
	DPID=$!
	if ! wait_for 20 grep -q 'tdx-qgsd ready' "$LOG"; then
		fail "$QGSD_PREFIX$name/start" "not ready in 20 s: $(tail -3 "$LOG" | tr '\n' ' ')"
		kill "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
		DPID=
		return 1
	fi
}

# stop NAME: SIGTERM; exit 0 and a clean sanitizer log wanted.
stop() {
	local rc
	[ -n "$DPID" ] || return 0
	kill -TERM "$DPID"
	wait "$DPID"
	rc=$?
	DPID=
	if [ $rc = 0 ] && ! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error' "$LOG"; then
		pass "$QGSD_PREFIX$1/sigterm-exit-0-asan-clean"
	else
		fail "$QGSD_PREFIX$1/sigterm-exit-0-asan-clean" "exit $rc; $(grep -m1 -E 'Sanitizer|runtime error' "$LOG")"
	fi
}
