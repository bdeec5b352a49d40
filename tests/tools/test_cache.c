// SPDX-License-Identifier: GPL-2.0
/*
 * The chain cache of tdxq_verify_cached() never changes a result:
 *
 *   test_cache QUOTE ROOT OTHER_ROOT
 *
 * QUOTE verifies with ROOT pinned; OTHER_ROOT is an unrelated root.  With
 * QUOTE's chain in the cache, each case below must give the status
 * tdxq_verify() gives without a cache (and the one expected):
 *   - the same quote, same roots and time: ok (a hit);
 *   - a time after every certificate expired, and one before they were
 *     valid: untrusted;
 *   - another trust store holding only OTHER_ROOT: untrusted;
 *   - the first store with OTHER_ROOT added: ok (the cache starts over);
 *   - the quote with its COSE signature changed: signature;
 *   - the quote with its payload changed: signature.
 * Prints "ok NAME" / "not ok NAME # WHY"; exit status 1 if any failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tdxq.h"

static int failed;

static void check(const char *name, const uint8_t *buf, size_t len,
		  const struct tdxq_trust *t, time_t when,
		  struct tdxq_cache *c, enum tdxq_status want)
{
	struct tdxq_result r1, r2;
	struct tdxq_err e1, e2;
	enum tdxq_status s1 = tdxq_verify_cached(buf, len, t, NULL, when, c,
						 &r1, &e1);
	enum tdxq_status s2 = tdxq_verify(buf, len, t, NULL, when, &r2, &e2);

	if (s1 != want || s2 != want) {
		printf("not ok %s # cached %d (%s), uncached %d (%s), want %d\n",
		       name, s1, e1.msg, s2, e2.msg, want);
		failed = 1;
	} else if (s1 == TDXQ_OK &&
		   (r1.path_len != r2.path_len || r1.n_tcb != r2.n_tcb ||
		    memcmp(r1.path, r2.path, sizeof(r1.path)) ||
		    (r1.n_tcb && memcmp(r1.tcb, r2.tcb,
					r1.n_tcb * sizeof(*r1.tcb))))) {
		printf("not ok %s # the cached result's chain differs\n", name);
		failed = 1;
	} else {
		printf("ok %s\n", name);
	}
	tdxq_result_free(&r1);
	tdxq_result_free(&r2);
}

int main(int argc, char **argv)
{
	struct tdxq_trust *t = tdxq_trust_new(), *o = tdxq_trust_new();
	struct tdxq_cache *c = tdxq_cache_new();
	struct tdxq_cache_stats st;
	struct tdxq_err e;
	time_t now = time(NULL);
	uint8_t *buf, *mod;
	size_t len;

	if (argc != 4 || !t || !o || !c ||
	    tdxq_read_file(argv[1], TDXQ_MAX_QUOTE_SIZE, &buf, &len) ||
	    tdxq_trust_add_file(t, argv[2], &e) ||
	    tdxq_trust_add_file(o, argv[3], &e)) {
		fprintf(stderr, "usage: test_cache QUOTE ROOT OTHER_ROOT (setup failed)\n");
		return 2;
	}
	check("cache-fill", buf, len, t, now, c, TDXQ_OK);
	check("cache-hit", buf, len, t, now, c, TDXQ_OK);
	tdxq_cache_get_stats(c, &st);
	if (st.hits != 1) {
		printf("not ok cache-hit-counted # %lu hits\n", st.hits);
		failed = 1;
	} else {
		printf("ok cache-hit-counted\n");
	}
	check("cache-expired", buf, len, t, now + 3650 * 86400L, c,
	      TDXQ_UNTRUSTED);
	check("cache-not-yet-valid", buf, len, t, now - 3650 * 86400L, c,
	      TDXQ_UNTRUSTED);
	check("cache-other-roots", buf, len, o, now, c, TDXQ_UNTRUSTED);
	check("cache-refill", buf, len, t, now, c, TDXQ_OK);
	if (tdxq_trust_add_file(t, argv[3], &e)) {
		fprintf(stderr, "%s: %s\n", argv[3], e.msg);
		return 2;
	}
	check("cache-root-added", buf, len, t, now, c, TDXQ_OK);
	mod = malloc(len);
	if (!mod)
		return 2;
	/* the last byte is the COSE signature's; the middle is the payload */
	memcpy(mod, buf, len);
	mod[len - 1] ^= 0x01;
	check("cache-signature-changed", mod, len, t, now, c, TDXQ_SIGNATURE);
	memcpy(mod, buf, len);
	mod[len - 200] ^= 0x01;
	check("cache-payload-changed", mod, len, t, now, c, TDXQ_SIGNATURE);
	check("cache-still-good", buf, len, t, now, c, TDXQ_OK);
	free(mod);
	free(buf);
	tdxq_cache_free(c);
	tdxq_trust_free(t);
	tdxq_trust_free(o);
	return failed;
}
