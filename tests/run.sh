#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole tdx-ext test suite ("make check", and what .ci/run runs).
#
#   tests/run.sh [TIER...]     TIER: unit static build tools vm selftest dkms pkg
#                            (default: all)
#   VM_KERNELS="deb61 deb612 debug" selects the kernels of the vm and
#   selftest tiers.
#
# Installs what it needs first (tests/vm/setup.sh; quick when all is there),
# builds the debug kernel on first use (about 11 minutes, then cached in
# /var/cache/tdx-ext), prints each tier's time and ends with the line
# "N passed, N failed".  Exit status: 0 all passed, 1 a test failed,
# 2 the suite could not run.

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TDX_LOG_TAG=check
. "$here/vm/lib.sh"

tiers=("$@")
[ ${#tiers[@]} -gt 0 ] || tiers=(unit static build tools vm selftest dkms pkg)
read -r -a kernels <<<"${VM_KERNELS:-deb61 deb612 debug}"
for t in "${tiers[@]}"; do
	case "$t" in
	unit|static|build|tools|vm|selftest|dkms|pkg) ;;
	*) die_setup "unknown tier '$t' (unit static build tools vm selftest dkms pkg)" ;;
	esac
done
want() { case " ${tiers[*]} " in *" $1 "*) return 0 ;; esac; return 1; }
want_debug=0
case " ${kernels[*]} " in *" debug "*) want_debug=1 ;; esac

results=$TDX_STATE/results.txt
: >"$results"
timings=()
t_all=$(now)

# tier NAME CMD...: run one tier, time it.  Its PASS/FAIL lines go to
# $results; a tier that dies without a verdict line counts as one failure.
tier() {
	local name=$1 t0 rc before after
	shift
	before=$(wc -l <"$results")
	log "=== $name"
	t0=$(now)
	"$@"
	rc=$?
	after=$(wc -l <"$results")
	if [ "$rc" != 0 ] && ! grep -q '^FAIL ' <(tail -n +"$((before + 1))" "$results"); then
		echo "FAIL $name/tier: exited $rc without a failing test (setup error? see above)" |
			tee -a "$results"
	elif [ "$after" = "$before" ]; then
		echo "FAIL $name/tier: ran no test" | tee -a "$results"
	fi
	timings+=("$(printf '%-12s %7.1f s' "$name" "$(elapsed "$t0")")")
}

t0=$(now)
setup_args=()
[ $want_debug = 1 ] || setup_args=(--no-debug)
# Every tier needs something from it (compilers, OpenSSL, Python modules).
"$here/vm/setup.sh" "${setup_args[@]}" || exit 2
timings+=("$(printf '%-12s %7.1f s' setup "$(elapsed "$t0")")")

unit_tier() {
	make -s -C "$here/unit" all >"$TDX_STATE/unit-build.log" 2>&1 || {
		cat "$TDX_STATE/unit-build.log" >&2
		echo "FAIL unit/build: compiling the unit tests failed" | tee -a "$results"
		return 1
	}
	make -s -C "$here/unit" run | tee -a "$results"
}

want unit && tier unit unit_tier
want static && tier static "$here/static/run.sh" --results "$results"
want build && tier build "$here/build/run.sh" --results "$results"
want tools && tier tools "$here/tools/run.sh" --results "$results"
if [ $want_debug = 1 ] && { want vm || want selftest; }; then
	# Built once and cached; a cache hit takes a fraction of a second.
	# Not a tier of its own: a failed build shows as one failure here and
	# again in the vm tier, which cannot boot it.
	t0=$(now)
	log "=== debug-kernel"
	"$here/vm/debug-kernel.sh" >/dev/null ||
		echo "FAIL debug-kernel/build: see the messages above" | tee -a "$results"
	timings+=("$(printf '%-12s %7.1f s' debug-kernel "$(elapsed "$t0")")")
fi
want vm && tier vm "$here/vm/run.sh" --results "$results" "${kernels[@]}"
want selftest && tier selftest "$here/vm/selftest.sh" --results "$results" "${kernels[@]}"
want dkms && tier dkms "$here/dkms/run.sh" --results "$results"
want pkg && tier pkg "$here/pkg/run.sh" --results "$results"

timings+=("$(printf '%-12s %7.1f s' total "$(elapsed "$t_all")")")
npass=$(grep -c '^PASS ' "$results")
nfail=$(grep -c '^FAIL ' "$results")
echo
echo "Timings:"
printf '  %s\n' "${timings[@]}"
if [ "$nfail" != 0 ]; then
	echo
	echo "Failures:"
	grep '^FAIL ' "$results" | sed 's/^/  /'
fi
echo
echo "$npass passed, $nfail failed"
[ "$nfail" = 0 ]
