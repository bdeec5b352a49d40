// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_ext: TDX Module Extensions and DICE-based TDX quoting for the host.
 *
 * On load: pick the backend (hardware, or the simulator when asked for),
 * read the TDX module's metadata, give it the Extensions memory pool,
 * initialise Extensions and quoting, and publish /dev/tdx_quote.  Every
 * SEAMCALL runs on the engine kthread (tdx_ext_engine.c).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "tdx_ext.h"
#include "tdx_ext_version.h"
#include "tdx_sim_api.h"

static char *backend = "auto";
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend, "auto (default: the TDX module of this host, never the simulator), hw, or sim (tdx_ext_sim, for testing: quotes are not trustworthy)");

static uint timeout = 30;
module_param(timeout, uint, 0444);
MODULE_PARM_DESC(timeout, "deadline of one SEAMCALL, resumes included, in seconds (default: 30)");

static uint queue_depth = 64;
module_param(queue_depth, uint, 0444);
MODULE_PARM_DESC(queue_depth, "quote requests that may wait for the engine (default: 64)");

static bool hw_probe;
module_param(hw_probe, bool, 0444);
MODULE_PARM_DESC(hw_probe, "test only: with backend=hw, issue one raw SEAMCALL before refusing, to prove its fault handling (default: 0)");

struct tdx_ext tdx_ext;

static u64 (*sim_call)(u64 fn, struct tdx_ext_args *args);

/* .call is set once the simulator's dispatcher is found */
static struct tdx_ext_seam sim_seam = {
	.name = "sim",
};

static int tdx_quote_open(struct inode *inode, struct file *file)
{
	return nonseekable_open(inode, file);
}

static const struct file_operations tdx_quote_fops = {
	.owner		= THIS_MODULE,
	.open		= tdx_quote_open,
	.unlocked_ioctl	= tdx_ext_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static struct miscdevice tdx_quote_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "tdx_quote",
	.fops	= &tdx_quote_fops,
	.mode	= 0600,
	.groups	= tdx_ext_groups,
};

static int get_backend(void)
{
	int ret;

	if (!strcmp(backend, "sim")) {
		sim_call = symbol_request(tdx_sim_seamcall);
		if (!sim_call) {
			pr_err("backend=sim: the simulated TDX module is not available (modprobe tdx_ext_sim)\n");
			return -ENODEV;
		}
		sim_seam.call = sim_call;
		tdx_ext.seam = &sim_seam;
		pr_warn("backend=sim: using the SIMULATED TDX module; its quotes are not trustworthy\n");
		return 0;
	}
	if (strcmp(backend, "auto") && strcmp(backend, "hw")) {
		pr_err("backend=%s: unknown; use auto, hw or sim\n", backend);
		return -EINVAL;
	}
	/* auto is hardware only: never a silent fall back to the simulator */
	ret = tdx_ext_hw_get(&tdx_ext.seam);
	if (ret && hw_probe)
		pr_info("hw_probe: raw SEAMCALL returned %#llx\n",
			tdx_ext_hw_probe_seamcall());
	return ret;
}

static void put_backend(void)
{
	if (sim_call) {
		symbol_put(tdx_sim_seamcall);
		sim_call = NULL;
	} else {
		tdx_ext_hw_put();
	}
	tdx_ext.seam = NULL;
}

static int sys_rd(u64 field, u64 *val)
{
	struct tdx_ext_args args = { .rdx = field };
	u64 status;
	int ret;

	ret = tdx_ext_seamcall(TDH_SYS_RD, TDX_EXT_RESUME_REISSUE, &args,
			       &status);
	if (!ret && status != TDX_SUCCESS)
		ret = -EIO;
	if (!ret)
		*val = args.r8;
	return ret ? ret : 0;
}

/* u32 field id first; older TDX modules only know the u16 one. */
static int read_pool_pages(u64 *pages)
{
	struct tdx_ext_args args = { .rdx = TDX_MD_MEMORY_POOL_REQUIRED_PAGES };
	u64 status;
	int ret;

	ret = tdx_ext_seamcall(TDH_SYS_RD, TDX_EXT_RESUME_REISSUE, &args,
			       &status);
	if (!ret && status == TDX_SUCCESS) {
		*pages = args.r8;
		return 0;
	}
	if (TDX_STATUS_CLASS(status) != TDX_METADATA_FIELD_ID_INCORRECT)
		return ret ?: -EIO;
	return sys_rd(TDX_MD_MEMORY_POOL_REQUIRED_PAGES_U16, pages);
}

/* A leaf without inputs, re-issued until done: EXT.INIT, QUOTE.INIT. */
static int simple_leaf(u64 leaf, u64 *status)
{
	struct tdx_ext_args args = { };

	return tdx_ext_seamcall(leaf, TDX_EXT_RESUME_REISSUE, &args, status);
}

