// SPDX-License-Identifier: GPL-2.0
/*
 * libtdxquote: the quote document parser, steps 1-6 (envelope) and 17-21
 * (claims) of docs/verifier.md.
 *
 * Hostile bytes never reach cbor_load() unchecked: tdxq_cbor_check() walks
 * them first with libcbor's streaming decoder (which decodes the heads and
 * checks that definite strings fit) and enforces the step-2 rules itself:
 * one item, no trailing bytes, definite lengths only, counts that fit in
 * the remaining bytes, at most TDXQ_MAX_DEPTH nested containers.  Only
 * then does cbor_load() build the tree, which therefore never allocates
 * more than the input justifies, nor recurses deeper than 16 when freed.
 *
 * The walk also refuses a map with two equal keys (step 3), comparing the
 * keys as data items over the input's own bytes, so that libcbor's
 * rewriting below can neither hide nor invent a duplicate.  Every look-up
 * in a map therefore has at most one answer.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "tdxq.h"
#include "internal.h"

#define KEY_X5BAG	32
#define KEY_X5CHAIN	33
#define KEY_CTYPE	3
#define KEY_KID		4
#define TAG_CWT		61
#define TAG_SIGN1	18
#define TAG_CE		571
#define ALG_ES384	(-35)

#define C_ISS		1
#define C_SUB		2
#define C_PROFILE	265
#define C_SUBMODS	(-11)
#define C_REPORT_DATA	(-212)

#define OID_PREFIX	"2.16.840.1.113741.1.13.2."

/* ---- step 2: well-formedness, before any decoding ---------------------- */

enum wf_ev { EV_NONE, EV_SCALAR, EV_TEXT, EV_ARRAY, EV_MAP, EV_TAG,
	     EV_INDEF, EV_BREAK };

struct wf_ctx {
	enum wf_ev ev;
	uint64_t n;
	const uint8_t *text;		/* EV_TEXT: the string's bytes */
};

#define WF_SET(ctx, e, v) do {				\
		struct wf_ctx *c_ = (ctx);		\
		c_->ev = (e);				\
		c_->n = (v);				\
	} while (0)

static void wf_u8(void *c, uint8_t v)	{ (void)v; WF_SET(c, EV_SCALAR, 0); }
static void wf_u16(void *c, uint16_t v)	{ (void)v; WF_SET(c, EV_SCALAR, 0); }
static void wf_u32(void *c, uint32_t v)	{ (void)v; WF_SET(c, EV_SCALAR, 0); }
static void wf_u64(void *c, uint64_t v)	{ (void)v; WF_SET(c, EV_SCALAR, 0); }
static void wf_simple(void *c)		{ WF_SET(c, EV_SCALAR, 0); }
static void wf_str(void *c, cbor_data d, size_t l)
{
	(void)d;
	(void)l;
	WF_SET(c, EV_SCALAR, 0);
}
static void wf_text(void *c, cbor_data d, size_t l)
{
	struct wf_ctx *ctx = c;

	ctx->ev = EV_TEXT;
	ctx->n = l;
	ctx->text = d;
}
static void wf_indef(void *c)		{ WF_SET(c, EV_INDEF, 0); }
static void wf_break(void *c)		{ WF_SET(c, EV_BREAK, 0); }
static void wf_array(void *c, size_t n)	{ WF_SET(c, EV_ARRAY, n); }
static void wf_map(void *c, size_t n)	{ WF_SET(c, EV_MAP, n); }
static void wf_tag(void *c, uint64_t v)	{ (void)v; WF_SET(c, EV_TAG, 1); }
static void wf_f4(void *c, float v)	{ (void)v; WF_SET(c, EV_SCALAR, 0); }
static void wf_f8(void *c, double v)	{ (void)v; WF_SET(c, EV_SCALAR, 0); }
static void wf_bool(void *c, bool v)	{ (void)v; WF_SET(c, EV_SCALAR, 0); }

static const struct cbor_callbacks wf_callbacks = {
	.uint8 = wf_u8, .uint16 = wf_u16, .uint32 = wf_u32, .uint64 = wf_u64,
	.negint8 = wf_u8, .negint16 = wf_u16, .negint32 = wf_u32,
	.negint64 = wf_u64,
	.byte_string_start = wf_indef, .byte_string = wf_str,
	.string = wf_text, .string_start = wf_indef,
	.indef_array_start = wf_indef, .array_start = wf_array,
	.indef_map_start = wf_indef, .map_start = wf_map,
	.tag = wf_tag,
	.float2 = wf_f4, .float4 = wf_f4, .float8 = wf_f8,
	.undefined = wf_simple, .null = wf_simple, .boolean = wf_bool,
	.indef_break = wf_break,
};

/*
 * libcbor 0.8 rejects two well-formed kinds of head: tags 6..20 in their
 * one-byte form (0xc6..0xd4; tag 18, COSE_Sign1, is 0xd2) and simple
 * values other than false/true/null/undefined (0xe0..0xf3, 0xf8 nn).
 * The walk decodes those one- or two-byte heads itself, and when asked
 * writes a copy of the input for cbor_load() in which such a tag has its
 * two-byte form (0xd8 nn) and such a simple value becomes undefined
 * (0xf7): no rule of the verifier accepts a simple value anywhere, so
 * that changes no outcome.  libcbor also refuses text strings that are not
 * UTF-8 (well-formed CBOR all the same): their bytes >= 0x80 become '?',
 * which keeps the length and cannot turn them into a key the verifier
 * looks for ("0", "1", the OIDs).  Other strings are copied verbatim.
 */
struct wf_out {
	uint8_t *buf;			/* NULL until a head needs rewriting */
	size_t len;
};

