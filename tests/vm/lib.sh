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
