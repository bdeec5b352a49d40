# SPDX-License-Identifier: GPL-2.0
# The simulator's fault controls, seen through tdx_ext_simtest's loops:
# fail_leaf (the caller sees exactly the injected status, on exactly the
# chosen call), rnd_no_entropy (retried, then progress), never_finish (a
# bounded loop gives up seeing only TDX_INTERRUPTED_RESUMABLE; cleared, the
# leaf finishes), scribble (the pool's working state overwritten: the next
# QUOTE.GET and every later call but SYS.RD get TDX_EXT_POOL_CORRUPTED),
# and pool_field_u16 (the u16 field id fallback).
. /tests/lib.sh

A=/tmp/artifacts/faults
mkdir -p "$A"
# An arbitrary error status for fail_leaf: no leaf returns it by itself.
INJECTED=0xc0000bad00000042

sim_load load-sim seed=1234 pool_pages=512 || exit 0
if st_load load-simtest; then
	sim_tds "$A" && st_reports "$A"
	st_run mem-add tag=setup

	# The next 3 calls of EXT.INIT get TDX_RND_NO_ENTROPY, then it works.
	sim_ctl rnd-no-entropy-set rnd_no_entropy 3 &&
		st_run ext-init tag=rnd-no-entropy no_entropy=3

	# One step per call, so that QUOTE.INIT takes more than 3 calls; its
	# 3rd call returns the injected status, and the loop stops there.
	sim_ctl every-step-set every_step 1
	sim_ctl fail-leaf-set fail_leaf "100 3 ${INJECTED#0x}" &&
		st_run quote-init tag=fail-leaf expect=$INJECTED calls=3
	sim_ctl fail-leaf-clear fail_leaf "0 0 0"

	# No progress at all: the loop gives up at its limit, having seen only
	# TDX_INTERRUPTED_RESUMABLE; cleared, the pending QUOTE.INIT finishes.
	sim_ctl never-finish-set never_finish 1 &&
		st_run quote-init tag=never-finish limit=2000 calls=2000 no_entropy=0 \
			expect=0x8000000300000000
	sim_ctl never-finish-clear never_finish 0
	sim_ctl every-step-clear every_step 0
	st_run quote-init tag=after-never-finish
	st_run quote-get tag=quote-before-scribble

	# Pool page 1 holds the working state: overwritten, the next QUOTE.GET
	# finds it; the status is non-recoverable (bit 62) and sticks.
	if sim_ctl scribble-set scribble 1; then
		st_run quote-get tag=scribble expect=0xe0000d1000000001
		st=$(st_info last_status)
		t_expect scribble-status-bit62 1 "$(((${st:-0} >> 62) & 1))"
		t_expect scribble-sim-fatal 1 "$(sim_state fatal)"
		st_run ext-init tag=after-scribble-ext-init expect_class=0xe0000d1000000000
		st_run quote-get tag=after-scribble-quote-get expect_class=0xe0000d1000000000
		st_run sys-rd tag=after-scribble-sys-rd
	fi
	t_run rmmod-simtest rmmod tdx_ext_simtest
fi
t_run rmmod-sim rmmod tdx_ext_sim

# An older module: MEMORY_POOL_REQUIRED_PAGES answers only to its u16 id.
sim_load load-sim-u16 pool_field_u16=1 pool_pages=256 || exit 0
if st_load load-simtest-u16; then
	st_run bringup tag=u16 expect_u16=1
	t_expect u16-field-used u16 "$(st_info pool_field)"
	t_expect u16-pool-given 256 "$(st_info pool_given)"
	t_run rmmod-simtest-u16 rmmod tdx_ext_simtest
fi
t_run rmmod-sim-u16 rmmod tdx_ext_sim
