// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the QGS framing codec (tools/lib/qgs.c): round trips, and
 * every malformed frame gets the reply the table in docs/qgsd.md gives it.
 * Built with ASan and UBSan by tests/tools/t-qgs.sh.  Prints
 * "PASS tools/qgs-codec/NAME" or "FAIL tools/qgs-codec/NAME: why"; exits 1
 * when a check failed.
 *
 * Built with -DQGS_FAKE_DEVICE -shared instead, it is an LD_PRELOAD shim
 * standing in for /dev/tdx_quote in the host tests of tdx-qgsd: see the
 * end of this file.
 */
#ifndef QGS_FAKE_DEVICE
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qgs.h"

static int n_fail;
static char why[256];

/* Each test returns true or sets why and returns false. */
__attribute__((format(printf, 1, 2)))
static bool fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return false;
}

static void run(const char *name, bool (*fn)(void))
{
	why[0] = 0;
	if (fn()) {
		printf("PASS tools/qgs-codec/%s\n", name);
	} else {
		printf("FAIL tools/qgs-codec/%s: %s\n", name, why);
		n_fail++;
	}
}

static void le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
	le16(p, (uint16_t)v);
	le16(p + 2, (uint16_t)(v >> 16));
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* A TDREPORT-like pattern: type byte 0x81 first, like a real one. */
static void fake_report(uint8_t *r, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		r[i] = (uint8_t)(seed * 131 + i * 29 + i * i / 3);
	r[0] = 0x81;
	r[1] = 0;
}

/* A header-only body of len bytes (the rest zero). */
static void header(uint8_t *b, size_t len, uint16_t major, uint16_t minor,
		   uint32_t type, uint32_t size, uint32_t err)
{
	memset(b, 0, len);
	le16(b, major);
	le16(b + 2, minor);
	le32(b + 4, type);
	le32(b + 8, size);
	le32(b + 12, err);
}

/* expect_error(req, reason, reply_type, error) */
static bool expect(const struct qgs_request *r, enum qgs_reason reason,
		   uint32_t type, uint32_t err, const char *what)
{
	if (r->action != QGS_DO_ERROR)
		return fail("%s: action %d, want an error reply", what, r->action);
	if (r->reason != reason)
		return fail("%s: reason %s, want %s", what,
			    qgs_reason_name(r->reason), qgs_reason_name(reason));
	if (r->reply_type != type || r->error != err)
		return fail("%s: reply type %u error %s, want type %u %s", what,
			    r->reply_type, qgs_error_name(r->error), type,
			    qgs_error_name(err));
	return true;
}

/* ---- round trips ---------------------------------------------------------- */

static bool t_request_round_trip(void)
{
	static uint8_t report[QGS_MAX_REPORT], ids[300], frame[8192];
	static const uint32_t sizes[] = { 1, 1024, 1025, QGS_MAX_REPORT };
	struct qgs_request r;

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		for (uint32_t idl = 0; idl <= sizeof(ids); idl += 150) {
			uint32_t len, rs = sizes[k];
			size_t n;

			fake_report(report, rs, k);
			memset(ids, 0x5a, idl);
			n = qgs_build_quote_req(frame, sizeof(frame), 1, 1, report,
						rs, ids, idl);
			if (n != QGS_PREFIX_SIZE + QGS_QUOTE_REQ_FIXED + rs + idl)
				return fail("build %u+%u: %zu bytes", rs, idl, n);
			if (qgs_check_prefix(frame, 65536, &len) != QGS_R_NONE ||
			    len != n - QGS_PREFIX_SIZE)
				return fail("prefix %u for %zu bytes", len, n);
			qgs_parse_request(frame + 4, len, &r);
			if (r.action != QGS_DO_QUOTE || r.reason != QGS_R_NONE)
				return fail("report %u ids %u: action %d reason %s",
					    rs, idl, r.action,
					    qgs_reason_name(r.reason));
			if (r.report != frame + 4 + 24 || r.report_len != rs ||
			    memcmp(r.report, report, rs))
				return fail("report %u: wrong report", rs);
			if (r.id_list_len != idl ||
			    (idl && r.id_list != frame + 4 + 24 + rs))
				return fail("id list %u: got %u", idl, r.id_list_len);
		}
	}
	/* Too small a buffer, and sizes beyond u32: nothing built. */
	if (qgs_build_quote_req(frame, 100, 1, 1, report, 1024, NULL, 0))
		return fail("built into a 100-byte buffer");
	if (qgs_build_quote_req(frame, SIZE_MAX, 1, 1, report, UINT32_MAX, ids,
				UINT32_MAX))
		return fail("built a frame above 4 GiB");
	return true;
}

