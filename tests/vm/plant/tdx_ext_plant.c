// SPDX-License-Identifier: GPL-2.0
/*
 * A planted fault for the harness self-test (tests/vm/selftest.sh): it
 * reads CR4 through cr4_read_shadow(), which 6.x exports to every module
 * but 7.x to KVM only (EXPORT_SYMBOL_FOR_KVM).  It builds and loads on
 * 6.12; tests/vm/symcheck.sh must refuse it by name all the same, and
 * modpost refuses it on 7.x.  Never loaded.
 */

#include <linux/module.h>
#include <asm/tlbflush.h>

static int __init plant_init(void)
{
	pr_info("tdx_ext_plant: cr4 %lx\n", cr4_read_shadow());
	return 0;
}
module_init(plant_init);

MODULE_DESCRIPTION("tdx-ext harness self-test: a restricted import");
MODULE_LICENSE("GPL");
