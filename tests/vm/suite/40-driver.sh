# SPDX-License-Identifier: GPL-2.0
# tdx_ext.ko: backends, Extensions bring-up, the pool and the engine, with
# the simulator as the TDX module and its fault injection.
. /tests/lib.sh

S=/sys/class/misc/tdx_quote
D=/sys/kernel/debug/tdx_ext_sim
sim_pool() { sed -n 's/^pool_pages=//p' $D/state; }
# drv_load ARGS...: load once (modload, not busybox insmod, which runs a
# failing init twice), keeping the message for the caller
drv_load() {
	DRV_OUT=$(modload $MODDIR/tdx_ext.ko "$@" 2>&1)
}
dmesg_has() { dmesg | grep -q -- "$1"; }

# --- backends: auto and hw refuse without TDX, and say why ---------------
for b in auto hw; do
	dmesg -c >/dev/null
	if drv_load backend=$b; then
		t_fail backend-$b-refused "insmod succeeded without TDX"
		rmmod tdx_ext
	else
		case "$DRV_OUT" in
		*"No such device"*) t_ok backend-$b-refused ;;
		*) t_fail backend-$b-refused "expected ENODEV, insmod said: $DRV_OUT" ;;
		esac
		line=$(dmesg | grep 'tdx_ext: ' | tail -1)
		case "$line" in
		*"use backend=sim for testing"*) t_ok backend-$b-says-why ;;
		*) t_fail backend-$b-says-why "last line: $line" ;;
		esac
	fi
done
# The raw SEAMCALL stub handles the #UD of a machine without TDX.
dmesg -c >/dev/null
drv_load backend=hw hw_probe=1
if dmesg_has "hw_probe: raw SEAMCALL returned 0x8000ff0000000006"; then
	t_ok hw-seamcall-ud-fixup
else
	t_fail hw-seamcall-ud-fixup "$(dmesg | grep hw_probe)"
fi
t_expect backend-sim-without-simulator "No such device" \
	"$(drv_load backend=sim; echo "$DRV_OUT" | grep -o 'No such device')"
t_expect backend-bogus-einval "Invalid argument" \
	"$(drv_load backend=bogus; echo "$DRV_OUT" | grep -o 'Invalid argument')"

# --- acceptance 1: full bring-up, 12800 pages --------------------------------
free0=$(free_pages)
t_run sim-load insmod $MODDIR/tdx_ext_sim.ko
t_run load insmod $MODDIR/tdx_ext.ko backend=sim
t_expect sysfs-backend sim "$(cat $S/backend)"
t_expect sysfs-state ready "$(cat $S/state)"
t_expect sysfs-pool-pages 12800 "$(cat $S/pool_pages)"
t_expect sysfs-pool-kib 51200 "$(cat $S/pool_kib)"
t_expect sysfs-pool-donated 12800 "$(cat $S/pool_donated)"
t_expect sysfs-max-quote-size 131072 "$(cat $S/max_quote_size)"
t_expect sim-received-exactly 12800 "$(sim_pool)"
t_expect sysfs-features 0x4008000000000 "$(cat $S/features)"
[ "$(cat $S/engine/calls)" -gt 25 ] && t_ok engine-counts-calls ||
	t_fail engine-counts-calls "calls=$(cat $S/engine/calls)"
dmesg_has "quoting ready" && t_ok summary-line || t_fail summary-line "no summary in dmesg"

# --- acceptance 5: reload three times, nothing donated twice -----------------
for i in 1 2 3; do
	t_run unload-$i rmmod tdx_ext
	t_run reload-$i insmod $MODDIR/tdx_ext.ko backend=sim
	t_expect reload-$i-state ready "$(cat $S/state)"
	t_expect reload-$i-donated-nothing 0 "$(cat $S/pool_donated)"
	t_expect reload-$i-sim-pool 12800 "$(sim_pool)"
done
t_run unload rmmod tdx_ext
t_run sim-unload rmmod tdx_ext_sim
# The pool went back with the simulator; the reloads leaked nothing.
free1=$(free_pages)
t_pages nothing-leaked $((free0 - free1)) 1024 "free pages $free0 before, $free1 after"

# --- acceptance 2: one step per call, bring-up completes, resumes counted ---
t_run every-step-sim insmod $MODDIR/tdx_ext_sim.ko slice_us=0 pool_pages=2048
t_run every-step-load insmod $MODDIR/tdx_ext.ko backend=sim
t_expect every-step-state ready "$(cat $S/state)"
r=$(cat $S/engine/resumes)
[ "$r" -ge 2047 ] && t_ok every-step-resumes ||
	t_fail every-step-resumes "resumes=$r, expected one per page at least"
