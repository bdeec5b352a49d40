# SPDX-License-Identifier: GPL-2.0
# tdx_ext.ko at its limits (issue 15, items 1, 3 and 6):
# - rmmod with killed callers still queued: the queued requests fail with
#   -ENODEV without reaching the TDX module, the one in flight ends by its
#   deadline, and rmmod returns within one deadline;
# - timeout and queue_depth out of range refuse the load (-EINVAL) with a
#   "refused:" line; the bounds themselves load;
# - the TDX module out of entropy: EBUSY ("try again"), and the retry works.
. /tests/lib.sh

S=/sys/class/misc/tdx_quote
E=$S/engine
P=/sys/module/tdx_ext/parameters
A=/tmp/artifacts/unload
mkdir -p "$A"

# drv_load ARGS...: load once (modload: busybox insmod runs a failing init
# twice), keeping the message
drv_load() { DRV_OUT=$(modload "$MODDIR/tdx_ext.ko" "$@" 2>&1); }
drv_loaded() { grep -q '^tdx_ext ' /proc/modules; }
# uptime_cs: /proc/uptime in centiseconds (it always has two decimals)
uptime_cs() { cut -d' ' -f1 /proc/uptime | tr -d .; }

# wait_until NAME SECONDS CMD...: poll CMD (every 20 ms) until it succeeds;
# fails NAME after SECONDS.  A bounded wait on a condition, not a sleep.
wait_until() {
	local name=$1 secs=$2 end=$(($(uptime_cs) + $2 * 100))
	shift 2
	until "$@"; do
		if [ "$(uptime_cs)" -gt $end ]; then
			t_fail "$name" "'$*' still false after $secs s"
			return 1
		fi
		usleep 20000
	done
}

unload_all() {
	rmmod tdx_ext 2>/dev/null
	echo 0 >"$SIM_DBG/stall_quote_get" 2>/dev/null
	rmmod tdx_ext_sim 2>/dev/null
}

# --- item 3: timeout and queue_depth bounds ----------------------------------
sim_load bounds-sim pool_pages=512 || exit 0
# refused PARAM VALUE: the load fails with EINVAL, says why, leaves nothing
refused() {
	local n="$1-$2"
	dmesg -c >/dev/null
	if drv_load backend=sim "$1=$2"; then
		t_fail "refuse-$n" "loaded with $1=$2"
		rmmod tdx_ext
		return
	fi
	case "$DRV_OUT" in
	*"Invalid argument"*) t_ok "refuse-$n-einval" ;;
	*) t_fail "refuse-$n-einval" "modload: $DRV_OUT" ;;
	esac
	if dmesg | grep -q "tdx_ext: refused: $1=$2 is not a whole number from 1 to $3 "; then
		t_ok "refuse-$n-says-why"
	else
		t_fail "refuse-$n-says-why" "dmesg: $(dmesg | grep tdx_ext | tail -2 | tr '\n' ' ')"
	fi
	drv_loaded && t_fail "refuse-$n-not-loaded" "tdx_ext is in /proc/modules" ||
		t_ok "refuse-$n-not-loaded"
}
# 17179870 s * HZ 250 wrapped to 0.8 s before; 4294967296 and the last do
# not fit in a uint at all.
for v in 0 3601 17179870 4294967296 99999999999999999999; do
	refused timeout $v 3600
done
for v in 0 4097 4294967295 99999999999999999999; do
	refused queue_depth $v 4096
done
# accepted PARAMS...: loads, quoting ready, the parameters as given
accepted() {
	local n=$1 want=$2
	shift 2
	if t_run "accept-$n" insmod "$MODDIR/tdx_ext.ko" backend=sim "$@"; then
		t_expect "accept-$n-state" ready "$(cat $S/state)"
		t_expect "accept-$n-params" "$want" "$(cat $P/timeout) $(cat $P/queue_depth)"
		t_run "accept-$n-unload" rmmod tdx_ext
	fi
}
accepted defaults "30 64"
accepted lower-bounds "1 1" timeout=1 queue_depth=1
accepted upper-bounds "3600 4096" timeout=3600 queue_depth=4096
t_run bounds-sim-unload rmmod tdx_ext_sim

# --- item 1: rmmod with killed callers queued ---------------------------------
# timeout=2 and the simulator stalling QUOTE.GET: no job ever finishes, each
# ends at its deadline.  Six callers: one in flight, the others queued (on
# a slow kernel one may have timed out already); all killed.  rmmod must
# fail the queued ones without running them and return within one
# deadline (the in-flight job's; the abandoned QUOTE.GET's last try at
# unload shares it), not one deadline per queued request.
N=6
T=2
# The unload itself (rmmod, misc_deregister, the module's freeing): about
# 2 s on the debug kernel (KASAN, kmemleak) under TCG, well under one on
# the others.
SLACK_CS=200
[ "$TDX_KERNEL" = debug ] && SLACK_CS=400
sim_load unload-sim pool_pages=512 || exit 0
if ! sim_td unload-td 46 "$A" ||
   ! sim_report unload-report "$TD_ID" "$(reportdata_hex 46)" "$A/report.bin" ||
   ! t_run unload-load insmod "$MODDIR/tdx_ext.ko" backend=sim timeout=$T; then
	unload_all
	exit 0
