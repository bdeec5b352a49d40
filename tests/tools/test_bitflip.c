// SPDX-License-Identifier: GPL-2.0
/*
 * Every single-bit flip of a valid quote must be refused by tdxq_verify().
 *
 *   test_bitflip QUOTE ROOT SAMPLE_OUT [NPROC]
 *
 * Locates, in the quote as received, the contents of the protected header,
 * the payload, the signature and every certificate (its own small CBOR
 * head reader: no libtdxquote code), flips each bit of those ranges in
 * turn and calls tdxq_verify() in-process; any TDXQ_OK is a failure.  The
 * work is spread over NPROC (default: online CPUs) forked processes.
 *
 * Each worker verifies through a chain cache (tdxq_verify_cached()) that
 * holds the unflipped quote's chain: a flip in a certificate is another
 * chain, a flip elsewhere finds the cached one.  Either way the status
 * must be refused; on the sampled flips it must equal tdxq_verify()'s
 * without a cache, and the unflipped quote must still verify through the
 * cache (a hit) after them.
 *
 * SAMPLE_OUT gets "offset bit status" lines for every flip of the
 * protected header and every 61st flip overall, for pyverify.py --flips.
 * Exit status: 0 all refused, 1 a flip was accepted or a worker failed,
 * 2 setup error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tdxq.h"

#define MAX_RANGES	(3 + TDXQ_MAX_CERTS)
#define SAMPLE_EVERY	61

struct range {
	char name[16];
	size_t off, len;
};

static struct range ranges[MAX_RANGES];
static size_t n_ranges;

/* CBOR head at *pos: major type and argument; -1 if truncated/odd. */
static int head(const uint8_t *b, size_t len, size_t *pos, int *major,
		uint64_t *val)
{
	uint8_t ib, ai;
	size_t w, i;

	if (*pos >= len)
		return -1;
	ib = b[(*pos)++];
	*major = ib >> 5;
	ai = ib & 31;
	if (ai < 24) {
		*val = ai;
		return 0;
	}
	if (ai > 27)
		return -1;
	w = (size_t)1 << (ai - 24);
	if (len - *pos < w)
		return -1;
	*val = 0;
	for (i = 0; i < w; i++)
		*val = *val << 8 | b[(*pos)++];
	return 0;
}

static int skip(const uint8_t *b, size_t len, size_t *pos, int depth)
{
	int major;
	uint64_t v, i;

	if (depth > 64 || head(b, len, pos, &major, &v))
		return -1;
	switch (major) {
	case 2:
	case 3:
		if (v > len - *pos)
			return -1;
		*pos += v;
		return 0;
	case 4:
	case 5:
		for (i = 0; i < (major == 5 ? 2 * v : v); i++)
			if (skip(b, len, pos, depth + 1))
				return -1;
		return 0;
	case 6:
		return skip(b, len, pos, depth + 1);
	default:
		return 0;
	}
}

static int add_bstr(const uint8_t *b, size_t len, size_t *pos,
		    const char *name)
{
	int major;
	uint64_t v;

	if (head(b, len, pos, &major, &v) || major != 2 || v > len - *pos ||
	    n_ranges == MAX_RANGES)
		return -1;
	snprintf(ranges[n_ranges].name, sizeof(ranges[0].name), "%s", name);
	ranges[n_ranges].off = *pos;
	ranges[n_ranges].len = v;
	n_ranges++;
	*pos += v;
	return 0;
}

