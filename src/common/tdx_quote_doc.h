/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DICE quote document (ABI.md section 7), built from a TDREPORT
 * (ABI.md section 6) and a list of DER certificates.
 *
 * Layout (CBOR diagnostic notation; maps are written in RFC 8949 section
 * 4.2.1 order, i.e. keys sorted bytewise by their encodings):
 *
 *   61(18([                               / CWT, COSE_Sign1: d8 3d d2 84 /
 *     h'a1013822',                        / protected: << {1: -35} >> ES384 /
 *     {3: content_type,                   / tstr /
 *      4: kid,                            / bstr /
 *      32: [+ cert]},                     / x5bag: always an array, even
 *                                           for a single DER certificate /
 *     << claims >>,                       / payload /
 *     signature                           / 96 bytes: P-384 r || s /
 *   ]))
 *
 *   claims = {1: iss, 2: sub, 265: profile,
 *             -11: {oid(1): sm, oid(4): sm, oid(7): sm, oid(8): sm},
 *             -212: REPORTDATA (64-byte bstr)}
 *   oid(N) = "2.16.840.1.113741.1.13.2.N.0"
 *            N = 1 platform TCB, 4 TD body, 7 service TD, 8 SEAM
 *   sm     = {"0": 571(<< ce >>), "1": 571(<< ce >>)}   / origin, current /
 *   ce     = {0: {0: [[env, [{1: values}]]]}}           / concise evidence /
 *   env    = {0: {1: "Intel Corporation", 2: model}}    / class: vendor,
 *                                                         model (see below) /
 *
 * The claims are where google/go-tdx-guest's abi/dice.go, the one public
 * parser of Intel's DICE quote profile, reads them (docs/verifier.md steps
 * 21-23).  Only the platform TCB has two views in a TDREPORT: the TDX
 * module's SVN when the TD was built (TEE_TCB_SVN) and after TD-preserving
 * updates (TEE_TCB_SVN2).  Every other submodule has one view, so its
 * origin and current carry identical concise evidence.
 *
 * values, per submodule, from the TDREPORT:
 *   platform TCB ("tdx-platform-tcb"):
 *     "0": -125: TEE_TCB_INFO.TEE_TCB_SVN as an array of 16 uints
 *     "1": -125: TEE_TCB_INFO.TEE_TCB_SVN2 as an array of 16 uints
 *     (CPUSVN, in REPORTMACSTRUCT, is not in the quote)
 *   SEAM ("tdx-seam"):
 *     -82: TEE_TCB_INFO.ATTRIBUTES, -83: MRSEAM, -84: MRSIGNERSEAM
 *   TD body ("tdx-td"):
 *     -82: TDINFO.ATTRIBUTES, -83: MRTD, -201: XFAM, -203: MRCONFIGID,
 *     -204: MROWNER, -205: MROWNERCONFIG, -206..-209: RTMR0..RTMR3
 *   service TD ("tdx-service-td"):
 *     -210: SERVTD_HASH
 *
 * Encodings: every 48-byte TDREPORT value (MR*, RTMRs, SERVTD_HASH) is a
 * digest [7, h'<48 bytes>'] (7 = sha-384 in the IANA Named Information Hash
 * Algorithm registry).  ATTRIBUTES and XFAM are 8-byte bstrs holding the
 * TDREPORT's bytes verbatim (little-endian).  Every byte is copied from the
 * TDREPORT as is; nothing is interpreted.
 *
 * Caller-given values: content_type (NULL selects "application/eat+cwt",
 * the EAT-in-CWT media type of RFC 9782), kid (opaque bstr: a key
 * identifier of the signing key, e.g. the leaf certificate's
 * SubjectKeyIdentifier), iss, sub, and profile: the eat_profile OID as its
 * DER content octets (the bytes after the 06 tag and length, as in RFC 9090
 * unwrapped OIDs), which this code emits as a bstr.
 *
 * Two phases, so that the kernel can sign with its own crypto:
 *   1. tdx_quote_doc_tbs() writes the COSE Sig_structure
 *      ["Signature1", h'a1013822', h'', << claims >>]; hash it with SHA-384
 *      and sign it with the P-384 key.
 *   2. tdx_quote_doc_build() writes the document around that signature.
 * Both return the number of bytes written, or a negative TDX_E* code:
 *   -TDX_EINVAL    bad params (a NULL pointer, an empty kid or profile, no
 *                  certificate or an empty one), sig NULL in _build(), or
 *                  buf NULL with cap != 0
 *   -TDX_ENOSPC    buf too small; nothing was written at or past buf[cap]
 *   -TDX_EOVERFLOW the result would not fit an int
 * With buf NULL and cap 0 nothing is written and the return value is the
 * size a buffer needs (sizing pass).
 *
 * Pure C, shared by the kernel modules, user-space tools and unit tests.
 */
#ifndef TDX_QUOTE_DOC_H
#define TDX_QUOTE_DOC_H

#include "tdx_types.h"

