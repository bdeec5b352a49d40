// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target of the whole verification (tdxq_verify, every step of
 * docs/verifier.md), seeds in tools/fuzz/corpus/quote/.
 *
 * The pinned root is the TEST root below, made by
 *   tests/tools/gen_quotes.py --fuzz-seeds tools/fuzz/corpus/quote \
 *           --root-out root.pem
 * whose private key was thrown away: the seeds are signed under it (valid
 * 2025-2125, verified at the fixed time FUZZ_TIME), so the seeds reach the
 * claims and the policy; mutated inputs will practically never carry a
 * valid signature again, but they exercise every check up to it, and the
 * certificate parsing and path building.  Regenerate both together.
 *
 * Whatever the input: a status in 0..5 (never usage: the arguments are
 * fine), no crash, leak or undefined behaviour.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tdxq.h"

#define FUZZ_TIME	1767225600	/* 2026-01-01T00:00:00Z */

static const char root_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIICRzCCAc6gAwIBAgIUZb9fLGyaOdy29YeraOxfc8i3BFQwCgYIKoZIzj0EAwMw\n"
	"UjEoMCYGA1UECgwfdGR4LWV4dCB0ZXN0cyAobm90IHRydXN0d29ydGh5KTEmMCQG\n"
	"A1UEAwwddGR4LWV4dCBmdXp6IHJvb3QgKFRFU1QgT05MWSkwIBcNMjUwMTAxMDAw\n"
	"MDAwWhgPMjEyNTAxMDEwMDAwMDBaMFIxKDAmBgNVBAoMH3RkeC1leHQgdGVzdHMg\n"
	"KG5vdCB0cnVzdHdvcnRoeSkxJjAkBgNVBAMMHXRkeC1leHQgZnV6eiByb290IChU\n"
	"RVNUIE9OTFkpMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEESWn8ecj9q/D5T03cvy5\n"
	"DP6PCp8QfHwKrKv45ZSbzsbY7eOMAhD2va4vLnJDQKyQKinW+uNVjwPuKDeJL8MJ\n"
	"WctPYFbjYx+TQpwkjxdgYOB5XgNm+awLjiTtc2SKzVblo2MwYTAPBgNVHRMBAf8E\n"
	"BTADAQH/MA4GA1UdDwEB/wQEAwIBBjAdBgNVHQ4EFgQUYXfSo/C8Q1OQexuaa+v1\n"
	"0g4BNLEwHwYDVR0jBBgwFoAUYXfSo/C8Q1OQexuaa+v10g4BNLEwCgYIKoZIzj0E\n"
	"AwMDZwAwZAIwISv328IlM5oA4q4RTZN/PytAvkSItX0oSnwib65T5bczd+ZJ8gAy\n"
	"1Kh8btyleFyHAjBbHQSlfPVv6kZfM9sKeeQdPmrnkeDTWLlm07zu+9kWSUlA19/O\n"
	"cInq4uglUr8VnE8=\n"
	"-----END CERTIFICATE-----\n";

static struct tdxq_trust *trust;
static struct tdxq_policy *policy;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[] = "/tmp/fuzz_quote_root.XXXXXX";
	struct tdxq_err e;
	int fd;

	(void)argc;
	(void)argv;
	fd = mkstemp(path);
	if (fd < 0 ||
	    write(fd, root_pem, sizeof(root_pem) - 1) !=
	    (ssize_t)(sizeof(root_pem) - 1)) {
		perror("fuzz_quote_verify: root");
		abort();
	}
	close(fd);
	trust = tdxq_trust_new();
	if (!trust || tdxq_trust_add_file(trust, path, &e) != TDXQ_OK) {
		fprintf(stderr, "fuzz_quote_verify: root: %s\n",
			trust ? e.msg : "no memory");
		abort();
	}
	unlink(path);
	/* the seeds' report is bytes(range(256)) * 4: report_data, the
	 * minimum TCB and TCB-info rules match, mrtd@origin does not, so both
	 * outcomes are reached */
	policy = tdxq_policy_new();
	if (!policy ||
	    tdxq_policy_set(policy, "report_data",
			    "808182838485868788898a8b8c8d8e8f"
			    "909192939495969798999a9b9c9d9e9f"
			    "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
			    "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf", &e) != TDXQ_OK ||
	    tdxq_policy_set(policy, "min_tee_tcb_svn",
			    "00000000000000000000000000000000", &e) ||
	    tdxq_policy_set(policy, "tcb_min_svn", "0", &e) ||
	    tdxq_policy_set(policy, "mrtd@origin", "00", &e)) {
		fprintf(stderr, "fuzz_quote_verify: policy\n");
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdxq_result res;
	struct tdxq_err e;
	enum tdxq_status s;

	s = tdxq_verify(data, size, trust, (size & 1) ? policy : NULL,
			FUZZ_TIME, &res, &e);
	if (s == TDXQ_USAGE || (unsigned)s > TDXQ_POLICY ||
	    !memchr(e.msg, 0, sizeof(e.msg)) ||
	    res.path_len > TDXQ_MAX_CERTS + 1)
		abort();
	tdxq_result_free(&res);
	return 0;
}
