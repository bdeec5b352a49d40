# SPDX-License-Identifier: GPL-2.0
# The hardware path as kernels bring TDX up (docs/hardware.md): every way
# the driver refuses, or loses quoting, is reached and asserted by its text,
# in the kernel log and in "tdx-quote ok": the hw backend on this kernel
# (no host TDX in Debian's kernels; TDX not enabled by the BIOS on the
# debug kernel, which has CONFIG_INTEL_TDX_HOST), and the simulator's
# platform modes (VMX off, no TDX module, not initialised, no Extensions,
# quoting not configured, a runtime update with and without the quoting
# add-on, busy, the TD handle).
. /tests/lib.sh

S=/sys/class/misc/tdx_quote
A=/tmp/artifacts/hwpath
TQ=tdx-quote
mkdir -p "$A"

drv_load() { DRV_OUT=$(modload "$MODDIR/tdx_ext.ko" "$@" 2>&1); }
unload() {
	rmmod tdx_ext 2>/dev/null
	rmmod tdx_ext_sim 2>/dev/null
}
# the cause and remedy of the driver's last "refused:" line
last_refusal() {
	dmesg | grep 'tdx_ext: refused: ' | tail -1 | sed 's/^.*tdx_ext: refused: //'
}
# has NAME FILE FIXED-STRING
has() {
	if grep -qF -- "$3" "$2"; then
		t_ok "$1"
	else
		t_fail "$1" "no '$3' in: $(head -c 600 "$2" | tr '\n' '|')"
	fi
}
# sim_calls LEAF: calls of LEAF the simulator counted
sim_calls() { sed -n "s/^$1 calls=\([0-9]*\).*/\1/p" "$SIM_DBG/stats"; }

# Who initialises TDX on this kernel, as the remedies say it.
kmaj=$(uname -r | cut -d. -f1)
kmin=$(uname -r | cut -d. -f2)
if [ "$kmaj" -gt 7 ] || { [ "$kmaj" = 7 ] && [ "$kmin" -ge 2 ]; }; then
	INIT_REMEDY="this kernel initialises TDX at boot"
elif [ "$kmaj" -gt 6 ] || [ "$kmin" -ge 16 ]; then
	INIT_REMEDY="modprobe kvm_intel tdx=1"
else
	INIT_REMEDY="no in-tree module of this kernel initialises TDX"
fi

# check_refusal NAME CAUSE [REMEDY]: the last load failed with ENODEV, its
# refusal line holds CAUSE and a remedy (REMEDY when given), and
# "tdx-quote ok" shows both.
check_refusal() {
	local name=$1 cause=$2 want_remedy=${3:-} line remedy
	case "$DRV_OUT" in
	*"No such device"*) t_ok "$name-enodev" ;;
	*) t_fail "$name-enodev" "insmod: $DRV_OUT" ;;
	esac
	line=$(last_refusal)
	remedy=${line#*; remedy: }
	case "$line" in
	*"$cause"*"; remedy: "?*) t_ok "$name-says-why" ;;
	*) t_fail "$name-says-why" "last refusal '$line', want '$cause; remedy: ...'" ;;
	esac
	if [ -n "$want_remedy" ]; then
		case "$remedy" in
		*"$want_remedy"*) t_ok "$name-remedy" ;;
		*) t_fail "$name-remedy" "remedy '$remedy', want '$want_remedy'" ;;
		esac
	fi
	"$TQ" ok >"$A/$name-ok.txt" 2>&1
	grep -F "its last load was refused: " "$A/$name-ok.txt" >"$A/$name-ok-line.txt"
	has "$name-ok-cause" "$A/$name-ok-line.txt" "$cause"
	has "$name-ok-remedy" "$A/$name-ok.txt" "remedy: $remedy"
}

# --- the hw backend on this kernel -----------------------------------------
# Debian's kernels have no CONFIG_INTEL_TDX_HOST; the debug kernel has it,
# and QEMU's CPU has no TDX, so the kernel never sets tdx_host_platform.
if grep -qE ' (tdx_cpu_enable|tdx_get_sysinfo)$' /proc/kallsyms; then
	cause="TDX is not enabled by the BIOS (no tdx_host_platform CPU flag)"
	remedy="enable TDX in the firmware setup"
