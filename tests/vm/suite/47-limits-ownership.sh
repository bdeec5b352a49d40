# SPDX-License-Identifier: GPL-2.0
# Issue 15, driver side: limits and ownership under faults.
# - MAX_QUOTE_SIZE out of bounds (0, above 4 GiB, just above the 64 MiB
#   cap): the driver loads, quoting is refused with a diagnosis, the quote
#   ioctl says EOPNOTSUPP, nothing leaks; the cap itself is served.
# - Reload with a complete pool and less free memory than the pool: the
#   driver asks the TDX module first and allocates nothing.
# - MEM.ADD failing part-way with an uncertain status: the pages the TDX
#   module may own are kept and counted (pool_leaked), never freed.
# - A QUOTE.GET abandoned by an earlier load: the new load says so, the
#   quote ioctl says EOPNOTSUPP, and once the TDX module lets go (a runtime
#   update) quoting works again.
. /tests/lib.sh

S=/sys/class/misc/tdx_quote
D=$SIM_DBG
A=/tmp/artifacts/limits
mkdir -p "$A"
QT=quote_test
qt() { local p=$1; shift; t_tap "$p" "$QT" "$@"; }
sim_pool() { sed -n 's/^pool_pages=//p' $D/state; }
dmesg_has() { dmesg | grep -q -- "$1"; }
# has NAME PATTERN TEXT: ok when TEXT contains PATTERN (a fixed string)
has() {
	case "$3" in
	*"$2"*) t_ok "$1" ;;
	*) t_fail "$1" "no '$2' in: $3" ;;
	esac
}

# --- MAX_QUOTE_SIZE out of bounds -------------------------------------------
# 4294971392 = 4 GiB + 4096: a u32 would make it 4096 and quoting "ready".
for v in 0 4294971392 67108865; do
	free0=$(free_pages)
	sim_load mqs-$v-sim pool_pages=512 || continue
	if sim_ctl mqs-$v-set max_quote_md "$v"; then
		dmesg -c >/dev/null
		if t_run mqs-$v-load insmod $MODDIR/tdx_ext.ko backend=sim; then
			t_expect mqs-$v-state quote-unavailable "$(cat $S/state)"
			has mqs-$v-diagnosis "MAX_QUOTE_SIZE of $v bytes is outside what tdx_ext serves (1 to 67108864 bytes)" \
				"$(cat $S/diagnosis)"
			dmesg_has "quoting unavailable: the TDX module's MAX_QUOTE_SIZE of $v bytes" &&
				t_ok mqs-$v-logged ||
				t_fail mqs-$v-logged "$(dmesg | grep tdx_ext: | tail -2)"
			t_expect mqs-$v-sysfs-size 0 "$(cat $S/max_quote_size)"
			qt mqs-$v unavailable
			t_run mqs-$v-unload rmmod tdx_ext
		fi
	fi
	t_run mqs-$v-sim-unload rmmod tdx_ext_sim
	free1=$(free_pages)
	t_pages mqs-$v-nothing-leaked $((free0 - free1)) 1024 "free pages $free0 before, $free1 after"
done
# The cap itself is served (a 64 MiB output list).
if sim_load mqs-cap-sim pool_pages=512; then
	if sim_ctl mqs-cap-set max_quote_md 67108864 &&
	   t_run mqs-cap-load insmod $MODDIR/tdx_ext.ko backend=sim; then
		t_expect mqs-cap-state ready "$(cat $S/state)"
		t_expect mqs-cap-size 67108864 "$(cat $S/max_quote_size)"
		t_run mqs-cap-unload rmmod tdx_ext
	fi
	t_run mqs-cap-sim-unload rmmod tdx_ext_sim
fi

# --- reload with the pool complete, less free memory than the pool ---------
# eat_below KB: files in /tmp/eat until MemAvailable is below KB (by at
# least 8 MiB, at most 16 fills); result reload-memory-short.
eat_below() {
	local i=0 avail
	while avail=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo) &&
	      [ "$avail" -ge $(($1 - 8192)) ]; do
		i=$((i + 1))
		if [ $i -gt 16 ] ||
		   ! dd if=/dev/zero of=/tmp/eat/f$i bs=1M \
			count=$(((avail - $1) / 1024 + 16)) 2>/dev/null; then
			t_fail reload-memory-short "MemAvailable $avail kB after $i fills, pool $1 kB"
			return 1
		fi
	done
	t_ok reload-memory-short
	echo "[test] MemAvailable $avail kB after $i fills, pool $1 kB"
}
P=32768		# 128 MiB
if sim_load reload-sim pool_pages=$P; then
	if t_run reload-first-load insmod $MODDIR/tdx_ext.ko backend=sim; then
		t_expect reload-first-donated $P "$(cat $S/pool_donated)"
		t_run reload-unload rmmod tdx_ext
		# Leave less available memory than the pool alone: fill a tmpfs
		# until MemAvailable is below it (one fill is not always enough:
		# reclaim during the fill gives some back).
		mkdir -p /tmp/eat
		if ! mount -t tmpfs -o size=90% eat /tmp/eat; then
			t_fail reload-memory-short "cannot mount a tmpfs"
		elif eat_below $((P * 4)); then
			free0=$(free_pages)
			dmesg -c >/dev/null
			if t_run reload-short insmod $MODDIR/tdx_ext.ko backend=sim; then
				free1=$(free_pages)
				t_expect reload-short-state ready "$(cat $S/state)"
				t_expect reload-short-donated 0 "$(cat $S/pool_donated)"
				t_expect reload-short-sim-pool $P "$(sim_pool)"
				dmesg_has "pool is complete already" &&
					t_ok reload-short-says ||
					t_fail reload-short-says "$(dmesg | grep tdx_ext: | tail -2)"
				t_pages reload-short-allocates-nothing $((free0 - free1)) 1024 \
					"free pages $free0 before, $free1 after"
				t_run reload-short-unload rmmod tdx_ext
			fi
		fi
		rm -f /tmp/eat/f*
		umount /tmp/eat 2>/dev/null
	fi
	t_run reload-sim-unload rmmod tdx_ext_sim
