// SPDX-License-Identifier: GPL-2.0
/*
 * tdx-quote verify and dump.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cli.h"

#define NOT_VERIFIED "NOT VERIFIED (use tdx-quote verify)"

/* ---- shared printing of claims ------------------------------------------ */

/* eat_profile as a dotted OID if its bytes are OID content octets. */
static int profile_oid(const uint8_t *b, size_t len, char *out, size_t cap)
{
	unsigned char der[8 + 1024];
	const unsigned char *p = der;
	ASN1_OBJECT *obj;
	size_t h = 0;
	int n;

	if (!len || len > 1024)
		return -1;
	der[h++] = 0x06;
	if (len < 128) {
		der[h++] = (unsigned char)len;
	} else if (len < 256) {
		der[h++] = 0x81;
		der[h++] = (unsigned char)len;
	} else {
		der[h++] = 0x82;
		der[h++] = (unsigned char)(len >> 8);
		der[h++] = (unsigned char)len;
	}
	memcpy(der + h, b, len);
	obj = d2i_ASN1_OBJECT(NULL, &p, (long)(h + len));
	if (!obj || p != der + h + len) {
		ASN1_OBJECT_free(obj);
		ERR_clear_error();
		return -1;
	}
	n = OBJ_obj2txt(out, (int)cap, obj, 1);
	ASN1_OBJECT_free(obj);
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

static void json_value(FILE *f, const struct tdxq_value *v)
{
	size_t i;

	if (v->type == TDXQ_V_UINTS) {
		fputc('[', f);
		for (i = 0; i < v->n_uints; i++)
			fprintf(f, "%s%" PRIu64, i ? ", " : "", v->uints[i]);
		fputc(']', f);
	} else {
		json_hex(f, v->data, v->len);
	}
}

static void text_value(FILE *f, const struct tdxq_value *v)
{
	size_t i;

	if (v->type == TDXQ_V_UINTS) {
		for (i = 0; i < v->n_uints; i++)
			fprintf(f, "%s%" PRIu64, i ? " " : "", v->uints[i]);
		return;
	}
	if (!v->len)
		fputs("(empty)", f);
	print_hex(f, v->data, v->len);
	if (v->type == TDXQ_V_DIGEST && v->alg == 7)
		fputs(" (sha-384)", f);
	else if (v->type == TDXQ_V_DIGEST && v->alg != -1)
		fprintf(f, " (alg %" PRId64 ")", v->alg);
}

static void json_evidence(FILE *f, int id, const struct tdxq_evidence *ev)
{
	size_t i;

	fputc('{', f);
	for (i = 0; i < ev->n; i++) {
		fputs(i ? ", " : "", f);
		json_str(f, tdxq_value_name(id, ev->v[i].key));
		fputs(": ", f);
		json_value(f, &ev->v[i]);
	}
	fputc('}', f);
}

static void json_claims(FILE *f, const struct tdxq_quote *q, int origin)
{
	char oid[256];
	size_t i;

	fputs("{\"iss\": ", f);
	json_str(f, q->iss);
	fputs(", \"sub\": ", f);
	json_str(f, q->sub);
	fputs(", \"eat_profile\": ", f);
	if (!q->profile)
		fputs("null", f);
	else if (!profile_oid(q->profile, q->profile_len, oid, sizeof(oid)))
		json_str(f, oid);
	else
		json_hex(f, q->profile, q->profile_len);
	fputs(", \"report_data\": ", f);
	if (q->have_report_data)
		json_hex(f, q->report_data, TDXQ_REPORT_DATA_SIZE);
	else
		fputs("null", f);
	fputs(", \"submods\": {", f);
	for (i = 0; i < q->n_submods; i++) {
		const struct tdxq_submod *sm = &q->submods[i];

		fputs(i ? ", " : "", f);
		json_str(f, tdxq_submod_name(sm->id));
		if (origin) {
			fputs(": {\"origin\": ", f);
			json_evidence(f, sm->id, &sm->origin);
			fputs(", \"current\": ", f);
			json_evidence(f, sm->id, &sm->current);
			fputc('}', f);
		} else {
			fputs(": ", f);
			json_evidence(f, sm->id, &sm->current);
		}
	}
	fputs("}}", f);
}

static void time_text(time_t t, char *out, size_t cap)
{
	struct tm tm;

	if (t == (time_t)-1 || !gmtime_r(&t, &tm) ||
	    !strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, cap, "?");
}

/* ---- verify ------------------------------------------------------------- */

static const char *const rtmr_names[] = { "rtmr0", "rtmr1", "rtmr2",
					  "rtmr3" };

static int verify_out(int json, int quiet, enum tdxq_status s,
		      const char *reason, const struct tdxq_result *r)
{
	size_t i;

	if (quiet)
		return s;
	if (!json) {
		if (s == TDXQ_OK && r && r->path_len)
			printf("verified: %s via %zu certificates to %s\n",
			       r->path[0].subject, r->path_len,
			       r->path[r->path_len - 1].subject);
		else
			fprintf(stderr, "FAIL %s: %s\n", tdxq_status_name(s),
				reason);
		return s;
	}
	printf("{\"status\": ");
	json_str(stdout, tdxq_status_name(s));
	printf(", \"exit\": %d, \"reason\": ", (int)s);
	json_str(stdout, s == TDXQ_OK ? "" : reason);
	printf(", \"chain\": [");
	for (i = 0; r && i < r->path_len; i++) {
		const struct tdxq_chain_info *c = &r->path[i];
		char nb[32], na[32];

		time_text(c->not_before, nb, sizeof(nb));
		time_text(c->not_after, na, sizeof(na));
		printf("%s{\"subject\": ", i ? ", " : "");
		json_str(stdout, c->subject);
		printf(", \"issuer\": ");
		json_str(stdout, c->issuer);
		printf(", \"not_before\": \"%s\", \"not_after\": \"%s\", \"ca\": %s, \"root\": %s, \"sha256\": ",
		       nb, na, c->is_ca ? "true" : "false",
		       c->is_root ? "true" : "false");
		json_hex(stdout, c->sha256, sizeof(c->sha256));
		printf("}");
	}
	printf("], \"claims\": ");
	if (r && r->claims_ok && r->quote)
		json_claims(stdout, r->quote, 0);
	else
		printf("{}");
	if (s == TDXQ_POLICY && r && r->mismatch[0]) {
		printf(", \"mismatch\": ");
		json_str(stdout, r->mismatch);
	}
	printf("}\n");
	return s;
}

static int parse_time(const char *s, time_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		return -1;
	*out = (time_t)v;
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	struct tdxq_result res;
	struct tdxq_trust *t = NULL;
	struct tdxq_policy *pol = NULL;
	struct tdxq_err e = { "" };
	enum tdxq_status s = TDXQ_USAGE;
	const char *path = NULL, *v;
	int json = 0, quiet = 0, have_root = 0, have_pol = 0, i, rc;
	time_t now = (time_t)-1;
	uint8_t *buf = NULL;
	size_t len = 0;

	memset(&res, 0, sizeof(res));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
			quiet = 1;
	}
	t = tdxq_trust_new();
	pol = tdxq_policy_new();
	if (!t || !pol) {
		snprintf(e.msg, sizeof(e.msg), "out of memory");
		goto out;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--json") || !strcmp(a, "-q") ||
		    !strcmp(a, "--quiet"))
			continue;
		if (!strcmp(a, "--root") || !strcmp(a, "--report-data") ||
		    !strcmp(a, "--mrtd") || !strcmp(a, "--rtmr") ||
		    !strcmp(a, "--policy") || !strcmp(a, "--time")) {
			if (i + 1 >= argc) {
				snprintf(e.msg, sizeof(e.msg),
					 "%s needs a value", a);
				goto out;
			}
			v = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			snprintf(e.msg, sizeof(e.msg), "unknown option %.64s",
				 a);
			goto out;
		} else {
			if (path) {
				snprintf(e.msg, sizeof(e.msg),
					 "more than one QUOTE given");
				goto out;
			}
			path = a;
			continue;
		}
		if (!strcmp(a, "--root")) {
			if (tdxq_trust_add_file(t, v, &e))
				goto out;
			have_root = 1;
		} else if (!strcmp(a, "--report-data")) {
			if (tdxq_policy_set(pol, "report_data", v, &e))
				goto out;
			have_pol = 1;
		} else if (!strcmp(a, "--mrtd")) {
			if (tdxq_policy_set(pol, "mrtd", v, &e))
				goto out;
			have_pol = 1;
		} else if (!strcmp(a, "--rtmr")) {
			if (v[0] < '0' || v[0] > '3' || v[1] != '=') {
				snprintf(e.msg, sizeof(e.msg),
					 "--rtmr wants N=HEX with N 0..3, not '%.64s'",
					 v);
				goto out;
			}
			if (tdxq_policy_set(pol, rtmr_names[v[0] - '0'], v + 2,
					    &e))
				goto out;
			have_pol = 1;
		} else if (!strcmp(a, "--policy")) {
			if (tdxq_policy_load(pol, v, &e))
				goto out;
			have_pol = 1;
		} else if (parse_time(v, &now)) {
			snprintf(e.msg, sizeof(e.msg),
				 "--time wants seconds since 1970, not '%.64s'",
				 v);
			goto out;
		}
	}
	if (!path) {
		snprintf(e.msg, sizeof(e.msg),
			 "usage: tdx-quote verify QUOTE [--root PEM]... [--report-data HEX] [--mrtd HEX] [--rtmr N=HEX]... [--policy FILE] [--time UNIX_SECONDS] [--json] [-q]");
		goto out;
	}
	if (!have_root) {
		const char *dir = getenv(TDXQ_ROOTS_ENV);

		if (!dir || !*dir)
			dir = TDXQ_ROOTS_DIR;
		if (tdxq_trust_add_dir(t, dir, &e))
			goto out;
		if (!tdxq_trust_count(t)) {
			snprintf(e.msg, sizeof(e.msg),
				 "no trusted root: pin one with --root FILE or put it in %.60s/*.pem (%s overrides the directory); nothing is trusted by default",
				 dir, TDXQ_ROOTS_ENV);
			goto out;
		}
	}
	rc = tdxq_read_file(path, TDXQ_MAX_QUOTE_SIZE, &buf, &len);
	if (rc == -EFBIG) {
		snprintf(e.msg, sizeof(e.msg),
			 "quote larger than %u bytes", TDXQ_MAX_QUOTE_SIZE);
		s = TDXQ_MALFORMED;
		goto out;
	}
	if (rc) {
		snprintf(e.msg, sizeof(e.msg), "%.100s: %s", path,
			 strerror(-rc));
		goto out;
	}
	s = tdxq_verify(buf, len, t, have_pol ? pol : NULL, now, &res, &e);
