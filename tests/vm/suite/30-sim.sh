# SPDX-License-Identifier: GPL-2.0
# The simulator (docs/simulator.md) driven through its raw dispatcher by
# tdx_ext_simtest, as a driver would: metadata, leaf order, HPA_LIST_INFO
# faults, bring-up with resuming, and QUOTE.GET with its failure statuses.
# The quote, its TDREPORT, the measurements and the simulator's root
# certificate go to the host, which checks the chain, the COSE signature
# and the claims (tests/vm/host/sim-quote.sh).  Then a runtime update of the
# simulated TDX module: state lost, pool kept, EXT.INIT and QUOTE.INIT again
# without MEM.ADD, new quote keys under the same root; that quote goes to
# the host too.
. /tests/lib.sh

A=/tmp/artifacts/sim
U=$A/update
mkdir -p "$A" "$U"

# sim_stat LEAF KEY: a per-leaf count in the simulator's stats.
sim_stat() { sed -n "s/^$1 .*$2=\([0-9]*\).*/\1/p" "$SIM_DBG/stats" 2>/dev/null | head -1; }
# sim_states KEY...: "KEY=VALUE ..." from the simulator's state.
sim_states() {
	local k out=
	for k in "$@"; do out="$out${out:+ }$k=$(sim_state "$k")"; done
	echo "$out"
}

free_before=$(free_pages)

sim_load load-sim seed=1234 || exit 0
# The defaults: a TDX module as a kernel that asked for quoting left it,
# RCX 0 refused, the simulated version.
t_expect sim-defaults "tdx_state=ready config_quote=1 td_wildcard=0 version=1.5.16 build=900 updates=0" \
	"$(sim_states tdx_state config_quote td_wildcard version build updates)"
if st_load load-simtest; then
	sim_tds "$A" && st_reports "$A"
	st_run pre
	st_run version
	t_expect version-metadata "$(sim_state version) $(sim_state build)" \
		"$(st_info version) $(st_info build)"
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

	# A runtime update that configures quoting again.
	pages=$(sim_state pool_pages)
	mem_add="$(sim_stat ext_mem_add calls) $(st_info mem_add_calls)"
	if sim_ctl update runtime_update quote; then
		t_expect update-state "updates=1 version=1.5.17 build=901 config_quote=1 ext_ready=0 quote_ready=0 quote_job_active=0 pool_pages=$pages" \
			"$(sim_states updates version build config_quote ext_ready quote_ready quote_job_active pool_pages)"
		st_run version tag=update-version
		t_expect update-version-metadata "1.5.17 901" "$(st_info version) $(st_info build)"
		# Refusals until EXT.INIT and QUOTE.INIT ran again, which work
		# without a single MEM.ADD: the pool is still complete.
		st_run reinit tag=update
		t_expect update-no-mem-add "$mem_add" \
			"$(sim_stat ext_mem_add calls) $(st_info mem_add_calls)"
		t_expect update-pool-kept "pool_pages=$pages ext_ready=1 quote_ready=1" \
			"$(sim_states pool_pages ext_ready quote_ready)"
		st_run pool-full tag=update
		st_run quote-get tag=update
		cat "$ST_DBG/quote" >"$U/quote.cbor"
		cat "$SIM_DBG/root_cert.pem" >"$U/root_cert.pem" 2>/dev/null
		cp "$A/report.bin" "$A/measurements.txt" "$A/reportdata.hex" "$U/"
		# Same device secret: same root.  New TDX module: new keys, so
		# the same report (and seed) no longer gives the same quote.
		if [ ! -s "$U/root_cert.pem" ]; then
			t_fail update-root-kept "no root certificate after the update"
		elif cmp -s "$A/root_cert.pem" "$U/root_cert.pem"; then
			t_ok update-root-kept
		else
			t_fail update-root-kept "the root certificate changed with the update"
		fi
		if [ -s "$U/quote.cbor" ] && ! cmp -s "$A/quote.cbor" "$U/quote.cbor"; then
			t_ok update-rekeyed
		else
			t_fail update-rekeyed "no quote after the update, or the same bytes as before it"
		fi
		t_send_quote sim-update "$U"
	fi
	t_run rmmod-simtest rmmod tdx_ext_simtest
fi
t_run rmmod-sim rmmod tdx_ext_sim
# Unloading the simulated TDX module frees the whole pool (12800 pages):
# the free page count comes back to within 1024 pages of where it was.
free_after=$(free_pages)
t_pages pool-freed-on-unload $((free_before - free_after)) 1024 \
	"free pages $free_before before load, $free_after after unload"
t_expect debugfs-gone absent "$([ -e "$SIM_DBG" ] && echo present || echo absent)"
