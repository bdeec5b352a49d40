#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Would a kernel refuse these modules' imports?  For every symbol a module
# takes from the kernel (nm: undefined, strong or weak):
#
#  - the kernel it was built for (--symvers, its Module.symvers) must export
#    it, unless the reference is weak (symbol_get(): NULL when absent);
#  - it must not be in a restricted namespace, "module:NAMES", in that
#    kernel or in any kernel of --also (other kernels' Module.symvers): 7.x
#    exports e.g. cr4_read_shadow to KVM only (EXPORT_SYMBOL_FOR_KVM), and
#    modpost and the module loader refuse every other module that uses it,
#    so a module that uses it on 6.12 is broken on 7.x;
#  - any other namespace it is in, in any of those kernels, must be one the
#    module imports (MODULE_IMPORT_NS, modinfo's import_ns).
#
#   tests/vm/symcheck.sh --symvers FILE [--also FILE]... MODULE.ko...
#
# Prints one line per offending symbol, naming it, the module and the
# kernel; exit status 0 when there is none, 1 otherwise, 2 on bad usage.

set -uo pipefail

own=
also=()
mods=()
while [ $# -gt 0 ]; do
	case "$1" in
	--symvers) own=$2; shift ;;
	--also) also+=("$2"); shift ;;
	-*) echo "symcheck: unknown option '$1'" >&2; exit 2 ;;
	*) mods+=("$1") ;;
	esac
	shift
done
[ -n "$own" ] && [ ${#mods[@]} -gt 0 ] ||
	{ echo "usage: symcheck.sh --symvers FILE [--also FILE]... MODULE.ko..." >&2; exit 2; }
for f in "$own" "${also[@]}" "${mods[@]}"; do
	[ -r "$f" ] || { echo "symcheck: cannot read $f" >&2; exit 2; }
done

bad=0
for m in "${mods[@]}"; do
	imports=$(nm "$m" 2>/dev/null | awk '$1 == "U" || $1 == "w" { print $1, $2 }') ||
		{ echo "symcheck: nm $m failed" >&2; exit 2; }
	ns_ok=$(modinfo -F import_ns "$m" 2>/dev/null | tr '\n' ' ')
	# awk: the symvers files first (FILENAME tells which), then the
	# imports on stdin ("-").  Module.symvers: CRC SYMBOL MODULE TYPE
	# [NAMESPACE], tab-separated.
	out=$(echo "$imports" | awk -F'\t' -v own="$own" -v mod="$(basename "$m")" \
			-v ns_ok=" $ns_ok" '
		FILENAME != "-" {
			if (FILENAME == own) { has[$2] = 1; ns[$2] = $5 }
			if ($5 != "" && !(($2, FILENAME) in seen)) {
				seen[$2, FILENAME] = 1
				other[$2] = other[$2] FILENAME "\t" $5 "\n"
			}
			next
		}
		{
			split($0, f, " ")
			kind = f[1]; sym = f[2]
			if (!(sym in has) && kind == "U")
				print mod ": " sym ": not exported by the kernel it is built for (" own ")"
			n = split(other[sym], l, "\n")
			for (i = 1; i < n; i++) {
				split(l[i], p, "\t")
				if (p[2] ~ /^module:/)
					print mod ": " sym ": exported to " substr(p[2], 8) " only (namespace " p[2] " in " p[1] ")"
				else if (index(ns_ok, " " p[2] " ") == 0)
					print mod ": " sym ": in namespace " p[2] " (" p[1] "), which the module does not import"
			}
		}' "$own" "${also[@]}" -)
	if [ -n "$out" ]; then
		echo "$out"
		bad=1
	fi
done
exit $bad
