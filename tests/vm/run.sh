#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tdx-ext VM test harness.  For each kernel named on the command line:
# build the modules (W=1, sparse) and the test programs, pack an initramfs
# with busybox, the tests, our modules and the kernel modules they depend on,
# boot it under qemu-system-x86_64/TCG, read the verdict from the second
# UART, and scan the console for kernel splats, taint and kmemleak reports.
# Files the guest sends on the third UART (t_artifact) are decoded into
# <boot dir>/artifacts/, then every executable tests/vm/host/*.sh runs as
# "CHECK ARTIFACT_DIR KERNEL_TAG" and its "PASS name" / "FAIL name: reason"
# lines count as results of that kernel.
#
#   tests/vm/run.sh [options] KERNEL...
#
# KERNEL: deb61 deb612 (Debian 12's, installed on this machine), trixie
# (Debian 13's 6.12), trixie-bpo (trixie-backports' 7.x), sid (unstable's
# 7.x), each Debian's own image, and debug (tests/vm/debug-kernel.sh:
# trixie-backports' 7.3 source with packaging/kernel/7.3/*.patch, KASAN,
# lockdep, kmemleak, KUnit, INTEL_TDX_HOST=y).  The trixie and sid kernels
# and their headers live in Debian build roots (tests/vm/debroot.sh): the
# modules are built there, with that Debian's gcc and sparse, as a Debian
# 13 (or sid) host would build them; so are the debug kernel and its
# modules (the trixie root's gcc-14 and sparse).
#
# Every build: W=1 and C=1; no compiler or sparse warning; sparse must have
# checked every C file; no import a kernel of the matrix would refuse
# (tests/vm/symcheck.sh against this kernel's Module.symvers and the
# others').
#
# Options:
#   --results FILE      append "PASS name" / "FAIL name: reason" lines
#   --prefix P          prefix for result names, which are P<kernel>/<test>
#   --suite DIR         guest tests to run (default tests/vm/suite)
#   --inject WHAT       load tests/vm/inject's module with what=WHAT after
#                       the suite, or with kunit-fail add a failing KUnit
#                       case (harness self-test)
#   --timeout SECONDS   limit per boot (default $BOOT_TIMEOUT or 420; the
#                       debug kernel gets twice that: KASAN, lockdep and
#                       kmemleak under TCG run the same suites ~3x slower)
#   --kernel-image PATH boot this image instead of the kernel's own
#   --append ARGS       extra kernel command line
#   --no-build          reuse modules built by an earlier run
#   --modules DIR       use DIR/tdx_ext.ko and DIR/tdx_ext_sim.ko (.ko.xz,
#                       .ko.zst and .ko.gz are decompressed) instead of
#                       building them, e.g. what DKMS installed; one kernel
#   --stream            show the guest console live (make demo)
#   --build-only        build and check the modules, boot nothing
#   --make-args ARGS    more make variables for the module builds (harness
#                       self-test: CHECK=, PAHOLE=)
#   --cpus N            vCPUs (default 2)
#   --icount SHIFT      QEMU's -icount shift=SHIFT,sleep=off: the guest's
#                       clock counts instructions (2^SHIFT ns each), not
#                       the host's time, so what the guest measures is its
#                       own work and not the host's load; one TCG thread
#                       (benchmarks: tests/bench/run.sh)
#
# Exit status: 0 all passed, 1 something failed, 2 the harness could not run.
# Ends with "vmtest: N passed, M failed".

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TDX_LOG_TAG=vmtest
. "$here/lib.sh"

results=
prefix=
suite=$here/suite
inject=
timeout=${BOOT_TIMEOUT:-420}
image_override=
append_extra=
build=1
modules_dir=
stream=0
build_only=0
make_args=()
cpus=2
icount=
kernels=()
ALL_KERNELS="deb61 deb612 trixie trixie-bpo sid debug"

while [ $# -gt 0 ]; do
	case "$1" in
	--results) results=$2; shift ;;
	--prefix) prefix=$2; shift ;;
	--suite) suite=$(cd "$2" && pwd) || die_setup "no suite directory $2"; shift ;;
	--inject) inject=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--kernel-image) image_override=$2; shift ;;
	--append) append_extra=$2; shift ;;
	--no-build) build=0 ;;
	--modules) modules_dir=$(cd "$2" && pwd) || die_setup "no module directory $2"; shift ;;
	--stream) stream=1 ;;
	--build-only) build_only=1 ;;
	--make-args) read -r -a make_args <<<"$2"; shift ;;
	--cpus) cpus=$2; shift ;;
	--icount) icount=$2; shift ;;
	-h|--help) sed -n '3,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	deb61|deb612|trixie|trixie-bpo|sid|debug) kernels+=("$1") ;;
	*) die_setup "unknown argument '$1' (kernels: $ALL_KERNELS)" ;;
	esac
	shift
