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

/* The name of value v of submodule id in its origin (0) or current map. */
static const char *value_name(int id, const struct tdxq_value *v, int cur)
{
	if (id == TDXQ_SM_PLATFORM && v->key == -125 && cur)
		return "tee_tcb_svn2";
	return tdxq_value_name(id, v->key);
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

static void json_evidence(FILE *f, int id, const struct tdxq_evidence *ev,
			  int cur)
{
	size_t i;

	fputc('{', f);
	for (i = 0; i < ev->n; i++) {
		fputs(i ? ", " : "", f);
		json_str(f, value_name(id, &ev->v[i], cur));
		fputs(": ", f);
		json_value(f, &ev->v[i]);
	}
	fputc('}', f);
}

static void json_claims(FILE *f, const struct tdxq_quote *q)
{
	char oid[256];
	size_t i;

	fputs("{\"iss\": ", f);
	if (q->iss)
		json_strn(f, q->iss, q->iss_len);
	else
		fputs("null", f);
	fputs(", \"sub\": ", f);
	if (q->sub)
		json_strn(f, q->sub, q->sub_len);
	else
		fputs("null", f);
	fputs(", \"eat_profile\": ", f);
	if (!q->profile)
		fputs("null", f);
	else if (!tdxq_oid_text(q->profile, q->profile_len, oid, sizeof(oid)))
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
		fputs(": {\"origin\": ", f);
		json_evidence(f, sm->id, &sm->origin, 0);
		fputs(", \"current\": ", f);
		if (sm->has_current)
			json_evidence(f, sm->id, &sm->current, 1);
		else
			fputs("null", f);
		fputc('}', f);
	}
	fputs("}}", f);
}

/* ---- certificates: TCB info, key purposes, UEID ------------------------ */

static void json_tcb(FILE *f, const struct tdxq_tcb_info *t)
{
	char oid[128];
	size_t i;

	fprintf(f, "{\"cert\": %zu, \"extension\": \"%s\", \"critical\": %s",
		t->cert, t->multi ? "MultiTcbInfo" : "DiceTcbInfo",
		t->critical ? "true" : "false");
	fputs(", \"vendor\": ", f);
	json_str(f, t->vendor[0] ? t->vendor : NULL);
	fputs(", \"model\": ", f);
	json_str(f, t->model[0] ? t->model : NULL);
	fputs(", \"version\": ", f);
	json_str(f, t->version[0] ? t->version : NULL);
	fputs(", \"svn\": ", f);
	t->svn >= 0 ? fprintf(f, "%" PRId64, t->svn) : fputs("null", f);
	fputs(", \"layer\": ", f);
	t->layer >= 0 ? fprintf(f, "%" PRId64, t->layer) : fputs("null", f);
	fputs(", \"index\": ", f);
	t->index >= 0 ? fprintf(f, "%" PRId64, t->index) : fputs("null", f);
	fputs(", \"flags\": ", f);
	t->flags >= 0 ? fprintf(f, "%" PRId64, t->flags) : fputs("null", f);
	fputs(", \"fwids\": [", f);
	for (i = 0; i < t->n_fwids; i++) {
		fputs(i ? ", {\"alg\": " : "{\"alg\": ", f);
		if (tdxq_oid_text(t->fwid[i].alg, t->fwid[i].alg_len, oid,
				  sizeof(oid)))
			json_hex(f, t->fwid[i].alg, t->fwid[i].alg_len);
		else
			json_str(f, oid);
		fputs(", \"digest\": ", f);
		json_hex(f, t->fwid[i].digest, t->fwid[i].len);
		fputc('}', f);
	}
	fputs("]}", f);
}

static void text_tcb(FILE *f, const char *indent, const struct tdxq_tcb_info *t)
{
	char oid[128];
	size_t i;

	fprintf(f, "%s%s%s:", indent, t->multi ? "MultiTcbInfo entry" :
		"DiceTcbInfo", t->critical ? " (critical)" : "");
	if (t->vendor[0]) {
		fputs(" vendor \"", f);
		text_str(f, t->vendor);
		fputc('"', f);
	}
	if (t->model[0]) {
		fputs(" model \"", f);
		text_str(f, t->model);
		fputc('"', f);
	}
	if (t->version[0]) {
		fputs(" version \"", f);
		text_str(f, t->version);
		fputc('"', f);
	}
	if (t->svn >= 0)
		fprintf(f, " svn %" PRId64, t->svn);
	if (t->layer >= 0)
		fprintf(f, " layer %" PRId64, t->layer);
	if (t->index >= 0)
		fprintf(f, " index %" PRId64, t->index);
	if (t->flags >= 0)
		fprintf(f, " flags 0x%" PRIx64, t->flags);
	fputc('\n', f);
	for (i = 0; i < t->n_fwids; i++) {
		fprintf(f, "%s  fwid ", indent);
		if (tdxq_oid_text(t->fwid[i].alg, t->fwid[i].alg_len, oid,
				  sizeof(oid)))
			print_hex(f, t->fwid[i].alg, t->fwid[i].alg_len);
		else
			fputs(oid, f);
		fputc(' ', f);
		print_hex(f, t->fwid[i].digest, t->fwid[i].len);
		fputc('\n', f);
	}
}

