// SPDX-License-Identifier: GPL-2.0
/*
 * libtdxquote: trust anchors, expected values, and the whole verification
 * (docs/verifier.md steps 7-16 and 22; the parser does the others).
 *
 * OpenSSL parses certificates and checks signatures; the path is built here,
 * step by step as the page says, without X509_verify_cert() (whose extra
 * rules would make this verifier disagree with tests/tools/pyverify.py).
 * Names are compared as their DER bytes.
 */
#include <errno.h>
#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tdxq.h"
#include "internal.h"

#define MAX_ROOT_FILE	(4u << 20)
#define MAX_POLICY_FILE	(1u << 20)
#define MAX_EXPECTED	4096		/* bytes of one expected value */

/* ---- trust anchors ------------------------------------------------------ */

struct root {
	X509 *x;
	uint8_t *der;			/* exactly as read */
	size_t len;
};

struct tdxq_trust {
	struct root *r;
	size_t n, cap;
};

struct tdxq_trust *tdxq_trust_new(void)
{
	return calloc(1, sizeof(struct tdxq_trust));
}

void tdxq_trust_free(struct tdxq_trust *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		X509_free(t->r[i].x);
		free(t->r[i].der);
	}
	free(t->r);
	free(t);
}

size_t tdxq_trust_count(const struct tdxq_trust *t)
{
	return t ? t->n : 0;
}

/*
 * Is p..p+len a sequence of DER encodings (as far as their tags tell)?
 * Definite, minimal lengths; SEQUENCE and SET the only constructed
 * universal types; BOOLEAN TRUE only (every BOOLEAN of a certificate and
 * its standard extensions is DEFAULT FALSE, which DER omits); minimal
 * INTEGERs; BIT STRINGs with 0..7 zero padding bits; empty NULLs.
 * OpenSSL accepts BER where python3-cryptography (and rule 7) does not.
 */
static int der_ok(const unsigned char *p, long len, int depth)
{
	const unsigned char *end = p + len;

	if (depth > 64)
		return 0;
	while (p < end) {
		const unsigned char *start = p;
		int tag, cls, r;
		long l;

		r = ASN1_get_object(&p, &l, &tag, &cls, (long)(end - p));
		if ((r & 0x80) || (r & 1))
			return 0;
		if ((long)(p - start) + l !=
		    ASN1_object_size(r & V_ASN1_CONSTRUCTED ? 1 : 0, (int)l,
				     tag))
			return 0;
		if (r & V_ASN1_CONSTRUCTED) {
			if (cls == V_ASN1_UNIVERSAL && tag != V_ASN1_SEQUENCE &&
			    tag != V_ASN1_SET)
				return 0;
			if (!der_ok(p, l, depth + 1))
				return 0;
		} else if (cls == V_ASN1_UNIVERSAL) {
			switch (tag) {
			case V_ASN1_BOOLEAN:
				if (l != 1 || p[0] != 0xff)
					return 0;
				break;
			case V_ASN1_INTEGER:
			case V_ASN1_ENUMERATED:
				if (l < 1 || (l > 1 &&
				    ((p[0] == 0 && !(p[1] & 0x80)) ||
				     (p[0] == 0xff && (p[1] & 0x80)))))
					return 0;
				break;
			case V_ASN1_BIT_STRING:
				if (l < 1 || p[0] > 7 || (l == 1 && p[0]) ||
				    (l > 1 && (p[l - 1] & ((1 << p[0]) - 1))))
					return 0;
				break;
			case V_ASN1_NULL:
				if (l)
					return 0;
				break;
			}
		}
		p += l;
	}
	return 1;
}

/* Parses one DER certificate that must use all len bytes. */
static X509 *der_cert(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x;

	if (!len || len > INT_MAX || !der_ok(der, (long)len, 0))
		return NULL;
	x = d2i_X509(NULL, &p, (long)len);
	if (x && p != der + len) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

static int trust_push(struct tdxq_trust *t, const uint8_t *der, size_t len)
{
	struct root *r;
	X509 *x;

	x = der_cert(der, len);
	if (!x)
		return -EINVAL;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 4;

		r = realloc(t->r, cap * sizeof(*r));
		if (!r)
			goto nomem;
		t->r = r;
		t->cap = cap;
	}
	r = &t->r[t->n];
	r->der = malloc(len);
	if (!r->der)
		goto nomem;
	memcpy(r->der, der, len);
	r->len = len;
	r->x = x;
	t->n++;
	return 0;
nomem:
	X509_free(x);
	return -ENOMEM;
}

enum tdxq_status tdxq_trust_add_file(struct tdxq_trust *t, const char *path,
				     struct tdxq_err *e)
{
	enum tdxq_status s = TDXQ_USAGE;
	size_t len, added = 0;
	uint8_t *buf;
	BIO *bio;
	int rc;

