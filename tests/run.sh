#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole tdx-ext test suite ("make check", and what .ci/run runs).
#
#   tests/run.sh [TIER...]     TIER: unit static build tools vm selftest dkms
#                            pkg deb13 (default: all)
#   VM_KERNELS="deb61 deb612 trixie trixie-bpo debug" selects the kernels
#   the vm and selftest tiers boot; BUILD_KERNELS="sid" the ones the build
#   tier only builds for.
#
# Installs what it needs first (tests/vm/setup.sh; quick when all is there),
# makes the Debian 13 and sid build roots (tests/vm/debroot.sh) and builds
# the debug kernel on first use (a few minutes and about 13 minutes, then
# cached in /var/cache/tdx-ext), prints each tier's time and ends with the line
# "N passed, N failed".  Exit status: 0 all passed, 1 a test failed,
# 2 the suite could not run.

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TDX_LOG_TAG=check
. "$here/vm/lib.sh"

tiers=("$@")
ALL_TIERS="unit static build tools vm selftest dkms pkg deb13"
[ ${#tiers[@]} -gt 0 ] || read -r -a tiers <<<"$ALL_TIERS"
read -r -a kernels <<<"${VM_KERNELS:-deb61 deb612 trixie trixie-bpo debug}"
read -r -a build_kernels <<<"${BUILD_KERNELS-sid}"
for t in "${tiers[@]}"; do
	case " $ALL_TIERS " in
	*" $t "*) ;;
	*) die_setup "unknown tier '$t' ($ALL_TIERS)" ;;
	esac
done
want() { case " ${tiers[*]} " in *" $1 "*) return 0 ;; esac; return 1; }
want_debug=0
case " ${kernels[*]} " in *" debug "*) want_debug=1 ;; esac
# The build roots (tests/vm/debroot.sh) of the kernels the selected tiers use.
sel=()
{ want vm || want selftest; } && sel+=("${kernels[@]}")
want build && sel+=("${build_kernels[@]}")
want deb13 && sel+=(trixie-bpo)
read -r -a roots <<<"$(for k in "${sel[@]}"; do
	case "$k" in trixie|trixie-bpo|debug) echo trixie ;; sid) echo sid ;; esac
done | sort -u | tr '\n' ' ')"

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
if [ ${#roots[@]} -gt 0 ]; then
	# Made once and cached, like the debug kernel; not a tier either.
	t0=$(now)
	log "=== debian-roots (${roots[*]})"
	for r in "${roots[@]}"; do
		"$here/vm/debroot.sh" "$r" >/dev/null ||
			echo "FAIL debian-roots/$r: see the messages above" | tee -a "$results"
	done
	timings+=("$(printf '%-12s %7.1f s' debian-roots "$(elapsed "$t0")")")
fi
build_tier() {
	local rc=0
	"$here/build/run.sh" --results "$results" || rc=1
	if [ ${#build_kernels[@]} -gt 0 ]; then
		"$here/vm/run.sh" --build-only --results "$results" "${build_kernels[@]}" || rc=1
	fi
	return $rc
}
want build && tier build build_tier
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
want deb13 && tier deb13 "$here/pkg/debian13.sh" --results "$results"

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
