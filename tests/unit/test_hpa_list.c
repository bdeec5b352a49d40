// SPDX-License-Identifier: GPL-2.0
/* Host unit tests for src/common/tdx_hpa_list.h. */
#include "unit.h"
#include "tdx_hpa_list.h"

TEST(roundtrip_all_indices)
{
	const u64 pa = 0x000fedcba9876000ull;
	unsigned int first, last;

	for (first = 0; first < TDX_HPA_LIST_ENTRIES; first += 7) {
		for (last = first; last < TDX_HPA_LIST_ENTRIES; last += 13) {
			u64 v = tdx_hpa_list_info(pa, first, last);

			CHECK_EQ(tdx_hpa_list_pa(v), pa);
			CHECK_EQ(tdx_hpa_list_first(v), first);
			CHECK_EQ(tdx_hpa_list_last(v), last);
			CHECK_EQ(tdx_hpa_list_remaining(v), last - first + 1);
			CHECK_EQ(tdx_hpa_list_check(v), TDX_HPA_LIST_OK);
		}
	}
}

TEST(field_positions)
{
	/* One bit in each field lands exactly where ABI.md puts it. */
	CHECK_EQ(tdx_hpa_list_info(0, 1, 1), (1ull << 3) | (1ull << 55));
	CHECK_EQ(tdx_hpa_list_info(0x1000, 0, 0), 0x1000);
	CHECK_EQ(tdx_hpa_list_info(0, 0, 511), 0x1ffull << 55);
	CHECK_EQ(tdx_hpa_list_info(0, 511, 511), (0x1ffull << 3) | (0x1ffull << 55));
}

TEST(encoder_masks_garbage)
{
	/* Misaligned address, address above 2^52, indices above 511. */
	u64 v = tdx_hpa_list_info(0xfff0000000001234ull, 512 + 5, 1024 + 9);

	CHECK_EQ(tdx_hpa_list_check(v), TDX_HPA_LIST_OK);
	CHECK_EQ(tdx_hpa_list_pa(v), 0x0000000000001000ull);
	CHECK_EQ(tdx_hpa_list_first(v), 5);
	CHECK_EQ(tdx_hpa_list_last(v), 9);
}

TEST(reserved_bits_rejected)
{
	u64 good = tdx_hpa_list_info(0x5000, 0, 10);
	int bit;

	for (bit = 0; bit < 3; bit++)
		CHECK_EQ(tdx_hpa_list_check(good | (1ull << bit)),
			 TDX_HPA_LIST_RESERVED);
	for (bit = 52; bit < 55; bit++)
		CHECK_EQ(tdx_hpa_list_check(good | (1ull << bit)),
			 TDX_HPA_LIST_RESERVED);
}

TEST(first_after_last_rejected)
{
	u64 v = tdx_hpa_list_info(0x5000, 10, 9);

	CHECK_EQ(tdx_hpa_list_check(v), TDX_HPA_LIST_FIRST_AFTER_LAST);
	CHECK_EQ(tdx_hpa_list_remaining(v), 0);
}

UNIT_MAIN("hpa_list")
