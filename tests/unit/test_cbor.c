// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for src/common/tdx_cbor.c: every RFC 8949 Appendix A
 * example that uses a supported type (no floats, no indefinite lengths,
 * no simple values other than false/true/null/undefined), byte for byte,
 * plus shortest-form boundaries, the sizing pass and overflow behaviour.
 */
#include <limits.h>

#include "unit.h"
#include "tdx_cbor.h"

typedef void (*enc_fn)(struct tdx_cbor *w);

struct vector {
	const char *what;	/* diagnostic notation, for failure messages */
	enc_fn enc;
	const char *hex;	/* expected encoding */
};

static size_t unhex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = 0;
	unsigned int b;

	while (hex[0] && hex[1] && n < cap && sscanf(hex, "%2x", &b) == 1) {
		out[n++] = (unsigned char)b;
		hex += 2;
	}
	return n;
}

#define GUARD 16
#define GUARD_BYTE 0xa5

/* Size, encode exactly, and encode one byte short: all must behave. */
static void check_vector(const struct vector *v)
{
	unsigned char want[256];
	size_t want_len = unhex(v->hex, want, sizeof(want));
	struct tdx_cbor w;
	unsigned char *buf;
	size_t i;

	CHECK(want_len == strlen(v->hex) / 2);

	/* sizing pass */
	tdx_cbor_init(&w, NULL, 0);
	v->enc(&w);
	if (w.len != want_len || w.overflow)
		UNIT_FAIL("%s: sizing pass gave %zu (overflow %d), want %zu",
			  v->what, w.len, w.overflow, want_len);

	/* exact capacity */
	buf = malloc(want_len + GUARD);
	CHECK(buf);
	if (!buf)
		return;
	memset(buf, GUARD_BYTE, want_len + GUARD);
	tdx_cbor_init(&w, buf, want_len);
	v->enc(&w);
	if (w.overflow || w.len != want_len ||
	    memcmp(buf, want, want_len) != 0) {
		char got[3 * 64 + 1] = "";

		for (i = 0; i < w.len && i < 64; i++)
			sprintf(got + 2 * i, "%02x", buf[i]);
		UNIT_FAIL("%s: got %s (len %zu, overflow %d), want %s",
			  v->what, got, w.len, w.overflow, v->hex);
	}
	for (i = want_len; i < want_len + GUARD; i++)
		CHECK_EQ(buf[i], GUARD_BYTE);

	/* one byte short: overflow, len still counts, nothing past cap */
	if (want_len) {
		memset(buf, GUARD_BYTE, want_len + GUARD);
		tdx_cbor_init(&w, buf, want_len - 1);
		v->enc(&w);
		if (!w.overflow || w.len != want_len)
			UNIT_FAIL("%s: short buffer: overflow %d len %zu",
				  v->what, w.overflow, w.len);
		for (i = want_len - 1; i < want_len + GUARD; i++)
			CHECK_EQ(buf[i], GUARD_BYTE);
		CHECK(!tdx_cbor_ok(&w));
	}
	free(buf);
}

#define ENC(name) static void enc_##name(struct tdx_cbor *w)

/* RFC 8949 Appendix A, in the appendix's order. */
ENC(u0) { tdx_cbor_uint(w, 0); }
ENC(u1) { tdx_cbor_uint(w, 1); }
ENC(u10) { tdx_cbor_uint(w, 10); }
ENC(u23) { tdx_cbor_uint(w, 23); }
ENC(u24) { tdx_cbor_uint(w, 24); }
ENC(u25) { tdx_cbor_uint(w, 25); }
ENC(u100) { tdx_cbor_uint(w, 100); }
ENC(u1000) { tdx_cbor_uint(w, 1000); }
ENC(u1000000) { tdx_cbor_uint(w, 1000000); }
ENC(u1e12) { tdx_cbor_uint(w, 1000000000000ull); }
ENC(umax) { tdx_cbor_uint(w, 18446744073709551615ull); }