/* TDREPORT (ABI.md section 6): offsets from the start of the 1024 bytes. */
#define TDX_REPORT_SIZE			1024
#define TDX_REPORT_DIGEST_SIZE		48	/* every MR*, RTMR, hash */
/* REPORTMACSTRUCT */
#define TDX_REPORT_MAC_STRUCT_OFF	0
#define TDX_REPORT_MAC_STRUCT_SIZE	256
#define TDX_REPORT_TYPE_OFF		0	/* type, subtype, version, 0 */
#define TDX_REPORT_TYPE_SIZE		4
#define TDX_REPORT_TYPE_TDX		0x81	/* byte 0 of the type */
#define TDX_REPORT_CPUSVN_OFF		16
#define TDX_REPORT_CPUSVN_SIZE		16
#define TDX_REPORT_TEE_TCB_INFO_HASH_OFF 32
#define TDX_REPORT_TEE_INFO_HASH_OFF	80
#define TDX_REPORT_REPORTDATA_OFF	128
#define TDX_REPORT_REPORTDATA_SIZE	64
#define TDX_REPORT_MAC_OFF		224
#define TDX_REPORT_MAC_SIZE		32
/* TEE_TCB_INFO */
#define TDX_REPORT_TEE_TCB_INFO_OFF	256
#define TDX_REPORT_TEE_TCB_INFO_SIZE	239
#define TDX_REPORT_TCB_VALID_OFF	(TDX_REPORT_TEE_TCB_INFO_OFF + 0)
#define TDX_REPORT_TCB_VALID_SIZE	8
#define TDX_REPORT_TEE_TCB_SVN_OFF	(TDX_REPORT_TEE_TCB_INFO_OFF + 8)
#define TDX_REPORT_TEE_TCB_SVN_SIZE	16
#define TDX_REPORT_MRSEAM_OFF		(TDX_REPORT_TEE_TCB_INFO_OFF + 24)
#define TDX_REPORT_MRSIGNERSEAM_OFF	(TDX_REPORT_TEE_TCB_INFO_OFF + 72)
#define TDX_REPORT_SEAM_ATTRIBUTES_OFF	(TDX_REPORT_TEE_TCB_INFO_OFF + 120)
#define TDX_REPORT_TEE_TCB_SVN2_OFF	(TDX_REPORT_TEE_TCB_INFO_OFF + 128)
#define TDX_REPORT_TEE_TCB_SVN2_SIZE	16
#define TDX_REPORT_ATTRIBUTES_SIZE	8
/* TDINFO */
#define TDX_REPORT_TDINFO_OFF		512
#define TDX_REPORT_TDINFO_SIZE		512
#define TDX_REPORT_TD_ATTRIBUTES_OFF	(TDX_REPORT_TDINFO_OFF + 0)
#define TDX_REPORT_XFAM_OFF		(TDX_REPORT_TDINFO_OFF + 8)
#define TDX_REPORT_XFAM_SIZE		8
#define TDX_REPORT_MRTD_OFF		(TDX_REPORT_TDINFO_OFF + 16)
#define TDX_REPORT_MRCONFIGID_OFF	(TDX_REPORT_TDINFO_OFF + 64)
#define TDX_REPORT_MROWNER_OFF		(TDX_REPORT_TDINFO_OFF + 112)
#define TDX_REPORT_MROWNERCONFIG_OFF	(TDX_REPORT_TDINFO_OFF + 160)
#define TDX_REPORT_NUM_RTMRS		4
#define TDX_REPORT_RTMR_OFF(i)		(TDX_REPORT_TDINFO_OFF + 208 + 48 * (i))
#define TDX_REPORT_SERVTD_HASH_OFF	(TDX_REPORT_TDINFO_OFF + 400)

/* The document's constants. */
#define TDX_QUOTE_DOC_TAG_CWT		61
#define TDX_QUOTE_DOC_TAG_COSE_SIGN1	18
#define TDX_QUOTE_DOC_TAG_CE		571	/* tagged-concise-evidence */
#define TDX_QUOTE_DOC_ALG_ES384		(-35)
#define TDX_QUOTE_DOC_DIGEST_SHA384	7	/* named-information hash id */
#define TDX_QUOTE_DOC_SIG_SIZE		96	/* r || s, 48 bytes each, BE */
#define TDX_QUOTE_DOC_CONTENT_TYPE	"application/eat+cwt"
#define TDX_QUOTE_DOC_ENV_VENDOR	"Intel Corporation"
#define TDX_QUOTE_DOC_MAX_LEN		0x7fffffff

struct tdx_quote_doc_params {
	const u8 *tdreport;		/* TDX_REPORT_SIZE bytes */
	const u8 *kid;			/* COSE kid (header 4) */
	size_t kid_len;
	const char *content_type;	/* header 3; NULL: the default above */
	const char *iss;		/* claim 1, NUL-terminated UTF-8 */
	const char *sub;		/* claim 2, NUL-terminated UTF-8 */
	const u8 *profile;		/* claim 265: OID content octets */
	size_t profile_len;
	const u8 *const *certs;		/* header 32 (x5bag): DER certs, */
	const size_t *cert_lens;	/* their lengths, */
	unsigned int n_certs;		/* and how many (at least one) */
};

int tdx_quote_doc_tbs(const struct tdx_quote_doc_params *p, u8 *buf,
		      size_t cap);
int tdx_quote_doc_build(const struct tdx_quote_doc_params *p, const u8 *sig,
			u8 *buf, size_t cap);

#endif /* TDX_QUOTE_DOC_H */
