#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The packages on a real Debian 13 system: systemd as PID 1, udev, the
# .debs installed with apt and the modules DKMS built, as tests/pkg/
# debian13.sh left them in the trixie build root (tests/vm/debroot.sh).
# Called by debian13.sh after its install step; runs on its own too
# (with the packages installed in the root).
#
# The root is never changed: an overlay of it (upper layer in
# $TDX_STATE/deb13/systemd, mounted in a private mount namespace) gets
# systemd-sysv (/sbin/init; the root has systemd and udev already), two
# users (qgsuser in group tdx-quote, qgsother not), the test client
# (tests/vm/progs/qgs_client.c) and the test unit (systemd/tdx-systest.service
# running systemd/systest.sh).  QEMU (TCG) boots trixie's 6.12 kernel with a
# busybox initramfs (systemd/init) that mounts the overlay, exported with
# -virtfs, as its root and switches to systemd.  The checks are listed in
# systemd/systest.sh; their results come back on the second UART.
#
#   tests/pkg/systemd-vm.sh [--results FILE] [--prefix P] [--timeout SECONDS]
#
# Prints "PASS Psystemd/NAME" / "FAIL Psystemd/NAME: reason" (P: deb13/)
# and ends with "systemd-vm: N passed, M failed".  The console is in
# $TDX_STATE/deb13/systemd/console.log.

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TDX_LOG_TAG=systemd-vm
. "$here/../vm/lib.sh"

args=("$@")
results=
prefix=deb13/
timeout=${BOOT_TIMEOUT:-420}
while [ $# -gt 0 ]; do
	case "$1" in
	--results) results=$2; shift ;;
	--prefix) prefix=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	-h|--help) sed -n '3,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die_setup "unknown argument '$1'" ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || die_setup "the systemd test must run as root (overlay, chroot)"
# Every mount below belongs to this namespace and goes away with it.
if [ "${TDX_SYSVM_NS:-}" != 1 ]; then
	exec env TDX_SYSVM_NS=1 unshare -m --propagation private -- "$0" "${args[@]}"
fi

envs=$("$here/../vm/debroot.sh" trixie) || exit 2
eval "$envs"
R=$ROOT_TRIXIE
KVER=$KVER_TRIXIE
IMAGE=$R/boot/vmlinuz-$KVER
tag=${prefix}systemd
S=$TDX_STATE/deb13/systemd
M=$S/merged
LOG=$S/prepare.log

for f in "$IMAGE" "$R/usr/sbin/tdx-qgsd" "$R/usr/lib/systemd/system/tdx-qgsd.socket"; do
	[ -e "$f" ] || die_setup "$f missing: the trixie root needs the kernel and the packages (tests/pkg/debian13.sh installs them)"
done
compgen -G "$R/lib/modules/$KVER/updates/dkms/tdx_ext.ko*" >/dev/null ||
	die_setup "no DKMS-built tdx_ext for $KVER in $R"

t0=$(now)
rm -rf "$S"
mkdir -p "$S/upper" "$S/work" "$M" "$S/initramfs/bin" "$S/initramfs/dev" "$S/initramfs/mods"
mount -t overlay overlay -o "lowerdir=$R,upperdir=$S/upper,workdir=$S/work" "$M" ||
	die_setup "cannot mount an overlay of $R on $M"

# --- the system: systemd-sysv, users, the test ---------------------------------
gcc -std=c11 -D_GNU_SOURCE -static -O2 -Wall -Wextra -Werror \
	-I"$TDX_TOP/include/uapi" -o "$M/usr/local/bin/qgs_client" \
	"$here/../vm/progs/qgs_client.c" >>"$LOG" 2>&1 ||
	die_setup "cannot build qgs_client ($LOG)"
mkdir -p "$M/usr/local/lib/tdx-systest"
install -m 0644 "$here/../vm/guest/lib.sh" "$M/usr/local/lib/tdx-systest/lib.sh"
install -m 0755 "$here/systemd/systest.sh" "$M/usr/local/lib/tdx-systest/systest.sh"
install -m 0644 "$here/systemd/tdx-systest.service" "$M/etc/systemd/system/"
echo tdx-systest >"$M/etc/hostname"

mount -t proc proc "$M/proc"
mount --rbind /dev "$M/dev"
[ ! -f /etc/resolv.conf ] || mount --bind /etc/resolv.conf "$M/etc/resolv.conf"
# systemd and udev come with the root's packages; systemd-sysv (/sbin/init)
# is fetched when missing (the root's package lists first, fresh ones if
# the mirror has moved on).
if ! chroot "$M" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 sh -euc '
	inst() { apt-get install -y --no-install-recommends systemd systemd-sysv udev; }
	inst || { apt-get update && inst; }
	apt-get clean
	getent group tdx-quote
	useradd -M -G tdx-quote qgsuser
	useradd -M qgsother
	# No questions on the console at the first boot of this root, and
	# none of the work a first boot after an upgrade of /usr does (ldconfig,
	# the journal catalog: tens of seconds under TCG over 9p), no gettys,
	# the journal kept in /run.
	systemctl mask systemd-firstboot.service ldconfig.service \
		systemd-journal-catalog-update.service systemd-update-done.service \
		getty.target systemd-journal-flush.service
	systemctl enable tdx-systest.service' >>"$LOG" 2>&1; then
	tail -5 "$LOG" >&2
	die_setup "preparing the systemd root failed ($LOG)"
