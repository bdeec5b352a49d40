// SPDX-License-Identifier: GPL-2.0
/*
 * The QGS framing codec (qgs.h).  The decisions are the table in
 * docs/qgsd.md, row by row, in the order the table lists them.
 */
#include <string.h>

#include "qgs.h"

/* Fixed fields of the error replies after the header. */
#define QUOTE_RESP_FIXED	8	/* selected_id_size, quote_size */
#define COLLATERAL_RESP_FIXED	32	/* u16 major, minor; 7 u32 sizes */
#define PLATFORM_RESP_FIXED	12	/* u16 svn x2; 2 u32 sizes */

uint32_t qgs_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

void qgs_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put_header(uint8_t *p, uint16_t major, uint16_t minor,
		       uint32_t type, uint32_t size, uint32_t error)
{
	put_le16(p, major);
	put_le16(p + 2, minor);
	put_le32(p + 4, type);
	put_le32(p + 8, size);
	put_le32(p + 12, error);
}

const char *qgs_error_name(uint32_t e)
{
	switch (e) {
	case QGS_MSG_SUCCESS: return "SUCCESS";
	case QGS_MSG_ERROR_UNEXPECTED: return "UNEXPECTED";
	case QGS_MSG_ERROR_OUT_OF_MEMORY: return "OUT_OF_MEMORY";
	case QGS_MSG_ERROR_INVALID_PARAMETER: return "INVALID_PARAMETER";
	case QGS_MSG_ERROR_INVALID_VERSION: return "INVALID_VERSION";
	case QGS_MSG_ERROR_INVALID_TYPE: return "INVALID_TYPE";
	case QGS_MSG_ERROR_INVALID_SIZE: return "INVALID_SIZE";
	case QGS_MSG_ERROR_INVALID_CODE: return "INVALID_CODE";
	}
	return "?";
}

static const char *const reason_names[QGS_R__COUNT] = {
	[QGS_R_NONE] = "none",
	[QGS_R_EMPTY] = "empty",
	[QGS_R_TOO_LARGE] = "too_large",
	[QGS_R_SHORT] = "short",
	[QGS_R_VERSION] = "version",
	[QGS_R_SIZE_MISMATCH] = "size_mismatch",
	[QGS_R_ERROR_CODE] = "error_code",
	[QGS_R_UNSUPPORTED] = "unsupported",
	[QGS_R_UNKNOWN_TYPE] = "unknown_type",
	[QGS_R_BAD_BODY] = "bad_body",
	[QGS_R_BAD_REPORT] = "bad_report",
	[QGS_R_TRUNCATED] = "truncated",
	[QGS_R_READ_TIMEOUT] = "read_timeout",
	[QGS_R_TOO_MANY] = "too_many_connections",
	[QGS_R_PEER_CONNS] = "peer_connections",
	[QGS_R_PEER_QUEUE] = "peer_queue",
	[QGS_R_IDLE] = "idle_timeout",
	[QGS_R_VSOCK_DENIED] = "vsock_denied",
};

const char *qgs_reason_name(enum qgs_reason r)
{
	if ((unsigned int)r >= QGS_R__COUNT)
		return "?";
	return reason_names[r];
}

enum qgs_mode qgs_sniff(const uint8_t b[QGS_SNIFF_SIZE])
{
	const uint8_t *h = b + QGS_PREFIX_SIZE;
	uint32_t len = qgs_get_be32(b);

	if (len != 0 && get_le32(h + 8) == len && get_le16(h) == QGS_MAJOR &&
	    get_le32(h + 4) < QGS_TYPE_MAX)
		return QGS_MODE_FRAMED;
	return QGS_MODE_RAW;
}

enum qgs_reason qgs_check_prefix(const uint8_t p[QGS_PREFIX_SIZE],
				 uint32_t max, uint32_t *len)
{
	uint32_t n = qgs_get_be32(p);

	*len = n;
	if (n == 0)
		return QGS_R_EMPTY;
	if (n > max || n > QGS_MAX_MSG_LIMIT)
		return QGS_R_TOO_LARGE;
	return QGS_R_NONE;
}