	rc = tdxq_read_file(path, MAX_ROOT_FILE, &buf, &len);
	if (rc) {
		tdxq_seterr(e, "root %s: %s", path, strerror(-rc));
		return TDXQ_USAGE;
	}
	bio = BIO_new_mem_buf(buf, (int)len);
	if (!bio) {
		tdxq_seterr(e, "root %s: out of memory", path);
		goto out;
	}
	for (;;) {
		char *name = NULL, *hdr = NULL;
		unsigned char *data = NULL;
		long dlen = 0;

		if (!PEM_read_bio(bio, &name, &hdr, &data, &dlen)) {
			unsigned long err = ERR_peek_last_error();

			if (ERR_GET_LIB(err) == ERR_LIB_PEM &&
			    ERR_GET_REASON(err) == PEM_R_NO_START_LINE)
				break;	/* no more PEM blocks */
			if (memmem(buf, len, "-----BEGIN", 10)) {
				tdxq_seterr(e, "root %s: a PEM block is damaged",
				       path);
				goto out;
			}
			break;
		}
		if (!strcmp(name, PEM_STRING_X509) ||
		    !strcmp(name, PEM_STRING_X509_OLD))
			rc = trust_push(t, data, (size_t)dlen);
		else
			rc = 0;		/* keys, CRLs...: not ours */
		if (!strcmp(name, PEM_STRING_X509) ||
		    !strcmp(name, PEM_STRING_X509_OLD))
			added += !rc;
		OPENSSL_free(name);
		OPENSSL_free(hdr);
		OPENSSL_free(data);
		if (rc) {
			tdxq_seterr(e, "root %s: certificate %zu: %s", path,
			       added + 1, rc == -ENOMEM ? "out of memory" :
			       "not a DER X.509 certificate");
			goto out;
		}
	}
	ERR_clear_error();
	if (!added) {
		rc = trust_push(t, buf, len);
		if (rc) {
			tdxq_seterr(e, "root %s: %s", path, rc == -ENOMEM ?
			       "out of memory" :
			       "neither PEM certificates nor one DER certificate");
			goto out;
		}
	}
	s = TDXQ_OK;
out:
	ERR_clear_error();
	BIO_free(bio);
	free(buf);
	return s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum tdxq_status tdxq_trust_add_dir(struct tdxq_trust *t, const char *dir,
				    struct tdxq_err *e)
{
	enum tdxq_status s = TDXQ_OK;
	char **names = NULL, **nn;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return TDXQ_OK;
		tdxq_seterr(e, "roots directory %s: %s", dir, strerror(errno));
		return TDXQ_USAGE;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 5 || strcmp(de->d_name + l - 4, ".pem"))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			nn = realloc(names, cap * sizeof(*names));
			if (!nn)
				goto nomem;
			names = nn;
		}
		if (asprintf(&names[n], "%s/%s", dir, de->d_name) < 0)
			goto nomem;
		n++;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n && !s; i++)
		s = tdxq_trust_add_file(t, names[i], e);
	goto out;
nomem:
	tdxq_seterr(e, "out of memory");
	s = TDXQ_USAGE;
out:
	closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return s;
}

/* ---- expected values --------------------------------------------------- */

static const struct pol_name {
	const char *name;
	int sm;				/* 0: report_data */
	int64_t key;
} pol_names[] = {
	{ "report_data",	0,			-212 },
	{ "mrtd",		TDXQ_SM_TD,		-83 },
	{ "rtmr0",		TDXQ_SM_TD,		-206 },
	{ "rtmr1",		TDXQ_SM_TD,		-207 },
	{ "rtmr2",		TDXQ_SM_TD,		-208 },
	{ "rtmr3",		TDXQ_SM_TD,		-209 },
	{ "mr_config_id",	TDXQ_SM_TD,		-203 },
	{ "mr_owner",		TDXQ_SM_TD,		-204 },
	{ "mr_owner_config",	TDXQ_SM_TD,		-205 },
	{ "td_attributes",	TDXQ_SM_TD,		-82 },
	{ "xfam",		TDXQ_SM_TD,		-201 },
	{ "mr_seam",		TDXQ_SM_SEAM,		-83 },
	{ "mr_signer_seam",	TDXQ_SM_SEAM,		-84 },
	{ "seam_attributes",	TDXQ_SM_SEAM,		-82 },
	{ "mr_service_td",	TDXQ_SM_SERVICE_TD,	-210 },
};
#define N_POL (sizeof(pol_names) / sizeof(pol_names[0]))

struct tdxq_policy {
	uint8_t *val[N_POL];
	size_t len[N_POL];
	unsigned char set[N_POL];
};