else
	cause="this kernel has no host TDX support (CONFIG_INTEL_TDX_HOST is not set)"
	remedy="boot a kernel built with CONFIG_INTEL_TDX_HOST=y"
fi
dmesg -c >/dev/null
drv_load backend=hw
check_refusal hw "$cause" "$remedy"
[ -e $S ] && t_fail hw-no-device "$S exists" || t_ok hw-no-device

# --- the simulator's platform modes: the driver's own probe ----------------
# refused_by NAME CAUSE REMEDY SIM-PARAM...: the driver refuses a simulator
# loaded with SIM-PARAM... and says so.
refused_by() {
	local name=$1 cause=$2 remedy=$3
	shift 3
	sim_load "$name-sim-load" "$@" || return 0
	dmesg -c >/dev/null
	if drv_load backend=sim; then
		t_fail "$name-enodev" "the driver loaded"
		unload
		return 0
	fi
	check_refusal "$name" "$cause" "$remedy"
	t_run "$name-sim-unload" rmmod tdx_ext_sim
}
refused_by vmx-off "VMX is off, so no SEAMCALL can reach the TDX module" \
	"$INIT_REMEDY" tdx_state=vmx_off
refused_by uninit "the TDX module is not initialised yet (TDH.SYS.RD status 0xc000050200000000)" \
	"$INIT_REMEDY" tdx_state=uninit
refused_by no-module "no TDX module is loaded (SEAMCALL VMfailInvalid)" \
	"enable TDX in the firmware setup" tdx_state=no_module
refused_by no-ext "has no Extensions (TDX_FEATURES0 0x0)" \
	"a TDX module with Extensions" ext=0 quote=0

# --- quoting not configured by the kernel (TDH.SYS.CONFIG v0) ---------------
if sim_load noconf-sim-load config_quote=0 pool_pages=512; then
	if t_run noconf-load insmod "$MODDIR/tdx_ext.ko" backend=sim; then
		t_expect noconf-state quote-unavailable "$(cat $S/state)"
		t_expect noconf-status 0xc000300500000000 "$(cat $S/quote_init_status)"
		cat $S/diagnosis >"$A/noconf-diag.txt"
		has noconf-diagnosis "$A/noconf-diag.txt" \
			"the kernel configured the TDX module without the quoting add-on (TDH.SYS.CONFIG v0"
		has noconf-diagnosis-remedy "$A/noconf-diag.txt" \
			"remedy: boot a kernel with the patch in packaging/kernel/"
		dmesg | grep 'quoting unavailable' >"$A/noconf-dmesg.txt"
		has noconf-logged "$A/noconf-dmesg.txt" "without the quoting add-on"
		"$TQ" ok >"$A/noconf-ok.txt" 2>&1
		has noconf-ok-cause "$A/noconf-ok.txt" "without the quoting add-on"
		has noconf-ok-remedy "$A/noconf-ok.txt" "remedy: boot a kernel with the patch in packaging/kernel/"
		D=$A/noconf-td
		if sim_td noconf-td 451 "$D" &&
		   sim_report noconf-report "$TD_ID" "$(reportdata_hex 451)" "$D/report.bin"; then
			"$TQ" get --report "$D/report.bin" --td "$TD_HANDLE" \
				-o "$D/quote.cbor" >"$A/noconf-get.txt" 2>&1
			t_expect noconf-get-fails 1 "$?"
			has noconf-get-eopnotsupp "$A/noconf-get.txt" "(EOPNOTSUPP)"
		fi
	fi
	unload
fi

