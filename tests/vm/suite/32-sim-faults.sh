# SPDX-License-Identifier: GPL-2.0
# The simulator's fault controls, seen through tdx_ext_simtest's loops:
# fail_leaf (the caller sees exactly the injected status, on exactly the
# chosen call), rnd_no_entropy (retried, then progress), never_finish (a
# bounded loop gives up seeing only TDX_INTERRUPTED_RESUMABLE; cleared, the
# leaf finishes), scribble (the pool's working state overwritten: the next
# QUOTE.GET and every later call but SYS.RD get TDX_EXT_POOL_CORRUPTED),
# busy (exactly N calls of MEM.ADD, EXT.INIT, QUOTE.INIT or QUOTE.GET get
# TDX_OPERAND_BUSY, without effect: a call count that stays exact shows
# it), a runtime update before the pool is complete (a page given before
# is a duplicate), pool_field_u16 (the u16 field id fallback),
# config_quote=0 (quoting advertised but not configured, then configured
# and unconfigured by runtime updates) and tdx_state (not initialised, VMX
# off, no TDX module: every leaf's status; an unknown state refused).
. /tests/lib.sh

A=/tmp/artifacts/faults
mkdir -p "$A"
# An arbitrary error status for fail_leaf: no leaf returns it by itself.
INJECTED=0xc0000bad00000042
# Statuses (src/common/tdx_abi.h).
OPERAND_BUSY=0x8000020000000000
OPERAND_INVALID_RAX=0xc000010000000000
SYS_LP_INIT_NOT_DONE=0xc000050200000000
SYS_NOT_READY=0xc000050500000000
QUOTE_NOT_CONFIGURED=0xc000300500000000
SEAMCALL_UD=0x8000ff0000000006
SEAMCALL_VMFAILINVALID=0x8000ff00ffff0000

# sim_stat LEAF KEY: a per-leaf count in the simulator's stats.
sim_stat() { sed -n "s/^$1 .*$2=\([0-9]*\).*/\1/p" "$SIM_DBG/stats" 2>/dev/null | head -1; }

sim_load load-sim seed=1234 pool_pages=512 || exit 0
if st_load load-simtest; then
	sim_tds "$A" && st_reports "$A"

	# Two busies, then the page is taken: once, or the retry would have
	# been a duplicate.  SYS.RD is never busy and takes no busy.
	sim_ctl busy-mem-add-set busy 2 &&
		st_run mem-add-one tag=busy-mem-add busy=2 calls=3
	t_expect busy-mem-add-consumed 0 "$(cat "$SIM_DBG/busy")"
	sim_ctl busy-sys-rd-set busy 1 && st_run sys-rd tag=busy-sys-rd
	t_expect busy-sys-rd-untouched 1 "$(cat "$SIM_DBG/busy")"
	sim_ctl busy-clear busy 0

	# A runtime update while the pool is not complete: the page stays, and
	# is a duplicate when offered again; the rest completes the pool.
	if sim_ctl update-partial-pool runtime_update quote; then
		t_expect update-partial-pool-kept 1 "$(sim_state pool_pages)"
		st_run mem-add-dup tag=update-duplicate
	fi
	st_run mem-add tag=setup

	# One call per page: 2 busies, 3 without entropy, then exactly one
	# call for each of the 512 pages (a busy call that did work would
	# leave fewer).
	sim_ctl every-step-set-ext every_step 1
	sim_ctl busy-ext-init-set busy 2 &&
		sim_ctl rnd-no-entropy-set rnd_no_entropy 3 &&
		st_run ext-init tag=busy-rnd-no-entropy busy=2 no_entropy=3 calls=517
	sim_ctl every-step-clear-ext every_step 0

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

	# QUOTE.INIT again (it may re-key) and QUOTE.GET, one step per call:
	# as many calls as without busies, plus the busies.
	sim_ctl every-step-set-2 every_step 1
	sim_ctl busy-quote-init-set busy 2 &&
		st_run quote-init tag=busy-quote-init busy=2 calls=8
	st_run quote-get tag=quote-every-step
	n=$(st_info last_calls)
	sim_ctl busy-quote-get-set busy 3 &&
		st_run quote-get tag=busy-quote-get busy=3 calls=$((${n:-0} + 3))
	sim_ctl every-step-clear-2 every_step 0
	t_expect busy-counted "mem_add=2 ext_init=2 quote_init=2 quote_get=3 sys_rd=0" \
		"mem_add=$(sim_stat ext_mem_add busy) ext_init=$(sim_stat ext_init busy) quote_init=$(sim_stat quote_init busy) quote_get=$(sim_stat quote_get busy) sys_rd=$(sim_stat sys_rd busy)"

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

