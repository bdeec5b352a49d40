// SPDX-License-Identifier: GPL-2.0
/*
 * tdx-qgsd's event loop: the listeners (UNIX, AF_VSOCK, or systemd's),
 * one epoll for every socket, signals through a signalfd, the workers'
 * results through an eventfd.  Each connection carries one request: read
 * its first QGS_SNIFF_SIZE bytes, decide framed or raw (qgs_sniff), read
 * the rest of the frame or of the bare report under the read timeout,
 * decide with the codec (tools/lib/qgs.c), hand a quote request to a
 * worker, write the reply under the write timeout, close.  The worker
 * itself sends a quote's reply as soon as it has it (conn_reply_early()),
 * so the client's answer does not wait for this loop to wake; the loop
 * then counts, logs, writes what did not fit, and closes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#include "qgsd.h"

#define MAX_LISTENERS	8
#define SD_LISTEN_FDS_START 3

enum ev_kind { EV_LISTEN, EV_CONN, EV_SIGNAL, EV_WORKERS };
enum conn_state {
	C_SNIFF,	/* the first QGS_SNIFF_SIZE bytes */
	C_BODY,		/* the rest of a frame, or of a raw report */
	C_WORK,		/* a worker has it */
	C_WRITE,	/* the reply */
};

struct ev {
	enum ev_kind kind;
};

struct listener {
	struct ev ev;
	int fd;
	bool unlink_path;		/* we made the UNIX socket file */
	char name[192];
};

/*
 * Who is on the other end: a vsock CID, or for UNIX sockets the peer's
 * uid (SO_PEERCRED).  The per-peer limits and the workers' round robin
 * go by it.  Freed with its last connection.
 */
struct peer {
	struct peer *next;		/* S.peers */
	int family;			/* AF_UNIX, AF_VSOCK, other: 0 id */
	uint32_t id;			/* uid or CID */
	unsigned int conns;		/* open connections */
	unsigned int queued;		/* requests with the workers */
	struct pool_q q;		/* the pool's, under its lock */
};

struct conn {
	struct ev ev;
	struct peer *owner;
	int fd;
	enum conn_state state;
	bool in_epoll;
	bool raw;			/* a bare TDREPORT: bare quote or nothing */
	struct conn *prev, *next;	/* every open connection */
	struct conn *job_next;		/* the pool's queues */
	uint64_t deadline;		/* ms, CLOCK_MONOTONIC; 0: none */
	uint64_t t0;
	char peer[64];
	uint8_t sniff[QGS_SNIFF_SIZE];
	uint8_t *body;
	uint32_t body_len, got;		/* got: of sniff, then of body */
	struct qgs_request req;
	struct job job;
	/* the reply: head, then tail (the quote) */
	uint8_t head[QGS_ERR_REPLY_MAX > QGS_QUOTE_HEAD_SIZE ?
		     QGS_ERR_REPLY_MAX : QGS_QUOTE_HEAD_SIZE];
	size_t head_len, sent;
	const uint8_t *tail;
	size_t tail_len;
};

struct job *conn_job(struct conn *c)
{
	return &c->job;
}

struct conn **conn_job_next(struct conn *c)
{
	return &c->job_next;
}

static struct {
	struct qgsd_config *cfg;
	int ep, sigfd, evfd;
	struct ev sig_ev, workers_ev;
	struct listener listeners[MAX_LISTENERS];
	int n_listeners;
	bool listening;			/* in the epoll set */
	uint64_t accept_resume;		/* accept paused until then (EMFILE) */
	struct conn *conns;
	struct peer *peers;
	unsigned int n_conns, n_working;
	int told_td;		/* logged that td 0 is refused */
	bool told_big;		/* logged a quote above QGS_GUEST_QUOTE_MAX */
	bool draining;
	struct pool *pool;
	/*
	 * Rate-limited warnings, one slot per reason and one (RL_QUOTE) for
	 * failed quotes: at most log_rejects_per_second lines in a second,
	 * the rest counted and summed up in one line after it.
	 */
	struct {
		uint64_t sec;
		unsigned int lines;
		uint64_t suppressed;
	} rl[QGS_R__COUNT + 1];
	struct {
		uint64_t accepted, quotes_ok, quotes_failed, raw;
		uint64_t write_timeouts, client_gone, idle, log_suppressed;
		uint64_t over_guest_limit;
		uint64_t rejected[QGS_R__COUNT];
		uint64_t quote_ns;
	} n;
} S;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

#define RL_QUOTE QGS_R__COUNT

static const char *rl_name(int slot)
{
	return slot == RL_QUOTE ? "quote_failed" :
				  qgs_reason_name((enum qgs_reason)slot);
}

static void rl_flush(int slot)
{
	if (!S.rl[slot].suppressed)
		return;
	qlog(LOG_WARNING, "log: %s: %llu more lines suppressed (log_rejects_per_second=%u)",
	     rl_name(slot), (unsigned long long)S.rl[slot].suppressed,
	     S.cfg->log_rejects_per_second);
	S.rl[slot].suppressed = 0;
}

/* A warning of slot's kind, unless its second's lines are used up. */
__attribute__((format(printf, 2, 3)))
static void rlog(int slot, const char *fmt, ...)
{
	uint64_t sec = now_ms() / 1000;
	unsigned int lim = S.cfg->log_rejects_per_second;
	char line[512];
	va_list ap;

	if (sec != S.rl[slot].sec) {
		rl_flush(slot);
		S.rl[slot].sec = sec;
		S.rl[slot].lines = 0;
	}
	if (lim && S.rl[slot].lines >= lim) {
		S.rl[slot].suppressed++;
		S.n.log_suppressed++;
		return;
	}
	S.rl[slot].lines++;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	qlog(LOG_WARNING, "%s", line);
}