/* ", \"eku\": ..., \"ueid\": ..." of a certificate */
static void json_cert_extra(FILE *f, const struct tdxq_chain_info *c)
{
	fputs(", \"eku\": ", f);
	json_str(f, c->eku[0] ? c->eku : NULL);
	fputs(", \"ueid\": ", f);
	if (c->ueid_len)
		json_hex(f, c->ueid, c->ueid_len);
	else
		fputs("null", f);
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
		if (s == TDXQ_OK && r && r->path_len) {
			printf("verified: ");
			text_str(stdout, r->path[0].subject);
			printf(" via %zu certificates to ", r->path_len);
			text_str(stdout, r->path[r->path_len - 1].subject);
			printf("\n");
		} else {
			fprintf(stderr, "FAIL %s: ", tdxq_status_name(s));
			text_str(stderr, reason);
			if (r && r->rule[0])
				fprintf(stderr, " [%s]", r->rule);
			fputc('\n', stderr);
		}
		return s;
	}
	printf("%s\"status\": ", json == 2 ? "" : "{");
	json_str(stdout, tdxq_status_name(s));
	printf(", \"exit\": %d, \"reason\": ", (int)s);
	json_str(stdout, s == TDXQ_OK ? "" : reason);
	printf(", \"rule\": ");
	json_str(stdout, s == TDXQ_OK || !r ? "" : r->rule);
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
		json_cert_extra(stdout, c);
		printf("}");
	}
	printf("], \"tcb_info\": [");
	for (i = 0; r && r->path_len && i < r->n_tcb; i++) {
		fputs(i ? ", " : "", stdout);
		json_tcb(stdout, &r->tcb[i]);
	}
	printf("], \"claims\": ");
	if (r && r->claims_ok && r->quote)
		json_claims(stdout, r->quote);
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

/* The quote files of a verification: arguments and --batch lists. */
struct qlist {
	char **p;
	size_t n, cap;
};

static int qlist_add(struct qlist *l, const char *path)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		char **p = realloc(l->p, cap * sizeof(*p));

		if (!p)
			return -1;
		l->p = p;
		l->cap = cap;
	}
	l->p[l->n] = strdup(path);
	if (!l->p[l->n])
		return -1;
	l->n++;
	return 0;
}

static void qlist_free(struct qlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->p[i]);
	free(l->p);
}

/*
 * --batch FILE: one quote path per line ("-" for FILE reads the list from
 * stdin); blank lines and lines starting with '#' are skipped, the line's
 * newline (and a CR before it) is not part of the path.
 */
