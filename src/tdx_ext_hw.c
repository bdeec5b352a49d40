// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_ext hardware backend: the SEAMCALL stub, and the checks that the
 * kernel brought TDX up before anything is issued.
 *
 * The kernel exports no SEAMCALL, so tdx_ext.ko issues its own.  It never
 * initialises TDX itself (no tdx_enable(), no tdx_cpu_enable()): the
 * kernel does that at boot from 7.2, kvm_intel with tdx=1 on 6.16-7.1, and
 * whoever calls tdx_enable() before; and TDH.SYS.CONFIG, which that
 * initialisation issues once per boot, decides whether quoting can work at
 * all (docs/hardware.md).  So this file only checks that the kernel has
 * host TDX, that the BIOS enabled it and that VMX is on; the caller then
 * probes the TDX module with its own TDH.SYS.RD calls.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/kconfig.h>
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

static bool vmx_on(void)
{
	/*
	 * The register itself, not cr4_read_shadow(): 7.x exports that to
	 * KVM only, and the CR4 of a bare-metal TDX host has no shadow to
	 * differ from it.
	 */
	return native_read_cr4() & X86_CR4_VMXE;
}

/*
 * The TDX module wants TDH.SYS.LP.INIT done on the CPU that issues a
 * SEAMCALL (the kernel's TDX init did it on every CPU it brought up), so
 * the task must not move to another CPU in the middle; and a SEAMCALL
 * raises #UD outside VMX operation, so none is issued where VMX is off.
 * KVM turns VMX off by IPI or from a CPU hotplug callback: a race with
 * the check ends in the stub's #UD fixup, with the same status.
 */
static u64 tdx_ext_hw_call(u64 fn, struct tdx_ext_args *args)
{
	u64 ret = TDX_SEAMCALL_UD;

	preempt_disable();
	if (vmx_on())
		ret = tdx_ext_seamcall(fn, args);
	preempt_enable();
	return ret;
}

static const struct tdx_ext_seam tdx_ext_hw_seam = {
	.name	= "hw",
	.call	= tdx_ext_hw_call,
	.flush_at_reboot = true,
};

u64 tdx_ext_hw_probe_seamcall(void)
{
	struct tdx_ext_args args = { .rdx = TDX_MD_FEATURES0 };
	u64 ret;

	preempt_disable();
	ret = tdx_ext_seamcall(TDH_SYS_RD, &args);
	preempt_enable();
	return ret;
}

/* on_each_cpu() callback: note the first CPU where VMX is off. */
static void tdx_ext_hw_check_vmx(void *data)
{
	atomic_t *cpu = data;

	if (!vmx_on())
		atomic_cmpxchg(cpu, -1, smp_processor_id());
}

#define REMEDY_SIM "use backend=sim for testing"
#define REMEDY_NO_HOST \
	"boot a kernel built with CONFIG_INTEL_TDX_HOST=y (docs/hardware.md), or " REMEDY_SIM
#define REMEDY_BIOS \
	"enable TDX in the firmware setup and check the \"virt/tdx:\" boot lines, or " REMEDY_SIM

int tdx_ext_hw_get(const struct tdx_ext_seam **seam)
{
	atomic_t vmx_off_cpu = ATOMIC_INIT(-1);
	int cpu;

	if (!IS_ENABLED(CONFIG_INTEL_TDX_HOST)) {
		tdx_ext_refuse(REMEDY_NO_HOST,
			       "this kernel has no host TDX support (CONFIG_INTEL_TDX_HOST is not set)");
		return -ENODEV;
	}

	/* Never set on other vendors; said apart for a clearer message. */
	if (boot_cpu_data.x86_vendor != X86_VENDOR_INTEL) {
		tdx_ext_refuse(REMEDY_SIM, "this is not an Intel CPU, and TDX needs one");
		return -ENODEV;
	}

#ifdef X86_FEATURE_TDX_HOST_PLATFORM
	/* Set at boot by the kernel's tdx_init() when the BIOS enabled TDX. */
	if (!cpu_feature_enabled(X86_FEATURE_TDX_HOST_PLATFORM)) {
		tdx_ext_refuse(REMEDY_BIOS,
			       "TDX is not enabled by the BIOS (no tdx_host_platform CPU flag)");
		return -ENODEV;
	}
#endif

	/*
	 * Only a look: with CPU hotplug held off, is VMX on everywhere?  The
	 * calls check again, on their own CPU, each time.
	 */
	cpus_read_lock();
	on_each_cpu(tdx_ext_hw_check_vmx, &vmx_off_cpu, 1);
	cpus_read_unlock();
	cpu = atomic_read(&vmx_off_cpu);
	if (cpu >= 0) {
		tdx_ext_refuse(TDX_EXT_INIT_REMEDY,
			       "VMX is off on CPU %d, so no SEAMCALL can reach the TDX module",
			       cpu);
		return -ENODEV;
	}

	*seam = &tdx_ext_hw_seam;
	return 0;
}