/* Summaries of the seconds gone by; ms to the next one due, or -1. */
static int rl_tick(bool all)
{
	uint64_t t = now_ms(), next = UINT64_MAX;

	for (int i = 0; i <= RL_QUOTE; i++) {
		if (!S.rl[i].suppressed)
			continue;
		if (all || S.rl[i].sec != t / 1000)
			rl_flush(i);
		else if ((S.rl[i].sec + 1) * 1000 < next)
			next = (S.rl[i].sec + 1) * 1000;
	}
	return next == UINT64_MAX ? -1 : (int)(next - t) + 1;
}

static void log_counters(const char *when)
{
	char rej[1024];
	uint64_t total = 0;
	int n = 0;

	rej[0] = 0;
	for (int r = 1; r < QGS_R__COUNT; r++) {
		total += S.n.rejected[r];
		n += snprintf(rej + n, sizeof(rej) - (size_t)n, " rejected_%s=%llu",
			      qgs_reason_name((enum qgs_reason)r),
			      (unsigned long long)S.n.rejected[r]);
		if (n >= (int)sizeof(rej))
			break;
	}
	rl_tick(true);
	qlog(LOG_NOTICE,
	     "counters (%s): accepted=%llu active=%u working=%u quotes_ok=%llu quotes_failed=%llu raw=%llu rejected=%llu write_timeouts=%llu client_gone=%llu idle=%llu log_suppressed=%llu quotes_over_guest_limit=%llu quote_ms_avg=%llu%s",
	     when, (unsigned long long)S.n.accepted, S.n_conns, S.n_working,
	     (unsigned long long)S.n.quotes_ok,
	     (unsigned long long)S.n.quotes_failed,
	     (unsigned long long)S.n.raw, (unsigned long long)total,
	     (unsigned long long)S.n.write_timeouts,
	     (unsigned long long)S.n.client_gone,
	     (unsigned long long)S.n.idle,
	     (unsigned long long)S.n.log_suppressed,
	     (unsigned long long)S.n.over_guest_limit,
	     (unsigned long long)(S.n.quotes_ok + S.n.quotes_failed ?
		S.n.quote_ns / 1000000 / (S.n.quotes_ok + S.n.quotes_failed) : 0),
	     rej);
}

/* ---- connections --------------------------------------------------------------- */

static struct peer *peer_get(int family, uint32_t id)
{
	struct peer *p;

	for (p = S.peers; p; p = p->next)
		if (p->family == family && p->id == id)
			return p;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->family = family;
	p->id = id;
	p->next = S.peers;
	S.peers = p;
	return p;
}

static struct peer *peer_find(int family, uint32_t id)
{
	for (struct peer *p = S.peers; p; p = p->next)
		if (p->family == family && p->id == id)
			return p;
	return NULL;
}

static void peer_put(struct peer *p)
{
	struct peer **pp;

	if (!p || --p->conns)
		return;
	for (pp = &S.peers; *pp != p; pp = &(*pp)->next)
		;
	*pp = p->next;
	free(p);
}

static void conn_close(struct conn *c)
{
	close(c->fd);
	peer_put(c->owner);
	if (c->prev)
		c->prev->next = c->next;
	else
		S.conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	S.n_conns--;
	free(c->body);
	free(c->job.quote);
	free(c);
}

static int ep_set(struct conn *c, uint32_t events)
{
	struct epoll_event e = { .events = events, .data.ptr = &c->ev };
	int rc;

	rc = epoll_ctl(S.ep, c->in_epoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD,
		       c->fd, &e);
	if (!rc)
		c->in_epoll = true;
	return rc;
}

static void ep_del(struct conn *c)
{
	if (c->in_epoll)
		epoll_ctl(S.ep, EPOLL_CTL_DEL, c->fd, NULL);
	c->in_epoll = false;
}