# --- a runtime update of the TDX module ------------------------------------
# quote_ok NAME: a quote of the TD in $D that verifies against the
# simulator's root (read after the quote: a runtime update drops it until
# TDH.QUOTE.INIT runs again) and its own eat_profile.
quote_ok() {
	if "$TQ" get --report "$D/report.bin" --td "$TD_HANDLE" \
		-o "$D/$1.cbor" >"$A/$1-get.txt" 2>&1 &&
	   cat "$SIM_DBG/root_cert.pem" >"$D/root.pem" 2>/dev/null &&
	   "$TQ" verify "$D/$1.cbor" --root "$D/root.pem" \
		--profile tdx-ext-simulator --report-data "$(cat "$D/reportdata.hex")" >"$A/$1-verify.txt" 2>&1; then
		t_ok "$1"
	else
		t_fail "$1" "$(cat "$A/$1-get.txt" "$A/$1-verify.txt" 2>/dev/null | tail -2 | tr '\n' ' ')"
	fi
}
if sim_load update-sim-load pool_pages=512 &&
   t_run update-load insmod "$MODDIR/tdx_ext.ko" backend=sim; then
	D=$A/update-td
	mkdir -p "$D"
	reportdata_hex 452 >"$D/reportdata.hex"
	if sim_td update-td 452 "$D" &&
	   sim_report update-report "$TD_ID" "$(cat "$D/reportdata.hex")" "$D/report.bin"; then
		quote_ok update-before
		ver0=$(cat $S/module_version)
		donated0=$(cat $S/pool_donated)
		madd0=$(sim_calls ext_mem_add)
		simpool0=$(sim_state pool_pages)
		dmesg -c >/dev/null
		# kept: the update configured the quoting add-on (SYS.UPDATE v1)
		sim_ctl update-quote runtime_update quote &&
			quote_ok update-recovered
		t_expect update-counted 1 "$(cat $S/module_updates)"
		t_expect update-state ready "$(cat $S/state)"
		t_expect update-pool-given-once "$donated0" "$(cat $S/pool_donated)"
		t_expect update-no-mem-add "$madd0" "$(sim_calls ext_mem_add)"
		t_expect update-sim-pool-kept "$simpool0" "$(sim_state pool_pages)"
		ver1=$(cat $S/module_version)
		[ -n "$ver0" ] && [ "$ver0" != "$ver1" ] && t_ok update-version-changed ||
			t_fail update-version-changed "module_version '$ver0' then '$ver1'"
		dmesg | grep 'tdx_ext: ' >"$A/update-dmesg.txt"
		has update-logged "$A/update-dmesg.txt" "the TDX module was updated since load ("
		has update-pool-logged "$A/update-dmesg.txt" "none given again"

		# lost: the update did not configure it (SYS.UPDATE v0)
		sim_ctl update-none runtime_update none
		"$TQ" get --report "$D/report.bin" --td "$TD_HANDLE" \
			-o "$D/none.cbor" >"$A/update-none-get.txt" 2>&1
		t_expect update-none-get-fails 1 "$?"
		has update-none-eopnotsupp "$A/update-none-get.txt" "(EOPNOTSUPP)"
		t_expect update-none-state quote-unavailable "$(cat $S/state)"
		t_expect update-none-counted 1 "$(cat $S/module_updates)"
		t_expect update-none-pool-given-once "$donated0" "$(cat $S/pool_donated)"
		t_expect update-none-no-mem-add "$madd0" "$(sim_calls ext_mem_add)"
		cat $S/diagnosis >"$A/update-none-diag.txt"
		has update-none-diagnosis "$A/update-none-diag.txt" \
			"the TDX module was updated since load ("
		has update-none-diagnosis-cause "$A/update-none-diag.txt" \
			"without the quoting add-on (TDH.SYS.UPDATE v0"
		has update-none-diagnosis-remedy "$A/update-none-diag.txt" \
			"remedy: boot a kernel with the patch in packaging/kernel/ (TDH.SYS.UPDATE v1"
		"$TQ" ok >"$A/update-none-ok.txt" 2>&1
		has update-none-ok "$A/update-none-ok.txt" "without the quoting add-on (TDH.SYS.UPDATE v0"
		# and stays so: the next request is refused up front
		"$TQ" get --report "$D/report.bin" --td "$TD_HANDLE" \
			-o "$D/none2.cbor" >"$A/update-none-get2.txt" 2>&1
		has update-none-stays "$A/update-none-get2.txt" "(EOPNOTSUPP)"
	fi