static bool t_response_round_trip(void)
{
	static uint8_t quote[70000], wire[QGS_QUOTE_HEAD_SIZE + sizeof(quote)];
	static const size_t sizes[] = { 1, 2, 1000, 4096, sizeof(quote) };
	struct qgs_response resp;

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t q = sizes[k], h;
		uint32_t e;

		for (size_t i = 0; i < q; i++)
			quote[i] = (uint8_t)(i * 7 + k);
		h = qgs_quote_reply_head(wire, q);
		if (h != QGS_QUOTE_HEAD_SIZE)
			return fail("head for %zu: %zu", q, h);
		memcpy(wire + h, quote, q);
		if (qgs_get_be32(wire) != 24 + q)
			return fail("prefix %u for a %zu-byte quote",
				    qgs_get_be32(wire), q);
		e = qgs_parse_response(wire + 4, 24 + q, &resp);
		if (e || resp.error || resp.type != QGS_GET_QUOTE_RESP ||
		    resp.major != 1 || resp.minor != 1 ||
		    resp.selected_id_size != 0)
			return fail("quote %zu: parse %s error %s type %u %u.%u",
				    q, qgs_error_name(e),
				    qgs_error_name(resp.error), resp.type,
				    resp.major, resp.minor);
		if (resp.quote_len != q || memcmp(resp.quote, quote, q))
			return fail("quote %zu: got %u bytes back", q,
				    resp.quote_len);
		/* The same reply cut short, or with a byte more: rejected. */
		if (!qgs_parse_response(wire + 4, 24 + q - 1, &resp) ||
		    !qgs_parse_response(wire + 4, 24 + q + 1, &resp))
			return fail("quote %zu: a wrong length was accepted", q);
	}
	return true;
}

static bool t_never_empty_success(void)
{
	uint8_t h[QGS_QUOTE_HEAD_SIZE];

	if (qgs_quote_reply_head(h, 0))
		return fail("a success head for an empty quote");
	if (qgs_quote_reply_head(h, (size_t)QGS_MAX_QUOTE + 1))
		return fail("a success head above QGS_MAX_QUOTE");
	if (qgs_quote_reply_head(h, QGS_MAX_QUOTE) != QGS_QUOTE_HEAD_SIZE)
		return fail("no head for a QGS_MAX_QUOTE quote");
	return true;
}

/*
 * Raw or framed, on the first 20 bytes, as Intel's qgs_server.cpp decides:
 * framed only when prefix != 0, header size == prefix, major 1, type < 6.
 */
