# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest-side tests, sourced by each /tests/NN-*.sh.
# A result is one line on the verdict channel: "ok NAME" or
# "not ok NAME # REASON".  The host counts them.

: "${TDX_RESULT:=/dev/stdout}"
T_PREFIX=${T_PREFIX:-$(basename "$0" .sh | sed 's/^[0-9]*-//')}

t_ok()   { echo "ok $T_PREFIX/$1" >"$TDX_RESULT"; echo "[test] ok $T_PREFIX/$1"; }
t_fail() { echo "not ok $T_PREFIX/$1 # $2" >"$TDX_RESULT"; echo "[test] not ok $T_PREFIX/$1 # $2"; }

# t_run NAME CMD...: ok when CMD exits 0; the reason quotes its output.
# Returns CMD's success, so that a test can stop when a step failed.
t_run() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		t_ok "$name"
	else
		t_fail "$name" "'$*' failed: $(echo "$out" | tail -3 | tr '\n' ' ')"
		return 1
	fi
}

# t_expect NAME EXPECTED ACTUAL
t_expect() {
	if [ "$2" = "$3" ]; then
		t_ok "$1"
	else
		t_fail "$1" "expected '$2', got '$3'"
	fi
}

MODDIR=/lib/tdx/modules

# t_at_poweroff NAME REGEX: the console must show REGEX once /init powers
# the VM off (what only the kernel's shutdown path prints, e.g. a reboot
# notifier); the host judges it after the boot as at-poweroff/NAME.
t_at_poweroff() {
	echo "AT_POWEROFF $T_PREFIX/$1 $2" >"$TDX_RESULT"
}