out:
	verify_out(json, quiet, s, e.msg, &res);
	tdxq_result_free(&res);
	tdxq_trust_free(t);
	tdxq_policy_free(pol);
	free(buf);
	return (int)s;
}

/* ---- dump --------------------------------------------------------------- */

static void asn1_time_text(const ASN1_TIME *t, char *out, size_t cap)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long l;

	snprintf(out, cap, "?");
	if (!b)
		return;
	if (t && ASN1_TIME_print(b, t)) {
		l = BIO_get_mem_data(b, &p);
		if (l > 0 && (size_t)l < cap) {
			memcpy(out, p, (size_t)l);
			out[l] = '\0';
		}
	}
	BIO_free(b);
}

struct cert_txt {
	int ok;
	char subject[512], issuer[512], nb[64], na[64];
	int ca;
	uint8_t sha256[32];
};

static void cert_text(const struct tdxq_cert *c, struct cert_txt *ct)
{
	const unsigned char *p = c->der;
	BASIC_CONSTRAINTS *bc;
	X509 *x;

	memset(ct, 0, sizeof(*ct));
	EVP_Digest(c->der, c->len, ct->sha256, NULL, EVP_sha256(), NULL);
	x = c->len <= 0x7fffffff ? d2i_X509(NULL, &p, (long)c->len) : NULL;
	if (!x) {
		ERR_clear_error();
		return;
	}
	ct->ok = 1;
	tdxq_name_text(X509_get_subject_name(x), ct->subject, sizeof(ct->subject));
	tdxq_name_text(X509_get_issuer_name(x), ct->issuer, sizeof(ct->issuer));
	asn1_time_text(X509_get0_notBefore(x), ct->nb, sizeof(ct->nb));
	asn1_time_text(X509_get0_notAfter(x), ct->na, sizeof(ct->na));
	bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL, NULL);
	if (bc) {
		ct->ca = !!bc->ca;
		BASIC_CONSTRAINTS_free(bc);
	}
	X509_free(x);
	ERR_clear_error();
}

