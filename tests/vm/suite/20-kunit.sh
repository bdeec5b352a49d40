# SPDX-License-Identifier: GPL-2.0
# KUnit suites, on kernels that have KUnit (the debug kernel).  The harness
# builds tdx_ext_kunit.ko only there, so elsewhere this reports nothing.
. /tests/lib.sh

ko=$MODDIR/tdx_ext_kunit.ko
[ -f $ko ] || exit 0

args=
case ",$INJECT," in *,kunit-fail,*) args=fail_on_purpose=1 ;; esac
# KUnit taints the kernel with N (TAINT_TEST, 262144) by design.
echo "TAINT_ALLOW 262144 KUnit" >"$TDX_RESULT"
t_run load insmod $ko $args
res=/sys/kernel/debug/kunit/tdx_ext_common/results
if [ ! -r $res ]; then
	t_fail results "$res missing"
	exit 0
fi
# One result per case: "    ok N name", "    not ok N name", "... # SKIP why".
n=0
while read -r status a b c rest; do
	case "$status $a $b $c $rest" in *"# SKIP"*) continue ;; esac
	case "$status $a" in
	"ok "[0-9]*) name=$b; verdict=ok ;;
	"not ok") name=$c; verdict=fail ;;
	*) continue ;;
	esac
	n=$((n + 1))
	if [ $verdict = ok ]; then t_ok "$name"; else t_fail "$name" "KUnit case failed"; fi
done <<EOF2
$(grep -E '^ +(not )?ok [0-9]+ ' $res)
EOF2
[ $n -gt 0 ] || t_fail results "no KUnit case results in $res"
rmmod tdx_ext_kunit
