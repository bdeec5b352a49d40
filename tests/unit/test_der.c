// SPDX-License-Identifier: GPL-2.0
/* Host unit tests for src/common/tdx_der.c: encodings against known bytes. */
#include "unit.h"
#include "tdx_der.h"

#define GUARD 0xa5

/* Encode with fn into a fresh buffer; check the bytes and the sizing pass. */
typedef void (*emit_fn)(struct tdx_der *w, const void *arg);

static int check_enc(emit_fn fn, const void *arg, const uint8_t *want,
		     size_t want_len)
{
	struct tdx_der w;
	uint8_t *buf = malloc(want_len + 1);
	int ret, ok;

	tdx_der_init(&w, NULL, 0);
	fn(&w, arg);
	ret = tdx_der_finish(&w);
	if (ret != (int)want_len) {
		free(buf);
		return 0;
	}
	memset(buf, GUARD, want_len + 1);
	tdx_der_init(&w, buf, want_len);
	fn(&w, arg);
	ret = tdx_der_finish(&w);
	ok = ret == (int)want_len && !memcmp(buf, want, want_len) &&
	     buf[want_len] == GUARD;
	free(buf);
	return ok;
}

#define CHECK_ENC(fn, arg, ...)						\
	do {								\
		static const uint8_t want_[] = { __VA_ARGS__ };		\
		CHECK(check_enc(fn, arg, want_, sizeof(want_)));	\
	} while (0)

struct bytes {
	const uint8_t *p;
	size_t n;
};

static void emit_int_bytes(struct tdx_der *w, const void *arg)
{
	const struct bytes *b = arg;

	tdx_der_int_bytes(w, b->p, b->n);
}

static void emit_u64(struct tdx_der *w, const void *arg)
{
	tdx_der_int_u64(w, *(const uint64_t *)arg);
}