static bool t_sniff(void)
{
	uint8_t b[QGS_RAW_REPORT_SIZE];
	static const struct {
		uint32_t prefix;
		uint16_t major;
		uint32_t type, size;
		enum qgs_mode want;
		const char *what;
	} c[] = {
		{ 1048, 1, 0, 1048, QGS_MODE_FRAMED, "a GET_QUOTE_REQ" },
		{ 16, 1, 4, 16, QGS_MODE_FRAMED, "a GET_PLATFORM_INFO_REQ" },
		{ 28, 1, 5, 28, QGS_MODE_FRAMED, "type 5" },
		{ 5000000, 1, 0, 5000000, QGS_MODE_FRAMED, "too large, but framed" },
		{ 28, 1, 6, 28, QGS_MODE_RAW, "type 6" },
		{ 28, 2, 0, 28, QGS_MODE_RAW, "major 2" },
		{ 28, 0, 0, 28, QGS_MODE_RAW, "major 0" },
		{ 28, 1, 0, 29, QGS_MODE_RAW, "size != prefix" },
		{ 0, 1, 0, 0, QGS_MODE_RAW, "prefix 0" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(b, 0x5a, sizeof(b));
		qgs_put_be32(b, c[i].prefix);
		header(b + 4, 16, c[i].major, 1, c[i].type, c[i].size, 0);
		if (qgs_sniff(b) != c[i].want)
			return fail("%s: not %s", c[i].what,
				    c[i].want == QGS_MODE_RAW ? "raw" : "framed");
	}
	/* A TDREPORT: type byte 0x81, reserved zeros after it. */
	memset(b, 0, sizeof(b));
	fake_report(b, sizeof(b), 3);
	memset(b + 4, 0, 12);
	if (qgs_sniff(b) != QGS_MODE_RAW)
		return fail("a TDREPORT taken for a frame");
	/* The error_code does not take part in the decision. */
	qgs_put_be32(b, 28);
	header(b + 4, 16, 1, 1, 0, 28, 7);
	if (qgs_sniff(b) != QGS_MODE_FRAMED)
		return fail("error_code set: not framed");
	return true;
}

/* ---- every malformed frame ------------------------------------------------ */

static bool t_prefix(void)
{
	uint8_t p[4];
	uint32_t len;

	qgs_put_be32(p, 0);
	if (qgs_check_prefix(p, 4096, &len) != QGS_R_EMPTY)
		return fail("length 0 not empty");
	qgs_put_be32(p, 4096);
	if (qgs_check_prefix(p, 4096, &len) != QGS_R_NONE || len != 4096)
		return fail("length = limit rejected");
	qgs_put_be32(p, 4097);
	if (qgs_check_prefix(p, 4096, &len) != QGS_R_TOO_LARGE)
		return fail("length limit + 1 accepted");
	qgs_put_be32(p, QGS_MAX_MSG_LIMIT + 1);
	if (qgs_check_prefix(p, UINT32_MAX, &len) != QGS_R_TOO_LARGE)
		return fail("length above QGS_MAX_MSG_LIMIT accepted");
	qgs_put_be32(p, UINT32_MAX);
	if (qgs_check_prefix(p, UINT32_MAX, &len) != QGS_R_TOO_LARGE)
		return fail("length 4 GiB - 1 accepted");
	/* Big-endian, not little. */
	p[0] = 0; p[1] = 0; p[2] = 4; p[3] = 0;
	if (qgs_check_prefix(p, 4096, &len) != QGS_R_NONE || len != 1024)
		return fail("00 00 04 00 read as %u", len);
	return true;
}

static bool t_short(void)
{
	uint8_t b[QGS_HDR_SIZE];
	struct qgs_request r;
	char what[32];

	header(b, sizeof(b), 1, 1, 0, 16, 0);
	for (size_t len = 1; len < QGS_HDR_SIZE; len++) {
		snprintf(what, sizeof(what), "%zu bytes", len);
		qgs_parse_request(b, len, &r);
		if (!expect(&r, QGS_R_SHORT, 1, QGS_MSG_ERROR_INVALID_SIZE, what))
			return false;
	}
	return true;
}

static bool t_version(void)
{
	static const uint16_t bad[] = { 0, 2, 0x100, 0xffff };
	static const uint16_t minors[] = { 0, 1, 2, 0xffff };
	uint8_t b[64], rep[36];
	struct qgs_request r;

	fake_report(rep, sizeof(rep), 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		header(b, 60, bad[i], 1, 0, 60, 0);
		qgs_parse_request(b, 60, &r);
		if (!expect(&r, QGS_R_VERSION, 1, QGS_MSG_ERROR_INVALID_VERSION,
			    "major"))
			return false;
		/* A collateral request with a bad version: its own type. */
		header(b, 60, bad[i], 1, 2, 60, 0);
		qgs_parse_request(b, 60, &r);
		if (!expect(&r, QGS_R_VERSION, 3, QGS_MSG_ERROR_INVALID_VERSION,
			    "collateral major"))
			return false;
	}
	/* Intel checks the major version only: any minor is served. */
	for (size_t i = 0; i < sizeof(minors) / sizeof(minors[0]); i++) {
		header(b, 60, 1, minors[i], 0, 60, 0);
		le32(b + 16, 36);
		memcpy(b + 24, rep, 36);
		qgs_parse_request(b, 60, &r);
		if (r.action != QGS_DO_QUOTE || r.minor != minors[i])
			return fail("minor %u not served", minors[i]);
	}
	return true;
}

static bool t_size_mismatch(void)
{
	static const uint32_t sizes[] = { 0, 16, 59, 61, 1024, UINT32_MAX };
	uint8_t b[64];
	struct qgs_request r;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		header(b, 60, 1, 1, 0, sizes[i], 0);
		le32(b + 16, 36);
		qgs_parse_request(b, 60, &r);
		if (!expect(&r, QGS_R_SIZE_MISMATCH, 1,
			    QGS_MSG_ERROR_INVALID_SIZE, "size"))
			return false;
	}
	return true;
}

