/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TDX module interface tdx-ext drives: SEAMCALL leaves, status codes,
 * metadata field ids and the argument block (ABI.md sections 1-5).
 *
 * Values marked [P] are not public: the simulator defines them, and the
 * driver must treat any unknown status defensively (bit 63 = error).
 *
 * Shared by tdx_ext.ko, tdx_ext_sim.ko and the user-space tools.
 */
#ifndef TDX_ABI_H
#define TDX_ABI_H

#include "tdx_types.h"

/*
 * The SEAMCALL argument block.  Same layout as the kernel's own
 * struct tdx_module_args (6.6+); ours, because 6.1 has none.
 */
struct tdx_ext_args {
	u64 rcx, rdx, r8, r9, r10, r11, r12, r13, r14, r15, rbx, rdi, rsi;
};

/* Leaves (RAX bits 15:0; bits 23:16 carry the leaf version). */
#define TDH_SYS_RD		34
#define TDH_SYS_CONFIG		45
#define TDH_EXT_INIT		60
#define TDH_EXT_MEM_ADD		61
#define TDH_QUOTE_GET		98
#define TDH_QUOTE_INIT		100

#define TDX_LEAF(fn)		((fn) & 0xffffull)
#define TDX_LEAF_VERSION(fn)	(((fn) >> 16) & 0xffull)

/* Status codes (RAX on return): class in 63:32, operand id in 31:0. */
#define TDX_STATUS_ERROR		0x8000000000000000ull
#define TDX_STATUS_NON_RECOVERABLE	0x4000000000000000ull
#define TDX_STATUS_CLASS(st)		((st) & 0xffffffff00000000ull)
#define TDX_STATUS_DETAIL(st)		((st) & 0xffffffffull)

#define TDX_SUCCESS			0x0000000000000000ull
#define TDX_INTERRUPTED_RESUMABLE	0x8000000300000000ull
#define TDX_INTERRUPTED_RESTARTABLE	0x8000000400000000ull
#define TDX_OPERAND_INVALID		0xC000010000000000ull
#define TDX_OPERAND_ADDR_RANGE_ERROR	0xC000010100000000ull
#define TDX_OPERAND_BUSY		0x8000020000000000ull
#define TDX_SYS_BUSY			0x8000020200000000ull
#define TDX_RND_NO_ENTROPY		0x8000020300000000ull
#define TDX_SYS_NOT_READY		0xC000050500000000ull
#define TDX_SYS_SHUTDOWN		0xC000050600000000ull
#define TDX_SYS_STATE_INCORRECT		0xC000050800000000ull
/*
 * TDH.SYS.RD (and most leaves) before TDH.SYS.LP.INIT on the calling CPU,
 * which also means before TDH.SYS.INIT: Intel's TDX module source,
 * src/vmm_dispatcher/api_calls/tdh_sys_rd.c, and its error code table.
 */
#define TDX_SYS_LP_INIT_NOT_DONE	0xC000050200000000ull
#define TDX_METADATA_FIELD_ID_INCORRECT	0xC0000C0000000000ull

/* [P] Extensions */
#define TDX_EXT_MEMORY_POOL_FULL	0x0000000B00000000ull	/* success */
#define TDX_EXT_ALREADY_INITIALIZED	0xC000050D00000000ull
/* [P] HPA_LIST_INFO faults of TDH.EXT.MEM.ADD; detail = entry index */
#define TDX_EXT_HPA_LIST_RESERVED	0xC0000D0000000000ull
#define TDX_EXT_HPA_LIST_FIRST_GT_LAST	0xC0000D0100000000ull
#define TDX_EXT_HPA_LIST_NOT_RAM	0xC0000D0200000000ull
#define TDX_EXT_HPA_ENTRY_MISALIGNED	0xC0000D0300000000ull
#define TDX_EXT_HPA_ENTRY_NOT_RAM	0xC0000D0400000000ull
#define TDX_EXT_HPA_ENTRY_DUPLICATE	0xC0000D0500000000ull
/* [P] the pool was freed or written by someone else: fatal */
#define TDX_EXT_POOL_CORRUPTED		0xE0000D1000000000ull
/* [P] Quoting; detail carries more where noted */
#define TDX_QUOTE_REPORT_INVALID	0xC000300000000000ull	/* MAC */
#define TDX_QUOTE_TD_MISMATCH		0xC000300100000000ull
#define TDX_QUOTE_BUFFER_TOO_SMALL	0xC000300200000000ull	/* RCX = need */
#define TDX_QUOTE_OUTPUT_LIST_INVALID	0xC000300300000000ull	/* detail = node */
#define TDX_QUOTE_INPUT_INVALID		0xC000300400000000ull
/*
 * [P] TDH.QUOTE.INIT/GET when the kernel configured the TDX module without
 * the quoting add-on (TDH.SYS.CONFIG v0, or v1 without R9 bit 50).  What a
 * real TDX module returns is not public: the driver also reads
 * TDX_OPERAND_INVALID on RAX (leaf not enabled) from a module whose
 * TDX_FEATURES0 advertises quoting as this.
 */
