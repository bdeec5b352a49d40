// SPDX-License-Identifier: GPL-2.0
/*
 * tdx-qgsd's worker pool: threads that make the blocking TDX_QUOTE_GET_QUOTE
 * ioctls, so that many quotes are in flight at once (the driver queues
 * them) while the event loop stays free.  A worker only ever gets a whole,
 * validated request: slow clients are the event loop's business.
 *
 * Each quote opens the device and closes it after: between requests the
 * daemon holds no reference to the driver, so it can be unloaded and
 * loaded again (rmmod tdx_ext) under a running daemon, and a daemon
 * started before the device exists answers UNEXPECTED until it does.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qgsd.h"
#include "tdxq.h"

struct pool {
	/*
	 * mu guards the peers' queues (struct pool_q), the ring rr, done and
	 * stop: the event loop queues requests and collects results while the
	 * workers take and finish them.  cv wakes workers when a request is
	 * queued or stop is set.  A worker sends a quote's reply (never
	 * blocking: MSG_DONTWAIT) under mu, in the same hold that puts the
	 * job on done: a client that has its reply and comes straight back
	 * finds its earlier request on done as soon as the loop can take mu,
	 * so the loop's per-peer counts never refuse it for a request that
	 * is over (server.c, collect()).
	 */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pool_q *rr, *rr_tail;	/* peers with requests, in turn */
	struct conn *done;
	bool stop;
	unsigned int n;
	pthread_t *threads;
	char device[256];
	int evfd;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One quote, on a device fd of its own. */
static void quote(struct pool *p, struct job *j)
{
	uint64_t t0 = now_ns();
	int rc, fd;

	j->quote = NULL;
	j->quote_len = 0;
	j->tdx_status = 0;
	fd = tdxq_dev_open(p->device);
	if (fd < 0) {
		j->err = -fd;
		j->ns = now_ns() - t0;
		return;
	}
	rc = tdxq_dev_get_quote(fd, j->report, j->report_len, 0, &j->quote,
				&j->quote_len, &j->tdx_status);
	close(fd);
	j->err = -rc;
	if (!rc && (!j->quote || !j->quote_len))
		j->err = EIO;		/* never a success without a quote */
	if (j->err) {
		free(j->quote);
		j->quote = NULL;
		j->quote_len = 0;
	}
	j->ns = now_ns() - t0;
}

/*
 * The next request, under p->mu: the first of the peer whose turn it is;
 * that peer goes to the back of the ring if it has more.  A peer with
 * many requests waiting delays another's by one request at most.
 */
static struct conn *take(struct pool *p)
{
	struct pool_q *q = p->rr;
	struct conn *c;

	if (!q)
		return NULL;
	p->rr = q->rr_next;
	if (!p->rr)
		p->rr_tail = NULL;
	q->rr_next = NULL;
	c = q->head;
	q->head = *conn_job_next(c);
	if (!q->head) {
		q->tail = NULL;
		q->in_rr = false;
	} else {
		if (p->rr_tail)
			p->rr_tail->rr_next = q;
		else
			p->rr = q;
		p->rr_tail = q;
	}
	return c;
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	uint64_t one = 1;
	struct conn *c;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (!p->rr && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		c = take(p);
		if (!c) {		/* stopping, and nothing left */
			pthread_mutex_unlock(&p->mu);
			break;
		}
		pthread_mutex_unlock(&p->mu);

		quote(p, conn_job(c));

		pthread_mutex_lock(&p->mu);
		conn_reply_early(c);
		*conn_job_next(c) = p->done;
		p->done = c;
		pthread_mutex_unlock(&p->mu);
		while (write(p->evfd, &one, sizeof(one)) < 0 && errno == EINTR)
			;
	}
	return NULL;
}

struct pool *pool_start(unsigned int n, const char *device, int evfd)
{
	struct pool *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return NULL;
	p->threads = calloc(n, sizeof(*p->threads));
	if (!p->threads) {
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	snprintf(p->device, sizeof(p->device), "%s", device);
	p->evfd = evfd;
	for (p->n = 0; p->n < n; p->n++) {
		rc = pthread_create(&p->threads[p->n], NULL, worker, p);
		if (rc) {
			qlog(LOG_ERR, "starting worker %u: %s", p->n,
			     strerror(rc));
			pool_stop(p);
			return NULL;
		}
	}
	return p;
}

void pool_submit(struct pool *p, struct pool_q *q, struct conn *c)
{
	pthread_mutex_lock(&p->mu);
	*conn_job_next(c) = NULL;
	if (q->tail)
		*conn_job_next(q->tail) = c;
	else
		q->head = c;
	q->tail = c;
	if (!q->in_rr) {
		q->in_rr = true;
		q->rr_next = NULL;
		if (p->rr_tail)
			p->rr_tail->rr_next = q;
		else
			p->rr = q;
		p->rr_tail = q;
	}
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

struct conn *pool_take_done(struct pool *p)
{
	struct conn *c;

	pthread_mutex_lock(&p->mu);
	c = p->done;
	p->done = NULL;
	pthread_mutex_unlock(&p->mu);
	return c;
}

void pool_stop(struct pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (unsigned int i = 0; i < p->n; i++)
		pthread_join(p->threads[i], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p->threads);
	free(p);
}