struct tdxq_policy *tdxq_policy_new(void)
{
	return calloc(1, sizeof(struct tdxq_policy));
}

void tdxq_policy_free(struct tdxq_policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < N_POL; i++)
		free(p->val[i]);
	free(p);
}

enum tdxq_status tdxq_policy_set(struct tdxq_policy *p, const char *name,
				 const char *hex, struct tdxq_err *e)
{
	size_t i, n = strlen(hex);
	uint8_t *v;

	for (i = 0; i < N_POL; i++)
		if (!strcmp(pol_names[i].name, name))
			break;
	if (i == N_POL) {
		tdxq_seterr(e, "unknown expected value '%.64s'", name);
		return TDXQ_USAGE;
	}
	if (p->set[i]) {
		tdxq_seterr(e, "%s given twice", name);
		return TDXQ_USAGE;
	}
	if (n / 2 > MAX_EXPECTED) {
		tdxq_seterr(e, "%s: value longer than %d bytes", name,
		       MAX_EXPECTED);
		return TDXQ_USAGE;
	}
	v = malloc(n / 2 + 1);
	if (!v) {
		tdxq_seterr(e, "out of memory");
		return TDXQ_USAGE;
	}
	if (tdxq_unhex(hex, v, n / 2) < 0) {
		free(v);
		tdxq_seterr(e, "%s: not an even number of hex digits", name);
		return TDXQ_USAGE;
	}
	p->val[i] = v;
	p->len[i] = n / 2;
	p->set[i] = 1;
	return TDXQ_OK;
}

static int is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static char *trim(char *s)
{
	char *end;

	while (is_space(*s))
		s++;
	end = s + strlen(s);
	while (end > s && is_space(end[-1]))
		*--end = '\0';
	return s;
}

enum tdxq_status tdxq_policy_load(struct tdxq_policy *p, const char *path,
				  struct tdxq_err *e)
{
	enum tdxq_status s = TDXQ_OK;
	char *text, *line, *next;
	unsigned int lineno = 0;
	uint8_t *buf;
	size_t len;
	int rc;

	rc = tdxq_read_file(path, MAX_POLICY_FILE, &buf, &len);
	if (rc) {
		tdxq_seterr(e, "policy %s: %s", path, strerror(-rc));
		return TDXQ_USAGE;
	}
	text = malloc(len + 1);
	if (!text) {
		free(buf);
		tdxq_seterr(e, "out of memory");
		return TDXQ_USAGE;
	}
	if (len)
		memcpy(text, buf, len);
	text[len] = '\0';
	free(buf);
	if (strlen(text) != len) {
		tdxq_seterr(e, "policy %s: not a text file", path);
		free(text);
		return TDXQ_USAGE;
	}
	for (line = text; line && !s; line = next) {
		char *eq, *name, *hex, *hash;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		line = trim(line);
		if (!*line)
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			tdxq_seterr(e, "policy %s:%u: not 'name = hex'", path,
			       lineno);
			s = TDXQ_USAGE;
			break;
		}
		*eq = '\0';
		name = trim(line);
		hex = trim(eq + 1);
		s = tdxq_policy_set(p, name, hex, e);
		if (s) {
			char pfx[128];

			snprintf(pfx, sizeof(pfx), "policy %.100s:%u", path,
				 lineno);
			tdxq_prefix_err(e, pfx);
		}
	}
	free(text);
	return s;
}

/* Step 22; returns the index of the first mismatch, or -1. */
static int policy_check(const struct tdxq_policy *p,
			const struct tdxq_quote *q)
{
	size_t i;

	for (i = 0; i < N_POL; i++) {
		const struct tdxq_value *v;
		const uint8_t *have;
		size_t have_len;

		if (!p->set[i])
			continue;
		if (!pol_names[i].sm) {
			have = q->report_data;
			have_len = TDXQ_REPORT_DATA_SIZE;
		} else {
			v = tdxq_claim(q, pol_names[i].sm, pol_names[i].key,
				       0);
			if (!v || v->type == TDXQ_V_UINTS)
				return (int)i;
			have = v->data;
			have_len = v->len;
		}
		if (have_len != p->len[i] ||
		    (have_len && memcmp(have, p->val[i], have_len)))
			return (int)i;
	}
	return -1;
}

/* ---- certificates ------------------------------------------------------ */

static int name_eq(const X509_NAME *a, const X509_NAME *b)
{
	const unsigned char *da, *db;
	size_t la, lb;

	if (!X509_NAME_get0_der((X509_NAME *)a, &da, &la) ||
	    !X509_NAME_get0_der((X509_NAME *)b, &db, &lb))
		return 0;
	return la == lb && !memcmp(da, db, la);
}

