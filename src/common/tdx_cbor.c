// SPDX-License-Identifier: GPL-2.0
/*
 * A small deterministic CBOR (RFC 8949) encoder; see tdx_cbor.h.
 */
#include "tdx_cbor.h"

#define TDX_CBOR_SIZE_MAX	((size_t)-1)

/* Additional-information values that announce a 1, 2, 4 or 8-byte argument */
#define TDX_CBOR_AI_1		24
#define TDX_CBOR_AI_2		25
#define TDX_CBOR_AI_4		26
#define TDX_CBOR_AI_8		27

void tdx_cbor_init(struct tdx_cbor *w, u8 *buf, size_t cap)
{
	w->buf = buf;
	w->cap = buf ? cap : 0;
	w->len = 0;
	w->overflow = false;
}

/*
 * Append n bytes.  Invariant while buf is set and overflow is clear:
 * len <= cap, so cap - len cannot wrap.
 */
static void tdx_cbor_put(struct tdx_cbor *w, const void *p, size_t n)
{
	if (n > TDX_CBOR_SIZE_MAX - w->len) {
		w->len = TDX_CBOR_SIZE_MAX;
		w->overflow = true;
		return;
	}
	if (w->buf && !w->overflow) {
		if (n > w->cap - w->len)
			w->overflow = true;
		else if (n)
			memcpy(w->buf + w->len, p, n);
	}
	w->len += n;
}

size_t tdx_cbor_head_size(u64 v)
{
	if (v < TDX_CBOR_AI_1)
		return 1;
	if (v <= 0xffull)
		return 2;
	if (v <= 0xffffull)
		return 3;
	if (v <= 0xffffffffull)
		return 5;
	return 9;
}

/* Shortest-form head: major type and argument v. */
static void tdx_cbor_head(struct tdx_cbor *w, unsigned int major, u64 v)
{
	size_t n = tdx_cbor_head_size(v);
	unsigned int ai;
	u8 h[9];
	size_t i;

	switch (n) {
	case 1:
		ai = (unsigned int)v;
		break;
	case 2:
		ai = TDX_CBOR_AI_1;
		break;
	case 3:
		ai = TDX_CBOR_AI_2;
		break;
	case 5:
		ai = TDX_CBOR_AI_4;
		break;
	default:
		ai = TDX_CBOR_AI_8;
		break;
	}
	h[0] = (u8)(major << 5 | ai);
	for (i = n - 1; i > 0; i--) {
		h[i] = (u8)v;
		v >>= 8;
	}
	tdx_cbor_put(w, h, n);
}

void tdx_cbor_uint(struct tdx_cbor *w, u64 v)
{
	tdx_cbor_head(w, TDX_CBOR_MT_UINT, v);
}

void tdx_cbor_nint(struct tdx_cbor *w, u64 n)
{
	tdx_cbor_head(w, TDX_CBOR_MT_NINT, n);
}

void tdx_cbor_int(struct tdx_cbor *w, long long v)
{
	if (v >= 0)
		tdx_cbor_uint(w, (u64)v);
	else	/* -1 - v without overflow, also for the most negative v */
		tdx_cbor_nint(w, (u64)(-(v + 1)));
}

void tdx_cbor_bstr_head(struct tdx_cbor *w, size_t len)
{
	tdx_cbor_head(w, TDX_CBOR_MT_BSTR, len);
}

void tdx_cbor_bstr(struct tdx_cbor *w, const void *p, size_t len)
{
	tdx_cbor_head(w, TDX_CBOR_MT_BSTR, len);
	tdx_cbor_put(w, p, len);
}

void tdx_cbor_tstr(struct tdx_cbor *w, const char *s, size_t len)
{
	tdx_cbor_head(w, TDX_CBOR_MT_TSTR, len);
	tdx_cbor_put(w, s, len);
}

void tdx_cbor_cstr(struct tdx_cbor *w, const char *s)
{
	tdx_cbor_tstr(w, s, strlen(s));
}

void tdx_cbor_array(struct tdx_cbor *w, u64 n)
{
	tdx_cbor_head(w, TDX_CBOR_MT_ARRAY, n);
}

void tdx_cbor_map(struct tdx_cbor *w, u64 n)
{
	tdx_cbor_head(w, TDX_CBOR_MT_MAP, n);
}

void tdx_cbor_tag(struct tdx_cbor *w, u64 tag)
{
	tdx_cbor_head(w, TDX_CBOR_MT_TAG, tag);
}

void tdx_cbor_bool(struct tdx_cbor *w, bool v)
{
	tdx_cbor_head(w, TDX_CBOR_MT_SIMPLE,
		      v ? TDX_CBOR_TRUE : TDX_CBOR_FALSE);
}

void tdx_cbor_null(struct tdx_cbor *w)
{
	tdx_cbor_head(w, TDX_CBOR_MT_SIMPLE, TDX_CBOR_NULL);
}

void tdx_cbor_undefined(struct tdx_cbor *w)
{
	tdx_cbor_head(w, TDX_CBOR_MT_SIMPLE, TDX_CBOR_UNDEFINED);
}

void tdx_cbor_raw(struct tdx_cbor *w, const void *p, size_t len)
{
	tdx_cbor_put(w, p, len);
}
