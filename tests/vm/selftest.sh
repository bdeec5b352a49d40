#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM harness's own self-test: plant known bugs and bad inputs and check
# that each run fails, naming the cause.  A harness that cannot fail proves
# nothing.
#
#   tests/vm/selftest.sh [--results FILE] [KERNEL...]
#
# Cases needing a kernel that is not named are skipped (and said so).

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TDX_LOG_TAG=selftest
. "$here/lib.sh"

results=
kernels=()
while [ $# -gt 0 ]; do
	case "$1" in
	--results) results=$2; shift ;;
	deb61|deb612|debug) kernels+=("$1") ;;
	*) die_setup "unknown argument '$1'" ;;
	esac
	shift
done
[ ${#kernels[@]} -gt 0 ] || kernels=(deb61 deb612 debug)
have() { case " ${kernels[*]} " in *" $1 "*) return 0 ;; esac; return 1; }


work=$TDX_STATE/selftest
rm -rf "$work"
mkdir -p "$work"

# expect NAME WANT_RC PATTERN -- run.sh args...
# The run must exit with WANT_RC and its output must match PATTERN
# (an extended regex), which names the cause.
expect() {
	local name=$1 want=$2 pat=$3 rc
	shift 4
	out=$work/$name.log
	"$here/run.sh" --no-build --prefix "harness/$name/" \
		--suite "$here/selftest-pass" "$@" >"$out" 2>&1
	rc=$?
	if [ "$rc" != "$want" ]; then
		res FAIL "harness/$name" "run.sh exited $rc, expected $want ($out)"
	elif ! grep -qE -- "$pat" "$out"; then
		res FAIL "harness/$name" "output does not name the cause /$pat/ ($out)"
	else
		res PASS "harness/$name"
		grep -m1 -E -- "$pat" "$out" | sed 's/^/    detected: /' | cut -c1-200
	fi
}

# also NAME PATTERN: one more cause the last expect's run must name.
also() {
	if grep -qE -- "$2" "$out"; then
		res PASS "harness/$1"
		grep -m1 -oE -- "$2" "$out" | sed 's/^/    detected: /' | cut -c1-200
	else
		res FAIL "harness/$1" "output does not name the cause /$2/ ($out)"
	fi
}

for k in deb61 deb612; do
	have $k || continue
	expect "warn-$k" 1 "FAIL .*/kernel-log-clean: kernel splat: .*WARNING:" -- \
		--inject warn "$k"
done

if have debug; then
	# One boot plants all five; each must be named on its own (boots of
	# the debug kernel are the slow ones).  Lockdep first: the first WARN
	# or KASAN report switches lockdep off.
	expect all-bugs-debug 1 "FAIL .*/kernel-log-clean: kernel splat: " -- \
		--inject lockdep,warn,leak,oob,kunit-fail debug
	also warn-debug "FAIL .*/kernel-log-clean: kernel splat: .*WARNING: CPU: .* inject_init"
	also leak-debug "FAIL .*/kmemleak: kmemleak: [1-9][0-9]* unreferenced object"
	also oob-debug "FAIL .*/kernel-log-clean: kernel splat: .*BUG: KASAN: slab-out-of-bounds"
	also lockdep-debug "FAIL .*/kernel-log-clean: kernel splat: .*possible circular locking"
	also kunit-fail-debug "FAIL .*/kunit/deliberate_failure: KUnit case failed"
else
	log "debug kernel not selected: skipping the kmemleak, KASAN, lockdep and KUnit cases"
fi

# One Debian kernel is enough for the cases that do not depend on the kernel.
k=
have deb612 && k=deb612
[ -z "$k" ] && have deb61 && k=deb61
if [ -n "$k" ]; then
	expect "failing-test-$k" 1 "FAIL .*/fail/deliberate: this test always fails" -- \
		--suite "$here/selftest-suite" "$k"
	expect "hang-$k" 1 "FAIL .*/suite-complete: timeout after 20s" -- \
		--inject hang --timeout 20 "$k"
	expect "no-init-$k" 1 "FAIL .*/boot: kernel crashed: .*Kernel panic" -- \
		--append rdinit=/nonexistent "$k"
	head -c 65536 /dev/urandom >"$work/garbage-kernel"
	expect "bad-kernel-$k" 1 "FAIL .*/boot: qemu exited with status [1-9]" -- \
		--kernel-image "$work/garbage-kernel" "$k"
	expect "missing-kernel-$k" 2 "setup error: kernel image /nonexistent/vmlinuz not found" -- \
		--kernel-image /nonexistent/vmlinuz "$k"
	expect "bad-timeout" 2 "setup error: --timeout needs whole seconds" -- \
		--timeout soon "$k"
fi

echo "selftest: $npass passed, $nfail failed"
[ $nfail = 0 ]
