#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The packages on Debian 13, in the trixie build root (tests/vm/debroot.sh),
# which has trixie's 6.12 kernel and trixie-backports' 7.x kernel with their
# headers, as a Debian 13 host would.  In order:
#
#   1. make deb in the root: the .debs are built there, against Debian 13's
#      libraries, so their Depends are Debian 13's
#   2. apt-get install of both .debs resolves in the root; DKMS built and
#      installed tdx_ext.ko and tdx_ext_sim.ko for both kernels (dkms
#      status, the files under updates/dkms, their vermagic and version);
#      the packaged tdx-quote runs there
#   3. the modules DKMS built for the backports kernel, booted in QEMU with
#      that kernel's Debian image (tests/vm/run.sh --modules): backend=sim,
#      a quote verified in the guest and on the host
#   4. the root as a real system (tests/pkg/systemd-vm.sh): an overlay of
#      it booted in QEMU with trixie's 6.12, systemd as PID 1 and udev; the
#      packaged units, udev rule and DKMS-built modules at work (a quote
#      from a tdx-quote user through tdx-qgsd.socket, restarts, the driver
#      reloaded and loaded late, the units' security score)
#   5. apt-get purge: nothing of them left in the root
#
# Whatever a previous run left in the root is purged first.
#
#   tests/pkg/debian13.sh [--results FILE] [--no-vm]
#
# Prints "PASS deb13/NAME" / "FAIL deb13/NAME: reason" and ends with "deb13:
# N passed, M failed"; the VMs' results (deb13/trixie-bpo/NAME,
# deb13/systemd/NAME) are counted on tests/vm/run.sh's and systemd-vm.sh's
# own lines.

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TDX_LOG_TAG=deb13
. "$here/../vm/lib.sh"

results=
vm=1
while [ $# -gt 0 ]; do
	case "$1" in
	--results) results=$2; shift ;;
	--no-vm) vm=0 ;;
	-h|--help) sed -n '3,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die_setup "unknown argument '$1'" ;;
	esac
	shift
done

[ "$(id -u)" = 0 ] || die_setup "the Debian 13 packaging test must run as root"
envs=$("$here/../vm/debroot.sh" trixie) || exit 2
eval "$envs"
R=$ROOT_TRIXIE
KERNELS=("trixie $KVER_TRIXIE" "trixie-bpo $KVER_TRIXIE_BPO")
in_root() { "$here/../vm/debroot.sh" --run trixie "$@"; }