rmmod tdx_ext; rmmod tdx_ext_sim

# --- tracepoints ------------------------------------------------------------
# The events exist with their fields while the module is in.  (Events of a
# module are created disabled when it loads, and every SEAMCALL so far
# happens during load, so their firing is tested with the quote ioctl.)
T=/sys/kernel/tracing/events/tdx_ext
if [ -d /sys/kernel/tracing/events ]; then
	insmod $MODDIR/tdx_ext_sim.ko pool_pages=512
	insmod $MODDIR/tdx_ext.ko backend=sim
	for f in fn status resumes ns; do
		grep -q "field:u64 $f;" $T/tdx_ext_seamcall/format 2>/dev/null &&
			t_ok tracepoint-seamcall-$f ||
			t_fail tracepoint-seamcall-$f "no field $f in $T/tdx_ext_seamcall/format"
	done
	grep -q "field:int err;" $T/tdx_ext_job_done/format 2>/dev/null &&
		t_ok tracepoint-job-done ||
		t_fail tracepoint-job-done "no $T/tdx_ext_job_done/format with err"
	rmmod tdx_ext
	rmmod tdx_ext_sim
fi

# --- acceptance 4: fault injection ------------------------------------------
# MEM.ADD fails at its 5th call: the load fails, the pages the simulator
# took stay counted (with it), the rest are freed.
insmod $MODDIR/tdx_ext_sim.ko
echo "61 5 c0000bad00000061" > $D/fail_leaf
dmesg -c >/dev/null
drv_load backend=sim
case "$DRV_OUT" in
*"I/O error"*|*"Input/output error"*) t_ok mem-add-fail-load-fails ;;
*) t_fail mem-add-fail-load-fails "insmod: $DRV_OUT" ;;
esac
kept=$(sim_pool)
dmesg_has "status 0xc0000bad00000061" && t_ok mem-add-fail-status-logged ||
	t_fail mem-add-fail-status-logged "$(dmesg | grep tdx_ext | tail -2)"
dmesg_has "$kept pool pages stay with the TDX module" &&
	t_ok mem-add-fail-accepted-counted ||
	t_fail mem-add-fail-accepted-counted "simulator has $kept; $(dmesg | grep 'stay with' )"
# Eight more loads failing on their first MEM.ADD: each must give back its
# whole 512-page batch (a leak would be 4096 pages).
free0=$(free_pages)
for i in 1 2 3 4 5 6 7 8; do
	echo "61 1 c0000bad00000061" > $D/fail_leaf
	drv_load backend=sim
done
free1=$(free_pages)
t_expect mem-add-fail-nothing-taken "$kept" "$(sim_pool)"
t_pages mem-add-fail-rest-freed $((free0 - free1)) 1024 "over 8 failed loads"
# A later load gives only what is missing.
t_run mem-add-fail-retry insmod $MODDIR/tdx_ext.ko backend=sim
t_expect mem-add-fail-retry-donates-rest $((12800 - kept)) "$(cat $S/pool_donated)"
t_expect mem-add-fail-retry-sim-pool 12800 "$(sim_pool)"
rmmod tdx_ext; rmmod tdx_ext_sim

# EXT.INIT fails: the load fails.
insmod $MODDIR/tdx_ext_sim.ko pool_pages=512
echo "60 1 c0000bad00000060" > $D/fail_leaf
if drv_load backend=sim; then
	t_fail ext-init-fail-load-fails "insmod succeeded"
else
	t_ok ext-init-fail-load-fails
fi
[ -e $S ] && t_fail ext-init-fail-no-device "$S exists" || t_ok ext-init-fail-no-device
rmmod tdx_ext 2>/dev/null; rmmod tdx_ext_sim

# QUOTE.INIT fails: the module stays, quoting unavailable.
insmod $MODDIR/tdx_ext_sim.ko pool_pages=512
echo "100 1 c0000bad00000100" > $D/fail_leaf
t_run quote-init-fail-loads insmod $MODDIR/tdx_ext.ko backend=sim
t_expect quote-init-fail-state quote-unavailable "$(cat $S/state)"
t_expect quote-init-fail-status 0xc0000bad00000100 "$(cat $S/quote_init_status)"
rmmod tdx_ext; rmmod tdx_ext_sim