static int wf_emit(struct wf_out *o, const uint8_t *in, size_t done,
		   const uint8_t *b, size_t n, size_t in_len)
{
	if (!o)
		return 0;
	if (!o->buf) {
		if (b == in + done)
			return 0;	/* nothing rewritten so far */
		/* each rewrite grows by at most one byte per input byte */
		o->buf = malloc(2 * in_len + 1);
		if (!o->buf)
			return -1;
		memcpy(o->buf, in, done);
		o->len = done;
	}
	memcpy(o->buf + o->len, b, n);
	o->len += n;
	return 0;
}

/* Strict UTF-8 (no overlong forms, surrogates, or code points > 0x10ffff). */
static int utf8_ok(const uint8_t *p, size_t n)
{
	size_t i = 0, l;

	while (i < n) {
		l = tdxq_utf8_seq(p + i, n - i);
		if (!l)
			return 0;
		i += l;
	}
	return 1;
}

/*
 * Step 3: map keys compared as data items.  The walk has already checked
 * every key (definite lengths that fit), so reading them is safe.
 */
struct cb_head {
	unsigned int major;
	uint64_t arg;			/* value, length, count or tag */
	int is_float;			/* major 7: arg holds binary64 bits */
};

static uint64_t half_bits(uint16_t h)
{
	uint64_t sign = (uint64_t)(h >> 15) << 63;
	unsigned int e = (h >> 10) & 0x1f, m = h & 0x3ff;
	double d;
	uint64_t b;

	if (e == 0x1f)
		return sign | 0x7ffull << 52 | (uint64_t)m << 42;
	if (e)
		return sign | (uint64_t)(e - 15 + 1023) << 52 | (uint64_t)m << 42;
	d = (double)m * 0x1p-24;	/* subnormal: exact in binary64 */
	memcpy(&b, &d, sizeof(b));
	return sign | b;
}

static uint64_t single_bits(uint32_t f)
{
	uint64_t sign = (uint64_t)(f >> 31) << 63;
	unsigned int e = (f >> 23) & 0xff;
	uint32_t m = f & 0x7fffff;
	double d;
	uint64_t b;

	if (e == 0xff)
		return sign | 0x7ffull << 52 | (uint64_t)m << 29;
	if (e)
		return sign | (uint64_t)(e - 127 + 1023) << 52 | (uint64_t)m << 29;
	d = (double)m * 0x1p-149;
	memcpy(&b, &d, sizeof(b));
	return sign | b;
}

static const uint8_t *cb_read_head(const uint8_t *p, struct cb_head *h)
{
	unsigned int ai = p[0] & 0x1f, n, i;
	uint64_t v = 0;

	h->major = p[0] >> 5;
	h->is_float = 0;
	n = ai < 24 ? 0 : ai == 24 ? 1 : ai == 25 ? 2 : ai == 26 ? 4 : 8;
	for (i = 0; i < n; i++)
		v = v << 8 | p[1 + i];
	h->arg = ai < 24 ? ai : v;
	if (h->major == 7 && n >= 2) {
		h->is_float = 1;
		if (n == 2)
			h->arg = half_bits((uint16_t)v);
		else if (n == 4)
			h->arg = single_bits((uint32_t)v);
	}
	return p + 1 + n;
}

/* Compares the items at *a and *b and moves both past them. */
static int cb_cmp(const uint8_t **a, const uint8_t **b)
{
	struct cb_head ha, hb;
	uint64_t i, n;
	int c;

	*a = cb_read_head(*a, &ha);
	*b = cb_read_head(*b, &hb);
	if (ha.major != hb.major)
		return ha.major < hb.major ? -1 : 1;
	if (ha.is_float != hb.is_float)
		return ha.is_float < hb.is_float ? -1 : 1;
	if (ha.arg != hb.arg)
		return ha.arg < hb.arg ? -1 : 1;
	switch (ha.major) {
	case 2:
	case 3:
		c = ha.arg ? memcmp(*a, *b, (size_t)ha.arg) : 0;
		*a += ha.arg;
		*b += ha.arg;
		return c;
	case 4:
	case 5:
		n = ha.major == 5 ? 2 * ha.arg : ha.arg;
		for (i = 0; i < n; i++) {
			c = cb_cmp(a, b);
			if (c)
				return c;
		}
		return 0;
	case 6:
		return cb_cmp(a, b);
	}
	return 0;
}

static int key_order(const void *x, const void *y)
{
	const uint8_t *a = *(const uint8_t *const *)x;
	const uint8_t *b = *(const uint8_t *const *)y;

	return cb_cmp(&a, &b);
}

struct wf_frame {
	uint64_t left;			/* items still due */
	uint64_t total;
	int map;
	size_t key_start;		/* map: where the current key began */
	size_t keys_base;		/* map: its keys in wf_keys.k[] */
};

struct wf_keys {
	const uint8_t **k;
	size_t n, cap;
};

static int keys_push(struct wf_keys *ks, const uint8_t *k)
{
	if (ks->n == ks->cap) {
		size_t cap = ks->cap ? 2 * ks->cap : 64;
		const uint8_t **nk = realloc(ks->k, cap * sizeof(*nk));

		if (!nk)
			return -1;
		ks->k = nk;
		ks->cap = cap;
	}
	ks->k[ks->n++] = k;
	return 0;
}

/* The keys of the map that just closed: is one of them there twice? */
static const uint8_t *keys_dup(struct wf_keys *ks, size_t base)
{
	size_t i, n = ks->n - base;
	const uint8_t **k = ks->k + base;

	if (n < 2)
		return NULL;
	qsort(k, n, sizeof(*k), key_order);
	for (i = 1; i < n; i++)
		if (!key_order(&k[i - 1], &k[i]))
			return k[i] > k[i - 1] ? k[i] : k[i - 1];
	return NULL;
}

