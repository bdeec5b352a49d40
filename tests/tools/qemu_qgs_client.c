// SPDX-License-Identifier: GPL-2.0
/*
 * qemu_qgs_client: asks tdx-qgsd for one quote the way QEMU does, and says
 * what QEMU would make of the reply.  It shares no code with the daemon's
 * codec (tools/lib/qgs.c) nor with the tests' own client
 * (tests/vm/progs/qgs_client.c): its rules were written from the
 * behaviour of QEMU's target/i386/kvm/tdx-quote-generator.c and
 * target/i386/kvm/tdx.c (QEMU 10.1; the same in later versions read),
 * so that a codec bug shared by the daemon and its tests still shows.
 *
 *   qemu_qgs_client --unix PATH [--buf-len N] [--report FILE | --report-size N]
 *                   [-o QUOTE] [--timeout S] [--sent FILE] [TAMPER...]
 *   qemu_qgs_client --unix PATH --hold N --ready FILE
 *
 * The rules, and where each comes from:
 *
 *  - The guest's GetQuote buffer (tdx.c: tdx_handle_get_quote): --buf-len
 *    bytes (default 8192, Linux's tdx-guest GET_QUOTE_BUF_SIZE), 4 KiB
 *    aligned, at most TDX_GET_QUOTE_MAX_BUF_LEN (128 KiB,
 *    tdx-quote-generator.h); its first 24 bytes are the GetQuote header,
 *    the rest (buf_len - 24, "payload_len") holds the guest's message on
 *    the way in and QEMU's receive buffer on the way out.  The message
 *    (in_len, here the report) must fit payload_len.  A buffer QEMU would
 *    refuse (TDG_VP_VMCALL_INVALID_OPERAND / ALIGN_ERROR) is a usage error.
 *
 *  - The request (tdx-quote-generator.c: tdx_generate_quote,
 *    encode_header): a 4-byte big-endian length, then the packed header
 *    {u16 major 1, u16 minor 1 (QGS_MSG_LIB_MINOR_VER is 1), u32 type 0
 *    GET_QUOTE_REQ, u32 size 24 + in_len, u32 error_code 0}, u32
 *    report_size = in_len, u32 id_list_size 0, then the guest's message
 *    as the report.  Little-endian fields (QEMU writes the host's x86
 *    structs).
 *
 *  - Connecting (tdx_quote_generator_connected): a failure is status
 *    TDX_VP_GET_QUOTE_QGS_UNAVAILABLE.  Sending (tdx_send_report): all of
 *    the request, then reading; a write error is TDX_VP_GET_QUOTE_ERROR.
 *
 *  - Reading (tdx_get_quote_read): each read asks for at most
 *    payload_len - received bytes, into one buffer; after every read, in
 *    this order, and on the bytes received so far:
 *      read error, or end of file before the reply:  ERROR
 *      received >= 4: the big-endian length L; L == 0 or
 *        L > payload_len - 4: ERROR ("Message len %u must be non-zero &
 *        less than %zu"); else payload_len = 4 + L (shrunk to fit)
 *      received >= 4 + 16, the header:  major != 1 or minor != 1: ERROR;
 *        type != 1 (GET_QUOTE_RESP): ERROR; size > L: ERROR (the size may
 *        be smaller than L); error_code != 0: ERROR (the QGS error; QEMU
 *        logs it, the guest sees only ERROR)
 *      received >= 4 + 24: selected_id_size != 0: ERROR;
 *        quote_size != L - 24: ERROR
 *      received == 4 + L: success: the 4 + 24 bytes of prefix and
 *        GET_QUOTE_RESP are stripped, the rest is the quote
 *    and no reply within TRANSACTION_TIMEOUT (30 s, getquote_expired):
 *    ERROR.  (A success frame shorter than 24 bytes would make QEMU
 *    memmove a negative length: reported here as invalid.)
 *
 *  - What the guest gets (tdx.c: tdx_get_quote_completion): on success
 *    the quote written at buffer offset 24 and out_len = its length; in
 *    every case the header's error_code = the status: 0 SUCCESS,
 *    0x8000000000000000 ERROR, 0x8000000000000001 QGS_UNAVAILABLE
 *    (tdx-quote-generator.h).
 *
 * QEMU's outcome is printed as one line, the first field the verdict:
 *
 *   quote N bytes; guest status 0x0 SUCCESS, out_len N (buf_len B)
 *   qgs error 0x12001 UNEXPECTED; guest status 0x8000000000000000 ERROR ...
 *   too large: quote N bytes, buf_len B takes at most M; guest status ...
 *   invalid reply: WHY; guest status 0x8000000000000000 ERROR ...
 *   no reply: WHY; ...                 unavailable: WHY; ...
 *
 * "too large" is QEMU's length check failing on a frame that is otherwise
 * well formed: the client reads the rest of it (QEMU does not) to tell it
 * from garbage, and so names the guest buffer's limit.  After a success
 * it also reads on to the end of the stream: bytes after the frame are
 * invalid (QEMU's outcome would then depend on how the reads fall).
 *
 * Exit status: 0 for a reply QEMU decodes (a quote, a QGS error, too
 * large), 1 for a reply QEMU would reject as malformed, 2 usage, 3 no
 * reply (connect, write or read failed, end of file, timeout).
 *
 * TAMPER (requests QEMU itself never builds, to draw every error reply;
 * the reply is still read QEMU's way): --major N, --minor N, --type N,
 * --size N (the header's size), --error-code N, --report-size-field N,
 * --prefix N (the length prefix), --send-bytes N (send only the first N
 * bytes), --shut-wr (then shut down the write side).  --sent FILE is
 * created once the request is written.
 *
 * --hold N --ready FILE: open N connections that send nothing, create
 * FILE, and keep them until SIGTERM (the connection limit's test).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define PREFIX		4		/* HEADER_SIZE in QEMU */