static void dump_text(const struct tdxq_quote *q, size_t len)
{
	static const char *const which[] = { "origin", "current" };
	char oid[256];
	size_t i, j;
	int o;

	printf("envelope:\n");
	printf("  size: %zu bytes (protected header %zu, payload %zu, signature %d)\n",
	       len, q->protected_len, q->payload_len, TDXQ_SIG_SIZE);
	printf("  algorithm: ES384\n");
	printf("  content type: %s\n",
	       q->content_type ? q->content_type : "(absent)");
	printf("  kid: ");
	if (q->kid)
		print_hex(stdout, q->kid, q->kid_len);
	else
		printf("(absent)");
	printf("\n  certificates: %zu in %s\n", q->n_certs,
	       q->chain_label == 32 ? "x5bag (32)" : "x5chain (33)");
	for (i = 0; i < q->n_certs; i++) {
		struct cert_txt ct;

		cert_text(&q->certs[i], &ct);
		printf("certificate %zu (%zu bytes):\n", i, q->certs[i].len);
		if (!ct.ok) {
			printf("  (not a parseable X.509 certificate)\n");
		} else {
			printf("  subject: %s\n  issuer: %s\n", ct.subject,
			       ct.issuer);
			printf("  not before: %s\n  not after: %s\n", ct.nb,
			       ct.na);
			printf("  CA: %s\n", ct.ca ? "yes" : "no");
		}
		printf("  sha256: ");
		print_hex(stdout, ct.sha256, 32);
		printf("\n");
	}
	printf("claims:\n");
	if (q->iss)
		printf("  iss: %s\n", q->iss);
	if (q->sub)
		printf("  sub: %s\n", q->sub);
	if (q->profile) {
		printf("  eat_profile: ");
		if (!profile_oid(q->profile, q->profile_len, oid, sizeof(oid)))
			printf("%s\n", oid);
		else {
			print_hex(stdout, q->profile, q->profile_len);
			printf(" (not an OID)\n");
		}
	}
	if (q->have_report_data) {
		printf("  report_data: ");
		print_hex(stdout, q->report_data, TDXQ_REPORT_DATA_SIZE);
		printf("\n");
	}
	for (i = 0; i < q->n_submods; i++) {
		const struct tdxq_submod *sm = &q->submods[i];

		printf("  submodule %s:\n", tdxq_submod_name(sm->id));
		for (o = 0; o < 2; o++) {
			const struct tdxq_evidence *ev = o ? &sm->current :
							     &sm->origin;

			printf("    %s:\n", which[o]);
			for (j = 0; j < ev->n; j++) {
				printf("      %s: ",
				       tdxq_value_name(sm->id, ev->v[j].key));
				text_value(stdout, &ev->v[j]);
				printf("\n");
			}
		}
	}
}

