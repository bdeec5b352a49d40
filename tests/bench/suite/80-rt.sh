# SPDX-License-Identifier: GPL-2.0
# Benchmark: the worst wake-up latency of a SCHED_FIFO thread sleeping
# 1 ms in a loop (tests/vm/progs/rt_probe.c), with the machine idle and
# during a storm of quotes from 16 clients (direct ioctls), REPS times:
#   rt_wakeup_excess_slices = (storm max - idle max) / slice_us
# what quoting adds to a real-time thread's worst wake-up, in slices of
# the simulator's slice_us (the longest the engine keeps a CPU inside one
# SEAMCALL before it may be preempted).  Raw lines for
# tests/bench/summary.py.
. /tests/lib.sh

A=/tmp/bench-rt
REPS=5
SECS=2
mkdir -p "$A"
bench() { echo "# BENCH $*" >"$TDX_RESULT"; echo "[bench] $*"; }
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

insmod "$MODDIR/tdx_ext_sim.ko" seed=7272 td_wildcard=1 || { t_fail bench-rt-load "insmod sim"; exit 0; }
insmod "$MODDIR/tdx_ext.ko" backend=sim || { t_fail bench-rt-load "insmod tdx_ext"; rmmod tdx_ext_sim; exit 0; }
slice=$(cat /sys/module/tdx_ext_sim/parameters/slice_us 2>/dev/null)
sim_td bench-rt-td 72 "$A/td" >/dev/null &&
	sim_report bench-rt-report "$TD_ID" "$(reportdata_hex 72)" "$A/td/report.bin" >/dev/null
if [ -z "$slice" ] || [ "$slice" = 0 ]; then
	bench "na rt_wakeup_excess_slices slice_us unreadable or 0"
elif ! rt_probe 0.1 >/dev/null 2>"$A/err"; then
	bench "na rt_wakeup_excess_slices rt_probe: $(head -1 "$A/err")"
else
	for rep in $(seq $REPS); do
		idle=$(rt_probe $SECS | grep '^# rt ')
		qgs_client direct --clients 16 --requests 20 \
			--report "$A/td/report.bin" >"$A/storm.out" 2>&1 &
		spid=$!
		storm=$(rt_probe $SECS | grep '^# rt ')
		wait $spid
		grep -q '^ok direct' "$A/storm.out" ||
			t_fail "bench-rt-storm-$rep" "$(head -2 "$A/storm.out" | tr '\n' ' ')"
		im=$(field max_us "$idle"); sm=$(field max_us "$storm")
		bench "rt rep=$rep slice_us=$slice idle_max_us=$im idle_avg_us=$(field avg_us "$idle") storm_max_us=$sm storm_avg_us=$(field avg_us "$storm") storm_quotes=$(field requests "$(grep '^# direct' "$A/storm.out")")"
		[ -n "$im" ] && [ -n "$sm" ] &&
			bench "raw rt_wakeup_excess_slices $(awk -v s="$sm" -v i="$im" -v u="$slice" 'BEGIN { printf "%.2f", (s - i) / u }') idle_max_us=$im storm_max_us=$sm slice_us=$slice"
	done
fi
rmmod tdx_ext
rmmod tdx_ext_sim
t_ok bench-rt-complete