static int locate(const uint8_t *b, size_t len)
{
	size_t pos = 0;
	int major, ncert = 0;
	uint64_t v, n, i, j;
	char name[16];

	if (head(b, len, &pos, &major, &v) || major != 6 || v != 61 ||
	    head(b, len, &pos, &major, &v) || major != 6 || v != 18 ||
	    head(b, len, &pos, &major, &v) || major != 4 || v != 4)
		return -1;
	if (add_bstr(b, len, &pos, "protected"))
		return -1;
	if (head(b, len, &pos, &major, &n) || major != 5)
		return -1;
	for (i = 0; i < n; i++) {
		size_t key = pos;

		if (head(b, len, &pos, &major, &v))
			return -1;
		if (major != 0 || (v != 32 && v != 33)) {
			pos = key;
			if (skip(b, len, &pos, 0) || skip(b, len, &pos, 0))
				return -1;
			continue;
		}
		{
			size_t save = pos;

			if (head(b, len, &pos, &major, &v))
				return -1;
			if (major == 2) {
				pos = save;
				if (add_bstr(b, len, &pos, "cert0"))
					return -1;
				continue;
			}
			if (major != 4)
				return -1;
			for (j = 0; j < v; j++) {
				snprintf(name, sizeof(name), "cert%d", ncert++);
				if (add_bstr(b, len, &pos, name))
					return -1;
			}
		}
	}
	if (add_bstr(b, len, &pos, "payload") ||
	    add_bstr(b, len, &pos, "signature") || pos != len)
		return -1;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* What a worker reports to the parent. */
struct tally {
	unsigned long st[MAX_RANGES][6];
	unsigned long accepted, other, cache_bad, hits;
};

static int worker(int k, int nproc, uint8_t *buf, size_t len,
		  const struct tdxq_trust *t, time_t when, const char *sample,
		  int fd)
{
	struct tdxq_cache_stats cst;
	struct tdxq_cache *cache;
	struct tally ta;
	char path[4096];
	unsigned long idx = 0;
	FILE *out;
	size_t r, o;
	int bit;

	memset(&ta, 0, sizeof(ta));
	cache = tdxq_cache_new();
	if (!cache || tdxq_verify_cached(buf, len, t, NULL, when, cache, NULL,
					 NULL) != TDXQ_OK) {
		fprintf(stderr, "worker %d: the cache does not take the quote\n",
			k);
		return 2;
	}
	snprintf(path, sizeof(path), "%s.%d", sample, k);
	out = fopen(path, "w");
	if (!out) {
		perror(path);
		return 2;
	}
	for (r = 0; r < n_ranges; r++) {
		for (o = 0; o < ranges[r].len; o++) {
			for (bit = 0; bit < 8; bit++, idx++) {
				size_t off = ranges[r].off + o;
				struct tdxq_err e;
				enum tdxq_status s;

				if ((int)(idx % (unsigned long)nproc) != k)
					continue;
				buf[off] ^= (uint8_t)(1u << bit);
				s = tdxq_verify_cached(buf, len, t, NULL, when,
						       cache, NULL, &e);
				if (r == 0 || idx % SAMPLE_EVERY == 0) {
					enum tdxq_status s2;

					s2 = tdxq_verify(buf, len, t, NULL,
							 when, NULL, &e);
					if (s2 != s) {
						ta.cache_bad++;
						printf("CACHE MISMATCH offset %zu bit %d: %d cached, %d not\n",
						       off, bit, (int)s,
						       (int)s2);
					}
				}
				buf[off] ^= (uint8_t)(1u << bit);
				if (idx % SAMPLE_EVERY == 0 &&
				    tdxq_verify_cached(buf, len, t, NULL, when,
						       cache, NULL, &e) !=
				    TDXQ_OK) {
					ta.cache_bad++;
					printf("CACHE: the unflipped quote failed after offset %zu bit %d: %s\n",
					       off, bit, e.msg);
				}
				if (s == TDXQ_OK) {
					ta.accepted++;
					printf("ACCEPTED offset %zu bit %d (%s)\n",
					       off, bit, ranges[r].name);
				} else if ((unsigned)s > TDXQ_POLICY) {
					ta.other++;
				} else {
					ta.st[r][s]++;
				}
				if (r == 0 || idx % SAMPLE_EVERY == 0)
					fprintf(out, "%zu %d %d\n", off, bit,
						(int)s);
			}
		}
	}
	tdxq_cache_get_stats(cache, &cst);
	ta.hits = cst.hits;
	tdxq_cache_free(cache);
	if (fclose(out)) {
		perror(path);
		return 2;
	}
	fflush(stdout);
	if (write(fd, &ta, sizeof(ta)) != (ssize_t)sizeof(ta))
		return 2;
	return 0;
}

int main(int argc, char **argv)
{
	struct tdxq_trust *t;
	struct tdxq_err e;
	struct tally sum;
	uint8_t *buf;
	size_t len, r, total = 0;
	int nproc, k, fail = 0, fds[2];
	pid_t pids[64];
	time_t when = time(NULL);
	double t0;
	FILE *all;
	static const char *const stname[] = { "ok", "usage", "malformed",
		"untrusted", "signature", "policy" };

	if (argc < 4) {
		fprintf(stderr, "usage: %s QUOTE ROOT SAMPLE_OUT [NPROC]\n",
			argv[0]);
		return 2;
	}
	nproc = argc > 4 ? atoi(argv[4]) : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (nproc < 1)
		nproc = 1;
	if (nproc > 64)
		nproc = 64;
	if (tdxq_read_file(argv[1], TDXQ_MAX_QUOTE_SIZE, &buf, &len)) {
		fprintf(stderr, "%s: cannot read\n", argv[1]);
		return 2;
	}
	t = tdxq_trust_new();
	if (!t || tdxq_trust_add_file(t, argv[2], &e) != TDXQ_OK) {
		fprintf(stderr, "%s: %s\n", argv[2], t ? e.msg : "no memory");
		goto setup_error;
	}
	if (tdxq_verify(buf, len, t, NULL, when, NULL, &e) != TDXQ_OK) {
		fprintf(stderr, "the unflipped quote does not verify: %s\n",
			e.msg);
		goto setup_error;
	}
	if (locate(buf, len)) {
		fprintf(stderr, "cannot locate the quote's parts\n");
		goto setup_error;
	}
	for (r = 0; r < n_ranges; r++)
		total += ranges[r].len * 8;
	printf("quote %zu bytes, %zu ranges, %zu flips, %d processes\n", len,
	       n_ranges, total, nproc);
	fflush(stdout);
	if (pipe(fds)) {
		perror("pipe");
		return 2;
	}
	t0 = now_s();
	for (k = 0; k < nproc; k++) {
		pids[k] = fork();
		if (pids[k] < 0) {
			perror("fork");
			return 2;
		}
		if (pids[k] == 0) {
			int rc;

			close(fds[0]);
			rc = worker(k, nproc, buf, len, t, when, argv[3],
				    fds[1]);
			close(fds[1]);
			tdxq_trust_free(t);
			free(buf);
			exit(rc);
		}
	}
	close(fds[1]);
	memset(&sum, 0, sizeof(sum));
	for (k = 0; k < nproc; k++) {
		struct tally ta;
		ssize_t n = read(fds[0], &ta, sizeof(ta));
		size_t i, j;

		if (n != (ssize_t)sizeof(ta)) {
			fail = 1;
			break;
		}
		for (i = 0; i < MAX_RANGES; i++)
			for (j = 0; j < 6; j++)
				sum.st[i][j] += ta.st[i][j];
		sum.accepted += ta.accepted;
		sum.other += ta.other;
		sum.cache_bad += ta.cache_bad;
		sum.hits += ta.hits;
	}
	for (k = 0; k < nproc; k++) {
		int ws;

		if (waitpid(pids[k], &ws, 0) < 0 || !WIFEXITED(ws) ||
		    WEXITSTATUS(ws)) {
			printf("worker %d failed (wait status %#x)\n", k, ws);
			fail = 1;
		}
	}
	printf("elapsed %.1f s (%.0f verifications/s)\n", now_s() - t0,
	       total / (now_s() - t0));
	for (r = 0; r < n_ranges; r++) {
		int s;

		printf("  %-10s off %5zu len %5zu:", ranges[r].name,
		       ranges[r].off, ranges[r].len);
		for (s = 1; s < 6; s++)
			if (sum.st[r][s])
				printf(" %s %lu", stname[s], sum.st[r][s]);
		printf("\n");
	}
	printf("accepted %lu, unknown status %lu\n", sum.accepted, sum.other);
	printf("cache: %lu hits, %lu disagreements\n", sum.hits,
	       sum.cache_bad);
	if (sum.cache_bad || !sum.hits) {
		printf("the chain cache failed: %s\n",
		       sum.cache_bad ? "it disagrees" : "not one hit");
		fail = 1;
	}

	/* merge the samples */
	all = fopen(argv[3], "w");
	if (!all) {
		perror(argv[3]);
		return 2;
	}
	for (k = 0; k < nproc; k++) {
		char path[4096], line[128];
		FILE *in;

		snprintf(path, sizeof(path), "%s.%d", argv[3], k);
		in = fopen(path, "r");
		if (!in) {
			fail = 1;
			continue;
		}
		while (fgets(line, sizeof(line), in))
			fputs(line, all);
		fclose(in);
		unlink(path);
	}
	fclose(all);
	tdxq_trust_free(t);
	free(buf);
	return fail || sum.accepted || sum.other ? 1 : 0;

setup_error:
	tdxq_trust_free(t);
	free(buf);
	return 2;
}
