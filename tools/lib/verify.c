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

/* ---- policy ------------------------------------------------------------- */

/* Step 30, in the order of its table. */
static const struct pol_name {
	const char *name;
	int sm;				/* 0: report_data */
	int64_t key;
	int fixed;			/* -1, or the evidence it reads */
} pol_names[] = {
	{ "report_data",	0,			-212,	-1 },
	{ "mrtd",		TDXQ_SM_TD,		-83,	-1 },
	{ "rtmr0",		TDXQ_SM_TD,		-206,	-1 },
	{ "rtmr1",		TDXQ_SM_TD,		-207,	-1 },
	{ "rtmr2",		TDXQ_SM_TD,		-208,	-1 },
	{ "rtmr3",		TDXQ_SM_TD,		-209,	-1 },
	{ "mr_config_id",	TDXQ_SM_TD,		-203,	-1 },
	{ "mr_owner",		TDXQ_SM_TD,		-204,	-1 },
	{ "mr_owner_config",	TDXQ_SM_TD,		-205,	-1 },
	{ "td_attributes",	TDXQ_SM_TD,		-82,	-1 },
	{ "xfam",		TDXQ_SM_TD,		-201,	-1 },
	{ "mr_seam",		TDXQ_SM_SEAM,		-83,	-1 },
	{ "mr_signer_seam",	TDXQ_SM_SEAM,		-84,	-1 },
	{ "seam_attributes",	TDXQ_SM_SEAM,		-82,	-1 },
	{ "mr_service_td",	TDXQ_SM_SERVICE_TD,	-210,	-1 },
	{ "tee_tcb_svn",	TDXQ_SM_PLATFORM,	-125,	TDXQ_ORIGIN },
	{ "tee_tcb_svn2",	TDXQ_SM_PLATFORM,	-125,	TDXQ_CURRENT },
};
#define N_POL (sizeof(pol_names) / sizeof(pol_names[0]))
#define N_WHICH 3			/* enum tdxq_which */

static const char *const which_sfx[N_WHICH] = { "", "@origin", "@current" };

struct val {
	uint8_t *b;
	size_t len;
};

struct vset {
	struct val *v;
	size_t n, cap;
};

struct tdxq_policy {
	struct vset exp[N_POL][N_WHICH];
	struct vset profile, iss, tcb_vendor, tcb_model, tcb_fwid;
	int64_t *tcb_layer;
	size_t n_tcb_layer, cap_tcb_layer;
	int64_t tcb_min_svn;		/* -1: not given */
	struct val min_svn[2];		/* tee_tcb_svn, tee_tcb_svn2 */
	int has_min_svn[2];
	int allow_debug;		/* -1: not given */
	int require_tcb;		/* -1: not given */
	int tcb_explicit;		/* a tcb_* name was given */
};

struct tdxq_policy *tdxq_policy_new(void)
{
	struct tdxq_policy *p = calloc(1, sizeof(*p));

	if (p) {
		p->tcb_min_svn = -1;
		p->allow_debug = -1;
		p->require_tcb = -1;
	}
	return p;
}

static void vset_free(struct vset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].b);
	free(s->v);
}

void tdxq_policy_free(struct tdxq_policy *p)
{
	size_t i, j;

	if (!p)
		return;
	for (i = 0; i < N_POL; i++)
		for (j = 0; j < N_WHICH; j++)
			vset_free(&p->exp[i][j]);
	vset_free(&p->profile);
	vset_free(&p->iss);
	vset_free(&p->tcb_vendor);
	vset_free(&p->tcb_model);
	vset_free(&p->tcb_fwid);
	free(p->tcb_layer);
	free(p->min_svn[0].b);
	free(p->min_svn[1].b);
	free(p);
}

static int vset_add(struct vset *s, const uint8_t *b, size_t len)
{
	uint8_t *copy;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 4;
		struct val *nv = realloc(s->v, cap * sizeof(*nv));

		if (!nv)
			return -1;
		s->v = nv;
		s->cap = cap;
	}
	copy = malloc(len ? len : 1);
	if (!copy)
		return -1;
	if (len)
		memcpy(copy, b, len);
	s->v[s->n].b = copy;
	s->v[s->n].len = len;
	s->n++;
	return 0;
}

static int vset_has(const struct vset *s, const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].len == len && (!len || !memcmp(s->v[i].b, b, len)))
			return 1;
	return 0;
}

/* Even-length hex, 1..MAX_EXPECTED bytes, into a new buffer. */
static int parse_hex(const char *hex, struct val *out)
{
	size_t n = strlen(hex);

	if (!n || n % 2 || n / 2 > MAX_EXPECTED)
		return -1;
	out->b = malloc(n / 2);
	if (!out->b)
		return -2;
	if (tdxq_unhex(hex, out->b, n / 2) != (long)(n / 2)) {
		free(out->b);
		out->b = NULL;
		return -1;
	}
	out->len = n / 2;
	return 0;
}

/* Decimal 0 .. 2^63-1, digits only. */
static int parse_u63(const char *t, int64_t *out)
{
	int64_t v = 0;

	if (!*t || strlen(t) > 19)
		return -1;
	for (; *t; t++) {
		if (*t < '0' || *t > '9')
			return -1;
		if (v > (INT64_MAX - (*t - '0')) / 10)
			return -1;
		v = v * 10 + (*t - '0');
	}
	*out = v;
	return 0;
}

/* Dotted OID text (or an alias) to content octets. */
static int parse_oid(const char *t, struct val *out)
{
	unsigned char *der = NULL;
	const unsigned char *c;
	ASN1_OBJECT *o;
	const char *q;
	int arcs = 1, n;

	if (!strcmp(t, "intel-tdx"))
		t = TDXQ_PROFILE_INTEL;
	else if (!strcmp(t, "tdx-ext-simulator"))
		t = TDXQ_PROFILE_SIM;
	if (strlen(t) > 512 || t[0] < '0' || t[0] > '2' || t[1] != '.')
		return -1;
	for (q = t; *q; q++) {
		if (*q == '.') {
			/* no empty arc (leading zeros are allowed) */
			if (!q[1] || q[1] == '.')
				return -1;
			arcs++;
		} else if (*q < '0' || *q > '9') {
			return -1;
		}
	}
	if (arcs < 2)
		return -1;
	if (t[0] < '2') {
		unsigned long long second;

		errno = 0;
		second = strtoull(t + 2, NULL, 10);
		if (errno || second >= 40)
			return -1;
	}
	o = OBJ_txt2obj(t, 1);
	if (!o) {
		ERR_clear_error();
		return -1;
	}
	n = i2d_ASN1_OBJECT(o, &der);
	ASN1_OBJECT_free(o);
	if (n < 3) {
		OPENSSL_free(der);
		ERR_clear_error();
		return -1;
	}
	/* skip the tag and length of the DER */
	c = der + 1;
	c += (*c & 0x80) ? 1 + (*c & 0x7f) : 1;
	out->len = (size_t)(der + n - c);
	out->b = malloc(out->len);
	if (out->b)
		memcpy(out->b, c, out->len);
	OPENSSL_free(der);
	return out->b ? 0 : -2;
}