static const unsigned char big_2_64[9] = { 1, 0, 0, 0, 0, 0, 0, 0, 0 };

ENC(bignum) { tdx_cbor_tag(w, 2); tdx_cbor_bstr(w, big_2_64, 9); }
ENC(nmin) { tdx_cbor_nint(w, 18446744073709551615ull); }
ENC(negbignum) { tdx_cbor_tag(w, 3); tdx_cbor_bstr(w, big_2_64, 9); }
ENC(n1) { tdx_cbor_int(w, -1); }
ENC(n10) { tdx_cbor_int(w, -10); }
ENC(n100) { tdx_cbor_int(w, -100); }
ENC(n1000) { tdx_cbor_int(w, -1000); }
ENC(f) { tdx_cbor_bool(w, false); }
ENC(t) { tdx_cbor_bool(w, true); }
ENC(null) { tdx_cbor_null(w); }
ENC(undef) { tdx_cbor_undefined(w); }

ENC(tag0)
{
	tdx_cbor_tag(w, 0);
	tdx_cbor_cstr(w, "2013-03-21T20:04:00Z");
}

ENC(tag1) { tdx_cbor_tag(w, 1); tdx_cbor_uint(w, 1363896240); }

static const unsigned char b01020304[] = { 1, 2, 3, 4 };

ENC(tag23) { tdx_cbor_tag(w, 23); tdx_cbor_bstr(w, b01020304, 4); }

ENC(tag24)
{
	static const unsigned char ietf[] = { 0x64, 'I', 'E', 'T', 'F' };

	tdx_cbor_tag(w, 24);
	tdx_cbor_bstr(w, ietf, sizeof(ietf));
}

ENC(tag32)
{
	tdx_cbor_tag(w, 32);
	tdx_cbor_cstr(w, "http://www.example.com");
}

ENC(bempty) { tdx_cbor_bstr(w, NULL, 0); }
ENC(b4) { tdx_cbor_bstr(w, b01020304, 4); }
ENC(sempty) { tdx_cbor_cstr(w, ""); }
ENC(sa) { tdx_cbor_cstr(w, "a"); }
ENC(sietf) { tdx_cbor_cstr(w, "IETF"); }
ENC(squote) { tdx_cbor_cstr(w, "\"\\"); }
ENC(sutf8_2) { tdx_cbor_cstr(w, "\xc3\xbc"); }		/* U+00FC */
ENC(sutf8_3) { tdx_cbor_cstr(w, "\xe6\xb0\xb4"); }	/* U+6C34 */
ENC(sutf8_4) { tdx_cbor_cstr(w, "\xf0\x90\x85\x91"); }	/* U+10151 */
ENC(aempty) { tdx_cbor_array(w, 0); }

ENC(a123)
{
	tdx_cbor_array(w, 3);
	tdx_cbor_uint(w, 1);
	tdx_cbor_uint(w, 2);
	tdx_cbor_uint(w, 3);
}

ENC(anested)
{
	tdx_cbor_array(w, 3);
	tdx_cbor_uint(w, 1);
	tdx_cbor_array(w, 2);
	tdx_cbor_uint(w, 2);
	tdx_cbor_uint(w, 3);
	tdx_cbor_array(w, 2);
	tdx_cbor_uint(w, 4);
	tdx_cbor_uint(w, 5);
}

ENC(a25)
{
	unsigned int i;

	tdx_cbor_array(w, 25);
	for (i = 1; i <= 25; i++)
		tdx_cbor_uint(w, i);
}

ENC(mempty) { tdx_cbor_map(w, 0); }

ENC(m1234)
{
	tdx_cbor_map(w, 2);
	tdx_cbor_uint(w, 1);
	tdx_cbor_uint(w, 2);
	tdx_cbor_uint(w, 3);
	tdx_cbor_uint(w, 4);
}

