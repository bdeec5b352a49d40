// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the pure C code in src/common, compiled as kernel code.
 * The host unit tests cover the same functions in user space; this proves
 * that the kernel build of them behaves the same.
 *
 * fail_on_purpose=1 adds a failing case: the VM harness's self-test uses it
 * to show that a KUnit failure fails the run.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "tdx_hpa_list.h"

static bool fail_on_purpose;
module_param(fail_on_purpose, bool, 0444);
MODULE_PARM_DESC(fail_on_purpose, "add a failing case (harness self-test)");

static void hpa_list_roundtrip(struct kunit *test)
{
	unsigned int first, last;
	u64 v;

	for (first = 0; first < TDX_HPA_LIST_ENTRIES; first += 31) {
		for (last = first; last < TDX_HPA_LIST_ENTRIES; last += 37) {
			v = tdx_hpa_list_info(0x123456000ull, first, last);
			KUNIT_EXPECT_EQ(test, tdx_hpa_list_pa(v), 0x123456000ull);
			KUNIT_EXPECT_EQ(test, tdx_hpa_list_first(v), first);
			KUNIT_EXPECT_EQ(test, tdx_hpa_list_last(v), last);
			KUNIT_EXPECT_EQ(test, tdx_hpa_list_check(v),
					TDX_HPA_LIST_OK);
		}
	}
}

static void hpa_list_rejects(struct kunit *test)
{
	u64 v = tdx_hpa_list_info(0x5000, 0, 3);

	KUNIT_EXPECT_EQ(test, tdx_hpa_list_check(v | 1),
			TDX_HPA_LIST_RESERVED);
	KUNIT_EXPECT_EQ(test, tdx_hpa_list_check(v | BIT_ULL(53)),
			TDX_HPA_LIST_RESERVED);
	KUNIT_EXPECT_EQ(test, tdx_hpa_list_check(tdx_hpa_list_info(0x5000, 4, 3)),
			TDX_HPA_LIST_FIRST_AFTER_LAST);
}

static void deliberate_failure(struct kunit *test)
{
	if (!fail_on_purpose)
		kunit_skip(test, "fail_on_purpose not set");
	KUNIT_EXPECT_EQ_MSG(test, 1, 2, "failing on purpose (harness self-test)");
}

static struct kunit_case tdx_ext_common_cases[] = {
	KUNIT_CASE(hpa_list_roundtrip),
	KUNIT_CASE(hpa_list_rejects),
	KUNIT_CASE(deliberate_failure),
	{}
};

static struct kunit_suite tdx_ext_common_suite = {
	.name = "tdx_ext_common",
	.test_cases = tdx_ext_common_cases,
};

kunit_test_suite(tdx_ext_common_suite);

MODULE_DESCRIPTION("KUnit tests for tdx-ext's shared C code");
MODULE_LICENSE("GPL");
