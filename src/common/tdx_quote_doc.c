// SPDX-License-Identifier: GPL-2.0
/*
 * The DICE quote document (ABI.md section 7); see tdx_quote_doc.h for the
 * layout and the encoding choices.
 */
#include "tdx_quote_doc.h"
#include "tdx_cbor.h"

/* How a TDREPORT field becomes a measurement value. */
enum tdx_qd_kind {
	TDX_QD_BYTES,	/* bstr of the bytes */
	TDX_QD_DIGEST,	/* [7, bstr of the 48 bytes] */
	TDX_QD_SVN,	/* array of one uint per byte */
};

struct tdx_qd_field {
	int key;		/* measurement-values-map key; 0 ends a list */
	enum tdx_qd_kind kind;
	unsigned int off;	/* in the TDREPORT */
	unsigned int len;
};

struct tdx_qd_submod {
	const char *oid;	/* key in the submods map */
	const char *model;	/* class-map model of the environment */
	const struct tdx_qd_field *origin;	/* values of "0" */
	const struct tdx_qd_field *current;	/* of "1"; NULL: as "0" */
};

#define TDX_QD_DIGEST_FIELD(k, o)	\
	{ (k), TDX_QD_DIGEST, (o), TDX_REPORT_DIGEST_SIZE }

/* Each list in ascending order of |key|: the deterministic map order. */
static const struct tdx_qd_field tdx_qd_platform_origin[] = {
	{ -125, TDX_QD_SVN, TDX_REPORT_TEE_TCB_SVN_OFF,
	  TDX_REPORT_TEE_TCB_SVN_SIZE },
	{ 0, TDX_QD_BYTES, 0, 0 }
};

static const struct tdx_qd_field tdx_qd_platform_current[] = {
	{ -125, TDX_QD_SVN, TDX_REPORT_TEE_TCB_SVN2_OFF,
	  TDX_REPORT_TEE_TCB_SVN2_SIZE },
	{ 0, TDX_QD_BYTES, 0, 0 }
};

static const struct tdx_qd_field tdx_qd_td[] = {
	{ -82, TDX_QD_BYTES, TDX_REPORT_TD_ATTRIBUTES_OFF,
	  TDX_REPORT_ATTRIBUTES_SIZE },
	TDX_QD_DIGEST_FIELD(-83, TDX_REPORT_MRTD_OFF),
	{ -201, TDX_QD_BYTES, TDX_REPORT_XFAM_OFF, TDX_REPORT_XFAM_SIZE },
	TDX_QD_DIGEST_FIELD(-203, TDX_REPORT_MRCONFIGID_OFF),
	TDX_QD_DIGEST_FIELD(-204, TDX_REPORT_MROWNER_OFF),
	TDX_QD_DIGEST_FIELD(-205, TDX_REPORT_MROWNERCONFIG_OFF),
	TDX_QD_DIGEST_FIELD(-206, TDX_REPORT_RTMR_OFF(0)),
	TDX_QD_DIGEST_FIELD(-207, TDX_REPORT_RTMR_OFF(1)),
	TDX_QD_DIGEST_FIELD(-208, TDX_REPORT_RTMR_OFF(2)),
	TDX_QD_DIGEST_FIELD(-209, TDX_REPORT_RTMR_OFF(3)),
	{ 0, TDX_QD_BYTES, 0, 0 }
};

static const struct tdx_qd_field tdx_qd_servtd[] = {
	TDX_QD_DIGEST_FIELD(-210, TDX_REPORT_SERVTD_HASH_OFF),
	{ 0, TDX_QD_BYTES, 0, 0 }
};

static const struct tdx_qd_field tdx_qd_seam[] = {
	{ -82, TDX_QD_BYTES, TDX_REPORT_SEAM_ATTRIBUTES_OFF,
	  TDX_REPORT_ATTRIBUTES_SIZE },
	TDX_QD_DIGEST_FIELD(-83, TDX_REPORT_MRSEAM_OFF),
	TDX_QD_DIGEST_FIELD(-84, TDX_REPORT_MRSIGNERSEAM_OFF),
	{ 0, TDX_QD_BYTES, 0, 0 }
};

#define TDX_QD_OID(n)	"2.16.840.1.113741.1.13.2." #n ".0"

/* In the bytewise order of the keys (all of the same length). */
static const struct tdx_qd_submod tdx_qd_submods[] = {
	{ TDX_QD_OID(1), "tdx-platform-tcb", tdx_qd_platform_origin,
	  tdx_qd_platform_current },
	{ TDX_QD_OID(4), "tdx-td", tdx_qd_td, NULL },
	{ TDX_QD_OID(7), "tdx-service-td", tdx_qd_servtd, NULL },
	{ TDX_QD_OID(8), "tdx-seam", tdx_qd_seam, NULL },
	{ NULL, NULL, NULL, NULL }
};