void tdxq_name_text(const X509_NAME *n, char *out, size_t cap)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long l;

	out[0] = '\0';
	if (!b)
		return;
	if (X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253) >= 0) {
		l = BIO_get_mem_data(b, &p);
		if (l > 0) {
			if ((size_t)l >= cap)
				l = (long)cap - 1;
			memcpy(out, p, (size_t)l);
			out[l] = '\0';
		}
	}
	BIO_free(b);
}

static int is_p384(X509 *x)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	char g[32];
	size_t gl = 0;

	if (!k || EVP_PKEY_get_base_id(k) != EVP_PKEY_EC)
		return 0;
	if (!EVP_PKEY_get_group_name(k, g, sizeof(g), &gl))
		return 0;
	return !strcmp(g, SN_secp384r1);
}

/*
 * An extension, decoded: 1 present (*out set), 0 absent, -1 present but
 * undecodable or repeated.
 */
static int get_ext(X509 *x, int nid, void **out)
{
	int crit = -1;

	*out = X509_get_ext_d2i(x, nid, &crit, NULL);
	if (*out)
		return 1;
	return crit == -1 ? 0 : -1;
}

static time_t asn1_time_t(const ASN1_TIME *t)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return (time_t)-1;
	return timegm(&tm);
}

static void chain_info(struct tdxq_chain_info *ci, X509 *x,
		       const uint8_t *der, size_t len)
{
	BASIC_CONSTRAINTS *bc;

	memset(ci, 0, sizeof(*ci));
	tdxq_name_text(X509_get_subject_name(x), ci->subject, sizeof(ci->subject));
	tdxq_name_text(X509_get_issuer_name(x), ci->issuer, sizeof(ci->issuer));
	ci->not_before = asn1_time_t(X509_get0_notBefore(x));
	ci->not_after = asn1_time_t(X509_get0_notAfter(x));
	if (get_ext(x, NID_basic_constraints, (void **)&bc) > 0) {
		ci->is_ca = !!bc->ca;
		BASIC_CONSTRAINTS_free(bc);
	}
	EVP_Digest(der, len, ci->sha256, NULL, EVP_sha256(), NULL);
}

/* Step 13 for one certificate. */
static enum tdxq_status cert_basics(X509 *x, time_t now, const char *what,
				    struct tdxq_err *e)
{
	const ASN1_TIME *nb = X509_get0_notBefore(x);
	const ASN1_TIME *na = X509_get0_notAfter(x);
	int c1, c2;

	if (X509_get_version(x) != X509_VERSION_3) {
		tdxq_seterr(e, "%s is not an X.509 v3 certificate", what);
		return TDXQ_UNTRUSTED;
	}
	if (X509_get_signature_nid(x) != NID_ecdsa_with_SHA384) {
		tdxq_seterr(e, "%s is not signed with ecdsa-with-SHA384", what);
		return TDXQ_UNTRUSTED;
	}
	if (!is_p384(x)) {
		tdxq_seterr(e, "%s has no EC P-384 public key", what);
		return TDXQ_UNTRUSTED;
	}
	c1 = nb ? ASN1_TIME_cmp_time_t(nb, now) : -2;
	c2 = na ? ASN1_TIME_cmp_time_t(na, now) : -2;
	if (c1 == -2 || c2 == -2) {
		tdxq_seterr(e, "%s has an unreadable validity period", what);
		return TDXQ_UNTRUSTED;
	}
	if (c1 > 0) {
		tdxq_seterr(e, "%s is not yet valid", what);
		return TDXQ_UNTRUSTED;
	}
	if (c2 < 0) {
		tdxq_seterr(e, "%s has expired", what);
		return TDXQ_UNTRUSTED;
	}
	return TDXQ_OK;
}

/* Step 15 for an issuer with `below` intermediates under it. */
static enum tdxq_status issuer_rules(X509 *x, long below, const char *what,
				     struct tdxq_err *e)
{
	enum tdxq_status s = TDXQ_UNTRUSTED;
	BASIC_CONSTRAINTS *bc = NULL;
	ASN1_BIT_STRING *ku = NULL;
	int64_t pl;

	if (get_ext(x, NID_basic_constraints, (void **)&bc) <= 0 || !bc->ca) {
		tdxq_seterr(e, "%s issues certificates but is not a CA (basicConstraints)",
		       what);
		goto out;
	}
	if (get_ext(x, NID_key_usage, (void **)&ku) <= 0 ||
	    !ASN1_BIT_STRING_get_bit(ku, 5)) {
		tdxq_seterr(e, "%s issues certificates but its keyUsage lacks keyCertSign",
		       what);
		goto out;
	}
	if (bc->pathlen) {
		if (!ASN1_INTEGER_get_int64(&pl, bc->pathlen) || pl < 0) {
			tdxq_seterr(e, "%s has a bad pathLenConstraint", what);
			goto out;
		}
		if (below > pl) {
			tdxq_seterr(e, "%s: pathLenConstraint %" PRId64 " exceeded (%ld intermediates below)",
			       what, pl, below);
			goto out;
		}
	}
	s = TDXQ_OK;
out:
	BASIC_CONSTRAINTS_free(bc);
	ASN1_BIT_STRING_free(ku);
	return s;
}

