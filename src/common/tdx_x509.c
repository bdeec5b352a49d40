// SPDX-License-Identifier: GPL-2.0
/*
 * X.509 v3 certificates for a P-384 DICE chain; see tdx_x509.h.
 */
#include "tdx_x509.h"

/* OBJECT IDENTIFIER contents */
static const u8 oid_ecdsa_sha384[] = {		/* 1.2.840.10045.4.3.3 */
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03
};

static const u8 oid_ec_public_key[] = {		/* 1.2.840.10045.2.1 */
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01
};

static const u8 oid_secp384r1[] = {		/* 1.3.132.0.34 */
	0x2b, 0x81, 0x04, 0x00, 0x22
};

static const u8 oid_basic_constraints[] = { 0x55, 0x1d, 0x13 };

static const u8 oid_key_usage[] = { 0x55, 0x1d, 0x0f };

static const u8 oid_ski[] = { 0x55, 0x1d, 0x0e };

static const u8 oid_aki[] = { 0x55, 0x1d, 0x23 };

static const u8 oid_eku[] = { 0x55, 0x1d, 0x25 };

static const u8 oid_tcg_dice_tcb_info[] = {	/* 2.23.133.5.4.1 */
	0x67, 0x81, 0x05, 0x05, 0x04, 0x01
};

static const u8 oid_tcg_dice_ueid[] = {		/* 2.23.133.5.4.4 */
	0x67, 0x81, 0x05, 0x05, 0x04, 0x04
};

/* 2.5.4.<n>, indexed by enum tdx_x509_attr_type */
static const u8 attr_arc[] = {
	[TDX_X509_ATTR_CN] = 3,
	[TDX_X509_ATTR_O] = 10,
	[TDX_X509_ATTR_OU] = 11,
	[TDX_X509_ATTR_C] = 6,
	[TDX_X509_ATTR_SERIAL] = 5,
};

static bool x509_name_valid(const struct tdx_x509_name *n)
{
	const struct tdx_x509_attr *a;
	unsigned int i;
	size_t len;

	if (!n->attrs || !n->count || n->count > TDX_X509_NAME_MAX_ATTRS)
		return false;
	for (i = 0; i < n->count; i++) {
		a = &n->attrs[i];
		if ((unsigned int)a->type >= sizeof(attr_arc) || !a->value)
			return false;
		len = strlen(a->value);
		if (!len || len > TDX_X509_ATTR_MAX_LEN)
			return false;
		if (a->type == TDX_X509_ATTR_C && len != 2)
			return false;
	}
	return true;
}

static void x509_name(struct tdx_der *w, const struct tdx_x509_name *n)
{
	const struct tdx_x509_attr *a;
	u8 oid[3] = { 0x55, 0x04, 0 };
	unsigned int i;
	size_t len;

	tdx_der_begin(w, TDX_DER_SEQUENCE);
	for (i = 0; i < n->count; i++) {
		a = &n->attrs[i];
		len = strlen(a->value);
		oid[2] = attr_arc[a->type];
		tdx_der_begin(w, TDX_DER_SET);
		tdx_der_begin(w, TDX_DER_SEQUENCE);
		tdx_der_oid(w, oid, sizeof(oid));
		if (a->type == TDX_X509_ATTR_C || a->type == TDX_X509_ATTR_SERIAL)
			tdx_der_printable(w, a->value, len);
		else
			tdx_der_utf8(w, a->value, len);
		tdx_der_end(w);
		tdx_der_end(w);
	}
	tdx_der_end(w);
}

static void x509_sig_alg(struct tdx_der *w)
{
	/* RFC 5758 3.2: ecdsa-with-SHA* has no parameters at all. */
	tdx_der_begin(w, TDX_DER_SEQUENCE);
	tdx_der_oid(w, oid_ecdsa_sha384, sizeof(oid_ecdsa_sha384));
	tdx_der_end(w);
}

/* Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, OCTET STRING } */
static void x509_ext_begin(struct tdx_der *w, const u8 *oid, size_t oid_len,
			   bool critical)
{
	tdx_der_begin(w, TDX_DER_SEQUENCE);
	tdx_der_oid(w, oid, oid_len);
	if (critical)
		tdx_der_bool(w, true);
	tdx_der_begin(w, TDX_DER_OCTET_STRING);
}

