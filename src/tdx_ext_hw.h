/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SEAMCALL line of tdx_ext.ko: everything above one function pointer
 * is the same on hardware and in the simulator (ARCHITECTURE.md).
 *
 * tdx_ext_hw.c is the hardware backend: a SEAMCALL stub of our own, since
 * the kernel exports none, and the host TDX entry points taken at run time,
 * so that one .ko loads on kernels with and without TDX host support.
 */
#ifndef TDX_EXT_HW_H
#define TDX_EXT_HW_H

#include <linux/types.h>

#include "tdx_abi.h"

struct tdx_ext_seam {
	const char *name;				/* "hw" or "sim" */
	u64 (*call)(u64 fn, struct tdx_ext_args *args);	/* one SEAMCALL */
};

/*
 * Returns 0 and the hw backend, or -ENODEV after one pr_err line saying
 * why and what to do (-EBUSY if it is already held).  Process context:
 * it may sleep.  A successful get is paired with tdx_ext_hw_put().
 */
int tdx_ext_hw_get(const struct tdx_ext_seam **seam);
void tdx_ext_hw_put(void);

/*
 * Test hook: one TDH.SYS.RD of TDX_FEATURES0 through the raw stub, with
 * no checks first; returns the status.  Without TDX this is
 * TDX_SEAMCALL_UD or TDX_SEAMCALL_GP, which proves the fault fixup.
 */
u64 tdx_ext_hw_probe_seamcall(void);

/*
 * The host TDX entry points (6.8+, CONFIG_INTEL_TDX_HOST), declared for
 * symbol_get() in tdx_ext_hw.c, which needs their type.  Never call them
 * by name: that would link tdx_ext.ko against them, and it could no
 * longer load on kernels without them.
 *
 * Declared here rather than taken from <asm/tdx.h>, which has them only
 * from 6.8 on, and whose status macros clash with tdx_abi.h's anyway: so
 * no file that includes this header may include <asm/tdx.h> (where the
 * kernel lacks CONFIG_INTEL_TDX_HOST, its inline stubs of these two would
 * not compile after these declarations).
 */
int tdx_enable(void);
int tdx_cpu_enable(void);

#endif /* TDX_EXT_HW_H */
