// SPDX-License-Identifier: GPL-2.0
/*
 * Host benchmark of tdxq_verify(): verifications per second of one quote.
 *
 *   bench_verify QUOTE ROOT [SECONDS]
 *
 * Prints "verify/s N" and "checks C": the P-384 signature checks one
 * verification performs (the COSE signature, one per certificate on the
 * path, and the root's self-signature).  Figures only, no verdict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tdxq.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct tdxq_trust *t;
	struct tdxq_result res;
	struct tdxq_err e;
	double secs = argc > 3 ? atof(argv[3]) : 3.0, t0, dt;
	unsigned long n = 0;
	size_t len, path_len;
	uint8_t *buf;

	if (argc < 3) {
		fprintf(stderr, "usage: %s QUOTE ROOT [SECONDS]\n", argv[0]);
		return 2;
	}
	if (tdxq_read_file(argv[1], TDXQ_MAX_QUOTE_SIZE, &buf, &len)) {
		fprintf(stderr, "%s: cannot read\n", argv[1]);
		return 2;
	}
	t = tdxq_trust_new();
	if (!t || tdxq_trust_add_file(t, argv[2], &e) != TDXQ_OK) {
		fprintf(stderr, "%s: %s\n", argv[2], t ? e.msg : "no memory");
		return 2;
	}
	if (tdxq_verify(buf, len, t, NULL, (time_t)-1, &res, &e) != TDXQ_OK) {
		fprintf(stderr, "the quote does not verify: %s\n", e.msg);
		return 2;
	}
	path_len = res.path_len;	/* leaf .. root, root included */
	tdxq_result_free(&res);
	t0 = now_s();
	do {
		int i;

		for (i = 0; i < 16; i++, n++)
			if (tdxq_verify(buf, len, t, NULL, (time_t)-1, NULL,
					&e) != TDXQ_OK) {
				fprintf(stderr, "verify failed: %s\n", e.msg);
				return 1;
			}
		dt = now_s() - t0;
	} while (dt < secs);
	printf("quote %zu bytes, path %zu certificates (root included)\n",
	       len, path_len);
	printf("verifications %lu in %.2f s\n", n, dt);
	printf("verify/s %.1f\n", n / dt);
	printf("checks %zu\n", path_len + 1);
	tdxq_trust_free(t);
	free(buf);
	return 0;
}