static void x509_ext_end(struct tdx_der *w)
{
	tdx_der_end(w);
	tdx_der_end(w);
}

static void x509_eku(struct tdx_der *w, const struct tdx_x509_eku *e)
{
	unsigned int i;

	x509_ext_begin(w, oid_eku, sizeof(oid_eku), e->critical);
	tdx_der_begin(w, TDX_DER_SEQUENCE);
	for (i = 0; i < e->count; i++)
		tdx_der_oid(w, e->purposes[i].oid, e->purposes[i].len);
	tdx_der_end(w);
	x509_ext_end(w);
}

static void x509_tcb_str(struct tdx_der *w, unsigned int tag, const char *s)
{
	if (s)
		tdx_der_tlv(w, TDX_DER_CTX_PRIM(tag), s, strlen(s));
}

static void x509_tcb_int(struct tdx_der *w, unsigned int tag, bool has,
			 u64 v)
{
	if (has)
		tdx_der_int_u64_tagged(w, TDX_DER_CTX_PRIM(tag), v);
}

/* DiceTcbInfo: the present fields, IMPLICIT tags in increasing order. */
static void x509_tcb_info(struct tdx_der *w, const struct tdx_x509_tcb_info *t)
{
	const struct tdx_x509_fwid *f;
	unsigned int i;

	x509_ext_begin(w, oid_tcg_dice_tcb_info, sizeof(oid_tcg_dice_tcb_info),
		       true);
	tdx_der_begin(w, TDX_DER_SEQUENCE);
	x509_tcb_str(w, 0, t->vendor);
	x509_tcb_str(w, 1, t->model);
	x509_tcb_str(w, 2, t->version);
	x509_tcb_int(w, 3, t->has_svn, t->svn);
	x509_tcb_int(w, 4, t->has_layer, t->layer);
	x509_tcb_int(w, 5, t->has_index, t->index);
	if (t->n_fwids) {
		tdx_der_begin(w, TDX_DER_CTX(6));	/* SEQUENCE OF FWID */
		for (i = 0; i < t->n_fwids; i++) {
			f = &t->fwids[i];
			tdx_der_begin(w, TDX_DER_SEQUENCE);
			tdx_der_oid(w, f->hash_alg.oid, f->hash_alg.len);
			tdx_der_octet_string(w, f->digest, f->digest_len);
			tdx_der_end(w);
		}
		tdx_der_end(w);
	}
	if (t->has_flags)
		tdx_der_named_bits_tagged(w, TDX_DER_CTX_PRIM(7), t->flags);
	tdx_der_end(w);
	x509_ext_end(w);
}

static void x509_ueid(struct tdx_der *w, const struct tdx_x509_ueid *u)
{
	x509_ext_begin(w, oid_tcg_dice_ueid, sizeof(oid_tcg_dice_ueid),
		       u->critical);
	tdx_der_begin(w, TDX_DER_SEQUENCE);
	tdx_der_octet_string(w, u->ueid, u->len);
	tdx_der_end(w);
	x509_ext_end(w);
}