static void reject(struct qgs_request *req, enum qgs_reason why,
		   uint32_t reply_type, uint32_t error)
{
	req->action = QGS_DO_ERROR;
	req->reason = why;
	req->reply_type = reply_type;
	req->error = error;
}

void qgs_parse_request(const uint8_t *body, size_t len,
		       struct qgs_request *req)
{
	uint32_t size, reply_type, rs, ids;
	uint64_t want;

	memset(req, 0, sizeof(*req));
	/* Not even a header. */
	if (len < QGS_HDR_SIZE) {
		reject(req, QGS_R_SHORT, QGS_GET_QUOTE_RESP,
		       QGS_MSG_ERROR_INVALID_SIZE);
		return;
	}
	req->major = get_le16(body);
	req->minor = get_le16(body + 2);
	req->type = get_le32(body + 4);
	size = get_le32(body + 8);
	/* A known request is answered with its response type. */
	switch (req->type) {
	case QGS_GET_COLLATERAL_REQ:
	case QGS_GET_PLATFORM_INFO_REQ:
		reply_type = req->type + 1;
		break;
	default:
		reply_type = QGS_GET_QUOTE_RESP;
	}
	/* Intel's order: version (any minor), size, error code. */
	if (req->major != QGS_MAJOR) {
		reject(req, QGS_R_VERSION, reply_type,
		       QGS_MSG_ERROR_INVALID_VERSION);
		return;
	}
	if (size != len) {
		reject(req, QGS_R_SIZE_MISMATCH, reply_type,
		       QGS_MSG_ERROR_INVALID_SIZE);
		return;
	}
	if (get_le32(body + 12) != 0) {
		reject(req, QGS_R_ERROR_CODE, reply_type,
		       QGS_MSG_ERROR_INVALID_CODE);
		return;
	}
	/* The type. */
	switch (req->type) {
	case QGS_GET_QUOTE_REQ:
		break;
	case QGS_GET_COLLATERAL_REQ:
	case QGS_GET_PLATFORM_INFO_REQ:
		reject(req, QGS_R_UNSUPPORTED, reply_type,
		       QGS_MSG_ERROR_INVALID_TYPE);
		return;
	default:
		reject(req, QGS_R_UNKNOWN_TYPE, reply_type,
		       QGS_MSG_ERROR_INVALID_TYPE);
		return;
	}
	/* GET_QUOTE_REQ's body. */
	if (len < QGS_QUOTE_REQ_FIXED) {
		reject(req, QGS_R_BAD_BODY, reply_type,
		       QGS_MSG_ERROR_INVALID_SIZE);
		return;
	}
	rs = get_le32(body + 16);
	ids = get_le32(body + 20);
	want = (uint64_t)QGS_QUOTE_REQ_FIXED + rs + ids;
	if (want != len) {
		reject(req, QGS_R_BAD_BODY, reply_type,
		       QGS_MSG_ERROR_INVALID_SIZE);
		return;
	}
	/* The report: what /dev/tdx_quote takes. */
	if (rs == 0 || rs > QGS_MAX_REPORT) {
		reject(req, QGS_R_BAD_REPORT, reply_type,
		       QGS_MSG_ERROR_INVALID_PARAMETER);
		return;
	}
	req->action = QGS_DO_QUOTE;
	req->report = body + QGS_QUOTE_REQ_FIXED;
	req->report_len = rs;
	req->id_list = ids ? body + QGS_QUOTE_REQ_FIXED + rs : NULL;
	req->id_list_len = ids;
}

size_t qgs_error_reply(uint8_t out[QGS_ERR_REPLY_MAX], uint32_t reply_type,
		       uint32_t error)
{
	size_t fixed;

	if (error == QGS_MSG_SUCCESS)
		return 0;
	switch (reply_type) {
	case QGS_GET_COLLATERAL_RESP:
		fixed = COLLATERAL_RESP_FIXED;
		break;
	case QGS_GET_PLATFORM_INFO_RESP:
		fixed = PLATFORM_RESP_FIXED;
		break;
	default:
		reply_type = QGS_GET_QUOTE_RESP;
		fixed = QUOTE_RESP_FIXED;
	}
	memset(out, 0, QGS_ERR_REPLY_MAX);
	qgs_put_be32(out, (uint32_t)(QGS_HDR_SIZE + fixed));
	put_header(out + QGS_PREFIX_SIZE, QGS_MAJOR, QGS_MINOR, reply_type,
		   (uint32_t)(QGS_HDR_SIZE + fixed), error);
	return QGS_PREFIX_SIZE + QGS_HDR_SIZE + fixed;
}

