#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make bench": the figures of docs/benchmarks.md, each a ratio measured
# within this run, each the median of BENCH_REPS (default 7, at least 5)
# repetitions made inside the run:
#
#   - in QEMU/TCG (Debian's 6.12, or BENCH_KERNEL), tests/bench/suite/:
#     pool_load_ratio, engine_overhead_pct, engine_throughput_ratio_16,
#     qgsd_latency_ratio_tcg, rt_wakeup_excess_slices;
#   - on the host: tests/bench/verify.sh (verify_cost_ratio,
#     verify_batch_cost_ratio) and tests/bench/qgsd.sh
#     (qgsd_latency_ratio).
#
# Every part prints raw "BENCH raw NAME VALUE ..." lines, one per
# repetition; tests/bench/summary.py turns them into the last lines of
# the output, one per figure:
#
#   BENCH NAME MEDIAN goal OP TARGET (min A max B, N runs[; spread crosses goal])
#
# The VM part runs on one vCPU whose clock counts instructions (QEMU's
# -icount shift=0,sleep=off: a guest of one instruction per ns): what the
# guest measures is then its own work, the same on a busy host as on an
# idle one, so repetitions agree and one run can be compared with the
# next.  Under TCG's wall clock (BENCH_ICOUNT= empty, BENCH_CPUS=2, as
# before) every figure also carries the host's scheduling of QEMU's
# threads: 0.7-3 ms idle wake-ups, 0.61-1.32 for one throughput ratio.
#
# The raw lines, the summary and the machine are kept in .build/bench/;
# BENCH_DOC=1 also rewrites docs/benchmarks.md's measured section from
# them (tests/bench/mkdoc.py).  BENCH_SKIP_VM=1 runs the host part only.
# Figures, not a verdict: the exit status says whether the runs worked.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
PY=/usr/bin/python3
out=$top/.build/bench
mkdir -p "$out"
raw=$out/raw.txt
: >"$raw"
export BENCH_REPS=${BENCH_REPS:-7}
icount=${BENCH_ICOUNT-0}
cpus=${BENCH_CPUS:-1}
vm_clock=wall
vm_opts=(--cpus "$cpus")
if [ -n "$icount" ]; then
	vm_clock="icount shift=$icount"
	vm_opts+=(--icount "$icount")
fi
rc=0
vm_figures="pool_load_ratio engine_overhead_pct engine_throughput_ratio_16 qgsd_latency_ratio_tcg rt_wakeup_excess_slices"

if [ "${BENCH_SKIP_VM:-0}" = 1 ]; then
	for f in $vm_figures; do
		echo "BENCH na $f VM part skipped (BENCH_SKIP_VM=1)" >>"$raw"
	done
elif ! "$here/../vm/setup.sh" --no-debug; then
	for f in $vm_figures; do
		echo "BENCH na $f VM setup failed" >>"$raw"
	done
	rc=2
else
	"$here/../vm/run.sh" --prefix bench/ --suite "$here/suite" "${vm_opts[@]}" \
		--timeout "${BENCH_TIMEOUT:-900}" "${BENCH_KERNEL:-deb612}" | grep -E 'BENCH|vmtest:' | tee -a "$raw"
	vrc=${PIPESTATUS[0]}
	if [ "$vrc" != 0 ]; then
		rc=1
		for f in $vm_figures; do
			echo "BENCH na $f the VM run failed (exit $vrc)" >>"$raw"
		done
	fi
fi
bash "$here/verify.sh" | tee -a "$raw"
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
bash "$here/qgsd.sh" | tee -a "$raw"
[ "${PIPESTATUS[0]}" = 0 ] || rc=1

{
	echo "date $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "nproc $(nproc)"
	echo "cpu $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	echo "kernel $(uname -r)"
	echo "commit $(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "vm_kernel ${BENCH_KERNEL:-deb612}"
	echo "vm_cpus $cpus"
	echo "vm_clock $vm_clock"
	echo "reps $BENCH_REPS"
} >"$out/machine.txt"
"$PY" "$here/summary.py" "$raw" >"$out/bench.txt"
echo "# $(tr '\n' ';' <"$out/machine.txt" | sed 's/;/; /g')"
cat "$out/bench.txt"
if [ "${BENCH_DOC:-0}" = 1 ]; then
	"$PY" "$here/mkdoc.py" "$top/docs/benchmarks.md" "$out/bench.txt" \
		"$out/machine.txt" || rc=1
fi
exit "$rc"