static enum tdxq_status wf_walk(const uint8_t *buf, size_t len,
				struct wf_out *out, struct tdxq_err *e)
{
	struct wf_frame f[TDXQ_MAX_DEPTH];	/* open containers */
	struct wf_keys keys = { NULL, 0, 0 };
	enum tdxq_status s = TDXQ_MALFORMED;
	unsigned int depth = 0;
	size_t pos = 0, items = 0;

	tdxq_step(e, 2);
	if (!len) {
		tdxq_seterr(e, "empty: no CBOR data item");
		return TDXQ_MALFORMED;
	}
	for (;;) {
		struct cbor_decoder_result r;
		struct wf_ctx ctx = { EV_NONE, 0, NULL };
		uint8_t *copy = NULL;
		uint8_t fix[2], ib;
		const uint8_t *emit, *dup;
		size_t rest, n_emit;

		if (pos >= len) {
			tdxq_seterr(e, "truncated CBOR at byte %zu", pos);
			goto out;
		}
		/* Each head is one item (a tag too): bounds cbor_load's memory. */
		if (++items > TDXQ_MAX_ITEMS) {
			tdxq_seterr(e, "more than %d CBOR data items", TDXQ_MAX_ITEMS);
			goto out;
		}
		/* an item at an even place of a map is a key */
		if (depth && f[depth - 1].map &&
		    !((f[depth - 1].total - f[depth - 1].left) & 1))
			f[depth - 1].key_start = pos;
		ib = buf[pos];
		emit = buf + pos;
		r = cbor_stream_decode(buf + pos, len - pos, &wf_callbacks,
				       &ctx);
		if (r.status == CBOR_DECODER_NEDATA) {
			tdxq_seterr(e, "truncated CBOR at byte %zu (a length runs past the end)",
			       pos);
			goto out;
		}
		n_emit = r.read;
		if (r.status != CBOR_DECODER_FINISHED || ctx.ev == EV_NONE) {
			if (ib >= 0xc6 && ib <= 0xd4) {
				ctx.ev = EV_TAG;
				ctx.n = 1;
				r.read = 1;
				fix[0] = 0xd8;
				fix[1] = ib & 0x1f;
				emit = fix;
				n_emit = 2;
			} else if ((ib >= 0xe0 && ib <= 0xf3) ||
				   (ib == 0xf8 && pos + 1 < len &&
				    buf[pos + 1] >= 32)) {
				ctx.ev = EV_SCALAR;
				r.read = ib == 0xf8 ? 2 : 1;
				fix[0] = 0xf7;
				emit = fix;
				n_emit = 1;
			} else if (ib == 0xf8 && pos + 1 >= len) {
				tdxq_seterr(e, "truncated CBOR at byte %zu", pos);
				goto out;
			} else {
				tdxq_seterr(e, "not well-formed CBOR (initial byte 0x%02x) at byte %zu",
				       ib, pos);
				goto out;
			}
		}
		if (ctx.ev == EV_TEXT && out && !utf8_ok(ctx.text, ctx.n)) {
			/* libcbor refuses it; keep the length, lose the bytes */
			size_t i, h = (size_t)(ctx.text - (buf + pos));

			copy = malloc(n_emit);
			if (!copy)
				goto nomem;
			memcpy(copy, emit, n_emit);
			for (i = h; i < n_emit; i++)
				if (copy[i] >= 0x80)
					copy[i] = '?';
			emit = copy;
		}
		if (wf_emit(out, buf, pos, emit, n_emit, len)) {
			free(copy);
			goto nomem;
		}
		free(copy);
		pos += r.read;
		rest = len - pos;
		switch (ctx.ev) {
		case EV_INDEF:
			tdxq_seterr(e, "indefinite-length CBOR item at byte %zu",
			       pos - r.read);
			goto out;
		case EV_BREAK:
			tdxq_seterr(e, "stray CBOR break at byte %zu", pos - r.read);
			goto out;
		case EV_ARRAY:
		case EV_MAP:
		case EV_TAG:
			if (depth >= TDXQ_MAX_DEPTH) {
				tdxq_seterr(e, "CBOR nested deeper than %d levels at byte %zu",
				       TDXQ_MAX_DEPTH, pos - r.read);
				goto out;
			}
			if (ctx.ev == EV_MAP) {
				if (ctx.n > rest / 2) {
					tdxq_seterr(e, "CBOR map at byte %zu declares more entries than bytes remain",
					       pos - r.read);
					goto out;
				}
				ctx.n *= 2;
			} else if (ctx.n > rest) {
				tdxq_seterr(e, "CBOR array at byte %zu declares more items than bytes remain",
				       pos - r.read);
				goto out;
			}
			if (ctx.n) {
				f[depth] = (struct wf_frame) {
					.left = ctx.n, .total = ctx.n,
					.map = ctx.ev == EV_MAP,
					.keys_base = keys.n,
				};
				depth++;
				continue;
			}
			break;	/* an empty container is a complete item */
		default:
			break;
		}
		/* one item complete: close the containers it completes */
		for (;;) {
			struct wf_frame *t;

			if (!depth) {
				if (pos != len) {
					tdxq_seterr(e, "%zu trailing bytes after the CBOR item",
					       len - pos);
					goto out;
				}
				s = TDXQ_OK;
				goto out;
			}
			t = &f[depth - 1];
			if (t->map && !((t->total - t->left) & 1) &&
			    keys_push(&keys, buf + t->key_start))
				goto nomem;
			if (--t->left)
				break;
			if (t->map) {
				dup = keys_dup(&keys, t->keys_base);
				if (dup) {
					tdxq_step(e, 3);
					tdxq_seterr(e, "a CBOR map has the key at byte %zu twice",
					       (size_t)(dup - buf));
					goto out;
				}
				keys.n = t->keys_base;
			}
			depth--;
		}
	}
nomem:
	tdxq_seterr(e, "out of memory");
	s = TDXQ_USAGE;
out:
	free(keys.k);
	return s;
}