/* Sends what is left of the reply: 1 done, 0 again later, -1 failed. */
static int send_some(struct conn *c)
{
	for (;;) {
		struct iovec iov[2];
		struct msghdr mh = { .msg_iov = iov };
		size_t total = c->head_len + c->tail_len;
		ssize_t n;

		if (c->sent >= total)
			return 1;
		if (c->sent < c->head_len) {
			iov[0].iov_base = c->head + c->sent;
			iov[0].iov_len = c->head_len - c->sent;
			iov[1].iov_base = (void *)c->tail;
			iov[1].iov_len = c->tail_len;
			mh.msg_iovlen = c->tail_len ? 2 : 1;
		} else {
			iov[0].iov_base = (void *)(c->tail + (c->sent - c->head_len));
			iov[0].iov_len = total - c->sent;
			mh.msg_iovlen = 1;
		}
		n = sendmsg(c->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		c->sent += (size_t)n;
	}
}

/*
 * The reply's first send_some() gave rc (errno err when it failed): close
 * when it is out, else write the rest under the write timeout.
 */
static void reply_sent(struct conn *c, int rc, int err)
{
	c->state = C_WRITE;
	if (rc == 1) {
		conn_close(c);
		return;
	}
	if (rc == 0 && ep_set(c, EPOLLOUT))
		err = errno;
	else if (rc == 0)
		err = 0;
	if (err) {
		qlog(LOG_INFO, "%s: the client went away before the reply (%s)",
		     c->peer, strerror(err));
		S.n.client_gone++;
		conn_close(c);
		return;
	}
	c->deadline = now_ms() + S.cfg->write_timeout_ms;
}

/* Starts writing the reply in c->head (+ tail); closes when it is out. */
static void reply(struct conn *c)
{
	int rc;

	c->sent = 0;
	rc = send_some(c);
	reply_sent(c, rc, rc < 0 ? errno : 0);
}

void conn_reply_early(struct conn *c)
{
	struct job *j = &c->job;
	int rc;

	j->sent = 2;
	j->send_errno = 0;
	if (j->err)
		return;		/* the loop logs and answers errors */
	c->head_len = qgs_quote_reply_head(c->head, j->quote_len);
	if (!c->head_len)
		return;		/* empty or too large: the loop refuses it */
	if (c->raw)
		c->head_len = 0;	/* a raw reply is the bare quote */
	c->tail = j->quote;
	c->tail_len = j->quote_len;
	c->sent = 0;
	rc = send_some(c);
	if (rc < 0)
		j->send_errno = errno ? errno : EIO;
	else if (rc == 1)
		shutdown(c->fd, SHUT_WR);	/* the end, now; the loop closes */
	j->sent = rc;
}

/* A refused request: counted, logged once, answered, closed. */
static void reject(struct conn *c, enum qgs_reason why, uint32_t reply_type,
		   uint32_t error, const char *detail)
{
	S.n.rejected[why]++;
	if (c->raw) {
		rlog(why, "%s: rejected: %s%s%s (raw); closed without a reply",
		     c->peer, qgs_reason_name(why), detail ? ": " : "",
		     detail ? detail : "");
		conn_close(c);
		return;
	}
	rlog(why, "%s: rejected: %s%s%s; reply %s", c->peer,
	     qgs_reason_name(why), detail ? ": " : "", detail ? detail : "",
	     qgs_error_name(error));
	c->head_len = qgs_error_reply(c->head, reply_type, error);
	c->tail = NULL;
	c->tail_len = 0;
	reply(c);
}

/*
 * A request that did not arrive whole (end of stream, or the read
 * timeout): best effort, then close.  A raw request is closed without a
 * byte, as Intel's server closes it; any other gets INVALID_SIZE
 * (truncated) or UNEXPECTED (timeout) if the client still listens.
 */
static void reject_and_close(struct conn *c, enum qgs_reason why,
			     const char *detail)
{
	uint32_t error = why == QGS_R_READ_TIMEOUT ?
			 QGS_MSG_ERROR_UNEXPECTED : QGS_MSG_ERROR_INVALID_SIZE;

	S.n.rejected[why]++;
	if (c->raw) {
		rlog(why, "%s: rejected: %s: %s (raw); closed without a reply",
		     c->peer, qgs_reason_name(why), detail);
		conn_close(c);
		return;
	}
	rlog(why, "%s: rejected: %s: %s; reply %s if it still listens",
	     c->peer, qgs_reason_name(why), detail, qgs_error_name(error));
	c->head_len = qgs_error_reply(c->head, QGS_GET_QUOTE_RESP, error);
	c->tail_len = 0;
	c->sent = 0;
	send_some(c);
	conn_close(c);
}

static uint32_t qgs_error_of(int err)
{
	switch (err) {
	case ENOMEM:
		return QGS_MSG_ERROR_OUT_OF_MEMORY;
	case EINVAL:
	case EBADMSG:
		return QGS_MSG_ERROR_INVALID_PARAMETER;
	default:
		return QGS_MSG_ERROR_UNEXPECTED;
	}
}

static void collect(void);

/* A worker is done with c. */
static void job_done(struct conn *c)
{
	struct job *j = &c->job;

	S.n_working--;
	c->owner->queued--;
	S.n.quote_ns += j->ns;
	if (!j->err && j->sent == 2) {
		/* A raw reply is the bare quote: no head. */
		c->head_len = qgs_quote_reply_head(c->head, j->quote_len);
		if (!c->head_len)
			j->err = EMSGSIZE;	/* empty or too large */
		else if (c->raw)
			c->head_len = 0;
	}
	if (j->err == EDESTADDRREQ && !S.told_td) {
		S.told_td = 1;
		qlog(LOG_ERR, "the TDX module needs the TD's handle (its TDR page) and a QGS request names no TD: tdx-qgsd cannot get quotes from this TDX module (docs/hardware.md)");
	}
	if (j->err) {
		S.n.quotes_failed++;
		rlog(RL_QUOTE, "%s: quote failed: %s (TDX status %#llx); %s%s",
		     c->peer, strerror(j->err),
		     (unsigned long long)j->tdx_status,
		     c->raw ? "raw: closed without a reply" : "reply ",
		     c->raw ? "" : qgs_error_name(qgs_error_of(j->err)));
		if (c->raw) {
			conn_close(c);
			return;
		}
		c->head_len = qgs_error_reply(c->head, QGS_GET_QUOTE_RESP,
					      qgs_error_of(j->err));
		c->tail = NULL;
		c->tail_len = 0;
	} else {
		S.n.quotes_ok++;
		if (j->quote_len > QGS_GUEST_QUOTE_MAX) {
			S.n.over_guest_limit++;
			if (!S.told_big) {
				S.told_big = true;
				qlog(LOG_WARNING, "%s: a quote of %zu bytes: above %u, too big for a Linux guest's GetQuote through QEMU (its 8 KiB buffer); served, and counted as quotes_over_guest_limit (logged once)",
				     c->peer, j->quote_len, QGS_GUEST_QUOTE_MAX);
			}
		}
		c->tail = j->quote;
		c->tail_len = j->quote_len;
		qlog(LOG_DEBUG, "%s: quote of %zu bytes in %llu us", c->peer,
		     j->quote_len, (unsigned long long)(j->ns / 1000));
		if (j->sent != 2) {	/* the worker sent it, or began to */
			reply_sent(c, j->sent, j->send_errno);
			return;
		}
	}
	reply(c);
}

/* The whole frame is in: decide. */
static void request_complete(struct conn *c)
{
	struct qgs_request *r = &c->req;
	char detail[96];

	if (c->raw) {
		/* Intel's raw mode: the 1024 bytes are the report. */
		memset(r, 0, sizeof(*r));
		r->action = QGS_DO_QUOTE;
		r->report = c->body;
		r->report_len = c->body_len;
		S.n.raw++;
	} else {
		qgs_parse_request(c->body, c->body_len, r);
	}
	if (r->action == QGS_DO_ERROR) {
		snprintf(detail, sizeof(detail),
			 "%u bytes, version %u.%u, type %u", c->body_len,
			 r->major, r->minor, r->type);
		reject(c, r->reason, r->reply_type, r->error,
		       r->reason == QGS_R_SHORT ? NULL : detail);
		return;
	}
	if (c->owner->queued >= S.cfg->max_queued_per_peer)
		collect();	/* this peer's replies already sent */
	if (c->owner->queued >= S.cfg->max_queued_per_peer) {
		snprintf(detail, sizeof(detail),
			 "%u requests of this peer with the workers",
			 c->owner->queued);
		reject(c, QGS_R_PEER_QUEUE, QGS_GET_QUOTE_RESP,
		       QGS_MSG_ERROR_UNEXPECTED, detail);
		return;
	}
	/* The worker owns c until it is done: no events, no deadline. */
	ep_del(c);
	c->state = C_WORK;
	c->deadline = 0;
	c->job.report = r->report;
	c->job.report_len = r->report_len;
	S.n_working++;
	c->owner->queued++;
	qlog(LOG_DEBUG, "%s: queued (%u of this peer's with the workers)",
	     c->peer, c->owner->queued);
	pool_submit(S.pool, &c->owner->q, c);
}

/*
 * The first QGS_SNIFF_SIZE bytes are in: framed or raw.  0 to read on,
 * -1 when c was answered (and is gone or being written).
 */
static int sniffed(struct conn *c)
{
	char detail[64];
	uint32_t len, have;
	enum qgs_reason why;

	if (qgs_sniff(c->sniff) == QGS_MODE_RAW) {
		c->raw = true;
		len = QGS_RAW_REPORT_SIZE;
		have = QGS_SNIFF_SIZE;
	} else {
		why = qgs_check_prefix(c->sniff, S.cfg->max_message_size, &len);
		if (why != QGS_R_NONE) {
			snprintf(detail, sizeof(detail), "length %u, limit %u",
				 len, S.cfg->max_message_size);
			/* The body is not read: reply, close. */
			ep_del(c);
			reject(c, why, QGS_GET_QUOTE_RESP,
			       QGS_MSG_ERROR_INVALID_SIZE, detail);
			return -1;
		}
		/* A frame shorter than a header ends inside the sniff. */
		have = len < QGS_HDR_SIZE ? len : QGS_HDR_SIZE;
	}
	c->body = malloc(len);
	if (!c->body) {
		ep_del(c);
		if (c->raw) {
			qlog(LOG_ERR, "%s: out of memory; closed", c->peer);
			conn_close(c);
		} else {
			reject(c, QGS_R_TOO_LARGE, QGS_GET_QUOTE_RESP,
			       QGS_MSG_ERROR_OUT_OF_MEMORY, "out of memory");
		}
		return -1;
	}
	memcpy(c->body, c->raw ? c->sniff : c->sniff + QGS_PREFIX_SIZE, have);
	c->body_len = len;
	c->got = have;
	c->state = C_BODY;
	return 0;
}

/* Bytes of the request received so far, prefix included. */
static uint32_t conn_got(const struct conn *c)
{
	if (c->state == C_SNIFF || c->raw)
		return c->got;
	return c->got + QGS_PREFIX_SIZE;
}

static void conn_read(struct conn *c)
{
	for (;;) {
		uint8_t *dst;
		size_t want;
		ssize_t n;
		char detail[64];

		if (c->state == C_SNIFF) {
			dst = c->sniff + c->got;
			want = QGS_SNIFF_SIZE - c->got;
		} else {
			dst = c->body + c->got;
			want = c->body_len - c->got;
		}
		if (want) {
			n = recv(c->fd, dst, want, MSG_DONTWAIT);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return;
			if (n <= 0) {
				if (c->state == C_SNIFF && c->got == 0 && n == 0) {
					/* connected and left: no request */
					S.n.idle++;
					qlog(LOG_DEBUG, "%s: closed without a request",
					     c->peer);
					conn_close(c);
					return;
				}
				snprintf(detail, sizeof(detail),
					 "%s after %u bytes",
					 n ? strerror(errno) : "end of stream",
					 conn_got(c));
				reject_and_close(c, QGS_R_TRUNCATED, detail);
				return;
			}
			/* The first byte: now the read timeout runs. */
			if (!c->got && c->state == C_SNIFF)
				c->deadline = c->t0 + S.cfg->read_timeout_ms;
			c->got += (uint32_t)n;
		}
		if (c->state == C_SNIFF) {
			if (c->got < QGS_SNIFF_SIZE)
				continue;
			if (sniffed(c))
				return;
		}
		if (c->got < c->body_len)
			continue;
		/* Bytes after the frame (or the raw report) are never read. */
		ep_del(c);
		request_complete(c);
		return;
	}
}

static void conn_event(struct conn *c, uint32_t events)
{
	int rc;

	switch (c->state) {
	case C_SNIFF:
	case C_BODY:
		conn_read(c);
		break;
	case C_WRITE:
		rc = send_some(c);
		if (rc == 1) {
			conn_close(c);
		} else if (rc < 0 || (events & (EPOLLERR | EPOLLHUP))) {
			qlog(LOG_INFO, "%s: the client went away during the reply",
			     c->peer);
			S.n.client_gone++;
			conn_close(c);
		}
		break;
	case C_WORK:
		break;
	}
}

/* ---- accepting ------------------------------------------------------------------ */

/* The peer's name for the log, and its identity (*family, *id). */
static void peer_name(int fd, char *buf, size_t len, int *family,
		      uint32_t *id)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct ucred cred;
	socklen_t cl = sizeof(cred);

	*family = 0;
	*id = 0;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl)) {
		snprintf(buf, len, "fd %d", fd);
		return;
	}
	if (ss.ss_family == AF_UNIX &&
	    !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl)) {
		snprintf(buf, len, "unix pid %d uid %u", (int)cred.pid,
			 (unsigned int)cred.uid);
		*family = AF_UNIX;
		*id = cred.uid;
		return;
	}
	sl = sizeof(ss);
	if (ss.ss_family == AF_VSOCK &&
	    !getpeername(fd, (struct sockaddr *)&ss, &sl)) {
		struct sockaddr_vm *vm = (struct sockaddr_vm *)&ss;

		snprintf(buf, len, "vsock cid %u port %u", vm->svm_cid,
			 vm->svm_port);
		*family = AF_VSOCK;
		*id = vm->svm_cid;
		return;
	}
	snprintf(buf, len, "fd %d", fd);
}