done
[ ${#kernels[@]} -gt 0 ] || die_setup "name at least one kernel: $ALL_KERNELS"
[ -z "$modules_dir" ] || [ ${#kernels[@]} = 1 ] ||
	die_setup "--modules goes with one kernel, not ${#kernels[@]}"
case "$timeout" in ''|*[!0-9]*) die_setup "--timeout needs whole seconds, not '$timeout'" ;; esac
case "$cpus" in ''|0|*[!0-9]*) die_setup "--cpus needs a number of vCPUs, not '$cpus'" ;; esac
case "$icount" in *[!0-9]*) die_setup "--icount needs a shift (0-10), not '$icount'" ;; esac

for tool in qemu-system-x86_64 busybox cpio gzip modprobe modinfo make gcc timeout; do
	command -v "$tool" >/dev/null ||
		die_setup "'$tool' not found: run tests/vm/setup.sh (or: make check) to install the test dependencies"
done
case "$(LC_ALL=C ldd /bin/busybox 2>&1)" in
*"not a dynamic"*) ;;
*) die_setup "/bin/busybox is missing or not the static busybox: install busybox-static" ;;
esac


# Patterns in the guest console that fail a run whatever the tests said.
# "] not ok N" is a failed KUnit case as printed on the console.
SPLAT_RE='\]\s+not ok [0-9]+ |BUG:|WARNING:|Oops|Kernel panic|kernel BUG|UBSAN:|unreferenced object|Call Trace:|possible circular locking|possible recursive locking|inconsistent lock state|blocked for more than|soft lockup|hard LOCKUP|general protection fault|rcu_.*stall|self-detected stall|DEBUG_LOCKS_WARN_ON|suspicious RCU usage|sleeping function called from invalid context|refcount_t:|list_add corruption|list_del corruption|new suspected memory leaks'
# Taint bits that are expected: O (out-of-tree, 4096) and E (unsigned, 8192).
TAINT_OK=$((4096 | 8192))

# kernel name -> KVER, KDIR (the build tree as make sees it), KDIR_HOST (the
# same seen from here), IMAGE, MODROOT (for modprobe -d), KRUN (the command
# prefix that runs make where that kernel's compiler is: nothing, or
# debroot.sh --run SUITE).
resolve_kernel() {
	local envs root suite
	KRUN=()
	case "$1" in
	deb61|deb612)
		[ -f "$TDX_STATE/kernels.env" ] ||
			die_setup "no $TDX_STATE/kernels.env: run tests/vm/setup.sh first"
		. "$TDX_STATE/kernels.env"
		if [ "$1" = deb61 ]; then KVER=$KVER_61; else KVER=$KVER_612; fi
		KDIR=/lib/modules/$KVER/build
		KDIR_HOST=$KDIR
		IMAGE=/boot/vmlinuz-$KVER
		MODROOT=/
		;;
	trixie|trixie-bpo|sid)
		suite=${1%-bpo}
		envs=$("$here/debroot.sh" "$suite") || exit $?
		eval "$envs"
		case "$1" in
		trixie) KVER=$KVER_TRIXIE; root=$ROOT_TRIXIE ;;
		trixie-bpo) KVER=$KVER_TRIXIE_BPO; root=$ROOT_TRIXIE ;;
		sid) KVER=$KVER_SID; root=$ROOT_SID ;;
		esac
		KDIR=/lib/modules/$KVER/build
		KDIR_HOST=$(root_kdir "$root" "$KVER")
		IMAGE=$root/boot/vmlinuz-$KVER
		MODROOT=$root
		KRUN=("$here/debroot.sh" --run "$suite")
		;;
	debug)
		envs=$("$here/debug-kernel.sh") || exit $?
		eval "$envs"
		KVER=$DEBUG_KVER
		KDIR=$DEBUG_KDIR
		KDIR_HOST=$KDIR
		IMAGE=$DEBUG_BZIMAGE
		MODROOT=$DEBUG_MODROOT
		# Built with the trixie root's gcc-14; its build and source
		# trees (in TDX_CACHE) mounted there at the same paths.
		KRUN=(env "TDX_ROOT_BINDS=$DEBUG_KDIR $DEBUG_SRC"
		      "$here/debroot.sh" --run trixie)
		;;
	esac
	[ -n "$image_override" ] && IMAGE=$image_override
	[ $build_only = 1 ] || [ -f "$IMAGE" ] || die_setup "kernel image $IMAGE not found"
	[ -e "$KDIR_HOST/Makefile" ] || die_setup "no kernel build tree at $KDIR_HOST (headers not installed?)"
}

