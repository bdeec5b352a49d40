// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_ext_inject: a test-only module that plants one known bug on load, so
 * that the VM harness can prove it notices each kind.  Never shipped; built
 * only by tests/vm.
 *
 *   what=warn     WARN_ON(1)
 *   what=leak     kmalloc() without kfree() (kmemleak)
 *   what=oob      read one byte past a kmalloc(8) (KASAN)
 *   what=lockdep  take two mutexes in both orders (lockdep)
 *   what=hang     never return from init (the harness's boot time limit)
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *what = "";
module_param(what, charp, 0444);
MODULE_PARM_DESC(what, "bug to plant: warn, leak, oob, lockdep or hang");

static void *leaked;

/* Two locks taken in both orders on purpose, for lockdep to see. */
static DEFINE_MUTEX(inject_a);
static DEFINE_MUTEX(inject_b);

static noinline void inject_oob(void)
{
	char *p = kmalloc(8, GFP_KERNEL);

	if (!p)
		return;
	OPTIMIZER_HIDE_VAR(p);
	pr_info("oob read: %d\n", READ_ONCE(p[8]));
	kfree(p);
}

static int __init inject_init(void)
{
	pr_info("planting '%s'\n", what);
	if (!strcmp(what, "warn")) {
		WARN_ON(1);
	} else if (!strcmp(what, "leak")) {
		leaked = kmalloc(256, GFP_KERNEL);
		/* Forget the pointer so that kmemleak sees no reference. */
		leaked = NULL;
	} else if (!strcmp(what, "oob")) {
		inject_oob();
	} else if (!strcmp(what, "lockdep")) {
		mutex_lock(&inject_a);
		mutex_lock(&inject_b);
		mutex_unlock(&inject_b);
		mutex_unlock(&inject_a);
		mutex_lock(&inject_b);
		mutex_lock(&inject_a);
		mutex_unlock(&inject_a);
		mutex_unlock(&inject_b);
	} else if (!strcmp(what, "hang")) {
		for (;;)
			msleep(1000);
	} else {
		pr_err("unknown bug '%s'\n", what);
		return -EINVAL;
	}
	return 0;
}

static void __exit inject_exit(void)
{
}

module_init(inject_init);
module_exit(inject_exit);

MODULE_DESCRIPTION("tdx-ext VM harness self-test: plants known kernel bugs");
MODULE_LICENSE("GPL");