/* Refused at accept: counted, logged (rate-limited), UNEXPECTED, closed. */
static void refuse(int fd, const char *peer, enum qgs_reason why,
		   const char *detail)
{
	uint8_t err[QGS_ERR_REPLY_MAX];
	size_t n;

	S.n.rejected[why]++;
	rlog(why, "%s: rejected: %s: %s; reply UNEXPECTED", peer,
	     qgs_reason_name(why), detail);
	n = qgs_error_reply(err, QGS_GET_QUOTE_RESP, QGS_MSG_ERROR_UNEXPECTED);
	if (send(fd, err, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* it is closed either way */
	}
	close(fd);
}

static void listeners_enable(bool on)
{
	for (int i = 0; i < S.n_listeners; i++) {
		struct epoll_event e = {
			.events = EPOLLIN,
			.data.ptr = &S.listeners[i].ev,
		};

		if (S.listeners[i].fd < 0)
			continue;
		epoll_ctl(S.ep, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL,
			  S.listeners[i].fd, &e);
	}
	S.listening = on;
}

static void accept_on(struct listener *l)
{
	for (int batch = 0; batch < 64 && !S.draining; batch++) {
		struct conn *c;
		struct peer *p;
		char peer[64], detail[80];
		uint32_t id;
		int family;
		int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			/* EMFILE and friends: pause accepting a little. */
			qlog(LOG_ERR, "accept on %s: %s; pausing 100 ms",
			     l->name, strerror(errno));
			listeners_enable(false);
			S.accept_resume = now_ms() + 100;
			return;
		}
		peer_name(fd, peer, sizeof(peer), &family, &id);
		S.n.accepted++;
		if (family == AF_VSOCK && !qgsd_cid_allowed(S.cfg, id)) {
			refuse(fd, peer, QGS_R_VSOCK_DENIED,
			       "CID not in vsock_allow, or in vsock_deny");
			continue;
		}
		p = peer_find(family, id);
		if (S.n_conns >= S.cfg->max_connections ||
		    (p && p->conns >= S.cfg->max_connections_per_peer))
			collect();	/* connections already answered */
		if (S.n_conns >= S.cfg->max_connections) {
			snprintf(detail, sizeof(detail), "%u open", S.n_conns);
			refuse(fd, peer, QGS_R_TOO_MANY, detail);
			continue;
		}
		p = peer_find(family, id);
		if (p && p->conns >= S.cfg->max_connections_per_peer) {
			snprintf(detail, sizeof(detail),
				 "%u open from this peer", p->conns);
			refuse(fd, peer, QGS_R_PEER_CONNS, detail);
			continue;
		}
		c = calloc(1, sizeof(*c));
		p = c ? peer_get(family, id) : NULL;
		if (!p) {
			qlog(LOG_ERR, "%s: out of memory; closed", peer);
			free(c);
			close(fd);
			continue;
		}
		p->conns++;
		c->owner = p;
		c->ev.kind = EV_CONN;
		c->fd = fd;
		c->state = C_SNIFF;
		c->t0 = now_ms();
		c->deadline = c->t0 + (S.cfg->first_byte_timeout_ms <
				       S.cfg->read_timeout_ms ?
				       S.cfg->first_byte_timeout_ms :
				       S.cfg->read_timeout_ms);
		memcpy(c->peer, peer, sizeof(peer));
		c->next = S.conns;
		if (S.conns)
			S.conns->prev = c;
		S.conns = c;
		S.n_conns++;
		if (ep_set(c, EPOLLIN)) {
			qlog(LOG_ERR, "%s: epoll: %s; closed", peer,
			     strerror(errno));
			conn_close(c);
			continue;
		}
		qlog(LOG_DEBUG, "%s: connected on %s", peer, l->name);
	}
}

