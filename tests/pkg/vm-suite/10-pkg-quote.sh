# SPDX-License-Identifier: GPL-2.0
# Acceptance 2 of the packaging: the modules DKMS built from the installed
# tdx-ext-dkms package (tests/pkg/run.sh boots them with tests/vm/run.sh
# --modules) load with backend=sim, carry the package's version, and serve a
# quote through /dev/tdx_quote that tdx-quote gets and verifies against the
# simulator's root.  The quote also goes to the host, whose checks
# (tests/vm/host/sim-quote.sh) verify it independently.
. /tests/lib.sh

A=/tmp/artifacts/pkg
TQ=tdx-quote
mkdir -p "$A"

unload() {
	rmmod tdx_ext 2>/dev/null
	rmmod tdx_ext_sim 2>/dev/null
}

if ! command -v "$TQ" >/dev/null; then
	t_fail tdx-quote-present "tdx-quote is not in the initramfs"
	exit 0
fi

sim_load load-sim seed=812 || exit 0
if ! t_run load-driver insmod "$MODDIR/tdx_ext.ko" backend=sim; then
	unload
	exit 0
fi
if [ ! -c /dev/tdx_quote ]; then
	t_fail node "no /dev/tdx_quote after loading the driver"
	unload
	exit 0
fi
t_ok node
t_expect backend-sim sim "$(cat /sys/class/misc/tdx_quote/backend 2>/dev/null)"

# The package's version, as tdx-quote (built from the same tree) knows it.
want=$("$TQ" version | sed -n 's/^tdx-quote //p')
t_expect module-version "${want:-<tdx-quote version printed nothing>}" \
	"$(cat /sys/module/tdx_ext/version 2>/dev/null)"
t_expect sim-module-version "${want:-<tdx-quote version printed nothing>}" \
	"$(cat /sys/module/tdx_ext_sim/version 2>/dev/null)"

# --- a TD, its TDREPORT, a quote through the device, verified -----------------
D=$A/td
sim_td td-create 81 "$D" || { unload; exit 0; }
RD=$(reportdata_hex 81)
echo "$RD" >"$D/reportdata.hex"
sim_report td-report "$TD_ID" "$RD" "$D/report.bin" || { unload; exit 0; }
if ! cat "$SIM_DBG/root_cert.pem" >"$D/root_cert.pem" 2>/dev/null ||
   ! grep -q 'BEGIN CERTIFICATE' "$D/root_cert.pem"; then
	t_fail sim-root "$SIM_DBG/root_cert.pem: no PEM certificate"
	unload
	exit 0
fi
MRTD=$(sed -n 's/^mrtd=//p' "$D/measurements.txt")

if t_run get "$TQ" get --report "$D/report.bin" --td "$TD_HANDLE" -o "$D/quote.cbor"; then
	t_run verify "$TQ" verify "$D/quote.cbor" --root "$D/root_cert.pem" \
		--profile tdx-ext-simulator \
		--report-data "$RD" --mrtd "$MRTD"
	# Not vacuous: the same quote against a root that did not sign it.
	if [ -f /tests/data/dcp-dice-global-root-ca.pem ]; then
		if "$TQ" verify "$D/quote.cbor" --profile tdx-ext-simulator \
			--root /tests/data/dcp-dice-global-root-ca.pem >"$A/wrong-root.txt" 2>&1; then
			t_fail verify-rejects-other-root "verified against Intel's root, which did not sign it"
		else
			t_ok verify-rejects-other-root
		fi
	fi
	if command -v t_send_quote >/dev/null; then
		t_send_quote dev-quote/pkg-get "$D"
	else
		t_artifact dev-quote/pkg-get/quote.cbor "$D/quote.cbor"
		for f in report.bin root_cert.pem measurements.txt reportdata.hex; do
			t_artifact "dev-quote/pkg-get/$f" "$D/$f"
		done
	fi
fi

t_run unload-driver rmmod tdx_ext
t_run unload-sim rmmod tdx_ext_sim
t_expect all-unloaded "" "$(grep -E '^tdx_ext(_sim)? ' /proc/modules)"
