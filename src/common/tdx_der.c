// SPDX-License-Identifier: GPL-2.0
/*
 * A small DER encoder; see tdx_der.h for the design of nested lengths.
 */
#include "tdx_der.h"

void tdx_der_init(struct tdx_der *w, u8 *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = buf ? cap : 0;
}

int tdx_der_finish(const struct tdx_der *w)
{
	if (w->err)
		return w->err;
	if (w->depth)
		return -TDX_EINVAL;
	if (w->overflow)
		return -TDX_ENOSPC;
	return (int)w->len;
}

static void der_fail(struct tdx_der *w, int err)
{
	if (!w->err)
		w->err = err;
}

/*
 * Account for n more bytes.  True if the caller is to store them at
 * buf[len - n]; false when only counting, after an overflow or an error.
 */
static bool der_grow(struct tdx_der *w, size_t n)
{
	bool store;

	if (w->err)
		return false;
	if (n > TDX_DER_MAX_LEN - w->len) {
		der_fail(w, -TDX_EINVAL);
		return false;
	}
	store = w->buf && !w->overflow;
	if (store && n > w->cap - w->len) {
		w->overflow = true;
		store = false;
	}
	w->len += n;
	return store;
}

static void der_put(struct tdx_der *w, const void *data, size_t n)
{
	if (n && !data) {
		der_fail(w, -TDX_EINVAL);
		return;
	}
	if (der_grow(w, n) && n)
		memcpy(w->buf + w->len - n, data, n);
}

static void der_byte(struct tdx_der *w, u8 b)
{
	der_put(w, &b, 1);
}

/* Encode a definite length (at most TDX_DER_MAX_LEN) into out[5]. */
static unsigned int der_len_encode(size_t len, u8 *out)
{
	u32 v = (u32)len;
	unsigned int n = 1, i;

	if (v < 0x80) {
		out[0] = v;
		return 1;
	}
	while (n < 4 && (v >> (8 * n)))
		n++;
	out[0] = 0x80 | n;
	for (i = 0; i < n; i++)
		out[1 + i] = v >> (8 * (n - 1 - i));
	return n + 1;
}

static void der_hdr(struct tdx_der *w, u8 tag, size_t len)
{
	u8 lb[5];

	if (len > TDX_DER_MAX_LEN) {
		der_fail(w, -TDX_EINVAL);
		return;
	}
	der_byte(w, tag);
	der_put(w, lb, der_len_encode(len, lb));
}

void tdx_der_begin(struct tdx_der *w, u8 tag)
{
	if (w->err)
		return;
	if (w->depth >= TDX_DER_MAX_DEPTH) {
		der_fail(w, -TDX_EINVAL);
		return;
	}
	der_byte(w, tag);
	der_byte(w, 0);		/* the length, fixed up by tdx_der_end() */
	w->stack[w->depth++] = w->len;
}

void tdx_der_begin_bit_string(struct tdx_der *w)
{
	tdx_der_begin(w, TDX_DER_BIT_STRING);
	der_byte(w, 0);		/* unused bits */
}

void tdx_der_end(struct tdx_der *w)
{
	size_t start, clen, extra;
	unsigned int nl;
	u8 lb[5];
	bool store;

	if (w->err)
		return;
	if (!w->depth) {
		der_fail(w, -TDX_EINVAL);
		return;
	}
	start = w->stack[--w->depth];
	clen = w->len - start;
	nl = der_len_encode(clen, lb);
	extra = nl - 1;
	store = w->buf && !w->overflow;
	if (extra) {
		/* Room for the longer length: shift the content up. */
		store = der_grow(w, extra);
		if (store)
			memmove(w->buf + start + extra, w->buf + start, clen);
	}
	if (store)
		memcpy(w->buf + start - 1, lb, nl);
}

void tdx_der_raw(struct tdx_der *w, const void *data, size_t len)
{
	der_put(w, data, len);
}

void tdx_der_tlv(struct tdx_der *w, u8 tag, const void *data, size_t len)
{
	der_hdr(w, tag, len);
	der_put(w, data, len);
}

/* A non-negative INTEGER's content under tag. */
static void der_int(struct tdx_der *w, u8 tag, const u8 *be, size_t len)
{
	if (len && !be) {
		der_fail(w, -TDX_EINVAL);
		return;
	}
	while (len && !be[0]) {
		be++;
		len--;
	}
	if (!len) {
		der_hdr(w, tag, 1);
		der_byte(w, 0);
		return;
	}
	if (be[0] & 0x80) {
		/* Keep it positive. */
		der_hdr(w, tag, len + 1);
		der_byte(w, 0);
	} else {
		der_hdr(w, tag, len);
	}
	der_put(w, be, len);
}

void tdx_der_int_bytes(struct tdx_der *w, const u8 *be, size_t len)
{
	der_int(w, TDX_DER_INTEGER, be, len);
}

void tdx_der_int_u64_tagged(struct tdx_der *w, u8 tag, u64 v)
{
	u8 be[8];
	int i;

	for (i = 7; i >= 0; i--) {
		be[i] = (u8)v;
		v >>= 8;
	}
	der_int(w, tag, be, sizeof(be));
}

void tdx_der_int_u64(struct tdx_der *w, u64 v)
{
	tdx_der_int_u64_tagged(w, TDX_DER_INTEGER, v);
}

void tdx_der_bool(struct tdx_der *w, bool v)
{
	der_hdr(w, TDX_DER_BOOLEAN, 1);
	der_byte(w, v ? 0xff : 0x00);
}