/*
 * The extensions parse: no extension twice, and each one OpenSSL knows
 * decodes (python3-cryptography refuses such a certificate's extensions).
 */
static enum tdxq_status ext_check(X509 *x, const char *what,
				  struct tdxq_err *e)
{
	int i, j, n = X509_get_ext_count(x);

	for (i = 0; i < n; i++) {
		X509_EXTENSION *ext = X509_get_ext(x, i);
		const ASN1_OBJECT *o = X509_EXTENSION_get_object(ext);
		const X509V3_EXT_METHOD *m = X509V3_EXT_get(ext);
		ASN1_OCTET_STRING *data;
		void *d;

		for (j = 0; j < i; j++) {
			if (!OBJ_cmp(o, X509_EXTENSION_get_object(
						X509_get_ext(x, j)))) {
				tdxq_seterr(e, "%s has an extension twice", what);
				return TDXQ_UNTRUSTED;
			}
		}
		if (!m)
			continue;
		data = X509_EXTENSION_get_data(ext);
		if (!data || !der_ok(ASN1_STRING_get0_data(data),
				     ASN1_STRING_length(data), 0)) {
			tdxq_seterr(e, "%s has an extension that is not DER", what);
			return TDXQ_UNTRUSTED;
		}
		d = X509V3_EXT_d2i(ext);
		if (!d) {
			ERR_clear_error();
			tdxq_seterr(e, "%s has an undecodable extension", what);
			return TDXQ_UNTRUSTED;
		}
		if (OBJ_obj2nid(o) == NID_basic_constraints) {
			BASIC_CONSTRAINTS *bc = d;
			int64_t pl = 0;

			/* a pathLenConstraint needs cA and must be >= 0 */
			if (bc->pathlen &&
			    (!bc->ca ||
			     !ASN1_INTEGER_get_int64(&pl, bc->pathlen) ||
			     pl < 0)) {
				BASIC_CONSTRAINTS_free(bc);
				ERR_clear_error();
				tdxq_seterr(e, "%s has an invalid basicConstraints",
				       what);
				return TDXQ_UNTRUSTED;
			}
		}
		if (m->it)
			ASN1_item_free(d, ASN1_ITEM_ptr(m->it));
		else if (m->ext_free)
			m->ext_free(d);
	}
	return TDXQ_OK;
}

/*
 * Step 14 for one certificate (der, as received): its outer signature
 * (ecdsa-with-SHA384, checked in step 13) over its tbsCertificate bytes,
 * with key k.  Unlike X509_verify(), no other rule (such as the inner
 * algorithm matching the outer one) is applied.
 */
static int cert_sig_ok(X509 *x, const uint8_t *der, size_t len,
		       EVP_PKEY *k)
{
	const unsigned char *p = der, *tbs;
	const ASN1_BIT_STRING *sig = NULL;
	EVP_MD_CTX *md = NULL;
	long l1, l2;
	int tag, cls, ok = 0;

	if (!k || len > LONG_MAX)
		return 0;
	if (ASN1_get_object(&p, &l1, &tag, &cls, (long)len) != 0x20)
		goto out;
	tbs = p;
	if (ASN1_get_object(&p, &l2, &tag, &cls, l1) != 0x20)
		goto out;
	X509_get0_signature(&sig, NULL, x);
	/* an ECDSA signatureValue has no unused bits (RFC 5480) */
	if (!sig || ((sig->flags & ASN1_STRING_FLAG_BITS_LEFT) &&
		     (sig->flags & 0x07)))
		goto out;
	md = EVP_MD_CTX_new();
	if (md &&
	    EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL, k) == 1 &&
	    EVP_DigestVerify(md, sig->data, (size_t)sig->length, tbs,
			     (size_t)(p - tbs) + (size_t)l2) == 1)
		ok = 1;
out:
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return ok;
}

/* Step 16. */
static enum tdxq_status leaf_rules(X509 *x, struct tdxq_err *e)
{
	ASN1_BIT_STRING *ku = NULL;
	int r = get_ext(x, NID_key_usage, (void **)&ku);
	enum tdxq_status s = TDXQ_OK;

	if (r < 0 || (r > 0 && !ASN1_BIT_STRING_get_bit(ku, 0))) {
		tdxq_seterr(e, "the leaf's keyUsage lacks digitalSignature");
		s = TDXQ_UNTRUSTED;
	}
	ASN1_BIT_STRING_free(ku);
	return s;
}

