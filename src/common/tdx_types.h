/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Integer types and mem*()/str*() for the code in src/common/, which the
 * kernel modules, the user-space tools and the host unit tests all compile.
 * Files there include this header and nothing from the kernel or libc.
 */
#ifndef TDX_TYPES_H
#define TDX_TYPES_H

#ifdef __KERNEL__
#include <linux/string.h>
#include <linux/types.h>
#else
#include <string.h>
#include <stdbool.h>
#include <stddef.h>
/* The compiler's own names, so that user space needs no <stdint.h> here. */
typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
#endif

/*
 * Negative return codes of src/common, as errno numbers (the same on every
 * Linux architecture), since this code can include no errno header.
 */
#define TDX_EINVAL	22
#define TDX_ENOSPC	28
#define TDX_EOVERFLOW	75

#endif /* TDX_TYPES_H */
