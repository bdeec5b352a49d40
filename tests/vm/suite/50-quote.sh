# SPDX-License-Identifier: GPL-2.0
# /dev/tdx_quote's ioctls (include/uapi/linux/tdx_quote.h) against the
# simulated TDX module, by quote_test (tests/vm/progs/quote_test.c): GET_INFO,
# one quote, every error the simulator can cause, a fuzzer, concurrent
# processes, O_NONBLOCK with a full queue, callers killed mid-request, the
# simulator's fault injection (EBUSY, EIO, entropy, ETIMEDOUT), a QUOTE.GET
# abandoned at its deadline and finished before the next request, a quote
# through a multi-node output list (max_quote_size 4 MiB), and quoting
# unavailable (EOPNOTSUPP).  Quotes of a few TDs go to the host, which
# checks them like the simulator's own (tests/vm/host/sim-quote.sh, for
# every quote.cbor under the artifacts: here dev-quote/<name>/).
. /tests/lib.sh

A=/tmp/artifacts/quote
S=$A/stress		# report.<i>, td.<i>; quote_test stress writes quote.<i>
NTD=16			# TDs, one process each in the stress test
QT=quote_test
mkdir -p "$S"

# The debug kernel (KASAN, lockdep, kmemleak) is several times slower: fewer
# fuzzer calls and quotes per process there; 100000 calls everywhere else.
FUZZ_N=100000
STRESS_Q=8
if [ "$TDX_KERNEL" = debug ]; then
	FUZZ_N=20000
	STRESS_Q=2
fi

# stamp WHAT: the time on the console (not a result), to see where it goes
stamp() { echo "[test] quote: $1 at $(cut -d' ' -f1 /proc/uptime) s"; }

# qt PREFIX ARGS...: run quote_test ARGS; relay its "ok NAME" and
# "not ok NAME # WHY" lines as PREFIX/NAME, its "# ..." lines as figures.
# A run that fails without saying why (a crash) fails PREFIX/exit.
qt() { local p=$1; shift; t_tap "$p" "$QT" "$@"; }

# drv NAME [PARAM=VALUE]...: load the driver on the simulator, quoting ready
drv() {
	local name=$1
	shift
	t_run "$name" insmod "$MODDIR/tdx_ext.ko" backend=sim "$@" || return 1
	if [ ! -c /dev/tdx_quote ]; then
		t_fail "$name-node" "no /dev/tdx_quote"
		return 1
	fi
}

# root_cert: the simulator's root, pinned by the host's checks
root_cert() {
	if cat "$SIM_DBG/root_cert.pem" >"$A/root_cert.pem" 2>/dev/null &&
	   grep -q 'BEGIN CERTIFICATE' "$A/root_cert.pem"; then
		return 0
	fi
	t_fail "$1" "$SIM_DBG/root_cert.pem: no PEM certificate"
	return 1
}

# send NAME QUOTE TDDIR: the quote, its TDREPORT, the TD's measurements,
# REPORTDATA and the root go to the host as dev-quote/NAME/.
send() {
	local n=$1 q=$2 d=$3 f
	if [ ! -s "$q" ]; then
		t_fail "artifact-$n" "no quote $q"
		return 1
	fi
	for f in report.bin measurements.txt reportdata.hex; do
		t_artifact "dev-quote/$n/$f" "$d/$f" || return 1
	done
	t_artifact "dev-quote/$n/root_cert.pem" "$A/root_cert.pem" &&
		t_artifact "dev-quote/$n/quote.cbor" "$q"
}

# new_td I SEED: TD I with measurements and REPORTDATA from SEED; its
# files in $A/tdI/, its report and handle also as $S/report.I, $S/td.I.
new_td() {
	local d=$A/td$1 rd
	sim_td "td$1-create" "$2" "$d" || return 1
	rd=$(reportdata_hex "$2")
	echo "$rd" >"$d/reportdata.hex"
	sim_report "td$1-report" "$TD_ID" "$rd" "$d/report.bin" || return 1
	cp "$d/report.bin" "$S/report.$1"
	echo "$TD_HANDLE" >"$S/td.$1"
}

unload() {
	rmmod tdx_ext 2>/dev/null
	rmmod tdx_ext_sim 2>/dev/null
}

# --- the simulator (seed 4321) and the driver, default parameters ----------
stamp start
sim_load load-sim seed=4321 || exit 0
drv load-driver || { unload; exit 0; }
root_cert root-cert

i=0
ntd=0
while [ $i -lt $NTD ]; do
	new_td $i $((100 + i)) && ntd=$((ntd + 1))
	i=$((i + 1))
done
if [ $ntd != $NTD ]; then
	t_fail tds "$ntd of $NTD TDs with a report"
	unload
	exit 0
fi
stamp "$NTD TDs made"
R0=$A/td0/report.bin
H0=$(cat "$A/td0/handle")
H1=$(cat "$A/td1/handle")

