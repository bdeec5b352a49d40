// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated SEAMCALL: one exported dispatcher, the metadata leaf, the
 * resumable-work budget and fault injection.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>

#include "sim.h"
#include "tdx_hpa_list.h"
#include "tdx_sim_api.h"

struct sim sim = {
	.lock = __MUTEX_INITIALIZER(sim.lock),
	.tds = LIST_HEAD_INIT(sim.tds),
	/* Simulated: no TDX module with this version has Extensions. */
	.version = { .major = 1, .minor = 5, .update = 16, .build = 900 },
};

const char * const sim_tdx_state_names[SIM_TDX_NR] = {
	[SIM_TDX_READY] = "ready",
	[SIM_TDX_UNINIT] = "uninit",
	[SIM_TDX_VMX_OFF] = "vmx_off",
	[SIM_TDX_NO_MODULE] = "no_module",
};

/* After one minimal step of work, may the current call go on? */
bool sim_out_of_time(u64 start_ns)
{
	if (sim.every_step || !sim.slice_us)
		return true;
	return ktime_get_ns() - start_ns >= (u64)sim.slice_us * NSEC_PER_USEC;
}

static u64 sys_rd(struct tdx_ext_args *args)
{
	bool ext = sim.features & TDX_FEATURES0_EXT;

	switch (args->rdx) {
	case TDX_MD_FEATURES0:
		args->r8 = sim.features;
		break;
	case TDX_MD_EXT_REQUIRED:
		args->r8 = ext;
		break;
	case TDX_MD_MEMORY_POOL_REQUIRED_PAGES:
		if (sim.pool_u16)
			return TDX_METADATA_FIELD_ID_INCORRECT;
		args->r8 = ext ? sim.pool_required : 0;
		break;
	case TDX_MD_MEMORY_POOL_REQUIRED_PAGES_U16:
		args->r8 = ext ? sim.pool_required : 0;
		break;
	case TDX_MD_MAX_QUOTE_SIZE:
		if (!sim.quote_ready)
			return TDX_SYS_STATE_INCORRECT;
		args->r8 = sim.max_quote_md_set ? sim.max_quote_md : sim.max_quote;
		break;
	case TDX_MD_MAJOR_VERSION:
		args->r8 = sim.version.major;
		break;
	case TDX_MD_MINOR_VERSION:
		args->r8 = sim.version.minor;
		break;
	case TDX_MD_UPDATE_VERSION:
		args->r8 = sim.version.update;
		break;
	case TDX_MD_BUILD_NUM:
		args->r8 = sim.version.build;
		break;
	default:
		return TDX_METADATA_FIELD_ID_INCORRECT;
	}
	return TDX_SUCCESS;
}

static enum sim_leaf_idx leaf_idx(u64 leaf)
{
	switch (leaf) {
	case TDH_SYS_RD:
		return SIM_L_SYS_RD;
	case TDH_EXT_MEM_ADD:
		return SIM_L_MEM_ADD;
	case TDH_EXT_INIT:
		return SIM_L_EXT_INIT;
	case TDH_QUOTE_INIT:
		return SIM_L_QUOTE_INIT;
	case TDH_QUOTE_GET:
		return SIM_L_QUOTE_GET;
	default:
		return SIM_L_OTHER;
	}
}

static bool supported(enum sim_leaf_idx idx)
{
	switch (idx) {
	case SIM_L_SYS_RD:
		return true;
	case SIM_L_MEM_ADD:
	case SIM_L_EXT_INIT:
		return sim.features & TDX_FEATURES0_EXT;
	case SIM_L_QUOTE_INIT:
	case SIM_L_QUOTE_GET:
		return sim.features & TDX_FEATURES0_QUOTE;
	default:
		return false;
	}
}

/*
 * What the platform answers before any leaf runs: the SEAMCALL instruction
 * itself fails (no TDX module, or VMX off: the codes the kernel's SEAMCALL
 * stub makes of VMfailInvalid and #UD), then the dispatcher of Intel's TDX
 * module (src/vmm_dispatcher/tdx_vmm_dispatcher.c) refuses a leaf version
 * it does not know, and before the TDX module is initialised every leaf but
 * a few TDH.SYS.* ones: TDX_SYS_NOT_READY.  TDH.SYS.RD passes the
 * dispatcher and then fails in tdh_sys_rd.c, LP.INIT not being done on the
 * calling CPU.  0: the call goes on.
 */
static u64 platform_refuses(u64 fn, enum sim_leaf_idx idx)
{
	switch (sim.tdx_state) {
	case SIM_TDX_NO_MODULE:
		return TDX_SEAMCALL_VMFAILINVALID;
	case SIM_TDX_VMX_OFF:
		return TDX_SEAMCALL_UD;
	default:
		break;
	}
	if (fn >> 16)
		return TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX;
	if (sim.tdx_state == SIM_TDX_UNINIT)
		return idx == SIM_L_SYS_RD ? TDX_SYS_LP_INIT_NOT_DONE :
					     TDX_SYS_NOT_READY;
	return 0;
}