NAME=tdx-ext
PKGS=(tdx-ext-tools tdx-ext-dkms)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TDX_TOP/dkms.conf")
work=$TDX_STATE/deb13
logs=$work/logs
debdir=$work/deb
mkdir -p "$logs"
rm -f "$logs"/*.log

cleanup() {
	in_root sh -c '
		for p in "$@"; do
			dpkg-query -W -f="\${db:Status-Status}\n" "$p" 2>/dev/null |
				grep -qv "^not-installed$" && dpkg --purge "$p"
		done
		for v in $(dkms status -m tdx-ext 2>/dev/null | sed -n "s,^tdx-ext/\([^,:]*\)[,:].*,\1,p" | sort -u); do
			dkms remove -m tdx-ext -v "$v" --all
		done
		rm -rf /usr/src/tdx-ext-[0-9]* /var/lib/dkms/tdx-ext
		exit 0' cleanup "${PKGS[@]}" >>"$logs/cleanup.log" 2>&1
}
cleanup
trap cleanup EXIT

# --- 1. build in the root --------------------------------------------------------
log "building the .debs in the Debian 13 root"
DKMS_DEB=$debdir/tdx-ext-dkms_${ver}_all.deb
TOOLS_DEB=$debdir/tdx-ext-tools_${ver}_amd64.deb
rm -rf "$debdir"
# The changelog's date from this tree's last commit (git is not in the root).
sde=$(git -C "$TDX_TOP" log -1 --format=%ct 2>/dev/null || date +%s)
if in_root env SOURCE_DATE_EPOCH="$sde" make -C "$TDX_TOP" deb DEB_DIR="$debdir" \
		>"$logs/deb-build.log" 2>&1 && [ -f "$DKMS_DEB" ] && [ -f "$TOOLS_DEB" ]; then
	res PASS deb13/deb-build
else
	res FAIL deb13/deb-build "make deb in the trixie root: $(grep -m1 -E '[Ee]rror' "$logs/deb-build.log" || tail_of "$logs/deb-build.log") ($logs/deb-build.log)"
	echo "deb13: $npass passed, $nfail failed"
	exit 1
fi
# Built against trixie's libraries: the Depends name trixie's.
deps=$(dpkg-deb -f "$TOOLS_DEB" Depends)
case "$deps" in
*libcbor0.10*) res PASS deb13/depends-debian13 ;;
*) res FAIL deb13/depends-debian13 "tdx-ext-tools Depends: '$deps' (expected trixie's libcbor0.10)" ;;
esac

# --- 2. install: apt resolves, DKMS builds for both kernels ----------------------
log "installing in the root (DKMS builds for $KVER_TRIXIE and $KVER_TRIXIE_BPO)"
installed=0
if in_root apt-get install -y --no-install-recommends "$DKMS_DEB" "$TOOLS_DEB" \
		>"$logs/install.log" 2>&1; then
	res PASS deb13/install
	installed=1
else
	res FAIL deb13/install "apt-get install: $(tail_of "$logs/install.log") ($logs/install.log)"
fi

if [ $installed = 1 ]; then
	for kk in "${KERNELS[@]}"; do
		read -r k kv <<<"$kk"
		st=$(in_root dkms status -m "$NAME" -v "$ver" -k "$kv" 2>&1)
		case "$st" in
		*": installed"*) res PASS "deb13/$k/dkms-status" ;;
		*) res FAIL "deb13/$k/dkms-status" "dkms status for $kv: '${st:-nothing}'" ;;
		esac
		for m in tdx_ext tdx_ext_sim; do
			f=$(compgen -G "$R/lib/modules/$kv/updates/dkms/$m.ko*" | head -1)
			if [ -z "$f" ]; then
				res FAIL "deb13/$k/$m" "no /lib/modules/$kv/updates/dkms/$m.ko* in the root"
				continue
			fi
			mv=$(modinfo -F version "$f" 2>/dev/null)
			vm_=$(modinfo -F vermagic "$f" 2>/dev/null)
			if [ "$mv" != "$ver" ]; then
				res FAIL "deb13/$k/$m" "$f: version '$mv', expected $ver"
			elif [ "${vm_%% *}" != "$kv" ]; then
				res FAIL "deb13/$k/$m" "$f: vermagic '$vm_', expected $kv"
			else
				res PASS "deb13/$k/$m"
			fi
		done
	done
	out=$(in_root tdx-quote version 2>&1)
	if [ "$out" = "tdx-quote $ver" ]; then
		res PASS deb13/tdx-quote-version
	else
		res FAIL deb13/tdx-quote-version "'tdx-quote version' in the root printed '$out'"
	fi
fi

# --- 3. the DKMS-built backports modules in QEMU ---------------------------------
vm_rc=0
if [ $installed = 1 ] && [ $vm = 1 ]; then
	log "booting the DKMS-built modules in QEMU (trixie-bpo, $KVER_TRIXIE_BPO)"
	dkmsdir=$R/lib/modules/$KVER_TRIXIE_BPO/updates/dkms
	vm_args=(--modules "$dkmsdir" --prefix deb13/ --suite "$here/vm-suite")
	[ -n "$results" ] && vm_args+=(--results "$results")
	"$here/../vm/run.sh" "${vm_args[@]}" trixie-bpo
	vm_rc=$?
	[ $vm_rc != 2 ] ||
		res FAIL deb13/trixie-bpo/vm "tests/vm/run.sh could not run (exit 2; see above)"
	# What was booted is what DKMS built.
	booted_is_dkms deb13 "$dkmsdir" trixie-bpo
fi

# --- 4. a real system: systemd, udev, the units ----------------------------------
sys_rc=0
if [ $installed = 1 ] && [ $vm = 1 ]; then
	log "booting the root with systemd in QEMU (trixie, $KVER_TRIXIE)"
	"$here/systemd-vm.sh" --prefix deb13/ ${results:+--results "$results"}
	sys_rc=$?
	[ $sys_rc != 2 ] ||
		res FAIL deb13/systemd/vm "tests/pkg/systemd-vm.sh could not run (exit 2; see above)"
fi

# --- 5. purge ---------------------------------------------------------------------
if [ $installed = 1 ]; then
	if in_root apt-get purge -y "${PKGS[@]}" >"$logs/purge.log" 2>&1; then
		res PASS deb13/purge
	else
		res FAIL deb13/purge "apt-get purge: $(tail_of "$logs/purge.log") ($logs/purge.log)"
	fi
	left=$(in_root dkms status -m "$NAME" 2>/dev/null)
	for f in "$R"/usr/src/"$NAME"-* "$R"/lib/modules/*/updates/dkms/tdx_ext*.ko* \
		 "$R/var/lib/dkms/$NAME" "$R/etc/tdx-ext" "$R/usr/bin/tdx-quote"; do
		[ ! -e "$f" ] || left="$left ${f#"$R"}"
	done
	if [ -z "$left" ]; then
		res PASS deb13/purge-nothing-left
	else
		res FAIL deb13/purge-nothing-left "still in the root after purge: $left"
	fi
fi

echo "deb13: $npass passed, $nfail failed"
[ $nfail = 0 ] && [ $vm_rc = 0 ] && [ $sys_rc = 0 ]
