#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make demo": set up (packages, no debug kernel), build the modules for
# Debian's 6.12 kernel, boot it in QEMU and run the main job step by step
# with the guest console shown live.  Works whatever kernel this machine
# runs, since the kernel under test is booted in QEMU.

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
TDX_LOG_TAG=demo
. "$here/lib.sh"

log "step 0: install what is missing (qemu, busybox, Debian kernels 6.1 and 6.12)"
"$here/setup.sh" --no-debug || exit 2
log "building tdx_ext.ko and tdx_ext_sim.ko for Debian 6.12 and booting it under QEMU (TCG)"
"$here/run.sh" --stream --prefix demo/ --suite "$here/demo" "${DEMO_KERNEL:-deb612}"