void tdx_der_null(struct tdx_der *w)
{
	der_hdr(w, TDX_DER_NULL, 0);
}

void tdx_der_oid(struct tdx_der *w, const u8 *oid, size_t len)
{
	/* At least two arcs; the last byte of a subidentifier has bit 7 0. */
	if (!len || !oid || (oid[len - 1] & 0x80)) {
		der_fail(w, -TDX_EINVAL);
		return;
	}
	tdx_der_tlv(w, TDX_DER_OID, oid, len);
}

void tdx_der_bit_string(struct tdx_der *w, const u8 *data, size_t len)
{
	if (len >= TDX_DER_MAX_LEN) {
		der_fail(w, -TDX_EINVAL);
		return;
	}
	der_hdr(w, TDX_DER_BIT_STRING, len + 1);
	der_byte(w, 0);
	der_put(w, data, len);
}

void tdx_der_named_bits_tagged(struct tdx_der *w, u8 tag, u32 bits)
{
	u8 b[4] = { 0 };
	unsigned int top = 0, i;

	if (!bits) {
		/* DER: no bits at all is an empty BIT STRING. */
		der_hdr(w, tag, 1);
		der_byte(w, 0);
		return;
	}
	for (i = 0; i < 32; i++) {
		if (bits & (1u << i)) {
			b[i / 8] |= 0x80 >> (i % 8);
			top = i;
		}
	}
	der_hdr(w, tag, top / 8 + 2);
	der_byte(w, 7 - top % 8);	/* unused (trailing zero) bits */
	der_put(w, b, top / 8 + 1);
}

void tdx_der_named_bits(struct tdx_der *w, u32 bits)
{
	tdx_der_named_bits_tagged(w, TDX_DER_BIT_STRING, bits);
}

void tdx_der_octet_string(struct tdx_der *w, const u8 *data, size_t len)
{
	tdx_der_tlv(w, TDX_DER_OCTET_STRING, data, len);
}

void tdx_der_utf8(struct tdx_der *w, const char *s, size_t len)
{
	tdx_der_tlv(w, TDX_DER_UTF8_STRING, s, len);
}

static bool der_printable_char(char c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9'))
		return true;
	switch (c) {
	case ' ': case '\'': case '(': case ')': case '+': case ',':
	case '-': case '.': case '/': case ':': case '=': case '?':
		return true;
	}
	return false;
}

void tdx_der_printable(struct tdx_der *w, const char *s, size_t len)
{
	size_t i;

	if (len && !s) {
		der_fail(w, -TDX_EINVAL);
		return;
	}
	for (i = 0; i < len; i++) {
		if (!der_printable_char(s[i])) {
			der_fail(w, -TDX_EINVAL);
			return;
		}
	}
	tdx_der_tlv(w, TDX_DER_PRINTABLE_STRING, s, len);
}

static bool der_time_valid(const struct tdx_der_time *t)
{
	static const u8 mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	unsigned int y = t->year, dmax;
	bool leap = !(y % 4) && ((y % 100) || !(y % 400));

	if (y > 9999 || t->mon < 1 || t->mon > 12 || t->day < 1 ||
	    t->hour > 23 || t->min > 59 || t->sec > 59)
		return false;
	dmax = mdays[t->mon - 1] + (t->mon == 2 && leap);
	return t->day <= dmax;
}

static void der_digits(u8 *p, unsigned int v, unsigned int n)
{
	while (n--) {
		p[n] = '0' + v % 10;
		v /= 10;
	}
}

void tdx_der_time(struct tdx_der *w, const struct tdx_der_time *t)
{
	u8 s[15], *p = s;
	bool utc;

	if (!t || !der_time_valid(t)) {
		der_fail(w, -TDX_EINVAL);
		return;
	}
	utc = t->year >= 1950 && t->year <= 2049;
	if (utc) {
		der_digits(p, t->year % 100, 2);
		p += 2;
	} else {
		der_digits(p, t->year, 4);
		p += 4;
	}
	der_digits(p, t->mon, 2);
	der_digits(p + 2, t->day, 2);
	der_digits(p + 4, t->hour, 2);
	der_digits(p + 6, t->min, 2);
	der_digits(p + 8, t->sec, 2);
	p[10] = 'Z';
	p += 11;
	tdx_der_tlv(w, utc ? TDX_DER_UTC_TIME : TDX_DER_GENERALIZED_TIME,
		    s, p - s);
}

int tdx_der_time_cmp(const struct tdx_der_time *a,
		     const struct tdx_der_time *b)
{
	u64 x = (u64)a->year << 40 | (u64)a->mon << 32 | (u64)a->day << 24 |
		(u64)a->hour << 16 | (u64)a->min << 8 | a->sec;
	u64 y = (u64)b->year << 40 | (u64)b->mon << 32 | (u64)b->day << 24 |
		(u64)b->hour << 16 | (u64)b->min << 8 | b->sec;

	return x < y ? -1 : x > y;
}

void tdx_der_ecdsa_sig(struct tdx_der *w, const u8 *r, const u8 *s,
		       size_t n)
{
	if (!n || !r || !s) {
		der_fail(w, -TDX_EINVAL);
		return;
	}
	tdx_der_begin(w, TDX_DER_SEQUENCE);
	tdx_der_int_bytes(w, r, n);
	tdx_der_int_bytes(w, s, n);
	tdx_der_end(w);
}
