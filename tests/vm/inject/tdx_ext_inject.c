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
 *
 * Several, comma-separated, are planted in turn; kunit-* names are left to
 * the KUnit test (tests/vm/suite/20-kunit.sh).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *what = "";
module_param(what, charp, 0444);
MODULE_PARM_DESC(what, "bugs to plant, comma-separated: warn, leak, oob, lockdep, hang");

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

static int plant(const char *bug)
{
	pr_info("planting '%s'\n", bug);
	if (!strcmp(bug, "warn")) {
		WARN_ON(1);
	} else if (!strcmp(bug, "leak")) {
		leaked = kmalloc(256, GFP_KERNEL);
		/* Forget the pointer so that kmemleak sees no reference. */
		leaked = NULL;
	} else if (!strcmp(bug, "oob")) {
		inject_oob();
	} else if (!strcmp(bug, "lockdep")) {
		mutex_lock(&inject_a);
		mutex_lock(&inject_b);
		mutex_unlock(&inject_b);
		mutex_unlock(&inject_a);
		mutex_lock(&inject_b);
		mutex_lock(&inject_a);
		mutex_unlock(&inject_a);
		mutex_unlock(&inject_b);
	} else if (!strcmp(bug, "hang")) {
		for (;;)
			msleep(1000);
	} else if (strncmp(bug, "kunit-", 6)) {	/* kunit-*: not ours */
		pr_err("unknown bug '%s'\n", bug);
		return -EINVAL;
	}
	return 0;
}

/* what=a,b,c plants each in turn, so one boot can test several. */
static int __init inject_init(void)
{
	char buf[128], *p = buf, *bug;
	int ret;

	strscpy(buf, what, sizeof(buf));
	while ((bug = strsep(&p, ","))) {
		ret = plant(bug);
		if (ret)
			return ret;
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
