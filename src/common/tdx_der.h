/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small DER (ITU-T X.690) encoder, shared by the kernel modules and user
 * space: no allocation, no recursion, no floating point.
 *
 * Usage:
 *
 *	struct tdx_der w;
 *
 *	tdx_der_init(&w, buf, cap);	(buf NULL: only count the bytes)
 *	tdx_der_begin(&w, TDX_DER_SEQUENCE);
 *	tdx_der_int_u64(&w, 2);
 *	tdx_der_end(&w);
 *	ret = tdx_der_finish(&w);	(length, or a negative TDX_E* code)
 *
 * Errors are sticky: the write functions return nothing, the first error
 * stops all further output and tdx_der_finish() reports it.
 *
 * Buffer space: nothing is ever written at or beyond buf[cap].  When
 * something does not fit, the writer sets ->overflow, stops writing, keeps
 * counting, and tdx_der_finish() returns -TDX_ENOSPC with ->len holding the
 * size that would have been needed.  With buf NULL the writer only counts,
 * so a first pass sizes the buffer for the second.
 *
 * Constructed elements (nested lengths): the length of a SEQUENCE, SET,
 * explicit tag or wrapping OCTET/BIT STRING precedes its content, which is
 * not yet known when the content is being written.  tdx_der_begin() writes
 * the tag and reserves ONE length byte, and pushes the content's start
 * offset on a fixed stack of TDX_DER_MAX_DEPTH entries inside the writer.
 * tdx_der_end() pops it; if the content turned out to be 128 bytes or more
 * (long-form length of 2..5 bytes) it memmove()s the content up by the
 * missing bytes and then fills in the length.  Inner elements are closed
 * before outer ones, so every offset still on the stack stays valid.  The
 * cost is one memmove per long element (a few KiB for a certificate).
 * The bytes used never exceed the final length (content only ever moves up
 * by length bytes the final encoding has anyway), so an encoding that fits
 * in cap never needs more than cap bytes on the way.
 */
#ifndef TDX_DER_H
#define TDX_DER_H

#include "tdx_types.h"

/* Universal tags (class universal; constructed bit set where DER needs it) */
#define TDX_DER_BOOLEAN		0x01
#define TDX_DER_INTEGER		0x02
#define TDX_DER_BIT_STRING	0x03
#define TDX_DER_OCTET_STRING	0x04
#define TDX_DER_NULL		0x05
#define TDX_DER_OID		0x06
#define TDX_DER_UTF8_STRING	0x0c
#define TDX_DER_PRINTABLE_STRING 0x13
#define TDX_DER_UTC_TIME	0x17
#define TDX_DER_GENERALIZED_TIME 0x18
#define TDX_DER_SEQUENCE	0x30
#define TDX_DER_SET		0x31
/* [n] EXPLICIT (context-specific, constructed) and [n] IMPLICIT primitive */
#define TDX_DER_CTX(n)		(0xa0 | (n))
#define TDX_DER_CTX_PRIM(n)	(0x80 | (n))

/*
 * Deepest nesting of tdx_der_begin(): an X.509 TBSCertificate needs 6, 8
 * with the FWIDs of a TCG DiceTcbInfo extension (tdx_x509.c).
 */
#define TDX_DER_MAX_DEPTH	10
/* Largest total encoding; lengths thus never need more than 4 bytes. */
#define TDX_DER_MAX_LEN		0x7fffffffu

struct tdx_der {
	u8 *buf;		/* NULL: count only */
	size_t cap;		/* bytes available at buf */
	size_t len;		/* bytes produced (or needed) so far */
	bool overflow;		/* buf too small; writing stopped */
	int err;		/* first error (negative TDX_E*), or 0 */
	unsigned int depth;	/* open constructed elements */
	size_t stack[TDX_DER_MAX_DEPTH];	/* their content offsets */
};

/* A UTC date and time; tdx_der_time() checks that it exists. */
struct tdx_der_time {
	u16 year;		/* 0..9999 */
	u8 mon;			/* 1..12 */
	u8 day;			/* 1..28/29/30/31 */
	u8 hour;		/* 0..23 */
	u8 min;			/* 0..59 */
	u8 sec;			/* 0..59 */
};

void tdx_der_init(struct tdx_der *w, u8 *buf, size_t cap);
/* The encoded length, or -TDX_ENOSPC (overflow) or -TDX_EINVAL (misuse). */
int tdx_der_finish(const struct tdx_der *w);

/* Constructed elements: any one-byte tag, contents up to the next end(). */
void tdx_der_begin(struct tdx_der *w, u8 tag);
/* BIT STRING wrapping DER content: tag, length, 0 unused bits. */
void tdx_der_begin_bit_string(struct tdx_der *w);
void tdx_der_end(struct tdx_der *w);

/* Bytes appended as they are (an already encoded element, say). */
void tdx_der_raw(struct tdx_der *w, const void *data, size_t len);
/* Any primitive element: tag, length, content. */
void tdx_der_tlv(struct tdx_der *w, u8 tag, const void *data, size_t len);

/* INTEGER from an unsigned big-endian number of any width (0 bytes: 0). */
void tdx_der_int_bytes(struct tdx_der *w, const u8 *be, size_t len);
void tdx_der_int_u64(struct tdx_der *w, u64 v);
/* The same under another tag: [n] IMPLICIT INTEGER is TDX_DER_CTX_PRIM(n). */
void tdx_der_int_u64_tagged(struct tdx_der *w, u8 tag, u64 v);
void tdx_der_bool(struct tdx_der *w, bool v);
void tdx_der_null(struct tdx_der *w);
/* OBJECT IDENTIFIER from its content bytes, e.g. 2b 81 04 00 22. */
void tdx_der_oid(struct tdx_der *w, const u8 *oid, size_t len);
/* BIT STRING of whole bytes (0 unused bits). */
void tdx_der_bit_string(struct tdx_der *w, const u8 *data, size_t len);
/* BIT STRING of a NamedBitList (bit n = 1 << n, n < 32), trailing 0s cut. */
void tdx_der_named_bits(struct tdx_der *w, u32 bits);
/* The same under another tag: [n] IMPLICIT is TDX_DER_CTX_PRIM(n). */
void tdx_der_named_bits_tagged(struct tdx_der *w, u8 tag, u32 bits);
void tdx_der_octet_string(struct tdx_der *w, const u8 *data, size_t len);
/* UTF8String: the caller passes valid UTF-8. */
void tdx_der_utf8(struct tdx_der *w, const char *s, size_t len);
/* PrintableString: A-Z a-z 0-9 space ' ( ) + , - . / : = ? only. */
void tdx_der_printable(struct tdx_der *w, const char *s, size_t len);
/* UTCTime for 1950..2049, else GeneralizedTime (RFC 5280 4.1.2.5). */
void tdx_der_time(struct tdx_der *w, const struct tdx_der_time *t);
/* Compare two times: < 0, 0, > 0. */
int tdx_der_time_cmp(const struct tdx_der_time *a,
		     const struct tdx_der_time *b);
/* Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }, r, s n bytes BE */
void tdx_der_ecdsa_sig(struct tdx_der *w, const u8 *r, const u8 *s,
		       size_t n);

#endif /* TDX_DER_H */