enum tdxq_status tdxq_cbor_check(const uint8_t *buf, size_t len,
				 struct tdxq_err *e)
{
	return wf_walk(buf, len, NULL, e);
}

/* Checked, then loaded; *out is a new reference. */
static enum tdxq_status load(const uint8_t *buf, size_t len, const char *what,
			     cbor_item_t **out, struct tdxq_err *e)
{
	struct cbor_load_result res;
	struct wf_out fixed = { NULL, 0 };
	enum tdxq_status s;
	int step = e ? e->step : 0;

	*out = NULL;
	s = wf_walk(buf, len, &fixed, e);
	if (s) {
		free(fixed.buf);
		tdxq_prefix_err(e, what);
		return s;
	}
	tdxq_step(e, step);
	if (fixed.buf) {
		buf = fixed.buf;
		len = fixed.len;
	}
	*out = cbor_load(buf, len, &res);
	s = TDXQ_OK;
	if (!*out) {
		if (res.error.code == CBOR_ERR_MEMERROR) {
			tdxq_seterr(e, "%s: out of memory", what);
			s = TDXQ_USAGE;
		} else {
			tdxq_seterr(e, "%s: CBOR decoding failed at byte %zu", what,
			       res.error.position);
			s = TDXQ_MALFORMED;
		}
	} else if (res.read != len) {
		cbor_decref(out);
		tdxq_seterr(e, "%s: trailing bytes", what);
		s = TDXQ_MALFORMED;
	}
	free(fixed.buf);
	return s;
}

/* ---- tree helpers -------------------------------------------------------- */

/* The tagged item; the tag keeps its reference. */
static cbor_item_t *tag_inner(cbor_item_t *t)
{
	cbor_item_t *i = cbor_tag_item(t), *r = i;

	cbor_decref(&i);
	return r;
}

static int is_int(const cbor_item_t *it)
{
	return cbor_isa_uint(it) || cbor_isa_negint(it);
}

/* An integer as int64_t: 0, or -1 if it is not one or out of range. */
static int get_int(const cbor_item_t *it, int64_t *v)
{
	uint64_t raw;

	if (!is_int(it))
		return -1;
	raw = cbor_get_int(it);
	if (raw > INT64_MAX)
		return -1;
	*v = cbor_isa_uint(it) ? (int64_t)raw : -1 - (int64_t)raw;
	return 0;
}

static int key_is_int(const cbor_item_t *k, int64_t want)
{
	int64_t v;

	return !get_int(k, &v) && v == want;
}

static int key_is_text(const cbor_item_t *k, const char *want)
{
	size_t n = strlen(want);

	return cbor_isa_string(k) && cbor_string_length(k) == n &&
	       (!n || !memcmp(cbor_string_handle(k), want, n));
}

/* The value of the first pair with integer key k, or NULL. */
static cbor_item_t *map_int(cbor_item_t *m, int64_t k)
{
	struct cbor_pair *p = cbor_map_handle(m);
	size_t i;

	for (i = 0; i < cbor_map_size(m); i++)
		if (key_is_int(p[i].key, k))
			return p[i].value;
	return NULL;
}

static size_t map_count_int(cbor_item_t *m, int64_t k)
{
	struct cbor_pair *p = cbor_map_handle(m);
	size_t i, n = 0;

	for (i = 0; i < cbor_map_size(m); i++)
		n += key_is_int(p[i].key, k);
	return n;
}

static cbor_item_t *map_text(cbor_item_t *m, const char *k)
{
	struct cbor_pair *p = cbor_map_handle(m);
	size_t i;

	for (i = 0; i < cbor_map_size(m); i++)
		if (key_is_text(p[i].key, k))
			return p[i].value;
	return NULL;
}

static uint8_t *dup_bytes(const uint8_t *b, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	if (d && len)
		memcpy(d, b, len);
	return d;
}

static uint8_t *dup_bstr(cbor_item_t *it, size_t *len)
{
	*len = cbor_bytestring_length(it);
	return dup_bytes(cbor_bytestring_handle(it), *len);
}

static char *dup_tstr(cbor_item_t *it)
{
	size_t n = cbor_string_length(it);
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	if (n)
		memcpy(s, cbor_string_handle(it), n);
	s[n] = '\0';
	return s;
}

/*
 * The text of key (an integer) in the map at p, as the input's own bytes:
 * libcbor saw a copy whose invalid UTF-8 had become '?', and a NUL ends a C
 * string, so a claim that is compared or shown is read here instead.  The
 * map is well-formed (step 2).  1 with *t, *n; 0 if absent or not text.
 */
static const uint8_t *cb_skip(const uint8_t *p)
{
	struct cb_head h;
	uint64_t i, n;

	p = cb_read_head(p, &h);
	switch (h.major) {
	case 2:
	case 3:
		return p + h.arg;
	case 4:
	case 5:
		n = h.major == 5 ? 2 * h.arg : h.arg;
		for (i = 0; i < n; i++)
			p = cb_skip(p);
		return p;
	case 6:
		return cb_skip(p);
	}
	return p;
}

static int raw_map_text(const uint8_t *p, int64_t key, const char **t,
			size_t *n)
{
	struct cb_head h, k, v;
	uint64_t i, want;
	int neg = key < 0;

	want = neg ? (uint64_t)(-1 - key) : (uint64_t)key;
	p = cb_read_head(p, &h);
	if (h.major != 5)
		return 0;
	for (i = 0; i < h.arg; i++) {
		const uint8_t *vp;

		cb_read_head(p, &k);
		p = cb_skip(p);
		vp = cb_read_head(p, &v);
		if (k.major == (neg ? 1u : 0u) && k.arg == want) {
			if (v.major != 3)
				return 0;
			*t = (const char *)vp;
			*n = (size_t)v.arg;
			return 1;
		}
		p = cb_skip(p);
	}
	return 0;
}