/* ---- step 10 ------------------------------------------------------------ */

static enum tdxq_status check_signature(const struct tdxq_quote *q, X509 *leaf,
					struct tdxq_err *e)
{
	static const char ctx[] = "Signature1";
	unsigned char hdr[16], *der = NULL;
	enum tdxq_status s = TDXQ_USAGE;
	EVP_MD_CTX *md = NULL;
	ECDSA_SIG *sig = NULL;
	BIGNUM *r = NULL, *sv = NULL;
	size_t n;
	int dlen, ok;

	sig = ECDSA_SIG_new();
	r = BN_bin2bn(q->sig, TDXQ_SIG_SIZE / 2, NULL);
	sv = BN_bin2bn(q->sig + TDXQ_SIG_SIZE / 2, TDXQ_SIG_SIZE / 2, NULL);
	if (!sig || !r || !sv)
		goto nomem;
	ECDSA_SIG_set0(sig, r, sv);
	r = sv = NULL;
	dlen = i2d_ECDSA_SIG(sig, &der);
	if (dlen <= 0)
		goto nomem;
	md = EVP_MD_CTX_new();
	if (!md || EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL,
					X509_get0_pubkey(leaf)) != 1)
		goto nomem;

	/* ["Signature1", protected, h'', payload] */
	ok = 1;
	n = cbor_encode_array_start(4, hdr, sizeof(hdr));
	ok &= EVP_DigestVerifyUpdate(md, hdr, n) == 1;
	n = cbor_encode_string_start(sizeof(ctx) - 1, hdr, sizeof(hdr));
	ok &= EVP_DigestVerifyUpdate(md, hdr, n) == 1;
	ok &= EVP_DigestVerifyUpdate(md, ctx, sizeof(ctx) - 1) == 1;
	n = cbor_encode_bytestring_start(q->protected_len, hdr, sizeof(hdr));
	ok &= EVP_DigestVerifyUpdate(md, hdr, n) == 1;
	ok &= EVP_DigestVerifyUpdate(md, q->protected_hdr,
				     q->protected_len) == 1;
	n = cbor_encode_bytestring_start(0, hdr, sizeof(hdr));
	ok &= EVP_DigestVerifyUpdate(md, hdr, n) == 1;
	n = cbor_encode_bytestring_start(q->payload_len, hdr, sizeof(hdr));
	ok &= EVP_DigestVerifyUpdate(md, hdr, n) == 1;
	ok &= EVP_DigestVerifyUpdate(md, q->payload, q->payload_len) == 1;
	if (!ok)
		goto nomem;
	if (EVP_DigestVerifyFinal(md, der, (size_t)dlen) == 1) {
		s = TDXQ_OK;
	} else {
		tdxq_seterr(e, "the COSE signature does not verify with the leaf key");
		s = TDXQ_SIGNATURE;
	}
	goto out;
nomem:
	tdxq_seterr(e, "out of memory (signature check)");
out:
	ERR_clear_error();
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	BN_free(r);
	BN_free(sv);
	return s;
}

/* ---- the whole verification ---------------------------------------------- */

struct vctx {
	const struct tdxq_quote *q;
	const struct tdxq_trust *t;
	X509 *x[TDXQ_MAX_CERTS];
	size_t n;
	size_t leaf;
	size_t path[TDXQ_MAX_CERTS + 1];	/* bag indices below the root */
	size_t n_path;
	const struct root *root;
	int root_in_bag;			/* bag index, or -1 */
};

static int self_issued(X509 *x)
{
	return name_eq(X509_get_subject_name(x), X509_get_issuer_name(x));
}

/* A pinned root byte-identical to bag certificate i, or NULL. */
static const struct root *pinned_copy(const struct vctx *v, size_t i)
{
	size_t j;

	for (j = 0; j < v->t->n; j++)
		if (v->t->r[j].len == v->q->certs[i].len &&
		    !memcmp(v->t->r[j].der, v->q->certs[i].der,
			    v->q->certs[i].len))
			return &v->t->r[j];
	return NULL;
}

static void cert_label(const struct vctx *v, size_t i, char *out, size_t cap)
{
	char subj[160];

	tdxq_name_text(X509_get_subject_name(v->x[i]), subj, sizeof(subj));
	snprintf(out, cap, "certificate %zu (%s)", i, subj);
}

/* Steps 7 and 8. */
static enum tdxq_status find_leaf(struct vctx *v, struct tdxq_err *e)
{
	size_t i, j, found = 0;