# The Module.symvers of every other kernel of the matrix that is here
# already (none is built or fetched for this): symcheck.sh --also.
other_symvers() {
	local f
	for f in /lib/modules/*/build/Module.symvers \
		 "$TDX_CACHE"/root-*/usr/src/linux-headers-*/Module.symvers \
		 "$TDX_CACHE"/debug-kernel/build-*/Module.symvers; do
		[ -f "$f" ] && [ "$f" != "$KDIR_HOST/Module.symvers" ] && echo "--also $f"
	done
}

# kmake DIR LOG: build the modules in DIR for the kernel, W=1 and sparse,
# with that kernel's own toolchain.
kmake() {
	"${KRUN[@]}" make -C "$KDIR" M="$1" W=1 C=1 "${make_args[@]}" modules >"$2" 2>&1
}

# check_build NAME DIR LOG: what every build must show: no warning (but
# kbuild's note that the host's pahole is not the kernel's, which says
# nothing about our code), sparse run on every C file (Debian's 7.x
# linux-kbuild lacks scripts/checker-valid.sh, and C=1 then checks
# nothing without a word), no import a kernel would refuse, and no
# reference to the kernel's TDX module initialisation.
check_build() {
	local name=$1 d=$2 log=$3 warns cc ck unchecked out ko refs
	warns=$(grep -E 'warning:|error:' "$log" | grep -v 'pahole version differs')
	if [ -n "$warns" ]; then
		res FAIL "$tag/$name-W1-clean" "$(echo "$warns" | head -1) (+$(($(echo "$warns" | wc -l) - 1)) more; $log)"
	else
		res PASS "$tag/$name-W1-clean"
	fi
	cc=$(sed -n 's/^ *CC \[M\] *//p' "$log" | grep -v -E '(\.mod\.o|(^|/)\.module-common\.o)$' | sed 's/\.o$/.c/' | sort)
	ck=$(sed -n 's/^ *CHECK *//p' "$log" | sort)
	unchecked=$(comm -23 <(echo "$cc") <(echo "$ck") | grep .)
	if [ -z "$cc" ]; then
		res FAIL "$tag/$name-sparse-ran" "no C file compiled? ($log)"
	elif [ -n "$unchecked" ]; then
		res FAIL "$tag/$name-sparse-ran" "C=1 ran no sparse on $(echo "$unchecked" | wc -l) of $(echo "$cc" | wc -l) files, e.g. $(echo "$unchecked" | head -1) ($log)"
	else
		res PASS "$tag/$name-sparse-ran"
	fi
	# shellcheck disable=SC2046
	if out=$("$here/symcheck.sh" --symvers "$KDIR_HOST/Module.symvers" \
			$(other_symvers) "$d"/*.ko 2>&1); then
		res PASS "$tag/$name-imports"
	else
		res FAIL "$tag/$name-imports" "$(echo "$out" | head -3 | tr '\n' '|')"
	fi
	# The kernel initialises the TDX module (7.2 on: at boot) or KVM
	# does (6.16 to 7.1), and only the kernel can ask it for the quoting
	# add-on (packaging/kernel/): a module calling tdx_enable() or
	# tdx_cpu_enable() would at best get a module configured without
	# it.  Neither name may appear anywhere in a module: as an import,
	# as the bare name symbol_get() looks up, in a message or a symbol.
	refs=
	for ko in "$d"/*.ko; do
		[ -f "$ko" ] || continue
		grep -a -q -E 'tdx_(cpu_)?enable' "$ko" || continue
		refs="$refs; $(basename "$ko"): $(strings -a "$ko" | grep -E 'tdx_(cpu_)?enable' |
			sort -u | awk '
			/^[0-7][a-z_]+: / { $0 = substr($0, 2) }	# printk level
			/^tdx_(cpu_)?enable$/ { bare = bare (bare ? ", " : "") "\"" $0 "\"" ; n++; next }
			{ if (m++ < 3) other = other ", \"" substr($0, 1, 40) "\""; n++ }
			END {
				if (bare) printf "%s (the names symbol_get() looks up)", bare
				printf "%s%s", (bare ? other : substr(other, 3)), (m > 3 ? ", ..." : "")
				printf " (%d strings)", n
			}')"
	done
	if [ -n "$refs" ]; then
		res FAIL "$tag/$name-no-tdx-init-refs" "${refs#; }"
	else
		res PASS "$tag/$name-no-tdx-init-refs"
	fi
}

build_progs() {
	local out=$TDX_STATE/progs p
	mkdir -p "$out"
	for p in "$here"/progs/*.c; do
		gcc -std=c11 -D_GNU_SOURCE -static -O2 -Wall -Wextra -Werror \
			-I"$TDX_TOP/include/uapi" -o "$out/$(basename "$p" .c)" "$p" ||
			return 1
	done
	# The tools link libcbor and libcrypto dynamically (Debian ships no
	# static libcbor); make_initramfs copies the shared libraries they need.
	make -s -C "$TDX_TOP/tools" OUT="$TDX_STATE/tools" >/dev/null || return 1
	cp "$TDX_STATE"/tools/tdx-quote "$out/"
	[ ! -x "$TDX_STATE/tools/tdx-qgsd" ] || cp "$TDX_STATE/tools/tdx-qgsd" "$out/"
}

# add_shared_libs ROOT: the shared libraries (and the dynamic loader) of the
# dynamically linked programs in ROOT/usr/bin, at the same paths.
add_shared_libs() {	# root
	local root=$1 f lib
	for f in "$root"/usr/bin/*; do
		ldd "$f" >/dev/null 2>&1 || continue	# static
		ldd "$f" | grep -o '/[^ ]*' | while read -r lib; do
			[ -e "$root$lib" ] && continue
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
	done
}

# Fresh copy, full build, so that every run shows every warning.
build_modules() {	# kname
	local k=$1 d=$TDX_STATE/$1/mod log=$TDX_STATE/$1/build.log m f vm
	if [ -n "$modules_dir" ]; then
		# Modules built elsewhere (--modules): copied, never rebuilt.
		rm -rf "$d"
		mkdir -p "$d"
		for m in tdx_ext tdx_ext_sim; do
			for f in "$modules_dir/$m.ko" "$modules_dir/$m.ko.xz" \
				 "$modules_dir/$m.ko.zst" "$modules_dir/$m.ko.gz" ''; do
				[ -z "$f" ] || [ -f "$f" ] && break
			done
			[ -n "$f" ] || { res FAIL "$tag/modules" "no $m.ko(.xz|.zst|.gz) in $modules_dir"; return 1; }
			ko_cat "$f" >"$d/$m.ko" ||
				{ res FAIL "$tag/modules" "cannot copy or decompress $f"; return 1; }
			vm=$(modinfo -F vermagic "$d/$m.ko" 2>/dev/null)
			case "$vm" in
			"$KVER "*) ;;
			*) res FAIL "$tag/modules" "$f is for '${vm%% *}', not $KVER"; return 1 ;;
			esac
		done
		log "$tag: modules from $modules_dir"
		return 0
	fi
	if [ $build = 0 ] && [ -f "$d/tdx_ext.ko" ]; then
		return 0
	fi
	rm -rf "$d"
	mkdir -p "$d"
	cp -a "$TDX_TOP/Kbuild" "$TDX_TOP/src" "$TDX_TOP/include" "$d/"
	if ! kmake "$d" "$log"; then
		res FAIL "$tag/build" "make W=1 C=1 failed: $(grep -m1 -E 'error|Error' "$log") ($log)"
		return 1
	fi
	check_build build "$d" "$log"
	return 0
}

# KUnit tests, only for kernels built with KUnit.
build_kunit() {
	local d=$TDX_STATE/$1/kunit
	[ $build = 0 ] && [ -f "$d/tdx_ext_kunit.ko" ] && return 0
	rm -rf "$d"
	grep -q '^CONFIG_KUNIT=y' "$KDIR_HOST/.config" 2>/dev/null || return 0
	mkdir -p "$d/src"
	cp -a "$here/../kunit/." "$d/"
	cp -a "$TDX_TOP/src/common" "$d/src/"
	if ! kmake "$d" "$d/build.log"; then
		res FAIL "$tag/build-kunit" "$(grep -m1 -E 'error|Error' "$d/build.log") ($d/build.log)"
		return 1
	fi
	check_build build-kunit "$d" "$d/build.log"
}

# tdx_ext_simtest (tests/vm/simtest), the simulator's test driver, for
# every kernel; like the modules: W=1, sparse, not a single warning.
build_simtest() {
	local d=$TDX_STATE/$1/simtest
	[ $build = 0 ] && [ -f "$d/tdx_ext_simtest.ko" ] && return 0
	rm -rf "$d"
	mkdir -p "$d/src"
	cp -a "$here/simtest/." "$d/"
	cp -a "$TDX_TOP/src/common" "$d/src/"
	if ! kmake "$d" "$d/build.log"; then
		res FAIL "$tag/build-simtest" "$(grep -m1 -E 'error|Error' "$d/build.log") ($d/build.log)"
		return 1
	fi
	check_build build-simtest "$d" "$d/build.log"
}

build_inject() {
	local d=$TDX_STATE/$1/inject
	rm -rf "$d"
	mkdir -p "$d"
	cp -a "$here/inject/." "$d/"
	"${KRUN[@]}" make -C "$KDIR" M="$d" modules >"$d/build.log" 2>&1 ||
		{ tail -5 "$d/build.log" >&2; return 1; }
}

# Copy the kernel's own modules that ours need, in load order.
add_kernel_deps() {	# root ko...
	local root=$1 ko dep deps line path name preload= extra=
	shift
	mkdir -p "$root/lib/tdx/preload"
	# Kernel modules a suite needs besides ours (e.g. vsock_loopback):
	# one name per line in SUITE/kmods.txt; a kernel without one (the
	# debug kernel's small config) just lacks it, and the suite says so.
	if [ -f "$suite/kmods.txt" ]; then
		for dep in $(sed 's/#.*//' "$suite/kmods.txt"); do
			if modprobe -S "$KVER" -d "$MODROOT" --show-depends "$dep" >/dev/null 2>&1; then
				extra="$extra $dep"
			else
				log "$k: kernel module $dep (from $suite/kmods.txt) not available, left out"
			fi
		done
	fi
	for ko in "$@" EXTRA; do
		# Hard dependencies, then soft ones ("pre: sha512"), which
		# the kernel would otherwise request_module() in vain here.
		if [ "$ko" = EXTRA ]; then
			deps=$extra
		else
			deps="$(modinfo -F depends "$ko" | tr ',' ' ') $(modinfo -F softdep "$ko" | sed 's/^pre://; s/post:.*//')"
		fi
		for dep in $deps; do
			while read -r line; do
				case "$line" in
				insmod\ *) ;;
				*) continue ;;
				esac
				path=${line#insmod }
				path=${path%% *}
				name=$(basename "$path")
				name=${name%.xz}
				name=${name%.zst}
				name=${name%.gz}
				case " $preload " in *" $name "*) continue ;; esac
				ko_cat "$path" >"$root/lib/tdx/preload/$name" || return 1
				preload="$preload $name"
			done < <(modprobe -S "$KVER" -d "$MODROOT" --show-depends "$dep" 2>&1 ||
				echo "MISSING $dep")
			if modprobe -S "$KVER" -d "$MODROOT" --show-depends "$dep" 2>&1 |
					grep -q -v -E '^(insmod|builtin) '; then
				echo "kernel module '$dep' needed by $(basename "$ko") not found for $KVER" >&2
				return 1
			fi
		done
	done
	echo "${preload# }"
}