/* A copy of n bytes with a NUL after them (they may hold NULs too). */
static char *dup_text(const char *t, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	if (n)
		memcpy(s, t, n);
	s[n] = '\0';
	return s;
}

/* ---- steps 1-6 -------------------------------------------------------- */

static enum tdxq_status check_protected(struct tdxq_quote *q,
					struct tdxq_err *e)
{
	struct cbor_pair *p;
	cbor_item_t *m;
	enum tdxq_status s;
	int64_t alg;

	s = load(q->protected_hdr, q->protected_len, "protected header", &m,
		 e);
	if (s)
		return s;
	s = TDXQ_MALFORMED;
	if (!cbor_isa_map(m) || cbor_map_size(m) != 1) {
		tdxq_seterr(e, "protected header is not a map with one entry");
		goto out;
	}
	p = cbor_map_handle(m);
	if (!key_is_int(p[0].key, 1)) {
		tdxq_seterr(e, "protected header has a parameter other than alg (1)");
		goto out;
	}
	if (get_int(p[0].value, &alg) || alg != ALG_ES384) {
		tdxq_seterr(e, "protected header: alg is not ES384 (-35)");
		goto out;
	}
	s = TDXQ_OK;
out:
	cbor_decref(&m);
	return s;
}

static enum tdxq_status parse_unprotected(struct tdxq_quote *q,
					  cbor_item_t *m, struct tdxq_err *e)
{
	cbor_item_t *bag, *chain, *v;
	struct cbor_pair *p = cbor_map_handle(m);
	size_t i;

	for (i = 0; i < cbor_map_size(m); i++) {
		if (!is_int(p[i].key) && !cbor_isa_string(p[i].key)) {
			tdxq_seterr(e, "unprotected header: a key is neither an integer nor text");
			return TDXQ_MALFORMED;
		}
	}
	if (map_count_int(m, KEY_X5BAG) + map_count_int(m, KEY_X5CHAIN) != 1) {
		tdxq_seterr(e, "the unprotected header needs exactly one x5bag (32) or x5chain (33)");
		return TDXQ_MALFORMED;
	}
	bag = map_int(m, KEY_X5BAG);
	chain = map_int(m, KEY_X5CHAIN);
	q->chain_label = bag ? KEY_X5BAG : KEY_X5CHAIN;
	v = bag ? bag : chain;
	if (cbor_isa_bytestring(v)) {
		q->certs[0].der = dup_bstr(v, &q->certs[0].len);
		if (!q->certs[0].der)
			goto nomem;
		q->n_certs = 1;
	} else if (cbor_isa_array(v)) {
		cbor_item_t **a = cbor_array_handle(v);
		size_t n = cbor_array_size(v);

		if (n < 1 || n > TDXQ_MAX_CERTS) {
			tdxq_seterr(e, "%s holds %zu certificates (1..%d allowed)",
			       bag ? "x5bag" : "x5chain", n, TDXQ_MAX_CERTS);
			return TDXQ_MALFORMED;
		}
		for (i = 0; i < n; i++) {
			if (!cbor_isa_bytestring(a[i]) ||
			    !cbor_bytestring_length(a[i])) {
				tdxq_seterr(e, "%s: certificate %zu is not a non-empty byte string",
				       bag ? "x5bag" : "x5chain", i);
				return TDXQ_MALFORMED;
			}
		}
		for (i = 0; i < n; i++) {
			q->certs[i].der = dup_bstr(a[i], &q->certs[i].len);
			if (!q->certs[i].der)
				goto nomem;
			q->n_certs++;
		}
	} else {
		tdxq_seterr(e, "%s is neither a byte string nor an array",
		       bag ? "x5bag" : "x5chain");
		return TDXQ_MALFORMED;
	}

	v = map_int(m, KEY_CTYPE);
	if (v) {
		if (cbor_isa_string(v)) {
			q->content_type = dup_tstr(v);
			q->content_type_len = cbor_string_length(v);
		} else if (cbor_isa_uint(v)) {
			char tmp[24];

			snprintf(tmp, sizeof(tmp), "%" PRIu64, cbor_get_int(v));
			q->content_type = strdup(tmp);
			q->content_type_len = strlen(tmp);
		} else {
			tdxq_seterr(e, "content type (3) is neither text nor an unsigned integer");
			return TDXQ_MALFORMED;
		}
		if (!q->content_type)
			goto nomem;
	}
	v = map_int(m, KEY_KID);
	if (v) {
		if (!cbor_isa_bytestring(v)) {
			tdxq_seterr(e, "kid (4) is not a byte string");
			return TDXQ_MALFORMED;
		}
		q->kid = dup_bstr(v, &q->kid_len);
		if (!q->kid)
			goto nomem;
	}
	return TDXQ_OK;
nomem:
	tdxq_seterr(e, "out of memory");
	return TDXQ_USAGE;
}

enum tdxq_status tdxq_parse(const uint8_t *buf, size_t len,
			    struct tdxq_quote **out, struct tdxq_err *e)
{
	cbor_item_t *root = NULL, *t, **a;
	struct tdxq_quote *q = NULL;
	enum tdxq_status s;

