// SPDX-License-Identifier: GPL-2.0
/*
 * Host benchmark of quote verification against OpenSSL's own P-384
 * verify, all measured in this process, in the same run:
 *
 *   bench_verify QUOTE ROOT [REPS [SECONDS]]
 *
 * Each of REPS (default 7) repetitions measures, interleaved in blocks
 * of 4 calls for SECONDS (default 1.5) in all:
 *   p384    one ECDSA P-384 / SHA-384 verify with OpenSSL's EVP API (a new
 *           EVP_MD_CTX, EVP_DigestVerifyInit, EVP_DigestVerify of a
 *           1 KiB message with a parsed key: what the verifier does for
 *           each of its checks);
 *   verify  one tdxq_verify() of QUOTE;
 *   batch   one tdxq_verify_cached() of QUOTE with a cache that holds its
 *           chain (quotes of one platform, verified in a batch);
 * and prints one line per repetition:
 *
 *   BENCH raw verify_cost_ratio R p384_us=.. verify_us=.. checks=C
 *   BENCH raw verify_batch_cost_ratio R p384_us=.. batch_us=..
 *
 * verify_cost_ratio = verify time / (C x p384 time), C the P-384 checks a
 * verification makes (the COSE signature and one per certificate below
 * the root): 1.0 means nothing but the signature checks costs time.
 * verify_batch_cost_ratio = batch time / p384 time: a batched quote makes
 * one check.  Figures only, no verdict; tests/bench/summary.py takes the
 * median.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "tdxq.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static EVP_PKEY *key;
static unsigned char msg[1024], sig[128];
static size_t sig_len;

static int p384_setup(void)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t i;
	int ok;

	key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(i * 7);
	sig_len = sizeof(sig);
	ok = key && md &&
	     EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, key) == 1 &&
	     EVP_DigestSign(md, sig, &sig_len, msg, sizeof(msg)) == 1;
	EVP_MD_CTX_free(md);
	return ok ? 0 : -1;
}

static int p384_once(void)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = md &&
		 EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL, key) == 1 &&
		 EVP_DigestVerify(md, sig, sig_len, msg, sizeof(msg)) == 1;

	EVP_MD_CTX_free(md);
	return ok ? 0 : -1;
}

struct ctx {
	const uint8_t *buf;
	size_t len;
	struct tdxq_trust *t;
	struct tdxq_cache *cache;
};

static int verify_once(struct ctx *c)
{
	struct tdxq_err e;

	if (tdxq_verify(c->buf, c->len, c->t, NULL, (time_t)-1, NULL,
			&e) == TDXQ_OK)
		return 0;
	fprintf(stderr, "verify failed: %s\n", e.msg);
	return -1;
}

static int batch_once(struct ctx *c)
{
	struct tdxq_err e;

	if (tdxq_verify_cached(c->buf, c->len, c->t, NULL, (time_t)-1,
			       c->cache, NULL, &e) == TDXQ_OK)
		return 0;
	fprintf(stderr, "batch verify failed: %s\n", e.msg);
	return -1;
}

/*
 * Seconds per call of each of p384, verify and batch (out[0..2]) over
 * about secs in all: the three are interleaved in blocks of a few calls,
 * so that the machine's drift (frequency, other load) falls on each
 * alike.  -1 on failure.
 */
static int per_call(struct ctx *c, double secs, double out[3])
{
	unsigned long n[3] = { 0, 0, 0 };
	double t[3] = { 0, 0, 0 }, start = now_s();

	do {
		for (int what = 0; what < 3; what++) {
			double t0 = now_s();

			for (int i = 0; i < 4; i++, n[what]++) {
				int rc = what == 0 ? p384_once() :
					 what == 1 ? verify_once(c) :
					 batch_once(c);

				if (rc)
					return -1;
			}
			t[what] += now_s() - t0;
		}
	} while (now_s() - start < secs);
	for (int what = 0; what < 3; what++)
		out[what] = t[what] / (double)n[what];
	return 0;
}

int main(int argc, char **argv)
{
	struct tdxq_result res;
	struct tdxq_err e;
	struct ctx c;
	double t[3];
	int reps = argc > 3 ? atoi(argv[3]) : 7;
	double secs = argc > 4 ? atof(argv[4]) : 1.5;
	size_t checks;
	uint8_t *buf;

	if (argc < 3 || reps < 1 || secs <= 0) {
		fprintf(stderr, "usage: %s QUOTE ROOT [REPS [SECONDS]]\n",
			argv[0]);
		return 2;
	}
	if (tdxq_read_file(argv[1], TDXQ_MAX_QUOTE_SIZE, &buf, &c.len)) {
		fprintf(stderr, "%s: cannot read\n", argv[1]);
		return 2;
	}
	c.buf = buf;
	c.t = tdxq_trust_new();
	c.cache = tdxq_cache_new();
	if (!c.t || !c.cache || tdxq_trust_add_file(c.t, argv[2], &e)) {
		fprintf(stderr, "%s: %s\n", argv[2],
			c.t && c.cache ? e.msg : "no memory");
		return 2;
	}
	if (tdxq_verify(buf, c.len, c.t, NULL, (time_t)-1, &res, &e)) {
		fprintf(stderr, "the quote does not verify: %s\n", e.msg);
		return 2;
	}
	/* the COSE signature, and one per certificate below the root */
	checks = res.path_len;
	tdxq_result_free(&res);
	if (p384_setup() || p384_once()) {
		fprintf(stderr, "OpenSSL P-384 setup failed\n");
		return 2;
	}
	printf("quote %zu bytes, path %zu certificates (root included), %zu P-384 checks per verification\n",
	       c.len, checks, checks);
	/* warm up: caches, the first chain into the cache */
	if (per_call(&c, 0.1, t))
		return 1;
	for (int r = 0; r < reps; r++) {
		double p, v, b;

		if (per_call(&c, secs, t))
			return 1;
		p = t[0];
		v = t[1];
		b = t[2];
		printf("BENCH raw verify_cost_ratio %.3f p384_us=%.1f verify_us=%.1f checks=%zu\n",
		       v / (p * (double)checks), p * 1e6, v * 1e6, checks);
		printf("BENCH raw verify_batch_cost_ratio %.3f p384_us=%.1f batch_us=%.1f\n",
		       b / p, p * 1e6, b * 1e6);
		fflush(stdout);
	}
	tdxq_cache_free(c.cache);
	tdxq_trust_free(c.t);
	free(buf);
	return 0;
}