/* Fault injection, checked before a leaf does anything. */
static bool injected(enum sim_leaf_idx idx, u64 leaf, u64 *st)
{
	if (sim.fail_after && sim.fail_leaf == leaf && !--sim.fail_after) {
		*st = sim.fail_status;
		return true;
	}
	if (idx == SIM_L_MEM_ADD || idx == SIM_L_EXT_INIT ||
	    idx == SIM_L_QUOTE_INIT || idx == SIM_L_QUOTE_GET) {
		/* Another SEAMCALL (KVM's) holds a lock this one needs. */
		if (sim.busy) {
			sim.busy--;
			sim.busy_injected[idx]++;
			*st = TDX_OPERAND_BUSY;
			return true;
		}
		if (sim.never_finish) {
			*st = TDX_INTERRUPTED_RESUMABLE;
			return true;
		}
		if (idx != SIM_L_MEM_ADD && sim.rnd_no_entropy) {
			sim.rnd_no_entropy--;
			*st = TDX_RND_NO_ENTROPY;
			return true;
		}
	}
	return false;
}

/**
 * sim_runtime_update() - a runtime update of the simulated TDX module
 * @quote: whether its TDH.SYS.UPDATE configured the quoting add-on
 *
 * What the kernel's TDX module update (the SEAMLDR installs a new TDX
 * module, TDH.SYS.UPDATE hands it the old one's state) leaves: a new
 * version, TDs and the donated pool kept, the Extensions and quoting state
 * lost.  EXT.INIT must run again (no MEM.ADD needed: the pool is
 * complete), then QUOTE.INIT, which derives new keys; a pending
 * QUOTE.INIT or QUOTE.GET is dropped.
 *
 * Context: sim.lock held.
 * Return: 0; -EBUSY without a running TDX module (tdx_state not ready);
 * -EINVAL to configure quoting that is not advertised; -EOVERFLOW when the
 * version fields are exhausted.
 */
int sim_runtime_update(bool quote)
{
	lockdep_assert_held(&sim.lock);
	if (sim.tdx_state != SIM_TDX_READY)
		return -EBUSY;
	if (quote && !(sim.features & TDX_FEATURES0_QUOTE))
		return -EINVAL;
	if (sim.version.update == U16_MAX || sim.version.build == U16_MAX)
		return -EOVERFLOW;
	sim.version.update++;
	sim.version.build++;
	sim.quote_configured = quote;
	sim_quote_forget();
	sim_pool_forget();
	sim.updates++;
	pr_info("runtime update to %u.%u.%u build %u, quoting %sconfigured: Extensions and quoting must be initialised again\n",
		sim.version.major, sim.version.minor, sim.version.update,
		sim.version.build, quote ? "" : "not ");
	return 0;
}

/**
 * tdx_sim_seamcall() - issue a SEAMCALL to the simulated TDX module
 * @fn: RAX: leaf in bits 15:0, version in bits 23:16
 * @args: the other registers, in and out
 *
 * Context: process context; may sleep.
 * Return: the TDX status (RAX).
 */
u64 tdx_sim_seamcall(u64 fn, struct tdx_ext_args *args)
{
	enum sim_leaf_idx idx = leaf_idx(TDX_LEAF(fn));
	u64 st;

	might_sleep();
	mutex_lock(&sim.lock);
	sim.calls[idx]++;
	st = platform_refuses(fn, idx);
	if (st)
		goto out;
	if (!supported(idx)) {
		st = TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX;
		goto out;
	}
	/* Advertised in FEATURES0, but the kernel did not turn it on. */
	if ((idx == SIM_L_QUOTE_INIT || idx == SIM_L_QUOTE_GET) &&
	    !sim.quote_configured) {
		st = TDX_QUOTE_NOT_CONFIGURED;
		goto out;
	}
	if (injected(idx, TDX_LEAF(fn), &st))
		goto out;
	if (sim.fatal && idx != SIM_L_SYS_RD) {
		st = sim.fatal_status;
		goto out;
	}
	if (idx != SIM_L_SYS_RD) {
		st = sim_pool_scrub(4);
		if (st)
			goto out;
	}

	switch (idx) {
	case SIM_L_SYS_RD:
		st = sys_rd(args);
		break;
	case SIM_L_MEM_ADD:
		st = sim_mem_add(args);
		/*
		 * mem_add_uncertain, on a list longer than FIRST entries:
		 * it took them all, but says otherwise.
		 */
		if (st == TDX_SUCCESS && sim.mem_add_lost_status &&
		    tdx_hpa_list_last(args->rcx) >= sim.mem_add_lost_first) {
			args->rcx = tdx_hpa_list_info(tdx_hpa_list_pa(args->rcx),
						      sim.mem_add_lost_first,
						      tdx_hpa_list_last(args->rcx));
			st = sim.mem_add_lost_status;
			sim.mem_add_lost_status = 0;
		}
		break;
	case SIM_L_EXT_INIT:
		st = sim_ext_init();
		break;
	case SIM_L_QUOTE_INIT:
		st = sim_quote_init();
		break;
	case SIM_L_QUOTE_GET:
		st = sim_quote_get(args);
		break;
	default:
		st = TDX_OPERAND_INVALID | TDX_OPERAND_ID_RAX;
		break;
	}
out:
	if (st == TDX_INTERRUPTED_RESUMABLE)
		sim.resumes[idx]++;
	mutex_unlock(&sim.lock);
	return st;
}
EXPORT_SYMBOL_GPL(tdx_sim_seamcall);