TEST(integer_small)
{
	static const uint8_t zero[] = { 0 }, zeros[] = { 0, 0, 0 };
	static const uint8_t v127[] = { 0x7f }, v128[] = { 0x80 };
	static const uint8_t v256[] = { 0x01, 0x00 };
	static const uint8_t v128w[] = { 0, 0, 0, 0x80 };
	struct bytes b;
	uint64_t v;

	b = (struct bytes){ zero, 1 };
	CHECK_ENC(emit_int_bytes, &b, 0x02, 0x01, 0x00);
	b = (struct bytes){ zeros, 3 };
	CHECK_ENC(emit_int_bytes, &b, 0x02, 0x01, 0x00);
	b = (struct bytes){ NULL, 0 };
	CHECK_ENC(emit_int_bytes, &b, 0x02, 0x01, 0x00);
	b = (struct bytes){ v127, 1 };
	CHECK_ENC(emit_int_bytes, &b, 0x02, 0x01, 0x7f);
	b = (struct bytes){ v128, 1 };
	CHECK_ENC(emit_int_bytes, &b, 0x02, 0x02, 0x00, 0x80);
	b = (struct bytes){ v128w, 4 };
	CHECK_ENC(emit_int_bytes, &b, 0x02, 0x02, 0x00, 0x80);
	b = (struct bytes){ v256, 2 };
	CHECK_ENC(emit_int_bytes, &b, 0x02, 0x02, 0x01, 0x00);

	v = 0;
	CHECK_ENC(emit_u64, &v, 0x02, 0x01, 0x00);
	v = 127;
	CHECK_ENC(emit_u64, &v, 0x02, 0x01, 0x7f);
	v = 128;
	CHECK_ENC(emit_u64, &v, 0x02, 0x02, 0x00, 0x80);
	v = 256;
	CHECK_ENC(emit_u64, &v, 0x02, 0x02, 0x01, 0x00);
	v = 0x7fffffffffffffffull;
	CHECK_ENC(emit_u64, &v, 0x02, 0x08,
		  0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
	v = ~0ull;
	CHECK_ENC(emit_u64, &v, 0x02, 0x09, 0x00,
		  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
}

TEST(integer_48_bytes)
{
	uint8_t v[48], want[51];
	struct bytes b = { v, sizeof(v) };
	int i;

	for (i = 0; i < 48; i++)
		v[i] = 0xff - i;
	want[0] = 0x02;
	want[1] = 49;
	want[2] = 0x00;
	memcpy(want + 3, v, 48);
	CHECK(check_enc(emit_int_bytes, &b, want, sizeof(want)));

	/* Top bit clear: no pad; leading zeros stripped. */
	v[0] = 0x00;
	v[1] = 0x12;
	want[1] = 47;
	memcpy(want + 2, v + 1, 47);
	CHECK(check_enc(emit_int_bytes, &b, want, 49));
}

static void emit_misc(struct tdx_der *w, const void *arg)
{
	static const uint8_t bits[] = { 0xaa, 0xbb }, oct[] = { 1, 2, 3 };
	static const uint8_t secp384r1[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };

	(void)arg;
	tdx_der_bool(w, true);
	tdx_der_bool(w, false);
	tdx_der_null(w);
	tdx_der_oid(w, secp384r1, sizeof(secp384r1));
	tdx_der_bit_string(w, bits, sizeof(bits));
	tdx_der_octet_string(w, oct, sizeof(oct));
	tdx_der_octet_string(w, NULL, 0);
	tdx_der_utf8(w, "h\xc3\xa9", 3);
	tdx_der_printable(w, "US", 2);
	tdx_der_tlv(w, TDX_DER_CTX_PRIM(0), oct, 1);
	tdx_der_raw(w, "\x05\x00", 2);
}

TEST(primitives)
{
	CHECK_ENC(emit_misc, NULL,
		  0x01, 0x01, 0xff,
		  0x01, 0x01, 0x00,
		  0x05, 0x00,
		  0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22,
		  0x03, 0x03, 0x00, 0xaa, 0xbb,
		  0x04, 0x03, 0x01, 0x02, 0x03,
		  0x04, 0x00,
		  0x0c, 0x03, 'h', 0xc3, 0xa9,
		  0x13, 0x02, 'U', 'S',
		  0x80, 0x01, 0x01,
		  0x05, 0x00);
}

static void emit_named_bits(struct tdx_der *w, const void *arg)
{
	tdx_der_named_bits(w, *(const uint32_t *)arg);
}

TEST(named_bits)
{
	uint32_t v;

	v = 1u << 0;	/* digitalSignature */
	CHECK_ENC(emit_named_bits, &v, 0x03, 0x02, 0x07, 0x80);
	v = (1u << 5) | (1u << 6);	/* keyCertSign | cRLSign */
	CHECK_ENC(emit_named_bits, &v, 0x03, 0x02, 0x01, 0x06);
	v = 1u << 7;
	CHECK_ENC(emit_named_bits, &v, 0x03, 0x02, 0x00, 0x01);
	v = (1u << 8) | 1;	/* decipherOnly | digitalSignature */
	CHECK_ENC(emit_named_bits, &v, 0x03, 0x03, 0x07, 0x80, 0x80);
	v = 0;
	CHECK_ENC(emit_named_bits, &v, 0x03, 0x01, 0x00);
	v = 1u << 31;
	CHECK_ENC(emit_named_bits, &v, 0x03, 0x05, 0x00, 0, 0, 0, 0x01);
}

static void emit_tagged(struct tdx_der *w, const void *arg)
{
	const uint64_t *v = arg;

	/* [3] IMPLICIT INTEGER, [7] IMPLICIT BIT STRING (DiceTcbInfo) */
	tdx_der_int_u64_tagged(w, TDX_DER_CTX_PRIM(3), v[0]);
	tdx_der_named_bits_tagged(w, TDX_DER_CTX_PRIM(7), (uint32_t)v[1]);
}

TEST(implicit_tags)
{
	uint64_t v[2];

	v[0] = 0;
	v[1] = 0;
	CHECK_ENC(emit_tagged, v, 0x83, 0x01, 0x00, 0x87, 0x01, 0x00);
	v[0] = 0x80;
	v[1] = 1u << 3;		/* OperationalFlags debug(3) */
	CHECK_ENC(emit_tagged, v, 0x83, 0x02, 0x00, 0x80, 0x87, 0x02, 0x04,
		  0x10);
	v[0] = 0x7fffffffffffffffull;
	v[1] = 1u << 31;	/* fixedWidth(31) */
	CHECK_ENC(emit_tagged, v, 0x83, 0x08, 0x7f, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0x87, 0x05, 0x00, 0x00, 0x00, 0x00, 0x01);
	v[0] = 0xffffffffffffffffull;
	v[1] = (1u << 8) | 1;	/* notTcb(8), notConfigured(0) */
	CHECK_ENC(emit_tagged, v, 0x83, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff, 0x87, 0x03, 0x07, 0x80, 0x80);
}

TEST(bad_input_is_einval)
{
	struct tdx_der w;
	uint8_t buf[16];
	static const uint8_t bad_oid[] = { 0x2b, 0x81 };

	tdx_der_init(&w, buf, sizeof(buf));
	tdx_der_printable(&w, "a@b", 3);
	CHECK_EQ(tdx_der_finish(&w), -TDX_EINVAL);

	tdx_der_init(&w, buf, sizeof(buf));
	tdx_der_oid(&w, bad_oid, sizeof(bad_oid));
	CHECK_EQ(tdx_der_finish(&w), -TDX_EINVAL);

	tdx_der_init(&w, buf, sizeof(buf));
	tdx_der_oid(&w, bad_oid, 0);
	CHECK_EQ(tdx_der_finish(&w), -TDX_EINVAL);

	tdx_der_init(&w, buf, sizeof(buf));
	tdx_der_octet_string(&w, NULL, 3);
	CHECK_EQ(tdx_der_finish(&w), -TDX_EINVAL);

	/* Errors are sticky: later valid writes change nothing. */
	tdx_der_null(&w);
	CHECK_EQ(tdx_der_finish(&w), -TDX_EINVAL);

	tdx_der_init(&w, buf, sizeof(buf));
	tdx_der_ecdsa_sig(&w, buf, buf, 0);
	CHECK_EQ(tdx_der_finish(&w), -TDX_EINVAL);
}

/* Lengths: a primitive and the same element built with begin()/end(). */
static int check_length_form(size_t n, const uint8_t *hdr, size_t hdr_len)
{
	size_t total = hdr_len + n;
	uint8_t *data = malloc(n ? n : 1), *buf = malloc(total + 1);
	struct tdx_der w;
	size_t i;
	int ok = 1, pass;

	for (i = 0; i < n; i++)
		data[i] = (uint8_t)(i * 7 + 1);
	for (pass = 0; pass < 2; pass++) {
		memset(buf, GUARD, total + 1);
		tdx_der_init(&w, buf, total);
		if (pass == 0) {
			tdx_der_octet_string(&w, data, n);
		} else {
			tdx_der_begin(&w, TDX_DER_OCTET_STRING);
			tdx_der_raw(&w, data, n);
			tdx_der_end(&w);
		}
		ok &= tdx_der_finish(&w) == (int)total;
		ok &= !memcmp(buf, hdr, hdr_len);
		ok &= !memcmp(buf + hdr_len, data, n);
		ok &= buf[total] == GUARD;
	}
	free(data);
	free(buf);
	return ok;
}

TEST(length_forms)
{
	static const uint8_t h0[] = { 0x04, 0x00 };
	static const uint8_t h127[] = { 0x04, 0x7f };
	static const uint8_t h128[] = { 0x04, 0x81, 0x80 };
	static const uint8_t h255[] = { 0x04, 0x81, 0xff };
	static const uint8_t h256[] = { 0x04, 0x82, 0x01, 0x00 };
	static const uint8_t h65535[] = { 0x04, 0x82, 0xff, 0xff };
	static const uint8_t h65536[] = { 0x04, 0x83, 0x01, 0x00, 0x00 };

	CHECK(check_length_form(0, h0, sizeof(h0)));
	CHECK(check_length_form(127, h127, sizeof(h127)));
	CHECK(check_length_form(128, h128, sizeof(h128)));
	CHECK(check_length_form(255, h255, sizeof(h255)));
	CHECK(check_length_form(256, h256, sizeof(h256)));
	CHECK(check_length_form(65535, h65535, sizeof(h65535)));
	CHECK(check_length_form(65536, h65536, sizeof(h65536)));
}

TEST(length_four_bytes_counted)
{
	/* 16 MiB: 4 length bytes; only counted, nothing is written. */
	size_t n = 1u << 24;
	uint8_t *data = calloc(1, n);
	struct tdx_der w;

	tdx_der_init(&w, NULL, 0);
	tdx_der_octet_string(&w, data, n);
	CHECK_EQ(tdx_der_finish(&w), 1 + 5 + n);

	tdx_der_init(&w, NULL, 0);
	tdx_der_begin(&w, TDX_DER_SEQUENCE);
	tdx_der_raw(&w, data, n);
	tdx_der_end(&w);
	CHECK_EQ(tdx_der_finish(&w), 1 + 5 + n);
	free(data);
}

static void emit_time(struct tdx_der *w, const void *arg)
{
	tdx_der_time(w, arg);
}

TEST(times)
{
	struct tdx_der_time t;

	t = (struct tdx_der_time){ 2049, 12, 31, 23, 59, 59 };
	CHECK_ENC(emit_time, &t, 0x17, 13, '4', '9', '1', '2', '3', '1',
		  '2', '3', '5', '9', '5', '9', 'Z');
	t = (struct tdx_der_time){ 2050, 1, 1, 0, 0, 0 };
	CHECK_ENC(emit_time, &t, 0x18, 15, '2', '0', '5', '0', '0', '1',
		  '0', '1', '0', '0', '0', '0', '0', '0', 'Z');
	t = (struct tdx_der_time){ 1950, 1, 1, 0, 0, 0 };
	CHECK_ENC(emit_time, &t, 0x17, 13, '5', '0', '0', '1', '0', '1',
		  '0', '0', '0', '0', '0', '0', 'Z');
	t = (struct tdx_der_time){ 1949, 12, 31, 23, 59, 59 };
	CHECK_ENC(emit_time, &t, 0x18, 15, '1', '9', '4', '9', '1', '2',
		  '3', '1', '2', '3', '5', '9', '5', '9', 'Z');
	t = (struct tdx_der_time){ 9999, 12, 31, 23, 59, 59 };
	CHECK_ENC(emit_time, &t, 0x18, 15, '9', '9', '9', '9', '1', '2',
		  '3', '1', '2', '3', '5', '9', '5', '9', 'Z');
	t = (struct tdx_der_time){ 2000, 2, 29, 1, 2, 3 };
	CHECK_ENC(emit_time, &t, 0x17, 13, '0', '0', '0', '2', '2', '9',
		  '0', '1', '0', '2', '0', '3', 'Z');
	t = (struct tdx_der_time){ 2024, 2, 29, 12, 0, 0 };
	CHECK_ENC(emit_time, &t, 0x17, 13, '2', '4', '0', '2', '2', '9',
		  '1', '2', '0', '0', '0', '0', 'Z');
	t = (struct tdx_der_time){ 0, 1, 1, 0, 0, 0 };
	CHECK_ENC(emit_time, &t, 0x18, 15, '0', '0', '0', '0', '0', '1',
		  '0', '1', '0', '0', '0', '0', '0', '0', 'Z');
}

TEST(times_invalid)
{
	static const struct tdx_der_time bad[] = {
		{ 2023, 2, 29, 0, 0, 0 },	/* not a leap year */
		{ 2100, 2, 29, 0, 0, 0 },	/* not a leap year */
		{ 2024, 4, 31, 0, 0, 0 },
		{ 2024, 0, 1, 0, 0, 0 },
		{ 2024, 13, 1, 0, 0, 0 },
		{ 2024, 1, 0, 0, 0, 0 },
		{ 2024, 1, 1, 24, 0, 0 },
		{ 2024, 1, 1, 0, 60, 0 },
		{ 2024, 1, 1, 0, 0, 60 },
		{ 10000, 1, 1, 0, 0, 0 },
	};
	struct tdx_der w;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tdx_der_init(&w, NULL, 0);
		tdx_der_time(&w, &bad[i]);
		CHECK_EQ(tdx_der_finish(&w), -TDX_EINVAL);
	}
}

TEST(time_cmp)
{
	struct tdx_der_time a = { 2024, 1, 1, 0, 0, 0 };
	struct tdx_der_time b = { 2024, 1, 1, 0, 0, 1 };
	struct tdx_der_time c = { 9999, 12, 31, 23, 59, 59 };

	CHECK(tdx_der_time_cmp(&a, &b) < 0);
	CHECK(tdx_der_time_cmp(&b, &a) > 0);
	CHECK(tdx_der_time_cmp(&a, &a) == 0);
	CHECK(tdx_der_time_cmp(&b, &c) < 0);
}

static void emit_sig(struct tdx_der *w, const void *arg)
{
	const uint8_t *rs = arg;

	tdx_der_ecdsa_sig(w, rs, rs + 48, 48);
}

TEST(ecdsa_sig)
{
	uint8_t rs[96], want[2 + 2 + 49 + 2 + 46];
	size_t i;

	for (i = 0; i < 48; i++) {
		rs[i] = 0x80 + i;		/* top bit set: pad */
		rs[48 + i] = i < 2 ? 0 : i;	/* two leading zeros */
	}
	want[0] = 0x30;
	want[1] = sizeof(want) - 2;
	want[2] = 0x02;
	want[3] = 49;
	want[4] = 0x00;
	memcpy(want + 5, rs, 48);
	want[53] = 0x02;
	want[54] = 46;
	memcpy(want + 55, rs + 50, 46);
	CHECK(check_enc(emit_sig, rs, want, sizeof(want)));
}

/* A structure with long and short nested lengths, for overflow tests. */
static void emit_nested(struct tdx_der *w, const void *arg)
{
	static uint8_t blob[300];
	static const uint8_t oid[] = { 0x55, 0x04, 0x03 };

	(void)arg;
	memset(blob, 0x5c, sizeof(blob));
	tdx_der_begin(w, TDX_DER_SEQUENCE);
	tdx_der_int_u64(w, 0x123456789ull);
	tdx_der_begin(w, TDX_DER_CTX(3));
	tdx_der_begin(w, TDX_DER_SEQUENCE);
	tdx_der_oid(w, oid, sizeof(oid));
	tdx_der_begin(w, TDX_DER_OCTET_STRING);
	tdx_der_octet_string(w, blob, 200);
	tdx_der_end(w);
	tdx_der_end(w);
	tdx_der_end(w);
	tdx_der_begin_bit_string(w);
	tdx_der_raw(w, blob, 100);
	tdx_der_end(w);
	tdx_der_begin(w, TDX_DER_SET);
	tdx_der_end(w);
	tdx_der_end(w);
}

TEST(nested_known_bytes)
{
	uint8_t buf[400];
	struct tdx_der w;
	size_t i;
	int n;

	tdx_der_init(&w, buf, sizeof(buf));
	emit_nested(&w, NULL);
	n = tdx_der_finish(&w);
	/* 30 82 0149
	 *   02 05 0123456789
	 *   a3 81 d6 30 81 d3 06 03 550403 04 81 cb 04 81 c8 blob*200
	 *   03 65 00 blob*100
	 *   31 00
	 */
	CHECK_EQ(n, 4 + 0x149);
	CHECK(!memcmp(buf, "\x30\x82\x01\x49", 4));
	CHECK(!memcmp(buf + 4, "\x02\x05\x01\x23\x45\x67\x89", 7));
	CHECK(!memcmp(buf + 11, "\xa3\x81\xd6\x30\x81\xd3\x06\x03\x55\x04\x03"
		      "\x04\x81\xcb\x04\x81\xc8", 17));
	for (i = 0; i < 200; i++)
		CHECK_EQ(buf[28 + i], 0x5c);
	CHECK(!memcmp(buf + 228, "\x03\x65\x00", 3));
	for (i = 0; i < 100; i++)
		CHECK_EQ(buf[231 + i], 0x5c);
	CHECK(!memcmp(buf + 331, "\x31\x00", 2));
}

TEST(overflow_every_capacity)
{
	struct tdx_der w;
	uint8_t ref[400], *buf;
	size_t cap;
	int n;

	tdx_der_init(&w, NULL, 0);
	emit_nested(&w, NULL);
	n = tdx_der_finish(&w);
	CHECK(n > 0);

	/* The sizing pass agrees with the real pass at exact capacity. */
	tdx_der_init(&w, ref, n);
	emit_nested(&w, NULL);
	CHECK_EQ(tdx_der_finish(&w), n);

	buf = malloc(n + 1);
	for (cap = 0; cap <= (size_t)n; cap++) {
		memset(buf, GUARD, n + 1);
		tdx_der_init(&w, buf, cap);
		emit_nested(&w, NULL);
		if (cap == (size_t)n) {
			CHECK_EQ(tdx_der_finish(&w), n);
			CHECK(!memcmp(buf, ref, n));
		} else {
			CHECK_EQ(tdx_der_finish(&w), -TDX_ENOSPC);
			CHECK(w.overflow);
		}
		/* The size needed is known even after an overflow. */
		CHECK_EQ(w.len, n);
		/* Nothing at or past buf[cap]. */
		CHECK_EQ(buf[cap], GUARD);
	}
	free(buf);
}

TEST(overflow_primitive)
{
	uint8_t buf[4];
	struct tdx_der w;

	/* 02 01 05 fits in 3; one short overflows and leaves the guard. */
	memset(buf, GUARD, sizeof(buf));
	tdx_der_init(&w, buf, 3);
	tdx_der_int_u64(&w, 5);
	CHECK_EQ(tdx_der_finish(&w), 3);
	CHECK(!memcmp(buf, "\x02\x01\x05", 3));
	CHECK_EQ(buf[3], GUARD);

	memset(buf, GUARD, sizeof(buf));
	tdx_der_init(&w, buf, 2);
	tdx_der_int_u64(&w, 5);
	CHECK_EQ(tdx_der_finish(&w), -TDX_ENOSPC);
	CHECK_EQ(buf[2], GUARD);
	CHECK_EQ(buf[3], GUARD);

	/* A later small write after an overflow stores nothing. */
	tdx_der_null(&w);
	CHECK_EQ(tdx_der_finish(&w), -TDX_ENOSPC);
	CHECK_EQ(buf[2], GUARD);
	CHECK_EQ(w.len, 5);
}

TEST(max_depth)
{
	uint8_t buf[2 * TDX_DER_MAX_DEPTH + 8];
	struct tdx_der w;
	int i;

	memset(buf, GUARD, sizeof(buf));
	tdx_der_init(&w, buf, sizeof(buf));
	for (i = 0; i < TDX_DER_MAX_DEPTH; i++)
		tdx_der_begin(&w, TDX_DER_SEQUENCE);
	tdx_der_null(&w);
	for (i = 0; i < TDX_DER_MAX_DEPTH; i++)
		tdx_der_end(&w);
	CHECK_EQ(tdx_der_finish(&w), 2 * TDX_DER_MAX_DEPTH + 2);
	for (i = 0; i < TDX_DER_MAX_DEPTH; i++) {
		CHECK_EQ(buf[2 * i], 0x30);
		CHECK_EQ(buf[2 * i + 1], 2 * (TDX_DER_MAX_DEPTH - i));
	}
	CHECK(!memcmp(buf + 2 * TDX_DER_MAX_DEPTH, "\x05\x00", 2));

	/* One more level is an error, also in the sizing pass. */
	tdx_der_init(&w, NULL, 0);
	for (i = 0; i < TDX_DER_MAX_DEPTH + 1; i++)
		tdx_der_begin(&w, TDX_DER_SEQUENCE);
	for (i = 0; i < TDX_DER_MAX_DEPTH + 1; i++)
		tdx_der_end(&w);
	CHECK_EQ(tdx_der_finish(&w), -TDX_EINVAL);
}

TEST(unbalanced)
{
	struct tdx_der w;

	tdx_der_init(&w, NULL, 0);
	tdx_der_end(&w);
	CHECK_EQ(tdx_der_finish(&w), -TDX_EINVAL);

	tdx_der_init(&w, NULL, 0);
	tdx_der_begin(&w, TDX_DER_SEQUENCE);
	CHECK_EQ(tdx_der_finish(&w), -TDX_EINVAL);
	tdx_der_end(&w);
	CHECK_EQ(tdx_der_finish(&w), 2);
}

UNIT_MAIN("der")