static bool t_truncated_body(void)
{
	static uint8_t report[1024], frame[2048];
	struct qgs_request r;
	size_t n;
	uint32_t len;

	fake_report(report, sizeof(report), 9);
	n = qgs_build_quote_req(frame, sizeof(frame), 1, 1, report, 1024,
				NULL, 0);
	qgs_check_prefix(frame, 65536, &len);
	/* Every cut of the body short of its length is refused. */
	for (size_t cut = 1; cut < len; cut++) {
		qgs_parse_request(frame + 4, len - cut, &r);
		if (r.action != QGS_DO_ERROR ||
		    (r.reason != QGS_R_SIZE_MISMATCH && r.reason != QGS_R_SHORT) ||
		    r.error != QGS_MSG_ERROR_INVALID_SIZE)
			return fail("body cut by %zu of %u: action %d reason %s",
				    cut, len, r.action, qgs_reason_name(r.reason));
	}
	(void)n;
	return true;
}

static bool t_error_code(void)
{
	uint8_t b[60];
	struct qgs_request r;

	header(b, 60, 1, 1, 0, 60, 0x12001);
	le32(b + 16, 36);
	qgs_parse_request(b, 60, &r);
	return expect(&r, QGS_R_ERROR_CODE, 1, QGS_MSG_ERROR_INVALID_CODE,
		      "error_code set");
}

static bool t_types(void)
{
	static const uint32_t unknown[] = { 1, 3, 5, 6, 7, 0x100, UINT32_MAX };
	uint8_t b[64];
	struct qgs_request r;

	header(b, 40, 1, 1, QGS_GET_COLLATERAL_REQ, 40, 0);
	qgs_parse_request(b, 40, &r);
	if (!expect(&r, QGS_R_UNSUPPORTED, 3, QGS_MSG_ERROR_INVALID_TYPE,
		    "GET_COLLATERAL_REQ"))
		return false;
	header(b, 16, 1, 1, QGS_GET_PLATFORM_INFO_REQ, 16, 0);
	qgs_parse_request(b, 16, &r);
	if (!expect(&r, QGS_R_UNSUPPORTED, 5, QGS_MSG_ERROR_INVALID_TYPE,
		    "GET_PLATFORM_INFO_REQ"))
		return false;
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		header(b, 24, 1, 1, unknown[i], 24, 0);
		qgs_parse_request(b, 24, &r);
		if (!expect(&r, QGS_R_UNKNOWN_TYPE, 1,
			    QGS_MSG_ERROR_INVALID_TYPE, "unknown type"))
			return false;
	}
	return true;
}

