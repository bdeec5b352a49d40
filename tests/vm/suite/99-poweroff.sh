# SPDX-License-Identifier: GPL-2.0
# Last: leave the simulator and the driver loaded, so that /init's poweroff
# runs tdx_ext's reboot notifier (issue 15 item 9, docs/hardware.md
# section 5): the engine stops before the kernel's shutdown path, which
# on a 7.x TDX host issues TDH.SYS.DISABLE next.  The notifier's line is
# only on the console after /init is done, so the host judges it
# (at-poweroff/...).  With the simulator there are no caches to write
# back; the line says which.
. /tests/lib.sh

if sim_load load-sim && t_run load-driver insmod "$MODDIR/tdx_ext.ko" backend=sim
then
	t_expect driver-loaded yes \
		"$(grep -q '^tdx_ext ' /proc/modules && echo yes || echo no)"
	t_at_poweroff reboot-notifier 'tdx_ext: reboot: engine stopped$'
fi
