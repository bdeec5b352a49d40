# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the tdx-ext test scripts.  Sourced, not executed.

TDX_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Build products and logs; outside the source tree so that several kernels
# can be built side by side.  The debug kernel is cached in TDX_CACHE.
: "${TDX_STATE:=$TDX_TOP/.build}"
: "${TDX_CACHE:=/var/cache/tdx-ext}"
mkdir -p "$TDX_STATE"

log()  { printf '[%s] %s\n' "${TDX_LOG_TAG:-tdx-ext}" "$*" >&2; }
warn() { printf '[%s] warning: %s\n' "${TDX_LOG_TAG:-tdx-ext}" "$*" >&2; }
# Exit code 2 means "the harness could not run", as opposed to 1, "a test failed".
die_setup() { printf '[%s] setup error: %s\n' "${TDX_LOG_TAG:-tdx-ext}" "$*" >&2; exit 2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }

# Test results: "PASS name" or "FAIL name: reason" on stdout, counted in
# npass/nfail, and appended to $results when a script sets it.
results=${results:-}
npass=0
nfail=0
res() {	# PASS|FAIL name [reason]
	local line
	if [ "$1" = PASS ]; then
		line="PASS $2"
		npass=$((npass + 1))
	else
		line="FAIL $2: ${3:-}"
		nfail=$((nfail + 1))
	fi
	echo "$line"
	[ -n "$results" ] && echo "$line" >>"$results"
	return 0
}

# check NAME CMD...: PASS when CMD succeeds; FAIL quotes its output.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		res PASS "$name"
	else
		res FAIL "$name" "'$*': $(echo "$out" | tail -3 | tr '\n' ' ')"
	fi
}

# tail_of FILE: a short reason from the end of a log.
tail_of() { tail -4 "$1" 2>/dev/null | tr '\n' ' ' | cut -c1-400; }

# root_kdir ROOT KVER: the build tree of KVER in the Debian root ROOT, as a
# path on this machine.  Debian's /lib/modules/KVER/build link is absolute
# up to 6.12 and relative on 7.x: both are meant for inside the root.
root_kdir() {
	local l
	l=$(readlink "$1/lib/modules/$2/build") || return 1
	case "$l" in
	/*) echo "$1$l" ;;
	*) (cd "$1/lib/modules/$2/build" && pwd -P) ;;
	esac
}

# ko_cat FILE: a kernel module, decompressed when it is .ko.xz, .ko.zst or
# .ko.gz (as DKMS and Debian install them).
ko_cat() {
	case "$1" in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -qdc "$1" ;;
	*.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac
}

# booted_is_dkms PREFIX DIR KERNEL: the modules tests/vm/run.sh booted for
# KERNEL ($TDX_STATE/KERNEL/mod) are the ones DKMS installed in DIR.
booted_is_dkms() {
	local m f
	for m in tdx_ext tdx_ext_sim; do
		f=$(compgen -G "$2/$m.ko*" | head -1)
		if [ -n "$f" ] && cmp -s <(ko_cat "$f") "$TDX_STATE/$3/mod/$m.ko"; then
			res PASS "$1/$3/booted-dkms-$m"
		else
			res FAIL "$1/$3/booted-dkms-$m" "$TDX_STATE/$3/mod/$m.ko is not DKMS's ${f:-<none>}"
		fi
	done
}
