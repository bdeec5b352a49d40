/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The framing codec of Intel's QGS protocol (ABI.md section 8), as spoken
 * by tdx-qgsd: pure C, no I/O, no allocation.  Shared by the daemon, its
 * tests and a libFuzzer target.  Every decision it makes is a row of the
 * table in docs/qgsd.md; keep the two in step.
 *
 * On the wire, each message is a 4-byte big-endian length, then that many
 * bytes: a little-endian packed header {u16 major, u16 minor, u32 type,
 * u32 size (the whole message with the header), u32 error_code} and the
 * type's body.  Or, in Intel's "raw" mode, a bare 1024-byte TDREPORT
 * with no prefix, answered by the bare quote (qgs_sniff tells the two
 * apart the way Intel's qgs_server.cpp does).
 */
#ifndef TDXQ_QGS_H
#define TDXQ_QGS_H

#include <stddef.h>
#include <stdint.h>

#define QGS_PREFIX_SIZE		4	/* the big-endian length */
#define QGS_HDR_SIZE		16
#define QGS_QUOTE_REQ_FIXED	24	/* header, report_size, id_list_size */
#define QGS_QUOTE_RESP_FIXED	24	/* header, selected_id_size, quote_size */
#define QGS_MAJOR		1
#define QGS_MINOR		1
#define QGS_RAW_REPORT_SIZE	1024	/* raw mode: a bare TDREPORT */
/* What is read before deciding raw or framed: prefix and header. */
#define QGS_SNIFF_SIZE		(QGS_PREFIX_SIZE + QGS_HDR_SIZE)
#define QGS_TYPE_MAX		6	/* Intel's QGS_MSG_TYPE_MAX */
#define QGS_MAX_REPORT		4096	/* TDX_QUOTE_MAX_INPUT */
/* The largest request a daemon may be configured to accept. */
#define QGS_MAX_MSG_LIMIT	(1u << 20)
/* The largest quote it sends (TDXQ_MAX_QUOTE_SIZE). */
#define QGS_MAX_QUOTE		(16u << 20)
/*
 * The largest quote that reaches a Linux guest through QEMU: Linux's
 * tdx-guest driver gives GetQuote an 8 KiB shared buffer; QEMU
 * (target/i386/kvm/tdx.c) keeps its 24-byte GetQuote header out of it and
 * (tdx-quote-generator.c) takes a QGS reply of at most the rest, less the
 * 4-byte prefix: 8192 - 24 - 4 - 24 (GET_QUOTE_RESP's fixed part) = 8140.
 */
#define QGS_GUEST_QUOTE_MAX	8140
/* Room for any error reply, length prefix included. */
#define QGS_ERR_REPLY_MAX	(QGS_PREFIX_SIZE + QGS_HDR_SIZE + 32)
/* Room for the head of a success reply: prefix, header, two sizes. */
#define QGS_QUOTE_HEAD_SIZE	(QGS_PREFIX_SIZE + QGS_QUOTE_RESP_FIXED)

enum qgs_type {
	QGS_GET_QUOTE_REQ = 0,
	QGS_GET_QUOTE_RESP = 1,
	QGS_GET_COLLATERAL_REQ = 2,
	QGS_GET_COLLATERAL_RESP = 3,
	QGS_GET_PLATFORM_INFO_REQ = 4,
	QGS_GET_PLATFORM_INFO_RESP = 5,
};

/* error_code values: Intel's qgs_msg_lib numbering. */
enum qgs_error {
	QGS_MSG_SUCCESS = 0,
	QGS_MSG_ERROR_UNEXPECTED = 0x12001,
	QGS_MSG_ERROR_OUT_OF_MEMORY = 0x12002,
	QGS_MSG_ERROR_INVALID_PARAMETER = 0x12003,
	QGS_MSG_ERROR_INVALID_VERSION = 0x12004,
	QGS_MSG_ERROR_INVALID_TYPE = 0x12005,
	QGS_MSG_ERROR_INVALID_SIZE = 0x12006,
	QGS_MSG_ERROR_INVALID_CODE = 0x12007,
};
const char *qgs_error_name(uint32_t e);	/* "INVALID_SIZE"..., or "?" */

/*
 * Why a connection did not get a quote.  The codec decides the frame
 * reasons; the daemon adds those of the transport (from QGS_R_TRUNCATED
 * on).  The daemon counts each and logs it once per connection.
 */
enum qgs_reason {
	QGS_R_NONE = 0,		/* not rejected */
	QGS_R_EMPTY,		/* length prefix 0 */
	QGS_R_TOO_LARGE,	/* length prefix above the limit */
	QGS_R_SHORT,		/* body shorter than a header */
	QGS_R_VERSION,		/* major version not 1 */
	QGS_R_SIZE_MISMATCH,	/* header size != the frame's length */
	QGS_R_ERROR_CODE,	/* a request with error_code != 0 */
	QGS_R_UNSUPPORTED,	/* GET_COLLATERAL_REQ, GET_PLATFORM_INFO_REQ */
	QGS_R_UNKNOWN_TYPE,	/* any other type */
	QGS_R_BAD_BODY,		/* GET_QUOTE_REQ sizes do not add up */
	QGS_R_BAD_REPORT,	/* report_size 0 or above QGS_MAX_REPORT */
	QGS_R_TRUNCATED,	/* end of stream before the whole frame */
	QGS_R_READ_TIMEOUT,	/* the request did not arrive in time */
	QGS_R_TOO_MANY,		/* at the connection limit */
	QGS_R_PEER_CONNS,	/* at the peer's connection limit */
	QGS_R_PEER_QUEUE,	/* at the peer's queued-request limit */
	QGS_R_IDLE,		/* no byte within the first-byte timeout */
	QGS_R_VSOCK_DENIED,	/* a vsock CID not let in */
	QGS_R__COUNT
};
const char *qgs_reason_name(enum qgs_reason r);	/* "too_large"... */

enum qgs_action {
	QGS_DO_ERROR,		/* send qgs_error_reply(reply_type, error), close */
	QGS_DO_QUOTE,		/* quote report; GET_QUOTE_RESP */
};

enum qgs_mode {
	QGS_MODE_FRAMED,	/* a length prefix and a message */
	QGS_MODE_RAW,		/* QGS_RAW_REPORT_SIZE bytes of bare TDREPORT */
};

/*
 * The first QGS_SNIFF_SIZE bytes of a connection: framed or raw, decided
 * as Intel's QGS server decides it (qgs_server.cpp, handle_read): framed
 * when the big-endian prefix is not 0, the header's size equals it, its
 * major version is 1 and its type is below QGS_TYPE_MAX; anything else is
 * the start of a raw request.  A raw request is QGS_RAW_REPORT_SIZE bytes
 * in all (these included); its answer is the bare quote, no prefix; a
 * failed one is closed without a byte.
 */
enum qgs_mode qgs_sniff(const uint8_t first[QGS_SNIFF_SIZE]);

struct qgs_request {
	enum qgs_action action;
	enum qgs_reason reason;		/* QGS_R_NONE unless QGS_DO_ERROR */
	uint32_t reply_type;		/* QGS_DO_ERROR: the reply's type */
	uint32_t error;			/* QGS_DO_ERROR: its error_code */
	uint32_t type;			/* the request's type, if it had one */
	uint16_t major, minor;		/* its version, if it had one */
	const uint8_t *report;		/* QGS_DO_QUOTE: points into body */
	uint32_t report_len;
	const uint8_t *id_list;		/* QGS_DO_QUOTE: ignored by tdx-qgsd */
	uint32_t id_list_len;
};

/*
 * The length prefix.  QGS_R_NONE with *len set, or QGS_R_EMPTY (0) or
 * QGS_R_TOO_LARGE (above max, or above QGS_MAX_MSG_LIMIT): reply
 * qgs_error_reply(QGS_GET_QUOTE_RESP, QGS_MSG_ERROR_INVALID_SIZE) without
 * reading the body, then close.
 */
enum qgs_reason qgs_check_prefix(const uint8_t p[QGS_PREFIX_SIZE],
				 uint32_t max, uint32_t *len);

/* The frame's body (len bytes after the prefix): what to do with it. */
void qgs_parse_request(const uint8_t *body, size_t len,
		       struct qgs_request *req);

/*
 * An error reply of type reply_type (GET_QUOTE_RESP, GET_COLLATERAL_RESP
 * or GET_PLATFORM_INFO_RESP; anything else becomes GET_QUOTE_RESP) with
 * the type's fixed fields zero, length prefix included.  Returns its
 * length (at most QGS_ERR_REPLY_MAX), 0 if error is QGS_MSG_SUCCESS.
 */
size_t qgs_error_reply(uint8_t out[QGS_ERR_REPLY_MAX], uint32_t reply_type,
		       uint32_t error);

/*
 * The head of a successful GET_QUOTE_RESP: prefix, header, selected_id_size
 * 0 and quote_size; the quote_len bytes of the quote follow it on the wire.
 * Returns QGS_QUOTE_HEAD_SIZE, or 0 when quote_len is 0 or above
 * QGS_MAX_QUOTE: never a success without a whole quote.
 */
size_t qgs_quote_reply_head(uint8_t out[QGS_QUOTE_HEAD_SIZE],
			    size_t quote_len);

/* ---- the client side (tests, fuzzer, round trips) ---------------------- */

/*
 * A GET_QUOTE_REQ frame, length prefix included, with the given version.
 * Returns its length, or 0 if it does not fit cap or a size overflows.
 */
size_t qgs_build_quote_req(uint8_t *out, size_t cap, uint16_t major,
			   uint16_t minor, const uint8_t *report,
			   uint32_t report_len, const uint8_t *id_list,
			   uint32_t id_list_len);

struct qgs_response {
	uint16_t major, minor;
	uint32_t type;
	uint32_t error;			/* the header's error_code */
	uint32_t selected_id_size;	/* GET_QUOTE_RESP */
	const uint8_t *quote;		/* points into body; NULL on error */
	uint32_t quote_len;
};

/*
 * A response frame's body (len bytes after the prefix), checked the way
 * QEMU does: version 1.1, size equal to len; for GET_QUOTE_RESP,
 * selected_id_size + quote_size exactly filling the body; on success a
 * non-empty quote.  Returns 0, or the QGS_MSG_ERROR_* that says what is
 * wrong with the frame itself (not the error it carries: see r->error).
 */
uint32_t qgs_parse_response(const uint8_t *body, size_t len,
			    struct qgs_response *r);

/* Little helpers, exposed for the tests. */
uint32_t qgs_get_be32(const uint8_t *p);
void qgs_put_be32(uint8_t *p, uint32_t v);

#endif /* TDXQ_QGS_H */
