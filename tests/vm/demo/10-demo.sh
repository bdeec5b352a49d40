# SPDX-License-Identifier: GPL-2.0
# "make demo": the main job, step by step, inside the VM.  Each step says
# what it does; the results also go to the harness like any test.
. /tests/lib.sh
T_PREFIX=demo

step() { echo; echo "==== $*"; }

step "1. load the simulated TDX module: insmod tdx_ext_sim.ko"
t_run load-simulator insmod $MODDIR/tdx_ext_sim.ko
ls -d /sys/kernel/debug/tdx_ext_sim

step "2. load the driver with the simulator as its TDX module: insmod tdx_ext.ko backend=sim"
echo "(it reads the metadata, gives the simulator its 50 MiB pool, initialises Extensions and quoting)"
t_run load-driver insmod $MODDIR/tdx_ext.ko backend=sim
dmesg | grep -E 'tdx_ext: ' | tail -3
S=/sys/class/misc/tdx_quote
for a in backend state pool_pages pool_donated max_quote_size engine/calls engine/resumes; do
	printf '  %-16s %s\n' "$a" "$(cat $S/$a)"
done
ls -l /dev/tdx_quote

step "3. self-check: tdx-quote ok"
tdx-quote ok
t_expect self-check 0 $?

step "4. produce and verify a quote"
echo "not implemented yet: the quote service, the simulator's DICE chain and"
echo "the verifier are the next issues.  This step will run"
echo "  tdx-quote get --report REPORT -o QUOTE && tdx-quote verify QUOTE --root ROOT"

step "5. unload: rmmod tdx_ext tdx_ext_sim"
t_run unload sh -c "rmmod tdx_ext && rmmod tdx_ext_sim"
dmesg | grep -E 'tdx_ext' | tail -5