static int bring_up_ext(void)
{
	u64 ext_required, status;
	int ret;

	ret = sys_rd(TDX_MD_FEATURES0, &tdx_ext.features);
	if (ret) {
		pr_err("cannot read TDX_FEATURES0: %d\n", ret);
		return ret;
	}
	if (!(tdx_ext.features & TDX_FEATURES0_EXT)) {
		pr_err("this TDX module has no Extensions (TDX_FEATURES0 %#llx)\n",
		       tdx_ext.features);
		return -ENODEV;
	}
	ret = sys_rd(TDX_MD_EXT_REQUIRED, &ext_required);
	if (!ret && ext_required)
		ret = read_pool_pages(&tdx_ext.pool_required);
	if (ret) {
		pr_err("cannot read the Extensions metadata: %d\n", ret);
		return ret;
	}
	if (!ext_required || !tdx_ext.pool_required)
		return 0;	/* nothing to give, nothing to initialise */

	ret = tdx_ext_pool_donate();
	if (ret)
		return ret;
	ret = simple_leaf(TDH_EXT_INIT, &status);
	if (status == TDX_EXT_ALREADY_INITIALIZED)
		return 0;	/* reloaded driver: the TDX module kept it */
	if (ret || status != TDX_SUCCESS) {
		pr_err("TDH.EXT.INIT failed: status %#llx, error %d\n", status,
		       ret);
		return ret ?: -EIO;
	}
	return 0;
}

/* Best effort: without it the module stays, with quoting unavailable. */
static void bring_up_quote(void)
{
	u64 status = 0, size;
	int ret;

	if (!(tdx_ext.features & TDX_FEATURES0_QUOTE)) {
		pr_info("this TDX module has no DICE quoting\n");
		return;
	}
	ret = simple_leaf(TDH_QUOTE_INIT, &status);
	if (!ret && status == TDX_SUCCESS)
		ret = sys_rd(TDX_MD_MAX_QUOTE_SIZE, &size);
	if (ret || status != TDX_SUCCESS) {
		tdx_ext.quote_init_status = status;
		pr_err("quoting unavailable: TDH.QUOTE.INIT status %#llx, error %d\n",
		       status, ret);
		return;
	}
	tdx_ext.max_quote_size = size;
	ret = tdx_ext_quote_init();
	if (ret) {
		pr_err("quoting unavailable: no memory for a %llu-byte quote buffer\n",
		       size);
		return;
	}
	WRITE_ONCE(tdx_ext.state, TDX_EXT_STATE_QUOTE_READY);
}

static int __init tdx_ext_init(void)
{
	int ret;

	if (!timeout || !queue_depth) {
		pr_err("timeout and queue_depth must be at least 1\n");
		return -EINVAL;
	}
	tdx_ext.timeout_s = timeout;
	tdx_ext.queue_depth = queue_depth;
	tdx_ext.state = TDX_EXT_STATE_INIT;

	ret = get_backend();
	if (ret)
		return ret;
	ret = tdx_ext_engine_start();
	if (ret)
		goto err_backend;
	ret = bring_up_ext();
	if (ret)
		goto err_engine;
	WRITE_ONCE(tdx_ext.state, TDX_EXT_STATE_EXT_READY);
	bring_up_quote();

	ret = misc_register(&tdx_quote_miscdev);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n",
		       tdx_quote_miscdev.name, ret);
		goto err_engine;
	}
	pr_info("version %s: backend %s, pool %llu pages (%llu KiB, %llu given by this load), quoting %s\n",
		TDX_EXT_VERSION, tdx_ext.seam->name, tdx_ext.pool_required,
		tdx_ext.pool_required * (PAGE_SIZE / 1024), tdx_ext.pool_donated,
		tdx_ext.state == TDX_EXT_STATE_QUOTE_READY ? "ready" : "unavailable");
	return 0;

err_engine:
	tdx_ext_engine_stop();
	tdx_ext_quote_exit();
err_backend:
	put_backend();
	if (tdx_ext.pool_donated)
		pr_err("%llu pool pages stay with the TDX module (never freed)\n",
		       tdx_ext.pool_donated);
	return ret;
}

static void __exit tdx_ext_exit(void)
{
	misc_deregister(&tdx_quote_miscdev);
	tdx_ext_engine_stop();
	tdx_ext_quote_exit();
	put_backend();
	if (tdx_ext.pool_donated)
		pr_info("unloaded; the %llu pool pages this load gave stay with the TDX module\n",
			tdx_ext.pool_donated);
}

module_init(tdx_ext_init);
module_exit(tdx_ext_exit);

MODULE_DESCRIPTION("Intel TDX Module Extensions and DICE quoting for the host");
MODULE_AUTHOR("tdx-ext developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(TDX_EXT_VERSION);
