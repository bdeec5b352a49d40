#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make bench": boot Debian's 6.12 kernel (or BENCH_KERNEL) under QEMU/TCG
# and print the benchmark figures of tests/bench/suite, then the host-side
# benchmarks (tests/bench/verify.sh: the quote verifier against OpenSSL's
# own P-384 verify speed).  Figures, not a verdict: TCG is an emulator, so
# absolute times in the VM are far above hardware; compare them with each
# other.  Results are recorded in docs/benchmarks.md.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/../vm/setup.sh" --no-debug || exit 2
"$here/../vm/run.sh" --prefix bench/ --suite "$here/suite" "${BENCH_KERNEL:-deb612}" |
	grep -E 'BENCH|vmtest:'
rc=${PIPESTATUS[0]}
if [ -x "$here/verify.sh" ] || [ -f "$here/verify.sh" ]; then
	bash "$here/verify.sh" || rc=1
fi
exit "$rc"
