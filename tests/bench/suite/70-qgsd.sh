# SPDX-License-Identifier: GPL-2.0
# Benchmark: a quote through tdx-qgsd (UNIX socket, one connection per
# request, GET_QUOTE_REQ framing) against the same quote by a direct ioctl
# (GET_INFO + GET_QUOTE, as the daemon's worker does), with 1 and 16
# clients, REPS times.  Raw lines for tests/bench/summary.py, one per
# repetition:
#   qgsd_latency_ratio_tcg      daemon median / direct median, 1 client
#   engine_throughput_ratio_16  direct quotes/s with 16 clients / with 1
#                               (the engine under a queue of 16 against
#                               one request at a time)
# and a "qgsd ..." detail line per repetition and client count.
. /tests/lib.sh

A=/tmp/bench-qgsd
SOCK=/run/tdx-qgs/qgs.socket
LOG=/tmp/bench-qgsd.log
REPS=5
N1=40		# requests per client with 1 client
N16=10		# ... with 16
mkdir -p "$A"
bench() { echo "# BENCH $*" >"$TDX_RESULT"; echo "[bench] $*"; }

# field NAME LINE: the value of NAME=... in a qgs_client figure line
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "?" }'; }

# run_one MODE CLIENTS REQUESTS: the figure line of qgs_client
run_one() {
	local out
	if [ "$1" = direct ]; then
		out=$(qgs_client direct --clients "$2" --requests "$3" --report "$A/td/report.bin")
	else
		out=$(qgs_client --unix "$SOCK" concurrent --clients "$2" \
			--requests "$3" --report "$A/td/report.bin" --name daemon)
	fi
	echo "$out" | grep -q '^ok ' || { t_fail "bench-$1-$2" "$(echo "$out" | head -2 | tr '\n' ' ')"; return 1; }
	echo "$out" | grep '^# ' | head -1
}

insmod "$MODDIR/tdx_ext_sim.ko" seed=7171 td_wildcard=1 || { t_fail bench-qgsd-load "insmod sim"; exit 0; }
insmod "$MODDIR/tdx_ext.ko" backend=sim || { t_fail bench-qgsd-load "insmod tdx_ext"; rmmod tdx_ext_sim; exit 0; }
sim_td bench-td 71 "$A/td" >/dev/null &&
	sim_report bench-report "$TD_ID" "$(reportdata_hex 71)" "$A/td/report.bin" >/dev/null
tdx-qgsd --foreground --config /dev/null --vsock-port none >"$LOG" 2>&1 &
DPID=$!
i=0
until grep -q 'tdx-qgsd ready' "$LOG"; do
	i=$((i + 1))
	[ $i -lt 300 ] || { t_fail bench-qgsd-start "$(tail -2 "$LOG")"; break; }
	sleep 0.1
done

# A warm-up request each way, then the measurements.
run_one direct 1 2 >/dev/null
run_one daemon 1 2 >/dev/null
for rep in $(seq $REPS); do
	per1=
	for c in 1 16; do
		n=$N1
		[ $c = 1 ] || n=$N16
		d=$(run_one direct $c $n) || continue
		q=$(run_one daemon $c $n) || continue
		bench "qgsd rep=$rep clients=$c requests=$((c * n)) direct_avg_us=$(field avg_us "$d") daemon_avg_us=$(field avg_us "$q") direct_p50_us=$(field p50_us "$d") daemon_p50_us=$(field p50_us "$q") direct_per_s=$(field per_s "$d") daemon_per_s=$(field per_s "$q") throughput_ratio=$(ratio "$(field per_s "$q")" "$(field per_s "$d")")"
		if [ $c = 1 ]; then
			per1=$(field per_s "$d")
			bench "raw qgsd_latency_ratio_tcg $(ratio "$(field p50_us "$q")" "$(field p50_us "$d")") direct_p50_us=$(field p50_us "$d") daemon_p50_us=$(field p50_us "$q")"
		elif [ -n "$per1" ]; then
			bench "raw engine_throughput_ratio_16 $(ratio "$(field per_s "$d")" "$per1") direct_per_s_16=$(field per_s "$d") direct_per_s_1=$per1"
		fi
	done
done
kill "$DPID"
wait "$DPID"
rmmod tdx_ext
rmmod tdx_ext_sim
t_ok bench-qgsd-complete
