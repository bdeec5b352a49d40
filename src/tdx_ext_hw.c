// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_ext hardware backend: the SEAMCALL stub and the host TDX bring-up.
 *
 * The kernel exports no SEAMCALL, so tdx_ext.ko issues its own.  The host
 * TDX entry points it needs (tdx_enable(), tdx_cpu_enable()) exist only in
 * kernels built with CONFIG_INTEL_TDX_HOST (6.8+), so they are taken with
 * symbol_get() at run time: one .ko then loads everywhere and refuses the
 * hw backend with one line saying why.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/cpu.h>
#include <linux/errno.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <asm/asm.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>

#include "tdx_ext_hw.h"

/*
 * One SEAMCALL with all of struct tdx_ext_args in and out, like the
 * kernel's __seamcall_saved_ret(): RAX = fn in and the status out; RCX,
 * RDX, R8-R15, RBX, RDI and RSI in and out.  Every one of them is an
 * in/out operand, so the compiler saves the callee-saved RBX and R12-R15
 * itself, and a register the TDX module leaves alone comes back unchanged.
 * RBP and RSP are no operands: the TDX module preserves them (the kernel's
 * stub relies on that too), so the compiler may keep its own values there.
 *
 * R8-R15 have no constraint letters and need register variables, which
 * are only safe when no call (one that may clobber R8-R11) sits between
 * their assignment, the asm and their last read.  noinstr keeps KASAN,
 * KCSAN, KCOV and ftrace from adding such calls (the debug kernel has
 * inline KASAN), and keeps the stub out of line.
 *
 * Outcomes:
 * - the TDX module ran: RAX is its status, the other registers its outputs;
 * - VMfailInvalid (CF=1: no TDX module loaded): TDX_SEAMCALL_VMFAILINVALID;
 * - #UD (VMX is off) or #GP (SEAM not enabled): the exception table entry
 *   of fault type makes the trap handler resume at 2: with the trap number
 *   in RAX and every other register as it was, and 2: turns that into
 *   TDX_SW_ERROR | trapnr.  No register is spare there and OR takes no
 *   64-bit immediate, so the OR goes through the stack (the kernel has
 *   no red zone).
 * In the last two the other registers come back as they went in.
 */
static noinstr u64 tdx_ext_seamcall(u64 fn, struct tdx_ext_args *args)
{
	register u64 r8 asm("r8") = args->r8;
	register u64 r9 asm("r9") = args->r9;
	register u64 r10 asm("r10") = args->r10;
	register u64 r11 asm("r11") = args->r11;
	register u64 r12 asm("r12") = args->r12;
	register u64 r13 asm("r13") = args->r13;
	register u64 r14 asm("r14") = args->r14;
	register u64 r15 asm("r15") = args->r15;
	u64 rax = fn, rbx = args->rbx, rcx = args->rcx, rdx = args->rdx;
	u64 rsi = args->rsi, rdi = args->rdi;

	asm volatile("1:	.byte 0x66, 0x0f, 0x01, 0xcf\n"	/* SEAMCALL */
		     "	jnc	3f\n"
		     "	movabsq	%[vmfail], %%rax\n"
		     "	jmp	3f\n"
		     "2:	pushq	%%rax\n"
		     "	movabsq	%[swerr], %%rax\n"
		     "	orq	%%rax, (%%rsp)\n"
		     "	popq	%%rax\n"
		     "3:\n"
		     _ASM_EXTABLE_FAULT(1b, 2b)
		     : "+a" (rax), "+b" (rbx), "+c" (rcx), "+d" (rdx),
		       "+S" (rsi), "+D" (rdi), "+r" (r8), "+r" (r9),
		       "+r" (r10), "+r" (r11), "+r" (r12), "+r" (r13),
		       "+r" (r14), "+r" (r15)
		     : [vmfail] "i" (TDX_SEAMCALL_VMFAILINVALID),
		       [swerr] "i" (TDX_SW_ERROR)
		     /* the TDX module reads and writes memory we handed it */
		     : "cc", "memory");

	args->rcx = rcx;
	args->rdx = rdx;
	args->r8 = r8;
	args->r9 = r9;
	args->r10 = r10;
	args->r11 = r11;
	args->r12 = r12;
	args->r13 = r13;
	args->r14 = r14;
	args->r15 = r15;
	args->rbx = rbx;
	args->rdi = rdi;
	args->rsi = rsi;
	return rax;
}

/*
 * The TDX module wants TDH.SYS.LP.INIT done on the CPU that issues a
 * SEAMCALL (tdx_cpu_enable() did that on every CPU), so the task must not
 * move to another CPU in the middle.
 */
static u64 tdx_ext_hw_call(u64 fn, struct tdx_ext_args *args)
{
	u64 ret;

	preempt_disable();
	ret = tdx_ext_seamcall(fn, args);
	preempt_enable();
	return ret;
}

static const struct tdx_ext_seam tdx_ext_hw_seam = {
	.name	= "hw",
	.call	= tdx_ext_hw_call,
};

