# SPDX-License-Identifier: GPL-2.0
# Benchmarks (figures, not pass/fail), printed as "# BENCH ..." lines: one
# "BENCH raw NAME VALUE ..." per repetition for tests/bench/summary.py,
# which takes the median on the host.
. /tests/lib.sh

S=/sys/class/misc/tdx_quote
REPS=7
ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
bench() { echo "# BENCH $*" >"$TDX_RESULT"; echo "[bench] $*"; }

# 1. Load time with a 50 MiB pool against merely allocating its pages
#    (the driver measures its page-allocator time separately):
#    pool_load_ratio = pool time (allocate + TDH.EXT.MEM.ADD) / allocation
#    time alone.  And the engine's own share of the bring-up's jobs
#    (default slice_us=100): engine_overhead_pct = 100 x (wall_ns -
#    seam_ns) / wall_ns.
for run in $(seq $REPS); do
	insmod $MODDIR/tdx_ext_sim.ko
	dmesg -c >/dev/null
	t0=$(ms)
	insmod $MODDIR/tdx_ext.ko backend=sim || t_fail load-$run "insmod failed"
	t1=$(ms)
	line=$(dmesg | grep 'tdx_ext: pool:')
	alloc=$(echo "$line" | sed -n 's/.*(\([0-9]*\) ms allocating).*/\1/p')
	give=$(echo "$line" | sed -n 's/.* in \([0-9]*\) ms (.*/\1/p')
	w=$(cat $S/engine/wall_ns); s=$(cat $S/engine/seam_ns)
	bench "load-50MiB run=$run insmod_ms=$((t1 - t0)) pool_ms=$give alloc_only_ms=$alloc calls=$(cat $S/engine/calls) resumes=$(cat $S/engine/resumes) wall_ns=$w seam_ns=$s"
	if [ -n "$give" ] && [ -n "$alloc" ] && [ "$alloc" -gt 0 ]; then
		bench "raw pool_load_ratio $(awk -v g="$give" -v a="$alloc" 'BEGIN { printf "%.3f", g / a }') pool_ms=$give alloc_only_ms=$alloc"
	else
		bench "na pool_load_ratio no pool line in dmesg (run $run)"
	fi
	if [ "${w:-0}" -gt 0 ]; then
		bench "raw engine_overhead_pct $(awk -v w="$w" -v s="$s" 'BEGIN { printf "%.3f", 100 * (w - s) / w }') wall_ns=$w seam_ns=$s"
	fi
	rmmod tdx_ext
	rmmod tdx_ext_sim
done

# 2. Engine overhead per resume: one minimal step per call, so nearly
#    every call is a resume; overhead = (job time - time in SEAMCALL) /
#    resumes (detail, not one of the figures).
for pages in 2048 8192; do
	insmod $MODDIR/tdx_ext_sim.ko slice_us=0 pool_pages=$pages
	insmod $MODDIR/tdx_ext.ko backend=sim || t_fail every-step-$pages "insmod failed"
	r=$(cat $S/engine/resumes); w=$(cat $S/engine/wall_ns); s=$(cat $S/engine/seam_ns)
	bench "every-step pool_pages=$pages resumes=$r wall_ms=$((w / 1000000)) seam_ms=$((s / 1000000)) overhead_ns_per_resume=$(((w - s) / (r ? r : 1)))"
	rmmod tdx_ext
	rmmod tdx_ext_sim
done
t_ok bench-complete