/* ---- listeners --------------------------------------------------------------------- */

static int add_listener(int fd, const char *name, bool unlink_path)
{
	struct listener *l;

	if (S.n_listeners >= MAX_LISTENERS) {
		qlog(LOG_ERR, "too many listeners; %s ignored", name);
		close(fd);
		return -1;
	}
	l = &S.listeners[S.n_listeners++];
	l->ev.kind = EV_LISTEN;
	l->fd = fd;
	l->unlink_path = unlink_path;
	snprintf(l->name, sizeof(l->name), "%s", name);
	qlog(LOG_INFO, "listening on %s", name);
	return 0;
}

/* A UNIX socket's address for the log: its path, "@name", or unnamed. */
static void unix_name(const struct sockaddr_storage *ss, socklen_t sl,
		      char *buf, size_t len)
{
	const struct sockaddr_un *su = (const struct sockaddr_un *)ss;
	size_t off = offsetof(struct sockaddr_un, sun_path), n;

	if (sl <= off) {
		snprintf(buf, len, "(unnamed)");
		return;
	}
	n = sl - off;
	if (su->sun_path[0]) {
		snprintf(buf, len, "%.*s", (int)strnlen(su->sun_path, n),
			 su->sun_path);
		return;
	}
	/* abstract: "@" and the name, up to a NUL, as ss(8) shows it */
	snprintf(buf, len, "@%.*s", (int)(n - 1), su->sun_path + 1);
}

