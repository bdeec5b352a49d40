// SPDX-License-Identifier: GPL-2.0
/*
 * qgs_client: a test client of tdx-qgsd (docs/qgsd.md), run in the test VM
 * (tests/vm/suite/70-qgsd.sh), by the benchmark and on the host
 * (tests/tools/t-qgs.sh).  Self-contained on purpose: its own encoding of
 * Intel's QGS framing, independent of the daemon's codec.
 *
 *   qgs_client TARGET get --report FILE [-o OUT] [--raw] [--minor N]
 *              [--ids N] [--expect-error CODE] [--name NAME]
 *   qgs_client TARGET concurrent --clients N --requests M --report FILE
 *              [--out-dir DIR] [--raw-every K] [--term-pid PID]
 *              [--name NAME]
 *   qgs_client TARGET stall --report FILE [--bytes B] [--ready FILE]
 *              [--min-ms T] [--max-ms T] [--name NAME]
 *   qgs_client TARGET killed --report FILE
 *   qgs_client TARGET malformed --count K [--max-message N] [--procs P]
 *   qgs_client TARGET limit --connections N --report FILE
 *   qgs_client TARGET hoard --connections N --count K [--ready FILE]
 *              [--until FILE]
 *   qgs_client TARGET idle --connections N
 *   qgs_client direct --clients N --requests M --report FILE
 *              [--device PATH]
 *
 * TARGET: --unix PATH or --vsock CID:PORT.  CODE: a number (0x12001) or a
 * name (UNEXPECTED, INVALID_SIZE...).  --raw: Intel's raw mode, the bare
 * 1024-byte report with no prefix, answered by the bare quote up to the
 * end of the stream; for it "error" means a close without a byte.  Every check prints "ok NAME" or "not ok NAME # WHY";
 * figures are "# ..." lines.  Exit status 1 when a check failed, 2 on bad
 * usage.  Each network wait gives up after --timeout seconds (default 60).
 *
 * --term-pid PID: once every client has sent its (single) request, send
 * SIGTERM to PID; each must still get its quote (in-flight requests finish).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/tdx_quote.h>
#include <linux/vm_sockets.h>

/* The QGS framing, as docs/qgsd.md and Intel's qgs_msg_lib define it. */
#define HDR		16
#define REQ_FIXED	24
#define RESP_FIXED	24
#define E_UNEXPECTED	0x12001u
#define E_NOMEM		0x12002u
#define E_PARAM		0x12003u
#define E_VERSION	0x12004u
#define E_TYPE		0x12005u
#define E_SIZE		0x12006u
#define E_CODE		0x12007u
#define MAX_FRAME	(64u << 20)

static int n_failed;
static int io_timeout_ms = 60000;
static const char *unix_path;
static unsigned int vsock_cid, vsock_port;
static bool use_vsock;

static void ok(const char *name)
{
	printf("ok %s\n", name);
	fflush(stdout);
}

__attribute__((format(printf, 2, 3)))
static void not_ok(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("not ok %s # ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	n_failed++;
}

__attribute__((format(printf, 1, 2)))
static void figure(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static const char *err_name(uint32_t e)
{
	switch (e) {
	case 0: return "SUCCESS";
	case E_UNEXPECTED: return "UNEXPECTED";
	case E_NOMEM: return "OUT_OF_MEMORY";
	case E_PARAM: return "INVALID_PARAMETER";
	case E_VERSION: return "INVALID_VERSION";
	case E_TYPE: return "INVALID_TYPE";
	case E_SIZE: return "INVALID_SIZE";
	case E_CODE: return "INVALID_CODE";
	}
	return "?";
}

static int parse_err(const char *s, uint32_t *e)
{
	static const uint32_t all[] = { 0, E_UNEXPECTED, E_NOMEM, E_PARAM,
		E_VERSION, E_TYPE, E_SIZE, E_CODE };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (!strcmp(s, err_name(all[i]))) {
			*e = all[i];
			return 0;
		}
	}
	*e = (uint32_t)strtoul(s, NULL, 0);
	return *e ? 0 : -1;
}

/* A frame: length prefix, header (type, size from len), then body. */
static size_t frame(uint8_t *out, uint16_t major, uint16_t minor,
		    uint32_t type, uint32_t size, uint32_t err,
		    const uint8_t *rest, size_t rest_len)
{
	put_be32(out, (uint32_t)(HDR + rest_len));
	put_le16(out + 4, major);
	put_le16(out + 6, minor);
	put_le32(out + 8, type);
	put_le32(out + 12, size);
	put_le32(out + 16, err);
	if (rest_len)
		memcpy(out + 4 + HDR, rest, rest_len);
	return 4 + HDR + rest_len;
}

/* GET_QUOTE_REQ with report and ids zero bytes of id list. */
static size_t quote_req(uint8_t *out, uint16_t minor, const uint8_t *report,
			uint32_t rlen, uint32_t ids)
{
	uint8_t *b = out + 4 + HDR;

	put_le32(b, rlen);
	put_le32(b + 4, ids);
	memcpy(b + 8, report, rlen);
	memset(b + 8 + rlen, 0xa5, ids);
	return frame(out, 1, minor, 0, REQ_FIXED + rlen + ids, 0, b,
		     8 + rlen + ids);
}

static int read_file(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, cap);
	close(fd);
	if (n <= 0)
		return -1;
	*len = (size_t)n;
	return 0;
}

static int write_file(const char *path, const uint8_t *b, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	bool good;

	if (fd < 0)
		return -1;
	good = write(fd, b, n) == (ssize_t)n;
	return close(fd) == 0 && good ? 0 : -1;
}

/* ---- transport -------------------------------------------------------------- */

