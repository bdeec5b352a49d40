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
	"MIICSTCCAc6gAwIBAgIURdN3Ad2wBVuww2gnQIXJnZO0p5YwCgYIKoZIzj0EAwMw\n"
	"UjEoMCYGA1UECgwfdGR4LWV4dCB0ZXN0cyAobm90IHRydXN0d29ydGh5KTEmMCQG\n"
	"A1UEAwwddGR4LWV4dCBmdXp6IHJvb3QgKFRFU1QgT05MWSkwIBcNMjUwMTAxMDAw\n"
	"MDAwWhgPMjEyNTAxMDEwMDAwMDBaMFIxKDAmBgNVBAoMH3RkeC1leHQgdGVzdHMg\n"
	"KG5vdCB0cnVzdHdvcnRoeSkxJjAkBgNVBAMMHXRkeC1leHQgZnV6eiByb290IChU\n"
	"RVNUIE9OTFkpMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEbCqvIblGOYFW+jg24+2N\n"
	"dON4T5j36ZHeglHw7GuE1lntNTvbQpbdjXVhVTQr0jIaxZeUluPgnAB+w3lSH3ZB\n"
	"yjoZx9+FGNCj4QuPWn3QHikoPBNRj+L2przxSmHKOSQ2o2MwYTAPBgNVHRMBAf8E\n"
	"BTADAQH/MA4GA1UdDwEB/wQEAwIBBjAdBgNVHQ4EFgQUQ022pOpV5k/mH3Tg4yzJ\n"
	"HhBttSowHwYDVR0jBBgwFoAUQ022pOpV5k/mH3Tg4yzJHhBttSowCgYIKoZIzj0E\n"
	"AwMDaQAwZgIxAMW2Dow6roAC7ogZtqzuverBq07hQeg/mAdzi7xiU8UhcwGEXwdj\n"
	"+zcM8vuhY4RU2QIxAPdiFZnhckGtgEqDW6/yDyUDhq6X6iJRJomGLYQ9v/GEyK5Z\n"
	"o0fXc/MEdWvem09BvA==\n"
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
	/* the seeds' report is bytes(range(256)) * 4: report_data matches,
	 * mrtd (TDREPORT 528..575) does not, so both outcomes are reached */
	policy = tdxq_policy_new();
	if (!policy ||
	    tdxq_policy_set(policy, "report_data",
			    "808182838485868788898a8b8c8d8e8f"
			    "909192939495969798999a9b9c9d9e9f"
			    "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
			    "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf", &e) != TDXQ_OK) {
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
