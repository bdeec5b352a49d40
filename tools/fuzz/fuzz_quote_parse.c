// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the quote parser (docs/verifier.md steps 1-6 and
 * 17-21: tdxq_parse, tdxq_parse_claims), seeds in tools/fuzz/corpus/quote/.
 * Whatever the input, parsing must end with a status and no out-of-bounds
 * access, leak or undefined behaviour; what a successful parse returns must
 * lie within what it allocated, and the claim accessors must cope with
 * whatever was parsed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tdxq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

static void touch(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sink ^= p[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int ids[] = { TDXQ_SM_PLATFORM, TDXQ_SM_TD,
				   TDXQ_SM_SERVICE_TD, TDXQ_SM_SEAM };
	static const int64_t keys[] = { -82, -83, -84, -125, -201, -203, -204,
					-205, -206, -207, -208, -209, -210 };
	struct tdxq_quote *q = NULL;
	struct tdxq_err e;
	enum tdxq_status s;
	size_t i, j;

	s = tdxq_parse(data, size, &q, &e);
	if (s != TDXQ_OK) {
		if (q || s != TDXQ_MALFORMED || !memchr(e.msg, 0, sizeof(e.msg)))
			abort();
		return 0;
	}
	if (!q || q->n_certs < 1 || q->n_certs > TDXQ_MAX_CERTS)
		abort();
	for (i = 0; i < q->n_certs; i++)
		touch(q->certs[i].der, q->certs[i].len);
	touch(q->protected_hdr, q->protected_len);
	touch(q->payload, q->payload_len);
	if (q->kid)
		touch(q->kid, q->kid_len);
	s = tdxq_parse_claims(q, &e);
	if (s == TDXQ_OK) {
		if (q->n_submods > 4)
			abort();
		for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
			for (j = 0; j < sizeof(keys) / sizeof(keys[0]); j++) {
				const struct tdxq_value *v;

				v = tdxq_claim(q, ids[i], keys[j],
					       (enum tdxq_which)(j % 3));
				if (!v)
					continue;
				if (v->key != keys[j])
					abort();
				if (v->type == TDXQ_V_UINTS)
					touch((const uint8_t *)v->uints,
					      v->n_uints * sizeof(*v->uints));
				else
					touch(v->data, v->len);
				(void)tdxq_value_name(ids[i], keys[j]);
			}
	} else if (s != TDXQ_MALFORMED) {
		abort();
	}
	tdxq_quote_free(q);
	return 0;
}