#define QGS_HDR		16		/* qgs_msg_header_t */
#define RESP_FIXED	24		/* qgs_msg_get_quote_resp_t */
#define REQ_FIXED	24		/* qgs_msg_get_quote_req_t */
#define GQ_HDR		24		/* TDX_GET_QUOTE_HDR_SIZE */
#define MAX_BUF_LEN	(128 * 1024)	/* TDX_GET_QUOTE_MAX_BUF_LEN */
#define QGS_MAJOR	1
#define QGS_MINOR	1
#define GET_QUOTE_REQ	0
#define GET_QUOTE_RESP	1

#define ST_SUCCESS	0x0ull
#define ST_ERROR	0x8000000000000000ull
#define ST_UNAVAILABLE	0x8000000000000001ull

/* Draining the rest of an over-long frame stops here (16 MiB quote). */
#define DRAIN_MAX	((16u << 20) + PREFIX + RESP_FIXED)

enum verdict { V_MORE, V_QUOTE, V_QGS_ERROR, V_TOO_LARGE, V_INVALID };

struct qemu_read {
	uint8_t *buf;
	size_t cap;		/* the allocation */
	size_t received;
	size_t payload_len;	/* QEMU's: shrinks to 4 + L once L is known */
	char why[160];
	uint32_t qgs_error;
	uint32_t msg_len;	/* L */
};

static long timeout_s = 30;	/* TRANSACTION_TIMEOUT */
static struct timespec t_end;

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static const char *err_name(uint32_t e)
{
	static const char *const n[] = {
		"UNEXPECTED", "OUT_OF_MEMORY", "INVALID_PARAMETER",
		"INVALID_VERSION", "INVALID_TYPE", "INVALID_SIZE",
		"INVALID_CODE",
	};

	if (e >= 0x12001 && e <= 0x12007)
		return n[e - 0x12001];
	return "?";
}

static int ms_left(void)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(t_end.tv_sec - now.tv_sec) * 1000 +
	     (t_end.tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms > 1000000 ? 1000000 : (int)ms;
}

/* Wait for fd to be ready for ev: 1, or 0 at the deadline. */
static int wait_fd(int fd, short ev)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int r;

	do {
		r = poll(&p, 1, ms_left());
	} while (r < 0 && errno == EINTR);
	return r > 0;
}

