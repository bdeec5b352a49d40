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
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/stringify.h>

#include "tdx_ext.h"
#include "tdx_ext_version.h"
#include "tdx_sim_api.h"

static char *backend = "auto";
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend, "auto (default: this host's TDX module as the kernel initialised it; never the simulator), hw, or sim (tdx_ext_sim, for testing: quotes are not trustworthy)");

/*
 * timeout and queue_depth are checked where they are parsed, before
 * tdx_ext_init() runs: a value out of range fails the load with -EINVAL and
 * one "refused:" line naming the parameter and its range, and
 * /sys/module/tdx_ext/parameters/ only ever shows values in range.
 *
 * timeout: 1 s to 1 hour.  The engine computes jobs' deadlines in jiffies
 * (timeout * HZ, at most 3.6 million at HZ=1000: no overflow on any HZ),
 * and an unload waits up to one deadline for the request in flight.
 * queue_depth: 1 to 4096 waiting requests, each holding up to 4 KiB of
 * input (about 20 MiB in all at most).
 */
#define TDX_EXT_TIMEOUT_MAX	3600
#define TDX_EXT_QUEUE_DEPTH_MAX	4096

static int param_set_bounded(const char *val, const struct kernel_param *kp,
			     unsigned int max, const char *unit)
{
	if (param_set_uint_minmax(val, kp, 1, max)) {
		tdx_ext_refuse("give a value in range, or leave it out for the default",
			       "%s=%s is not a whole number from 1 to %u (%s)",
			       kp->name, val, max, unit);
		return -EINVAL;
	}
	return 0;
}

static int timeout_set(const char *val, const struct kernel_param *kp)
{
	return param_set_bounded(val, kp, TDX_EXT_TIMEOUT_MAX, "seconds");
}

static int queue_depth_set(const char *val, const struct kernel_param *kp)
{
	return param_set_bounded(val, kp, TDX_EXT_QUEUE_DEPTH_MAX, "requests");
}

static const struct kernel_param_ops timeout_ops = {
	.set = timeout_set,
	.get = param_get_uint,
};

static const struct kernel_param_ops queue_depth_ops = {
	.set = queue_depth_set,
	.get = param_get_uint,
};

static uint timeout = 30;
module_param_cb(timeout, &timeout_ops, &timeout, 0444);
__MODULE_PARM_TYPE(timeout, "uint");
MODULE_PARM_DESC(timeout,
		 "deadline of one SEAMCALL, resumes included, in seconds, 1 to "
		 __stringify(TDX_EXT_TIMEOUT_MAX)
		 "; an unload waits up to one deadline (default: 30)");

static uint queue_depth = 64;
module_param_cb(queue_depth, &queue_depth_ops, &queue_depth, 0444);
__MODULE_PARM_TYPE(queue_depth, "uint");
MODULE_PARM_DESC(queue_depth,
		 "quote requests that may wait for the engine, 1 to "
		 __stringify(TDX_EXT_QUEUE_DEPTH_MAX) " (default: 64)");

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
	}
	tdx_ext.seam = NULL;
}

/* One metadata field; *status is the TDX module's answer. */
static int sys_rd_status(u64 field, u64 *val, u64 *status)
{
	struct tdx_ext_args args = { .rdx = field };
	int ret;

	*status = TDX_EXT_NO_CALL;
	ret = tdx_ext_seamcall(TDH_SYS_RD, TDX_EXT_RESUME_REISSUE, &args,
			       status);
	if (!ret && *status != TDX_SUCCESS)
		ret = -EIO;
	if (!ret)
		*val = args.r8;
	return ret;
}

static int sys_rd(u64 field, u64 *val)
{
	u64 status;

	return sys_rd_status(field, val, &status);
}

/*
 * The TDX module's version, or 0.0.0 from a module without these fields
 * (the kernel reads them from 7.2 on).  *status is the first read's: the
 * caller judges the platform by it.
 */