static bool t_quote_body(void)
{
	static uint8_t b[24 + QGS_MAX_REPORT + 1 + 8];
	struct qgs_request r;

	/* Headers of 16..23 bytes: no room for the two sizes. */
	for (uint32_t len = 16; len < 24; len++) {
		header(b, len, 1, 1, 0, len, 0);
		qgs_parse_request(b, len, &r);
		if (!expect(&r, QGS_R_BAD_BODY, 1, QGS_MSG_ERROR_INVALID_SIZE,
			    "GET_QUOTE_REQ without sizes"))
			return false;
	}
	/* report_size + id_list_size: not the body, or wrapping a u32. */
	header(b, 60, 1, 1, 0, 60, 0);
	le32(b + 16, 30);
	le32(b + 20, 0);
	qgs_parse_request(b, 60, &r);
	if (!expect(&r, QGS_R_BAD_BODY, 1, QGS_MSG_ERROR_INVALID_SIZE,
		    "report_size short of the body"))
		return false;
	le32(b + 16, 30);
	le32(b + 20, 7);
	qgs_parse_request(b, 60, &r);
	if (!expect(&r, QGS_R_BAD_BODY, 1, QGS_MSG_ERROR_INVALID_SIZE,
		    "id_list_size past the body"))
		return false;
	le32(b + 16, UINT32_MAX);
	le32(b + 20, 61);	/* 24 + (2^32 - 1) + 61 wraps to 60 in u32 */
	qgs_parse_request(b, 60, &r);
	if (!expect(&r, QGS_R_BAD_BODY, 1, QGS_MSG_ERROR_INVALID_SIZE,
		    "sizes wrapping u32"))
		return false;
	/* report_size 0 (ids fill the body) and above 4096. */
	le32(b + 16, 0);
	le32(b + 20, 36);
	qgs_parse_request(b, 60, &r);
	if (!expect(&r, QGS_R_BAD_REPORT, 1, QGS_MSG_ERROR_INVALID_PARAMETER,
		    "report_size 0"))
		return false;
	header(b, 24 + QGS_MAX_REPORT + 1, 1, 1, 0, 24 + QGS_MAX_REPORT + 1, 0);
	le32(b + 16, QGS_MAX_REPORT + 1);
	qgs_parse_request(b, 24 + QGS_MAX_REPORT + 1, &r);
	if (!expect(&r, QGS_R_BAD_REPORT, 1, QGS_MSG_ERROR_INVALID_PARAMETER,
		    "report_size 4097"))
		return false;
	return true;
}

/* ---- the replies ----------------------------------------------------------- */

static bool t_error_replies(void)
{
	static const struct { uint32_t type, want_type; size_t len; } c[] = {
		{ 1, 1, 28 }, { 3, 3, 52 }, { 5, 5, 32 },
		{ 0, 1, 28 }, { 2, 1, 28 }, { 77, 1, 28 },
	};
	uint8_t out[QGS_ERR_REPLY_MAX + 8];
	struct qgs_response resp;

	memset(out, 0xee, sizeof(out));
	if (qgs_error_reply(out, 1, QGS_MSG_SUCCESS))
		return fail("an error reply with SUCCESS");
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		size_t n = qgs_error_reply(out, c[i].type,
					   QGS_MSG_ERROR_INVALID_TYPE);
		uint32_t e;

		if (n != c[i].len || n > QGS_ERR_REPLY_MAX)
			return fail("type %u: %zu bytes, want %zu", c[i].type, n,
				    c[i].len);
		if (out[QGS_ERR_REPLY_MAX] != 0xee)
			return fail("type %u: wrote past QGS_ERR_REPLY_MAX",
				    c[i].type);
		if (qgs_get_be32(out) != n - 4 || rd32(out + 4 + 8) != n - 4)
			return fail("type %u: prefix %u size %u for %zu bytes",
				    c[i].type, qgs_get_be32(out),
				    rd32(out + 12), n);
		e = qgs_parse_response(out + 4, n - 4, &resp);
		if (e || resp.type != c[i].want_type ||
		    resp.error != QGS_MSG_ERROR_INVALID_TYPE || resp.quote)
			return fail("type %u: parsed %s type %u error %s",
				    c[i].type, qgs_error_name(e), resp.type,
				    qgs_error_name(resp.error));
	}
	return true;
}