int tdxq_oid_text(const uint8_t *b, size_t n, char *out, size_t cap)
{
	unsigned char der[8 + 1024];
	const unsigned char *p = der;
	ASN1_OBJECT *obj;
	size_t h = 0;
	int r;

	if (!n || n > 1024 || cap < 2)
		return -1;
	der[h++] = 0x06;
	if (n < 128) {
		der[h++] = (unsigned char)n;
	} else if (n < 256) {
		der[h++] = 0x81;
		der[h++] = (unsigned char)n;
	} else {
		der[h++] = 0x82;
		der[h++] = (unsigned char)(n >> 8);
		der[h++] = (unsigned char)n;
	}
	memcpy(der + h, b, n);
	obj = d2i_ASN1_OBJECT(NULL, &p, (long)(h + n));
	if (!obj || p != der + h + n) {
		ASN1_OBJECT_free(obj);
		ERR_clear_error();
		return -1;
	}
	r = OBJ_obj2txt(out, (int)cap, obj, 1);
	ASN1_OBJECT_free(obj);
	return r > 0 && (size_t)r < cap ? 0 : -1;
}

static int text_ok(const char *t)
{
	size_t n = strlen(t), i = 0, l;

	if (!n || n > TDXQ_TCB_STR_MAX)
		return 0;
	while (i < n) {
		l = tdxq_utf8_seq((const uint8_t *)t + i, n - i);
		if (!l)
			return 0;
		i += l;
	}
	return 1;
}

enum tdxq_status tdxq_policy_set(struct tdxq_policy *p, const char *name,
				 const char *value, struct tdxq_err *e)
{
	struct val v = { NULL, 0 };
	const char *at = strchr(name, '@');
	size_t i, nl = at ? (size_t)(at - name) : strlen(name);
	int w = 0, r = -1, k;
	int64_t iv;

	for (w = 0; at && w < N_WHICH; w++)
		if (w && !strcmp(at, which_sfx[w]))
			break;
	if (w == N_WHICH)
		goto unknown;
	for (i = 0; i < N_POL; i++) {
		if (strlen(pol_names[i].name) != nl ||
		    strncmp(pol_names[i].name, name, nl))
			continue;
		if (w && (!pol_names[i].sm || pol_names[i].fixed >= 0)) {
			tdxq_seterr(e, "%.64s takes no @origin or @current",
				    pol_names[i].name);
			return TDXQ_USAGE;
		}
		r = parse_hex(value, &v);
		if (!r)
			r = vset_add(&p->exp[i][w], v.b, v.len) ? -2 : 0;
		goto done;
	}
	if (at)
		goto unknown;
	if (!strcmp(name, "eat_profile")) {
		r = parse_oid(value, &v);
		if (!r)
			r = vset_add(&p->profile, v.b, v.len) ? -2 : 0;
	} else if (!strcmp(name, "iss") || !strcmp(name, "tcb_vendor") ||
		   !strcmp(name, "tcb_model")) {
		struct vset *s = name[0] == 'i' ? &p->iss :
				 name[4] == 'v' ? &p->tcb_vendor : &p->tcb_model;

		p->tcb_explicit |= name[0] == 't';
		if (text_ok(value))
			r = vset_add(s, (const uint8_t *)value,
				     strlen(value)) ? -2 : 0;
	} else if (!strcmp(name, "tcb_fwid")) {
		p->tcb_explicit = 1;
		r = parse_hex(value, &v);
		if (!r)
			r = vset_add(&p->tcb_fwid, v.b, v.len) ? -2 : 0;
	} else if (!strcmp(name, "tcb_layer")) {
		p->tcb_explicit = 1;
		if (!parse_u63(value, &iv)) {
			if (p->n_tcb_layer == p->cap_tcb_layer) {
				size_t cap = p->cap_tcb_layer ?
					     2 * p->cap_tcb_layer : 4;
				int64_t *nl2 = realloc(p->tcb_layer,
						       cap * sizeof(*nl2));

				if (!nl2) {
					r = -2;
					goto done;
				}
				p->tcb_layer = nl2;
				p->cap_tcb_layer = cap;
			}
			p->tcb_layer[p->n_tcb_layer++] = iv;
			r = 0;
		}
	} else if (!strcmp(name, "tcb_min_svn")) {
		p->tcb_explicit = 1;
		if (p->tcb_min_svn >= 0)
			goto twice;
		if (!parse_u63(value, &iv)) {
			p->tcb_min_svn = iv;
			r = 0;
		}
	} else if (!strcmp(name, "min_tee_tcb_svn") ||
		   !strcmp(name, "min_tee_tcb_svn2")) {
		k = name[strlen(name) - 1] == '2';
		if (p->has_min_svn[k])
			goto twice;
		r = parse_hex(value, &p->min_svn[k]);
		p->has_min_svn[k] = !r;
	} else if (!strcmp(name, "allow_debug") ||
		   !strcmp(name, "require_tcb_info")) {
		int *b = name[0] == 'a' ? &p->allow_debug : &p->require_tcb;

		if (*b >= 0)
			goto twice;
		if (!strcmp(value, "yes") || !strcmp(value, "no")) {
			*b = value[0] == 'y';
			r = 0;
		}
	} else {
		goto unknown;
	}
done:
	free(v.b);
	if (r == -2) {
		tdxq_seterr(e, "out of memory");
		return TDXQ_USAGE;
	}
	if (r) {
		tdxq_seterr(e, "%.64s: bad value '%.64s'", name, value);
		return TDXQ_USAGE;
	}
	return TDXQ_OK;
twice:
	tdxq_seterr(e, "%.64s given twice", name);
	return TDXQ_USAGE;
unknown:
	tdxq_seterr(e, "unknown policy name '%.64s'", name);
	return TDXQ_USAGE;
}

/* "blanks" of docs/verifier.md: space, tab, and CR (CRLF files) */
static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
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
		char *eq, *name, *val, *hash;

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
			tdxq_seterr(e, "policy %s:%u: not 'name = value'", path,
			       lineno);
			s = TDXQ_USAGE;
			break;
		}
		*eq = '\0';
		name = trim(line);
		val = trim(eq + 1);
		s = tdxq_policy_set(p, name, val, e);
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

/* The bytes a claim compares as: digest/bytes, or an SVN's components. */
static int claim_bytes(const struct tdxq_value *v, uint8_t *tmp, size_t cap,
		       const uint8_t **b, size_t *len)
{
	size_t i;

	if (v->type != TDXQ_V_UINTS) {
		*b = v->data;
		*len = v->len;
		return 0;
	}
	if (v->n_uints > cap)
		return -1;
	for (i = 0; i < v->n_uints; i++)
		tmp[i] = (uint8_t)v->uints[i];
	*b = tmp;
	*len = v->n_uints;
	return 0;
}

static int tcb_entry_ok(const struct tdxq_policy *p,
			const struct tdxq_tcb_info *t)
{
	static const char intel[] = "Intel Corporation";
	size_t i;

	if (p->tcb_vendor.n ?
	    !vset_has(&p->tcb_vendor, (const uint8_t *)t->vendor,
		      strlen(t->vendor)) || !t->vendor[0] :
	    strcmp(t->vendor, intel))
		return 0;
	if (p->tcb_model.n &&
	    (!t->model[0] || !vset_has(&p->tcb_model,
				       (const uint8_t *)t->model,
				       strlen(t->model))))
		return 0;
	if (p->n_tcb_layer) {
		for (i = 0; i < p->n_tcb_layer; i++)
			if (t->layer >= 0 && t->layer == p->tcb_layer[i])
				break;
		if (i == p->n_tcb_layer)
			return 0;
	}
	if (p->tcb_min_svn >= 0 && (t->svn < 0 || t->svn < p->tcb_min_svn))
		return 0;
	if (p->tcb_fwid.n) {
		for (i = 0; i < t->n_fwids; i++)
			if (vset_has(&p->tcb_fwid, t->fwid[i].digest,
				     t->fwid[i].len))
				break;
		if (i == t->n_fwids)
			return 0;
	}
	return 1;
}

