# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest-side tests, sourced by each /tests/NN-*.sh.
# A result is one line on the verdict channel: "ok NAME" or
# "not ok NAME # REASON".  The host counts them.

: "${TDX_RESULT:=/dev/stdout}"
T_PREFIX=${T_PREFIX:-$(basename "$0" .sh | sed 's/^[0-9]*-//')}

t_ok()   { echo "ok $T_PREFIX/$1" >"$TDX_RESULT"; echo "[test] ok $T_PREFIX/$1"; }
t_fail() { echo "not ok $T_PREFIX/$1 # $2" >"$TDX_RESULT"; echo "[test] not ok $T_PREFIX/$1 # $2"; }

# t_run NAME CMD...: ok when CMD exits 0; the reason quotes its output.
t_run() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		t_ok "$name"
	else
		t_fail "$name" "'$*' failed: $(echo "$out" | tail -3 | tr '\n' ' ')"
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