# --- artifacts: files for the host-side checks (tests/vm/host/*.sh) ---------
# t_artifact NAME FILE: send FILE on the artifact channel (third UART) as
# "BEGIN NAME", base64 lines, "END NAME"; the host decodes it into
# artifacts/NAME.  NAME: letters, digits, ".", "_", "-", "/".
: "${TDX_ARTIFACT:=/dev/ttyS2}"
t_artifact() {
	local err
	case "$1" in
	''|/*|*..*|*[!A-Za-z0-9._/-]*)
		t_fail "artifact/$1" "bad artifact name '$1'"
		return 1
		;;
	esac
	if [ ! -f "$2" ]; then
		t_fail "artifact/$1" "no file $2"
		return 1
	fi
	if ! err=$({ { echo "BEGIN $1"; base64 "$2"; echo "END $1"; } >"$TDX_ARTIFACT"; } 2>&1); then
		t_fail "artifact/$1" "writing to $TDX_ARTIFACT failed: $err"
		return 1
	fi
}

# t_send_quote NAME DIR: DIR/quote.cbor with what the host needs to check it
# (report.bin, root_cert.pem, measurements.txt, reportdata.hex; see
# tests/vm/host/sim-quote.sh) go to the host as NAME/.  A directory without
# a quote sends nothing: the tests that made it have failed already.
t_send_quote() {
	local f
	[ -s "$2/quote.cbor" ] || return 0
	for f in quote.cbor report.bin root_cert.pem measurements.txt reportdata.hex; do
		t_artifact "$1/$f" "$2/$f" || return 1
	done
}

# t_tap PREFIX PROG ARGS...: run a test program (quote_test, qgs_client)
# that prints "ok NAME", "not ok NAME # WHY" and "# figure" lines; relay
# its results as PREFIX/NAME and its figures to the host.  A run that fails
# without saying why (a crash) fails PREFIX/exit.  Returns PROG's status.
t_tap() {
	local p=$1 prog=$2 out=/tmp/t_tap.out err=/tmp/t_tap.err line rc n=0 fails=0
	shift 2
	"$prog" "$@" >"$out" 2>"$err"
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok "*) t_ok "$p/${line#ok }"; n=$((n + 1)) ;;
		"not ok "*)
			line=${line#not ok }
			case "$line" in
			*" # "*) t_fail "$p/${line%% # *}" "${line#* # } $(head -3 "$err" | tr '\n' ' ')" ;;
			*) t_fail "$p/$line" "failed: $(head -3 "$err" | tr '\n' ' ')" ;;
			esac
			n=$((n + 1))
			fails=1
			;;
		"# "*) echo "$line" >"$TDX_RESULT"; echo "[test] $line" ;;
		esac
	done <"$out"
	if [ $rc != 0 ] && [ $fails = 0 ]; then
		t_fail "$p/exit" "$prog $1 exited $rc after $n results: $(tail -2 "$err" | tr '\n' ' ')"
	elif [ $n = 0 ]; then
		t_fail "$p/exit" "$prog $1 printed no result"
	fi
	return $rc
}

# --- the simulator (tdx_ext_sim) and its test driver (tdx_ext_simtest) ------
SIM_DBG=/sys/kernel/debug/tdx_ext_sim
ST_DBG=/sys/kernel/debug/tdx_ext_simtest

# hexbytes SEED N: N bytes as hex digits, a pattern fixed by SEED.
hexbytes() {
	awk -v s="$1" -v n="$2" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "%02x", (s * 131 + i * 29 + int(i * i / 3)) % 256
		print ""
	}'
}

# td_measurements SEED: every td_create field as key=hex lines, each field
# its own hexbytes pattern (seed SEED * 16 + field number).
td_measurements() {
	awk -v s="$1" 'BEGIN {
		n = split("mrtd mrconfigid mrowner mrownerconfig rtmr0 rtmr1 rtmr2 rtmr3 servtd_hash attributes xfam", f, " ")
		for (k = 1; k <= n; k++) {
			len = k <= 9 ? 48 : 8
			seed = s * 16 + (k <= 9 ? k : k + 4)
			printf "%s=", f[k]
			for (i = 0; i < len; i++)
				printf "%02x", (seed * 131 + i * 29 + int(i * i / 3)) % 256
			print ""
		}
	}'
}

# reportdata_hex SEED: 64 bytes (128 hex digits) mixing 00, ff, newline,
# CR, space and high bytes with a pattern.
reportdata_hex() {
	awk -v s="$1" 'BEGIN {
		split("00 ff 0a 0d 20 80 7f 01", sp, " ")
		for (i = 0; i < 64; i++)
			if (i < 8) printf "%s", sp[i + 1]
			else printf "%02x", (s * 97 + i * 53) % 256
		print ""
	}'
}

# hexat FILE OFFSET COUNT: COUNT bytes of FILE at OFFSET as hex digits.
hexat() {
	dd if="$1" bs=1 skip="$2" count="$3" 2>/dev/null | od -An -v -tx1 | tr -d ' \n'
}

# le64 VALUE: VALUE (e.g. 0x1234) as 8 little-endian bytes on stdout
# (octal escapes computed by the shell: no fork per byte).
le64() {
	local v=$(($1)) i=0 b out=
	while [ $i -lt 8 ]; do
		b=$(((v >> (i * 8)) & 255))
		out="$out\\$((b >> 6))$(((b >> 3) & 7))$((b & 7))"
		i=$((i + 1))
	done
	printf "$out"
}

# sim_param NAME: a load parameter of the simulator.
sim_param() { cat "/sys/module/tdx_ext_sim/parameters/$1" 2>/dev/null; }
# sim_state KEY: a key=value line of the simulator's debugfs state.
sim_state() { sed -n "s/^$1=//p" "$SIM_DBG/state" 2>/dev/null | head -1; }
# st_info KEY: a key=value line of tdx_ext_simtest's info file.
st_info() { sed -n "s/^$1=//p" "$ST_DBG/info" 2>/dev/null | head -1; }

# sim_load NAME [PARAM=VALUE]...: insmod the simulator; result NAME.
sim_load() {
	local name=$1
	shift
	t_run "$name" insmod "$MODDIR/tdx_ext_sim.ko" "$@" || return 1
	if [ ! -d "$SIM_DBG" ]; then
		t_fail "$name-debugfs" "$SIM_DBG missing"
		return 1
	fi
}

# sim_ctl NAME FILE VALUE: write VALUE to a simulator control file; a
# result (NAME) only when that fails.
sim_ctl() {
	local err
	if err=$({ printf '%s\n' "$3" >"$SIM_DBG/$2"; } 2>&1); then
		return 0
	fi
	t_fail "$1" "writing '$3' to $SIM_DBG/$2 failed: ${err:-error}"
	return 1
}

# sim_td NAME SEED DIR: create a TD whose measurements (every td_create
# field) derive from SEED; writes them to DIR/measurements.txt as key=hex
# lines and sets TD_ID and TD_HANDLE.
sim_td() {
	local name=$1 seed=$2 dir=$3 err
	mkdir -p "$dir"
	td_measurements "$seed" >"$dir/measurements.txt"
	if ! err=$({ tr '\n' ' ' <"$dir/measurements.txt" >"$SIM_DBG/td_create"; } 2>&1); then
		t_fail "$name" "td_create: ${err:-write failed}"
		return 1
	fi
	TD_ID=$(cat "$SIM_DBG/td_create" 2>/dev/null)
	TD_HANDLE=$(cat "$SIM_DBG/tds/$TD_ID/handle" 2>/dev/null)
	case "$TD_HANDLE" in
	0x[0-9a-fA-F]*) ;;
	*)
		t_fail "$name" "TD id '$TD_ID': handle '$TD_HANDLE' (want 0x...)"
		return 1
		;;
	esac
	echo "$TD_HANDLE" >"$dir/handle"
	t_ok "$name"
}

# sim_report NAME ID RDHEX OUT: write REPORTDATA (hex) to the TD's report
# file and read its 1024-byte TDREPORT back from the same open file into
# OUT; checks the size, REPORTDATA and MRTD (from the TD's measurements.txt
# in OUT's directory).
sim_report() {
	local name=$1 f="$SIM_DBG/tds/$2/report" n mrtd
	if ! exec 3<>"$f"; then
		t_fail "$name" "cannot open $f"
		return 1
	fi
	if ! printf '%s' "$3" >&3; then
		exec 3>&-
		t_fail "$name" "writing REPORTDATA to $f failed"
		return 1
	fi
	cat <&3 >"$4"
	exec 3>&-
	n=$(($(wc -c <"$4")))
	if [ "$n" != 1024 ]; then
		t_fail "$name" "read $n bytes of TDREPORT from $f, expected 1024"
		return 1
	fi
	if [ "$(hexat "$4" 128 64)" != "$3" ]; then
		t_fail "$name" "REPORTDATA at offset 128 is $(hexat "$4" 128 64), wrote $3"
		return 1
	fi
	mrtd=$(sed -n 's/^mrtd=//p' "$(dirname "$4")/measurements.txt")
	if [ "$(hexat "$4" 528 48)" != "$mrtd" ]; then
		t_fail "$name" "MRTD at offset 528 is $(hexat "$4" 528 48), expected $mrtd"
		return 1
	fi
	t_ok "$name"
}

# sim_tds DIR: two TDs with distinct measurements and a report each, for
# REPORTDATA of their own: DIR/{measurements.txt,handle,reportdata.hex,
# report.bin} for the first, DIR/td2/... for the second.
sim_tds() {
	local d=$1 rd
	sim_td td1-create 1 "$d" || return 1
	TD1_ID=$TD_ID
	rd=$(reportdata_hex 1)
	echo "$rd" >"$d/reportdata.hex"
	sim_report td1-report "$TD1_ID" "$rd" "$d/report.bin" || return 1
	sim_td td2-create 2 "$d/td2" || return 1
	TD2_ID=$TD_ID
	rd=$(reportdata_hex 2)
	echo "$rd" >"$d/td2/reportdata.hex"
	sim_report td2-report "$TD2_ID" "$rd" "$d/td2/report.bin"
}

# Each resumable loop of tdx_ext_simtest gives up after this long (the
# module's own default is 60 s): a simulator that never finishes a call
# then costs 20 s per module load, within the host's limit per boot.  A
# working simulator needs well under a second per loop, even on the debug
# kernel under TCG.
ST_LOOP_TIMEOUT_MS=20000

# st_load NAME [PARAM=VALUE]...: insmod tdx_ext_simtest; on failure the
# reason quotes the kernel's last word about it.
st_load() {
	local name=$1 out
	shift
	if out=$(insmod "$MODDIR/tdx_ext_simtest.ko" loop_timeout_ms=$ST_LOOP_TIMEOUT_MS "$@" 2>&1); then
		t_ok "$name"
		return 0
	fi
	t_fail "$name" "insmod tdx_ext_simtest: $(echo "$out" | tail -1 | tr -d '\n'); kernel: $(dmesg | grep 'tdx_ext_simtest:' | tail -1 | sed 's/^\[[^]]*\] *//')"
	return 1
}

