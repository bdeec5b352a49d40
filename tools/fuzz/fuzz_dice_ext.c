// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the TCG DICE extension parsers (docs/verifier.md
 * step 17: DiceTcbInfo, MultiTcbInfo, Ueid), seeds in
 * tools/fuzz/corpus/dice/.  The first byte picks the extension (1..3, mod
 * 3), the rest is its value.  Whatever the input, the parser must end with
 * 0 or -1 and no out-of-bounds access, leak or undefined behaviour, and
 * what it returns must respect the bounds of step 17.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tdxq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

static void touch(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		sink ^= b[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdxq_chain_info ci;
	struct tdxq_tcb_info *t = NULL;
	size_t n = 0, i, j;
	int r;

	if (!size)
		return 0;
	memset(&ci, 0, sizeof(ci));
	r = tdxq_dice_ext(1 + data[0] % 3, data + 1, size - 1, &t, &n, &ci);
	if (r != 0 && r != -1)
		abort();
	if (ci.ueid_len > sizeof(ci.ueid) || n > TDXQ_TCB_MAX_ENTRIES + 1)
		abort();
	for (i = 0; i < n; i++) {
		if (strlen(t[i].vendor) > TDXQ_TCB_STR_MAX ||
		    strlen(t[i].model) > TDXQ_TCB_STR_MAX ||
		    strlen(t[i].version) > TDXQ_TCB_STR_MAX ||
		    t[i].n_fwids > TDXQ_TCB_MAX_ENTRIES)
			abort();
		for (j = 0; j < t[i].n_fwids; j++) {
			if (t[i].fwid[j].len > sizeof(t[i].fwid[j].digest) ||
			    t[i].fwid[j].alg_len > sizeof(t[i].fwid[j].alg))
				abort();
			touch(t[i].fwid[j].digest, t[i].fwid[j].len);
		}
		touch(t[i].vendor, strlen(t[i].vendor));
	}
	touch(ci.ueid, ci.ueid_len);
	free(t);
	return 0;
}