/* Steps 25-30: NULL, or the rule that failed (into buf). */
static const char *policy_check(const struct tdxq_policy *p,
				const struct tdxq_quote *q,
				const struct tdxq_result *res,
				char *buf, size_t cap)
{
	static const uint8_t intel[] = { 0x60, 0x86, 0x48, 0x01, 0x86, 0xf8,
					 0x4d, 0x01, 0x0d, 0x01 };
	const struct tdxq_value *v;
	size_t i, j;
	int w, k;

	/* 25 */
	if (!q->profile ||
	    (p->profile.n ? !vset_has(&p->profile, q->profile, q->profile_len) :
	     q->profile_len != sizeof(intel) ||
	     memcmp(q->profile, intel, sizeof(intel))))
		return "eat_profile";
	/* 26 */
	if (p->iss.n && (!q->iss || !vset_has(&p->iss, (const uint8_t *)q->iss,
					      q->iss_len)))
		return "iss";
	/* 27: entries of the path below the root */
	if (p->require_tcb != 0 || p->tcb_explicit) {
		for (i = 0; i < res->n_tcb; i++)
			if (res->tcb[i].cert + 1 < res->path_len &&
			    tcb_entry_ok(p, &res->tcb[i]))
				break;
		if (i == res->n_tcb)
			return "tcb";
	}
	/* 28 */
	v = tdxq_claim(q, TDXQ_SM_TD, -82, TDXQ_LATEST);
	if (!v || v->type != TDXQ_V_BYTES || !v->len ||
	    ((v->data[0] & 1) && p->allow_debug != 1))
		return "debug";
	/* 29 */
	for (k = 0; k < 2; k++) {
		if (!p->has_min_svn[k])
			continue;
		v = tdxq_claim(q, TDXQ_SM_PLATFORM, -125,
			       k ? TDXQ_CURRENT : TDXQ_ORIGIN);
		if (!v || v->type != TDXQ_V_UINTS ||
		    v->n_uints != p->min_svn[k].len)
			return k ? "min_tee_tcb_svn2" : "min_tee_tcb_svn";
		for (j = 0; j < v->n_uints; j++)
			if (v->uints[j] < p->min_svn[k].b[j])
				return k ? "min_tee_tcb_svn2" :
					   "min_tee_tcb_svn";
	}
	/* 30 */
	for (i = 0; i < N_POL; i++) {
		for (w = 0; w < N_WHICH; w++) {
			const struct vset *s = &p->exp[i][w];
			uint8_t tmp[MAX_EXPECTED];
			const uint8_t *have;
			size_t have_len;

			if (!s->n)
				continue;
			snprintf(buf, cap, "%s%s", pol_names[i].name,
				 which_sfx[w]);
			if (!pol_names[i].sm) {
				if (!vset_has(s, q->report_data,
					      TDXQ_REPORT_DATA_SIZE))
					return buf;
				continue;
			}
			v = tdxq_claim(q, pol_names[i].sm, pol_names[i].key,
				       pol_names[i].fixed >= 0 ?
				       (enum tdxq_which)pol_names[i].fixed :
				       (enum tdxq_which)w);
			if (!v || claim_bytes(v, tmp, sizeof(tmp), &have,
					      &have_len) ||
			    !vset_has(s, have, have_len))
				return buf;
		}
	}
	return NULL;
}

/* ---- TCG DICE extensions (step 17) ------------------------------------- */

/* DER content octets of the OIDs this file compares. */
static const uint8_t oid_tcb_info[] = { 0x67, 0x81, 0x05, 0x05, 0x04, 0x01 };
static const uint8_t oid_ueid[] = { 0x67, 0x81, 0x05, 0x05, 0x04, 0x04 };
static const uint8_t oid_multi_tcb[] = { 0x67, 0x81, 0x05, 0x05, 0x04, 0x05 };
static const uint8_t oid_attest_init[] = { 0x67, 0x81, 0x05, 0x05, 0x04,
					   0x64, 0x08 };
static const uint8_t oid_attest_loc[] = { 0x67, 0x81, 0x05, 0x05, 0x04,
					  0x64, 0x09 };
static const uint8_t oid_any_eku[] = { 0x55, 0x1d, 0x25, 0x00 };

#define MAX_TCB_BLOB	1024	/* vendorInfo, type */
#define MAX_FWID_ALG	32
#define MAX_FWID_DIGEST	64
#define MAX_UEID	64

struct der {
	const uint8_t *p, *end;
};

/*
 * The next TLV: a one-byte tag and a minimal definite length that fits.
 * 0 with *tag, *val, *len; -1 if malformed or nothing is left.
 */
static int der_next(struct der *d, unsigned int *tag, const uint8_t **val,
		    size_t *len)
{
	size_t n, l = 0, i;

	if (d->end - d->p < 2 || (d->p[0] & 0x1f) == 0x1f)
		return -1;
	*tag = d->p[0];
	if (d->p[1] < 0x80) {
		l = d->p[1];
		d->p += 2;
	} else {
		n = d->p[1] & 0x7f;
		if (!n || n > 4 || (size_t)(d->end - d->p) < 2 + n ||
		    !d->p[2])
			return -1;
		for (i = 0; i < n; i++)
			l = l << 8 | d->p[2 + i];
		if (l < 0x80)
			return -1;	/* not minimal */
		d->p += 2 + n;
	}
	if (l > (size_t)(d->end - d->p))
		return -1;
	*val = d->p;
	*len = l;
	d->p += l;
	return 0;
}

/* A DER INTEGER's content, non-negative and below 2^63. */
static int der_u63(const uint8_t *v, size_t n, int64_t *out)
{
	uint64_t x = 0;
	size_t i;

	if (!n || (v[0] & 0x80) || (n > 1 && !v[0] && !(v[1] & 0x80)))
		return -1;
	if (n > 1 && !v[0]) {
		v++;
		n--;
	}
	if (n > 8 || (n == 8 && (v[0] & 0x80)))
		return -1;
	for (i = 0; i < n; i++)
		x = x << 8 | v[i];
	*out = (int64_t)x;
	return 0;
}

/* A DER BIT STRING of at most 32 bits; bit n becomes 1 << n. */
static int der_bits(const uint8_t *v, size_t n, int64_t *out)
{
	uint64_t x = 0;
	size_t i, bits;

	if (!n || v[0] > 7 || (n == 1 && v[0]) ||
	    (n > 1 && (v[n - 1] & ((1u << v[0]) - 1))))
		return -1;
	bits = (n - 1) * 8 - v[0];
	if (bits > 32)
		return -1;
	for (i = 0; i < bits; i++)
		if (v[1 + i / 8] & (0x80 >> (i % 8)))
			x |= 1ull << i;
	*out = (int64_t)x;
	return 0;
}