# st_reports DIR: hand both TDs' handles and reports (sim_tds) to simtest.
st_reports() {
	local err
	if ! err=$({ { le64 "$(cat "$1/handle")"; cat "$1/report.bin"; } >"$ST_DBG/report"; } 2>&1) ||
	   ! err=$({ { le64 "$(cat "$1/td2/handle")"; cat "$1/td2/report.bin"; } >"$ST_DBG/report2"; } 2>&1); then
		t_fail reports-to-simtest "${err:-write failed}"
		return 1
	fi
	t_expect reports-to-simtest "1032 1032" "$(st_info report_len) $(st_info report2_len)"
}

# st_run GROUP [KEY=VALUE]...: run a simtest group, copy its new result
# lines to the verdict channel.  Returns 1 if one of them failed.
st_run() {
	local tag=$1 a n0 line err fails=0 new=/tmp/st_run.new
	for a in "$@"; do
		case "$a" in tag=*) tag=${a#tag=} ;; esac
	done
	n0=$(($(wc -l <"$ST_DBG/results")))
	if ! err=$({ echo "$*" >"$ST_DBG/run"; } 2>&1); then
		t_fail "$tag/run" "writing '$*' to $ST_DBG/run failed: ${err:-error} (see the console)"
		return 1
	fi
	tail -n +$((n0 + 1)) "$ST_DBG/results" >"$new"
	if [ ! -s "$new" ]; then
		t_fail "$tag/results" "group '$1' produced no result lines"
		return 1
	fi
	while IFS= read -r line; do
		case "$line" in
		"ok "*) t_ok "${line#ok }" ;;
		"not ok "*)
			line=${line#not ok }
			t_fail "${line%% # *}" "${line#* # }"
			fails=1
			;;
		esac
	done <"$new"
	return $fails
}

# Free pages, counting those parked in per-CPU lists (which nr_free_pages
# leaves out, and which would make before/after comparisons noisy).
free_pages() {
	awk '/^nr_free_pages / { f = $2 } END { print f }' /proc/vmstat |
		{ read -r f; echo $((f + $(awk '$1 == "count:" { s += $2 } END { print s + 0 }' /proc/zoneinfo))); }
}

# t_pages NAME LOST LIMIT REASON: pass when fewer than LIMIT pages were lost.
# Not judged under KASAN, whose quarantine holds freed memory back (there,
# kmemleak watches the slab; these checks run on the Debian kernels).
# KASAN's quarantine holds freed pages back: page counts are not judged
# there.  /proc/kallsyms, not dmesg, which suites clear with dmesg -c.
t_kasan() {
	grep -q ' kasan_report$' /proc/kallsyms 2>/dev/null ||
		dmesg | grep -q 'KernelAddressSanitizer initialized'
}

t_pages() {
	if t_kasan; then
		echo "[test] $T_PREFIX/$1: not judged under KASAN (lost $2 pages)"
	elif [ "$2" -lt "$3" ]; then
		t_ok "$1"
	else
		t_fail "$1" "$2 pages lost (limit $3): $4"
	fi
}