size_t qgs_quote_reply_head(uint8_t out[QGS_QUOTE_HEAD_SIZE],
			    size_t quote_len)
{
	uint32_t size;

	if (quote_len == 0 || quote_len > QGS_MAX_QUOTE)
		return 0;
	size = (uint32_t)(QGS_QUOTE_RESP_FIXED + quote_len);
	qgs_put_be32(out, size);
	put_header(out + QGS_PREFIX_SIZE, QGS_MAJOR, QGS_MINOR,
		   QGS_GET_QUOTE_RESP, size, QGS_MSG_SUCCESS);
	put_le32(out + QGS_PREFIX_SIZE + 16, 0);
	put_le32(out + QGS_PREFIX_SIZE + 20, (uint32_t)quote_len);
	return QGS_QUOTE_HEAD_SIZE;
}

size_t qgs_build_quote_req(uint8_t *out, size_t cap, uint16_t major,
			   uint16_t minor, const uint8_t *report,
			   uint32_t report_len, const uint8_t *id_list,
			   uint32_t id_list_len)
{
	uint64_t size = (uint64_t)QGS_QUOTE_REQ_FIXED + report_len +
			id_list_len;

	if (size > UINT32_MAX || size + QGS_PREFIX_SIZE > cap)
		return 0;
	qgs_put_be32(out, (uint32_t)size);
	put_header(out + QGS_PREFIX_SIZE, major, minor, QGS_GET_QUOTE_REQ,
		   (uint32_t)size, 0);
	put_le32(out + QGS_PREFIX_SIZE + 16, report_len);
	put_le32(out + QGS_PREFIX_SIZE + 20, id_list_len);
	if (report_len)
		memcpy(out + QGS_PREFIX_SIZE + QGS_QUOTE_REQ_FIXED, report,
		       report_len);
	if (id_list_len)
		memcpy(out + QGS_PREFIX_SIZE + QGS_QUOTE_REQ_FIXED + report_len,
		       id_list, id_list_len);
	return (size_t)size + QGS_PREFIX_SIZE;
}

uint32_t qgs_parse_response(const uint8_t *body, size_t len,
			    struct qgs_response *r)
{
	uint32_t q;

	memset(r, 0, sizeof(*r));
	if (len < QGS_HDR_SIZE)
		return QGS_MSG_ERROR_INVALID_SIZE;
	r->major = get_le16(body);
	r->minor = get_le16(body + 2);
	r->type = get_le32(body + 4);
	r->error = get_le32(body + 12);
	if (r->major != QGS_MAJOR || r->minor != QGS_MINOR)
		return QGS_MSG_ERROR_INVALID_VERSION;
	if (get_le32(body + 8) != len)
		return QGS_MSG_ERROR_INVALID_SIZE;
	if (r->type != QGS_GET_QUOTE_RESP)
		/* Error replies of the other types: header plus fixed part. */
		return r->error != QGS_MSG_SUCCESS &&
		       (r->type == QGS_GET_COLLATERAL_RESP ||
			r->type == QGS_GET_PLATFORM_INFO_RESP) ?
			0 : QGS_MSG_ERROR_INVALID_TYPE;
	if (len < QGS_QUOTE_RESP_FIXED)
		return QGS_MSG_ERROR_INVALID_SIZE;
	r->selected_id_size = get_le32(body + 16);
	q = get_le32(body + 20);
	if ((uint64_t)QGS_QUOTE_RESP_FIXED + r->selected_id_size + q != len)
		return QGS_MSG_ERROR_INVALID_SIZE;
	if (r->error != QGS_MSG_SUCCESS)
		return 0;
	/* Success: what QEMU insists on, and a quote in it. */
	if (r->selected_id_size != 0 || q == 0)
		return QGS_MSG_ERROR_INVALID_SIZE;
	r->quote = body + QGS_QUOTE_RESP_FIXED;
	r->quote_len = q;
	return 0;
}