	*out = NULL;
	tdxq_step(e, 1);
	if (!len || len > TDXQ_MAX_QUOTE_SIZE) {
		tdxq_seterr(e, "quote size %zu is outside 1..%u bytes", len,
		       TDXQ_MAX_QUOTE_SIZE);
		return TDXQ_MALFORMED;
	}
	s = load(buf, len, "quote", &root, e);
	if (s)
		return s;
	tdxq_step(e, 4);
	s = TDXQ_MALFORMED;
	if (!cbor_isa_tag(root) || cbor_tag_value(root) != TAG_CWT) {
		tdxq_seterr(e, "not a CWT: tag 61 missing");
		goto fail;
	}
	t = tag_inner(root);
	if (!cbor_isa_tag(t) || cbor_tag_value(t) != TAG_SIGN1) {
		tdxq_seterr(e, "not a COSE_Sign1: tag 18 missing inside tag 61");
		goto fail;
	}
	t = tag_inner(t);
	if (!cbor_isa_array(t) || cbor_array_size(t) != 4) {
		tdxq_seterr(e, "COSE_Sign1 is not an array of 4 elements");
		goto fail;
	}
	a = cbor_array_handle(t);
	if (!cbor_isa_bytestring(a[0]) || !cbor_isa_map(a[1]) ||
	    !cbor_isa_bytestring(a[2]) || !cbor_isa_bytestring(a[3])) {
		tdxq_seterr(e, "COSE_Sign1 is not [bstr, map, bstr, bstr]");
		goto fail;
	}
	q = calloc(1, sizeof(*q));
	if (!q)
		goto nomem;
	q->protected_hdr = dup_bstr(a[0], &q->protected_len);
	q->payload = dup_bstr(a[2], &q->payload_len);
	if (!q->protected_hdr || !q->payload)
		goto nomem;
	tdxq_step(e, 5);
	s = check_protected(q, e);
	if (s)
		goto fail;
	tdxq_step(e, 6);
	s = parse_unprotected(q, a[1], e);
	if (s)
		goto fail;
	tdxq_step(e, 7);
	s = TDXQ_MALFORMED;
	if (cbor_bytestring_length(a[3]) != TDXQ_SIG_SIZE) {
		tdxq_seterr(e, "signature is %zu bytes, not %d",
		       cbor_bytestring_length(a[3]), TDXQ_SIG_SIZE);
		goto fail;
	}
	memcpy(q->sig, cbor_bytestring_handle(a[3]), TDXQ_SIG_SIZE);
	cbor_decref(&root);
	*out = q;
	return TDXQ_OK;
nomem:
	tdxq_seterr(e, "out of memory");
	s = TDXQ_USAGE;
fail:
	tdxq_quote_free(q);
	cbor_decref(&root);
	return s;
}

/* ---- steps 17-21 ------------------------------------------------------- */

static void free_evidence(struct tdxq_evidence *ev)
{
	size_t i;

	for (i = 0; i < ev->n; i++) {
		free(ev->v[i].data);
		free(ev->v[i].uints);
	}
	free(ev->v);
	ev->v = NULL;
	ev->n = 0;
}

static int known_value(int64_t k)
{
	switch (k) {
	case -82: case -83: case -84: case -125: case -201: case -203:
	case -204: case -205: case -206: case -207: case -208: case -209:
	case -210:
		return 1;
	}
	return 0;
}

static enum tdxq_status parse_value(struct tdxq_value *v, int64_t k,
				    cbor_item_t *it, const char *where,
				    struct tdxq_err *e)
{
	memset(v, 0, sizeof(*v));
	v->key = k;
	v->alg = -1;
	if (k == -125) {		/* an SVN vector: bstr or [uint] */
		cbor_item_t **a = NULL;
		const uint8_t *b = NULL;
		size_t i, n;

		if (cbor_isa_bytestring(it)) {
			b = cbor_bytestring_handle(it);
			n = cbor_bytestring_length(it);
		} else if (cbor_isa_array(it)) {
			a = cbor_array_handle(it);
			n = cbor_array_size(it);
			for (i = 0; i < n; i++)
				if (!cbor_isa_uint(a[i]) ||
				    cbor_get_int(a[i]) > 255)
					goto bad;
		} else {
			goto bad;
		}
		v->type = TDXQ_V_UINTS;
		v->uints = calloc(n ? n : 1, sizeof(*v->uints));
		if (!v->uints)
			goto nomem;
		for (i = 0; i < n; i++)
			v->uints[i] = b ? b[i] : cbor_get_int(a[i]);
		v->n_uints = n;
		return TDXQ_OK;
	}
	if (k == -82 || k == -201) {
		if (!cbor_isa_bytestring(it))
			goto bad;
		v->type = TDXQ_V_BYTES;
	} else {
		v->type = TDXQ_V_DIGEST;
		if (cbor_isa_array(it)) {
			cbor_item_t **a = cbor_array_handle(it);

			if (cbor_array_size(it) != 2 || !is_int(a[0]) ||
			    !cbor_isa_bytestring(a[1]))
				goto bad;
			if (get_int(a[0], &v->alg))
				v->alg = cbor_isa_uint(a[0]) ? INT64_MAX :
							      INT64_MIN;
			it = a[1];
		} else if (!cbor_isa_bytestring(it)) {
			goto bad;
		}
	}
	v->data = dup_bstr(it, &v->len);
	if (!v->data)
		goto nomem;
	return TDXQ_OK;
bad:
	tdxq_step(e, 22);
	tdxq_seterr(e, "%s: value %" PRId64 " (%s) has the wrong type", where, k,
	       tdxq_value_name(0, k));
	return TDXQ_MALFORMED;
nomem:
	tdxq_seterr(e, "out of memory");
	return TDXQ_USAGE;
}

static enum tdxq_status parse_evidence(struct tdxq_evidence *ev,
				       cbor_item_t *tagged, const char *where,
				       struct tdxq_err *e)
{
	cbor_item_t *ce = NULL, *x, *vals;
	struct cbor_pair *p;
	enum tdxq_status s = TDXQ_MALFORMED;
	size_t i, n;

