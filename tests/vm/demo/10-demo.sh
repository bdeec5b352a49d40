# SPDX-License-Identifier: GPL-2.0
# "make demo": the main job, step by step, inside the VM.  Each step says
# what it does; the results also go to the harness like any test.
. /tests/lib.sh
T_PREFIX=demo

step() { echo; echo "==== $*"; }

step "1. load the simulated TDX module: insmod tdx_ext_sim.ko"
t_run load-simulator insmod $MODDIR/tdx_ext_sim.ko
ls -d /sys/kernel/debug/tdx_ext_sim

step "2. load the driver with the simulator as its TDX module: insmod tdx_ext.ko backend=sim"
echo "(it reads the metadata, gives the simulator its 50 MiB pool, initialises Extensions and quoting)"
t_run load-driver insmod $MODDIR/tdx_ext.ko backend=sim
dmesg | grep -E 'tdx_ext: ' | tail -3
S=/sys/class/misc/tdx_quote
for a in backend state pool_pages pool_donated max_quote_size engine/calls engine/resumes; do
	printf '  %-16s %s\n' "$a" "$(cat $S/$a)"
done
ls -l /dev/tdx_quote

step "3. self-check: tdx-quote ok"
tdx-quote ok
t_expect self-check 0 $?

step "4. a quote: a test TD's 1024-byte TDREPORT in, a signed DICE quote out"
A=/tmp/artifacts/demo
mkdir -p $A
echo "create a test TD in the simulator, with chosen measurements:"
sim_td td-created 7 $A && sed 's/^/  /' $A/measurements.txt | cut -c1-60
echo "its TDREPORT for a 64-byte REPORTDATA (what a TD's TDG.MR.REPORT returns):"
rd=$(reportdata_hex 7)
echo "$rd" >$A/reportdata.hex
sim_report report-made "$(cat $SIM_DBG/td_create)" "$rd" $A/report.bin
echo "tdx-quote get: ioctl(TDX_QUOTE_GET_QUOTE) on /dev/tdx_quote (see also docs/examples/get_quote.c):"
if tdx-quote get --report $A/report.bin --td "$(cat $A/handle)" -o $A/quote.cbor; then
	t_ok quote-made
	echo "  quote: $(wc -c <$A/quote.cbor) bytes, starts $(hexat $A/quote.cbor 0 4) (CWT / COSE_Sign1)"
	cat $SIM_DBG/root_cert.pem >$A/root_cert.pem

	step "5. verify it in the VM: tdx-quote verify, pinning the simulator's root and accepting its profile"
	mrtd=$(sed -n 's/^mrtd=//p' $A/measurements.txt)
	echo "tdx-quote verify quote.cbor --root root_cert.pem --profile tdx-ext-simulator --mrtd ${mrtd%${mrtd#????????????}}... --report-data ${rd%${rd#????????????}}..."
	tdx-quote verify $A/quote.cbor --root $A/root_cert.pem --profile tdx-ext-simulator --mrtd "$mrtd" --report-data "$rd"
	t_expect verified 0 $?
	echo "what it holds (tdx-quote dump, first lines):"
	tdx-quote dump $A/quote.cbor | head -30 | sed 's/^/  /'

	t_send_quote demo $A
	echo "  also sent to the host, which verifies it again after this boot (sim-quote lines):"
	echo "  certificate chain to the simulator's root (openssl verify), the ES384"
	echo "  signature, and claims equal to the TD's measurements and REPORTDATA,"
	echo "  with an independent Python verifier."
else
	t_fail quote-made "tdx-quote get failed"
fi

step "6. unload: rmmod tdx_ext tdx_ext_sim (the simulator frees its pool)"
t_run unload sh -c "rmmod tdx_ext && rmmod tdx_ext_sim"
dmesg | grep -E 'tdx_ext' | tail -5