# RND_NO_ENTROPY: 5 times is under the bound (10) and succeeds ...
insmod $MODDIR/tdx_ext_sim.ko pool_pages=512
echo 5 > $D/rnd_no_entropy
t_run no-entropy-5-loads insmod $MODDIR/tdx_ext.ko backend=sim
t_expect no-entropy-5-retries 5 "$(cat $S/engine/retries)"
rmmod tdx_ext; rmmod tdx_ext_sim
# ... 11 times is over it: EXT.INIT fails with -EBUSY (try again, as
# docs/uapi.md says for quotes) and the status.
insmod $MODDIR/tdx_ext_sim.ko pool_pages=512
echo 11 > $D/rnd_no_entropy
dmesg -c >/dev/null
drv_load backend=sim
case "$DRV_OUT" in
*"resource busy"*) t_ok no-entropy-11-ebusy ;;
*) t_fail no-entropy-11-ebusy "insmod: $DRV_OUT" ;;
esac
dmesg_has "status 0x8000020300000000" && t_ok no-entropy-11-status-logged ||
	t_fail no-entropy-11-status-logged "$(dmesg | grep tdx_ext | tail -1)"
rmmod tdx_ext_sim

# never-finish: -ETIMEDOUT within the deadline (2 s) + 1 s, as the engine
# measures it from the job's first call (the deadline is in jiffies, so a
# tick early is fine; module loading, slow on the debug kernel, is not the
# engine's to count).
insmod $MODDIR/tdx_ext_sim.ko pool_pages=512
echo 1 > $D/never_finish
dmesg -c >/dev/null
drv_load backend=sim timeout=2
case "$DRV_OUT" in
*"timed out"*) t_ok never-finish-etimedout ;;
*) t_fail never-finish-etimedout "insmod: $DRV_OUT" ;;
esac
ms=$(dmesg | sed -n 's/.*unfinished after \([0-9]*\) ms and .*/\1/p' | head -1)
if [ -n "$ms" ] && [ "$ms" -ge 1900 ] && [ "$ms" -le 3000 ]; then
	t_ok never-finish-within-deadline
else
	t_fail never-finish-within-deadline "gave up after '${ms:-?}' ms with timeout=2"
fi
echo 0 > $D/never_finish
rmmod tdx_ext_sim

# A pool larger than the memory there is: a clean failure.
free0=$(free_pages)
insmod $MODDIR/tdx_ext_sim.ko pool_pages=1000000
dmesg -c >/dev/null
drv_load backend=sim
case "$DRV_OUT" in
*"Cannot allocate memory"*|*"Out of memory"*) t_ok huge-pool-enomem ;;
*) t_fail huge-pool-enomem "insmod: $DRV_OUT" ;;
esac
dmesg_has "not enough memory" && t_ok huge-pool-says-why ||
	t_fail huge-pool-says-why "$(dmesg | grep tdx_ext | tail -1)"
t_expect huge-pool-nothing-donated 0 "$(sim_pool)"
rmmod tdx_ext_sim
free1=$(free_pages)
t_pages huge-pool-nothing-lost $((free0 - free1)) 1024 "after the refused load"

# Memory running out half-way through the pool (debug kernel: page
# allocation fault injection): -ENOMEM, what was given stays with the TDX
# module, the rest is freed.  The budget ends 200 pages into a batch, so
# each failure has a half-built batch to unwind; eight such loads would
# leak 1600 pages if it were not freed.
F=/sys/kernel/debug/fail_page_alloc
if [ -d $F ]; then
	insmod $MODDIR/tdx_ext_sim.ko
	echo 0 > $F/min-order; echo N > $F/ignore-gfp-wait; echo Y > $F/task-filter
	echo 1 > $F/interval; echo -1 > $F/times; echo 0 > $F/verbose
	fails=0
	free0=$(free_pages)
	for i in 1 2 3 4 5 6 7 8; do
		# space counts pages here (1 << order per allocation)
		echo $((4096 + 200)) > $F/space; echo 100 > $F/probability
		out=$(sh -c 'echo 1 > /proc/self/make-it-fail; exec modload '$MODDIR'/tdx_ext.ko backend=sim' 2>&1)
		echo 0 > $F/probability
		case "$out" in *"Cannot allocate memory"*) fails=$((fails + 1)) ;; esac
		[ "$(sim_pool)" -ge 12800 ] && break
	done
	free1=$(free_pages)
	kept=$(sim_pool)
	[ $fails -ge 1 ] && t_ok alloc-fail-enomem ||
		t_fail alloc-fail-enomem "no load failed with ENOMEM: $out"
	[ "$kept" -gt 0 ] && t_ok alloc-fail-accepted-kept ||
		t_fail alloc-fail-accepted-kept "simulator holds $kept pages"
	t_pages alloc-fail-rest-freed $((free0 - free1 - kept)) 1024 \
		"simulator holds $kept after $fails failed loads"
	rmmod tdx_ext 2>/dev/null
	rmmod tdx_ext_sim
fi