	if (!tagged || !cbor_isa_tag(tagged) ||
	    cbor_tag_value(tagged) != TAG_CE ||
	    !cbor_isa_bytestring(tag_inner(tagged))) {
		tdxq_seterr(e, "%s: missing or not a tag-571 byte string", where);
		return TDXQ_MALFORMED;
	}
	x = tag_inner(tagged);
	s = load(cbor_bytestring_handle(x), cbor_bytestring_length(x), where,
		 &ce, e);
	if (s)
		return s;
	s = TDXQ_MALFORMED;
	x = cbor_isa_map(ce) ? map_int(ce, 0) : NULL;
	x = x && cbor_isa_map(x) ? map_int(x, 0) : NULL;
	if (!x || !cbor_isa_array(x) || !cbor_array_size(x))
		goto shape;
	x = cbor_array_handle(x)[0];		/* the first triple */
	if (!cbor_isa_array(x) || cbor_array_size(x) < 2)
		goto shape;
	x = cbor_array_handle(x)[1];		/* its measurements */
	if (!cbor_isa_array(x) || !cbor_array_size(x))
		goto shape;
	x = cbor_array_handle(x)[0];		/* the first one */
	vals = cbor_isa_map(x) ? map_int(x, 1) : NULL;
	if (!vals || !cbor_isa_map(vals))
		goto shape;
	p = cbor_map_handle(vals);
	n = cbor_map_size(vals);
	for (i = 0; i < n; i++) {
		if (!is_int(p[i].key)) {
			tdxq_seterr(e, "%s: a measurement value key is not an integer",
			       where);
			goto out;
		}
	}
	ev->v = calloc(16, sizeof(*ev->v));
	if (!ev->v) {
		tdxq_seterr(e, "out of memory");
		s = TDXQ_USAGE;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct tdxq_value v;
		int64_t k;

		if (get_int(p[i].key, &k) || !known_value(k))
			continue;
		s = parse_value(&v, k, p[i].value, where, e);
		if (s)
			goto out;
		ev->v[ev->n++] = v;	/* keys are distinct (step 3) */
	}
	s = TDXQ_OK;
	goto out;
shape:
	tdxq_seterr(e, "%s: not concise evidence of the shape {0: {0: [[env, [{1: values}]]]}}",
	       where);
out:
	if (s)
		free_evidence(ev);
	cbor_decref(&ce);
	return s;
}

static int submod_of_oid(cbor_item_t *k)
{
	static const int ids[] = { TDXQ_SM_PLATFORM, TDXQ_SM_TD,
				   TDXQ_SM_SERVICE_TD, TDXQ_SM_SEAM };
	char oid[40];
	size_t i;

	for (i = 0; i < 4; i++) {
		snprintf(oid, sizeof(oid), OID_PREFIX "%d.0", ids[i]);
		if (key_is_text(k, oid))
			return ids[i];
	}
	return 0;
}

static void free_claims(struct tdxq_quote *q)
{
	size_t i;

	for (i = 0; i < q->n_submods; i++) {
		free_evidence(&q->submods[i].origin);
		free_evidence(&q->submods[i].current);
	}
	q->n_submods = 0;
	free(q->iss);
	free(q->sub);
	free(q->profile);
	q->iss = q->sub = NULL;
	q->iss_len = q->sub_len = 0;
	q->profile = NULL;
	q->profile_len = 0;
	q->have_claims = 0;
	q->have_report_data = 0;
}

/* Step 23: the platform's -125 in evidence ev is a 16-component vector. */
static enum tdxq_status platform_svn(const struct tdxq_evidence *ev,
				     const char *name, const char *map,
				     struct tdxq_err *e)
{
	size_t i;

	for (i = 0; i < ev->n; i++)
		if (ev->v[i].key == -125 && ev->v[i].n_uints == 16)
			return TDXQ_OK;
	tdxq_step(e, 23);
	tdxq_seterr(e, "submodule platform %s: %s (-125) is missing or does not have 16 components",
		    map, name);
	return TDXQ_MALFORMED;
}

static enum tdxq_status parse_submods(struct tdxq_quote *q, cbor_item_t *m,
				      struct tdxq_err *e)
{
	struct cbor_pair *p = cbor_map_handle(m);
	size_t i, n = cbor_map_size(m);
	enum tdxq_status s;
	int have_td = 0, have_platform = 0;

	for (i = 0; i < n; i++) {
		if (!cbor_isa_string(p[i].key)) {
			tdxq_seterr(e, "submods (-11): a key is not text");
			return TDXQ_MALFORMED;
		}
	}
	for (i = 0; i < n; i++) {
		struct tdxq_submod *sm;
		char where[64];
		int id = submod_of_oid(p[i].key);
		cbor_item_t *cur;

		if (!id)
			continue;
		if (!cbor_isa_map(p[i].value)) {
			tdxq_seterr(e, "submodule %s is not a map",
			       tdxq_submod_name(id));
			return TDXQ_MALFORMED;
		}
		/* keys are distinct (step 3): each OID at most once */
		sm = &q->submods[q->n_submods];
		memset(sm, 0, sizeof(*sm));
		sm->id = id;
		snprintf(where, sizeof(where), "submodule %s origin (\"0\")",
			 tdxq_submod_name(id));
		s = parse_evidence(&sm->origin, map_text(p[i].value, "0"),
				   where, e);
		if (s)
			return s;
		q->n_submods++;		/* freed with the quote from here */
		cur = map_text(p[i].value, "1");
		snprintf(where, sizeof(where), "submodule %s current (\"1\")",
			 tdxq_submod_name(id));
		if (cur || id == TDXQ_SM_PLATFORM) {
			s = parse_evidence(&sm->current, cur, where, e);
			if (s)
				return s;
			sm->has_current = 1;
		}
		if (id == TDXQ_SM_PLATFORM) {
			s = platform_svn(&sm->origin, "tee_tcb_svn", "\"0\"", e);
			if (!s)
				s = platform_svn(&sm->current, "tee_tcb_svn2",
						 "\"1\"", e);
			if (s)
				return s;
			have_platform = 1;
		}
		if (id == TDXQ_SM_TD)
			have_td = 1;
	}
	if (!have_platform) {
		tdxq_seterr(e, "the platform TCB submodule (" OID_PREFIX "1.0) is missing");
		return TDXQ_MALFORMED;
	}
	if (!have_td) {
		tdxq_seterr(e, "the TD body submodule (" OID_PREFIX "4.0) is missing");
		return TDXQ_MALFORMED;
	}
	return TDXQ_OK;
}