static int connect_target(void)
{
	int fd;

	if (use_vsock) {
		struct sockaddr_vm sa = {
			.svm_family = AF_VSOCK,
			.svm_cid = vsock_cid,
			.svm_port = vsock_port,
		};

		fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			close(fd);
			return -1;
		}
	} else {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", unix_path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

static int send_all(int fd, const uint8_t *b, size_t n)
{
	while (n) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads exactly n bytes by deadline: n, fewer at EOF, -1 error/timeout. */
static ssize_t recv_n(int fd, uint8_t *b, size_t n, uint64_t deadline)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t t = now_us();
		ssize_t r;

		if (t >= deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = poll(&p, 1, (int)((deadline - t) / 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			continue;
		r = recv(fd, b + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return got ? (ssize_t)got : -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

struct reply {
	bool closed;		/* EOF before a length prefix */
	uint32_t len;		/* the prefix */
	uint8_t *body;		/* len bytes, malloc'd */
	char why[160];		/* set when it is not a whole frame */
};

static void reply_free(struct reply *r)
{
	free(r->body);
	r->body = NULL;
}

/* A whole reply frame, then the end of the stream. */
static int read_reply(int fd, struct reply *r)
{
	uint64_t deadline = now_us() + (uint64_t)io_timeout_ms * 1000;
	uint8_t p[4], extra;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	n = recv_n(fd, p, 4, deadline);
	if (n == 0) {
		r->closed = true;
		return 0;
	}
	if (n != 4) {
		snprintf(r->why, sizeof(r->why), "%s after %zd prefix bytes",
			 n < 0 ? strerror(errno) : "end of stream", n < 0 ? 0 : n);
		return -1;
	}
	r->len = be32(p);
	if (r->len > MAX_FRAME) {
		snprintf(r->why, sizeof(r->why), "length prefix %u", r->len);
		return -1;
	}
	r->body = malloc(r->len ? r->len : 1);
	if (!r->body) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		return -1;
	}
	n = recv_n(fd, r->body, r->len, deadline);
	if (n != (ssize_t)r->len) {
		snprintf(r->why, sizeof(r->why),
			 "truncated reply: %zd of %u bytes (%s)", n, r->len,
			 n < 0 ? strerror(errno) : "end of stream");
		return -1;
	}
	/*
	 * One reply per connection: then the daemon closes.  When it did not
	 * read all we sent (a refused length, the connection limit), the
	 * close resets the connection: ECONNRESET is an end too.
	 */
	n = recv_n(fd, &extra, 1, deadline);
	if (n < 0 && errno == ECONNRESET)
		n = 0;
	if (n != 0) {
		snprintf(r->why, sizeof(r->why), "%s after the reply",
			 n > 0 ? "more bytes" : "no end of stream");
		return -1;
	}
	return 0;
}

/*
 * Checks a framed reply as QEMU would: version 1.1, size, for success
 * selected_id_size 0 and quote_size filling the rest.  *err gets the
 * error_code; *quote and *qlen the quote on success.
 */
static int check_reply(struct reply *r, uint32_t want_type, uint32_t *err,
		       const uint8_t **quote, uint32_t *qlen)
{
	const uint8_t *b = r->body;

	*quote = NULL;
	*qlen = 0;
	if (r->len < HDR) {
		snprintf(r->why, sizeof(r->why), "reply of %u bytes", r->len);
		return -1;
	}
	*err = le32(b + 12);
	if (le32(b) != (1u | 1u << 16) || le32(b + 4) != want_type ||
	    le32(b + 8) != r->len) {
		snprintf(r->why, sizeof(r->why),
			 "header version %u.%u type %u size %u for %u bytes",
			 b[0] | b[1] << 8, b[2] | b[3] << 8, le32(b + 4),
			 le32(b + 8), r->len);
		return -1;
	}
	if (want_type != 1)
		return 0;
	if (r->len < RESP_FIXED ||
	    (uint64_t)RESP_FIXED + le32(b + 16) + le32(b + 20) != r->len) {
		snprintf(r->why, sizeof(r->why),
			 "GET_QUOTE_RESP sizes %u + %u for %u bytes",
			 r->len >= RESP_FIXED ? le32(b + 16) : 0,
			 r->len >= RESP_FIXED ? le32(b + 20) : 0, r->len);
		return -1;
	}
	if (*err == 0) {
		if (le32(b + 16) != 0 || le32(b + 20) == 0) {
			snprintf(r->why, sizeof(r->why),
				 "success with selected_id_size %u quote_size %u",
				 le32(b + 16), le32(b + 20));
			return -1;
		}
		*quote = b + RESP_FIXED;
		*qlen = le32(b + 20);
	} else if (le32(b + 16) || le32(b + 20)) {
		snprintf(r->why, sizeof(r->why), "error reply with sizes");
		return -1;
	}
	return 0;
}

/* ---- one request ------------------------------------------------------------- */

struct opts {
	const char *report, *out, *out_dir, *ready, *name, *until, *device;
	bool raw, expect_error_set;
	uint32_t expect_error;
	unsigned int minor, ids, clients, requests, raw_every, bytes;
	unsigned int count, connections, max_message, procs;
	long min_ms, max_ms;
	pid_t term_pid;
};

static uint8_t g_report[4096];
static size_t g_report_len;

/*
 * One request on a new connection.  0: a quote (in *q, malloc'd); 1: the
 * error reply expected; -1 otherwise, with why.  sent_fd: a pipe to write
 * a byte to once the request is out (or -1).
 */
/* A raw reply: every byte up to the end of the stream (none: closed). */
static int read_raw_reply(int fd, struct reply *r)
{
	uint64_t deadline = now_us() + (uint64_t)io_timeout_ms * 1000;
	size_t cap = 65536;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	r->body = malloc(cap);
	if (!r->body) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		return -1;
	}
	for (;;) {
		if (r->len == cap) {
			uint8_t *nb = cap < MAX_FRAME ? realloc(r->body, cap * 2) : NULL;

			if (!nb) {
				snprintf(r->why, sizeof(r->why), "raw reply above %zu bytes",
					 cap);
				return -1;
			}
			r->body = nb;
			cap *= 2;
		}
		n = recv_n(fd, r->body + r->len, 1, deadline);
		if (n < 0 && errno == ECONNRESET)
			n = 0;
		if (n < 0) {
			snprintf(r->why, sizeof(r->why), "%s after %u raw bytes",
				 strerror(errno), r->len);
			return -1;
		}
		if (n == 0)
			break;
		r->len++;
		/* the rest of what is there, in one go */
		n = recv(fd, r->body + r->len, cap - r->len, MSG_DONTWAIT);
		if (n > 0)
			r->len += (uint32_t)n;
	}
	r->closed = r->len == 0;
	return 0;
}

static int one_request(const struct opts *o, bool raw, uint8_t **q,
		       uint32_t *qlen, uint32_t *err_out, char *why,
		       size_t why_len, int sent_fd)
{
	static uint8_t buf[4 + REQ_FIXED + sizeof(g_report) + 4096];
	struct reply r;
	const uint8_t *quote;
	uint32_t err = 0, ql;
	size_t n;
	int fd, rc = -1;

	*q = NULL;
	*qlen = 0;
	if (raw) {
		memcpy(buf, g_report, g_report_len);
		n = g_report_len;
	} else {
		n = quote_req(buf, (uint16_t)o->minor, g_report,
			      (uint32_t)g_report_len, o->ids);
	}
	fd = connect_target();
	if (fd < 0) {
		snprintf(why, why_len, "connect: %s", strerror(errno));
		return -1;
	}
	/*
	 * A daemon that refuses a connection at accept (too many, a denied
	 * peer) answers and closes before reading: the request may then meet
	 * EPIPE or ECONNRESET, and the reply is still there to be read.
	 */
	if (send_all(fd, buf, n) && errno != EPIPE && errno != ECONNRESET) {
		snprintf(why, why_len, "send: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (sent_fd >= 0 && write(sent_fd, "s", 1) != 1) {
		snprintf(why, why_len, "pipe: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (raw ? read_raw_reply(fd, &r) : read_reply(fd, &r)) {
		snprintf(why, why_len, "%s", r.why);
		goto out;
	}
	if (r.closed && !raw) {
		snprintf(why, why_len, "closed without a reply");
		goto out;
	}
	if (raw) {
		/* The bare quote, or nothing at all for "no quote". */
		if (r.closed) {
			err = E_UNEXPECTED;
		} else {
			*q = r.body;
			*qlen = r.len;
			r.body = NULL;
		}
	} else {
		if (check_reply(&r, 1, &err, &quote, &ql)) {
			snprintf(why, why_len, "%s", r.why);
			goto out;
		}
		if (!err) {
			*q = malloc(ql);
			if (!*q) {
				snprintf(why, why_len, "out of memory");
				goto out;
			}
			memcpy(*q, quote, ql);
			*qlen = ql;
		}
	}
	if (err_out)
		*err_out = err;
	if (o->expect_error_set) {
		if (!err) {
			snprintf(why, why_len, "a %u-byte quote, expected an error",
				 *qlen);
			free(*q);
			*q = NULL;
		} else if (!raw && err != o->expect_error) {
			snprintf(why, why_len, "error %s (%#x), expected %s",
				 err_name(err), err, err_name(o->expect_error));
		} else {
			rc = 1;
		}
		goto out;
	}
	if (err) {
		snprintf(why, why_len, "error reply %s (%#x)%s", err_name(err),
			 err, raw ? " (raw: closed without a byte)" : "");
		goto out;
	}
	rc = 0;
out:
	reply_free(&r);
	close(fd);
	return rc;
}

static int cmd_get(const struct opts *o)
{
	const char *name = o->name ? o->name : o->raw ? "raw" : "get";
	uint64_t t0 = now_us();
	char why[256];
	uint8_t *q;
	uint32_t ql, err = 0;
	int rc = one_request(o, o->raw, &q, &ql, &err, why, sizeof(why), -1);

	if (rc == 0) {
		if (o->out && write_file(o->out, q, ql)) {
			not_ok(name, "writing %s: %s", o->out, strerror(errno));
		} else {
			ok(name);
			figure("%s quote_bytes=%u round_trip_us=%llu", name, ql,
			       (unsigned long long)(now_us() - t0));
		}
	} else if (rc == 1) {
		ok(name);
		figure("%s error=%s", name, o->raw ? "closed" : err_name(err));
	} else {
		not_ok(name, "%s", why);
	}
	free(q);
	return 0;
}

/* ---- many clients ---------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * N processes x M sequential requests.  Each child writes its latencies
 * (us) to a pipe, one u64 per request, 0 for a failure; failures' reasons
 * go to stderr, prefixed by the request.
 */
static int cmd_concurrent(const struct opts *o)
{
	const char *name = o->name ? o->name : "concurrent";
	unsigned int n = o->clients, m = o->requests, fails = 0, got = 0;
	int lat[2], sent[2];
	uint64_t t0 = now_us(), *all;
	pid_t *pids;
	char why[256];

	all = calloc((size_t)n * m + 1, sizeof(*all));
	pids = calloc(n, sizeof(*pids));
	if (!all || !pids || pipe(lat) || pipe(sent)) {
		not_ok(name, "setup: %s", strerror(errno));
		free(all);
		free(pids);
		return 1;
	}
	for (unsigned int c = 0; c < n; c++) {
		pids[c] = fork();
		if (pids[c] < 0) {
			not_ok(name, "fork: %s", strerror(errno));
			n = c;
			break;
		}
		if (pids[c])
			continue;
		close(lat[0]);
		close(sent[0]);
		for (unsigned int i = 0; i < m; i++) {
			bool raw = o->raw_every &&
				   (c * m + i) % o->raw_every == 0;
			uint64_t t = now_us(), us;
			uint8_t *q;
			uint32_t ql;
			char path[512];
			int rc = one_request(o, raw, &q, &ql, NULL, why,
					     sizeof(why), o->term_pid ? sent[1] : -1);

			us = now_us() - t;
			if (rc == 0 && o->out_dir) {
				snprintf(path, sizeof(path), "%s/q.%u.%u", o->out_dir,
					 c, i);
				if (write_file(path, q, ql)) {
					snprintf(why, sizeof(why), "writing %.200s", path);
					rc = -1;
				}
			}
			free(q);
			if (rc == 1)	/* the expected error */
				rc = 0;
			if (rc) {
				fprintf(stderr, "client %u request %u%s: %s\n", c,
					i, raw ? " (raw)" : "", why);
				us = 0;
			} else if (!us) {
				us = 1;
			}
			if (write(lat[1], &us, sizeof(us)) != sizeof(us))
				_exit(3);
		}
		_exit(0);
	}
	close(lat[1]);
	close(sent[1]);
	if (o->term_pid) {
		/* Every request is out: stop the daemon while they are served. */
		char b;
		unsigned int s = 0;

		while (s < n && read(sent[0], &b, 1) == 1)
			s++;
		if (kill(o->term_pid, SIGTERM))
			not_ok(name, "kill %d: %s", (int)o->term_pid,
			       strerror(errno));
		else
			figure("%s SIGTERM sent with %u requests out", name, s);
	}
	for (;;) {
		uint64_t us;
		ssize_t r = read(lat[0], &us, sizeof(us));

		if (r < 0 && errno == EINTR)
			continue;
		if (r != sizeof(us))
			break;
		if (got < n * m)
			all[got++] = us;
		if (!us)
			fails++;
	}
	close(lat[0]);
	close(sent[0]);
	for (unsigned int c = 0; c < n; c++) {
		int st;

		waitpid(pids[c], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			fails++;
	}
	if (got != n * m || fails) {
		not_ok(name, "%u of %u requests answered as expected (%u answers, %u failures; reasons on stderr)",
		       got - (fails > got ? got : fails), o->clients * m, got, fails);
	} else {
		uint64_t total = now_us() - t0, sum = 0;

		qsort(all, got, sizeof(*all), cmp_u64);
		for (unsigned int i = 0; i < got; i++)
			sum += all[i];
		ok(name);
		figure("%s clients=%u requests=%u total_ms=%llu avg_us=%llu p50_us=%llu p99_us=%llu max_us=%llu per_s=%.1f",
		       name, n, m, (unsigned long long)(total / 1000),
		       (unsigned long long)(sum / got),
		       (unsigned long long)all[got / 2],
		       (unsigned long long)all[(got * 99) / 100 < got ?
					       (got * 99) / 100 : got - 1],
		       (unsigned long long)all[got - 1],
		       got * 1e6 / (double)(total ? total : 1));
	}
	free(all);
	free(pids);
	return 0;
}

/* ---- direct ioctls, for the benchmark's ratio --------------------------------- */

static int direct_one(int fd, uint8_t *out, uint32_t cap, char *why, size_t wl)
{
	struct tdx_quote_req req;

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.in_ptr = (uintptr_t)g_report;
	req.in_len = (uint32_t)g_report_len;
	req.out_ptr = (uintptr_t)out;
	req.out_len = cap;
	if (ioctl(fd, TDX_QUOTE_GET_QUOTE, &req)) {
		snprintf(why, wl, "GET_QUOTE: %s (status %#llx)", strerror(errno),
			 (unsigned long long)req.tdx_status);
		return -1;
	}
	if (!req.quote_len) {
		snprintf(why, wl, "empty quote");
		return -1;
	}
	return 0;
}

static int cmd_direct(const struct opts *o)
{
	unsigned int n = o->clients, m = o->requests, fails = 0, got = 0;
	uint64_t t0 = now_us(), *all = calloc((size_t)n * m + 1, sizeof(uint64_t));
	int lat[2];
	char why[256];

	if (!all || pipe(lat)) {
		not_ok("direct", "setup");
		free(all);
		return 1;
	}
	for (unsigned int c = 0; c < n; c++) {
		pid_t p = fork();

		if (p < 0) {
			n = c;
			break;
		}
		if (p)
			continue;
		close(lat[0]);
		{
			struct tdx_quote_info info;
			const char *dev = o->device ? o->device :
					  "/dev/tdx_quote";
			int fd = open(dev, O_RDWR);
			uint8_t *out;

			memset(&info, 0, sizeof(info));
			info.size = sizeof(info);
			if (fd < 0 || ioctl(fd, TDX_QUOTE_GET_INFO, &info) ||
			    !(out = malloc(info.max_quote_size))) {
				fprintf(stderr, "%s: %s\n", dev,
					strerror(errno));
				_exit(2);
			}
			for (unsigned int i = 0; i < m; i++) {
				/* Like the daemon: GET_INFO, then GET_QUOTE. */
				uint64_t t = now_us(), us;

				if (ioctl(fd, TDX_QUOTE_GET_INFO, &info) ||
				    direct_one(fd, out, info.max_quote_size, why,
					       sizeof(why))) {
					fprintf(stderr, "direct %u/%u: %s\n", c, i, why);
					us = 0;
				} else {
					us = now_us() - t;
					if (!us)
						us = 1;
				}
				if (write(lat[1], &us, sizeof(us)) != sizeof(us))
					_exit(3);
			}
			free(out);
			close(fd);
		}
		_exit(0);
	}
	close(lat[1]);
	for (;;) {
		uint64_t us;

		if (read(lat[0], &us, sizeof(us)) != sizeof(us))
			break;
		if (got < n * m)
			all[got++] = us;
		if (!us)
			fails++;
	}
	close(lat[0]);
	while (wait(NULL) > 0)
		;
	if (got != n * m || fails) {
		not_ok("direct", "%u answers of %u, %u failures", got, n * m, fails);
	} else {
		uint64_t total = now_us() - t0, sum = 0;

		qsort(all, got, sizeof(*all), cmp_u64);
		for (unsigned int i = 0; i < got; i++)
			sum += all[i];
		ok("direct");
		figure("direct clients=%u requests=%u total_ms=%llu avg_us=%llu p50_us=%llu max_us=%llu per_s=%.1f",
		       n, m, (unsigned long long)(total / 1000),
		       (unsigned long long)(sum / got),
		       (unsigned long long)all[got / 2],
		       (unsigned long long)all[got - 1],
		       got * 1e6 / (double)(total ? total : 1));
	}
	free(all);
	return 0;
}

/* ---- a client that stalls, clients that are killed --------------------------- */

static int cmd_stall(const struct opts *o)
{
	static uint8_t buf[4 + REQ_FIXED + sizeof(g_report)];
	const char *name = o->name ? o->name : "stall";
	size_t n = quote_req(buf, 1, g_report, (uint32_t)g_report_len, 0);
	size_t half = o->bytes ? o->bytes : n / 2;
	struct reply r;
	uint64_t t0;
	long ms;
	int fd = connect_target();

	if (fd < 0) {
		not_ok(name, "connect: %s", strerror(errno));
		return 0;
	}
	if (half >= n || send_all(fd, buf, half)) {
		not_ok(name, "send %zu of %zu bytes: %s", half, n, strerror(errno));
		close(fd);
		return 0;
	}
	t0 = now_us();
	if (o->ready && write_file(o->ready, (const uint8_t *)"stalled\n", 8))
		not_ok(name, "writing %s", o->ready);
	/* Now wait for the daemon to give up on us. */
	if (read_reply(fd, &r)) {
		not_ok(name, "not dropped cleanly: %s", r.why);
		goto out;
	}
	ms = (long)((now_us() - t0) / 1000);
	if (o->min_ms && ms < o->min_ms) {
		not_ok(name, "dropped after %ld ms, before the %ld ms timeout",
		       ms, o->min_ms);
	} else if (o->max_ms && ms > o->max_ms) {
		not_ok(name, "dropped after %ld ms, more than %ld", ms, o->max_ms);
	} else if (!r.closed) {
		uint32_t err;
		const uint8_t *q;
		uint32_t ql;

		if (check_reply(&r, 1, &err, &q, &ql) || err != E_UNEXPECTED)
			not_ok(name, "dropped after %ld ms with a bad reply: %s (error %s)",
			       ms, r.why, err_name(err));
		else
			ok(name);
	} else {
		ok(name);
	}
	figure("%s dropped_after_ms=%ld reply=%s", name, ms,
	       r.closed ? "none" : "UNEXPECTED");
out:
	reply_free(&r);
	close(fd);
	return 0;
}

/*
 * A child sends half a request and is killed; another sends a whole one
 * and is killed before the reply; then a normal request must work.
 */
static int cmd_killed(const struct opts *o)
{
	static uint8_t buf[4 + REQ_FIXED + sizeof(g_report)];
	size_t n = quote_req(buf, 1, g_report, (uint32_t)g_report_len, 0);
	static const char *const names[] = { "killed-mid-send",
					     "killed-awaiting-reply" };

	for (int k = 0; k < 2; k++) {
		int p[2], st;
		pid_t pid;
		char b;

		if (pipe(p)) {
			not_ok(names[k], "pipe");
			continue;
		}
		pid = fork();
		if (pid == 0) {
			int fd = connect_target();

			close(p[0]);
			if (fd < 0 || send_all(fd, buf, k ? n : n / 2))
				_exit(1);
			if (write(p[1], "s", 1) != 1)
				_exit(1);
			pause();
			_exit(0);
		}
		close(p[1]);
		if (pid < 0 || read(p[0], &b, 1) != 1) {
			not_ok(names[k], "the child did not send its request");
		} else {
			kill(pid, SIGKILL);
			ok(names[k]);
		}
		close(p[0]);
		if (pid > 0)
			waitpid(pid, &st, 0);
	}
	/* The daemon serves the next one as if nothing happened. */
	{
		struct opts o2 = *o;
		char why[256];
		uint8_t *q;
		uint32_t ql;

		o2.expect_error_set = false;
		if (one_request(&o2, false, &q, &ql, NULL, why, sizeof(why), -1))
			not_ok("quote-after-kills", "%s", why);
		else
			ok("quote-after-kills");
		free(q);
	}
	return 0;
}

/* ---- malformed requests ------------------------------------------------------ */

enum mal {
	M_EMPTY, M_TOO_LARGE, M_SHORT, M_VERSION, M_SIZE, M_CODE,
	M_COLLATERAL, M_PLATFORM, M_UNKNOWN, M_BODY, M_REPORT0, M_REPORT_BIG,
	M_TRUNCATED, M_COUNT
};

static const char *const mal_names[M_COUNT] = {
	"empty", "too-large", "short", "version", "size-mismatch",
	"error-code", "collateral", "platform-info", "unknown-type",
	"bad-body", "report-size-0", "report-size-4097", "truncated",
};

/*
 * Builds malformed request k into buf; its expected reply type/error, or
 * *err 0 for "closed without a reply" (a raw request that never got its
 * 1024 bytes).  The daemon decides framed or raw on the first 20 bytes as
 * Intel's server does (docs/qgsd.md): prefix 0, a major version but 1 or
 * a header size unlike the prefix make a raw request.  The classes the
 * caller half-closes (malformed_shuts) would otherwise wait for bytes.
 */
static size_t malformed(enum mal k, unsigned int i, uint8_t *buf,
			unsigned int max_message, uint32_t *type, uint32_t *err)
{
	uint8_t b[REQ_FIXED + 4097];
	size_t n;

	*type = 1;
	memset(b, (int)(i & 0xff), sizeof(b));
	switch (k) {
	case M_EMPTY:
		/* 4 bytes and the end: truncated before the decision */
		put_be32(buf, 0);
		*err = E_SIZE;
		return 4;
	case M_TOO_LARGE:
		/* a framed header; the body is never read */
		put_be32(buf, max_message + 1 + (i % 1000));
		memset(buf + 4, 0, HDR);
		put_le16(buf + 4, 1);
		put_le16(buf + 6, 1);
		put_le32(buf + 12, be32(buf));
		*err = E_SIZE;
		return 4 + HDR;
	case M_SHORT:
		/* a frame of 8..15 bytes: 20 are read, the header's size
		 * (bytes 12..15, past the frame) equal to the prefix */
		put_be32(buf, 8 + i % 8);
		memset(buf + 4, 0, HDR);
		put_le16(buf + 4, 1);
		put_le32(buf + 12, be32(buf));
		*err = E_SIZE;
		return 4 + HDR;
	case M_VERSION:
		/* raw: major 2+ */
		*err = 0;
		put_le32(b, 1);
		put_le32(b + 4, 0);
		return frame(buf, (uint16_t)(2 + i % 100), 1, 0, 24, 0, b, 8);
	case M_SIZE:
		/* raw: header size not the prefix */
		*err = 0;
		put_le32(b, 1);
		put_le32(b + 4, 0);
		return frame(buf, 1, 1, 0, 24 + 2 + i % 50, 0, b, 9);
	case M_CODE:
		*err = E_CODE;
		put_le32(b, 1);
		put_le32(b + 4, 0);
		return frame(buf, 1, 1, 0, 25, 1 + i, b, 9);
	case M_COLLATERAL:
		*type = 3;
		*err = E_TYPE;
		return frame(buf, 1, 1, 2, 48, 0, b, 32);
	case M_PLATFORM:
		*type = 5;
		*err = E_TYPE;
		return frame(buf, 1, 1, 4, 16, 0, b, 0);
	case M_UNKNOWN:
		/* a response type as a request (6 and up would be raw) */
		*err = E_TYPE;
		return frame(buf, 1, 1, 1 + 2 * (i % 3), 20, 0, b, 4);
	case M_BODY:
		*err = E_SIZE;
		put_le32(b, 100);
		put_le32(b + 4, 7);
		return frame(buf, 1, 1, 0, 16 + 20, 0, b, 20);
	case M_REPORT0:
		*err = E_PARAM;
		put_le32(b, 0);
		put_le32(b + 4, 12);
		return frame(buf, 1, 1, 0, 24 + 12, 0, b, 8 + 12);
	case M_REPORT_BIG:
		*err = E_PARAM;
		put_le32(b, 4097);
		put_le32(b + 4, 0);
		return frame(buf, 1, 1, 0, 24 + 4097, 0, b, 8 + 4097);
	case M_TRUNCATED:
		/* half a frame, then shutdown(SHUT_WR): see the caller */
		*err = E_SIZE;
		n = quote_req(buf, 1, g_report, (uint32_t)g_report_len, 0);
		return n / 2;
	default:
		break;
	}
	return 0;
}

/* The classes sent with a half-close: they would wait for more bytes. */
static bool malformed_shuts(enum mal k)
{
	return k == M_EMPTY || k == M_VERSION || k == M_SIZE || k == M_TRUNCATED;
}

/* Requests first..first+count-1 of the malformed series: how many failed. */
static unsigned int malformed_run(const struct opts *o, unsigned int first,
				  unsigned int count)
{
	static uint8_t buf[4 + REQ_FIXED + 4097 + 64];
	unsigned int bad = 0;
	unsigned int max_message = o->max_message ? o->max_message : 65536;

	for (unsigned int i = first; i < first + count; i++) {
		enum mal k = (enum mal)(i % M_COUNT);
		uint32_t type, err = 0, want;
		const uint8_t *q;
		uint32_t ql;
		struct reply r;
		size_t n = malformed(k, i, buf, max_message, &type, &want);
		int fd = connect_target();
		char why[200] = "";

		if (k == M_REPORT_BIG && max_message < 4 + REQ_FIXED + 4097)
			k = M_TOO_LARGE, want = E_SIZE;
		if (fd < 0) {
			snprintf(why, sizeof(why), "connect: %s", strerror(errno));
		} else if (send_all(fd, buf, n)) {
			snprintf(why, sizeof(why), "send: %s", strerror(errno));
		} else {
			if (malformed_shuts(k))
				shutdown(fd, SHUT_WR);
			if (read_reply(fd, &r))
				snprintf(why, sizeof(why), "%s", r.why);
			else if (r.closed && want)
				snprintf(why, sizeof(why), "closed without a reply");
			else if (!r.closed && !want)
				snprintf(why, sizeof(why), "a reply of %u bytes, want a close",
					 r.len);
			else if (r.closed)
				;	/* the close expected */
			else if (check_reply(&r, type, &err, &q, &ql))
				snprintf(why, sizeof(why), "%s", r.why);
			else if (err != want)
				snprintf(why, sizeof(why), "error %s, want %s",
					 err_name(err), err_name(want));
			reply_free(&r);
		}
		if (fd >= 0)
			close(fd);
		if (why[0]) {
			if (bad++ < 5)
				not_ok("malformed", "request %u (%s): %s", i,
				       mal_names[k], why);
		}
	}
	return bad;
}

/* The series, by --procs processes at once (the daemon serves them all). */
static int cmd_malformed(const struct opts *o)
{
	unsigned int procs = o->procs ? o->procs : 1, bad = 0, share;
	uint64_t t0 = now_us();

	if (procs > o->count)
		procs = o->count;
	share = o->count / procs;
	if (procs == 1) {
		bad = malformed_run(o, 0, o->count);
	} else {
		for (unsigned int p = 0; p < procs; p++) {
			unsigned int first = p * share;
			unsigned int n = p + 1 == procs ? o->count - first : share;
			pid_t pid = fork();

			if (pid == 0) {
				unsigned int b = malformed_run(o, first, n);

				fflush(stdout);
				_exit(b > 250 ? 250 : (int)b);
			}
			if (pid < 0) {
				not_ok("malformed", "fork: %s", strerror(errno));
				bad++;
			}
		}
		for (;;) {
			int st;
			pid_t pid = wait(&st);

			if (pid < 0)
				break;
			if (!WIFEXITED(st))
				bad++;
			else
				bad += (unsigned int)WEXITSTATUS(st);
		}
		/* The children's "not ok" lines count in their parent too. */
		if (bad)
			n_failed++;
	}
	if (!bad)
		ok("malformed");
	else
		figure("malformed: %u of %u wrong", bad, o->count);
	figure("malformed requests=%u procs=%u classes=%u total_ms=%llu",
	       o->count, procs, (unsigned int)M_COUNT,
	       (unsigned long long)((now_us() - t0) / 1000));
	return 0;
}

/* N idle connections, then one more must be refused at once. */
static int cmd_limit(const struct opts *o)
{
	int *fds = calloc(o->connections, sizeof(int));
	unsigned int opened = 0;
	struct opts o2 = *o;
	uint64_t t0;
	char why[256];
	uint8_t *q;
	uint32_t ql, err = 0;
	int rc;

	if (!fds) {
		not_ok("limit", "out of memory");
		return 0;
	}
	for (; opened < o->connections; opened++) {
		fds[opened] = connect_target();
		if (fds[opened] < 0)
			break;
	}
	if (opened != o->connections) {
		not_ok("limit", "only %u connections: %s", opened, strerror(errno));
		goto out;
	}
	/*
	 * The daemon counts a connection once it accepted it: a byte each
	 * would not tell us when, so the last of them sends a request and
	 * waits for its reply.
	 */
	t0 = now_us();
	o2.expect_error_set = true;
	o2.expect_error = E_UNEXPECTED;
	rc = one_request(&o2, false, &q, &ql, &err, why, sizeof(why), -1);
	free(q);
	if (rc == 1)
		ok("limit-refused");
	else
		not_ok("limit-refused", "%s", why);
	figure("limit connections=%u refused_in_us=%llu", opened,
	       (unsigned long long)(now_us() - t0));
out:
	for (unsigned int i = 0; i < opened; i++)
		close(fds[i]);
	free(fds);
	/* And with them gone, a request is served again. */
	if (opened == o->connections) {
		o2.expect_error_set = false;
		for (int tries = 0; tries < 250; tries++) {
			rc = one_request(&o2, false, &q, &ql, &err, why,
					 sizeof(why), -1);
			free(q);
			/*
			 * The daemon may not have seen all the closes yet:
			 * poll for the condition, 5 s at most.
			 */
			if (rc != -1 || err != E_UNEXPECTED)
				break;
			usleep(20000);
		}
		if (rc == 0)
			ok("limit-served-after");
		else
			not_ok("limit-served-after", "%s", why);
	}
	return 0;
}

/* Opens n connections into fds; how many it could. */
static unsigned int open_many(int *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		fds[i] = connect_target();
		if (fds[i] < 0)
			break;
	}
	return i;
}

/*
 * A peer at its connection limit (--connections: the daemon's
 * max_connections_per_peer) that floods: its idle connections open, one
 * request more is refused with UNEXPECTED, and so is each of --count
 * requests that follow (a report-size-0 request each, which would be
 * INVALID_PARAMETER if it were read).  Then --ready FILE is written and
 * the connections stay open until --until FILE exists (or --timeout).
 */
static int cmd_hoard(const struct opts *o)
{
	int *fds = calloc(o->connections, sizeof(int));
	static uint8_t buf[64];
	unsigned int opened, refused = 0, other = 0;
	uint64_t deadline = now_us() + (uint64_t)io_timeout_ms * 1000;
	char first_why[200] = "";
	struct stat st;

	if (!fds) {
		not_ok("hoard", "out of memory");
		return 0;
	}
	opened = open_many(fds, o->connections);
	if (opened != o->connections) {
		not_ok("hoard", "only %u connections: %s", opened, strerror(errno));
		goto out;
	}
	/* The first is the sync: once it is refused, all are accepted. */
	for (unsigned int i = 0; i <= o->count; i++) {
		uint8_t b[8] = { 0 };
		uint32_t err = 0;
		const uint8_t *q;
		uint32_t ql;
		struct reply r = { 0 };
		size_t n = frame(buf, 1, 1, 0, REQ_FIXED, 0, b, 8);
		int fd = connect_target();
		char why[200] = "";

		if (fd < 0)
			snprintf(why, sizeof(why), "connect: %s", strerror(errno));
		else if (send_all(fd, buf, n) && errno != ECONNRESET &&
			 errno != EPIPE)
			snprintf(why, sizeof(why), "send: %s", strerror(errno));
		else if (read_reply(fd, &r))
			snprintf(why, sizeof(why), "%s", r.why);
		else if (r.closed)
			snprintf(why, sizeof(why), "closed without a reply");
		else if (check_reply(&r, 1, &err, &q, &ql))
			snprintf(why, sizeof(why), "%s", r.why);
		else if (err != E_UNEXPECTED)
			snprintf(why, sizeof(why), "error %s", err_name(err));
		reply_free(&r);
		if (fd >= 0)
			close(fd);
		if (why[0]) {
			if (!other++)
				snprintf(first_why, sizeof(first_why), "request %u: %s",
					 i, why);
		} else {
			refused++;
		}
	}
	if (!other)
		ok("hoard-flood-refused-unexpected");
	else
		not_ok("hoard-flood-refused-unexpected", "%u of %u not UNEXPECTED; %s",
		       other, o->count + 1, first_why);
	figure("hoard connections=%u flood=%u refused=%u", opened, o->count + 1,
	       refused);
	if (o->ready && write_file(o->ready, (const uint8_t *)"h", 1))
		not_ok("hoard", "writing %s", o->ready);
	while (o->until && stat(o->until, &st) && now_us() < deadline)
		usleep(20000);
out:
	for (unsigned int i = 0; i < opened; i++)
		close(fds[i]);
	free(fds);
	return 0;
}

/*
 * N connections that never send a byte: the daemon must close each
 * (first_byte_timeout) without a reply, within --timeout.
 */
static int cmd_idle(const struct opts *o)
{
	int *fds = calloc(o->connections, sizeof(int));
	uint64_t t0 = now_us(), deadline = t0 + (uint64_t)io_timeout_ms * 1000;
	unsigned int opened, closed = 0, bytes = 0, open_left = 0;

	if (!fds) {
		not_ok("idle", "out of memory");
		return 0;
	}
	opened = open_many(fds, o->connections);
	if (opened != o->connections) {
		not_ok("idle", "only %u connections: %s", opened, strerror(errno));
		goto out;
	}
	for (unsigned int i = 0; i < opened; i++) {
		uint8_t b;
		ssize_t n = recv_n(fds[i], &b, 1, deadline);

		if (n == 0 || (n < 0 && errno == ECONNRESET))
			closed++;
		else if (n > 0)
			bytes++;
		else
			open_left++;
	}
	if (closed == opened)
		ok("idle-closed-without-reply");
	else
		not_ok("idle-closed-without-reply",
		       "%u of %u closed; %u got bytes, %u still open after %d s",
		       closed, opened, bytes, open_left, io_timeout_ms / 1000);
	figure("idle connections=%u all_closed_after_ms=%llu", opened,
	       (unsigned long long)((now_us() - t0) / 1000));
out:
	for (unsigned int i = 0; i < opened; i++)
		close(fds[i]);
	free(fds);
	return 0;
}

/* ---- main ------------------------------------------------------------------- */

static int usage(void)
{
	fprintf(stderr, "usage: qgs_client --unix PATH|--vsock CID:PORT MODE ... "
		"(see the comment at the top of tests/vm/progs/qgs_client.c)\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct opts o;
	const char *mode = NULL;

	memset(&o, 0, sizeof(o));
	o.minor = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

#define ARG(s) (!strcmp(a, s) && v && (i++, 1))
		if (ARG("--unix")) {
			unix_path = v;
		} else if (ARG("--vsock")) {
			if (sscanf(v, "%u:%u", &vsock_cid, &vsock_port) != 2)
				return usage();
			use_vsock = true;
		} else if (ARG("--report")) {
			o.report = v;
		} else if (ARG("-o")) {
			o.out = v;
		} else if (ARG("--out-dir")) {
			o.out_dir = v;
		} else if (ARG("--ready")) {
			o.ready = v;
		} else if (ARG("--until")) {
			o.until = v;
		} else if (ARG("--name")) {
			o.name = v;
		} else if (ARG("--device")) {
			o.device = v;
		} else if (!strcmp(a, "--raw")) {
			o.raw = true;
		} else if (ARG("--expect-error")) {
			if (parse_err(v, &o.expect_error))
				return usage();
			o.expect_error_set = true;
		} else if (ARG("--minor")) {
			o.minor = (unsigned int)strtoul(v, NULL, 0);
		} else if (ARG("--ids")) {
			o.ids = (unsigned int)strtoul(v, NULL, 0);
			if (o.ids > 4096)
				return usage();
		} else if (ARG("--clients")) {
			o.clients = (unsigned int)strtoul(v, NULL, 0);
		} else if (ARG("--requests")) {
			o.requests = (unsigned int)strtoul(v, NULL, 0);
		} else if (ARG("--raw-every")) {
			o.raw_every = (unsigned int)strtoul(v, NULL, 0);
		} else if (ARG("--bytes")) {
			o.bytes = (unsigned int)strtoul(v, NULL, 0);
		} else if (ARG("--count")) {
			o.count = (unsigned int)strtoul(v, NULL, 0);
		} else if (ARG("--procs")) {
			o.procs = (unsigned int)strtoul(v, NULL, 0);
		} else if (ARG("--connections")) {
			o.connections = (unsigned int)strtoul(v, NULL, 0);
		} else if (ARG("--max-message")) {
			o.max_message = (unsigned int)strtoul(v, NULL, 0);
		} else if (ARG("--min-ms")) {
			o.min_ms = strtol(v, NULL, 0);
		} else if (ARG("--max-ms")) {
			o.max_ms = strtol(v, NULL, 0);
		} else if (ARG("--term-pid")) {
			o.term_pid = (pid_t)strtol(v, NULL, 0);
		} else if (ARG("--timeout")) {
			io_timeout_ms = (int)strtol(v, NULL, 0) * 1000;
		} else if (a[0] != '-' && !mode) {
			mode = a;
		} else {
			fprintf(stderr, "qgs_client: bad argument '%s'\n", a);
			return usage();
		}
#undef ARG
	}
	if (!mode)
		return usage();
	if (strcmp(mode, "direct") && strcmp(mode, "malformed") &&
	    !unix_path && !use_vsock)
		return usage();
	if (!strcmp(mode, "malformed") && !unix_path && !use_vsock)
		return usage();
	if (o.report && read_file(o.report, g_report, sizeof(g_report),
				  &g_report_len)) {
		fprintf(stderr, "qgs_client: cannot read %s\n", o.report);
		return 2;
	}
	if (!o.report) {
		/* A stand-in TDREPORT (type byte 0x81), for malformed/limit. */
		g_report_len = 1024;
		for (size_t i = 0; i < g_report_len; i++)
			g_report[i] = (uint8_t)(i * 31 + 7);
		g_report[0] = 0x81;
		g_report[1] = 0;
	}
	if (!strcmp(mode, "get"))
		cmd_get(&o);
	else if (!strcmp(mode, "concurrent") && o.clients && o.requests)
		cmd_concurrent(&o);
	else if (!strcmp(mode, "direct") && o.clients && o.requests && o.report)
		cmd_direct(&o);
	else if (!strcmp(mode, "stall"))
		cmd_stall(&o);
	else if (!strcmp(mode, "killed"))
		cmd_killed(&o);
	else if (!strcmp(mode, "malformed") && o.count)
		cmd_malformed(&o);
	else if (!strcmp(mode, "limit") && o.connections)
		cmd_limit(&o);
	else if (!strcmp(mode, "hoard") && o.connections)
		cmd_hoard(&o);
	else if (!strcmp(mode, "idle") && o.connections)
		cmd_idle(&o);
	else
		return usage();
	return n_failed ? 1 : 0;
}