static int der_utf8(const uint8_t *v, size_t n, char *out)
{
	size_t i = 0, l;

	if (!n || n > TDXQ_TCB_STR_MAX || memchr(v, 0, n))
		return -1;
	while (i < n) {
		l = tdxq_utf8_seq(v + i, n - i);
		if (!l)
			return -1;
		i += l;
	}
	memcpy(out, v, n);
	out[n] = '\0';
	return 0;
}

static int parse_fwids(const uint8_t *v, size_t n, struct tdxq_tcb_info *t)
{
	struct der d = { v, v + n }, f;
	const uint8_t *c, *a, *g;
	size_t cl, al, gl;
	unsigned int tag;

	while (d.p < d.end) {
		if (t->n_fwids == TDXQ_TCB_MAX_ENTRIES ||
		    der_next(&d, &tag, &c, &cl) || tag != 0x30)
			return -1;
		f = (struct der){ c, c + cl };
		if (der_next(&f, &tag, &a, &al) || tag != 0x06 ||
		    al > MAX_FWID_ALG || !tdxq_oid_ok(a, al) ||
		    der_next(&f, &tag, &g, &gl) || tag != 0x04 || !gl ||
		    gl > MAX_FWID_DIGEST || f.p != f.end)
			return -1;
		memcpy(t->fwid[t->n_fwids].alg, a, al);
		t->fwid[t->n_fwids].alg_len = al;
		memcpy(t->fwid[t->n_fwids].digest, g, gl);
		t->fwid[t->n_fwids].len = gl;
		t->n_fwids++;
	}
	return t->n_fwids ? 0 : -1;
}

/* One DiceTcbInfo (the SEQUENCE's content). */
static int parse_tcb_info(const uint8_t *v, size_t n, struct tdxq_tcb_info *t)
{
	struct der d = { v, v + n };
	unsigned int tag, num;
	int last = -1;
	const uint8_t *c;
	size_t cl;

	t->svn = t->layer = t->index = -1;
	t->flags = t->flags_mask = -1;
	t->vendor_info_len = t->type_len = SIZE_MAX;
	while (d.p < d.end) {
		if (der_next(&d, &tag, &c, &cl))
			return -1;
		num = tag & 0x1f;
		/* context-specific, increasing, [6] constructed only */
		if ((tag & 0xc0) != 0x80 || (int)num <= last || num > 10 ||
		    !!(tag & 0x20) != (num == 6))
			return -1;
		last = (int)num;
		switch (num) {
		case 0:
			if (der_utf8(c, cl, t->vendor))
				return -1;
			break;
		case 1:
			if (der_utf8(c, cl, t->model))
				return -1;
			break;
		case 2:
			if (der_utf8(c, cl, t->version))
				return -1;
			break;
		case 3:
			if (der_u63(c, cl, &t->svn))
				return -1;
			break;
		case 4:
			if (der_u63(c, cl, &t->layer))
				return -1;
			break;
		case 5:
			if (der_u63(c, cl, &t->index))
				return -1;
			break;
		case 6:
			if (parse_fwids(c, cl, t))
				return -1;
			break;
		case 7:
			if (der_bits(c, cl, &t->flags))
				return -1;
			break;
		case 8:
		case 9:
			if (cl > MAX_TCB_BLOB)
				return -1;
			*(num == 8 ? &t->vendor_info_len : &t->type_len) = cl;
			break;
		case 10:
			if (der_bits(c, cl, &t->flags_mask))
				return -1;
			break;
		}
	}
	return 0;
}

struct tcb_list {
	struct tdxq_tcb_info *t;
	size_t n, cap;
};

static struct tdxq_tcb_info *tcb_new(struct tcb_list *l)
{
	struct tdxq_tcb_info *t;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 4;

		t = realloc(l->t, cap * sizeof(*t));
		if (!t)
			return NULL;
		l->t = t;
		l->cap = cap;
	}
	t = &l->t[l->n];
	memset(t, 0, sizeof(*t));
	return t;
}

/*
 * A TCG DICE extension's value (step 17): its TCB-info entries are added
 * to l (cert: path index), its UEID to ci.  0, -1 malformed, -2 no memory.
 */
static int parse_dice_ext(const uint8_t *oid, size_t oid_len, int critical,
			  const uint8_t *v, size_t n, size_t cert,
			  struct tcb_list *l, struct tdxq_chain_info *ci)
{
	struct der d = { v, v + n }, in;
	struct tdxq_tcb_info tmp, *t = &tmp;
	const uint8_t *c, *e;
	size_t cl, el, count = 0;
	unsigned int tag;

	if (der_next(&d, &tag, &c, &cl) || tag != 0x30 || d.p != d.end)
		return -1;
	in = (struct der){ c, c + cl };
	if (oid_len == sizeof(oid_ueid) && !memcmp(oid, oid_ueid, oid_len)) {
		if (der_next(&in, &tag, &e, &el) || tag != 0x04 || !el ||
		    el > MAX_UEID || in.p != in.end)
			return -1;
		if (ci) {
			memcpy(ci->ueid, e, el);
			ci->ueid_len = el;
		}
		return 0;
	}
	if (oid_len == sizeof(oid_tcb_info) &&
	    !memcmp(oid, oid_tcb_info, oid_len)) {
		if (l) {
			t = tcb_new(l);
			if (!t)
				return -2;
		}
		memset(t, 0, sizeof(*t));
		if (parse_tcb_info(c, cl, t))
			return -1;
		t->cert = cert;
		t->critical = critical;
		if (l)
			l->n++;
		return 0;
	}
	/* MultiTcbInfo: SEQUENCE SIZE (1..16) OF DiceTcbInfo */
	while (in.p < in.end) {
		if (count == TDXQ_TCB_MAX_ENTRIES ||
		    der_next(&in, &tag, &e, &el) || tag != 0x30)
			return -1;
		if (l) {
			t = tcb_new(l);
			if (!t)
				return -2;
		}
		memset(t, 0, sizeof(*t));
		if (parse_tcb_info(e, el, t))
			return -1;
		t->cert = cert;
		t->multi = 1;
		t->critical = critical;
		if (l)
			l->n++;
		count++;
	}
	return count ? 0 : -1;
}

/* Which DICE extension an OID names: 1 TcbInfo, 2 Ueid, 3 MultiTcbInfo. */
static int dice_ext_kind(const ASN1_OBJECT *o, const uint8_t **b, size_t *n)
{
	const unsigned char *d = OBJ_get0_data(o);
	size_t l = OBJ_length(o);

	*b = d;
	*n = l;
	if (!d || l != sizeof(oid_tcb_info))	/* all three: 6 bytes */
		return 0;
	if (!memcmp(d, oid_tcb_info, l))
		return 1;
	if (!memcmp(d, oid_ueid, l))
		return 2;
	if (!memcmp(d, oid_multi_tcb, l))
		return 3;
	return 0;
}

