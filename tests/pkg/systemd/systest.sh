#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the Debian 13 system tests/pkg/systemd-vm.sh boots (systemd as PID 1,
# udev, the project's .debs installed with apt, the modules DKMS built):
# the packaged units and udev rule at work.  Each check is one result on
# the second UART ("ok systemd/NAME", "not ok systemd/NAME # why"):
#
#   load              modprobe tdx_ext_sim, modprobe tdx_ext backend=sim
#   udev-group        /dev/tdx_quote root:tdx-quote 0660 (the udev rule)
#   socket-enable     systemctl enable --now tdx-qgsd.socket
#   socket-mode       /run/tdx-qgs/qgs.socket root:tdx-quote 0660
#   quote             a GET_QUOTE_REQ from a user in group tdx-quote (the
#                     daemon socket-activated) gets a quote that verifies
#                     against the simulator's root (--profile
#                     tdx-ext-simulator) with the TD's REPORTDATA
#   other-user-denied a user not in the group cannot connect (EACCES)
#   restart           systemctl restart tdx-qgsd: the socket stays, the
#                     next request succeeds
#   stop-activate     systemctl stop tdx-qgsd: the next request starts it
#   driver-reload     rmmod tdx_ext under the running daemon, modprobe it
#                     again: the next request succeeds
#   late-driver       the daemon started before the driver is loaded:
#                     once it is, a request succeeds
#   security          systemd-analyze security tdx-qgsd: the exposure
#                     score (a "# " line for the host), at most MAX_EXPOSURE
#
# Run as root by tdx-systest.service; writes BOOTED first and DONE last.

export TDX_RESULT=/dev/ttyS1
export T_PREFIX=systemd
# shellcheck source=../../vm/guest/lib.sh
. /usr/local/lib/tdx-systest/lib.sh

SOCK=/run/tdx-qgs/qgs.socket
W=/var/tmp/tdx-systest
USER_IN=qgsuser		# in group tdx-quote (made by systemd-vm.sh)
USER_OUT=qgsother	# not
MAX_EXPOSURE=3.0

echo "BOOTED $(uname -r) $(cut -d' ' -f1 /proc/uptime)" >"$TDX_RESULT"
rm -rf "$W"
mkdir -p "$W"
chown "$USER_IN" "$W"

journal() { journalctl -q -b -u tdx-qgsd --no-pager -n 3 -o cat 2>/dev/null | tr '\n' '|'; }

# A QGS request names no TD, so the daemon passes td 0: only the
# simulator's td_wildcard mode takes it (tests/vm/suite/70-qgsd.sh).
load() {
	modprobe tdx_ext_sim td_wildcard=1 && modprobe tdx_ext backend=sim &&
		udevadm settle -t 30
}

# td SEED: a fresh TD of the simulator, its TDREPORT and the simulator's
# root (both change when the simulator is reloaded).
td() {
	sim_td "td-$1" "$1" "$W/td$1" >/dev/null || return 1
	RD=$(reportdata_hex "$1")
	sim_report "report-$1" "$TD_ID" "$RD" "$W/td$1/report.bin" >/dev/null || return 1
	cp "$W/td$1/report.bin" "$W/report.bin" && chmod a+r "$W/report.bin" &&
		cat "$SIM_DBG/root_cert.pem" >"$W/root.pem"
}

# request NAME USER: one GET_QUOTE_REQ as USER; the quote verified.
# Succeeds or fails NAME with the reason (and the daemon's last words).
request() {
	local out q=$W/$1.cbor rc
	rm -f "$q"
	out=$(runuser -u "$2" -- qgs_client --unix "$SOCK" --timeout 60 get \
		--report "$W/report.bin" -o "$q" --name get 2>&1)
	rc=$?
	if [ $rc != 0 ] || grep -q '^not ok' <<<"$out" || [ ! -s "$q" ]; then
		t_fail "$1" "request as $2: $(grep -v '^ok' <<<"$out" | tail -2 | tr '\n' ' ') daemon: $(journal)"
		return 1
	fi
	if ! out=$(tdx-quote verify "$q" --root "$W/root.pem" \
			--profile tdx-ext-simulator --report-data "$RD" 2>&1); then
		t_fail "$1" "tdx-quote verify: $(tail -2 <<<"$out" | tr '\n' ' ')"
		return 1
	fi
	t_ok "$1"
}

