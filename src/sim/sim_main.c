// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_ext_sim: a simulated TDX module for hosts without TDX.
 *
 * Loaded on purpose, like netdevsim: "modprobe tdx_ext backend=sim" pulls it
 * in.  For now it only publishes its debugfs directory; the SEAMCALL
 * dispatcher arrives with the simulator proper.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/module.h>

#include "tdx_ext_version.h"

static struct dentry *sim_debugfs;

static int __init tdx_sim_init(void)
{
	/*
	 * debugfs_create_dir() returns an ERR_PTR when debugfs is absent;
	 * the simulator's controls live there, so refuse to load without it.
	 */
	sim_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	if (IS_ERR(sim_debugfs)) {
		pr_err("debugfs is required for the simulator's controls: %ld\n",
		       PTR_ERR(sim_debugfs));
		return PTR_ERR(sim_debugfs);
	}
	pr_info("version %s loaded: SIMULATED TDX module, quotes are not trustworthy\n",
		TDX_EXT_VERSION);
	return 0;
}

static void __exit tdx_sim_exit(void)
{
	debugfs_remove_recursive(sim_debugfs);
}

module_init(tdx_sim_init);
module_exit(tdx_sim_exit);

MODULE_DESCRIPTION("Simulated Intel TDX module with Extensions, for testing tdx_ext");
MODULE_AUTHOR("tdx-ext developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(TDX_EXT_VERSION);