/* Key purposes of an extendedKeyUsage as text; 1 if one allows quoting. */
static int eku_info(const EXTENDED_KEY_USAGE *eku, char *out, size_t cap)
{
	int i, ok = 0;
	size_t used = 0;

	if (cap)
		out[0] = '\0';
	for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);
		const unsigned char *d = OBJ_get0_data(o);
		size_t l = OBJ_length(o);
		char name[80];

		if (d && l == sizeof(oid_any_eku) &&
		    !memcmp(d, oid_any_eku, l)) {
			snprintf(name, sizeof(name), "anyExtendedKeyUsage");
			ok = 1;
		} else if (d && l == sizeof(oid_attest_init) &&
			   !memcmp(d, oid_attest_init, l)) {
			snprintf(name, sizeof(name), "tcg-dice-kp-attestInit");
			ok = 1;
		} else if (d && l == sizeof(oid_attest_loc) &&
			   !memcmp(d, oid_attest_loc, l)) {
			snprintf(name, sizeof(name), "tcg-dice-kp-attestLoc");
			ok = 1;
		} else if (OBJ_obj2nid(o) != NID_undef) {
			snprintf(name, sizeof(name), "%s",
				 OBJ_nid2sn(OBJ_obj2nid(o)));
		} else if (OBJ_obj2txt(name, sizeof(name), o, 1) <= 0) {
			snprintf(name, sizeof(name), "?");
		}
		if (used + strlen(name) + 2 < cap) {
			used += (size_t)snprintf(out + used, cap - used, "%s%s",
						 used ? "," : "", name);
		}
	}
	return ok;
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

/*
 * Which certificate an error message names: "certificate N (subject)" of
 * the quote, or "the root".  The text is made only when a message needs
 * it: formatting a name costs more than the rule it would describe.
 */
struct label {
	X509 *x;
	long idx;			/* index in the quote; -1: the root */
	char buf[200];
};

static const char *lbl(struct label *lb)
{
	char subj[160];

	if (lb->idx < 0)
		return "the root";
	tdxq_name_text(X509_get_subject_name(lb->x), subj, sizeof(subj));
	snprintf(lb->buf, sizeof(lb->buf), "certificate %ld (%s)", lb->idx,
		 subj);
	return lb->buf;
}

/* Step 13 for one certificate. */
static enum tdxq_status cert_basics(X509 *x, time_t now, struct label *lb,
				    struct tdxq_err *e)
{
	const ASN1_TIME *nb = X509_get0_notBefore(x);
	const ASN1_TIME *na = X509_get0_notAfter(x);
	int c1, c2;

	if (X509_get_version(x) != X509_VERSION_3) {
		tdxq_seterr(e, "%s is not an X.509 v3 certificate", lbl(lb));
		return TDXQ_UNTRUSTED;
	}
	if (X509_get_signature_nid(x) != NID_ecdsa_with_SHA384) {
		tdxq_seterr(e, "%s is not signed with ecdsa-with-SHA384", lbl(lb));
		return TDXQ_UNTRUSTED;
	}
	if (!is_p384(x)) {
		tdxq_seterr(e, "%s has no EC P-384 public key", lbl(lb));
		return TDXQ_UNTRUSTED;
	}
	c1 = nb ? ASN1_TIME_cmp_time_t(nb, now) : -2;
	c2 = na ? ASN1_TIME_cmp_time_t(na, now) : -2;
	if (c1 == -2 || c2 == -2) {
		tdxq_seterr(e, "%s has an unreadable validity period", lbl(lb));
		return TDXQ_UNTRUSTED;
	}
	if (c1 > 0) {
		tdxq_seterr(e, "%s is not yet valid", lbl(lb));
		return TDXQ_UNTRUSTED;
	}
	if (c2 < 0) {
		tdxq_seterr(e, "%s has expired", lbl(lb));
		return TDXQ_UNTRUSTED;
	}
	return TDXQ_OK;
}

/* Step 15 for an issuer with `below` intermediates under it. */
static enum tdxq_status issuer_rules(X509 *x, long below, struct label *lb,
				     struct tdxq_err *e)
{
	enum tdxq_status s = TDXQ_UNTRUSTED;
	BASIC_CONSTRAINTS *bc = NULL;
	ASN1_BIT_STRING *ku = NULL;
	int64_t pl;

	if (get_ext(x, NID_basic_constraints, (void **)&bc) <= 0 || !bc->ca) {
		tdxq_seterr(e, "%s issues certificates but is not a CA (basicConstraints)",
		       lbl(lb));
		goto out;
	}
	if (get_ext(x, NID_key_usage, (void **)&ku) <= 0 ||
	    !ASN1_BIT_STRING_get_bit(ku, 5)) {
		tdxq_seterr(e, "%s issues certificates but its keyUsage lacks keyCertSign",
		       lbl(lb));
		goto out;
	}
	if (bc->pathlen) {
		if (!ASN1_INTEGER_get_int64(&pl, bc->pathlen) || pl < 0) {
			tdxq_seterr(e, "%s has a bad pathLenConstraint", lbl(lb));
			goto out;
		}
		if (below > pl) {
			tdxq_seterr(e, "%s: pathLenConstraint %" PRId64 " exceeded (%ld intermediates below)",
			       lbl(lb), pl, below);
			goto out;
		}
	}
	s = TDXQ_OK;
out:
	BASIC_CONSTRAINTS_free(bc);
	ASN1_BIT_STRING_free(ku);
	return s;
}

/* Step 16: the extensions this verifier processes. */
static int ext_processed(const ASN1_OBJECT *o)
{
	const uint8_t *b;
	size_t n;

	switch (OBJ_obj2nid(o)) {
	case NID_basic_constraints:
	case NID_key_usage:
	case NID_ext_key_usage:
	case NID_subject_key_identifier:
	case NID_authority_key_identifier:
		return 1;
	}
	return dice_ext_kind(o, &b, &n) != 0;
}

/*
 * Step 16 for one certificate (index cert of the path): no extension twice,
 * each one OpenSSL knows decodes (python3-cryptography refuses such a
 * certificate's extensions), every critical one is processed here, and
 * the TCG DICE ones parse (their TCB info is added to l; l may be NULL).
 */
static enum tdxq_status ext_check(X509 *x, struct label *lb, size_t cert,
				  struct tcb_list *l, struct tdxq_err *e)
{
	int i, j, r, n = X509_get_ext_count(x);

