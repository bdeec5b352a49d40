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
	deb61|deb612|trixie|trixie-bpo|sid|debug) kernels+=("$1") ;;
	*) die_setup "unknown argument '$1'" ;;
	esac
	shift
done
[ ${#kernels[@]} -gt 0 ] || kernels=(deb61 deb612 trixie trixie-bpo debug)
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

for k in deb61 deb612 trixie trixie-bpo sid; do
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
	also warn-debug "FAIL .*/kernel-log-clean: kernel splat: .*WARNING: .*inject_init"
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

# Module builds for a 7.x kernel (in the trixie root): kbuild's note that
# pahole is not the kernel's one is no failure, and a C=1 build that ran no
# sparse is one.  Their own TDX_STATE: the modules of the vm tier stay.
if have trixie-bpo; then
	out=$work/pahole.log
	TDX_STATE=$work/state-pahole "$here/run.sh" --build-only --prefix harness/pahole/ \
		--make-args "PAHOLE=$here/plant/pahole-other" trixie-bpo >"$out" 2>&1
	rc=$?
	# Only the pahole line is judged here: a failure of the build's other
	# checks (the modules' own business: *-no-tdx-init-refs while the
	# driver still takes tdx_enable()) is the vm tier's to report.
	other=$(grep '^FAIL ' "$out" | grep -v -- '-no-tdx-init-refs: ')
	if [ $rc != 0 ] && { [ $rc != 1 ] || [ -n "$other" ]; }; then
		res FAIL harness/pahole-line-no-failure "run.sh exited $rc: $(echo "$other" | head -1) ($out)"
	elif ! grep -q 'pahole version differs' "$work/state-pahole/trixie-bpo/build.log"; then
		res FAIL harness/pahole-line-no-failure "the build printed no 'pahole version differs' line: not tested ($out)"
	else
		res PASS harness/pahole-line-no-failure
	fi
	out=$work/no-sparse.log
	TDX_STATE=$work/state-no-sparse "$here/run.sh" --build-only --prefix harness/no-sparse/ \
		--make-args "CHECK=/nonexistent/sparse" trixie-bpo >"$out" 2>&1
	rc=$?
	if [ $rc = 1 ] && grep -qE 'FAIL .*/build-sparse-ran: C=1 ran no sparse' "$out"; then
		res PASS harness/no-sparse-fails
		grep -m1 -E 'FAIL .*/build-sparse-ran' "$out" | sed 's/^/    detected: /' | cut -c1-200
	else
		res FAIL harness/no-sparse-fails "run.sh exited $rc, expected 1 naming build-sparse-ran ($out)"
	fi
fi

# The import check (tests/vm/symcheck.sh) must refuse a planted use of
# cr4_read_shadow, which 6.12 exports to every module and 7.x to KVM only:
# built for Debian 12's 6.12, where it links, and refused by name there
# because of what the backports kernel's Module.symvers says; and modpost
# of the backports kernel refuses it too.
if have deb612 && have trixie-bpo; then
	. "$TDX_STATE/kernels.env"
	eval "$("$here/debroot.sh" trixie)" || exit 2
	bpo_kdir=$(root_kdir "$ROOT_TRIXIE" "$KVER_TRIXIE_BPO")
	p=$work/plant-deb612
	cp -a "$here/plant" "$p"
	if ! make -C "/lib/modules/$KVER_612/build" M="$p" modules >"$p.log" 2>&1; then
		res FAIL harness/plant-builds-on-deb612 "the planted module does not build for $KVER_612 ($p.log)"
	else
		res PASS harness/plant-builds-on-deb612
		sv=/lib/modules/$KVER_612/build/Module.symvers
		out=$("$here/symcheck.sh" --symvers "$sv" --also "$bpo_kdir/Module.symvers" \
			"$p/tdx_ext_plant.ko" 2>&1)
		rc=$?
		if [ $rc = 1 ] && grep -qE '^tdx_ext_plant.ko: cr4_read_shadow: exported to .*kvm.* only' <<<"$out"; then
			res PASS harness/restricted-import-refused
			echo "    detected: $(head -1 <<<"$out")"
		else
			res FAIL harness/restricted-import-refused "symcheck.sh exited $rc: $(head -2 <<<"$out" | tr '\n' ' ')"
		fi
	fi
	p=$work/plant-bpo
	cp -a "$here/plant" "$p"
	if "$here/debroot.sh" --run trixie make -C "/lib/modules/$KVER_TRIXIE_BPO/build" \
			M="$p" modules >"$p.log" 2>&1; then
		res FAIL harness/restricted-import-modpost "modpost of $KVER_TRIXIE_BPO accepted cr4_read_shadow ($p.log)"
	elif grep -q 'cr4_read_shadow' "$p.log"; then
		res PASS harness/restricted-import-modpost
		echo "    detected: $(grep -m1 'cr4_read_shadow' "$p.log")"
	else
		res FAIL harness/restricted-import-modpost "the build failed without naming cr4_read_shadow ($p.log)"
	fi
else
	log "deb612 and trixie-bpo not both selected: skipping the restricted-import cases"
fi

echo "selftest: $npass passed, $nfail failed"
[ $nfail = 0 ]
