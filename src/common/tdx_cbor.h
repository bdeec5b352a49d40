/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small deterministic CBOR (RFC 8949) encoder.
 *
 * Every head is written in its shortest form and only definite lengths are
 * used, as RFC 8949 section 4.2.1 ("core deterministic encoding") asks.  The
 * caller is responsible for the rest of that section: writing map entries
 * with their keys sorted bytewise by their encodings, and no duplicate keys.
 * Text strings are copied as given; the caller passes valid UTF-8.
 *
 * Writer semantics:
 *  - tdx_cbor_init(w, buf, cap) with a buffer writes into buf[0..cap).
 *    Nothing is ever written at or past buf[cap]: an item that does not fit
 *    is not written at all, w->overflow is set, and w->len keeps counting
 *    (so after an overflow w->len is the size the output needs).
 *  - tdx_cbor_init(w, NULL, 0) only counts: w->len ends up as the size of
 *    the encoding, for sizing a buffer in a first pass.  overflow stays
 *    false in this mode unless the count itself would wrap a size_t.
 *  - len saturates at the largest size_t (and overflow is set) rather than
 *    wrapping.
 *
 * "bstr-wrapped CBOR" (a byte string whose content is itself CBOR): size
 * the inner item with a counting writer, then call tdx_cbor_bstr_head()
 * with that length and write the inner item with the ordinary calls.
 *
 * Pure C, shared by the kernel modules, user-space tools and unit tests.
 */
#ifndef TDX_CBOR_H
#define TDX_CBOR_H

#include "tdx_types.h"

/* Major types (RFC 8949 section 3.1), the top 3 bits of the initial byte. */
#define TDX_CBOR_MT_UINT	0
#define TDX_CBOR_MT_NINT	1
#define TDX_CBOR_MT_BSTR	2
#define TDX_CBOR_MT_TSTR	3
#define TDX_CBOR_MT_ARRAY	4
#define TDX_CBOR_MT_MAP		5
#define TDX_CBOR_MT_TAG		6
#define TDX_CBOR_MT_SIMPLE	7

/* Simple values (RFC 8949 section 3.3). */
#define TDX_CBOR_FALSE		20
#define TDX_CBOR_TRUE		21
#define TDX_CBOR_NULL		22
#define TDX_CBOR_UNDEFINED	23

struct tdx_cbor {
	u8 *buf;	/* output, or NULL to only count */
	size_t cap;	/* bytes available at buf (0 when buf is NULL) */
	size_t len;	/* bytes the encoding so far needs */
	bool overflow;	/* something did not fit (or len saturated) */
};

void tdx_cbor_init(struct tdx_cbor *w, u8 *buf, size_t cap);

/* The size of a head (initial byte plus argument) carrying argument v. */
size_t tdx_cbor_head_size(u64 v);

/* Integers: v >= 0; the value -1 - n (so n = 2^64 - 1 gives -2^64). */
void tdx_cbor_uint(struct tdx_cbor *w, u64 v);
void tdx_cbor_nint(struct tdx_cbor *w, u64 n);
/* Either sign, for the common case of a value that fits a long long. */
void tdx_cbor_int(struct tdx_cbor *w, long long v);

/* Byte string: head and content; head only (content follows). */
void tdx_cbor_bstr(struct tdx_cbor *w, const void *p, size_t len);
void tdx_cbor_bstr_head(struct tdx_cbor *w, size_t len);

/* Text string from (pointer, length), or from a NUL-terminated string. */
void tdx_cbor_tstr(struct tdx_cbor *w, const char *s, size_t len);
void tdx_cbor_cstr(struct tdx_cbor *w, const char *s);

/* Array of n items; map of n key/value pairs (the 2n items follow). */
void tdx_cbor_array(struct tdx_cbor *w, u64 n);
void tdx_cbor_map(struct tdx_cbor *w, u64 n);

/* Tag: the tagged item follows. */
void tdx_cbor_tag(struct tdx_cbor *w, u64 tag);

void tdx_cbor_bool(struct tdx_cbor *w, bool v);
void tdx_cbor_null(struct tdx_cbor *w);
void tdx_cbor_undefined(struct tdx_cbor *w);

/* Append bytes that already are (deterministically) encoded CBOR. */
void tdx_cbor_raw(struct tdx_cbor *w, const void *p, size_t len);

static inline bool tdx_cbor_ok(const struct tdx_cbor *w)
{
	return !w->overflow;
}

#endif /* TDX_CBOR_H */