static void x509_extensions(struct tdx_der *w,
			    const struct tdx_x509_params *p, u32 ku)
{
	tdx_der_begin(w, TDX_DER_CTX(3));
	tdx_der_begin(w, TDX_DER_SEQUENCE);

	x509_ext_begin(w, oid_basic_constraints,
		       sizeof(oid_basic_constraints), true);
	tdx_der_begin(w, TDX_DER_SEQUENCE);
	if (p->ca) {
		tdx_der_bool(w, true);	/* cA FALSE is the DEFAULT: omitted */
		if (p->path_len >= 0)
			tdx_der_int_u64(w, p->path_len);
	}
	tdx_der_end(w);
	x509_ext_end(w);

	x509_ext_begin(w, oid_key_usage, sizeof(oid_key_usage), true);
	tdx_der_named_bits(w, ku);
	x509_ext_end(w);

	if (p->eku)
		x509_eku(w, p->eku);

	x509_ext_begin(w, oid_ski, sizeof(oid_ski), false);
	tdx_der_octet_string(w, p->ski, p->ski_len);
	x509_ext_end(w);

	if (p->aki) {
		/* AuthorityKeyIdentifier ::= SEQUENCE { [0] keyIdentifier } */
		x509_ext_begin(w, oid_aki, sizeof(oid_aki), false);
		tdx_der_begin(w, TDX_DER_SEQUENCE);
		tdx_der_tlv(w, TDX_DER_CTX_PRIM(0), p->aki, p->aki_len);
		tdx_der_end(w);
		x509_ext_end(w);
	}

	if (p->tcb_info)
		x509_tcb_info(w, p->tcb_info);
	if (p->ueid)
		x509_ueid(w, p->ueid);

	tdx_der_end(w);
	tdx_der_end(w);
}

/* Serial: significant bytes, or 0 if not a valid positive serial. */
static size_t x509_serial_len(const struct tdx_x509_params *p)
{
	const u8 *s = p->serial;
	size_t n = p->serial_len;

	if (!s)
		return 0;
	while (n && !s[0]) {
		s++;
		n--;
	}
	if (n > TDX_X509_SERIAL_MAX ||
	    (n == TDX_X509_SERIAL_MAX && (s[0] & 0x80)))
		return 0;
	return n;
}

/* Content octets of an OID: each arc minimal, the last one complete. */
static bool x509_oid_valid(const struct tdx_x509_oid *o)
{
	size_t i;

	if (!o->oid || !o->len || o->len > TDX_X509_OID_MAX ||
	    (o->oid[o->len - 1] & 0x80))
		return false;
	/* An arc that starts with 0x80 has a leading zero 7-bit group. */
	for (i = 0; i < o->len; i++)
		if (o->oid[i] == 0x80 && (!i || !(o->oid[i - 1] & 0x80)))
			return false;
	return true;
}

static bool x509_eku_valid(const struct tdx_x509_eku *e)
{
	unsigned int i;

	if (!e->purposes || !e->count || e->count > TDX_X509_EKU_MAX)
		return false;
	for (i = 0; i < e->count; i++)
		if (!x509_oid_valid(&e->purposes[i]))
			return false;
	return true;
}

/*
 * Strict UTF-8 (RFC 3629): shortest forms only, no surrogates, nothing
 * above U+10FFFF.  NUL cannot occur in a C string.
 */