/*
 * systemd's socket activation protocol (sd_listen_fds(3)), by hand: the
 * number of sockets taken; *vsock set when one of them is AF_VSOCK.
 */
static int listen_fds_from_systemd(bool *vsock)
{
	const char *spid = getenv("LISTEN_PID"), *sn = getenv("LISTEN_FDS");
	char *end;
	long pid, n;
	int got = 0;

	if (!spid || !sn)
		return 0;
	pid = strtol(spid, &end, 10);
	if (*end || pid != (long)getpid())
		return 0;
	n = strtol(sn, &end, 10);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (*end || n <= 0 || n > MAX_LISTENERS)
		return 0;
	for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + n; fd++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int acc = 0, fl;
		socklen_t al = sizeof(acc);
		char name[192], path[120];

		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &al) ||
		    !acc || getsockname(fd, (struct sockaddr *)&ss, &sl)) {
			qlog(LOG_ERR, "systemd fd %d is not a listening socket; ignored",
			     fd);
			continue;
		}
		fl = fcntl(fd, F_GETFL);
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		if (ss.ss_family == AF_UNIX) {
			unix_name(&ss, sl, path, sizeof(path));
			snprintf(name, sizeof(name), "systemd fd %d (unix %s)",
				 fd, path);
		} else if (ss.ss_family == AF_VSOCK) {
			snprintf(name, sizeof(name), "systemd fd %d (vsock port %u)",
				 fd, ((struct sockaddr_vm *)&ss)->svm_port);
			*vsock = true;
		} else {
			snprintf(name, sizeof(name), "systemd fd %d (family %d)",
				 fd, ss.ss_family);
		}
		if (!add_listener(fd, name, false))
			got++;
	}
	return got;
}

static int listen_unix(const struct qgsd_config *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)], *slash, name[160];
	struct stat st;
	mode_t old;
	int fd, rc;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", c->socket);
	snprintf(dir, sizeof(dir), "%s", c->socket);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0755) && errno != EEXIST) {
			qlog(LOG_ERR, "mkdir %s: %s", dir, strerror(errno));
			return -1;
		}
	}
	/* A socket left behind by an earlier run goes; anything else stays. */
	if (!lstat(c->socket, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			qlog(LOG_ERR, "%s exists and is not a socket", c->socket);
			return -1;
		}
		unlink(c->socket);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		qlog(LOG_ERR, "socket(AF_UNIX): %s", strerror(errno));
		return -1;
	}
	old = umask(0177);		/* nobody may connect before the chmod */
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc) {
		qlog(LOG_ERR, "bind %s: %s", c->socket, strerror(errno));
		close(fd);
		return -1;
	}
	if (c->socket_group[0]) {
		struct group gr, *g = NULL;
		char buf[4096];

		if (getgrnam_r(c->socket_group, &gr, buf, sizeof(buf), &g) || !g) {
			qlog(LOG_ERR, "socket group '%s': no such group",
			     c->socket_group);
			goto fail;
		}
		if (chown(c->socket, (uid_t)-1, g->gr_gid)) {
			qlog(LOG_ERR, "chown %s to group %s: %s", c->socket,
			     c->socket_group, strerror(errno));
			goto fail;
		}
	}
	if (chmod(c->socket, c->socket_mode)) {
		qlog(LOG_ERR, "chmod %s: %s", c->socket, strerror(errno));
		goto fail;
	}
	if (listen(fd, 128)) {
		qlog(LOG_ERR, "listen %s: %s", c->socket, strerror(errno));
		goto fail;
	}
	snprintf(name, sizeof(name), "unix %s (mode %04o)", c->socket,
		 c->socket_mode);
	return add_listener(fd, name, true);
fail:
	close(fd);
	unlink(c->socket);
	return -1;
}