	tdxq_step(e, 16);
	for (i = 0; i < n; i++) {
		X509_EXTENSION *ext = X509_get_ext(x, i);
		const ASN1_OBJECT *o = X509_EXTENSION_get_object(ext);
		const X509V3_EXT_METHOD *m = X509V3_EXT_get(ext);
		ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(ext);
		const uint8_t *ob;
		size_t on;
		void *d;

		for (j = 0; j < i; j++) {
			if (!OBJ_cmp(o, X509_EXTENSION_get_object(
						X509_get_ext(x, j)))) {
				tdxq_seterr(e, "%s has an extension twice", lbl(lb));
				return TDXQ_UNTRUSTED;
			}
		}
		if (X509_EXTENSION_get_critical(ext) && !ext_processed(o)) {
			char oid[80];

			if (OBJ_obj2txt(oid, sizeof(oid), o, 1) <= 0)
				snprintf(oid, sizeof(oid), "?");
			tdxq_seterr(e, "%s has an unrecognised critical extension %s",
				    lbl(lb), oid);
			return TDXQ_UNTRUSTED;
		}
		if (dice_ext_kind(o, &ob, &on)) {
			r = data ? parse_dice_ext(ob, on,
						  X509_EXTENSION_get_critical(ext),
						  ASN1_STRING_get0_data(data),
						  (size_t)ASN1_STRING_length(data),
						  cert, l, NULL) : -1;
			if (r == -2) {
				tdxq_seterr(e, "out of memory");
				return TDXQ_USAGE;
			}
			if (r) {
				tdxq_step(e, 17);
				tdxq_seterr(e, "%s has a malformed TCG DICE extension",
					    lbl(lb));
				return TDXQ_UNTRUSTED;
			}
			continue;
		}
		if (!m)
			continue;
		if (!data || !der_ok(ASN1_STRING_get0_data(data),
				     ASN1_STRING_length(data), 0)) {
			tdxq_seterr(e, "%s has an extension that is not DER", lbl(lb));
			return TDXQ_UNTRUSTED;
		}
		d = X509V3_EXT_d2i(ext);
		if (!d) {
			ERR_clear_error();
			tdxq_seterr(e, "%s has an undecodable extension", lbl(lb));
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
				       lbl(lb));
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

/* What chain_info() cannot tell: key purposes and the UEID. */
static void ext_info(X509 *x, struct tdxq_chain_info *ci)
{
	EXTENDED_KEY_USAGE *eku = NULL;
	int i, n = X509_get_ext_count(x);

	if (get_ext(x, NID_ext_key_usage, (void **)&eku) > 0) {
		eku_info(eku, ci->eku, sizeof(ci->eku));
		EXTENDED_KEY_USAGE_free(eku);
	}
	for (i = 0; i < n; i++) {
		X509_EXTENSION *ext = X509_get_ext(x, i);
		ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(ext);
		const uint8_t *ob;
		size_t on;

		if (data && dice_ext_kind(X509_EXTENSION_get_object(ext), &ob,
					  &on) == 2)
			parse_dice_ext(ob, on, 0, ASN1_STRING_get0_data(data),
				       (size_t)ASN1_STRING_length(data), 0,
				       NULL, ci);
	}
	ERR_clear_error();
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

/* Step 19. */
static enum tdxq_status leaf_rules(X509 *x, struct tdxq_err *e)
{
	EXTENDED_KEY_USAGE *eku = NULL;
	ASN1_BIT_STRING *ku = NULL;
	int r = get_ext(x, NID_key_usage, (void **)&ku);
	enum tdxq_status s = TDXQ_OK;
	char purposes[192];

	if (r < 0 || (r > 0 && !ASN1_BIT_STRING_get_bit(ku, 0))) {
		tdxq_seterr(e, "the leaf's keyUsage lacks digitalSignature");
		s = TDXQ_UNTRUSTED;
		goto out;
	}
	r = get_ext(x, NID_ext_key_usage, (void **)&eku);
	if (r < 0 || (r > 0 && !eku_info(eku, purposes, sizeof(purposes)))) {
		tdxq_seterr(e, "the leaf's extendedKeyUsage (%s) does not allow attestation",
			    r < 0 ? "undecodable" : purposes);
		s = TDXQ_UNTRUSTED;
	}
out:
	ERR_clear_error();
	EXTENDED_KEY_USAGE_free(eku);
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
	int top_sig_ok;				/* the top of the path's
						 * signature checked (step 15)
						 * while choosing its root */
	struct tcb_list tcb;			/* of the path, then the root */
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

/* Steps 8 and 9. */
static enum tdxq_status find_leaf(struct vctx *v, struct tdxq_err *e)
{
	size_t i, j, found = 0;

	tdxq_step(e, 8);
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
	tdxq_step(e, 9);
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
				v->top_sig_ok = 1;
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

/* Steps 13-19. */
static enum tdxq_status check_path(struct vctx *v, time_t now,
				   struct tdxq_err *e)
{
	X509 *root = v->root->x;
	struct label lb = { NULL, -1, "" }, rl = { NULL, -1, "" };
	enum tdxq_status s;
	size_t i, j;

	tdxq_step(e, 13);
	for (i = 0; i < v->n; i++) {
		for (j = 0; j < v->n_path && v->path[j] != i; j++)
			;
		lb.x = v->x[i];
		lb.idx = (long)i;
		if (j < v->n_path) {
			if (self_issued(v->x[i]) && !pinned_copy(v, i)) {
				tdxq_seterr(e, "%s is self-signed but not a pinned root",
				       lbl(&lb));
				return TDXQ_UNTRUSTED;
			}
			continue;
		}
		if (v->root->len == v->q->certs[i].len &&
		    !memcmp(v->root->der, v->q->certs[i].der,
			    v->root->len))
			continue;
		if (self_issued(v->x[i]) && !pinned_copy(v, i))
			tdxq_seterr(e, "%s is self-signed but not a pinned root",
			       lbl(&lb));
		else
			tdxq_seterr(e, "%s is not on the path to the root",
				    lbl(&lb));
		return TDXQ_UNTRUSTED;
	}
	tdxq_step(e, 14);
	for (i = 0; i < v->n_path; i++) {
		lb.x = v->x[v->path[i]];
		lb.idx = (long)v->path[i];
		s = cert_basics(lb.x, now, &lb, e);
		if (s)
			return s;
	}
	s = cert_basics(root, now, &rl, e);
	if (s)
		return s;
	/*
	 * Step 15: each certificate on the path with its issuer's key; the
	 * signature of the top one was already checked if build_path() chose
	 * its root by it.  The root's own signature is not checked: it is
	 * trusted as a byte-identical copy of a pinned root, whatever it
	 * says about itself.
	 */
	tdxq_step(e, 15);
	for (i = 0; i < v->n_path; i++) {
		X509 *iss = i + 1 < v->n_path ? v->x[v->path[i + 1]] : root;
		const struct tdxq_cert *c = &v->q->certs[v->path[i]];

		if (i + 1 == v->n_path && v->top_sig_ok)
			continue;
		if (!cert_sig_ok(v->x[v->path[i]], c->der, c->len,
				 X509_get0_pubkey(iss))) {
			lb.x = v->x[v->path[i]];
			lb.idx = (long)v->path[i];
			tdxq_seterr(e, "%s: its signature does not verify with its issuer's key",
			       lbl(&lb));
			return TDXQ_UNTRUSTED;
		}
	}
	tdxq_step(e, 16);		/* 17 set by ext_check */
	for (i = 0; i < v->n_path; i++) {
		lb.x = v->x[v->path[i]];
		lb.idx = (long)v->path[i];
		s = ext_check(lb.x, &lb, i, &v->tcb, e);
		if (s)
			return s;
	}
	s = ext_check(root, &rl, v->n_path, &v->tcb, e);
	if (s)
		return s;
	tdxq_step(e, 18);		/* intermediates, then the root */
	for (i = 1; i < v->n_path; i++) {
		lb.x = v->x[v->path[i]];
		lb.idx = (long)v->path[i];
		s = issuer_rules(lb.x, (long)i - 1, &lb, e);
		if (s)
			return s;
	}
	s = issuer_rules(root, v->n_path ? (long)v->n_path - 1 : 0, &rl, e);
	if (s)
		return s;
	tdxq_step(e, 19);
	return leaf_rules(v->n_path ? v->x[v->path[0]] : root, e);
}

int tdxq_dice_ext(int kind, const uint8_t *v, size_t n,
		  struct tdxq_tcb_info **tcb, size_t *n_tcb,
		  struct tdxq_chain_info *ci)
{
	static const uint8_t *const oids[] = { oid_tcb_info, oid_ueid,
					       oid_multi_tcb };
	struct tcb_list l = { NULL, 0, 0 };
	int r;

	*tcb = NULL;
	*n_tcb = 0;
	if (kind < 1 || kind > 3)
		return -1;
	r = parse_dice_ext(oids[kind - 1], sizeof(oid_tcb_info), 0, v, n, 0,
			   &l, ci);
	*tcb = l.t;
	*n_tcb = l.n;
	return r ? -1 : 0;
}

int tdxq_cert_dice(const uint8_t *der, size_t len,
		   struct tdxq_chain_info *ci, struct tdxq_tcb_info **tcb,
		   size_t *n_tcb)
{
	struct tcb_list l = { NULL, 0, 0 };
	X509 *x = der_cert(der, len);
	int i, n, r, bad = 0;

	*tcb = NULL;
	*n_tcb = 0;
	if (!x) {
		ERR_clear_error();
		return -1;
	}
	chain_info(ci, x, der, len);
	ext_info(x, ci);
	n = X509_get_ext_count(x);
	for (i = 0; i < n; i++) {
		X509_EXTENSION *ext = X509_get_ext(x, i);
		ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(ext);
		const uint8_t *ob;
		size_t on;
		int k = dice_ext_kind(X509_EXTENSION_get_object(ext), &ob, &on);

		if (!k || k == 2)
			continue;
		r = data ? parse_dice_ext(ob, on,
					  X509_EXTENSION_get_critical(ext),
					  ASN1_STRING_get0_data(data),
					  (size_t)ASN1_STRING_length(data), 0,
					  &l, NULL) : -1;
		if (r)
			bad = 1;
		if (r == -2)
			break;
	}
	X509_free(x);
	ERR_clear_error();
	*tcb = l.t;
	*n_tcb = l.n;
	return bad;
}

static void fill_path(struct vctx *v, struct tdxq_result *res)
{
	size_t i;

	for (i = 0; i < v->n_path; i++) {
		const struct tdxq_cert *c = &v->q->certs[v->path[i]];

		chain_info(&res->path[i], v->x[v->path[i]], c->der, c->len);
		ext_info(v->x[v->path[i]], &res->path[i]);
	}
	chain_info(&res->path[i], v->root->x, v->root->der, v->root->len);
	ext_info(v->root->x, &res->path[i]);
	res->path[i].is_root = 1;
	res->path_len = i + 1;
	res->tcb = v->tcb.t;
	res->n_tcb = v->tcb.n;
	v->tcb.t = NULL;
	v->tcb.n = v->tcb.cap = 0;
}

/* ---- verified chains, by hash ------------------------------------------- */

#define CACHE_SLOTS	16

struct centry {
	int used;
	uint8_t key[32];		/* chain_key() */
	X509 *leaf;			/* a reference of our own */
	time_t valid_from, valid_to;	/* every certificate of the path
					 * and the root valid in between */
	struct tdxq_chain_info path[TDXQ_MAX_CERTS + 1];
	size_t path_len;
	struct tdxq_tcb_info *tcb;
	size_t n_tcb;
	unsigned long used_at;
};

struct tdxq_cache {
	const struct tdxq_trust *t;	/* the roots the entries were
					 * verified against */
	size_t t_n;
	unsigned long tick;
	struct tdxq_cache_stats stats;
	struct centry e[CACHE_SLOTS];
};

struct tdxq_cache *tdxq_cache_new(void)
{
	return calloc(1, sizeof(struct tdxq_cache));
}

static void centry_clear(struct centry *ce)
{
	X509_free(ce->leaf);
	free(ce->tcb);
	memset(ce, 0, sizeof(*ce));
}

static void cache_flush(struct tdxq_cache *c)
{
	size_t i;

	for (i = 0; i < CACHE_SLOTS; i++)
		centry_clear(&c->e[i]);
}

void tdxq_cache_free(struct tdxq_cache *c)
{
	if (!c)
		return;
	cache_flush(c);
	free(c);
}

void tdxq_cache_get_stats(const struct tdxq_cache *c,
			  struct tdxq_cache_stats *st)
{
	*st = c->stats;
}

/* Entries are good for one set of pinned roots: another empties it. */
static void cache_bind(struct tdxq_cache *c, const struct tdxq_trust *t)
{
	if (c->t == t && c->t_n == t->n)
		return;
	cache_flush(c);
	c->t = t;
	c->t_n = t->n;
}

/*
 * SHA-256 of the certificates as received: the label (x5bag or x5chain),
 * then each certificate's length (4 bytes, big-endian) and DER.
 */
static void chain_key(const struct tdxq_quote *q, uint8_t key[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t h[5];
	size_t i;
	int ok;

	ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
	h[0] = (uint8_t)q->chain_label;
	ok = ok && EVP_DigestUpdate(md, h, 1) == 1;
	for (i = 0; ok && i < q->n_certs; i++) {
		h[0] = (uint8_t)(q->certs[i].len >> 24);
		h[1] = (uint8_t)(q->certs[i].len >> 16);
		h[2] = (uint8_t)(q->certs[i].len >> 8);
		h[3] = (uint8_t)q->certs[i].len;
		ok = EVP_DigestUpdate(md, h, 4) == 1 &&
		     EVP_DigestUpdate(md, q->certs[i].der,
				      q->certs[i].len) == 1;
	}
	if (!ok || EVP_DigestFinal_ex(md, key, NULL) != 1)
		memset(key, 0, 32);	/* an all-zero key is never stored */
	EVP_MD_CTX_free(md);
}

static int key_zero(const uint8_t key[32])
{
	size_t i;

	for (i = 0; i < 32; i++)
		if (key[i])
			return 0;
	return 1;
}

/*
 * A verified chain with this key, good at time now.  The window is kept
 * strict (a second inside each bound): at a bound itself, the full
 * verification decides.
 */
static struct centry *cache_find(struct tdxq_cache *c, const uint8_t key[32],
				 time_t now)
{
	size_t i;

	if (key_zero(key)) {
		c->stats.misses++;
		return NULL;
	}
	for (i = 0; i < CACHE_SLOTS; i++) {
		struct centry *ce = &c->e[i];

		if (!ce->used || memcmp(ce->key, key, 32))
			continue;
		if (!(ce->valid_from < now && now < ce->valid_to))
			break;
		ce->used_at = ++c->tick;
		c->stats.hits++;
		return ce;
	}
	c->stats.misses++;
	return NULL;
}

/* The validity window of x narrowed into *from, *to; -1 if unreadable. */
static int window(X509 *x, time_t *from, time_t *to)
{
	time_t nb = asn1_time_t(X509_get0_notBefore(x));
	time_t na = asn1_time_t(X509_get0_notAfter(x));

	if (nb == (time_t)-1 || na == (time_t)-1)
		return -1;
	if (nb > *from)
		*from = nb;
	if (na < *to)
		*to = na;
	return 0;
}

/* A chain that passed steps 8-19, as fill_path() put it in res. */
static void cache_add(struct tdxq_cache *c, const uint8_t key[32],
		      const struct vctx *v, const struct tdxq_result *res)
{
	struct centry *ce = &c->e[0];
	time_t from = 0, to = (time_t)LLONG_MAX;
	size_t i;

	if (key_zero(key))
		return;
	for (i = 0; i < v->n_path; i++)
		if (window(v->x[v->path[i]], &from, &to))
			return;
	if (window(v->root->x, &from, &to))
		return;
	for (i = 0; i < CACHE_SLOTS; i++)	/* the same chain, or LRU */
		if (c->e[i].used && !memcmp(c->e[i].key, key, 32))
			break;
	if (i < CACHE_SLOTS) {
		ce = &c->e[i];
	} else {
		for (i = 0; i < CACHE_SLOTS; i++) {
			if (!c->e[i].used) {
				ce = &c->e[i];
				break;
			}
			if (c->e[i].used_at < ce->used_at)
				ce = &c->e[i];
		}
	}
	centry_clear(ce);
	if (res->n_tcb) {
		ce->tcb = malloc(res->n_tcb * sizeof(*ce->tcb));
		if (!ce->tcb)
			return;
		memcpy(ce->tcb, res->tcb, res->n_tcb * sizeof(*ce->tcb));
	}
	if (!X509_up_ref(v->x[v->leaf])) {
		free(ce->tcb);
		ce->tcb = NULL;
		return;
	}
	ce->leaf = v->x[v->leaf];
	ce->n_tcb = res->n_tcb;
	memcpy(ce->path, res->path, sizeof(ce->path));
	ce->path_len = res->path_len;
	ce->valid_from = from;
	ce->valid_to = to;
	memcpy(ce->key, key, 32);
	ce->used_at = ++c->tick;
	ce->used = 1;
	c->stats.entries_added++;
}

/* What fill_path() would have put in res, from the entry. */
static enum tdxq_status cache_fill(const struct centry *ce,
				   struct tdxq_result *res)
{
	memcpy(res->path, ce->path, sizeof(res->path));
	res->path_len = ce->path_len;
	if (ce->n_tcb) {
		res->tcb = malloc(ce->n_tcb * sizeof(*res->tcb));
		if (!res->tcb)
			return TDXQ_USAGE;
		memcpy(res->tcb, ce->tcb, ce->n_tcb * sizeof(*res->tcb));
	}
	res->n_tcb = ce->n_tcb;
	return TDXQ_OK;
}

static enum tdxq_status verify_impl(const uint8_t *buf, size_t len,
				    const struct tdxq_trust *t,
				    const struct tdxq_policy *policy,
				    time_t now, struct tdxq_cache *cache,
				    struct tdxq_result *res,
				    struct tdxq_err *e)
{
	static const struct tdxq_policy no_policy = {
		.tcb_min_svn = -1, .allow_debug = -1, .require_tcb = -1,
	};
	struct tdxq_result local;
	const char *rule;
	char rbuf[64];
	struct vctx v;
	enum tdxq_status s;
	struct centry *ce = NULL;
	uint8_t key[32];
	size_t i;

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	memset(&v, 0, sizeof(v));
	if (e) {
		e->msg[0] = '\0';
		e->step = 0;
	}
	if (!t || !t->n) {
		tdxq_seterr(e, "no pinned root certificate");
		return TDXQ_USAGE;
	}
	if (now == (time_t)-1)
		now = time(NULL);

	s = tdxq_parse(buf, len, &res->quote, e);		/* 1-7 */
	if (s)
		goto out;
	v.q = res->quote;
	v.t = t;
	if (cache) {
		cache_bind(cache, t);
		chain_key(res->quote, key);
		ce = cache_find(cache, key, now);
	}
	if (ce) {
		/*
		 * Steps 8-10 and 12-19 depend only on the certificates as
		 * received (the key), the pinned roots (the cache is bound
		 * to them) and the time (inside the window of every
		 * certificate of the path): they passed for this chain, so
		 * they pass again.  Only the COSE signature is new.
		 */
		tdxq_step(e, 11);
		s = check_signature(res->quote, ce->leaf, e);
		if (s)
			goto out;
		res->signature_ok = 1;
		res->chain_ok = 1;
		s = cache_fill(ce, res);
		if (s) {
			tdxq_seterr(e, "out of memory");
			goto out;
		}
		goto claims;
	}
	s = find_leaf(&v, e);					/* 8-9 */
	if (s)
		goto out;
	tdxq_step(e, 10);
	if (!is_p384(v.x[v.leaf])) {
		tdxq_seterr(e, "the leaf's public key is not EC P-384");
		s = TDXQ_UNTRUSTED;
		goto out;
	}
	tdxq_step(e, 11);
	s = check_signature(res->quote, v.x[v.leaf], e);
	if (s)
		goto out;
	res->signature_ok = 1;
	tdxq_step(e, 12);
	s = build_path(&v, e);
	if (!s)
		s = check_path(&v, now, e);			/* 13-19 */
	if (s)
		goto out;
	res->chain_ok = 1;
	fill_path(&v, res);
	if (cache)
		cache_add(cache, key, &v, res);
claims:
	s = tdxq_parse_claims(res->quote, e);			/* 20-24 */
	if (s)
		goto out;
	res->claims_ok = 1;
	rule = policy_check(policy ? policy : &no_policy, res->quote, res,
			    rbuf, sizeof(rbuf));		/* 25-30 */
	if (rule) {
		snprintf(res->mismatch, sizeof(res->mismatch), "%s", rule);
		snprintf(res->rule, sizeof(res->rule), "%s", rule);
		if (!strcmp(rule, "eat_profile"))
			tdxq_seterr(e, "eat_profile is missing or not an accepted profile (default %s only; --profile)",
				    TDXQ_PROFILE_INTEL);
		else if (!strcmp(rule, "iss"))
			tdxq_seterr(e, "iss is missing or not an accepted issuer");
		else if (!strcmp(rule, "tcb"))
			tdxq_seterr(e, "no TCG DICE TCB info on the certificate path meets the tcb rules (default: vendor Intel Corporation)");
		else if (!strcmp(rule, "debug"))
			tdxq_seterr(e, "a DEBUG TD (td_attributes bit 0), or no td_attributes; --allow-debug accepts a DEBUG TD");
		else if (!strncmp(rule, "min_", 4))
			tdxq_seterr(e, "%s: the TCB is below the minimum",
				    rule + 4);
		else
			tdxq_seterr(e, "%s differs from every expected value",
				    rule);
		s = TDXQ_POLICY;
		goto out;
	}
	res->policy_ok = 1;
	s = TDXQ_OK;
out:
	if (s && s != TDXQ_POLICY && e && e->step)
		snprintf(res->rule, sizeof(res->rule), "step %d", e->step);
	for (i = 0; i < v.n; i++)
		X509_free(v.x[i]);
	free(v.tcb.t);
	ERR_clear_error();
	if (res == &local)
		tdxq_result_free(&local);
	return s;
}

enum tdxq_status tdxq_verify(const uint8_t *buf, size_t len,
			     const struct tdxq_trust *t,
			     const struct tdxq_policy *policy, time_t now,
			     struct tdxq_result *res, struct tdxq_err *e)
{
	return verify_impl(buf, len, t, policy, now, NULL, res, e);
}

enum tdxq_status tdxq_verify_cached(const uint8_t *buf, size_t len,
				    const struct tdxq_trust *t,
				    const struct tdxq_policy *policy,
				    time_t now, struct tdxq_cache *cache,
				    struct tdxq_result *res,
				    struct tdxq_err *e)
{
	return verify_impl(buf, len, t, policy, now, cache, res, e);
}

void tdxq_result_free(struct tdxq_result *r)
{
	if (!r)
		return;
	tdxq_quote_free(r->quote);
	r->quote = NULL;
	free(r->tcb);
	r->tcb = NULL;
	r->n_tcb = 0;
}
