// SPDX-License-Identifier: GPL-2.0
/*
 * The UAPI header as user space sees it: self-contained, and laid out so
 * that 32-bit callers (compat_ioctl) share the 64-bit layout: every __u64
 * on an 8-byte boundary, sizes multiples of 8, no implicit padding.
 */
#include <stddef.h>

#include <linux/tdx_quote.h>

#include "unit.h"

#define U64_ALIGNED(type, field) (offsetof(type, field) % 8 == 0)

TEST(info_layout)
{
	CHECK_EQ(offsetof(struct tdx_quote_info, size), 0);
	CHECK(U64_ALIGNED(struct tdx_quote_info, features));
	CHECK(U64_ALIGNED(struct tdx_quote_info, pool_pages));
	CHECK(U64_ALIGNED(struct tdx_quote_info, quotes));
	CHECK(U64_ALIGNED(struct tdx_quote_info, quote_errors));
	CHECK(U64_ALIGNED(struct tdx_quote_info, seamcalls));
	CHECK(U64_ALIGNED(struct tdx_quote_info, resumes));
	CHECK_EQ(sizeof(struct tdx_quote_info), 72);
}

TEST(req_layout)
{
	CHECK_EQ(offsetof(struct tdx_quote_req, size), 0);
	CHECK(U64_ALIGNED(struct tdx_quote_req, td));
	CHECK(U64_ALIGNED(struct tdx_quote_req, in_ptr));
	CHECK(U64_ALIGNED(struct tdx_quote_req, out_ptr));
	CHECK(U64_ALIGNED(struct tdx_quote_req, tdx_status));
	CHECK_EQ(sizeof(struct tdx_quote_req), 56);
}

TEST(ioctl_numbers)
{
	CHECK_EQ(_IOC_TYPE(TDX_QUOTE_GET_INFO), TDX_QUOTE_IOC_MAGIC);
	CHECK_EQ(_IOC_NR(TDX_QUOTE_GET_QUOTE), 2);
	CHECK_EQ(_IOC_DIR(TDX_QUOTE_GET_QUOTE), _IOC_READ | _IOC_WRITE);
}

UNIT_MAIN("uapi")