static int read_version(u16 *version, u16 *build, u64 *status)
{
	static const u64 ids[] = { TDX_MD_MAJOR_VERSION, TDX_MD_MINOR_VERSION,
				   TDX_MD_UPDATE_VERSION };
	u64 val, st;
	int i, ret;

	ret = sys_rd_status(ids[0], &val, status);
	if (ret && TDX_STATUS_CLASS(*status) == TDX_METADATA_FIELD_ID_INCORRECT) {
		memset(version, 0, 3 * sizeof(*version));
		*build = 0;
		return 0;
	}
	if (ret)
		return ret;
	version[0] = val;
	for (i = 1; i < ARRAY_SIZE(ids); i++) {
		ret = sys_rd_status(ids[i], &val, &st);
		if (ret)
			return ret;
		version[i] = val;
	}
	*build = sys_rd(TDX_MD_BUILD_NUM, &val) ? 0 : val;
	return 0;
}

#define REMEDY_NO_EXT \
	"a TDX module with Extensions (TDX_FEATURES0 bit 39), by a BIOS or TDX module update"
#define REMEDY_REBOOT_POOL \
	"reboot: the pool given at load stays with the TDX module, never given twice"
#define REMEDY_BIOS \
	"enable TDX in the firmware setup and check the \"virt/tdx:\" boot lines"

/*
 * The first SEAMCALL tells whether the kernel brought the TDX module up
 * at all.  One "refused:" line for each way it did not.
 */
static int probe_module(void)
{
	u64 status;
	int ret;

	ret = read_version(tdx_ext.version, &tdx_ext.build, &status);
	if (!ret)
		return 0;
	switch (status) {
	case TDX_SEAMCALL_UD:
		tdx_ext_refuse(TDX_EXT_INIT_REMEDY,
			       "VMX is off, so no SEAMCALL can reach the TDX module (SEAMCALL raised #UD)");
		return -ENODEV;
	case TDX_SEAMCALL_VMFAILINVALID:
		tdx_ext_refuse(REMEDY_BIOS,
			       "no TDX module is loaded (SEAMCALL VMfailInvalid): the BIOS did not enable TDX or load its TDX module");
		return -ENODEV;
	case TDX_SEAMCALL_GP:
		tdx_ext_refuse(REMEDY_BIOS,
			       "SEAM mode is not enabled (SEAMCALL raised #GP): the BIOS did not enable TDX");
		return -ENODEV;
	}
	switch (TDX_STATUS_CLASS(status)) {
	case TDX_SYS_LP_INIT_NOT_DONE:
	case TDX_SYS_NOT_READY:
		tdx_ext_refuse(TDX_EXT_INIT_REMEDY,
			       "the TDX module is not initialised yet (TDH.SYS.RD status %#llx)",
			       status);
		return -ENODEV;
	}
	tdx_ext_refuse("see the \"virt/tdx:\" boot lines",
		       "cannot read the TDX module's version: TDH.SYS.RD status %#llx, error %d",
		       status, ret);
	return ret;
}

/*
 * u32 field id first; older TDX modules only know the u16 one.  Only the
 * TDX module's own answer (-EIO with FIELD_ID_INCORRECT) means "try the
 * other id": a call that never ran (-ENOMEM) is an error as it is.
 */
static int read_pool_pages(u64 *pages)
{
	u64 status = TDX_EXT_NO_CALL;
	int ret;

	ret = sys_rd_status(TDX_MD_MEMORY_POOL_REQUIRED_PAGES, pages, &status);
	if (ret != -EIO ||
	    TDX_STATUS_CLASS(status) != TDX_METADATA_FIELD_ID_INCORRECT)
		return ret;
	return sys_rd(TDX_MD_MEMORY_POOL_REQUIRED_PAGES_U16, pages);
}

/*
 * A leaf without inputs, re-issued until done: EXT.INIT, QUOTE.INIT.
 * *status is TDX_EXT_NO_CALL when the call failed before it was queued.
 */
