/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libtdxquote's internal helpers, shared by its source files; not part of
 * the API in tdxq.h.
 */
#ifndef TDXQ_INTERNAL_H
#define TDXQ_INTERNAL_H

#include "tdxq.h"

/* printf into e->msg (e may be NULL). */
void tdxq_seterr(struct tdxq_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Are b..b+n the content octets of a DER OBJECT IDENTIFIER: at least one
 * byte, each arc minimal base-128 (never starting with 0x80), the last
 * byte's top bit clear?  (eat_profile, step 20; FWID hashAlg, step 17)
 */
int tdxq_oid_ok(const uint8_t *b, size_t n);

/* Which step of docs/verifier.md a failure after this belongs to. */
static inline void tdxq_step(struct tdxq_err *e, int step)
{
	if (e)
		e->step = step;
}

/* Puts "pfx: " before the message in e (truncating its end). */
void tdxq_prefix_err(struct tdxq_err *e, const char *pfx);

#endif /* TDXQ_INTERNAL_H */