active() { [ "$(systemctl is-active tdx-qgsd.service)" = active ]; }

# --- units, driver, udev -----------------------------------------------------
t_run load load
t_expect udev-group "root:tdx-quote 660" "$(stat -c '%U:%G %a' /dev/tdx_quote 2>&1)"
td 1

# --- the socket, a quote through it -------------------------------------------
t_run socket-enable systemctl enable --now tdx-qgsd.socket
t_expect socket-mode "root:tdx-quote 660 socket" \
	"$(stat -c '%U:%G %a %F' "$SOCK" 2>&1)"
request quote "$USER_IN"
if out=$(runuser -u "$USER_OUT" -- qgs_client --unix "$SOCK" --timeout 10 get \
		--report "$W/report.bin" -o "$W/other.cbor" --name get 2>&1); then
	t_fail other-user-denied "$USER_OUT, not in tdx-quote, got a reply"
elif grep -q 'connect: Permission denied' <<<"$out"; then
	t_ok other-user-denied
else
	t_fail other-user-denied "$USER_OUT: not the EACCES of connect: $(tail -2 <<<"$out" | tr '\n' ' ')"
fi

# --- restart, stop: the socket stays ------------------------------------------
if ! systemctl restart tdx-qgsd.service; then
	t_fail restart "systemctl restart tdx-qgsd failed: $(journal)"
elif [ ! -S "$SOCK" ]; then
	t_fail restart "$SOCK gone after the restart: $(find /run/tdx-qgs 2>&1 | tr '\n' ' ')"
else
	request restart "$USER_IN"
fi
systemctl stop tdx-qgsd.service
if [ ! -S "$SOCK" ]; then
	t_fail stop-activate "$SOCK gone after systemctl stop tdx-qgsd"
else
	request stop-activate "$USER_IN"
fi

# --- the driver reloaded under the running daemon ----------------------------
active || systemctl start tdx-qgsd.service
if ! out=$(rmmod tdx_ext 2>&1); then
	t_fail driver-reload "rmmod tdx_ext under the running daemon: $out"
elif ! out=$(modprobe tdx_ext backend=sim 2>&1 && udevadm settle -t 30); then
	t_fail driver-reload "modprobe tdx_ext again: $out"
else
	request driver-reload "$USER_IN"
fi

# --- the daemon started before the driver ------------------------------------
systemctl stop tdx-qgsd.service
if ! out=$({ rmmod tdx_ext; rmmod tdx_ext_sim; } 2>&1) || [ -e /dev/tdx_quote ]; then
	t_fail late-driver "cannot unload the driver with the daemon stopped: $out"
elif ! systemctl start tdx-qgsd.service || ! active; then
	t_fail late-driver "tdx-qgsd does not start without the driver: $(journal)"
elif ! out=$(load 2>&1); then
	t_fail late-driver "loading the driver: $out"
elif td 2; then
	request late-driver "$USER_IN"
else
	t_fail late-driver "no TD after reloading the simulator"
fi

# --- the security score --------------------------------------------------------
out=$(systemd-analyze security --no-pager tdx-qgsd.service 2>&1)
echo "$out"
score=$(sed -n 's/.*Overall exposure level for tdx-qgsd.service: \([0-9.]*\).*/\1/p' <<<"$out")
verdict=$(sed -n 's/.*Overall exposure level for tdx-qgsd.service: [0-9.]* \(.*\)/\1/p' <<<"$out" |
	sed 's/\x1b\[[0-9;]*m//g')
if [ -z "$score" ]; then
	t_fail security "no score from systemd-analyze security: $(tail -2 <<<"$out" | tr '\n' ' ')"
else
	echo "# systemd-analyze security tdx-qgsd.service: $score $verdict" >"$TDX_RESULT"
	if awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s <= m) }'; then
		t_ok security
	else
		t_fail security "exposure $score $verdict, more than $MAX_EXPOSURE"
	fi
fi

echo "DONE $(cut -d' ' -f1 /proc/uptime)" >"$TDX_RESULT"