/* << {1: -35} >>: the protected header, ES384. */
static const u8 tdx_qd_protected[] = { 0xa1, 0x01, 0x38, 0x22 };

/* Header and claim labels. */
#define TDX_QD_HDR_CONTENT_TYPE	3
#define TDX_QD_HDR_KID		4
#define TDX_QD_HDR_X5BAG	32
#define TDX_QD_CLAIM_ISS	1
#define TDX_QD_CLAIM_SUB	2
#define TDX_QD_CLAIM_PROFILE	265
#define TDX_QD_CLAIM_SUBMODS	(-11)
#define TDX_QD_CLAIM_REPORTDATA	(-212)

/* {1: values} */
static void tdx_qd_values(struct tdx_cbor *w, const u8 *r,
			  const struct tdx_qd_field *fields)
{
	const struct tdx_qd_field *f;
	unsigned int n = 0, i;

	for (f = fields; f->key; f++)
		n++;
	tdx_cbor_map(w, 1);
	tdx_cbor_uint(w, 1);		/* measurement-values-map */
	tdx_cbor_map(w, n);
	for (f = fields; f->key; f++) {
		tdx_cbor_int(w, f->key);
		switch (f->kind) {
		case TDX_QD_DIGEST:
			tdx_cbor_array(w, 2);
			tdx_cbor_uint(w, TDX_QUOTE_DOC_DIGEST_SHA384);
			tdx_cbor_bstr(w, r + f->off, f->len);
			break;
		case TDX_QD_SVN:
			tdx_cbor_array(w, f->len);
			for (i = 0; i < f->len; i++)
				tdx_cbor_uint(w, r[f->off + i]);
			break;
		default:
			tdx_cbor_bstr(w, r + f->off, f->len);
			break;
		}
	}
}

/* ce = {0: {0: [[env, [{1: values}]]]}} */
static void tdx_qd_evidence(struct tdx_cbor *w, const u8 *r,
			    const struct tdx_qd_submod *sm,
			    const struct tdx_qd_field *fields)
{
	tdx_cbor_map(w, 1);
	tdx_cbor_uint(w, 0);		/* ev-triples */
	tdx_cbor_map(w, 1);
	tdx_cbor_uint(w, 0);		/* evidence-triples */
	tdx_cbor_array(w, 1);
	tdx_cbor_array(w, 2);		/* evidence-triple-record */
	tdx_cbor_map(w, 1);		/* environment-map */
	tdx_cbor_uint(w, 0);		/* class */
	tdx_cbor_map(w, 2);
	tdx_cbor_uint(w, 1);		/* vendor */
	tdx_cbor_cstr(w, TDX_QUOTE_DOC_ENV_VENDOR);
	tdx_cbor_uint(w, 2);		/* model */
	tdx_cbor_cstr(w, sm->model);
	tdx_cbor_array(w, 1);		/* measurements */
	tdx_qd_values(w, r, fields);
}

/* 571(<< ce >>) */
static void tdx_qd_evidence_tagged(struct tdx_cbor *w, const u8 *r,
				   const struct tdx_qd_submod *sm,
				   const struct tdx_qd_field *fields)
{
	struct tdx_cbor c;

	tdx_cbor_init(&c, NULL, 0);
	tdx_qd_evidence(&c, r, sm, fields);
	tdx_cbor_tag(w, TDX_QUOTE_DOC_TAG_CE);
	tdx_cbor_bstr_head(w, c.len);
	tdx_qd_evidence(w, r, sm, fields);
}

