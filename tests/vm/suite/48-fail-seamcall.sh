# SPDX-License-Identifier: GPL-2.0
# Issue 15, item 4: a SEAMCALL that fails before it is queued (-ENOMEM)
# must never pass for one the TDX module answered.  tdx_ext's test-only
# fail_seamcall=N makes the Nth call of bring-up fail that way; this walks N
# from 1 until a load makes fewer calls than N, against a fresh simulator
# each time (first load: probe, features, pool, EXT.INIT, QUOTE.INIT), and
# then once more against a simulator that keeps its pool (the reload path).
# Each time:
# - a failed load says ENOMEM, nothing else;
# - a load that succeeded claims nothing the simulator did not do: "ready"
#   needs the simulator's Extensions and quoting initialised,
#   "quote-unavailable" its Extensions and a diagnosis naming error -12;
# - the pool the driver counts is the pool the simulator holds, nothing
#   leaked; a failed load's pages are the simulator's or freed;
# - a load without the fault then brings everything up.
. /tests/lib.sh

# The walk does not depend on the kernel (the counter is the driver's own):
# Debian 12's 6.1 and 6.12 and the debug kernel (KASAN, lockdep, kmemleak)
# run it; Debian 13's 6.12 and the backports 7.3 leave it out, for time
# (a minute each under TCG).
case "$(uname -r)" in
6.1.0-*-amd64 | 6.12.*+deb12-amd64) ;;
*)
	if ! t_kasan; then
		echo "[test] fail-seamcall: left out on $(uname -r) (run on Debian 12's kernels and the debug kernel)"
		exit 0
	fi ;;
esac

S=/sys/class/misc/tdx_quote
D=$SIM_DBG
POOL=1024
sim_pool() { sed -n 's/^pool_pages=//p' $D/state; }
drv_load() { DRV_OUT=$(modload "$MODDIR/tdx_ext.ko" "$@" 2>&1); }
drv_loaded() { grep -q '^tdx_ext ' /proc/modules; }

# injected N: the leaf the Nth call was, from the driver's line; empty
# when the load made fewer than N calls.
injected() {
	dmesg | sed -n "s/.*fail_seamcall: call $1 (leaf \([0-9]*\)) fails.*/\1/p" |
		head -1
}

# one NAME N: a load with the Nth call failing; returns 1 when the load made
# fewer than N calls (nothing injected).
one() {
	local n=$1 name=$2 leaf st kept before
	before=$(sim_pool)
	dmesg -c >/dev/null
	drv_load backend=sim fail_seamcall=$n
	leaf=$(injected $n)
	if [ -z "$leaf" ]; then
		if drv_loaded; then
			t_expect $name-last-state ready "$(cat $S/state)"
			rmmod tdx_ext
		else
			t_fail $name-last-state "loaded nothing, injected nothing: $DRV_OUT"
		fi
		return 1
	fi
	name=$name-leaf$leaf
	if drv_loaded; then
		st=$(cat $S/state)
		case "$st" in
		ready)
			t_expect $name-ready-sim "ext_ready=1 quote_ready=1" \
				"ext_ready=$(sim_state ext_ready) quote_ready=$(sim_state quote_ready)" ;;
		quote-unavailable)
			t_expect $name-unavailable-sim-ext 1 "$(sim_state ext_ready)"
			case "$(cat $S/diagnosis)" in
			*"error -12"*) t_ok $name-unavailable-says-enomem ;;
			*) t_fail $name-unavailable-says-enomem "diagnosis: $(cat $S/diagnosis)" ;;
			esac ;;
		*) t_fail $name-state "state $st" ;;
		esac
		t_expect $name-pool-is-sims "$(($(sim_pool) - before)) 0" \
			"$(cat $S/pool_donated) $(cat $S/pool_leaked)"
		rmmod tdx_ext
	else
		case "$DRV_OUT" in
		*"Cannot allocate memory"*) t_ok $name-fails-enomem ;;
		*) t_fail $name-fails-enomem "modload: $DRV_OUT" ;;
		esac
		kept=$(($(sim_pool) - before))
		if [ "$kept" -gt 0 ]; then
			dmesg | grep -q "tdx_ext: $kept pool pages stay with the TDX module" &&
				t_ok $name-kept-counted ||
				t_fail $name-kept-counted "simulator holds $kept; $(dmesg | grep 'tdx_ext:' | tail -3)"
		fi
	fi
	return 0
}

# Once without faults first: the first load of each module leaves memory
# behind (module and slab caches) that no later load does.
if sim_load warmup-sim pool_pages=$POOL; then
	t_run warmup-load insmod $MODDIR/tdx_ext.ko backend=sim && rmmod tdx_ext
	rmmod tdx_ext_sim
fi

# --- first loads: a fresh simulator for each N ------------------------------
n=1
calls=0
while [ $n -le 40 ]; do
	free0=$(free_pages)
	sim_load first-$n-sim pool_pages=$POOL || break
	if ! one $n first-$n; then
		calls=$((n - 1))
		rmmod tdx_ext_sim
		break
	fi
	# Then without the fault: everything comes up, the pool completed.
	t_run first-$n-again insmod $MODDIR/tdx_ext.ko backend=sim &&
		t_expect first-$n-again-state "ready $POOL" "$(cat $S/state) $(sim_pool)"
	rmmod tdx_ext
	rmmod tdx_ext_sim
	t_pages first-$n-nothing-leaked $(($free0 - $(free_pages))) 64 "fail_seamcall=$n"
	n=$((n + 1))
done
# features, version (3), pool size, EXT_REQUIRED, MEM.ADD x2, EXT.INIT,
# QUOTE.INIT, MAX_QUOTE_SIZE at least: a walk that stopped short missed some.
[ $calls -ge 10 ] && t_ok first-calls-walked ||
	t_fail first-calls-walked "only $calls calls at a first load"

# --- reloads: the simulator keeps its complete pool ---------------------------
if sim_load reload-sim pool_pages=$POOL; then
	t_run reload-fill insmod $MODDIR/tdx_ext.ko backend=sim && rmmod tdx_ext
	n=1
	while [ $n -le 40 ]; do
		one $n reload-$n || break
		t_expect reload-$n-pool-kept $POOL "$(sim_pool)"
		n=$((n + 1))
	done
	[ $n -ge 8 ] && t_ok reload-calls-walked ||
		t_fail reload-calls-walked "only $((n - 1)) calls at a reload"
	rmmod tdx_ext_sim
fi