static int simple_leaf(u64 leaf, u64 *status)
{
	struct tdx_ext_args args = { };

	*status = TDX_EXT_NO_CALL;
	return tdx_ext_seamcall(leaf, TDX_EXT_RESUME_REISSUE, &args, status);
}

static int bring_up_ext(void)
{
	u64 ext_required, status;
	int ret;

	ret = probe_module();
	if (ret)
		return ret;
	ret = sys_rd(TDX_MD_FEATURES0, &tdx_ext.features);
	if (ret) {
		pr_err("cannot read TDX_FEATURES0: %d\n", ret);
		return ret;
	}
	if (!(tdx_ext.features & TDX_FEATURES0_EXT)) {
		tdx_ext_refuse(REMEDY_NO_EXT,
			       "this TDX module (version %u.%u.%u) has no Extensions (TDX_FEATURES0 %#llx)",
			       tdx_ext.version[0], tdx_ext.version[1],
			       tdx_ext.version[2], tdx_ext.features);
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
	/*
	 * TDX_EXT_ALREADY_INITIALIZED is an error status (-EIO); a call that
	 * never ran leaves TDX_EXT_NO_CALL, so it cannot pass for it.
	 */
	ret = simple_leaf(TDH_EXT_INIT, &status);
	if (ret == -EIO && status == TDX_EXT_ALREADY_INITIALIZED)
		return 0;	/* reloaded driver: the TDX module kept it */
	if (ret || status != TDX_SUCCESS) {
		pr_err("TDH.EXT.INIT failed: status %#llx, error %d\n", status,
		       ret);
		return ret ?: -EIO;
	}
	return 0;
}

#define REMEDY_CONFIG \
	"boot a kernel with the patch in packaging/kernel/ (TDH.SYS.CONFIG v1 with the quoting add-on), then load tdx_ext"
#define REMEDY_UPDATE \
	"boot a kernel with the patch in packaging/kernel/ (TDH.SYS.UPDATE v1 with the quoting add-on), or reboot"

/*
 * Quoting is unavailable: keep "cause; remedy: what to do" for sysfs
 * (diagnosis) and say it in the log.  At load, or under recover_lock.
 */
static __printf(2, 3) void unavailable(const char *remedy, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(tdx_ext.diag, sizeof(tdx_ext.diag), fmt, ap);
	va_end(ap);
	scnprintf(tdx_ext.diag + n, sizeof(tdx_ext.diag) - n, "; remedy: %s",
		  remedy);
	pr_err("quoting unavailable: %s\n", tdx_ext.diag);
}

/**
 * tdx_ext_quote_size_ok() - is MAX_QUOTE_SIZE one the driver can serve?
 * @size: the TDX module's MAX_QUOTE_SIZE, as TDH.SYS.RD returned it (R8,
 *	  64 bits, although the field is a u32)
 *
 * 0 would give an empty output list; above TDX_EXT_MAX_QUOTE_CAP (and so
 * above 4 GiB, which a u32 would truncate) it is not a quote this driver
 * pins memory for.
 */
bool tdx_ext_quote_size_ok(u64 size)
{
	return size && size <= TDX_EXT_MAX_QUOTE_CAP;
}

#define REMEDY_QUOTE_SIZE \
	"a TDX module update; see docs/uapi.md (MAX_QUOTE_SIZE)"
#define REMEDY_HELD \
	"reboot, or a runtime update of the TDX module (it drops the call); each quote request tries again"

/*
 * TDH.QUOTE.INIT answered TDX_OPERAND_BUSY even after the engine's
 * re-issues: a TDH.QUOTE.GET is pending in the TDX module, and this load
 * started none, so an earlier load of tdx_ext left it there when it was
 * unloaded.  Only its original inputs could finish it, and they named that
 * load's buffers, which are gone: it cannot be finished from here.
 */
static bool quote_held_by_abandoned(int ret, u64 status)
{
	return ret == -EBUSY && TDX_STATUS_CLASS(status) == TDX_OPERAND_BUSY;
}

static void held(u64 status)
{
	bool again = tdx_ext.quote_held;

	tdx_ext.quote_init_status = status;
	WRITE_ONCE(tdx_ext.retry_at, jiffies + HZ);
	WRITE_ONCE(tdx_ext.quote_held, true);
	if (again)
		return;		/* said once; the diagnosis stands */
	unavailable(REMEDY_HELD,
		    "the TDX module holds a TDH.QUOTE.GET that an earlier load of tdx_ext left pending (TDH.QUOTE.INIT status %#llx); its buffers went with that load, so it cannot be finished",
		    status);
}

/* Best effort: without it the module stays, with quoting unavailable. */
static void bring_up_quote(void)
{
	u64 status = 0, size;
	int ret;

	if (!(tdx_ext.features & TDX_FEATURES0_QUOTE)) {
		unavailable("a TDX module with DICE quoting (TDX_FEATURES0 bit 50)",
			    "this TDX module has no DICE quoting");
		return;
	}
	ret = simple_leaf(TDH_QUOTE_INIT, &status);
	if (quote_held_by_abandoned(ret, status)) {
		held(status);
		return;
	}
	if (tdx_ext_quote_not_configured(status)) {
		tdx_ext.quote_init_status = status;
		unavailable(REMEDY_CONFIG,
			    "the kernel configured the TDX module without the quoting add-on (TDH.SYS.CONFIG v0; TDH.QUOTE.INIT status %#llx)",
			    status);
		return;
	}
	if (!ret && status == TDX_SUCCESS)
		ret = sys_rd(TDX_MD_MAX_QUOTE_SIZE, &size);
	if (ret || status != TDX_SUCCESS) {
		tdx_ext.quote_init_status = status;
		unavailable("see the tdx_ext lines above; reload tdx_ext, or reboot",
			    "TDH.QUOTE.INIT status %#llx, error %d", status, ret);
		return;
	}
	if (!tdx_ext_quote_size_ok(size)) {
		tdx_ext.quote_init_status = status;
		unavailable(REMEDY_QUOTE_SIZE,
			    "the TDX module's MAX_QUOTE_SIZE of %llu bytes is outside what tdx_ext serves (1 to %u bytes)",
			    size, TDX_EXT_MAX_QUOTE_CAP);
		return;
	}
	tdx_ext.max_quote_size = size;
	ret = tdx_ext_quote_init();
	if (ret) {
		unavailable("free memory, then reload tdx_ext",
			    "no memory for a %llu-byte quote buffer", size);
		return;
	}
	WRITE_ONCE(tdx_ext.state, TDX_EXT_STATE_QUOTE_READY);
}

/**
 * tdx_ext_recover() - bring quoting back after the TDX module lost it
 * @generation: tdx_ext.generation when the caller's failed call was sent
 *
 * A runtime update of the TDX module (TDH.SYS.UPDATE, 7.2+) wipes its
 * Extensions and quoting state; the pool it was given stays with it.  So:
 * TDH.EXT.INIT and TDH.QUOTE.INIT again, never TDH.EXT.MEM.ADD.  One
 * caller does it; callers whose calls failed in the same generation wait
 * for it and retry.
 *
 * Context: process context, not the engine thread.
 * Return: 0 when quoting works again (retry), -EOPNOTSUPP when it does
 * not (state quote-unavailable, the diagnosis in sysfs).
 */
int tdx_ext_recover(unsigned long generation)
{
	u16 ver[3] = { }, build = 0;
	u64 status = 0, size = 0;
	char change[96];
	int ret;

	mutex_lock(&tdx_ext.recover_lock);
	if (tdx_ext.generation != generation) {
		ret = READ_ONCE(tdx_ext.state) == TDX_EXT_STATE_QUOTE_READY ?
		      0 : -EOPNOTSUPP;
		goto out;
	}
	tdx_ext.generation++;
	ret = read_version(ver, &build, &status);
	if (ret) {
		unavailable("reload tdx_ext, or reboot",
			    "the TDX module lost its quoting state and TDH.SYS.RD fails (status %#llx, error %d)",
			    status, ret);
		goto fail;
	}
	if (memcmp(ver, tdx_ext.version, sizeof(ver)) || build != tdx_ext.build)
		scnprintf(change, sizeof(change),
			  "updated since load (%u.%u.%u build %u -> %u.%u.%u build %u)",
			  tdx_ext.version[0], tdx_ext.version[1],
			  tdx_ext.version[2], tdx_ext.build, ver[0], ver[1],
			  ver[2], build);
	else
		scnprintf(change, sizeof(change),
			  "reset since load (version %u.%u.%u unchanged)",
			  ver[0], ver[1], ver[2]);
	if (tdx_ext.quote_held)
		pr_debug("trying TDH.QUOTE.INIT again: quoting was held by a TDH.QUOTE.GET of an earlier load\n");
	else
		pr_warn("the TDX module was %s and lost its Extensions and quoting state: initialising them again\n",
			change);

	if (tdx_ext.pool_required) {
		/* ALREADY_INITIALIZED is an error status, and fine here. */
		ret = simple_leaf(TDH_EXT_INIT, &status);
		if (status == TDX_EXT_ALREADY_INITIALIZED)
			ret = 0;
		else if (!ret && status != TDX_SUCCESS)
			ret = -EIO;
		if (ret) {
			unavailable(REMEDY_REBOOT_POOL,
				    "the TDX module was %s and TDH.EXT.INIT fails (status %#llx, error %d)",
				    change, status, ret);
			goto fail;
		}
	}
	ret = simple_leaf(TDH_QUOTE_INIT, &status);
	if (quote_held_by_abandoned(ret, status)) {
		held(status);
		ret = -EOPNOTSUPP;
		goto out_held;
	}
	if (tdx_ext_quote_not_configured(status)) {
		unavailable(REMEDY_UPDATE,
			    "the TDX module was %s without the quoting add-on (TDH.SYS.UPDATE v0; TDH.QUOTE.INIT status %#llx)",
			    change, status);
		goto fail;
	}
	if (!ret && status == TDX_SUCCESS)
		ret = sys_rd(TDX_MD_MAX_QUOTE_SIZE, &size);
	if (ret || status != TDX_SUCCESS) {
		unavailable("reload tdx_ext, or reboot",
			    "the TDX module was %s and TDH.QUOTE.INIT fails (status %#llx, error %d)",
			    change, status, ret);
		goto fail;
	}
	if (!tdx_ext_quote_size_ok(size)) {
		unavailable(REMEDY_QUOTE_SIZE,
			    "the TDX module was %s and its MAX_QUOTE_SIZE of %llu bytes is outside what tdx_ext serves (1 to %u bytes)",
			    change, size, TDX_EXT_MAX_QUOTE_CAP);
		goto fail;
	}
	if (!tdx_ext_quote_capacity()) {
		/* Quoting never came up in this load: no buffers yet. */
		WRITE_ONCE(tdx_ext.max_quote_size, size);
		if (tdx_ext_quote_init()) {
			WRITE_ONCE(tdx_ext.max_quote_size, 0);
			unavailable("free memory, then reload tdx_ext",
				    "no memory for a %llu-byte quote buffer",
				    size);
			goto fail;
		}
	} else if (size > tdx_ext_quote_capacity()) {
		unavailable("rmmod tdx_ext && modprobe tdx_ext",
			    "the TDX module was %s and its quotes (up to %llu bytes) outgrew this load's buffer (%u bytes)",
			    change, size, tdx_ext_quote_capacity());
		goto fail;
	}
	memcpy(tdx_ext.version, ver, sizeof(ver));
	tdx_ext.build = build;
	WRITE_ONCE(tdx_ext.max_quote_size, size);
	if (tdx_ext.quote_held) {
		WRITE_ONCE(tdx_ext.quote_held, false);
		pr_info("quoting is available: the TDX module no longer holds the earlier load's TDH.QUOTE.GET (%s)\n",
			change);
	} else {
		WRITE_ONCE(tdx_ext.module_updates, tdx_ext.module_updates + 1);
		pr_info("quoting is back: the pool stays as given at load (%llu pages, none given again)\n",
			tdx_ext.pool_required);
	}
	WRITE_ONCE(tdx_ext.state, TDX_EXT_STATE_QUOTE_READY);
	ret = 0;
	goto out;
fail:
	tdx_ext.quote_init_status = status;
	WRITE_ONCE(tdx_ext.quote_held, false);
	ret = -EOPNOTSUPP;
out_held:
	WRITE_ONCE(tdx_ext.state, TDX_EXT_STATE_EXT_READY);
out:
	mutex_unlock(&tdx_ext.recover_lock);
	return ret;
}

/*
 * Reboot, halt, power off and kexec (kernel_restart_prepare() and its
 * siblings run the reboot notifiers before device_shutdown() and
 * syscore_shutdown(), where 7.x's tdx_shutdown() issues TDH.SYS.DISABLE):
 * stop the engine, so that no SEAMCALL of ours races or follows that,
 * and on hardware write back the caches of every CPU, since the kernel
 * flushes only the CPUs its own SEAMCALL wrappers marked
 * (docs/hardware.md section 5).  A crash kexec runs no notifier.
 */
static int tdx_ext_reboot(struct notifier_block *nb, unsigned long action,
			  void *data)
{
	tdx_ext_engine_stop();
	if (tdx_ext.seam->flush_at_reboot)
		wbinvd_on_all_cpus();
	pr_info("reboot: engine stopped%s\n",
		tdx_ext.seam->flush_at_reboot ? ", caches written back" : "");
	return NOTIFY_DONE;
}

static struct notifier_block tdx_ext_reboot_nb = {
	.notifier_call = tdx_ext_reboot,
};

static int __init tdx_ext_init(void)
{
	int ret;

	tdx_ext.timeout_s = timeout;
	tdx_ext.queue_depth = queue_depth;
	tdx_ext.state = TDX_EXT_STATE_INIT;
	mutex_init(&tdx_ext.recover_lock);

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

	ret = register_reboot_notifier(&tdx_ext_reboot_nb);
	if (ret)
		goto err_engine;
	ret = misc_register(&tdx_quote_miscdev);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n",
		       tdx_quote_miscdev.name, ret);
		goto err_reboot;
	}
	pr_info("version %s: backend %s, TDX module %u.%u.%u build %u, pool %llu pages (%llu KiB, %llu given by this load), quoting %s\n",
		TDX_EXT_VERSION, tdx_ext.seam->name, tdx_ext.version[0],
		tdx_ext.version[1], tdx_ext.version[2], tdx_ext.build,
		tdx_ext.pool_required,
		tdx_ext.pool_required * (PAGE_SIZE / 1024), tdx_ext.pool_donated,
		tdx_ext.state == TDX_EXT_STATE_QUOTE_READY ? "ready" : "unavailable");
	return 0;

err_reboot:
	unregister_reboot_notifier(&tdx_ext_reboot_nb);
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
	unregister_reboot_notifier(&tdx_ext_reboot_nb);
	tdx_ext_engine_stop();
	tdx_ext_quote_exit();
	put_backend();
	if (tdx_ext.pool_donated)
		pr_info("unloaded; the %llu pool pages this load gave stay with the TDX module\n",
			tdx_ext.pool_donated);
}

module_init(tdx_ext_init);
module_exit(tdx_ext_exit);

MODULE_DESCRIPTION("Intel TDX Module Extensions and DICE quoting for the host (needs a kernel that initialised TDX with the quoting add-on; see docs/hardware.md)");
MODULE_AUTHOR("tdx-ext developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(TDX_EXT_VERSION);