static void tdx_qd_claims(struct tdx_cbor *w,
			  const struct tdx_quote_doc_params *p)
{
	const u8 *r = p->tdreport;
	const struct tdx_qd_submod *sm;
	unsigned int n = 0;

	for (sm = tdx_qd_submods; sm->oid; sm++)
		n++;
	tdx_cbor_map(w, 5);
	tdx_cbor_int(w, TDX_QD_CLAIM_ISS);
	tdx_cbor_cstr(w, p->iss);
	tdx_cbor_int(w, TDX_QD_CLAIM_SUB);
	tdx_cbor_cstr(w, p->sub);
	tdx_cbor_int(w, TDX_QD_CLAIM_PROFILE);
	tdx_cbor_bstr(w, p->profile, p->profile_len);
	tdx_cbor_int(w, TDX_QD_CLAIM_SUBMODS);
	tdx_cbor_map(w, n);
	for (sm = tdx_qd_submods; sm->oid; sm++) {
		tdx_cbor_cstr(w, sm->oid);
		tdx_cbor_map(w, 2);
		tdx_cbor_cstr(w, "0");		/* origin */
		tdx_qd_evidence_tagged(w, r, sm, sm->origin);
		tdx_cbor_cstr(w, "1");		/* current */
		tdx_qd_evidence_tagged(w, r, sm,
				       sm->current ? sm->current : sm->origin);
	}
	tdx_cbor_int(w, TDX_QD_CLAIM_REPORTDATA);
	tdx_cbor_bstr(w, r + TDX_REPORT_REPORTDATA_OFF,
		      TDX_REPORT_REPORTDATA_SIZE);
}

/* << claims >> */
static void tdx_qd_payload(struct tdx_cbor *w,
			   const struct tdx_quote_doc_params *p)
{
	struct tdx_cbor c;

	tdx_cbor_init(&c, NULL, 0);
	tdx_qd_claims(&c, p);
	tdx_cbor_bstr_head(w, c.len);
	tdx_qd_claims(w, p);
}

static int tdx_qd_check(const struct tdx_quote_doc_params *p,
			const u8 *buf, size_t cap)
{
	unsigned int i;

	if (!buf && cap)
		return -TDX_EINVAL;
	if (!p || !p->tdreport || !p->kid || !p->kid_len || !p->iss ||
	    !p->sub || !p->profile || !p->profile_len || !p->certs ||
	    !p->cert_lens || !p->n_certs)
		return -TDX_EINVAL;
	for (i = 0; i < p->n_certs; i++)
		if (!p->certs[i] || !p->cert_lens[i])
			return -TDX_EINVAL;
	return 0;
}

static int tdx_qd_result(const struct tdx_cbor *w)
{
	if (w->overflow)
		return w->buf ? -TDX_ENOSPC : -TDX_EOVERFLOW;
	if (w->len > TDX_QUOTE_DOC_MAX_LEN)
		return -TDX_EOVERFLOW;
	return (int)w->len;
}

int tdx_quote_doc_tbs(const struct tdx_quote_doc_params *p, u8 *buf,
		      size_t cap)
{
	struct tdx_cbor w;
	int ret;

	ret = tdx_qd_check(p, buf, cap);
	if (ret)
		return ret;
	tdx_cbor_init(&w, buf, cap);
	tdx_cbor_array(&w, 4);
	tdx_cbor_cstr(&w, "Signature1");
	tdx_cbor_bstr(&w, tdx_qd_protected, sizeof(tdx_qd_protected));
	tdx_cbor_bstr(&w, NULL, 0);		/* external_aad */
	tdx_qd_payload(&w, p);
	return tdx_qd_result(&w);
}

int tdx_quote_doc_build(const struct tdx_quote_doc_params *p, const u8 *sig,
			u8 *buf, size_t cap)
{
	struct tdx_cbor w;
	unsigned int i;
	int ret;

	ret = tdx_qd_check(p, buf, cap);
	if (ret)
		return ret;
	if (!sig)
		return -TDX_EINVAL;
	tdx_cbor_init(&w, buf, cap);
	tdx_cbor_tag(&w, TDX_QUOTE_DOC_TAG_CWT);
	tdx_cbor_tag(&w, TDX_QUOTE_DOC_TAG_COSE_SIGN1);
	tdx_cbor_array(&w, 4);
	tdx_cbor_bstr(&w, tdx_qd_protected, sizeof(tdx_qd_protected));
	tdx_cbor_map(&w, 3);			/* unprotected */
	tdx_cbor_uint(&w, TDX_QD_HDR_CONTENT_TYPE);
	tdx_cbor_cstr(&w, p->content_type ? p->content_type :
		      TDX_QUOTE_DOC_CONTENT_TYPE);
	tdx_cbor_uint(&w, TDX_QD_HDR_KID);
	tdx_cbor_bstr(&w, p->kid, p->kid_len);
	tdx_cbor_uint(&w, TDX_QD_HDR_X5BAG);
	tdx_cbor_array(&w, p->n_certs);
	for (i = 0; i < p->n_certs; i++)
		tdx_cbor_bstr(&w, p->certs[i], p->cert_lens[i]);
	tdx_qd_payload(&w, p);
	tdx_cbor_bstr(&w, sig, TDX_QUOTE_DOC_SIG_SIZE);
	return tdx_qd_result(&w);
}