static bool x509_utf8_valid(const u8 *s, size_t len)
{
	size_t i = 0, n, k;
	u32 c, min;

	while (i < len) {
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 1;
			c &= 0x1f;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			c &= 0x0f;
			min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			c &= 0x07;
			min = 0x10000;
		} else {
			return false;
		}
		if (n >= len - i)
			return false;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

/* NULL (absent), or 1..TDX_X509_TCB_STR_MAX bytes of strict UTF-8. */
static bool x509_tcb_str_valid(const char *s)
{
	size_t len;

	if (!s)
		return true;
	len = strlen(s);
	return len && len <= TDX_X509_TCB_STR_MAX &&
	       x509_utf8_valid((const u8 *)s, len);
}

static bool x509_tcb_info_valid(const struct tdx_x509_tcb_info *t)
{
	const struct tdx_x509_fwid *f;
	unsigned int i;

	if (!x509_tcb_str_valid(t->vendor) || !x509_tcb_str_valid(t->model) ||
	    !x509_tcb_str_valid(t->version))
		return false;
	if ((t->has_svn && t->svn > TDX_X509_TCB_INT_MAX) ||
	    (t->has_layer && t->layer > TDX_X509_TCB_INT_MAX) ||
	    (t->has_index && t->index > TDX_X509_TCB_INT_MAX))
		return false;
	if (t->n_fwids > TDX_X509_FWID_MAX || (t->n_fwids && !t->fwids))
		return false;
	for (i = 0; i < t->n_fwids; i++) {
		f = &t->fwids[i];
		if (!x509_oid_valid(&f->hash_alg) || !f->digest ||
		    !f->digest_len || f->digest_len > TDX_X509_DIGEST_MAX)
			return false;
	}
	return true;
}

static bool x509_params_valid(const struct tdx_x509_params *p, u32 ku)
{
	if (!x509_serial_len(p))
		return false;
	if (!x509_name_valid(&p->issuer) || !x509_name_valid(&p->subject))
		return false;
	if (tdx_der_time_cmp(&p->not_before, &p->not_after) > 0)
		return false;
	if (!p->pubkey || p->pubkey[0] != 0x04)
		return false;
	if (!p->ski || !p->ski_len || p->ski_len > TDX_X509_KEY_ID_MAX)
		return false;
	if (p->aki && (!p->aki_len || p->aki_len > TDX_X509_KEY_ID_MAX))
		return false;
	if (!p->ca && p->path_len >= 0)
		return false;
	if (ku & ~TDX_X509_KU_ALL)
		return false;
	if (p->ca && !(ku & TDX_X509_KU_KEY_CERT_SIGN))
		return false;
	if (p->eku && !x509_eku_valid(p->eku))
		return false;
	if (p->tcb_info && !x509_tcb_info_valid(p->tcb_info))
		return false;
	if (p->ueid && (!p->ueid->ueid || !p->ueid->len ||
			p->ueid->len > TDX_X509_UEID_MAX))
		return false;
	return true;
}

int tdx_x509_tbs(u8 *buf, size_t cap, const struct tdx_x509_params *p)
{
	struct tdx_der w;
	u32 ku;

	if (!p)
		return -TDX_EINVAL;
	ku = p->key_usage;
	if (!ku)
		ku = p->ca ? TDX_X509_KU_KEY_CERT_SIGN | TDX_X509_KU_CRL_SIGN :
			     TDX_X509_KU_DIGITAL_SIGNATURE;
	if (!x509_params_valid(p, ku))
		return -TDX_EINVAL;

	tdx_der_init(&w, buf, cap);
	tdx_der_begin(&w, TDX_DER_SEQUENCE);

	tdx_der_begin(&w, TDX_DER_CTX(0));	/* version: v3 (2) */
	tdx_der_int_u64(&w, 2);
	tdx_der_end(&w);

	tdx_der_int_bytes(&w, p->serial, p->serial_len);
	x509_sig_alg(&w);
	x509_name(&w, &p->issuer);

	tdx_der_begin(&w, TDX_DER_SEQUENCE);	/* validity */
	tdx_der_time(&w, &p->not_before);
	tdx_der_time(&w, &p->not_after);
	tdx_der_end(&w);

	x509_name(&w, &p->subject);

	tdx_der_begin(&w, TDX_DER_SEQUENCE);	/* subjectPublicKeyInfo */
	tdx_der_begin(&w, TDX_DER_SEQUENCE);
	tdx_der_oid(&w, oid_ec_public_key, sizeof(oid_ec_public_key));
	tdx_der_oid(&w, oid_secp384r1, sizeof(oid_secp384r1));
	tdx_der_end(&w);
	tdx_der_bit_string(&w, p->pubkey, TDX_X509_P384_POINT_LEN);
	tdx_der_end(&w);

	x509_extensions(&w, p, ku);

	tdx_der_end(&w);
	return tdx_der_finish(&w);
}

int tdx_x509_cert(u8 *buf, size_t cap, const u8 *tbs, size_t tbs_len,
		  const u8 *sig)
{
	struct tdx_der w;

	if (!tbs || tbs_len < 2 || tbs[0] != TDX_DER_SEQUENCE || !sig)
		return -TDX_EINVAL;

	tdx_der_init(&w, buf, cap);
	tdx_der_begin(&w, TDX_DER_SEQUENCE);
	tdx_der_raw(&w, tbs, tbs_len);
	x509_sig_alg(&w);
	tdx_der_begin_bit_string(&w);
	tdx_der_ecdsa_sig(&w, sig, sig + TDX_X509_P384_BYTES,
			  TDX_X509_P384_BYTES);
	tdx_der_end(&w);
	tdx_der_end(&w);
	return tdx_der_finish(&w);
}