static bool t_response_checks(void)
{
	uint8_t b[64];
	struct qgs_response r;

	/* What QEMU refuses, we refuse in the test client too. */
	header(b, 30, 1, 0, 1, 30, 0);
	le32(b + 20, 6);
	if (qgs_parse_response(b, 30, &r) != QGS_MSG_ERROR_INVALID_VERSION)
		return fail("version 1.0 accepted");
	header(b, 30, 1, 1, 1, 30, 0);
	le32(b + 16, 2);
	le32(b + 20, 4);
	if (qgs_parse_response(b, 30, &r) != QGS_MSG_ERROR_INVALID_SIZE)
		return fail("selected_id_size 2 accepted");
	le32(b + 16, 0);
	le32(b + 20, 5);
	if (qgs_parse_response(b, 30, &r) != QGS_MSG_ERROR_INVALID_SIZE)
		return fail("quote_size short of the body accepted");
	header(b, 24, 1, 1, 1, 24, 0);
	if (qgs_parse_response(b, 24, &r) != QGS_MSG_ERROR_INVALID_SIZE)
		return fail("a success with an empty quote accepted");
	header(b, 24, 1, 1, 0, 24, 0);
	if (qgs_parse_response(b, 24, &r) != QGS_MSG_ERROR_INVALID_TYPE)
		return fail("a GET_QUOTE_REQ taken for a response");
	for (size_t len = 0; len < 16; len++)
		if (qgs_parse_response(b, len, &r) != QGS_MSG_ERROR_INVALID_SIZE)
			return fail("%zu-byte response accepted", len);
	return true;
}

/* Every byte of a valid request, set to a few values: never a crash, and
 * either a quote with the report inside the body or a well-formed reply. */
static bool t_mutations(void)
{
	static uint8_t report[1024], frame[1200];
	static const uint8_t vals[] = { 0, 1, 2, 0x7f, 0x80, 0xfe, 0xff };
	struct qgs_request r;
	size_t n, served = 0, refused = 0;

	fake_report(report, sizeof(report), 4);
	n = qgs_build_quote_req(frame, sizeof(frame), 1, 1, report, 1024,
				report, 40);
	for (size_t i = 4; i < n; i++) {
		uint8_t save = frame[i];

		for (size_t v = 0; v < sizeof(vals); v++) {
			frame[i] = vals[v];
			for (size_t len = n - 4 - 1; len <= n - 4; len++) {
				qgs_parse_request(frame + 4, len, &r);
				if (r.action == QGS_DO_QUOTE) {
					if (r.report < frame + 4 ||
					    r.report + r.report_len +
					    r.id_list_len > frame + 4 + len ||
					    !r.report_len)
						return fail("byte %zu=%u: report outside the body",
							    i, vals[v]);
					served++;
				} else if (r.action == QGS_DO_ERROR) {
					uint8_t out[QGS_ERR_REPLY_MAX];

					if (!r.error || r.reason == QGS_R_NONE ||
					    !qgs_error_reply(out, r.reply_type,
							     r.error))
						return fail("byte %zu=%u: error reply without error",
							    i, vals[v]);
					refused++;
				} else {
					return fail("byte %zu: action %d", i,
						    r.action);
				}
			}
		}
		frame[i] = save;
	}
	if (!served || !refused)
		return fail("served %zu refused %zu: the mutations miss a side",
			    served, refused);
	return true;
}

static bool t_names(void)
{
	for (int r = 0; r < QGS_R__COUNT; r++)
		if (!strcmp(qgs_reason_name((enum qgs_reason)r), "?"))
			return fail("reason %d has no name", r);
	if (strcmp(qgs_reason_name(QGS_R__COUNT), "?") ||
	    strcmp(qgs_error_name(42), "?") ||
	    strcmp(qgs_error_name(0x12006), "INVALID_SIZE"))
		return fail("names of unknown values");
	return true;
}

