# SPDX-License-Identifier: GPL-2.0
# Driver bugs planted through the simulator's raw dispatcher
# (tdx_ext_simtest), each caught by the simulator without harm to the
# kernel (issue 15, items 10-12):
# - QUOTE.GET given pages no driver owns (kernel text, the zero page, a
#   reserved page, a slab page, a TDR page, the simulator's own text) as
#   input, first node or data page: refused with the operand's status.
. /tests/lib.sh

A=/tmp/artifacts/host-bugs
mkdir -p "$A"

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
	t_run rmmod-simtest rmmod tdx_ext_simtest
fi
t_run rmmod-sim rmmod tdx_ext_sim

t_pages pages-back $((free_before - $(free_pages))) 256 "after a load with pages refused (a pool not released: 256)"
