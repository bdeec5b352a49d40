# SPDX-License-Identifier: GPL-2.0
# Driver bugs planted through the simulator's raw dispatcher
# (tdx_ext_simtest), each caught by the simulator without harm to the
# kernel (issue 15, items 10-12):
# - QUOTE.GET given pages no driver owns (kernel text, the zero page, a
#   reserved page, a slab page, a TDR page, the simulator's own text) as
#   input, first node or data page: refused with the operand's status.
# - an output list rewritten while QUOTE.GET walks it: every entry is read
#   once, what was checked is what is used (never a quote into the pool).
# - a donated page freed by the driver (test_host_free_page): the page is
#   not handed out again (the simulator holds a reference), the next call
#   that looks at it stops the simulated TDX module, the PFN is named,
#   pool_check counts it, and unload frees it exactly once.
. /tests/lib.sh

A=/tmp/artifacts/host-bugs
mkdir -p "$A"
POOL_CORRUPTED=0xe0000d1000000000

# pool_check KEY: a key=value line of the simulator's pool_check.
pool_check() { sed -n "s/^$1=//p" "$SIM_DBG/pool_check" 2>/dev/null | head -1; }

free_before=$(free_pages)

sim_load load-sim seed=33 pool_pages=256 || exit 0
# The simulator knows its own image (its module memory).
op=$(pool_check own_pages)
if [ "${op:-0}" -ge 1 ]; then t_ok own-image-pages; else
	t_fail own-image-pages "pool_check: own_pages=${op:-none}"; fi
if st_load load-simtest; then
	sim_tds "$A" && st_reports "$A"
	st_run bringup
	# quote: its get-input-*, get-output-node-* and get-output-entry-*
	# cases for pages no driver owns, then a quote into the host's page.
	st_run quote
	st_run list-race
	t_expect no-fatal-before-free "0 0" "$(sim_state fatal) $(pool_check host_freed)"

	# Pool page 1 holds the quote keys: every QUOTE.GET checks it.
	if sim_ctl host-free test_host_free_page 1; then
		pfn=$(pool_check test_freed_pfn)
		echo "[test] freed donated page 1, pfn $pfn"
		# The simulator's reference keeps it out of the allocator.
		st_run grab-pfn tag=host-freed-page pfn="$pfn"
		# Freeing it a second time through the knob is refused: the
		# simulator's own reference is never dropped by a test.
		if printf '1\n' >"$SIM_DBG/test_host_free_page" 2>/dev/null; then
			t_fail host-free-twice-refused "test_host_free_page took page 1 twice"
		else
			t_ok host-free-twice-refused
		fi
		st_run quote-get tag=host-freed expect=0xe0000d1000000001
		t_expect host-freed-fatal "1 1" "$(sim_state fatal) $(pool_check host_freed)"
		n=$(dmesg | grep -c "host bug: donated page 1 (pfn $pfn) was freed by the host")
		t_expect host-freed-named-once 1 "$n"
		st_run sys-rd tag=after-host-free
		st_run ext-init tag=after-host-free expect_class=$POOL_CORRUPTED
	fi
	t_run rmmod-simtest rmmod tdx_ext_simtest
fi
t_run rmmod-sim rmmod tdx_ext_sim
if dmesg | grep -q 'tdx_ext_sim: 1 donated pages had been freed by the host'; then
	t_ok unload-reports-host-free
else
	t_fail unload-reports-host-free "no '1 donated pages had been freed by the host' at unload"
fi

# Freed before EXT.INIT: EXT.INIT must not write it.
sim_load load-sim-early seed=34 pool_pages=256 || exit 0
if st_load load-simtest-early; then
	st_run mem-add tag=early
	if sim_ctl host-free-early test_host_free_page 200; then
		st_run ext-init tag=early-host-free expect=0xe0000d10000000c8
		t_expect early-host-freed "1 1" "$(sim_state fatal) $(pool_check host_freed)"
	fi
	t_run rmmod-simtest-early rmmod tdx_ext_simtest
fi
t_run rmmod-sim-early rmmod tdx_ext_sim

# Every page given back once: nothing freed twice (a double free shows as
# a bad page state or a KASAN report in the console), no pool kept (a pool
# not released would lose 256 pages; the rest is the noise of loading and
# logging, up to about 100 pages seen).
t_pages pages-back $((free_before - $(free_pages))) 256 "after two loads with a page freed by the host"