fi
unload

# --- busy: another SEAMCALL holds a lock (TDX_OPERAND_BUSY) ----------------
if sim_load busy-sim-load pool_pages=512; then
	# at bring-up: MEM.ADD answered busy 5 times, re-issued, loaded
	sim_ctl busy-bringup busy 5 &&
		t_run busy-bringup-load insmod "$MODDIR/tdx_ext.ko" backend=sim &&
		t_expect busy-bringup-retried 5 "$(cat $S/engine/busy)" &&
		t_expect busy-bringup-ready ready "$(cat $S/state)"
	D=$A/busy-td
	mkdir -p "$D"
	reportdata_hex 453 >"$D/reportdata.hex"
	if [ -e $S ] && sim_td busy-td 453 "$D" &&
	   sim_report busy-report "$TD_ID" "$(cat "$D/reportdata.hex")" "$D/report.bin"; then
		sim_ctl busy-3 busy 3 && quote_ok busy-3-quote
		t_expect busy-3-retried 8 "$(cat $S/engine/busy)"
		# busy beyond the driver's 16 re-issues: EBUSY, state intact
		sim_ctl busy-many busy 1000
		"$TQ" get --report "$D/report.bin" --td "$TD_HANDLE" \
			-o "$D/busy.cbor" >"$A/busy-many-get.txt" 2>&1
		t_expect busy-many-fails 1 "$?"
		has busy-many-ebusy "$A/busy-many-get.txt" "(EBUSY), TDX status 0x8000020000000000"
		t_expect busy-many-retried $((8 + 16)) "$(cat $S/engine/busy)"
		t_expect busy-many-state ready "$(cat $S/state)"
		sim_ctl busy-clear busy 0 && quote_ok busy-after
	fi
	rmmod tdx_ext 2>/dev/null
	# busy through the whole bring-up: the load fails, nothing is given
	sim_ctl busy-bringup-many busy 1000
	if drv_load backend=sim; then
		t_fail busy-bringup-fails "the driver loaded"
	else
		case "$DRV_OUT" in
		*"busy"*) t_ok busy-bringup-fails ;;
		*) t_fail busy-bringup-fails "insmod: $DRV_OUT" ;;
		esac
	fi
	unload
fi

# --- the TD handle: td 0 is a named simulator mode, refused by default ------
if sim_load td0-sim-load pool_pages=512 &&
   t_run td0-load insmod "$MODDIR/tdx_ext.ko" backend=sim; then
	D=$A/td0-td
	if sim_td td0-td 454 "$D" &&
	   sim_report td0-report "$TD_ID" "$(reportdata_hex 454)" "$D/report.bin"; then
		"$TQ" get --report "$D/report.bin" -o "$D/q.cbor" >"$A/td0-get.txt" 2>&1
		t_expect td0-refused 1 "$?"
		has td0-edestaddrreq "$A/td0-get.txt" "(EDESTADDRREQ), TDX status 0xc000010000000001"
		t_expect td0-state ready "$(cat $S/state)"
		dmesg | grep 'tdx_ext: ' >"$A/td0-dmesg.txt"
		has td0-logged "$A/td0-dmesg.txt" "TDH.QUOTE.GET refused td=0"
	fi
	unload
	if sim_load td0-wild-sim-load pool_pages=512 td_wildcard=1 &&
	   t_run td0-wild-load insmod "$MODDIR/tdx_ext.ko" backend=sim; then
		D=$A/td0-wild
		if sim_td td0-wild-td 455 "$D" &&
		   sim_report td0-wild-report "$TD_ID" "$(reportdata_hex 455)" "$D/report.bin"; then
			t_run td0-wildcard-quotes "$TQ" get --report "$D/report.bin" -o "$D/q.cbor"
		fi
	fi
fi
unload
t_expect all-unloaded "" "$(grep -E '^tdx_ext(_sim)? ' /proc/modules)"
