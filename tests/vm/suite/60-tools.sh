# SPDX-License-Identifier: GPL-2.0
# tdx-quote (tools/tdx-quote) against the simulator: "ok" before anything is
# loaded (must name the missing module), after loading (must pass, round
# trip included), with a world-accessible node (must name the mode) and
# after unloading; "info"; "get" + "verify" round trip with the TD's
# expected values (0), a wrong MRTD (5), Intel's real root (3), a bad
# report file (1); "dump".  The quote also goes to the host, whose checks
# (tests/vm/host/sim-quote.sh) verify it independently.
. /tests/lib.sh

A=/tmp/artifacts/tools
TQ=tdx-quote
# The simulator's quotes name its own eat_profile, which verify accepts
# only when told (docs/verifier.md step 25); every verify below passes it,
# so that each exit status is the one its check is about.
PROFILE=tdx-ext-simulator
mkdir -p "$A"

# tq_status NAME EXPECTED_RC OUT_FILE ARGS...: run tdx-quote ARGS, its
# stdout and stderr into OUT_FILE; ok when it exits EXPECTED_RC.
tq_status() {
	local name=$1 want=$2 out=$3 rc
	shift 3
	"$TQ" "$@" >"$out" 2>&1
	rc=$?
	if [ "$rc" = "$want" ]; then
		t_ok "$name"
		return 0
	fi
	t_fail "$name" "tdx-quote $* exited $rc, expected $want: $(tail -3 "$out" | tr '\n' ' ')"
	return 1
}

# has NAME FILE PATTERN: ok when a line of FILE matches the ERE PATTERN
has() {
	if grep -E -q -- "$3" "$2"; then
		t_ok "$1"
	else
		t_fail "$1" "no line matching '$3' in: $(head -c 600 "$2" | tr '\n' '|')"
	fi
}

unload() {
	rmmod tdx_ext 2>/dev/null
	rmmod tdx_ext_sim 2>/dev/null
}

if ! command -v "$TQ" >/dev/null; then
	t_fail present "tdx-quote is not in the initramfs"
	exit 0
fi
t_run version "$TQ" version

# --- nothing loaded: "ok" fails and says which module and what to do --------
tq_status ok-unloaded 1 "$A/ok0.txt" ok &&
	has ok-unloaded-names-module "$A/ok0.txt" '^\[FAIL\].*tdx_ext.*'
has ok-unloaded-remedy "$A/ok0.txt" 'modprobe|insmod'
tq_status info-unloaded 1 "$A/info0.txt" info

# --- the simulator and the driver ---------------------------------------------
sim_load load-sim seed=606 || exit 0
if ! t_run load-driver insmod "$MODDIR/tdx_ext.ko" backend=sim; then
	unload
	exit 0
fi

tq_status ok 0 "$A/ok1.txt" ok
sed 's/^/[tdx-quote ok] /' "$A/ok1.txt"		# on the console, for the record
has ok-warns-simulated "$A/ok1.txt" '^\[WARN\].*simulat'
has ok-round-trip "$A/ok1.txt" '^\[ OK \].*round trip'

tq_status info 0 "$A/info.txt" info &&
	has info-backend "$A/info.txt" '^backend:.*sim'
tq_status info-json 0 "$A/info.json" info --json &&
	has info-json-state "$A/info.json" '"state": *"?(2|ready)'

# --- a TD, its report, a quote through the device, verified --------------------
D=$A/td
sim_td td-create 60 "$D" || { unload; exit 0; }
RD=$(reportdata_hex 60)
echo "$RD" >"$D/reportdata.hex"
sim_report td-report "$TD_ID" "$RD" "$D/report.bin" || { unload; exit 0; }
cat "$SIM_DBG/root_cert.pem" >"$A/root_cert.pem"
MRTD=$(sed -n 's/^mrtd=//p' "$D/measurements.txt")
RTMR2=$(sed -n 's/^rtmr2=//p' "$D/measurements.txt")

tq_status get 0 "$A/get.txt" get --report "$D/report.bin" \
	--td "$TD_HANDLE" -o "$D/quote.cbor"
tq_status verify 0 "$A/verify.txt" verify "$D/quote.cbor" \
	--root "$A/root_cert.pem" --profile "$PROFILE" --report-data "$RD" --mrtd "$MRTD" \
	--rtmr "2=$RTMR2"
tq_status verify-json 0 "$A/verify.json" verify "$D/quote.cbor" \
	--root "$A/root_cert.pem" --profile "$PROFILE" --json &&
	has verify-json-mrtd "$A/verify.json" "$MRTD"
# No handle (td 0): the simulator, like TDH.QUOTE.GET's ABI, wants the
# TD's TDR page; get says what to do.
tq_status get-no-td-refused 1 "$A/get2.txt" get --report "$D/report.bin" \
	-o "$D/quote2.cbor" &&
	has get-no-td-edestaddrreq "$A/get2.txt" 'EDESTADDRREQ.*0xc000010000000001' &&
	has get-no-td-remedy "$A/get2.txt" "needs the TD's handle.*pass --td"

WRONG=$(echo "$MRTD" | sed 's/^./f/;t' | sed 's/^ff/0f/')
[ "$WRONG" != "$MRTD" ] || WRONG=$(echo "$MRTD" | sed 's/^./0/')
tq_status verify-wrong-mrtd 5 "$A/verify-5.txt" verify "$D/quote.cbor" \
	--root "$A/root_cert.pem" --profile "$PROFILE" --mrtd "$WRONG"
tq_status verify-intel-root 3 "$A/verify-3.txt" verify "$D/quote.cbor" \
	--root /tests/data/dcp-dice-global-root-ca.pem --profile "$PROFILE"
tq_status verify-no-root 1 "$A/verify-1.txt" verify "$D/quote.cbor" \
	--profile "$PROFILE"
tq_status dump 0 "$A/dump.txt" dump "$D/quote.cbor" &&
	has dump-not-verified "$A/dump.txt" 'NOT VERIFIED' &&
	has dump-mrtd "$A/dump.txt" "$MRTD"

head -c 1000 "$D/report.bin" >"$A/short.bin"
tq_status get-short-report 1 "$A/get-short.txt" get --report "$A/short.bin" \
	-o "$A/none.cbor"
has get-short-report-says-size "$A/get-short.txt" '1024'

cp "$A/root_cert.pem" "$D/root_cert.pem"
t_send_quote dev-quote/tools-get "$D"

# --- a node anyone may use is reported, with the fix ----------------------------
chmod 0666 /dev/tdx_quote
tq_status ok-mode 1 "$A/ok2.txt" ok &&
	has ok-mode-names-node "$A/ok2.txt" '^\[FAIL\].*(/dev/tdx_quote|permission|mode)'
has ok-mode-remedy "$A/ok2.txt" 'udev|60-tdx-quote'
chmod 0600 /dev/tdx_quote

# --- unloaded again ---------------------------------------------------------------
unload
tq_status ok-after-unload 1 "$A/ok3.txt" ok &&
	has ok-after-unload-names-module "$A/ok3.txt" '^\[FAIL\].*tdx_ext'
