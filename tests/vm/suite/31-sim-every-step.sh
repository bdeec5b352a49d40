# SPDX-License-Identifier: GPL-2.0
# Bring-up and quoting with every call a minimal step (slice_us=0), a
# 4 MiB MAX_QUOTE_SIZE (a three-node HPA_LINKED_LIST output buffer), a
# pool just big enough for it and td_wildcard=1 (QUOTE.GET with RCX 0
# quotes for the report's TD; 30-sim checks that the default refuses it).
# With every call one step, the pending states are easy to reach: a
# QUOTE.GET during a re-keying QUOTE.INIT, and a runtime update that drops
# a pending QUOTE.GET and a half-done EXT.INIT (which then starts again
# from the first page).  Each resumable leaf must have been resumed;
# a pending QUOTE.GET makes the same leaf with other inputs busy.  The
# quote goes to the host for the same checks as 30-sim's.
. /tests/lib.sh

A=/tmp/artifacts/every-step
mkdir -p "$A"

sim_load load-sim seed=1234 slice_us=0 max_quote_size=4194304 pool_pages=2100 td_wildcard=1 || exit 0
t_expect sim-td-wildcard 1 "$(sim_state td_wildcard)"
if st_load load-simtest; then
	sim_tds "$A" && st_reports "$A"
	st_run bringup
	t_expect pool-given-is-param "$(sim_param pool_pages)" "$(st_info pool_given)"
	t_expect max-quote-size "4194304" "$(st_info max_quote_size)"
	for l in mem_add ext_init quote_init; do
		n=$(st_info ${l}_resumes)
		if [ "${n:-0}" -gt 0 ]; then
			t_ok "$l-resumed"
		else
			t_fail "$l-resumed" "no TDX_INTERRUPTED_RESUMABLE in ${n:-?} resumes of $(st_info ${l}_calls) calls with slice_us=0"
		fi
	done
	st_run quote td_wildcard=1
	n=$(st_info quote_get_resumes)
	if [ "${n:-0}" -gt 0 ]; then
		t_ok quote_get-resumed
	else
		t_fail quote_get-resumed "QUOTE.GET never resumed with slice_us=0 ($(st_info quote_get_calls) calls)"
	fi
	st_run resume-busy
	cat "$ST_DBG/quote" >"$A/quote.cbor"
	t_expect quote-magic d83dd284 "$(hexat "$A/quote.cbor" 0 4)"
	if cat "$SIM_DBG/root_cert.pem" >"$A/root_cert.pem" 2>/dev/null &&
	   grep -q 'BEGIN CERTIFICATE' "$A/root_cert.pem"; then
		t_ok root-cert
	else
		t_fail root-cert "$SIM_DBG/root_cert.pem: no PEM certificate"
	fi
	# The host checks what is sent.
	t_send_quote every-step "$A"

	# RCX 0 takes the TD the report names; a TD that is gone is nobody's,
	# and its handle no TD's.
	st_run quote-get tag=wildcard-td2 report=2 rcx0=1
	if sim_ctl td2-destroy td_destroy "$TD2_ID"; then
		st_run quote-get tag=wildcard-td2-destroyed report=2 rcx0=1 \
			expect=0xc000300100000000
		st_run quote-get tag=handle-td2-destroyed report=2 \
			expect=0xc000010000000001
	fi

	# A re-keying QUOTE.INIT left pending: QUOTE.GET is refused until it
	# is finished.
	st_run quote-init tag=rekey-pending limit=2 expect=0x8000000300000000
	st_run quote-get tag=get-during-rekey expect=0xc000050800000000
	st_run quote-init tag=rekey-finish

	# A runtime update drops a pending QUOTE.GET ...
	st_run pending-get
	t_expect pending-get-active 1 "$(sim_state quote_job_active)"
	if sim_ctl update runtime_update quote; then
		t_expect update-drops-pending-get 0 "$(sim_state quote_job_active)"
		# ... and a half-done EXT.INIT: after a second update it
		# prepares every page again, one call each.
		st_run ext-init tag=update-ext-init-partial limit=5 \
			expect=0x8000000300000000
		sim_ctl update-2 runtime_update quote &&
			st_run ext-init tag=update-ext-init calls="$(sim_param pool_pages)"
		st_run quote-init tag=update-quote-init
		# New buffers, so other inputs: not busy, the old call is gone.
		st_run quote-get tag=update-quote-get
		t_expect update-count 2 "$(sim_state updates)"
	fi
	t_run rmmod-simtest rmmod tdx_ext_simtest
fi
t_run rmmod-sim rmmod tdx_ext_sim
