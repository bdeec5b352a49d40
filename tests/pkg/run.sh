#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The pkg tier: the Debian packages and the RPM spec, on this (Debian 12)
# machine.  Changes the machine (that is the point): run as root on a test
# machine.  In order:
#
#   1. make deb; lintian on the .changes (every .deb in it): no error
#   2. apt-get install both .debs; DKMS built and installed tdx_ext.ko and
#      tdx_ext_sim.ko for both Debian kernels (dkms status, the files under
#      updates/dkms, modinfo -k: version, DKMS's signature, parameters);
#      the udev rule, modprobe.d, conffiles, systemd units (systemd-analyze
#      verify, not enabled, their Documentation= files), the docs, the root
#      certificate and its symlink, the binaries, the tdx-quote group;
#      tdx-quote version
#   3. the DKMS-built 6.12 modules in QEMU (tests/vm/run.sh --modules, the
#      suite tests/pkg/vm-suite): backend=sim, a quote verified
#   4. a version bump (Z+1 in a copy of the tree): the new .debs installed
#      over the old ones leave one DKMS version, with modules of the new
#      version for both kernels
#   5. purge both: nothing of them left (DKMS, /usr/src, modules, /etc,
#      udev, modprobe.d, units, binaries); the tdx-quote group stays
#   6. make rpm (rpmbuild -bb): the packages list exactly the expected files
#
# Whatever a previous run left behind is purged first, and again on exit.
#
#   tests/pkg/run.sh [--results FILE] [--no-vm]
#
# Prints "PASS pkg/NAME" / "FAIL pkg/NAME: reason" and ends with "pkg: N
# passed, M failed"; the VM's results (pkg/deb612/NAME) are counted on
# tests/vm/run.sh's own "vmtest:" line.  Takes about 4 minutes here.

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TDX_LOG_TAG=pkg
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

[ "$(id -u)" = 0 ] || die_setup "the packaging test must run as root"
for tool in dpkg-buildpackage dh_dkms lintian rpmbuild dkms apt-get fakeroot; do
	command -v "$tool" >/dev/null ||
		die_setup "'$tool' not found: run tests/vm/setup.sh (or: make check)"