ENC(mab)
{
	tdx_cbor_map(w, 2);
	tdx_cbor_cstr(w, "a");
	tdx_cbor_uint(w, 1);
	tdx_cbor_cstr(w, "b");
	tdx_cbor_array(w, 2);
	tdx_cbor_uint(w, 2);
	tdx_cbor_uint(w, 3);
}

ENC(amap)
{
	tdx_cbor_array(w, 2);
	tdx_cbor_cstr(w, "a");
	tdx_cbor_map(w, 1);
	tdx_cbor_cstr(w, "b");
	tdx_cbor_cstr(w, "c");
}

ENC(m5)
{
	static const char *const k[] = { "a", "b", "c", "d", "e" };
	static const char *const v[] = { "A", "B", "C", "D", "E" };
	unsigned int i;

	tdx_cbor_map(w, 5);
	for (i = 0; i < 5; i++) {
		tdx_cbor_cstr(w, k[i]);
		tdx_cbor_cstr(w, v[i]);
	}
}

#define V(name, diag, hex) { diag, enc_##name, hex }

static const struct vector rfc8949_vectors[] = {
	V(u0, "0", "00"),
	V(u1, "1", "01"),
	V(u10, "10", "0a"),
	V(u23, "23", "17"),
	V(u24, "24", "1818"),
	V(u25, "25", "1819"),
	V(u100, "100", "1864"),
	V(u1000, "1000", "1903e8"),
	V(u1000000, "1000000", "1a000f4240"),
	V(u1e12, "1000000000000", "1b000000e8d4a51000"),
	V(umax, "18446744073709551615", "1bffffffffffffffff"),
	V(bignum, "18446744073709551616", "c249010000000000000000"),
	V(nmin, "-18446744073709551616", "3bffffffffffffffff"),
	V(negbignum, "-18446744073709551617", "c349010000000000000000"),
	V(n1, "-1", "20"),
	V(n10, "-10", "29"),
	V(n100, "-100", "3863"),
	V(n1000, "-1000", "3903e7"),
	V(f, "false", "f4"),
	V(t, "true", "f5"),
	V(null, "null", "f6"),
	V(undef, "undefined", "f7"),
	V(tag0, "0(\"2013-03-21T20:04:00Z\")",
	  "c074323031332d30332d32315432303a30343a30305a"),
	V(tag1, "1(1363896240)", "c11a514b67b0"),
	V(tag23, "23(h'01020304')", "d74401020304"),
	V(tag24, "24(h'6449455446')", "d818456449455446"),
	V(tag32, "32(\"http://www.example.com\")",
	  "d82076687474703a2f2f7777772e6578616d706c652e636f6d"),
	V(bempty, "h''", "40"),
	V(b4, "h'01020304'", "4401020304"),
	V(sempty, "\"\"", "60"),
	V(sa, "\"a\"", "6161"),
	V(sietf, "\"IETF\"", "6449455446"),
	V(squote, "\"\\\"\\\\\"", "62225c"),
	V(sutf8_2, "\"\\u00fc\"", "62c3bc"),
	V(sutf8_3, "\"\\u6c34\"", "63e6b0b4"),
	V(sutf8_4, "\"\\ud800\\udd51\"", "64f0908591"),
	V(aempty, "[]", "80"),
	V(a123, "[1, 2, 3]", "83010203"),
	V(anested, "[1, [2, 3], [4, 5]]", "8301820203820405"),
	V(a25, "[1, ..., 25]",
	  "98190102030405060708090a0b0c0d0e0f101112131415161718181819"),
	V(mempty, "{}", "a0"),
	V(m1234, "{1: 2, 3: 4}", "a201020304"),
	V(mab, "{\"a\": 1, \"b\": [2, 3]}", "a26161016162820203"),
	V(amap, "[\"a\", {\"b\": \"c\"}]", "826161a161626163"),
	V(m5, "{\"a\": \"A\", ..., \"e\": \"E\"}",
	  "a56161614161626142616361436164614461656145"),
};