#define TDX_QUOTE_NOT_CONFIGURED	0xC000300500000000ull

/* Operand ids in the low 32 bits of an error status. */
#define TDX_OPERAND_ID_RAX	0
#define TDX_OPERAND_ID_RCX	1
#define TDX_OPERAND_ID_RDX	2
#define TDX_OPERAND_ID_R8	8
#define TDX_OPERAND_ID_R9	9
#define TDX_OPERAND_ID_R10	10
#define TDX_OPERAND_ID_R11	11

/* Software codes the SEAMCALL stub produces instead of the TDX module. */
#define TDX_SW_ERROR		(TDX_STATUS_ERROR | (0xffull << 40))
#define TDX_SEAMCALL_VMFAILINVALID	(TDX_SW_ERROR | 0xffff0000ull)
#define TDX_SEAMCALL_GP		(TDX_SW_ERROR | 13)
#define TDX_SEAMCALL_UD		(TDX_SW_ERROR | 6)

/* Metadata field ids (TDH.SYS.RD); bits 33:32 are the element size. */
#define TDX_MD_FEATURES0			0x0A00000300000008ull
#define TDX_MD_EXT_REQUIRED			0x3100000000000001ull
#define TDX_MD_MEMORY_POOL_REQUIRED_PAGES	0x3100000200000000ull
#define TDX_MD_MEMORY_POOL_REQUIRED_PAGES_U16	0x3100000100000000ull
#define TDX_MD_MAX_QUOTE_SIZE			0x2300000200000002ull
/*
 * The TDX module's version (u16 each), as the kernel's own metadata
 * reader has them from 7.2 (arch/x86/virt/vmx/tdx/tdx_global_metadata.c,
 * get_tdx_sys_info_version()): a runtime update changes them.
 */
#define TDX_MD_MINOR_VERSION			0x0800000100000003ull
#define TDX_MD_MAJOR_VERSION			0x0800000100000004ull
#define TDX_MD_UPDATE_VERSION			0x0800000100000005ull
#define TDX_MD_BUILD_NUM			0x8800000100000002ull

#define TDX_FEATURES0_EXT	0x0000008000000000ull	/* bit 39 */
#define TDX_FEATURES0_QUOTE	0x0004000000000000ull	/* bit 50 */

/* TDH.QUOTE.GET: RDX bits 47:32 select the quote format. */
#define TDX_QUOTE_ID_SHIFT	32
#define TDX_QUOTE_ID_MASK	0xffffull
#define TDX_QUOTE_ID_DEFAULT	0xffffull
#define TDX_QUOTE_GET_MAX_INPUT	4096u

/*
 * HPA_LINKED_LIST (quote output): 4 KiB nodes of 512 u64; entries 0-510
 * are data page addresses, entry 511 the next node; unused entries ~0.
 */
#define TDX_HPA_LL_ENTRIES	512u
#define TDX_HPA_LL_DATA		511u
#define TDX_HPA_LL_NEXT		511u
#define TDX_HPA_LL_UNUSED	(~0ull)

#endif /* TDX_ABI_H */