fi

# --- MEM.ADD fails part-way, ownership uncertain ----------------------------
# The simulator takes a whole 512-page list and answers TDX_SYS_SHUTDOWN
# with FIRST_ENTRY 100: entries 100-511 (412 pages) are its own, whatever
# the counter says.  The driver keeps them, asks again with one page, and
# completes the pool; a driver that freed them would have the simulator
# find its pages freed (EXT.INIT, or at its unload).
free0=$(free_pages)
if sim_load uncertain-sim pool_pages=1024; then
	if sim_ctl uncertain-set mem_add_uncertain "100 c000050600000000"; then
		dmesg -c >/dev/null
		if t_run uncertain-load insmod $MODDIR/tdx_ext.ko backend=sim; then
			t_expect uncertain-state ready "$(cat $S/state)"
			t_expect uncertain-leaked 412 "$(cat $S/pool_leaked)"
			t_expect uncertain-donated 612 "$(cat $S/pool_donated)"
			t_expect uncertain-sim-pool 1024 "$(sim_pool)"
			dmesg_has "leaving unknown whether the TDX module kept 412 of its pages" &&
				t_ok uncertain-logged ||
				t_fail uncertain-logged "$(dmesg | grep tdx_ext: | tail -3)"
			t_run uncertain-unload rmmod tdx_ext
		fi
	fi
	dmesg -c >/dev/null
	t_run uncertain-sim-unload rmmod tdx_ext_sim
	dmesg_has "freed by the host" &&
		t_fail uncertain-none-freed "$(dmesg | grep 'freed by the host')" ||
		t_ok uncertain-none-freed
fi
free1=$(free_pages)
# The simulator gave back its whole pool, the leaked pages included.
t_pages uncertain-nothing-else-leaked $((free0 - free1)) 1024 \
	"free pages $free0 before, $free1 after"

# --- a QUOTE.GET abandoned by an earlier load -------------------------------
sim_stat() { sed -n "s/^$1 .*$2=\([0-9]*\).*/\1/p" "$SIM_DBG/stats" 2>/dev/null | head -1; }
# poll NAME SECONDS CMD...: a quote request (which may retry recovery),
# then CMD, every 50 ms until CMD succeeds; fails NAME after SECONDS.
poll() {
	local name=$1 secs=$2 n=$(($2 * 20))
	shift 2
	until $QT unavailable >/dev/null 2>&1; "$@"; do
		n=$((n - 1))
		if [ $n -le 0 ]; then
			t_fail "$name" "'$*' still false after $secs s"
			return 1
		fi
		usleep 50000
	done
}
quote_init_since() { [ "$(sim_stat quote_init calls)" -gt "$1" ]; }
state_is() { [ "$(cat $S/state)" = "$1" ]; }
if sim_load held-sim pool_pages=512; then
	d=$A/td
	if sim_td held-td 7 "$d" &&
	   rd=$(reportdata_hex 7) &&
	   sim_report held-report "$TD_ID" "$rd" "$d/report.bin" &&
	   t_run held-load-1 insmod $MODDIR/tdx_ext.ko backend=sim timeout=1; then
		H=$TD_HANDLE
		if sim_ctl held-stall stall_quote_get 1; then
			qt held expect abandoned-etimedout --report "$d/report.bin" \
				--td "$H" --errno ETIMEDOUT --max-seconds 3
			# The caller is gone; the driver goes, its call stays.
			t_run held-unload-1 rmmod tdx_ext
			sim_ctl held-stall-clear stall_quote_get 0
			t_expect held-sim-pending 1 "$(sed -n 's/^quote_job_active=//p' $D/state)"
			dmesg -c >/dev/null
			if t_run held-load-2 insmod $MODDIR/tdx_ext.ko backend=sim timeout=1; then
				t_expect held-state quote-unavailable "$(cat $S/state)"
				has held-diagnosis "an earlier load of tdx_ext left pending" \
					"$(cat $S/diagnosis)"
				dmesg_has "quoting unavailable: the TDX module holds a TDH.QUOTE.GET" &&
					t_ok held-logged ||
					t_fail held-logged "$(dmesg | grep tdx_ext: | tail -2)"
				# Quote requests retry at most once a second: ask
				# until the simulator saw TDH.QUOTE.INIT again.
				qi=$(sim_stat quote_init calls)
				if poll held-retried 10 quote_init_since "$qi"; then
					qt held unavailable
					t_expect held-still-unavailable quote-unavailable "$(cat $S/state)"
				fi
				# The TDX module lets go: a runtime update drops it.
				if sim_ctl held-release runtime_update quote &&
				   poll held-recovered 10 state_is ready; then
					qt held expect released-quote --report "$d/report.bin" \
						--td "$H" --errno success
					t_expect held-released-state ready "$(cat $S/state)"
					t_expect held-released-diagnosis none "$(cat $S/diagnosis)"
				fi
				t_run held-unload-2 rmmod tdx_ext
			fi
		else
			t_run held-unload-1 rmmod tdx_ext
		fi
	fi
	t_run held-sim-unload rmmod tdx_ext_sim
fi
t_expect all-unloaded "" "$(grep -E '^tdx_ext(_sim)? ' /proc/modules)"