qt info info --max-quote-size "$(sim_param max_quote_size)"
qt get get --report "$R0" --td "$H0" -o "$A/td0/quote.cbor" &&
	send get "$A/td0/quote.cbor" "$A/td0"
qt errors errors --report "$R0" --td "$H0" --other-td "$H1"
# $FUZZ_N calls: most fail in the driver's validation and cost microseconds;
# at most one in 400 makes the simulator sign (milliseconds under TCG).
stamp "fuzz begins"
qt fuzz fuzz $FUZZ_N --seed 4321 --report "$R0" --td "$H0" --other-td "$H1" \
	--max-seconds 60
# Every TD's quote by its own process; the host checks a few of them.
stamp "stress begins"
if qt stress stress --procs $NTD --quotes $STRESS_Q --report-dir "$S"; then
	for i in 1 7 15; do
		send "stress-$i" "$S/quote.$i" "$A/td$i"
	done
fi
stamp "kill begins"
qt kill kill --report "$A/td2/report.bin" --td "$(cat "$A/td2/handle")"

# --- the simulator's fault injection on TDH.QUOTE.GET (leaf 98) --------------
stamp "injection begins"
R3=$A/td3/report.bin
H3=$(cat "$A/td3/handle")
# One busy answer is another SEAMCALL's lock: re-issued, the quote made.
# (Busy beyond the driver's re-issues, EBUSY: 45-hwpath.sh.)
busy0=$(cat /sys/class/misc/tdx_quote/engine/busy)
if sim_ctl fail-leaf-busy fail_leaf "98 1 8000020200000000"; then
	qt inject expect busy-retried --report "$R3" --td "$H3" --errno 0 \
		--status 0x0 &&
		t_expect inject/busy-counted $((busy0 + 1)) \
			"$(cat /sys/class/misc/tdx_quote/engine/busy)"
fi
if sim_ctl fail-leaf-error fail_leaf "98 1 c0000bad00000098"; then
	qt inject expect error-eio --report "$R3" --td "$H3" --errno EIO \
		--status 0xc0000bad00000098
fi
sim_ctl fail-leaf-clear fail_leaf "0 0 0"
# No entropy 5 times: retried, a quote; 11 times: more than the driver's 10
# retries, EBUSY (try again; 46-unload-limits.sh retries).
if sim_ctl no-entropy-5 rnd_no_entropy 5; then
	qt inject expect no-entropy-5-retried --report "$R3" --td "$H3" --errno success
fi
if sim_ctl no-entropy-11 rnd_no_entropy 11; then
	qt inject expect no-entropy-11-fails --report "$R3" --td "$H3" \
		--errno EBUSY --status 0x8000020300000000
fi
sim_ctl no-entropy-clear rnd_no_entropy 0
qt inject expect good-after-injection --report "$R3" --td "$H3" --errno success

# Tracepoints fire around each SEAMCALL of a quote (they are enabled only
# now that the module is in: a module's events start disabled).
T=/sys/kernel/tracing
if [ -d $T/events/tdx_ext ]; then
	echo > $T/trace
	echo 1 > $T/events/tdx_ext/enable
	get_quote "$R3" "$H3" >/dev/null
	echo 0 > $T/events/tdx_ext/enable
	grep -q 'tdx_ext_seamcall: leaf=98 status=0x0000000000000000' $T/trace &&
		t_ok tracepoint-seamcall-fires ||
		t_fail tracepoint-seamcall-fires "no successful QUOTE.GET event in $T/trace"
	grep -q 'tdx_ext_job_done: leaf=98 status=0x0000000000000000 err=0 resumes=[0-9]' $T/trace &&
		t_ok tracepoint-job-done-fires ||
		t_fail tracepoint-job-done-fires "no QUOTE.GET job event in $T/trace"
fi
t_run unload-driver rmmod tdx_ext

# --- queue_depth=1: O_NONBLOCK gets EAGAIN; timeout=2: ETIMEDOUT -------------
stamp "queue_depth=1 begins"
if drv load-driver-depth-1 queue_depth=1 timeout=2; then
	qt nonblock nonblock --report "$R0" --td "$H0"
	# The simulator never finishes: the driver gives up after its 2 s
	# deadline (4 s allowed under TCG), and the next request works.
	if sim_ctl never-finish never_finish 1; then
		qt timeout expect etimedout --report "$R3" --td "$H3" \
			--errno ETIMEDOUT --max-seconds 4
		sim_ctl never-finish-clear never_finish 0
		qt timeout expect good-after-timeout --report "$R3" --td "$H3" \
			--errno success
	fi
	t_run unload-driver-depth-1 rmmod tdx_ext
fi