done
[ -f "$TDX_STATE/kernels.env" ] || die_setup "no $TDX_STATE/kernels.env: run tests/vm/setup.sh"
. "$TDX_STATE/kernels.env"
KERNELS=("deb61 $KVER_61" "deb612 $KVER_612")

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TDX_TOP/dkms.conf")
case "$ver" in
[0-9]*.[0-9]*.[0-9]*) ;;
*) die_setup "dkms.conf: PACKAGE_VERSION '$ver' is not X.Y.Z" ;;
esac
new=${ver%.*}.$((${ver##*.} + 1))
arch=$(dpkg --print-architecture)
work=$TDX_STATE/pkg
logs=$work/logs
export DEBIAN_FRONTEND=noninteractive

NAME=tdx-ext
PKGS=(tdx-ext-tools tdx-ext-dkms)
UDEV=/usr/lib/udev/rules.d/60-tdx-quote.rules
MODPROBE=/etc/modprobe.d/tdx_ext.conf
UNITS=(/lib/systemd/system/tdx-qgsd.service /lib/systemd/system/tdx-qgsd.socket)
QGSD_CONF=/etc/tdx-ext/tdx-qgsd.conf
ROOT_CONF=/etc/tdx-ext/roots/dcp-dice-global-root-ca.pem
ROOT_PEM=/usr/share/tdx-ext/dcp-dice-global-root-ca.pem
BINS=(/usr/bin/tdx-quote /usr/sbin/tdx-qgsd)

t_start=$(now)
stamp() { log "$1 ($(elapsed "$t_start") s)"; }

# Versions of tdx-ext DKMS knows about ("tdx-ext/0.1.0, 6.1.0-56-amd64,
# x86_64: installed", or "tdx-ext/0.1.0: added").
dkms_versions() {
	dkms status -m "$NAME" 2>/dev/null | sed -n "s,^$NAME/\([^,:]*\)[,:].*,\1,p" | sort -u
}

# Everything the packages or an interrupted run may have left, gone.
cleanup() {
	local p v kv changed=
	for p in "${PKGS[@]}"; do
		if dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null |
				grep -qv '^not-installed$'; then
			dpkg --purge "$p" >>"$logs/cleanup.log" 2>&1 ||
				warn "dpkg --purge $p failed (see $logs/cleanup.log)"
		fi
	done
	for v in $(dkms_versions); do
		dkms remove -m "$NAME" -v "$v" --all >>"$logs/cleanup.log" 2>&1
	done
	rm -rf /usr/src/"$NAME"-[0-9]* "/var/lib/dkms/$NAME"
	for kv in "$KVER_61" "$KVER_612"; do
		if compgen -G "/lib/modules/$kv/updates/dkms/tdx_ext*.ko*" >/dev/null; then
			rm -f /lib/modules/"$kv"/updates/dkms/tdx_ext*.ko*
			depmod -a "$kv"
			changed=1
		fi
	done
	[ -z "$changed" ] || warn "removed stray tdx_ext modules left by an earlier run"
	return 0
}

mkdir -p "$logs"
rm -f "$logs"/*.log
cleanup
trap cleanup EXIT

# apt_install LOG DEB...: install (or upgrade to) local .debs.
apt_install() {
	local l=$1
	shift
	apt-get install -y --no-install-recommends "$@" >"$l" 2>&1
}

# why FILE: the first line of a build log that says what went wrong.
why() {
	grep -m1 -E 'cannot stat|No such file|File not found|[Ee]rror:|error [0-9]' "$1" 2>/dev/null ||
		tail_of "$1"
}

# check_modules PREFIX VERSION: DKMS's modules of VERSION for both kernels.
check_modules() {
	local p=$1 v=$2 kk k kv m f mv st parms missing
	for kk in "${KERNELS[@]}"; do
		read -r k kv <<<"$kk"
		st=$(dkms status -m "$NAME" -v "$v" -k "$kv" 2>&1)
		case "$st" in
		*": installed"*) res PASS "$p/$k/dkms-status" ;;
		*) res FAIL "$p/$k/dkms-status" "dkms status for $kv: '${st:-nothing}'" ;;
		esac
		for m in tdx_ext tdx_ext_sim; do
			f=$(compgen -G "/lib/modules/$kv/updates/dkms/$m.ko*" | head -1)
			mv=$(modinfo -k "$kv" -F version "$m" 2>/dev/null)
			if [ -z "$f" ]; then
				res FAIL "$p/$k/$m" "no /lib/modules/$kv/updates/dkms/$m.ko*"
			elif [ "$(modinfo -k "$kv" -F filename "$m" 2>/dev/null)" != "$f" ]; then
				res FAIL "$p/$k/$m" "modinfo -k $kv $m finds '$(modinfo -k "$kv" -F filename "$m" 2>&1)', not $f"
			elif [ "$mv" != "$v" ]; then
				res FAIL "$p/$k/$m" "modinfo -k $kv: version '$mv', expected $v"
			else
				res PASS "$p/$k/$m"
			fi
		done
		# Signed with DKMS's key, which Secure Boot needs (README).
		st=$(modinfo -k "$kv" -F signer tdx_ext 2>/dev/null)
		if [ "$st" = "DKMS module signing key" ]; then
			res PASS "$p/$k/signed-by-dkms"
		else
			res FAIL "$p/$k/signed-by-dkms" "modinfo -k $kv -F signer tdx_ext: '$st'"
		fi
		parms=$(modinfo -k "$kv" -F parm tdx_ext 2>/dev/null)
		missing=
		for m in backend timeout queue_depth; do
			grep -q "^$m:" <<<"$parms" || missing="$missing $m"
		done
		if [ -z "$missing" ]; then
			res PASS "$p/$k/modinfo-parameters"
		else
			res FAIL "$p/$k/modinfo-parameters" "modinfo -k $kv -F parm tdx_ext lacks:$missing"
		fi
	done
}

# --- 1. build, lintian ----------------------------------------------------------
debdir=$TDX_TOP/.build/deb
changes=$debdir/${NAME}_${ver}_$arch.changes
DKMS_DEB=$debdir/tdx-ext-dkms_${ver}_all.deb
TOOLS_DEB=$debdir/tdx-ext-tools_${ver}_$arch.deb
stamp "building the .debs ($ver)"
if make -C "$TDX_TOP" deb >"$logs/deb-build.log" 2>&1 &&
   [ -f "$DKMS_DEB" ] && [ -f "$TOOLS_DEB" ] && [ -f "$changes" ]; then
	res PASS pkg/deb-build
	built=1
else
	res FAIL pkg/deb-build "make deb: $(why "$logs/deb-build.log") ($logs/deb-build.log)"
	built=0
fi

if [ $built = 1 ]; then
	stamp lintian
	# Errors fail; warnings and the rest are shown, for information.
	lintian --allow-root --fail-on error --no-tag-display-limit "$changes" \
		>"$logs/lintian.log" 2>&1
	rc=$?
	grep -E '^[WIPXC]: ' "$logs/lintian.log" | sed 's/^/[pkg] lintian (info): /' >&2
	errs=$(grep -E '^E: ' "$logs/lintian.log")
	if [ -n "$errs" ]; then
		res FAIL pkg/lintian "$(echo "$errs" | head -5 | tr '\n' '|') ($logs/lintian.log)"
	elif [ $rc != 0 ]; then
		res FAIL pkg/lintian "lintian exited $rc: $(tail_of "$logs/lintian.log")"
	else
		res PASS pkg/lintian
	fi
fi

# --- 2. install, what is where ------------------------------------------------
installed=0
if [ $built = 1 ]; then
	stamp "installing (DKMS builds for both kernels)"
	if apt_install "$logs/install.log" "$DKMS_DEB" "$TOOLS_DEB"; then
		res PASS pkg/install
		installed=1
	else
		res FAIL pkg/install "apt-get install: $(tail_of "$logs/install.log") ($logs/install.log)"
	fi
fi

if [ $installed = 1 ]; then
	stamp "checking the installed packages"
	check_modules pkg "$ver"

	src=/usr/src/$NAME-$ver
	bad=
	for f in dkms.conf Kbuild src/tdx_ext_main.c src/sim/sim_main.c \
		 src/common/tdx_ext_version.h include/uapi/linux/tdx_quote.h; do
		[ -f "$src/$f" ] || bad="$bad missing:$f"
	done
	objs=$(find "$src" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' \) 2>/dev/null | head -3)
	[ -z "$objs" ] || bad="$bad build-products:$objs"
	dpkg -S "$src/Kbuild" >/dev/null 2>&1 || bad="$bad $src/Kbuild-not-owned-by-a-package"
	if [ -z "$bad" ]; then res PASS pkg/dkms-sources; else res FAIL pkg/dkms-sources "$src:$bad"; fi

	if cmp -s "$UDEV" "$TDX_TOP/packaging/udev/60-tdx-quote.rules"; then
		res PASS pkg/udev-rule
	else
		res FAIL pkg/udev-rule "$UDEV missing or not packaging/udev/60-tdx-quote.rules"
	fi
	if cmp -s "$MODPROBE" "$TDX_TOP/packaging/modprobe.d/tdx_ext.conf"; then
		res PASS pkg/modprobe-d
	else
		res FAIL pkg/modprobe-d "$MODPROBE missing or not packaging/modprobe.d/tdx_ext.conf"
	fi
	conff=$(dpkg-query -W -f='${Conffiles}\n' tdx-ext-tools 2>/dev/null | awk 'NF { print $1 }' | sort | tr '\n' ' ')
	if [ "$conff" = "$MODPROBE $ROOT_CONF $QGSD_CONF " ]; then
		res PASS pkg/conffiles
	else
		res FAIL pkg/conffiles "conffiles '$conff', expected '$MODPROBE $ROOT_CONF $QGSD_CONF '"
	fi
	if cmp -s "$QGSD_CONF" "$TDX_TOP/packaging/tdx-qgsd.conf"; then
		res PASS pkg/qgsd-conf
	else
		res FAIL pkg/qgsd-conf "$QGSD_CONF missing or not packaging/tdx-qgsd.conf"
	fi
	bad=
	for u in "${UNITS[@]}"; do
		cmp -s "$u" "$TDX_TOP/packaging/systemd/$(basename "$u")" || bad="$bad $u"
	done
	if [ -z "$bad" ]; then res PASS pkg/systemd-units; else res FAIL pkg/systemd-units "missing or different:$bad"; fi
	if out=$(systemd-analyze verify "${UNITS[@]}" 2>&1); then
		res PASS pkg/units-verify
	else
		res FAIL pkg/units-verify "systemd-analyze verify: $(echo "$out" | head -3 | tr '\n' ' ')"
	fi
	# Their Documentation=file: pages are where the package put the docs.
	bad=
	for d in $(sed -n 's/^Documentation=//p' "${UNITS[@]}" 2>/dev/null); do
		case "$d" in file:*) [ -f "${d#file:}" ] || bad="$bad ${d#file:}" ;; esac
	done
	if [ -z "$bad" ]; then res PASS pkg/units-documentation; else res FAIL pkg/units-documentation "Documentation= names missing files:$bad"; fi
	bad=
	for f in "$TDX_TOP"/README.md "$TDX_TOP"/docs/*.md; do
		[ -f "/usr/share/doc/tdx-ext-tools/$(basename "$f")" ] || bad="$bad $(basename "$f")"
	done
	[ -f /usr/share/doc/tdx-ext-dkms/README.md ] || bad="$bad tdx-ext-dkms/README.md"
	if [ -z "$bad" ]; then res PASS pkg/docs; else res FAIL pkg/docs "not in /usr/share/doc/tdx-ext-tools (uncompressed):$bad"; fi
	# Installed disabled: no symlink in any .wants/ directory.
	en=$(find /etc/systemd/system -name 'tdx-qgsd.*' 2>/dev/null | tr '\n' ' ')
	if [ -z "$en" ]; then res PASS pkg/units-not-enabled; else res FAIL pkg/units-not-enabled "enabled: $en"; fi
	if [ -f "$ROOT_CONF" ] && [ ! -L "$ROOT_CONF" ] &&
	   cmp -s "$ROOT_CONF" "$TDX_TOP/data/dcp-dice-global-root-ca.pem" &&
	   cmp -s "$ROOT_PEM" "$TDX_TOP/data/dcp-dice-global-root-ca.pem"; then
		res PASS pkg/root-cert
	else
		res FAIL pkg/root-cert "$ROOT_CONF is not a regular file equal to data/dcp-dice-global-root-ca.pem (or $ROOT_PEM is missing): $(ls -l "$ROOT_CONF" 2>&1)"
	fi
	bad=
	for b in "${BINS[@]}"; do [ -x "$b" ] || bad="$bad $b"; done
	if [ -z "$bad" ]; then res PASS pkg/binaries; else res FAIL pkg/binaries "missing:$bad"; fi
	if getent group tdx-quote >/dev/null; then
		res PASS pkg/group
	else
		res FAIL pkg/group "no tdx-quote group after postinst"
	fi
	out=$(/usr/bin/tdx-quote version 2>&1)
	if [ "$out" = "tdx-quote $ver" ]; then
		res PASS pkg/tdx-quote-version
	else
		res FAIL pkg/tdx-quote-version "'tdx-quote version' printed '$out', expected 'tdx-quote $ver'"
	fi
fi

# --- 3. the DKMS-built 6.12 modules in QEMU -------------------------------------
vm_rc=0
if [ $installed = 1 ] && [ $vm = 1 ]; then
	stamp "booting the DKMS-built modules in QEMU (deb612)"
	vm_args=(--modules "/lib/modules/$KVER_612/updates/dkms" --prefix pkg/
		 --suite "$here/vm-suite")
	[ -n "$results" ] && vm_args+=(--results "$results")
	"$here/../vm/run.sh" "${vm_args[@]}" deb612
	vm_rc=$?
	if [ $vm_rc = 2 ]; then
		res FAIL pkg/deb612/vm "tests/vm/run.sh could not run (exit 2; see above)"
	fi
	# What was booted is what DKMS built.
	booted_is_dkms pkg "/lib/modules/$KVER_612/updates/dkms" deb612
fi

# --- 4. version bump: X.Y.Z -> X.Y.Z+1, installed over the old packages --------
if [ $installed = 1 ]; then
	stamp "building the .debs of $new"
	bump=$work/bump
	rm -rf "$bump"
	mkdir -p "$bump"
	tar -C "$TDX_TOP" --exclude=./.git --exclude=./.build --exclude=./tests \
		--exclude=./tools/build -cf - . | tar -xf - -C "$bump"
	sed -i "s/^PACKAGE_VERSION=\"$ver\"/PACKAGE_VERSION=\"$new\"/" "$bump/dkms.conf"
	sed -i "s/^#define TDX_EXT_VERSION \"$ver\"/#define TDX_EXT_VERSION \"$new\"/" \
		"$bump/src/common/tdx_ext_version.h"
	ndkms=$bump/.build/deb/tdx-ext-dkms_${new}_all.deb
	ntools=$bump/.build/deb/tdx-ext-tools_${new}_$arch.deb
	if ! grep -q "^PACKAGE_VERSION=\"$new\"" "$bump/dkms.conf" ||
	   ! grep -q "TDX_EXT_VERSION \"$new\"" "$bump/src/common/tdx_ext_version.h"; then
		res FAIL pkg/upgrade/bump "could not set version $new in the copy"
	elif ! make -C "$bump" deb >"$logs/deb-build-$new.log" 2>&1 ||
	     [ ! -f "$ndkms" ] || [ ! -f "$ntools" ]; then
		res FAIL pkg/upgrade/build "make deb of $new: $(why "$logs/deb-build-$new.log") ($logs/deb-build-$new.log)"
	elif [ "$(dpkg-deb -f "$ndkms" Version)" != "$new" ]; then
		res FAIL pkg/upgrade/build "$ndkms has version $(dpkg-deb -f "$ndkms" Version), expected $new"
	else
		res PASS pkg/upgrade/build
		stamp "upgrading $ver -> $new"
		# An administrator removed the pinned Intel root: it stays removed.
		rm -f "$ROOT_CONF"
		if apt_install "$logs/upgrade.log" "$ndkms" "$ntools"; then
			res PASS pkg/upgrade/install
		else
			res FAIL pkg/upgrade/install "apt-get install: $(tail_of "$logs/upgrade.log") ($logs/upgrade.log)"
		fi
		if [ ! -e "$ROOT_CONF" ] && [ -f "$ROOT_PEM" ]; then
			res PASS pkg/upgrade/root-deletion-kept
		else
			res FAIL pkg/upgrade/root-deletion-kept "the upgrade brought back $ROOT_CONF, which was deleted (or removed $ROOT_PEM)"
		fi
		vs=$(dkms_versions | tr '\n' ' ')
		if [ "$vs" = "$new " ]; then
			res PASS pkg/upgrade/one-dkms-version
		else
			res FAIL pkg/upgrade/one-dkms-version "DKMS has '$vs', expected only $new"
		fi
		if [ ! -e "/usr/src/$NAME-$ver" ] && [ -f "/usr/src/$NAME-$new/dkms.conf" ]; then
			res PASS pkg/upgrade/sources
		else
			res FAIL pkg/upgrade/sources "/usr/src: $(ls -d /usr/src/$NAME-* 2>/dev/null | tr '\n' ' ')"
		fi
		check_modules pkg/upgrade "$new"
		out=$(/usr/bin/tdx-quote version 2>&1)
		if [ "$out" = "tdx-quote $new" ]; then
			res PASS pkg/upgrade/tdx-quote-version
		else
			res FAIL pkg/upgrade/tdx-quote-version "'tdx-quote version' printed '$out', expected 'tdx-quote $new'"
		fi
	fi
fi

# --- 5. purge: nothing left ------------------------------------------------------
if [ $installed = 1 ]; then
	stamp purging
	if apt-get purge -y "${PKGS[@]}" >"$logs/purge.log" 2>&1; then
		res PASS pkg/purge
	else
		res FAIL pkg/purge "apt-get purge: $(tail_of "$logs/purge.log") ($logs/purge.log)"
	fi
	left=
	for p in "${PKGS[@]}"; do
		s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)
		[ -z "$s" ] || [ "$s" = not-installed ] || left="$left dpkg:$p=$s"
	done
	[ -z "$(dkms_versions)" ] || left="$left dkms:$(dkms_versions | tr '\n' ,)"
	[ ! -e "/var/lib/dkms/$NAME" ] || left="$left /var/lib/dkms/$NAME"
	for f in /usr/src/"$NAME"-* /lib/modules/*/updates/dkms/tdx_ext*.ko* /etc/tdx-ext \
		 "$UDEV" "$MODPROBE" "${UNITS[@]}" "${BINS[@]}" /usr/share/tdx-ext \
		 /usr/share/doc/tdx-ext-tools /usr/share/doc/tdx-ext-dkms; do
		[ ! -e "$f" ] && [ ! -L "$f" ] || left="$left $f"
	done
	for kk in "${KERNELS[@]}"; do
		read -r k kv <<<"$kk"
		f=$(modinfo -k "$kv" -F filename tdx_ext 2>/dev/null) && left="$left modinfo-$k:$f"
	done
	if [ -z "$left" ]; then
		res PASS pkg/purge-nothing-left
	else
		res FAIL pkg/purge-nothing-left "still present after purge:$left"
	fi
	# A system group is left on purge, by convention (see the postinst).
	getent group tdx-quote >/dev/null && log "the tdx-quote group stays after purge, by design"
fi

# --- 6. RPM: rpmbuild -bb, the files of each package ----------------------------
stamp "make rpm"
rpmdir=$TDX_TOP/.build/rpm/RPMS
RPM_DKMS=$rpmdir/noarch/tdx-ext-dkms-$ver-1.noarch.rpm
RPM_TOOLS=$rpmdir/x86_64/tdx-ext-tools-$ver-1.x86_64.rpm
if make -C "$TDX_TOP" rpm >"$logs/rpm-build.log" 2>&1 &&
   [ -f "$RPM_DKMS" ] && [ -f "$RPM_TOOLS" ]; then
	res PASS pkg/rpm-build
	# The expected lists: explicit paths, and the module sources and docs
	# as the tree has them.
	exp=$work/rpm-dkms.expected
	{
		echo "/usr/share/licenses/tdx-ext-dkms"
		echo "/usr/share/licenses/tdx-ext-dkms/LICENSE"
		echo "/usr/src/$NAME-$ver"
		(cd "$TDX_TOP" && find Kbuild dkms.conf src include \
			! -name '*.o' ! -name '*.ko' ! -name '*.mod' ! -name '*.mod.c' \
			! -name '.*.cmd' ! -name '*.o.d') | sed "s,^,/usr/src/$NAME-$ver/,"
	} | sort >"$exp"
	rpm -qlp "$RPM_DKMS" 2>/dev/null | sort >"$work/rpm-dkms.list"
	if diff -u "$exp" "$work/rpm-dkms.list" >"$work/rpm-dkms.diff"; then
		res PASS pkg/rpm-dkms-files
	else
		res FAIL pkg/rpm-dkms-files "rpm -qlp differs from the expected list: $(grep -E '^[-+]/' "$work/rpm-dkms.diff" | head -4 | tr '\n' ' ') ($work/rpm-dkms.diff)"
	fi
	exp=$work/rpm-tools.expected
	{
		printf '%s\n' /usr/bin/tdx-quote /usr/sbin/tdx-qgsd \
			/usr/lib/udev/rules.d/60-tdx-quote.rules \
			/etc/modprobe.d/tdx_ext.conf /etc/tdx-ext /etc/tdx-ext/tdx-qgsd.conf \
			/etc/tdx-ext/roots /etc/tdx-ext/roots/dcp-dice-global-root-ca.pem \
			/usr/share/tdx-ext /usr/share/tdx-ext/dcp-dice-global-root-ca.pem \
			/usr/lib/systemd/system/tdx-qgsd.service \
			/usr/lib/systemd/system/tdx-qgsd.socket \
			/usr/share/doc/tdx-ext-tools /usr/share/doc/tdx-ext-tools/README.md \
			/usr/share/licenses/tdx-ext-tools /usr/share/licenses/tdx-ext-tools/LICENSE
		for f in "$TDX_TOP"/docs/*.md; do
			echo "/usr/share/doc/tdx-ext-tools/$(basename "$f")"
		done
	} | sort >"$exp"
	# Less the build-id links of the binaries (named by their hash).
	rpm -qlp "$RPM_TOOLS" 2>/dev/null | grep -v '^/usr/lib/\.build-id' | sort >"$work/rpm-tools.list"
	if diff -u "$exp" "$work/rpm-tools.list" >"$work/rpm-tools.diff"; then
		res PASS pkg/rpm-tools-files
	else
		res FAIL pkg/rpm-tools-files "rpm -qlp differs from the expected list: $(grep -E '^[-+]/' "$work/rpm-tools.diff" | head -4 | tr '\n' ' ') ($work/rpm-tools.diff)"
	fi
	# The DKMS scriptlets: add/build/install, remove only on uninstall.
	sc=$(rpm -qp --scripts "$RPM_DKMS" 2>/dev/null)
	a=$(rpm -qp --qf '%{ARCH} %{VERSION}' "$RPM_DKMS" 2>/dev/null)
	if [ "$a" != "noarch $ver" ]; then
		res FAIL pkg/rpm-dkms-scripts "arch/version '$a', expected 'noarch $ver'"
	elif grep -q 'dkms add' <<<"$sc" && grep -q 'dkms build' <<<"$sc" &&
	     grep -q 'dkms install' <<<"$sc" && grep -q '"$1" -eq 0' <<<"$sc"; then
		res PASS pkg/rpm-dkms-scripts
	else
		res FAIL pkg/rpm-dkms-scripts "rpm -qp --scripts lacks dkms add/build/install or the \$1 -eq 0 guard"
	fi
else
	res FAIL pkg/rpm-build "make rpm: $(why "$logs/rpm-build.log") ($logs/rpm-build.log)"
fi

stamp "done"
echo "pkg: $npass passed, $nfail failed"
[ $nfail = 0 ] && [ $vm_rc = 0 ]