u64 tdx_ext_hw_probe_seamcall(void)
{
	struct tdx_ext_args args = { .rdx = TDX_MD_FEATURES0 };

	return tdx_ext_hw_call(TDH_SYS_RD, &args);
}

/* What tdx_ext_hw_get() took; NULL when not held. */
static int (*host_tdx_enable)(void);
static int (*host_tdx_cpu_enable)(void);

static void tdx_ext_hw_release(void)
{
	if (host_tdx_enable)
		symbol_put(tdx_enable);
	if (host_tdx_cpu_enable)
		symbol_put(tdx_cpu_enable);
	host_tdx_enable = NULL;
	host_tdx_cpu_enable = NULL;
}

struct tdx_ext_hw_lp {
	atomic_t cpu;		/* the first CPU that failed, or -1 */
	bool vmx_off;		/* ... because VMX was off there */
	int err;		/* ... or because tdx_cpu_enable() failed */
};

/* on_each_cpu() callback, so IRQs are off as tdx_cpu_enable() requires. */
static void tdx_ext_hw_lp_init(void *data)
{
	struct tdx_ext_hw_lp *lp = data;
	bool vmx_off;
	int err = 0;

	/*
	 * tdx_cpu_enable() issues SEAMCALLs, which #UD unless VMX is on, and
	 * the kernel remembers a failed TDH.SYS.INIT until reboot: TDX would
	 * then be lost for kvm_intel too.  KVM sets CR4.VMXE right before
	 * VMXON and clears it after VMXOFF, which it does from a CPU hotplug
	 * callback (held off by the caller's cpus_read_lock()) or by IPI
	 * (held off by IRQs being off here): the check holds for the call.
	 * The register itself, not cr4_read_shadow(): 7.x exports that to
	 * KVM only, and CR4 of a bare-metal TDX host has no shadow to differ.
	 */
	vmx_off = !(native_read_cr4() & X86_CR4_VMXE);
	if (!vmx_off)
		err = host_tdx_cpu_enable();
	if ((vmx_off || err) &&
	    atomic_cmpxchg(&lp->cpu, -1, smp_processor_id()) == -1) {
		lp->vmx_off = vmx_off;
		lp->err = err;
	}
}

int tdx_ext_hw_get(const struct tdx_ext_seam **seam)
{
	struct tdx_ext_hw_lp lp = { .cpu = ATOMIC_INIT(-1) };
	int cpu, ret;

	if (host_tdx_enable)
		return -EBUSY;

	host_tdx_enable = symbol_get(tdx_enable);
	host_tdx_cpu_enable = symbol_get(tdx_cpu_enable);
	if (!host_tdx_enable || !host_tdx_cpu_enable) {
		pr_err("no host TDX support in this kernel (CONFIG_INTEL_TDX_HOST); use backend=sim for testing\n");
		goto refuse;
	}

	/* Never set on other vendors; said apart for a clearer message. */
	if (boot_cpu_data.x86_vendor != X86_VENDOR_INTEL) {
		pr_err("this is not an Intel CPU, and TDX needs one; use backend=sim for testing\n");
		goto refuse;
	}

#ifdef X86_FEATURE_TDX_HOST_PLATFORM
	/* Set at boot by the kernel's tdx_init() when the BIOS enabled TDX. */
	if (!cpu_feature_enabled(X86_FEATURE_TDX_HOST_PLATFORM)) {
		pr_err("TDX is not enabled by the BIOS/firmware on this machine (or the kernel declined it: see the virt/tdx boot lines); use backend=sim for testing\n");
		goto refuse;
	}
#endif

	/*
	 * The order tdx_enable() documents: with CPU hotplug held off, VMX on
	 * and tdx_cpu_enable() done on every online CPU.  Both are no-ops
	 * where kvm_intel has already brought TDX up (tdx=1, 6.16+).
	 */
	cpus_read_lock();
	on_each_cpu(tdx_ext_hw_lp_init, &lp, 1);
	cpu = atomic_read(&lp.cpu);
	ret = cpu < 0 ? host_tdx_enable() : 0;
	cpus_read_unlock();

	if (cpu >= 0 && lp.vmx_off) {
		pr_err("VMX is off on CPU %d, so the TDX module cannot be reached; load kvm_intel first (with tdx=1 where it has that parameter)\n",
		       cpu);
		goto refuse;
	}
	if (cpu >= 0) {
		pr_err("tdx_cpu_enable() failed on CPU %d: %d (is there a TDX module?); see the virt/tdx lines above, use backend=sim for testing\n",
		       cpu, lp.err);
		goto refuse;
	}
	if (ret) {
		pr_err("tdx_enable() failed: %d (is kvm_intel loaded with TDX enabled?); see the virt/tdx lines above, use backend=sim for testing\n",
		       ret);
		goto refuse;
	}

	*seam = &tdx_ext_hw_seam;
	return 0;

refuse:
	tdx_ext_hw_release();
	return -ENODEV;
}

void tdx_ext_hw_put(void)
{
	tdx_ext_hw_release();
}