	for (i = 0; i < v->q->n_certs; i++) {
		v->x[i] = der_cert(v->q->certs[i].der, v->q->certs[i].len);
		if (!v->x[i]) {
			ERR_clear_error();
			tdxq_seterr(e, "certificate %zu is not a DER X.509 certificate",
			       i);
			return TDXQ_UNTRUSTED;
		}
		v->n++;
		if (X509_get_version(v->x[i]) != X509_VERSION_3) {
			tdxq_seterr(e, "certificate %zu is not X.509 v3", i);
			return TDXQ_UNTRUSTED;
		}
	}
	if (v->q->chain_label == 33) {
		v->leaf = 0;
		return TDXQ_OK;
	}
	for (i = 0; i < v->n; i++) {
		const X509_NAME *subj = X509_get_subject_name(v->x[i]);

		for (j = 0; j < v->n; j++)
			if (j != i &&
			    name_eq(subj, X509_get_issuer_name(v->x[j])))
				break;
		if (j == v->n) {
			v->leaf = i;
			found++;
		}
	}
	if (found != 1) {
		if (found)
			tdxq_seterr(e, "x5bag has %zu candidate leaf certificates",
			       found);
		else
			tdxq_seterr(e, "x5bag has no leaf certificate");
		return TDXQ_UNTRUSTED;
	}
	return TDXQ_OK;
}

/* Step 11. */
static enum tdxq_status build_path(struct vctx *v, struct tdxq_err *e)
{
	size_t cur = v->leaf, i;
	char what[200];

	for (;;) {
		const X509_NAME *iss;
		const struct root *r = pinned_copy(v, cur);
		size_t cand = 0, next = 0;

		if (r) {
			v->root = r;
			v->root_in_bag = (int)cur;
			return TDXQ_OK;
		}
		if (v->n_path == TDXQ_MAX_CERTS) {
			tdxq_seterr(e, "the path has more than %d certificates below the root",
			       TDXQ_MAX_CERTS);
			return TDXQ_UNTRUSTED;
		}
		v->path[v->n_path++] = cur;
		iss = X509_get_issuer_name(v->x[cur]);
		for (i = 0; i < v->n; i++) {
			if (i != cur &&
			    name_eq(X509_get_subject_name(v->x[i]), iss)) {
				cand++;
				next = i;
			}
		}
		if (cand > 1) {
			cert_label(v, cur, what, sizeof(what));
			tdxq_seterr(e, "%s has %zu possible issuers in the quote",
			       what, cand);
			return TDXQ_UNTRUSTED;
		}
		if (cand == 1) {
			cur = next;
			continue;
		}
		/* a pinned root by name; prefer one whose key signed it */
		for (i = 0; i < v->t->n; i++) {
			X509 *rx = v->t->r[i].x;

			if (!name_eq(X509_get_subject_name(rx), iss))
				continue;
			if (!r)
				r = &v->t->r[i];
			if (cert_sig_ok(v->x[cur], v->q->certs[cur].der,
					v->q->certs[cur].len,
					X509_get0_pubkey(rx))) {
				r = &v->t->r[i];
				break;
			}
		}
		ERR_clear_error();
		if (!r) {
			char iname[160];

			cert_label(v, cur, what, sizeof(what));
			tdxq_name_text(iss, iname, sizeof(iname));
			if (self_issued(v->x[cur]))
				tdxq_seterr(e, "%s is self-signed but not a pinned root",
				       what);
			else
				tdxq_seterr(e, "%s: its issuer (%s) is neither in the quote nor a pinned root",
				       what, iname);
			return TDXQ_UNTRUSTED;
		}
		v->root = r;
		v->root_in_bag = -1;
		return TDXQ_OK;
	}
}

/* Steps 12-16. */
static enum tdxq_status check_path(struct vctx *v, time_t now,
				   struct tdxq_err *e)
{
	X509 *root = v->root->x;
	enum tdxq_status s;
	char what[200];
	size_t i, j;