static int connect_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * QEMU's checks (tdx_get_quote_read) on r->received bytes, in its order.
 * V_MORE: read on.  Everything QEMU treats as ERROR is V_QGS_ERROR (the
 * header's error_code), V_TOO_LARGE (the length above the buffer) or
 * V_INVALID (the rest); r->why says which check.
 */
static enum verdict qemu_checks(struct qemu_read *r)
{
	const uint8_t *h = r->buf + PREFIX;

	if (r->received >= PREFIX) {
		uint32_t len = be32(r->buf);

		if (len == 0) {
			snprintf(r->why, sizeof(r->why), "length prefix 0");
			return V_INVALID;
		}
		if (len > r->payload_len - PREFIX) {
			r->msg_len = len;
			snprintf(r->why, sizeof(r->why),
				 "message length %" PRIu32 " above the %zu the buffer holds",
				 len, r->payload_len - PREFIX);
			return V_TOO_LARGE;
		}
		r->msg_len = len;
		r->payload_len = PREFIX + (size_t)len;
	}
	if (r->received >= PREFIX + QGS_HDR) {
		uint16_t major = le16(h), minor = le16(h + 2);
		uint32_t type = le32(h + 4), size = le32(h + 8);
		uint32_t code = le32(h + 12);

		if (major != QGS_MAJOR || minor != QGS_MINOR) {
			snprintf(r->why, sizeof(r->why),
				 "header version %u.%u, QEMU wants 1.1",
				 major, minor);
			return V_INVALID;
		}
		if (type != GET_QUOTE_RESP) {
			snprintf(r->why, sizeof(r->why),
				 "message type %" PRIu32 ", not GET_QUOTE_RESP", type);
			return V_INVALID;
		}
		if (size > r->payload_len - PREFIX) {
			snprintf(r->why, sizeof(r->why),
				 "header size %" PRIu32 " above the length %zu",
				 size, r->payload_len - PREFIX);
			return V_INVALID;
		}
		if (code != 0) {
			r->qgs_error = code;
			return V_QGS_ERROR;
		}
	}
	if (r->received >= PREFIX + RESP_FIXED) {
		uint32_t sel = le32(h + 16), qsize = le32(h + 20);

		if (sel != 0) {
			snprintf(r->why, sizeof(r->why),
				 "selected_id_size %" PRIu32 ", not 0", sel);
			return V_INVALID;
		}
		if (qsize != r->payload_len - PREFIX - RESP_FIXED) {
			snprintf(r->why, sizeof(r->why),
				 "quote_size %" PRIu32 ", the length says %zu",
				 qsize, r->payload_len - PREFIX - RESP_FIXED);
			return V_INVALID;
		}
	}
	if (r->received == r->payload_len) {
		if (r->received < PREFIX + RESP_FIXED) {
			/* QEMU: memmove of received - 28 bytes, negative. */
			snprintf(r->why, sizeof(r->why),
				 "a %zu-byte success message, shorter than GET_QUOTE_RESP's 24",
				 r->received - PREFIX);
			return V_INVALID;
		}
		return V_QUOTE;
	}
	if (r->received > r->payload_len) {
		/* QEMU would next read past its shrunk buffer. */
		snprintf(r->why, sizeof(r->why),
			 "%zu bytes after the %zu-byte frame in one read",
			 r->received - r->payload_len, r->payload_len);
		return V_INVALID;
	}
	return V_MORE;
}

/*
 * Read the rest of the stream (up to DRAIN_MAX in all) into r->buf after
 * r->received: 0 at the end of the stream (or ECONNRESET: the daemon closed
 * without reading all we sent), -1 on a timeout or error.
 */
static int drain(int fd, struct qemu_read *r, size_t max)
{
	for (;;) {
		ssize_t n;

		if (r->received == r->cap) {
			size_t nc = r->cap * 2;
			uint8_t *nb;

			if (r->cap >= max)
				return 1;	/* more than any frame */
			if (nc > max)
				nc = max;
			nb = realloc(r->buf, nc);
			if (!nb)
				return -1;
			r->buf = nb;
			r->cap = nc;
		}
		if (!wait_fd(fd, POLLIN))
			return -1;
		n = read(fd, r->buf + r->received, r->cap - r->received);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return errno == ECONNRESET ? 0 : -1;
		if (n == 0)
			return 0;
		r->received += (size_t)n;
	}
}

static int usage(void)
{
	fprintf(stderr,
		"usage: qemu_qgs_client --unix PATH [--buf-len N] [--report FILE | --report-size N]\n"
		"       [-o QUOTE] [--timeout S] [--sent FILE] [--major N] [--minor N] [--type N]\n"
		"       [--size N] [--error-code N] [--report-size-field N] [--prefix N]\n"
		"       [--send-bytes N] [--shut-wr]\n"
		"   or: qemu_qgs_client --unix PATH --hold N --ready FILE\n");
	return 2;
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int hold(const char *path, long n, const char *ready)
{
	struct sigaction sa = { .sa_handler = on_term };
	int *fds = calloc((size_t)n, sizeof(*fds)), fd, rc = 0;
	sigset_t none, term;

	if (!fds)
		return 3;
	/* Blocked until sigsuspend: a SIGTERM is never missed. */
	sigemptyset(&none);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (long i = 0; i < n; i++) {
		fds[i] = connect_unix(path);
		if (fds[i] < 0) {
			printf("unavailable: hold: connect %s: %s\n", path,
			       strerror(errno));
			while (i--)
				close(fds[i]);
			free(fds);
			return 3;
		}
	}
	fd = open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(ready);
		rc = 3;
	} else {
		close(fd);
		while (!stop)
			sigsuspend(&none);
	}
	for (long i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	return rc;
}

static bool num(const char *s, long long lo, long long hi, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 0);
	return !errno && end != s && !*end && *v >= lo && *v <= hi;
}

static void status_tail(uint64_t st, size_t out_len, size_t buf_len)
{
	printf("; guest status 0x%" PRIx64 " %s, out_len %zu (buf_len %zu)\n",
	       st, st == ST_SUCCESS ? "SUCCESS" :
	       st == ST_UNAVAILABLE ? "QGS_UNAVAILABLE" : "ERROR",
	       out_len, buf_len);
}

int main(int argc, char **argv)
{
	const char *path = NULL, *report_file = NULL, *out = NULL;
	const char *sent_file = NULL, *ready = NULL;
	long long v, buf_len = 8192, report_size = -1, send_bytes = -1;
	long long major = QGS_MAJOR, minor = QGS_MINOR, type = GET_QUOTE_REQ;
	long long size = -1, code = 0, rs_field = -1, prefix = -1, holds = 0;
	bool shut_wr = false;
	uint8_t *report = NULL, *req = NULL;
	size_t in_len, req_len, sent = 0;
	struct qemu_read r = { 0 };
	enum verdict vd = V_MORE;
	int fd = -1, rc = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

#define OPT(name) (!strcmp(a, name) && val && ++i)
#define NUM(name, lo, hi, var) \
		(OPT(name) && (num(val, lo, hi, &v) ? ((var) = v, 1) : (usage(), exit(2), 0)))
		if (OPT("--unix"))
			path = val;
		else if (OPT("--report"))
			report_file = val;
		else if (OPT("-o"))
			out = val;
		else if (OPT("--sent"))
			sent_file = val;
		else if (OPT("--ready"))
			ready = val;
		else if (NUM("--buf-len", 1, MAX_BUF_LEN * 16LL, buf_len) ||
			 NUM("--report-size", 0, UINT32_MAX, report_size) ||
			 NUM("--timeout", 1, 3600, timeout_s) ||
			 NUM("--major", 0, UINT16_MAX, major) ||
			 NUM("--minor", 0, UINT16_MAX, minor) ||
			 NUM("--type", 0, UINT32_MAX, type) ||
			 NUM("--size", 0, UINT32_MAX, size) ||
			 NUM("--error-code", 0, UINT32_MAX, code) ||
			 NUM("--report-size-field", 0, UINT32_MAX, rs_field) ||
			 NUM("--prefix", 0, UINT32_MAX, prefix) ||
			 NUM("--send-bytes", 0, UINT32_MAX, send_bytes) ||
			 NUM("--hold", 1, 4096, holds))
			;
		else if (!strcmp(a, "--shut-wr"))
			shut_wr = true;
		else
			return usage();
	}
	if (!path)
		return usage();
	clock_gettime(CLOCK_MONOTONIC, &t_end);
	t_end.tv_sec += timeout_s;
	/* QEMU's process ignores SIGPIPE: a write to a closed peer is EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (holds)
		return ready ? hold(path, (long)holds, ready) : usage();

	/* tdx_handle_get_quote's checks on the guest's buffer. */
	if (buf_len % 4096 || buf_len > MAX_BUF_LEN) {
		fprintf(stderr, "buf_len %lld: QEMU wants a multiple of 4096, at most %d\n",
			buf_len, MAX_BUF_LEN);
		return 2;
	}
	if (report_file) {
		FILE *f = fopen(report_file, "rb");
		long n;

		if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
		    fseek(f, 0, SEEK_SET)) {
			perror(report_file);
			if (f)
				fclose(f);
			rc = 2;
			goto out;
		}
		in_len = (size_t)n;
		report = malloc(in_len + 1);
		if (!report || fread(report, 1, in_len, f) != in_len) {
			perror(report_file);
			fclose(f);
			rc = 2;
			goto out;
		}
		fclose(f);
	} else if (report_size >= 0) {
		in_len = (size_t)report_size;
		report = malloc(in_len + 1);
		if (!report) {
			rc = 3;
			goto out;
		}
		for (size_t i = 0; i < in_len; i++)
			report[i] = (uint8_t)(i ? 'r' : 0x81);
	} else {
		rc = usage();
		goto out;
	}
	if (in_len > (size_t)buf_len - GQ_HDR) {
		fprintf(stderr, "in_len %zu: QEMU refuses more than buf_len - 24 = %lld\n",
			in_len, buf_len - GQ_HDR);
		rc = 2;
		goto out;
	}

	/* tdx_generate_quote: the prelude, then the guest's message. */
	req_len = PREFIX + REQ_FIXED + in_len;
	req = calloc(1, req_len);
	if (!req) {
		rc = 3;
		goto out;
	}
	put_be32(req, prefix >= 0 ? (uint32_t)prefix : (uint32_t)(REQ_FIXED + in_len));
	put_le16(req + 4, (uint16_t)major);
	put_le16(req + 6, (uint16_t)minor);
	put_le32(req + 8, (uint32_t)type);
	put_le32(req + 12, size >= 0 ? (uint32_t)size : (uint32_t)(REQ_FIXED + in_len));
	put_le32(req + 16, (uint32_t)code);
	put_le32(req + 20, rs_field >= 0 ? (uint32_t)rs_field : (uint32_t)in_len);
	put_le32(req + 24, 0);		/* id_list_size */
	memcpy(req + PREFIX + REQ_FIXED, report, in_len);
	if (send_bytes >= 0 && (size_t)send_bytes < req_len)
		req_len = (size_t)send_bytes;

	/* tdx_quote_generator_connected */
	fd = connect_unix(path);
	if (fd < 0) {
		printf("unavailable: connect %s: %s", path, strerror(errno));
		status_tail(ST_UNAVAILABLE, 0, (size_t)buf_len);
		rc = 3;
		goto out;
	}
	/* tdx_send_report */
	while (sent < req_len) {
		ssize_t n;

		if (!wait_fd(fd, POLLOUT)) {
			printf("no reply: timeout sending the request");
			status_tail(ST_ERROR, 0, (size_t)buf_len);
			rc = 3;
			goto out;
		}
		n = write(fd, req + sent, req_len - sent);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			printf("no reply: write: %s", strerror(errno));
			status_tail(ST_ERROR, 0, (size_t)buf_len);
			rc = 3;
			goto out;
		}
		sent += (size_t)n;
	}
	if (shut_wr)
		shutdown(fd, SHUT_WR);
	if (sent_file) {
		int sf = open(sent_file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (sf >= 0)
			close(sf);
	}

	/* tdx_get_quote_read, one read per G_IO_IN, into payload_len bytes. */
	r.payload_len = r.cap = (size_t)buf_len - GQ_HDR;
	r.buf = malloc(r.cap);
	if (!r.buf) {
		rc = 3;
		goto out;
	}
	while (vd == V_MORE) {
		ssize_t n;

		if (!wait_fd(fd, POLLIN)) {
			printf("no reply: none in %ld s (%zu bytes)", timeout_s,
			       r.received);
			status_tail(ST_ERROR, 0, (size_t)buf_len);
			rc = 3;
			goto out;
		}
		n = read(fd, r.buf + r.received, r.payload_len - r.received);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			printf("no reply: %s after %zu bytes",
			       n ? strerror(errno) : "end of file", r.received);
			status_tail(ST_ERROR, 0, (size_t)buf_len);
			rc = 3;
			goto out;
		}
		r.received += (size_t)n;
		vd = qemu_checks(&r);
	}

	switch (vd) {
	case V_QUOTE: {
		size_t qlen = r.received - PREFIX - RESP_FIXED;
		size_t frame = r.received;

		/* Not QEMU's: nothing may follow the frame. */
		rc = drain(fd, &r, frame + 4096);
		if (rc || r.received != frame) {
			printf("invalid reply: %s after the %zu-byte frame",
			       rc < 0 ? "no end of stream" : "bytes", frame);
			status_tail(ST_SUCCESS, qlen, (size_t)buf_len);
			rc = 1;
			goto out;
		}
		if (out) {
			FILE *f = fopen(out, "wb");
			bool bad = !f;

			if (f) {
				bad = fwrite(r.buf + PREFIX + RESP_FIXED, 1, qlen, f) != qlen;
				bad |= fclose(f) != 0;
			}
			if (bad) {
				perror(out);
				rc = 3;
				goto out;
			}
		}
		printf("quote %zu bytes", qlen);
		status_tail(ST_SUCCESS, qlen, (size_t)buf_len);
		rc = 0;
		break;
	}
	case V_QGS_ERROR:
		printf("qgs error %#" PRIx32 " %s", r.qgs_error, err_name(r.qgs_error));
		status_tail(ST_ERROR, 0, (size_t)buf_len);
		rc = 0;
		break;
	case V_TOO_LARGE: {
		/*
		 * Not QEMU's: read the whole frame and check it as if the
		 * buffer were big enough, to tell a quote QEMU cannot take
		 * from garbage.
		 */
		char why[sizeof(r.why)];
		size_t room = (size_t)buf_len - GQ_HDR - PREFIX - RESP_FIXED;

		memcpy(why, r.why, sizeof(why));
		rc = (size_t)r.msg_len + PREFIX > DRAIN_MAX ? -1 :
			drain(fd, &r, (size_t)r.msg_len + PREFIX + 1);
		if (rc < 0 || r.received < (size_t)r.msg_len + PREFIX) {
			printf("invalid reply: %s, and the frame ends after %zu bytes",
			       why, r.received);
			rc = 1;
		} else {
			r.payload_len = (size_t)r.msg_len + PREFIX;
			vd = qemu_checks(&r);
			if (vd == V_QUOTE) {
				printf("too large: quote %zu bytes, buf_len %lld takes at most %zu (%s)",
				       r.received - PREFIX - RESP_FIXED,
				       buf_len, room, why);
				rc = 0;
			} else if (vd == V_QGS_ERROR) {
				printf("too large: qgs error %#" PRIx32 " in a %" PRIu32 "-byte message (%s)",
				       r.qgs_error, r.msg_len, why);
				rc = 0;
			} else {
				printf("invalid reply: %s, then %s", why, r.why);
				rc = 1;
			}
		}
		status_tail(ST_ERROR, 0, (size_t)buf_len);
		break;
	}
	default:
		printf("invalid reply: %s", r.why);
		status_tail(ST_ERROR, 0, (size_t)buf_len);
		rc = 1;
	}
out:
	if (fd >= 0)
		close(fd);
	free(r.buf);
	free(req);
	free(report);
	fflush(stdout);
	return rc;
}