TEST(rfc8949_appendix_a)
{
	size_t i;

	for (i = 0; i < sizeof(rfc8949_vectors) / sizeof(rfc8949_vectors[0]);
	     i++)
		check_vector(&rfc8949_vectors[i]);
}

/* Shortest form on both sides of every head-size boundary, all majors. */
ENC(edges)
{
	static const unsigned long long v[] = {
		23, 24, 255, 256, 65535, 65536, 4294967295ull, 4294967296ull,
	};
	unsigned int i;

	for (i = 0; i < 8; i++) {
		tdx_cbor_uint(w, v[i]);
		tdx_cbor_nint(w, v[i]);
		tdx_cbor_array(w, v[i]);
		tdx_cbor_map(w, v[i]);
		tdx_cbor_tag(w, v[i]);
	}
}

#define EDGE(u, n, a, m, t) u n a m t

static const struct vector edge_vectors[] = {
	{ "head-size boundaries", enc_edges,
	  EDGE("17", "37", "97", "b7", "d7")
	  EDGE("1818", "3818", "9818", "b818", "d818")
	  EDGE("18ff", "38ff", "98ff", "b8ff", "d8ff")
	  EDGE("190100", "390100", "990100", "b90100", "d90100")
	  EDGE("19ffff", "39ffff", "99ffff", "b9ffff", "d9ffff")
	  EDGE("1a00010000", "3a00010000", "9a00010000", "ba00010000",
	       "da00010000")
	  EDGE("1affffffff", "3affffffff", "9affffffff", "baffffffff",
	       "daffffffff")
	  EDGE("1b0000000100000000", "3b0000000100000000",
	       "9b0000000100000000", "bb0000000100000000",
	       "db0000000100000000") },
};

TEST(shortest_form_boundaries)
{
	check_vector(&edge_vectors[0]);
	CHECK_EQ(tdx_cbor_head_size(0), 1);
	CHECK_EQ(tdx_cbor_head_size(23), 1);
	CHECK_EQ(tdx_cbor_head_size(24), 2);
	CHECK_EQ(tdx_cbor_head_size(255), 2);
	CHECK_EQ(tdx_cbor_head_size(256), 3);
	CHECK_EQ(tdx_cbor_head_size(65535), 3);
	CHECK_EQ(tdx_cbor_head_size(65536), 5);
	CHECK_EQ(tdx_cbor_head_size(0xffffffffull), 5);
	CHECK_EQ(tdx_cbor_head_size(0x100000000ull), 9);
	CHECK_EQ(tdx_cbor_head_size(~0ull), 9);
}

ENC(int_extremes)
{
	tdx_cbor_int(w, LLONG_MAX);
	tdx_cbor_int(w, LLONG_MIN);
	tdx_cbor_int(w, 0);
	tdx_cbor_int(w, -24);
	tdx_cbor_int(w, -25);
	tdx_cbor_int(w, -256);
	tdx_cbor_int(w, -257);
}

TEST(signed_helper)
{
	static const struct vector v = {
		"LLONG_MAX, LLONG_MIN, 0, -24, -25, -256, -257",
		enc_int_extremes,
		"1b7fffffffffffffff3b7fffffffffffffff0037381838ff390100"
	};

	check_vector(&v);
}

/* A bstr written as head + content equals one written in one call. */
ENC(wrapped)
{
	struct tdx_cbor c;

	tdx_cbor_init(&c, NULL, 0);
	enc_a25(&c);
	tdx_cbor_tag(w, 24);
	tdx_cbor_bstr_head(w, c.len);
	enc_a25(w);
}

ENC(raw)
{
	static const unsigned char pre[] = { 0x82, 0x01, 0x02 };

	tdx_cbor_array(w, 2);
	tdx_cbor_raw(w, pre, sizeof(pre));
	tdx_cbor_raw(w, NULL, 0);
	tdx_cbor_tstr(w, "abcdef", 3);
}