/* 0, or -1 when vsock is unavailable or the port cannot be had (logged). */
static int listen_vsock(const struct qgsd_config *c)
{
	struct sockaddr_vm sa = {
		.svm_family = AF_VSOCK,
		.svm_cid = c->vsock_cid,
		.svm_port = c->vsock_port,
	};
	char name[64];
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		qlog(LOG_INFO, "vsock unavailable (%s): not listening on port %u",
		     strerror(errno), c->vsock_port);
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 128)) {
		qlog(LOG_WARNING, "vsock port %u: %s: not listening on vsock",
		     c->vsock_port, strerror(errno));
		close(fd);
		return -1;
	}
	if (c->vsock_cid == VMADDR_CID_ANY)
		snprintf(name, sizeof(name), "vsock port %u", c->vsock_port);
	else
		snprintf(name, sizeof(name), "vsock cid %u port %u",
			 c->vsock_cid, c->vsock_port);
	return add_listener(fd, name, true);
}

static void close_listeners(void)
{
	if (S.listening)
		listeners_enable(false);
	for (int i = 0; i < S.n_listeners; i++) {
		struct listener *l = &S.listeners[i];

		if (l->fd < 0)
			continue;
		if (l->unlink_path && !strncmp(l->name, "unix ", 5))
			unlink(S.cfg->socket);
		close(l->fd);
		l->fd = -1;
	}
}

/* ---- signals, the loop ------------------------------------------------------------ */

static void reload(void)
{
	struct qgsd_config c;
	struct qgsd_config *cur = S.cfg;

	if (qgsd_load_config(&c)) {
		qlog(LOG_ERR, "reload failed: keeping the configuration");
		return;
	}
	if (strcmp(c.socket, cur->socket) || c.socket_mode != cur->socket_mode ||
	    strcmp(c.socket_group, cur->socket_group) ||
	    c.vsock_port != cur->vsock_port || c.vsock_cid != cur->vsock_cid)
		qlog(LOG_NOTICE, "reload: listener changes take effect at restart");
	if (strcmp(c.device, cur->device) || c.workers != cur->workers)
		qlog(LOG_NOTICE, "reload: device and workers change at restart");
	cur->max_connections = c.max_connections;
	cur->max_connections_per_peer = c.max_connections_per_peer;
	cur->max_queued_per_peer = c.max_queued_per_peer;
	cur->max_message_size = c.max_message_size;
	cur->first_byte_timeout_ms = c.first_byte_timeout_ms;
	cur->read_timeout_ms = c.read_timeout_ms;
	cur->log_rejects_per_second = c.log_rejects_per_second;
	cur->vsock_allow = c.vsock_allow;
	cur->vsock_deny = c.vsock_deny;
	cur->write_timeout_ms = c.write_timeout_ms;
	cur->log_level = c.log_level;
	qlog(LOG_NOTICE,
	     "reloaded: max_connections=%u max_connections_per_peer=%u max_queued_per_peer=%u max_message_size=%u first_byte_timeout=%ums read_timeout=%ums write_timeout=%ums log_rejects_per_second=%u log_level=%d",
	     cur->max_connections, cur->max_connections_per_peer,
	     cur->max_queued_per_peer, cur->max_message_size,
	     cur->first_byte_timeout_ms, cur->read_timeout_ms,
	     cur->write_timeout_ms, cur->log_rejects_per_second,
	     cur->log_level);
}

static void on_signal(void)
{
	struct signalfd_siginfo si;

	while (read(S.sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			if (!S.draining) {
				qlog(LOG_NOTICE,
				     "signal %u: no more connections; finishing %u open (%u quoting)",
				     si.ssi_signo, S.n_conns, S.n_working);
				S.draining = true;
				close_listeners();
			}
			break;
		case SIGHUP:
			reload();
			break;
		case SIGUSR1:
			collect();	/* replies sent, not yet counted */
			log_counters("SIGUSR1");
			break;
		}
	}
}