make_initramfs() {	# kname
	local k=$1 root=$rundir/root mods preload
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,etc,tests,usr/bin,lib/tdx/modules}
	cp /bin/busybox "$root/bin/busybox"
	mknod "$root/dev/console" c 5 1
	install -m 0755 "$here/guest/init" "$root/init"
	cp "$here/guest/lib.sh" "$root/tests/lib.sh"
	cp "$suite"/[0-9]*.sh "$root/tests/" 2>/dev/null
	mkdir -p "$root/tests/data"
	cp "$TDX_TOP"/data/*.pem "$root/tests/data/"
	cp "$TDX_STATE"/progs/* "$root/usr/bin/"
	add_shared_libs "$root" || return 1
	mods=("$TDX_STATE/$k/mod/tdx_ext.ko" "$TDX_STATE/$k/mod/tdx_ext_sim.ko")
	case "$inject" in
	''|kunit-fail) ;;
	*) mods+=("$TDX_STATE/$k/inject/tdx_ext_inject.ko") ;;
	esac
	[ -f "$TDX_STATE/$k/kunit/tdx_ext_kunit.ko" ] &&
		mods+=("$TDX_STATE/$k/kunit/tdx_ext_kunit.ko")
	[ -f "$TDX_STATE/$k/simtest/tdx_ext_simtest.ko" ] &&
		mods+=("$TDX_STATE/$k/simtest/tdx_ext_simtest.ko")
	cp "${mods[@]}" "$root/lib/tdx/modules/"
	preload=$(add_kernel_deps "$root" "${mods[@]}") || return 1
	cat >"$root/etc/tdx-test.conf" <<-CONF
	TDX_KERNEL='$k'
	PRELOAD='$preload'
	INJECT='$inject'
	CONF
	(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$rundir/initramfs.gz"
}

# Why a boot ended without a verdict, in one line.
boot_cause() {	# rc console qemu_err
	local rc=$1 con=$2 err=$3 l
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		l=$(grep -v '^\s*$' "$con" | tail -1)
		echo "timeout after ${limit:-$timeout}s (limit per boot); last console line: ${l:-<none>}"
	elif [ "$rc" != 0 ]; then
		echo "qemu exited with status $rc: $(tail -1 "$err")"
	elif l=$(grep -m1 -E 'Kernel panic|Oops|BUG:' "$con"); then
		echo "kernel crashed: $l"
	else
		l=$(grep -v '^\s*$' "$con" | tail -1)
		echo "guest powered off without a verdict; last console line: ${l:-<none>}"
	fi
}

# The artifact channel: "BEGIN NAME", base64 lines, "END NAME".  Each
# complete block becomes $2/NAME; a truncated or undecodable block, or a
# bad name, fails $tag/artifacts.
decode_artifacts() {	# channel_file out_dir
	local f=$1 out=$2 tmp=$2/.b64 what n name bad=
	rm -rf "$out"
	mkdir -p "$tmp"
	[ -s "$f" ] || { rmdir "$tmp"; return 0; }
	while read -r what n name; do
		case "$what" in
		trunc) bad="$bad; $n: no END line (truncated)" ; continue ;;
		esac
		case "$name" in
		''|/*|*..*|*[!A-Za-z0-9._/-]*) bad="$bad; bad name '$name'"; continue ;;
		esac
		mkdir -p "$(dirname "$out/$name")"
		base64 -d "$tmp/$n.b64" >"$out/$name" 2>/dev/null ||
			{ rm -f "$out/$name"; bad="$bad; $name: not valid base64"; }
	done < <(awk -v dir="$tmp" '
		{ sub(/\r$/, "") }
		/^BEGIN / {
			if (cur != "") print "trunc " cur
			cur = substr($0, 7); n++; file = dir "/" n ".b64"
			printf "" >file
			next
		}
		/^END / {
			if (cur != "" && substr($0, 5) == cur) { close(file); print "ok " n " " cur }
			else if (cur != "") print "trunc " cur
			cur = ""
			next
		}
		cur != "" { print >file }
		END { if (cur != "") print "trunc " cur }' "$f")
	rm -rf "$tmp"
	[ -z "$bad" ] || res FAIL "$tag/artifacts" "${bad#; } ($f)"
}

# Host-side checks of the artifacts: tests/vm/host/*.sh ARTIFACT_DIR TAG.
run_host_checks() {	# artifact_dir
	local h out rc line name errf
	for h in "$here"/host/*.sh; do
		[ -x "$h" ] || continue
		name=$(basename "$h" .sh)
		errf=$rundir/host-$name.err
		out=$("$h" "$1" "$tag" 2>"$errf")
		rc=$?
		while IFS= read -r line; do
			case "$line" in
			"PASS "*) res PASS "$tag/${line#PASS }" ;;
			"FAIL "*)
				line=${line#FAIL }
				res FAIL "$tag/${line%%: *}" "${line#*: }"
				;;
			'') ;;
			*) log "$tag: host/$name: $line" ;;
			esac
		done <<<"$out"
		if [ "$rc" != 0 ] && ! grep -q '^FAIL ' <<<"$out"; then
			res FAIL "$tag/host/$name" "exited $rc without a FAIL line: $(tail -1 "$errf") ($errf)"
		fi
	done
}

boot_and_check() {	# kname
	local k=$1 dir=$rundir rc t0 append con res_f err art_f
	con=$dir/console.log
	res_f=$dir/result.txt
	err=$dir/qemu.err
	art_f=$dir/artifacts.txt
	rm -f "$con" "$res_f" "$err" "$art_f"
	append="console=ttyS0 loglevel=7 panic=-1 oops=panic rdinit=/init"
	# SLUB's own checks on Debian's kernels; on the debug kernel, where
	# KASAN does them, only U (alloc/free owners): any slub_debug flag
	# takes the per-CPU sheaves away from a cache (7.3.4 mm/slub.c:7880,
	# calculate_sheaf_capacity()), and a sheaf keeps the pointer to an
	# object it handed out in a slot kmemleak scans (:4855-4870,
	# alloc_from_pcs()), so that a leaked object never looks leaked.
	if [ "$k" = debug ]; then
		append="$append slub_debug=U"
	else
		append="$append slub_debug=FZPU"
	fi
	[ -n "$append_extra" ] && append="$append $append_extra"
	# TCG's "max" CPU says AuthenticAMD.  The debug kernel has host TDX:
	# an Intel CPU there takes the hw backend past its vendor check to
	# the BIOS one, as on an Intel host whose firmware left TDX off.
	local cpu=max limit=$timeout
	[ "$k" = debug ] && cpu=max,vendor=GenuineIntel
	# A hang detector, not a timing check: the debug kernel is slower.
	[ "$k" = debug ] && limit=$((timeout * 2))
	local try qemu_time=()
	[ -n "$icount" ] && qemu_time=(-icount "shift=$icount,sleep=off")
	for try in 1 2; do
		rm -f "$con" "$res_f" "$art_f" "$err"
		t0=$(now)
		timeout -k 10 "$limit" qemu-system-x86_64 -accel tcg -machine q35 \
			-cpu "$cpu" -smp "$cpus" "${qemu_time[@]}" -m 1G -display none -monitor none -no-reboot \
			-serial stdio -serial "file:$res_f" -serial "file:$art_f" \
			-kernel "$IMAGE" -initrd "$dir/initramfs.gz" -append "$append" \
			</dev/null 2>"$err" | tr -d '\r' |
			if [ $stream = 1 ]; then
				# Live, from /init on; the boot messages stay in the log.
				tee "$con" | awk 'f || /^\[init\]/ { f = 1; print; fflush() }'
			else
				cat >"$con"
			fi
		rc=${PIPESTATUS[0]}
		log "$tag: boot took $(elapsed "$t0") s (qemu status $rc)"
		[ -f "$res_f" ] && sed -i 's/\r$//' "$res_f"
		touch "$res_f"
		# A kernel that crashed before /init ran none of our code (no
		# module of ours is loaded yet).  Under multi-threaded TCG, code
		# patching with int3 on another vCPU occasionally oopses an
		# untainted Debian kernel at boot: boot once more, and say so.
		# A kernel that crashes twice is reported as it is.
		if [ $try = 1 ] && [ "$rc" = 0 ] && ! grep -q '^BOOTED' "$res_f" &&
		   grep -qE 'Kernel panic|Oops' "$con" && ! grep -q 'Run /init' "$con"; then
			warn "$tag: kernel crashed before /init ($(grep -m1 -E 'Oops|Kernel panic' "$con")); booting again"
			cp "$con" "$con.first-boot"
			continue
		fi
		break
	done

	if ! grep -q '^BOOTED' "$res_f"; then
		res FAIL "$tag/boot" "$(boot_cause "$rc" "$con" "$err") (console: $con)"
		return
	fi
	res PASS "$tag/boot"

	local line name reason
	while IFS= read -r line; do
		case "$line" in
		"# "*) echo "$tag: ${line#\# }" ;;	# figures, not results
		"ok "*) res PASS "$tag/${line#ok }" ;;
		"not ok "*)
			line=${line#not ok }
			name=${line%% # *}
			reason=${line#* # }
			[ "$reason" = "$line" ] && reason="failed"
			res FAIL "$tag/$name" "$reason"
			;;
		esac
	done <"$res_f"

	decode_artifacts "$art_f" "$dir/artifacts"
	run_host_checks "$dir/artifacts"

	if grep -q '^DONE' "$res_f"; then
		res PASS "$tag/suite-complete"
	else
		res FAIL "$tag/suite-complete" "$(boot_cause "$rc" "$con" "$err") (console: $con)"
	fi

	local splat
	# Up to eight lines that name what happened (not the traces under them).
	splat=$(grep -E "$SPLAT_RE" "$con" | grep -v 'Call Trace:' | head -8 | tr '\n' '|')
	[ -n "$splat" ] || splat=$(grep -E "$SPLAT_RE" "$con" | head -3 | tr '\n' '|')
	if [ -n "$splat" ]; then
		res FAIL "$tag/kernel-log-clean" "kernel splat: ${splat%|} (console: $con)"
	else
		res PASS "$tag/kernel-log-clean"
	fi

	# A test may declare a taint it causes by design ("TAINT_ALLOW bits why"),
	# e.g. N (TAINT_TEST) from loading a KUnit module.
	local taint allow=$TAINT_OK bits
	for bits in $(sed -n 's/^TAINT_ALLOW \([0-9]*\).*/\1/p' "$res_f"); do
		allow=$((allow | bits))
	done
	taint=$(sed -n 's/^TAINT_END //p' "$res_f")
	if [ -z "$taint" ]; then
		res FAIL "$tag/taint" "no final taint reading"
	elif [ $((taint & ~allow)) != 0 ]; then
		res FAIL "$tag/taint" "kernel tainted $taint, unexpected bits $((taint & ~allow)) (allowed: O, E$( [ $allow != $TAINT_OK ] && echo ", $((allow & ~TAINT_OK)) declared by tests"); see Documentation/admin-guide/tainted-kernels.rst)"
	else
		res PASS "$tag/taint"
	fi

	# What the guest could not see itself: lines of its own shutdown.
	local name re
	while read -r _ name re; do
		if ! grep -q '^DONE' "$res_f"; then
			res FAIL "$tag/at-poweroff/$name" "the suite did not complete"
		elif sed -n '/\[init\] DONE/,$p' "$con" | grep -qE -- "$re"; then
			res PASS "$tag/at-poweroff/$name"
		else
			res FAIL "$tag/at-poweroff/$name" "no console line after DONE matches '$re' (console: $con)"
		fi
	done < <(grep '^AT_POWEROFF ' "$res_f")

	if grep -q '^KMEMLEAK_ARMED' "$res_f"; then
		local leaks
		leaks=$(grep '^KMEMLEAK ' "$res_f" | sed 's/^KMEMLEAK //')
		if ! grep -q '^KMEMLEAK_DONE' "$res_f"; then
			res FAIL "$tag/kmemleak" "kmemleak scan did not complete"
		elif [ -n "$leaks" ]; then
			res FAIL "$tag/kmemleak" "kmemleak: $(echo "$leaks" | grep -c 'unreferenced object') unreferenced object(s): $(echo "$leaks" | grep -m1 'unreferenced object') / $(echo "$leaks" | grep -m1 -E '^\s+\[<' | sed 's/^ *//')"
		else
			res PASS "$tag/kmemleak"
		fi
	fi
}

[ -d "$suite" ] || die_setup "no suite directory $suite"
[ $build_only = 1 ] || build_progs || die_setup "building the test programs failed"
for k in "${kernels[@]}"; do
	resolve_kernel "$k"
	tag=$prefix$k
	# Each run keeps its own initramfs and logs; the modules are shared.
	rundir=$TDX_STATE/$k/boot$(echo "${prefix:+-$prefix}" | tr -c 'A-Za-z0-9_.\n-' -)
	log "$tag: kernel $KVER ($IMAGE)"
	mkdir -p "$TDX_STATE/$k" "$rundir"
	if build_modules "$k"; then
		case "$inject" in
		''|kunit-fail) ;;
		*) build_inject "$k" ||
			die_setup "building the inject module for $KVER failed" ;;
		esac
		build_kunit "$k"
		build_simtest "$k"
		if [ $build_only = 1 ]; then
			log "$tag: built and checked; not booted (--build-only)"
		elif make_initramfs "$k"; then
			boot_and_check "$k"
		else
			res FAIL "$tag/initramfs" "could not assemble the initramfs for $KVER"
		fi
	fi
done

echo "vmtest: $npass passed, $nfail failed"
[ $nfail = 0 ]