	/* 12 */
	for (i = 0; i < v->n; i++) {
		for (j = 0; j < v->n_path && v->path[j] != i; j++)
			;
		if (j < v->n_path) {
			if (self_issued(v->x[i]) && !pinned_copy(v, i)) {
				cert_label(v, i, what, sizeof(what));
				tdxq_seterr(e, "%s is self-signed but not a pinned root",
				       what);
				return TDXQ_UNTRUSTED;
			}
			continue;
		}
		if (v->root->len == v->q->certs[i].len &&
		    !memcmp(v->root->der, v->q->certs[i].der,
			    v->root->len))
			continue;
		cert_label(v, i, what, sizeof(what));
		if (self_issued(v->x[i]) && !pinned_copy(v, i))
			tdxq_seterr(e, "%s is self-signed but not a pinned root",
			       what);
		else
			tdxq_seterr(e, "%s is not on the path to the root", what);
		return TDXQ_UNTRUSTED;
	}
	/* 13 */
	for (i = 0; i < v->n_path; i++) {
		cert_label(v, v->path[i], what, sizeof(what));
		s = cert_basics(v->x[v->path[i]], now, what, e);
		if (s)
			return s;
	}
	s = cert_basics(root, now, "the root", e);
	if (s)
		return s;
	/* 14 */
	for (i = 0; i < v->n_path; i++) {
		X509 *iss = i + 1 < v->n_path ? v->x[v->path[i + 1]] : root;
		const struct tdxq_cert *c = &v->q->certs[v->path[i]];

		if (!cert_sig_ok(v->x[v->path[i]], c->der, c->len,
				 X509_get0_pubkey(iss))) {
			cert_label(v, v->path[i], what, sizeof(what));
			tdxq_seterr(e, "%s: its signature does not verify with its issuer's key",
			       what);
			return TDXQ_UNTRUSTED;
		}
	}
	if (!cert_sig_ok(root, v->root->der, v->root->len,
			 X509_get0_pubkey(root))) {
		tdxq_seterr(e, "the root is not self-signed");
		return TDXQ_UNTRUSTED;
	}
	/* 15 and 16: the extensions must parse */
	for (i = 0; i < v->n_path; i++) {
		cert_label(v, v->path[i], what, sizeof(what));
		s = ext_check(v->x[v->path[i]], what, e);
		if (s)
			return s;
	}
	s = ext_check(root, "the root", e);
	if (s)
		return s;
	/* 15: intermediates path[1..], then the root */
	for (i = 1; i < v->n_path; i++) {
		cert_label(v, v->path[i], what, sizeof(what));
		s = issuer_rules(v->x[v->path[i]], (long)i - 1, what, e);
		if (s)
			return s;
	}
	s = issuer_rules(root, v->n_path ? (long)v->n_path - 1 : 0, "the root",
			 e);
	if (s)
		return s;
	/* 16 */
	return leaf_rules(v->n_path ? v->x[v->path[0]] : root, e);
}

static void fill_path(struct vctx *v, struct tdxq_result *res)
{
	size_t i;

	for (i = 0; i < v->n_path; i++) {
		const struct tdxq_cert *c = &v->q->certs[v->path[i]];

		chain_info(&res->path[i], v->x[v->path[i]], c->der, c->len);
	}
	chain_info(&res->path[i], v->root->x, v->root->der, v->root->len);
	res->path[i].is_root = 1;
	res->path_len = i + 1;
}

enum tdxq_status tdxq_verify(const uint8_t *buf, size_t len,
			     const struct tdxq_trust *t,
			     const struct tdxq_policy *policy, time_t now,
			     struct tdxq_result *res, struct tdxq_err *e)
{
	struct tdxq_result local;
	struct vctx v;
	enum tdxq_status s;
	int bad;
	size_t i;

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	memset(&v, 0, sizeof(v));
	if (e)
		e->msg[0] = '\0';
	if (!t || !t->n) {
		tdxq_seterr(e, "no pinned root certificate");
		return TDXQ_USAGE;
	}
	if (now == (time_t)-1)
		now = time(NULL);

	s = tdxq_parse(buf, len, &res->quote, e);		/* 1-6 */
	if (s)
		goto out;
	v.q = res->quote;
	v.t = t;
	s = find_leaf(&v, e);					/* 7-8 */
	if (s)
		goto out;
	if (!is_p384(v.x[v.leaf])) {				/* 9 */
		tdxq_seterr(e, "the leaf's public key is not EC P-384");
		s = TDXQ_UNTRUSTED;
		goto out;
	}
	s = check_signature(res->quote, v.x[v.leaf], e);	/* 10 */
	if (s)
		goto out;
	res->signature_ok = 1;
	s = build_path(&v, e);					/* 11 */
	if (!s)
		s = check_path(&v, now, e);			/* 12-16 */
	if (s)
		goto out;
	res->chain_ok = 1;
	fill_path(&v, res);
	s = tdxq_parse_claims(res->quote, e);			/* 17-21 */
	if (s)
		goto out;
	res->claims_ok = 1;
	if (policy) {						/* 22 */
		bad = policy_check(policy, res->quote);
		if (bad >= 0) {
			snprintf(res->mismatch, sizeof(res->mismatch), "%s",
				 pol_names[bad].name);
			tdxq_seterr(e, "%s differs from the expected value",
			       pol_names[bad].name);
			s = TDXQ_POLICY;
			goto out;
		}
	}
	res->policy_ok = 1;
	s = TDXQ_OK;
out:
	for (i = 0; i < v.n; i++)
		X509_free(v.x[i]);
	ERR_clear_error();
	if (res == &local)
		tdxq_result_free(&local);
	return s;
}

void tdxq_result_free(struct tdxq_result *r)
{
	if (!r)
		return;
	tdxq_quote_free(r->quote);
	r->quote = NULL;
}
