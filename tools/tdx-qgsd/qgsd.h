/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tdx-qgsd internals: configuration and logging (main.c), the event loop
 * (server.c) and the worker pool that makes the blocking ioctls (worker.c).
 * docs/qgsd.md is the user's view.
 */
#ifndef QGSD_H
#define QGSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>
#include <sys/un.h>

#include "qgs.h"

#define QGSD_CONF_PATH		"/etc/tdx-ext/tdx-qgsd.conf"
#define QGSD_SOCKET_PATH	"/run/tdx-qgs/qgs.socket"
#define QGSD_VSOCK_PORT		4050
#define QGSD_MAX_WORKERS	256
#define QGSD_MAX_CID_RANGES	32

/* A list of vsock CIDs: ranges lo..hi. */
struct qgsd_cids {
	unsigned int n;
	struct { uint32_t lo, hi; } r[QGSD_MAX_CID_RANGES];
};

struct qgsd_config {
	char socket[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* "": none */
	unsigned int socket_mode;
	char socket_group[64];		/* "": the daemon's own group */
	unsigned int vsock_port;	/* 0: none */
	unsigned int vsock_cid;		/* VMADDR_CID_ANY by default */
	char device[256];
	unsigned int workers;
	unsigned int max_connections;
	unsigned int max_connections_per_peer;
	unsigned int max_queued_per_peer;
	uint32_t max_message_size;
	unsigned int first_byte_timeout_ms;
	unsigned int read_timeout_ms;
	unsigned int write_timeout_ms;
	unsigned int log_rejects_per_second;	/* per reason; 0: no limit */
	struct qgsd_cids vsock_allow, vsock_deny;
	int log_level;			/* LOG_ERR .. LOG_DEBUG */
};

/* A vsock peer's CID is let in: allowed and not denied. */
bool qgsd_cid_allowed(const struct qgsd_config *c, uint32_t cid);

/* ---- main.c ---------------------------------------------------------------- */

extern int qgsd_log_level;
__attribute__((format(printf, 2, 3)))
void qlog(int level, const char *fmt, ...);
/* From now on, log to syslog (after detaching). */
void qgsd_use_syslog(void);
/*
 * Defaults, then the config file, then the command line's options again.
 * 0, or -1 with the reason logged (the configuration is then unchanged).
 */
int qgsd_load_config(struct qgsd_config *c);

/* ---- worker.c --------------------------------------------------------------- */

struct conn;
struct pool;
/*
 * One peer's queue in the pool (the pool's own, under its lock): the
 * workers take the peers' requests round robin, one request per peer
 * with requests waiting, in turn.
 */
struct pool_q {
	struct conn *head, *tail;
	struct pool_q *rr_next;
	bool in_rr;
};
/* Starts n workers that quote with device; results come back on evfd. */
struct pool *pool_start(unsigned int n, const char *device, int evfd);
void pool_submit(struct pool *p, struct pool_q *q, struct conn *c);
/* The finished jobs, in no particular order (linked by job_next). */
struct conn *pool_take_done(struct pool *p);
/* Lets the workers finish their jobs and joins them. */
void pool_stop(struct pool *p);

/* What a worker fills in (the rest of struct conn is the loop's). */
struct job {
	const uint8_t *report;
	uint32_t report_len;
	int err;			/* 0 or an errno */
	uint64_t tdx_status;
	uint8_t *quote;			/* malloc'd by libtdxquote */
	size_t quote_len;
	uint64_t ns;			/* time in the ioctl */
	/*
	 * conn_reply_early()'s outcome: 1 the whole reply went out, 0 part
	 * of it (the loop writes the rest), -1 sending failed (send_errno),
	 * 2 not tried (an error reply, or a quote the loop must refuse).
	 */
	int sent;
	int send_errno;
};
struct job *conn_job(struct conn *c);
struct conn **conn_job_next(struct conn *c);
/*
 * Called by the worker that holds c, after its quote: sends a successful
 * quote's reply at once, so the client need not wait for the event loop
 * to wake up and collect the job.  Touches nothing but c.
 */
void conn_reply_early(struct conn *c);

/* ---- server.c --------------------------------------------------------------- */

/* Runs until SIGTERM/SIGINT and the last connection are done: exit code. */
int qgsd_serve(struct qgsd_config *cfg, bool foreground);

#endif /* QGSD_H */
