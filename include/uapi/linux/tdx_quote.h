/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/tdx_quote: DICE-based TDX quotes from the host's TDX module
 * (tdx-ext).  Self-contained: usable from user space as is.
 *
 * Both ioctls take an extensible struct whose first field is the caller's
 * size of it (the kernel's copy_struct_from_user() rules): an older caller
 * passes a smaller struct and gets the fields it knows; a newer caller's
 * extra fields must be zero, or the call fails with E2BIG.  Reserved fields
 * and unknown flags must be zero (EINVAL).
 *
 * Errors of TDX_QUOTE_GET_QUOTE:
 *   EINVAL     bad size, flags, reserved fields or lengths; or the TDX
 *              module rejected the request's operands (tdx_status says)
 *   E2BIG      a newer struct with non-zero fields this kernel does not know
 *   EFAULT     a pointer is bad
 *   ENOSPC     the quote does not fit: quote_len holds the length needed
 *   EBADMSG    the TDX module rejected the report (its MAC, or not from the
 *              TD named by td); tdx_status says which
 *   EOPNOTSUPP quoting is unavailable (state in GET_INFO; sysfs diagnosis
 *              says why), or became so under this request: the TDX module
 *              lost its quoting state (a runtime update) and could not be
 *              initialised again
 *   EDESTADDRREQ td is 0 and the TDX module wants the TD's handle (its TDR
 *              page address): name the TD
 *   EAGAIN     O_NONBLOCK and the queue is full
 *   EINTR      killed while waiting (the quote, if under way, is dropped)
 *   ETIMEDOUT  the TDX module did not finish within the driver's deadline
 *   EBUSY      the TDX module stayed busy (another SEAMCALL held a lock it
 *              needs) or out of entropy (TDX_RND_NO_ENTROPY) through the
 *              driver's retries; try again
 *   EIO        any other TDX module error (tdx_status holds it)
 * On every error after the TDX module ran, tdx_status holds its raw status.
 * Success always comes with a non-empty quote.
 */
#ifndef _UAPI_LINUX_TDX_QUOTE_H
#define _UAPI_LINUX_TDX_QUOTE_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define TDX_QUOTE_ABI_VERSION		1

#define TDX_QUOTE_BACKEND_HW		1	/* this host's TDX module */
#define TDX_QUOTE_BACKEND_SIM		2	/* simulated: not trustworthy */

#define TDX_QUOTE_STATE_INIT		0
#define TDX_QUOTE_STATE_EXT_READY	1	/* quoting unavailable */
#define TDX_QUOTE_STATE_READY		2

#define TDX_QUOTE_MAX_INPUT		4096	/* bytes of input */
#define TDX_QUOTE_TDREPORT_SIZE		1024

/* GET_INFO: what the driver and the TDX module offer. */
struct tdx_quote_info {
	__u32 size;			/* in: sizeof(struct tdx_quote_info) */
	__u32 abi_version;		/* out: TDX_QUOTE_ABI_VERSION */
	__u32 backend;			/* out: TDX_QUOTE_BACKEND_* */
	__u32 state;			/* out: TDX_QUOTE_STATE_* */
	__u64 features;			/* out: TDX_FEATURES0 */
	__u64 pool_pages;		/* out: the Extensions pool, 4 KiB pages */
	__u32 max_quote_size;		/* out: bytes; 0 without quoting */
	__u32 max_input_size;		/* out: TDX_QUOTE_MAX_INPUT */
	__u64 quotes;			/* out: quotes produced */
	__u64 quote_errors;		/* out: requests that failed */
	__u64 seamcalls;		/* out: SEAMCALLs issued */
	__u64 resumes;			/* out: of them, resumes */
};

/* GET_QUOTE: a TDREPORT in, a quote out. */
struct tdx_quote_req {
	__u32 size;			/* in: sizeof(struct tdx_quote_req) */
	__u32 flags;			/* in: 0 */
	__u64 td;			/* in: TD handle; 0: from the report */
	__u64 in_ptr;			/* in: the input (a TDREPORT) */
	__u32 in_len;			/* in: its length, 1..TDX_QUOTE_MAX_INPUT */
	__u32 out_len;			/* in: capacity of out_ptr */
	__u64 out_ptr;			/* in: where the quote goes */
	__u32 quote_len;		/* out: its length (or the length needed) */
	__u32 reserved;			/* in: 0 */
	__u64 tdx_status;		/* out: the TDX module's raw status */
};

#define TDX_QUOTE_IOC_MAGIC		0xd7
#define TDX_QUOTE_GET_INFO	_IOWR(TDX_QUOTE_IOC_MAGIC, 1, struct tdx_quote_info)
#define TDX_QUOTE_GET_QUOTE	_IOWR(TDX_QUOTE_IOC_MAGIC, 2, struct tdx_quote_req)

#endif /* _UAPI_LINUX_TDX_QUOTE_H */
