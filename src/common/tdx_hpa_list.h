/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HPA_LIST_INFO, the operand of TDH.EXT.MEM.ADD (ABI.md section 5):
 *
 *   bits  2:0   reserved, 0
 *   bits 11:3   FIRST_ENTRY: index of the next entry to process
 *   bits 51:12  PFN of the 4 KiB list page (up to 512 u64 page addresses)
 *   bits 54:52  reserved, 0
 *   bits 63:55  LAST_ENTRY: index of the last valid entry (count - 1)
 *
 * Pure C, shared by the driver, the simulator and the host unit tests.
 */
#ifndef TDX_HPA_LIST_H
#define TDX_HPA_LIST_H

#include "tdx_types.h"

#define TDX_HPA_LIST_ENTRIES	512u
#define TDX_HPA_PAGE_SIZE	4096ull

#define TDX_HPA_LIST_RSVD_MASK	(0x7ull | (0x7ull << 52))
#define TDX_HPA_LIST_FIRST_SHIFT 3
#define TDX_HPA_LIST_LAST_SHIFT	55
#define TDX_HPA_LIST_IDX_MASK	0x1ffull
#define TDX_HPA_LIST_PA_MASK	(((1ull << 52) - 1) & ~(TDX_HPA_PAGE_SIZE - 1))

enum tdx_hpa_list_err {
	TDX_HPA_LIST_OK = 0,
	TDX_HPA_LIST_RESERVED,		/* a reserved bit is set */
	TDX_HPA_LIST_FIRST_AFTER_LAST,	/* FIRST_ENTRY > LAST_ENTRY */
};

/*
 * Encode a list page address and an inclusive entry range.  The caller
 * guarantees a 4 KiB aligned address below 2^52 and first <= last < 512;
 * anything outside is masked off, so the result is always well formed.
 */
static inline u64 tdx_hpa_list_info(u64 list_pa, unsigned int first,
				    unsigned int last)
{
	return (list_pa & TDX_HPA_LIST_PA_MASK) |
	       ((u64)(first & TDX_HPA_LIST_IDX_MASK) << TDX_HPA_LIST_FIRST_SHIFT) |
	       ((u64)(last & TDX_HPA_LIST_IDX_MASK) << TDX_HPA_LIST_LAST_SHIFT);
}

static inline u64 tdx_hpa_list_pa(u64 info)
{
	return info & TDX_HPA_LIST_PA_MASK;
}

static inline unsigned int tdx_hpa_list_first(u64 info)
{
	return (info >> TDX_HPA_LIST_FIRST_SHIFT) & TDX_HPA_LIST_IDX_MASK;
}

static inline unsigned int tdx_hpa_list_last(u64 info)
{
	return (info >> TDX_HPA_LIST_LAST_SHIFT) & TDX_HPA_LIST_IDX_MASK;
}

/* Entries still to process: LAST - FIRST + 1, or 0 if malformed. */
static inline unsigned int tdx_hpa_list_remaining(u64 info)
{
	unsigned int first = tdx_hpa_list_first(info);
	unsigned int last = tdx_hpa_list_last(info);

	return first > last ? 0 : last - first + 1;
}

static inline enum tdx_hpa_list_err tdx_hpa_list_check(u64 info)
{
	if (info & TDX_HPA_LIST_RSVD_MASK)
		return TDX_HPA_LIST_RESERVED;
	if (tdx_hpa_list_first(info) > tdx_hpa_list_last(info))
		return TDX_HPA_LIST_FIRST_AFTER_LAST;
	return TDX_HPA_LIST_OK;
}

#endif /* TDX_HPA_LIST_H */