static int qlist_load(struct qlist *l, const char *file, struct tdxq_err *e)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	if (!f) {
		snprintf(e->msg, sizeof(e->msg), "%.100s: %s", file,
			 strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;
		if (qlist_add(l, line)) {
			snprintf(e->msg, sizeof(e->msg), "out of memory");
			rc = -1;
			break;
		}
	}
	if (!rc && ferror(f)) {
		snprintf(e->msg, sizeof(e->msg), "%.100s: read error", file);
		rc = -1;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

/* One quote of the list: its file read and verified into res. */
static enum tdxq_status verify_one(const char *path,
				   const struct tdxq_trust *t,
				   const struct tdxq_policy *pol, time_t now,
				   struct tdxq_cache *cache,
				   struct tdxq_result *res, struct tdxq_err *e)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	enum tdxq_status s;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = tdxq_read_file(path, TDXQ_MAX_QUOTE_SIZE, &buf, &len);
	if (rc == -EFBIG) {
		snprintf(e->msg, sizeof(e->msg),
			 "quote larger than %u bytes", TDXQ_MAX_QUOTE_SIZE);
		return TDXQ_MALFORMED;
	}
	if (rc) {
		snprintf(e->msg, sizeof(e->msg), "%.100s: %s", path,
			 strerror(-rc));
		return TDXQ_USAGE;
	}
	s = tdxq_verify_cached(buf, len, t, pol, now, cache, res, e);
	free(buf);
	return s;
}

/*
 * One line per quote of a batch: "PATH: ok" or "PATH: STATUS: reason
 * [rule]" on stdout; with --json, the object of a single verification
 * with "file" first.
 */
static void batch_out(int json, const char *path, enum tdxq_status s,
		      const char *reason, const struct tdxq_result *r)
{
	if (!json) {
		text_str(stdout, path);
		if (s == TDXQ_OK) {
			printf(": ok\n");
			return;
		}
		printf(": %s: ", tdxq_status_name(s));
		text_str(stdout, reason);
		if (r->rule[0])
			printf(" [%s]", r->rule);
		putchar('\n');
		return;
	}
	printf("{\"file\": ");
	json_str(stdout, path);
	printf(", ");
	/* verify_out's object without its opening brace */
	verify_out(2, 0, s, reason, r);
}

int cmd_verify(int argc, char **argv)
{
	struct tdxq_result res;
	struct tdxq_trust *t = NULL;
	struct tdxq_policy *pol = NULL;
	struct tdxq_cache *cache = NULL;
	struct tdxq_err e = { "", 0 };
	enum tdxq_status s = TDXQ_USAGE, worst;
	struct qlist ql = { NULL, 0, 0 };
	const char *v;
	int json = 0, quiet = 0, have_root = 0, batch = 0, i;
	time_t now = (time_t)-1;
	size_t k;

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
		if (!strcmp(a, "--allow-debug")) {
			if (tdxq_policy_set(pol, "allow_debug", "yes", &e))
				goto out;
			continue;
		}
		if (!strcmp(a, "--root") || !strcmp(a, "--report-data") ||
		    !strcmp(a, "--mrtd") || !strcmp(a, "--rtmr") ||
		    !strcmp(a, "--policy") || !strcmp(a, "--time") ||
		    !strcmp(a, "--profile") || !strcmp(a, "--batch")) {
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
			if (qlist_add(&ql, a)) {
				snprintf(e.msg, sizeof(e.msg), "out of memory");
				goto out;
			}
			continue;
		}
		if (!strcmp(a, "--root")) {
			if (tdxq_trust_add_file(t, v, &e))
				goto out;
			have_root = 1;
		} else if (!strcmp(a, "--batch")) {
			if (qlist_load(&ql, v, &e))
				goto out;
			batch = 1;
		} else if (!strcmp(a, "--report-data")) {
			if (tdxq_policy_set(pol, "report_data", v, &e))
				goto out;
		} else if (!strcmp(a, "--mrtd")) {
			if (tdxq_policy_set(pol, "mrtd", v, &e))
				goto out;
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
		} else if (!strcmp(a, "--profile")) {
			if (tdxq_policy_set(pol, "eat_profile", v, &e))
				goto out;
		} else if (!strcmp(a, "--policy")) {
			if (tdxq_policy_load(pol, v, &e))
				goto out;
		} else if (parse_time(v, &now)) {
			snprintf(e.msg, sizeof(e.msg),
				 "--time wants seconds since 1970, not '%.64s'",
				 v);
			goto out;
		}
	}
	if (ql.n > 1)
		batch = 1;
	if (!ql.n && !batch) {
		snprintf(e.msg, sizeof(e.msg),
			 "usage: tdx-quote verify QUOTE... [--batch FILE] [--root PEM]... [--profile OID]... [--allow-debug] [--report-data HEX]... [--mrtd HEX]... [--rtmr N=HEX]... [--policy FILE]... [--time UNIX_SECONDS] [--json] [-q]");
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
	if (!batch) {
		s = verify_one(ql.p[0], t, pol, now, NULL, &res, &e);
		goto out;
	}
	/*
	 * Many quotes: one line each, the exit status the largest of
	 * theirs.  The time is read once, so that every quote of the batch
	 * is judged at the same instant, and verified chains are cached.
	 */
	if (now == (time_t)-1)
		now = time(NULL);
	cache = tdxq_cache_new();
	if (!cache) {
		snprintf(e.msg, sizeof(e.msg), "out of memory");
		goto out;
	}
	worst = TDXQ_OK;
	for (k = 0; k < ql.n; k++) {
		e.msg[0] = '\0';
		e.step = 0;
		s = verify_one(ql.p[k], t, pol, now, cache, &res, &e);
		if (!quiet)
			batch_out(json, ql.p[k], s, e.msg, &res);
		tdxq_result_free(&res);
		if (s > worst)
			worst = s;
	}
	tdxq_cache_free(cache);
	qlist_free(&ql);
	tdxq_trust_free(t);
	tdxq_policy_free(pol);
	return (int)worst;
out:
	verify_out(json, quiet, s, e.msg, &res);
	tdxq_result_free(&res);
	tdxq_trust_free(t);
	tdxq_policy_free(pol);
	qlist_free(&ql);
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
	printf("  content type: ");
	if (q->content_type) {
		putchar('"');
		text_strn(stdout, q->content_type, q->content_type_len);
		printf("\"\n");
	} else {
		printf("(absent)\n");
	}
	printf("  kid: ");
	if (q->kid)
		print_hex(stdout, q->kid, q->kid_len);
	else
		printf("(absent)");
	printf("\n  certificates: %zu in %s\n", q->n_certs,
	       q->chain_label == 32 ? "x5bag (32)" : "x5chain (33)");
	for (i = 0; i < q->n_certs; i++) {
		struct tdxq_chain_info ci;
		struct tdxq_tcb_info *tcb;
		struct cert_txt ct;
		size_t n_tcb, k;
		int r;

		cert_text(&q->certs[i], &ct);
		printf("certificate %zu (%zu bytes):\n", i, q->certs[i].len);
		if (!ct.ok) {
			printf("  (not a parseable X.509 certificate)\n");
		} else {
			printf("  subject: ");
			text_str(stdout, ct.subject);
			printf("\n  issuer: ");
			text_str(stdout, ct.issuer);
			printf("\n  not before: ");
			text_str(stdout, ct.nb);
			printf("\n  not after: ");
			text_str(stdout, ct.na);
			printf("\n  CA: %s\n", ct.ca ? "yes" : "no");
		}
		memset(&ci, 0, sizeof(ci));
		r = tdxq_cert_dice(q->certs[i].der, q->certs[i].len, &ci, &tcb,
				   &n_tcb);
		if (r >= 0 && ci.eku[0])
			printf("  extendedKeyUsage: %s\n", ci.eku);
		if (r >= 0 && ci.ueid_len) {
			printf("  UEID: ");
			print_hex(stdout, ci.ueid, ci.ueid_len);
			printf("\n");
		}
		for (k = 0; k < n_tcb; k++)
			text_tcb(stdout, "  ", &tcb[k]);
		if (r > 0)
			printf("  (a TCG DICE extension is malformed)\n");
		free(tcb);
		printf("  sha256: ");
		print_hex(stdout, ct.sha256, 32);
		printf("\n");
	}
	printf("claims:\n");
	if (q->iss) {
		printf("  iss: \"");
		text_strn(stdout, q->iss, q->iss_len);
		printf("\"\n");
	}
	if (q->sub) {
		printf("  sub: \"");
		text_strn(stdout, q->sub, q->sub_len);
		printf("\"\n");
	}
	if (q->profile) {
		printf("  eat_profile: ");
		if (!tdxq_oid_text(q->profile, q->profile_len, oid, sizeof(oid)))
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

			if (o && !sm->has_current) {
				printf("    current: (absent)\n");
				continue;
			}
			printf("    %s:\n", which[o]);
			for (j = 0; j < ev->n; j++) {
				printf("      %s: ",
				       value_name(sm->id, &ev->v[j], o));
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
	if (q->content_type)
		json_strn(stdout, q->content_type, q->content_type_len);
	else
		fputs("null", stdout);
	printf(", \"kid\": ");
	if (q->kid)
		json_hex(stdout, q->kid, q->kid_len);
	else
		printf("null");
	printf(", \"certificates_in\": \"%s\", \"certificates\": [",
	       q->chain_label == 32 ? "x5bag" : "x5chain");
	for (i = 0; i < q->n_certs; i++) {
		struct tdxq_chain_info ci;
		struct tdxq_tcb_info *tcb;
		struct cert_txt ct;
		size_t n_tcb, k;
		int r;

		cert_text(&q->certs[i], &ct);
		printf("%s{\"size\": %zu, \"parsed\": %s", i ? ", " : "",
		       q->certs[i].len, ct.ok ? "true" : "false");
		memset(&ci, 0, sizeof(ci));
		r = tdxq_cert_dice(q->certs[i].der, q->certs[i].len, &ci, &tcb,
				   &n_tcb);
		if (r >= 0)
			json_cert_extra(stdout, &ci);
		printf(", \"tcb_info\": [");
		for (k = 0; k < n_tcb; k++) {
			tcb[k].cert = i;
			fputs(k ? ", " : "", stdout);
			json_tcb(stdout, &tcb[k]);
		}
		printf("], \"tcb_info_malformed\": %s", r > 0 ? "true" : "false");
		free(tcb);
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
	json_claims(stdout, q);
	printf("}\n");
}

int cmd_dump(int argc, char **argv)
{
	struct tdxq_err e = { "", 0 };
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