enum tdxq_status tdxq_parse_claims(struct tdxq_quote *q, struct tdxq_err *e)
{
	cbor_item_t *m, *v;
	enum tdxq_status s;

	free_claims(q);
	tdxq_step(e, 20);
	s = load(q->payload, q->payload_len, "payload", &m, e);
	if (s)
		return s;
	s = TDXQ_MALFORMED;
	if (!cbor_isa_map(m)) {
		tdxq_seterr(e, "payload is not a map of claims");
		goto out;
	}
	v = map_int(m, C_REPORT_DATA);
	if (!v || !cbor_isa_bytestring(v) ||
	    cbor_bytestring_length(v) != TDXQ_REPORT_DATA_SIZE) {
		tdxq_seterr(e, "report_data (-212) is missing or not a %d-byte string",
		       TDXQ_REPORT_DATA_SIZE);
		goto out;
	}
	memcpy(q->report_data, cbor_bytestring_handle(v),
	       TDXQ_REPORT_DATA_SIZE);
	q->have_report_data = 1;
	v = map_int(m, C_SUBMODS);
	if (!v || !cbor_isa_map(v)) {
		tdxq_seterr(e, "submods (-11) is missing or not a map");
		goto out;
	}
	tdxq_step(e, 21);
	s = parse_submods(q, v, e);
	if (s)
		goto out;
	tdxq_step(e, 20);
	s = TDXQ_MALFORMED;
	v = map_int(m, C_ISS);
	if (v && !cbor_isa_string(v)) {
		tdxq_seterr(e, "iss (1) is not text");
		goto out;
	}
	if (v) {
		const char *t = NULL;
		size_t n = 0;

		raw_map_text(q->payload, C_ISS, &t, &n);
		q->iss = dup_text(t, n);
		q->iss_len = n;
		if (!q->iss)
			goto nomem;
	}
	v = map_int(m, C_SUB);
	if (v && !cbor_isa_string(v)) {
		tdxq_seterr(e, "sub (2) is not text");
		goto out;
	}
	if (v) {
		const char *t = NULL;
		size_t n = 0;

		raw_map_text(q->payload, C_SUB, &t, &n);
		q->sub = dup_text(t, n);
		q->sub_len = n;
		if (!q->sub)
			goto nomem;
	}
	v = map_int(m, C_PROFILE);
	if (v && (!cbor_isa_bytestring(v) ||
		  !tdxq_oid_ok(cbor_bytestring_handle(v),
			  cbor_bytestring_length(v)))) {
		tdxq_seterr(e, "eat_profile (265) is not the content of a DER OBJECT IDENTIFIER");
		goto out;
	}
	if (v) {
		q->profile = dup_bstr(v, &q->profile_len);
		if (!q->profile)
			goto nomem;
	}
	q->have_claims = 1;
	s = TDXQ_OK;
	goto out;
nomem:
	tdxq_seterr(e, "out of memory");
	s = TDXQ_USAGE;
out:
	cbor_decref(&m);
	return s;
}

void tdxq_quote_free(struct tdxq_quote *q)
{
	size_t i;

	if (!q)
		return;
	free_claims(q);
	for (i = 0; i < q->n_certs; i++)
		free(q->certs[i].der);
	free(q->protected_hdr);
	free(q->payload);
	free(q->kid);
	free(q->content_type);
	free(q);
}

/* ---- look-ups and names -------------------------------------------------- */

const struct tdxq_value *tdxq_claim(const struct tdxq_quote *q, int id,
				    int64_t key, enum tdxq_which which)
{
	size_t i, j;

	if (!q)
		return NULL;
	for (i = 0; i < q->n_submods; i++) {
		const struct tdxq_submod *sm = &q->submods[i];
		const struct tdxq_evidence *ev;

		if (sm->id != id)
			continue;
		if (which == TDXQ_ORIGIN ||
		    (which == TDXQ_LATEST && !sm->has_current))
			ev = &sm->origin;
		else if (sm->has_current)
			ev = &sm->current;
		else
			return NULL;
		for (j = 0; j < ev->n; j++)
			if (ev->v[j].key == key)
				return &ev->v[j];
	}
	return NULL;
}

const char *tdxq_submod_name(int id)
{
	switch (id) {
	case TDXQ_SM_PLATFORM:		return "platform";
	case TDXQ_SM_TD:		return "td";
	case TDXQ_SM_SERVICE_TD:	return "service_td";
	case TDXQ_SM_SEAM:		return "seam";
	}
	return "unknown";
}

const char *tdxq_value_name(int id, int64_t key)
{
	switch (key) {
	case -82:
		return id == TDXQ_SM_TD ? "td_attributes" :
		       id == TDXQ_SM_SEAM ? "seam_attributes" : "attributes";
	case -83:
		return id == TDXQ_SM_TD ? "mrtd" :
		       id == TDXQ_SM_SEAM ? "mr_seam" : "measurement";
	case -84:	return "mr_signer_seam";
	case -125:
		return id == TDXQ_SM_PLATFORM ? "tee_tcb_svn" : "svn";
	case -201:	return "xfam";
	case -203:	return "mr_config_id";
	case -204:	return "mr_owner";
	case -205:	return "mr_owner_config";
	case -206:	return "rtmr0";
	case -207:	return "rtmr1";
	case -208:	return "rtmr2";
	case -209:	return "rtmr3";
	case -210:	return "mr_service_td";
	case -212:	return "report_data";
	}
	return "unknown";
}