# The kernel did not configure quoting (config_quote=0, as every released
# kernel): advertised in FEATURES0, refused before anything else the quoting
# leaves do (even before EXT.INIT, and without taking an injected busy).
# A runtime update that configures it brings quoting; one that does not
# takes it away again.
sim_load load-sim-noquote seed=32 config_quote=0 pool_pages=256 || exit 0
t_expect noquote-state 0 "$(sim_state config_quote)"
if st_load load-simtest-noquote; then
	sim_tds "$A/noquote" && st_reports "$A/noquote"
	st_run sys-rd tag=noquote
	sim_ctl noquote-busy-set busy 1
	st_run quote-init tag=noquote-first expect=$QUOTE_NOT_CONFIGURED calls=1
	st_run quote-get tag=noquote-first expect=$QUOTE_NOT_CONFIGURED calls=1
	t_expect noquote-busy-untouched 1 "$(cat "$SIM_DBG/busy")"
	sim_ctl noquote-busy-clear busy 0
	st_run mem-add tag=noquote
	st_run ext-init tag=noquote
	st_run quote-init tag=noquote-after-ext-init expect=$QUOTE_NOT_CONFIGURED calls=1
	st_run quote-get tag=noquote-after-ext-init expect=$QUOTE_NOT_CONFIGURED calls=1
	if sim_ctl noquote-update runtime_update quote; then
		t_expect noquote-update-state "1 1" "$(sim_state config_quote) $(sim_state updates)"
		st_run reinit tag=noquote-update
		st_run quote-get tag=noquote-update
	fi
	if sim_ctl update-none runtime_update none; then
		t_expect update-none-state "0 2" "$(sim_state config_quote) $(sim_state updates)"
		st_run reinit tag=update-none expect=$QUOTE_NOT_CONFIGURED
	fi
	t_run rmmod-simtest-noquote rmmod tdx_ext_simtest
fi
t_run rmmod-sim-noquote rmmod tdx_ext_sim

# A TDX module the kernel never initialised, then VMX off, then no TDX
# module (debugfs tdx_state): every leaf's exact status.  Back to ready,
# the state is as it was and bring-up works.
sim_load load-sim-uninit tdx_state=uninit pool_pages=256 || exit 0
t_expect uninit-state uninit "$(sim_state tdx_state)"
if st_load load-simtest-uninit; then
	st_run leaves tag=uninit expect=$SYS_NOT_READY \
		expect_sys_rd=$SYS_LP_INIT_NOT_DONE expect_version=$OPERAND_INVALID_RAX
	sim_ctl vmx-off tdx_state vmx_off &&
		t_expect vmx-off-state vmx_off "$(cat "$SIM_DBG/tdx_state")"
	st_run leaves tag=vmx-off expect=$SEAMCALL_UD
	sim_ctl no-module tdx_state no_module
	st_run leaves tag=no-module expect=$SEAMCALL_VMFAILINVALID
	# An update needs a running TDX module; a word that is no state is
	# refused and changes nothing.
	if printf 'quote\n' >"$SIM_DBG/runtime_update" 2>/dev/null; then
		t_fail update-refused-without-module "runtime_update accepted with tdx_state=no_module"
	else
		t_ok update-refused-without-module
	fi
	if printf 'on\n' >"$SIM_DBG/tdx_state" 2>/dev/null; then
		t_fail tdx-state-bad-word "tdx_state accepted 'on'"
	else
		t_ok tdx-state-bad-word
	fi
	t_expect tdx-state-kept "no_module 0" "$(sim_state tdx_state) $(sim_state updates)"
	sim_ctl ready tdx_state ready
	st_run bringup tag=ready-after-states
	t_run rmmod-simtest-uninit rmmod tdx_ext_simtest
fi
t_run rmmod-sim-uninit rmmod tdx_ext_sim

# An unknown tdx_state refuses the load, saying why.
if insmod "$MODDIR/tdx_ext_sim.ko" tdx_state=bogus 2>/dev/null; then
	t_fail load-bad-tdx-state "loaded with tdx_state=bogus"
	rmmod tdx_ext_sim
else
	t_ok load-bad-tdx-state
fi
if dmesg | grep -q 'tdx_ext_sim: tdx_state=bogus: must be'; then
	t_ok load-bad-tdx-state-says-why
else
	t_fail load-bad-tdx-state-says-why "no 'tdx_state=bogus: must be ...' in the kernel log"
fi