# --- an abandoned QUOTE.GET (timeout=1) ------------------------------------
# stall_quote_get: a QUOTE.GET starts (pending in the simulator) and then
# makes no progress, so the driver abandons it at its deadline; the
# simulator answers TDX_OPERAND_BUSY to other inputs until it is re-issued.
# The driver finishes it before the next request (TD 5, other inputs), on
# that request's deadline.  engine/abandoned and abandoned_finished count.
stamp "abandoned begins"
E=/sys/class/misc/tdx_quote/engine
R4=$A/td4/report.bin
H4=$(cat "$A/td4/handle")
R5=$A/td5/report.bin
H5=$(cat "$A/td5/handle")
abandoned() { echo "$(cat $E/abandoned):$(cat $E/abandoned_finished)"; }
if drv load-driver-abandon timeout=1; then
	if sim_ctl stall-quote-get stall_quote_get 1; then
		qt abandon expect td4-etimedout --report "$R4" --td "$H4" \
			--errno ETIMEDOUT --max-seconds 3
		t_expect abandon/td4-abandoned 1:0 "$(abandoned)"
		# Still stalled: TD 5's request spends its deadline on TD 4's
		# call and fails; TD 4's call stays remembered.
		qt abandon expect td5-catch-up-etimedout --report "$R5" \
			--td "$H5" --errno ETIMEDOUT --max-seconds 3
		t_expect abandon/td5-catch-up-timeout-keeps-it 1:0 "$(abandoned)"
		sim_ctl stall-quote-get-clear stall_quote_get 0
		mkdir -p "$A/abandon"
		qt abandon-td5 get --report "$R5" --td "$H5" \
			-o "$A/abandon/quote.cbor" &&
			send abandon-td5 "$A/abandon/quote.cbor" "$A/td5"
		t_expect abandon/td4-finished-later 1:1 "$(abandoned)"
		qt abandon expect td4-good --report "$R4" --td "$H4" \
			--errno success
		t_expect abandon/td4-good-no-catch-up 1:1 "$(abandoned)"
	fi
	# Unloading with a call pending: it is finished first ...
	if sim_ctl stall-quote-get-unload stall_quote_get 1; then
		qt abandon expect unload-etimedout --report "$R4" --td "$H4" \
			--errno ETIMEDOUT --max-seconds 3
		sim_ctl stall-quote-get-unload-clear stall_quote_get 0
	fi
	n=$(dmesg | grep -c 'an abandoned TDH.QUOTE.GET finished')
	t_run unload-driver-abandon rmmod tdx_ext
	t_expect abandon/finished-at-unload $((n + 1)) \
		"$(dmesg | grep -c 'an abandoned TDH.QUOTE.GET finished')"
fi
# ... or, when it cannot finish, its buffers are leaked, not freed (the
# simulator, which still holds the call, goes next).
if drv load-driver-abandon-leak timeout=1; then
	if sim_ctl stall-quote-get-leak stall_quote_get 1; then
		qt abandon expect leak-etimedout --report "$R4" --td "$H4" \
			--errno ETIMEDOUT --max-seconds 3
		t_run unload-driver-abandon-leak rmmod tdx_ext
		dmesg | grep -q 'abandoned TDH.QUOTE.GET is still pending .*: leaking' &&
			t_ok abandon/leaked-at-unload ||
			t_fail abandon/leaked-at-unload "no warning in dmesg"
		sim_ctl stall-quote-get-leak-clear stall_quote_get 0
	else
		t_run unload-driver-abandon-leak rmmod tdx_ext
	fi
fi
t_run unload-sim rmmod tdx_ext_sim

# --- max_quote_size 4 MiB: the output list has several nodes ---------------
stamp "4 MiB begins"
if sim_load load-sim-4m seed=4321 max_quote_size=4194304; then
	if drv load-driver-4m; then
		qt info-4m info --max-quote-size 4194304
		root_cert root-cert-4m
		if new_td 16 116; then
			mkdir -p "$A/big"
			qt get-4m get --report "$A/td16/report.bin" \
				--td "$(cat "$A/td16/handle")" -o "$A/big/quote.cbor" &&
				send big-4m "$A/big/quote.cbor" "$A/td16"
		fi
		t_run unload-driver-4m rmmod tdx_ext
	fi
	t_run unload-sim-4m rmmod tdx_ext_sim
fi

# --- QUOTE.INIT fails: Extensions up, quoting unavailable: EOPNOTSUPP -------
if sim_load load-sim-noquote pool_pages=512; then
	if sim_ctl fail-quote-init fail_leaf "100 1 c0000bad00000100" &&
	   t_run load-driver-noquote insmod "$MODDIR/tdx_ext.ko" backend=sim; then
		qt unavailable unavailable
		t_run unload-driver-noquote rmmod tdx_ext
	fi
	t_run unload-sim-noquote rmmod tdx_ext_sim
fi
stamp "done"
t_expect all-unloaded "" "$(grep -E '^tdx_ext(_sim)? ' /proc/modules)"
