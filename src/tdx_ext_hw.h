/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SEAMCALL line of tdx_ext.ko: everything above one function pointer
 * is the same on hardware and in the simulator (ARCHITECTURE.md).
 *
 * tdx_ext_hw.c is the hardware backend: a SEAMCALL stub of our own, since
 * the kernel exports none.  It never initialises TDX: it takes the TDX
 * module as the kernel brought it up (docs/hardware.md).
 */
#ifndef TDX_EXT_HW_H
#define TDX_EXT_HW_H

#include <linux/types.h>

#include "tdx_abi.h"

/*
 * Who initialises the TDX module on the kernel this was built for, for
 * the remedy of "not initialised" and "VMX is off" (HARDWARE.md section 1):
 * 7.2 on, the kernel at boot (subsys_initcall(tdx_enable), tdx.c:1269 of
 * 7.3.4); 6.16 to 7.1, kvm_intel with tdx=1; 6.8 to 6.15, no in-tree user.
 * Kbuild tells which from the kernel's version.
 */
#if defined(TDX_EXT_INIT_AT_BOOT)
#define TDX_EXT_INIT_REMEDY \
	"this kernel initialises TDX at boot: its \"virt/tdx:\" boot lines say why it did not"
#elif defined(TDX_EXT_INIT_BY_KVM)
#define TDX_EXT_INIT_REMEDY \
	"modprobe kvm_intel tdx=1 (or boot with kvm_intel.tdx=1), then load tdx_ext"
#else
#define TDX_EXT_INIT_REMEDY \
	"no in-tree module of this kernel initialises TDX (KVM does from 6.16): load the out-of-tree VMM module that does, first"
#endif

/* One line for the kernel log: what is wrong, then what to do. */
#define tdx_ext_refuse(remedy, fmt, ...) \
	pr_err("refused: " fmt "; remedy: %s\n", ##__VA_ARGS__, remedy)

struct tdx_ext_seam {
	const char *name;				/* "hw" or "sim" */
	u64 (*call)(u64 fn, struct tdx_ext_args *args);	/* one SEAMCALL */
	/*
	 * Its calls leave the TDX module's cache lines on the CPUs that made
	 * them, and the kernel does not know those CPUs: write them back
	 * before a reboot or kexec (docs/hardware.md section 5).
	 */
	bool flush_at_reboot;
};

/*
 * Returns 0 and the hw backend, or -ENODEV after one "refused:" line
 * saying why and what to do.  It issues no SEAMCALL: the caller probes
 * the TDX module through the returned backend, whose calls run only on
 * CPUs where VMX is on (TDX_SEAMCALL_UD otherwise).
 */
int tdx_ext_hw_get(const struct tdx_ext_seam **seam);

/*
 * Test hook: one TDH.SYS.RD of TDX_FEATURES0 through the raw stub, with
 * no checks first; returns the status.  Without TDX this is
 * TDX_SEAMCALL_UD or TDX_SEAMCALL_GP, which proves the fault fixup.
 */
u64 tdx_ext_hw_probe_seamcall(void);

#endif /* TDX_EXT_HW_H */