fi
H=$(cat "$A/handle")
t_expect unload-timeout-param $T "$(cat $P/timeout)"
sim_ctl unload-stall stall_quote_get 1 || { unload_all; exit 0; }

# callers_settled PID...: every caller is blocked in the driver waiting for
# its request (queued, or in flight), or already gone (its request ran to
# its deadline: ETIMEDOUT); at least two are still waiting, so at least
# one request is queued behind the one in flight.  Shell builtins only:
# forking pollers would slow the guest the deadlines are measured in.
callers_settled() {
	local p w st n=0
	for p in "$@"; do
		w=
		st=
		{ read -r w </proc/$p/wchan; read -r st </proc/$p/stat; } 2>/dev/null
		st=${st##*) }
		case "${st%% *}:$w" in
		:*|Z:*) ;;				# gone (or a zombie)
		*:tdx_ext_job_wait) n=$((n + 1)) ;;
		*) return 1 ;;				# not there yet
		esac
	done
	[ $n -ge 2 ]
}

dmesg -c >/dev/null
jobs0=$(cat $E/jobs)
pids=
i=0
while [ $i -lt $N ]; do
	get_quote "$A/report.bin" "$H" >/dev/null 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
# shellcheck disable=SC2086
if wait_until unload-callers-queued 20 callers_settled $pids; then
	t_ok unload-callers-queued
else
	for p in $pids; do
		echo "[test] pid $p: wchan '$(cat /proc/$p/wchan 2>/dev/null)'"
	done
fi
# shellcheck disable=SC2086
kill -9 $pids
for p in $pids; do
	wait "$p" 2>/dev/null
done
t_expect unload-callers-gone "" "$(for p in $pids; do [ -d /proc/$p ] && echo $p; done)"
started=$(($(cat $E/jobs) - jobs0))
echo "[test] unload: $started of $N requests started before rmmod"

t0=$(uptime_cs)
t_run unload-rmmod rmmod tdx_ext
t1=$(uptime_cs)
took=$((t1 - t0))
bound=$((T * 100 + SLACK_CS))
echo "# unload: rmmod with $N killed callers took $((took * 10)) ms (timeout=$T s)" >"$TDX_RESULT"
if [ $took -le $bound ]; then
	t_ok unload-within-one-deadline
else
	t_fail unload-within-one-deadline "rmmod took $((took * 10)) ms; one deadline is $T s (+$((SLACK_CS * 10)) ms to unload)"
fi
# The queued requests failed, not run: the engine says how many; each
# request that did run ended at its deadline with a warning, and so did
# the abandoned QUOTE.GET's last try at unload: together, N + 1.
failed=$(dmesg | sed -n 's/.*tdx_ext: stopping: \([0-9]*\) queued requests failed with -ENODEV, not run.*/\1/p' | tail -1)
ran=$(dmesg | grep -c 'SEAMCALL leaf 98 unfinished after')
if [ -n "$failed" ] && [ "$failed" -ge 1 ] && [ "$failed" -le $((N - started)) ]; then
	t_ok unload-queued-failed
else
	t_fail unload-queued-failed "stopping line says '${failed:-none}' failed; $started of $N had started"
fi
t_expect unload-each-failed-or-ran-once $((N + 1)) "$((${failed:-0} + ran))"
dmesg | grep -q 'abandoned TDH.QUOTE.GET is still pending .*: leaking' &&
	t_ok unload-abandoned-leaked-not-freed ||
	t_fail unload-abandoned-leaked-not-freed "no leak warning: $(dmesg | grep tdx_ext | tail -2 | tr '\n' ' ')"
unload_all

# --- item 6: out of entropy is EBUSY, and a retry works ------------------------
# The simulator answers TDX_RND_NO_ENTROPY 11 times: one more than the
# driver re-issues.  The caller gets EBUSY with the raw status, and the
# same request again makes a quote.
sim_load entropy-sim pool_pages=512 || exit 0
if sim_td entropy-td 47 "$A/e" &&
   sim_report entropy-report "$TD_ID" "$(reportdata_hex 47)" "$A/e/report.bin" &&
   t_run entropy-load insmod "$MODDIR/tdx_ext.ko" backend=sim; then
	H=$(cat "$A/e/handle")
	if sim_ctl entropy-11 rnd_no_entropy 11; then
		t_tap entropy quote_test expect no-entropy-ebusy \
			--report "$A/e/report.bin" --td "$H" --errno EBUSY \
			--status 0x8000020300000000
		t_expect entropy/retries-counted 10 "$(cat $E/retries)"
		t_tap entropy quote_test expect retry-succeeds \
			--report "$A/e/report.bin" --td "$H" --errno success
	fi
	t_run entropy-unload rmmod tdx_ext
fi
rmmod tdx_ext_sim 2>/dev/null
# At load: TDH.EXT.INIT out of entropy fails the load with EBUSY too.
sim_load entropy-init-sim pool_pages=512 || exit 0
if sim_ctl entropy-init-11 rnd_no_entropy 11; then
	dmesg -c >/dev/null
	drv_load backend=sim
	case "$DRV_OUT" in
	*"resource busy"*) t_ok entropy-load-ebusy ;;
	*) t_fail entropy-load-ebusy "modload: $DRV_OUT" ;;
	esac
	drv_loaded && rmmod tdx_ext
fi
rmmod tdx_ext_sim
t_expect all-unloaded "" "$(grep -E '^tdx_ext(_sim)? ' /proc/modules)"
