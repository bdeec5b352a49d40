# SPDX-License-Identifier: GPL-2.0
# The simulator (docs/simulator.md) driven through its raw dispatcher by
# tdx_ext_simtest, as a driver would: metadata, leaf order, HPA_LIST_INFO
# faults, bring-up with resuming, and QUOTE.GET with its failure statuses.
# The quote, its TDREPORT, the measurements and the simulator's root
# certificate go to the host, which checks the chain, the COSE signature
# and the claims (tests/vm/host/sim-quote.sh).
. /tests/lib.sh

A=/tmp/artifacts/sim
mkdir -p "$A"

free_before=$(free_pages)

sim_load load-sim seed=1234 || exit 0
if st_load load-simtest; then
	sim_tds "$A" && st_reports "$A"
	st_run pre
	st_run bringup
	# The simulator's own view agrees with what the driver side learnt.
	t_expect pool-required-is-param "$(sim_param pool_pages)" "$(st_info pool_required)"
	t_expect pool-given-is-required "$(st_info pool_required)" "$(st_info pool_given)"
	t_expect max-quote-size-is-param "$(sim_param max_quote_size)" "$(st_info max_quote_size)"
	t_expect sim-state "ext_ready=1 quote_ready=1 fatal=0 pool_pages=$(st_info pool_required)" \
		"ext_ready=$(sim_state ext_ready) quote_ready=$(sim_state quote_ready) fatal=$(sim_state fatal) pool_pages=$(sim_state pool_pages)"
	st_run quote
	cat "$ST_DBG/quote" >"$A/quote.cbor"
	t_expect quote-magic d83dd284 "$(hexat "$A/quote.cbor" 0 4)"
	t_expect quote-len "$(st_info quote_len)" "$(($(wc -c <"$A/quote.cbor")))"
	if cat "$SIM_DBG/root_cert.pem" >"$A/root_cert.pem" 2>/dev/null &&
	   grep -q 'BEGIN CERTIFICATE' "$A/root_cert.pem"; then
		t_ok root-cert
	else
		t_fail root-cert "$SIM_DBG/root_cert.pem: no PEM certificate"
	fi
	# The host checks what is sent.
	t_send_quote sim "$A"
	t_run rmmod-simtest rmmod tdx_ext_simtest
fi
t_run rmmod-sim rmmod tdx_ext_sim
# Unloading the simulated TDX module frees the whole pool (12800 pages):
# the free page count comes back to within 1024 pages of where it was.
free_after=$(free_pages)
t_pages pool-freed-on-unload $((free_before - free_after)) 1024 \
	"free pages $free_before before load, $free_after after unload"
t_expect debugfs-gone absent "$([ -e "$SIM_DBG" ] && echo present || echo absent)"