fi
# Debian 13's systemd-analyze (257) on the installed units, here, where it
# takes a second rather than the half minute it takes in the VM.
if out=$(chroot "$M" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin systemd-analyze verify \
		/usr/lib/systemd/system/tdx-qgsd.service /usr/lib/systemd/system/tdx-qgsd.socket 2>&1); then
	res PASS "$tag/units-verify"
else
	res FAIL "$tag/units-verify" "systemd-analyze verify (systemd $(chroot "$M" systemctl --version | awk 'NR == 1 { print $2 }')): $(echo "$out" | head -3 | tr '\n' ' ')"
fi
umount -R "$M/dev" "$M/proc"
mountpoint -q "$M/etc/resolv.conf" && umount "$M/etc/resolv.conf"

# --- the initramfs: busybox, 9p ---------------------------------------------------
I=$S/initramfs
cp /bin/busybox "$I/bin/busybox"
mknod "$I/dev/console" c 5 1
install -m 0755 "$here/systemd/init" "$I/init"
: >"$I/mods.txt"
while read -r op path _; do
	[ "$op" = insmod ] || continue
	name=$(basename "$path")
	name=${name%.xz}
	name=${name%.zst}
	name=${name%.gz}
	[ -e "$I/mods/$name" ] && continue
	ko_cat "$path" >"$I/mods/$name" || die_setup "cannot copy $path"
	echo "$name" >>"$I/mods.txt"
done < <(for m in 9pnet_virtio 9p; do modprobe -S "$KVER" -d "$R" --show-depends "$m" 2>&1; done)
grep -q '^9p\.ko$' "$I/mods.txt" || die_setup "no 9p modules for $KVER in $R"
(cd "$I" && find . | cpio -o -H newc --quiet) | gzip -1 >"$S/initramfs.gz"
log "$tag: system prepared in $(elapsed "$t0") s"

# --- boot -----------------------------------------------------------------------
con=$S/console.log
res_f=$S/result.txt
t1=$(now)
timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg -machine q35 -cpu max \
	-smp 2 -m 1G -display none -monitor none -no-reboot \
	-serial stdio -serial "file:$res_f" \
	-kernel "$IMAGE" -initrd "$S/initramfs.gz" \
	-append "console=ttyS0 rdinit=/init panic=-1 loglevel=4 systemd.firstboot=off" \
	-fsdev "local,id=root,path=$M,security_model=passthrough,multidevs=remap" \
	-device virtio-9p-pci,fsdev=root,mount_tag=root \
	</dev/null 2>"$S/qemu.err" | tr -d '\r' >"$con"
rc=${PIPESTATUS[0]}
log "$tag: boot and test took $(elapsed "$t1") s (qemu status $rc)"
touch "$res_f"
sed -i 's/\r$//' "$res_f"

last() { grep -v '^\s*$' "$con" | tail -1; }
if ! grep -q '^BOOTED' "$res_f"; then
	case "$rc" in
	124|137) why="timeout after ${timeout}s" ;;
	0) why="powered off" ;;
	*) why="qemu exited $rc: $(tail -1 "$S/qemu.err")" ;;
	esac
	res FAIL "$tag/boot" "$why before the test ran; last console line: $(last) ($con)"
else
	res PASS "$tag/boot"
	log "$tag: the test began $(sed -n 's/^BOOTED [^ ]* //p' "$res_f") s after the kernel started"
fi
while IFS= read -r line; do
	case "$line" in
	"# "*) log "$tag: ${line#\# }" ;;
	"ok "*) res PASS "$prefix${line#ok }" ;;
	"not ok "*)
		line=${line#not ok }
		name=${line%% # *}
		reason=${line#* # }
		[ "$reason" = "$line" ] && reason=failed
		res FAIL "$prefix$name" "$reason"
		;;
	esac
done <"$res_f"
if grep -q '^BOOTED' "$res_f"; then
	if grep -q '^DONE' "$res_f"; then
		res PASS "$tag/complete"
	else
		res FAIL "$tag/complete" "the test did not finish (qemu status $rc); last console line: $(last) ($con)"
	fi
fi
splat=$(grep -E 'BUG:|WARNING:|Oops|Kernel panic|general protection fault|Call Trace:' "$con" | head -3 | tr '\n' '|')
if [ -n "$splat" ]; then
	res FAIL "$tag/kernel-log-clean" "${splat%|} ($con)"
else
	res PASS "$tag/kernel-log-clean"
fi
sed -n 's/^# \(systemd-analyze security .*\)/\1/p' "$res_f" >"$S/security-score.txt"
log "$tag: $(elapsed "$t0") s in all"

echo "systemd-vm: $npass passed, $nfail failed"
[ "$nfail" = 0 ]