int main(void)
{
	run("request-round-trip", t_request_round_trip);
	run("response-round-trip", t_response_round_trip);
	run("never-empty-success", t_never_empty_success);
	run("sniff-raw-or-framed", t_sniff);
	run("length-prefix", t_prefix);
	run("short-header", t_short);
	run("wrong-version", t_version);
	run("size-mismatch", t_size_mismatch);
	run("truncated-body", t_truncated_body);
	run("error-code-set", t_error_code);
	run("types", t_types);
	run("quote-req-body", t_quote_body);
	run("error-replies", t_error_replies);
	run("response-checks", t_response_checks);
	run("mutations", t_mutations);
	run("names", t_names);
	return n_fail ? 1 : 0;
}

#else /* QGS_FAKE_DEVICE */

/*
 * A fake /dev/tdx_quote for the daemon's host tests: ioctl() with the two
 * TDX_QUOTE_* numbers, on any fd, answers like the driver would.  GET_INFO:
 * ready, max_quote_size FAKE_MAX_QUOTE (default 8192).  GET_QUOTE: after
 * FAKE_QUOTE_MS (default 20) milliseconds, the quote "FAKEQUOTE:"
 * followed by the input, and with FAKE_QUOTE_PAD=N as many 'p' bytes as
 * make it N bytes long; ENOSPC with the size when out_len is short; with
 * FAKE_QUOTE_FAIL=errno-number set, that error instead.  Every other
 * ioctl goes to the real one.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/tdx_quote.h>

#define FAKE_MAX 8192

int ioctl(int fd, unsigned long req, ...);
int ioctl(int fd, unsigned long req, ...)
{
	static const char tag[] = "FAKEQUOTE:";
	int (*real)(int, unsigned long, ...);
	const char *fail, *ms, *pad, *max;
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req == TDX_QUOTE_GET_INFO) {
		struct tdx_quote_info *i = arg;

		memset(i, 0, sizeof(*i));
		i->size = sizeof(*i);
		i->abi_version = TDX_QUOTE_ABI_VERSION;
		i->backend = TDX_QUOTE_BACKEND_SIM;
		i->state = TDX_QUOTE_STATE_READY;
		max = getenv("FAKE_MAX_QUOTE");
		i->max_quote_size = max ? (uint32_t)atol(max) : FAKE_MAX;
		i->max_input_size = TDX_QUOTE_MAX_INPUT;
		return 0;
	}
	if (req == TDX_QUOTE_GET_QUOTE) {
		struct tdx_quote_req *r = arg;
		struct timespec ts;
		long wait_ms;

		ms = getenv("FAKE_QUOTE_MS");
		wait_ms = ms ? atol(ms) : 20;
		ts.tv_sec = wait_ms / 1000;
		ts.tv_nsec = (wait_ms % 1000) * 1000000;
		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
		fail = getenv("FAKE_QUOTE_FAIL");
		r->tdx_status = 0;
		if (fail) {
			r->tdx_status = 0xc0000bad00000098ull;
			errno = atoi(fail);
			return -1;
		}
		if (!r->in_len || r->in_len > TDX_QUOTE_MAX_INPUT) {
			errno = EINVAL;
			return -1;
		}
		r->quote_len = (uint32_t)(sizeof(tag) - 1 + r->in_len);
		pad = getenv("FAKE_QUOTE_PAD");
		if (pad && (uint32_t)atol(pad) > r->quote_len)
			r->quote_len = (uint32_t)atol(pad);
		if (r->out_len < r->quote_len) {
			errno = ENOSPC;
			return -1;
		}
		memset((void *)(uintptr_t)r->out_ptr, 'p', r->quote_len);
		memcpy((void *)(uintptr_t)r->out_ptr, tag, sizeof(tag) - 1);
		memcpy((uint8_t *)(uintptr_t)r->out_ptr + sizeof(tag) - 1,
		       (const void *)(uintptr_t)r->in_ptr, r->in_len);
		return 0;
	}
	real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	return real(fd, req, arg);
}
#endif /* QGS_FAKE_DEVICE */
