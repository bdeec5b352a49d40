/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels tdx-ext builds on (6.1 to 7.x),
 * in one place.  Kbuild detects features by looking at the kernel's headers
 * and passes TDX_HAVE_* defines, so no code tests version numbers.
 */
#ifndef TDX_COMPAT_H
#define TDX_COMPAT_H

/* 6.12 moved asm/unaligned.h to linux/unaligned.h. */
#ifdef TDX_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 7.x declares hex2bin() and friends in linux/hex.h only. */
#ifdef TDX_HAVE_LINUX_HEX_H
#include <linux/hex.h>
#endif

#endif /* TDX_COMPAT_H */