static void dump_json(const struct tdxq_quote *q, size_t len,
		      enum tdxq_status s, const char *reason)
{
	size_t i;

	printf("{\"verified\": false, \"note\": \"" NOT_VERIFIED "\", \"status\": ");
	json_str(stdout, tdxq_status_name(s));
	printf(", \"reason\": ");
	json_str(stdout, s ? reason : "");
	if (!q) {
		printf("}\n");
		return;
	}
	printf(", \"size\": %zu, \"protected_size\": %zu, \"payload_size\": %zu, \"content_type\": ",
	       len, q->protected_len, q->payload_len);
	json_str(stdout, q->content_type);
	printf(", \"kid\": ");
	if (q->kid)
		json_hex(stdout, q->kid, q->kid_len);
	else
		printf("null");
	printf(", \"certificates_in\": \"%s\", \"certificates\": [",
	       q->chain_label == 32 ? "x5bag" : "x5chain");
	for (i = 0; i < q->n_certs; i++) {
		struct cert_txt ct;

		cert_text(&q->certs[i], &ct);
		printf("%s{\"size\": %zu, \"parsed\": %s", i ? ", " : "",
		       q->certs[i].len, ct.ok ? "true" : "false");
		if (ct.ok) {
			printf(", \"subject\": ");
			json_str(stdout, ct.subject);
			printf(", \"issuer\": ");
			json_str(stdout, ct.issuer);
			printf(", \"not_before\": ");
			json_str(stdout, ct.nb);
			printf(", \"not_after\": ");
			json_str(stdout, ct.na);
			printf(", \"ca\": %s", ct.ca ? "true" : "false");
		}
		printf(", \"sha256\": ");
		json_hex(stdout, ct.sha256, 32);
		printf("}");
	}
	printf("], \"claims\": ");
	json_claims(stdout, q, 1);
	printf("}\n");
}

int cmd_dump(int argc, char **argv)
{
	struct tdxq_err e = { "" };
	struct tdxq_quote *q = NULL;
	enum tdxq_status s;
	const char *path = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	int json = 0, i, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "tdx-quote dump: unknown option %s\n",
				argv[i]);
			return 1;
		} else if (path) {
			fprintf(stderr, "tdx-quote dump: more than one QUOTE\n");
			return 1;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		fprintf(stderr, "usage: tdx-quote dump QUOTE [--json]\n");
		return 1;
	}
	rc = tdxq_read_file(path, TDXQ_MAX_QUOTE_SIZE, &buf, &len);
	if (rc && rc != -EFBIG) {
		fprintf(stderr, "tdx-quote dump: %s: %s\n", path,
			strerror(-rc));
		return 1;
	}
	if (rc == -EFBIG) {
		snprintf(e.msg, sizeof(e.msg), "quote larger than %u bytes",
			 TDXQ_MAX_QUOTE_SIZE);
		s = TDXQ_MALFORMED;
	} else {
		s = tdxq_parse(buf, len, &q, &e);
	}
	if (!json)
		printf("%s\n", NOT_VERIFIED);
	if (s) {
		if (json)
			dump_json(NULL, len, s, e.msg);
		else
			fprintf(stderr, "malformed: %s\n", e.msg);
		free(buf);
		return (int)s;
	}
	s = tdxq_parse_claims(q, &e);
	if (json) {
		dump_json(q, len, s, e.msg);
	} else {
		dump_text(q, len);
		if (s)
			fprintf(stderr, "malformed claims: %s\n", e.msg);
	}
	tdxq_quote_free(q);
	free(buf);
	return (int)s;
}
