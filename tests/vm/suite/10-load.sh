# SPDX-License-Identifier: GPL-2.0
# Both modules load, publish their debugfs directory and device, and unload
# without leaving either behind.
. /tests/lib.sh

t_run insmod-sim insmod $MODDIR/tdx_ext_sim.ko pool_pages=512
if [ -d /sys/kernel/debug/tdx_ext_sim ]; then
	t_ok sim-debugfs-dir
else
	t_fail sim-debugfs-dir "/sys/kernel/debug/tdx_ext_sim missing"
fi

# backend=sim with a small pool, to keep this test about loading.
t_run insmod-driver insmod $MODDIR/tdx_ext.ko backend=sim
if [ -c /dev/tdx_quote ]; then
	t_ok device-node
	# 0600 root:root until a udev rule grants a group.
	t_expect device-mode "crw-------" "$(ls -l /dev/tdx_quote | cut -c1-10)"
	t_run device-open tdx_devtest /dev/tdx_quote
else
	t_fail device-node "/dev/tdx_quote missing"
fi
t_run tdx-quote-ok tdx-quote ok
t_expect driver-version "$(cat /sys/module/tdx_ext/version)" \
	"$(cat /sys/module/tdx_ext_sim/version)"

t_run rmmod-driver rmmod tdx_ext
t_expect device-gone "absent" "$([ -e /dev/tdx_quote ] && echo present || echo absent)"
# The self-check must notice the driver is gone and say what to do.
out=$(tdx-quote ok)
rc=$?
t_expect tdx-quote-ok-unloaded-status 1 $rc
case "$out" in
*"[FAIL] module tdx_ext loaded"*"remedy: modprobe tdx_ext"*) t_ok tdx-quote-ok-unloaded-remedy ;;
*) t_fail tdx-quote-ok-unloaded-remedy "output: $(echo "$out" | tr '\n' ' ')" ;;
esac
t_run rmmod-sim rmmod tdx_ext_sim
t_expect debugfs-gone "absent" \
	"$([ -e /sys/kernel/debug/tdx_ext_sim ] && echo present || echo absent)"

# A second cycle shows that unload really released everything.
t_run reload insmod $MODDIR/tdx_ext_sim.ko pool_pages=512
t_run reload-driver insmod $MODDIR/tdx_ext.ko backend=sim
t_run reunload sh -c "rmmod tdx_ext && rmmod tdx_ext_sim"
