// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the QGS framing codec (tools/lib/qgs.c), seeds in
 * tools/fuzz/corpus/qgs/.  The input is what a client sends: a length
 * prefix and a body, or a bare TDREPORT (raw mode).  Whatever it is, the
 * codec must decide (raw, a quote or a well-formed error reply) without
 * reading outside it; a frame taken for framed is never refused for what
 * made it framed (prefix 0, version, size); a served request's
 * report, sent back as the "quote", must survive the reply's round trip;
 * and the client-side response parser must survive the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qgs.h"

static uint8_t wire[QGS_QUOTE_HEAD_SIZE + QGS_MAX_MSG_LIMIT];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qgs_request req;
	struct qgs_response resp;
	uint8_t err[QGS_ERR_REPLY_MAX];
	uint32_t len;
	size_t n, body_len;

	/* The client parser sees arbitrary bytes too. */
	if (qgs_parse_response(data, size, &resp) == 0 && resp.quote &&
	    (resp.quote < data || resp.quote + resp.quote_len > data + size))
		abort();
	/* The daemon decides nothing before it has QGS_SNIFF_SIZE bytes. */
	if (size < QGS_SNIFF_SIZE)
		return 0;
	if (qgs_sniff(data) == QGS_MODE_RAW)
		return 0;	/* 1024 bytes to the device, no codec */
	switch (qgs_check_prefix(data, 65536, &len)) {
	case QGS_R_NONE:
		break;
	case QGS_R_TOO_LARGE:
		n = qgs_error_reply(err, QGS_GET_QUOTE_RESP,
				    QGS_MSG_ERROR_INVALID_SIZE);
		if (!n || qgs_parse_response(err + 4, n - 4, &resp))
			abort();
		return 0;
	default:
		abort();
	}
	/* The daemon hands over exactly len bytes, or nothing (truncated). */
	body_len = size - QGS_PREFIX_SIZE;
	if (body_len > len)
		body_len = len;
	if (body_len < len)
		return 0;
	qgs_parse_request(data + QGS_PREFIX_SIZE, body_len, &req);
	switch (req.action) {
	case QGS_DO_ERROR:
		if (req.reason == QGS_R_NONE || req.error == QGS_MSG_SUCCESS ||
		    req.reason == QGS_R_VERSION ||
		    req.reason == QGS_R_SIZE_MISMATCH)
			abort();
		n = qgs_error_reply(err, req.reply_type, req.error);
		if (!n || n > QGS_ERR_REPLY_MAX ||
		    qgs_parse_response(err + 4, n - 4, &resp) ||
		    resp.error != req.error || resp.quote)
			abort();
		break;
	case QGS_DO_QUOTE:
		if (req.reason != QGS_R_NONE || !req.report_len ||
		    req.report_len > QGS_MAX_REPORT ||
		    req.report < data + QGS_PREFIX_SIZE ||
		    req.report + req.report_len + req.id_list_len >
		    data + QGS_PREFIX_SIZE + body_len)
			abort();
		n = qgs_quote_reply_head(wire, req.report_len);
		if (n != QGS_QUOTE_HEAD_SIZE)
			abort();
		memcpy(wire + n, req.report, req.report_len);
		if (qgs_parse_response(wire + 4, qgs_get_be32(wire), &resp) ||
		    resp.error || resp.quote_len != req.report_len ||
		    memcmp(resp.quote, req.report, req.report_len))
			abort();
		/* ...and the request rebuilt from the parse is the same. */
		n = qgs_build_quote_req(wire, sizeof(wire), req.major,
					req.minor, req.report, req.report_len,
					req.id_list, req.id_list_len);
		if (n != QGS_PREFIX_SIZE + len || memcmp(wire, data, n))
			abort();
		break;
	default:
		abort();
	}
	return 0;
}