static void on_workers(void)
{
	uint64_t v;

	if (read(S.evfd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		qlog(LOG_ERR, "eventfd: %s", strerror(errno));
	collect();
}

/*
 * The jobs the workers have finished: counted, logged, closed or written
 * on.  Also called before a limit refuses a connection or a request: a
 * worker sends a reply before this loop hears of it, so the client may be
 * back before the loop collects its last job.  It only closes
 * connections the workers had, none with an event in epoll's batch.
 */
static void collect(void)
{
	struct conn *c, *next;

	for (c = pool_take_done(S.pool); c; c = next) {
		next = c->job_next;
		job_done(c);
	}
}

/* Connections past their deadline; returns the ms to the next one. */
static int expire(void)
{
	uint64_t t = now_ms(), next = UINT64_MAX;
	struct conn *c, *n;
	char detail[64];
	int rl;

	for (c = S.conns; c; c = n) {
		n = c->next;
		if (!c->deadline)
			continue;
		if (c->deadline <= t) {
			if (c->state == C_SNIFF && !c->got) {
				/* connected, and not a byte since */
				S.n.rejected[QGS_R_IDLE]++;
				rlog(QGS_R_IDLE, "%s: rejected: %s: no byte in %llu ms; closed without a reply",
				     c->peer, qgs_reason_name(QGS_R_IDLE),
				     (unsigned long long)(t - c->t0));
				conn_close(c);
			} else if (c->state == C_WRITE) {
				S.n.write_timeouts++;
				qlog(LOG_WARNING, "%s: write timeout after %u ms; closed",
				     c->peer, S.cfg->write_timeout_ms);
				conn_close(c);
			} else {
				snprintf(detail, sizeof(detail),
					 "%u bytes in %llu ms", conn_got(c),
					 (unsigned long long)(t - c->t0));
				reject_and_close(c, QGS_R_READ_TIMEOUT, detail);
			}
			continue;
		}
		if (c->deadline < next)
			next = c->deadline;
	}
	if (!S.listening && !S.draining && S.accept_resume) {
		if (S.accept_resume <= t) {
			S.accept_resume = 0;
			listeners_enable(true);
		} else if (S.accept_resume < next) {
			next = S.accept_resume;
		}
	}
	rl = rl_tick(false);
	if (rl >= 0 && (next == UINT64_MAX || t + (uint64_t)rl < next))
		next = t + (uint64_t)rl;
	if (next == UINT64_MAX)
		return -1;
	return next - t > 60000 ? 60000 : (int)(next - t) + 1;
}

static int setup_fds(void)
{
	sigset_t set;
	struct epoll_event e = { .events = EPOLLIN };

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	/* Blocked in every thread (workers inherit the mask). */
	if (pthread_sigmask(SIG_BLOCK, &set, NULL))
		return -1;
	signal(SIGPIPE, SIG_IGN);
	S.sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	S.evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	S.ep = epoll_create1(EPOLL_CLOEXEC);
	if (S.sigfd < 0 || S.evfd < 0 || S.ep < 0)
		return -1;
	S.sig_ev.kind = EV_SIGNAL;
	S.workers_ev.kind = EV_WORKERS;
	e.data.ptr = &S.sig_ev;
	if (epoll_ctl(S.ep, EPOLL_CTL_ADD, S.sigfd, &e))
		return -1;
	e.data.ptr = &S.workers_ev;
	return epoll_ctl(S.ep, EPOLL_CTL_ADD, S.evfd, &e);
}

static int detach(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	if (chdir("/"))
		return -1;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	qgsd_use_syslog();
	return 0;
}

int qgsd_serve(struct qgsd_config *cfg, bool foreground)
{
	struct epoll_event evs[64];
	bool have_vsock = false;
	int rc = 1, n, timeout;

	S.cfg = cfg;
	S.sigfd = S.evfd = S.ep = -1;
	if (setup_fds()) {
		qlog(LOG_ERR, "setting up epoll, signals: %s", strerror(errno));
		goto out;
	}
	/*
	 * Sockets from systemd replace the UNIX socket; vsock, unless one of
	 * them is a vsock socket, the daemon opens itself (a host without
	 * vhost_vsock would fail a socket unit listening on it).
	 */
	if (!listen_fds_from_systemd(&have_vsock) && cfg->socket[0] &&
	    listen_unix(cfg))
		goto out;
	if (!have_vsock && cfg->vsock_port)
		listen_vsock(cfg);
	if (!S.n_listeners) {
		qlog(LOG_ERR, "no socket to listen on");
		goto out;
	}
	if (!foreground && detach()) {
		qlog(LOG_ERR, "detaching: %s", strerror(errno));
		goto out;
	}
	S.pool = pool_start(cfg->workers, cfg->device, S.evfd);
	if (!S.pool)
		goto out;
	listeners_enable(true);
	qlog(LOG_NOTICE,
	     "tdx-qgsd ready: device %s, %u workers, max_connections=%u max_connections_per_peer=%u max_queued_per_peer=%u max_message_size=%u first_byte_timeout=%ums read_timeout=%ums write_timeout=%ums",
	     cfg->device, cfg->workers, cfg->max_connections,
	     cfg->max_connections_per_peer, cfg->max_queued_per_peer,
	     cfg->max_message_size, cfg->first_byte_timeout_ms,
	     cfg->read_timeout_ms, cfg->write_timeout_ms);

	while (!S.draining || S.n_conns) {
		timeout = expire();
		if (S.draining && !S.n_conns)
			break;
		n = epoll_wait(S.ep, evs, 64, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			qlog(LOG_ERR, "epoll_wait: %s", strerror(errno));
			goto out;
		}
		/* Worker results first: they may free connections. */
		for (int i = 0; i < n; i++)
			if (((struct ev *)evs[i].data.ptr)->kind == EV_WORKERS)
				on_workers();
		for (int i = 0; i < n; i++) {
			struct ev *ev = evs[i].data.ptr;

			switch (ev->kind) {
			case EV_LISTEN:
				if (S.listening)
					accept_on((struct listener *)ev);
				break;
			case EV_CONN:
				/*
				 * A connection closed by an earlier event of
				 * this batch is never in it twice: each fd has
				 * one event, and closing only happens to the
				 * one being handled, to ones the workers had
				 * (collect(): out of epoll since), or by
				 * expire(), run before epoll_wait.
				 */
				conn_event((struct conn *)ev, evs[i].events);
				break;
			case EV_SIGNAL:
				on_signal();
				break;
			case EV_WORKERS:
				break;
			}
		}
	}
	rc = 0;
out:
	close_listeners();
	/*
	 * On an error exit, jobs may still be out: pool_stop lets them finish;
	 * their connections are still on S.conns.
	 */
	pool_stop(S.pool);
	while (S.conns)
		conn_close(S.conns);
	log_counters("exit");
	if (S.ep >= 0)
		close(S.ep);
	if (S.sigfd >= 0)
		close(S.sigfd);
	if (S.evfd >= 0)
		close(S.evfd);
	if (rc == 0)
		qlog(LOG_NOTICE, "exiting");
	return rc;
}