TEST(bstr_wrap_and_raw)
{
	static const struct vector v[] = {
		{ "24(<<[1, ..., 25]>>)", enc_wrapped,
		  "d818581d"
		  "98190102030405060708090a0b0c0d0e0f101112131415161718181819" },
		{ "[[1, 2], \"abc\"]", enc_raw, "8282010263616263" },
	};

	check_vector(&v[0]);
	check_vector(&v[1]);
}

/* Long strings get 2- and 4-byte length heads; sizing matches. */
TEST(long_strings)
{
	static unsigned char big[70000];
	unsigned char *out = malloc(sizeof(big) + 16);
	struct tdx_cbor w;

	CHECK(out);
	if (!out)
		return;
	memset(big, 0x5c, sizeof(big));

	tdx_cbor_init(&w, NULL, 0);
	tdx_cbor_bstr(&w, big, 300);
	CHECK_EQ(w.len, 303);
	tdx_cbor_init(&w, out, sizeof(big) + 16);
	tdx_cbor_bstr(&w, big, 300);
	CHECK_EQ(w.len, 303);
	CHECK(out[0] == 0x59 && out[1] == 0x01 && out[2] == 0x2c);
	CHECK(memcmp(out + 3, big, 300) == 0);

	tdx_cbor_init(&w, out, sizeof(big) + 16);
	tdx_cbor_tstr(&w, (const char *)big, sizeof(big));
	CHECK_EQ(w.len, 5 + sizeof(big));
	CHECK(!w.overflow);
	CHECK(out[0] == 0x7a && out[1] == 0 && out[2] == 0x01 &&
	      out[3] == 0x11 && out[4] == 0x70);
	CHECK(memcmp(out + 5, big, sizeof(big)) == 0);
	free(out);
}

/* Once an item did not fit, later (small) items are not written either. */
TEST(overflow_is_sticky)
{
	unsigned char buf[10 + GUARD];
	unsigned char big[20] = { 0 };
	struct tdx_cbor w;
	size_t i;

	memset(buf, GUARD_BYTE, sizeof(buf));
	tdx_cbor_init(&w, buf, 10);
	tdx_cbor_uint(&w, 7);
	CHECK(tdx_cbor_ok(&w));
	tdx_cbor_bstr(&w, big, sizeof(big));	/* head fits, content not */
	CHECK(w.overflow);
	tdx_cbor_uint(&w, 1);
	CHECK(w.overflow);
	CHECK_EQ(w.len, 1 + 1 + 20 + 1);
	CHECK_EQ(buf[0], 0x07);
	CHECK_EQ(buf[1], 0x54);			/* the head went in */
	for (i = 2; i < sizeof(buf); i++)
		CHECK_EQ(buf[i], GUARD_BYTE);

	/* zero capacity with a buffer: everything overflows */
	memset(buf, GUARD_BYTE, sizeof(buf));
	tdx_cbor_init(&w, buf, 0);
	tdx_cbor_null(&w);
	CHECK(w.overflow);
	CHECK_EQ(w.len, 1);
	CHECK_EQ(buf[0], GUARD_BYTE);
}

TEST(counting_mode)
{
	struct tdx_cbor w;

	tdx_cbor_init(&w, NULL, 1234);	/* cap is ignored without buf */
	CHECK_EQ(w.cap, 0);
	tdx_cbor_raw(&w, NULL, 1000000);
	tdx_cbor_bstr_head(&w, 1000000);
	CHECK(tdx_cbor_ok(&w));
	CHECK_EQ(w.len, 1000005);

	/* the count saturates instead of wrapping */
	tdx_cbor_raw(&w, NULL, (size_t)-1);
	CHECK(w.overflow);
	CHECK_EQ(w.len, (size_t)-1);
	tdx_cbor_uint(&w, 0);
	CHECK_EQ(w.len, (size_t)-1);
}

UNIT_MAIN("cbor")
