/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What tdx_ext_sim.ko exports to tdx_ext.ko (and to test modules): the
 * simulated SEAMCALL.  tdx_ext takes it with symbol_request() only when
 * loaded with backend=sim, so the two modules are never linked hard.
 */
#ifndef TDX_SIM_API_H
#define TDX_SIM_API_H

#include "tdx_abi.h"

u64 tdx_sim_seamcall(u64 fn, struct tdx_ext_args *args);

#endif /* TDX_SIM_API_H */
