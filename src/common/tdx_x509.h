/* SPDX-License-Identifier: GPL-2.0 */
/*
 * X.509 v3 certificates (RFC 5280) for a P-384 DICE chain: root CA,
 * intermediate CA(s) and leaf, all ECDSA P-384 with SHA-384.
 *
 * Everything is supplied by the caller: serial, names, validity, public
 * key, key identifiers and the signature.  Nothing here hashes or signs.
 * The caller builds the TBSCertificate with tdx_x509_tbs(), signs it
 * (ECDSA P-384 over SHA-384 of exactly those bytes) and joins both with
 * tdx_x509_cert().
 *
 * Both return the encoded length, or a negative TDX_E* code: -TDX_EINVAL
 * for bad parameters, -TDX_ENOSPC when buf (cap bytes) is too small.
 * With buf NULL they only compute the length (the sizing pass).
 *
 * Optional extensions for a DICE chain: extendedKeyUsage (RFC 5280
 * 4.2.1.12) and the TCG DICE Attestation Architecture's tcg-dice-TcbInfo
 * and tcg-dice-Ueid, within the bounds a verifier applies to them
 * (docs/verifier.md steps 16-17, 19): a parameter outside them is
 * -TDX_EINVAL, so that nothing is encoded that our own verifier refuses.
 */
#ifndef TDX_X509_H
#define TDX_X509_H

#include "tdx_der.h"

#define TDX_X509_P384_BYTES	48
/* Uncompressed point 0x04 || X || Y */
#define TDX_X509_P384_POINT_LEN	(1 + 2 * TDX_X509_P384_BYTES)
/* Raw signature r || s, each big-endian */
#define TDX_X509_P384_SIG_LEN	(2 * TDX_X509_P384_BYTES)
#define TDX_X509_SERIAL_MAX	20	/* octets, as INTEGER content */
#define TDX_X509_KEY_ID_MAX	64
#define TDX_X509_NAME_MAX_ATTRS	8
#define TDX_X509_ATTR_MAX_LEN	64	/* characters (bytes) per value */
#define TDX_X509_OID_MAX	32	/* OID content octets */
#define TDX_X509_EKU_MAX	8	/* key purposes */
#define TDX_X509_TCB_STR_MAX	255	/* bytes of vendor, model, version */
#define TDX_X509_TCB_INT_MAX	0x7fffffffffffffffull	/* svn, layer, index */
#define TDX_X509_FWID_MAX	4
#define TDX_X509_DIGEST_MAX	64	/* bytes of an FWID's digest */
#define TDX_X509_UEID_MAX	64

/* KeyUsage bits (RFC 5280 4.2.1.3): named bit n is value 1 << n. */
#define TDX_X509_KU_DIGITAL_SIGNATURE	0x001u	/* bit 0 */
#define TDX_X509_KU_KEY_CERT_SIGN	0x020u	/* bit 5 */
#define TDX_X509_KU_CRL_SIGN		0x040u	/* bit 6 */
#define TDX_X509_KU_ALL			0x1ffu

enum tdx_x509_attr_type {
	TDX_X509_ATTR_CN,	/* commonName, UTF8String */
	TDX_X509_ATTR_O,	/* organizationName, UTF8String */
	TDX_X509_ATTR_OU,	/* organizationalUnitName, UTF8String */
	TDX_X509_ATTR_C,	/* countryName, 2-letter PrintableString */
	TDX_X509_ATTR_SERIAL,	/* serialNumber, PrintableString */
};

struct tdx_x509_attr {
	enum tdx_x509_attr_type type;
	const char *value;	/* NUL-terminated, 1..64 bytes, valid UTF-8 */
};

/* A Name: each attribute its own RDN, in the order given. */
struct tdx_x509_name {
	const struct tdx_x509_attr *attrs;
	unsigned int count;	/* 1..TDX_X509_NAME_MAX_ATTRS */
};

/*
 * An OBJECT IDENTIFIER as its DER content octets (the bytes after the 06
 * tag and length), 1..TDX_X509_OID_MAX bytes, each arc minimal base-128.
 */
struct tdx_x509_oid {
	const u8 *oid;
	size_t len;
};

/* extendedKeyUsage ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId */
struct tdx_x509_eku {
	const struct tdx_x509_oid *purposes;
	unsigned int count;	/* 1..TDX_X509_EKU_MAX */
	bool critical;
};

/* FWID ::= SEQUENCE { hashAlg OBJECT IDENTIFIER, digest OCTET STRING } */
struct tdx_x509_fwid {
	struct tdx_x509_oid hash_alg;
	const u8 *digest;
	size_t digest_len;	/* 1..TDX_X509_DIGEST_MAX */
};

/*
 * tcg-dice-TcbInfo (2.23.133.5.4.1), always marked critical, as a DICE
 * layer marks what it certifies.  Every field is optional; one left
 * zero-initialised is absent.  Encoded as a SEQUENCE of the present
 * fields, IMPLICIT context tags in increasing order: [0] vendor, [1]
 * model, [2] version (UTF8String), [3] svn, [4] layer, [5] index
 * (INTEGER), [6] fwids (SEQUENCE OF FWID), [7] flags (BIT STRING).
 */
struct tdx_x509_tcb_info {
	const char *vendor;	/* NULL, or 1..255 bytes of strict UTF-8 */
	const char *model;	/* likewise */
	const char *version;	/* likewise */
	bool has_svn, has_layer, has_index;
	u64 svn, layer, index;	/* 0..TDX_X509_TCB_INT_MAX each */
	const struct tdx_x509_fwid *fwids;
	unsigned int n_fwids;	/* 0: none; 1..TDX_X509_FWID_MAX */
	bool has_flags;
	/*
	 * OperationalFlags, a named-bit list (bit n = 1 << n: notConfigured
	 * 0, notSecure 1, recovery 2, debug 3, ...), encoded minimal: the
	 * trailing zero bits dropped, as DER wants.
	 */
	u32 flags;
};

/* tcg-dice-Ueid (2.23.133.5.4.4) ::= SEQUENCE { ueid OCTET STRING } */
struct tdx_x509_ueid {
	const u8 *ueid;
	size_t len;		/* 1..TDX_X509_UEID_MAX */
	bool critical;
};

struct tdx_x509_params {
	/* Big-endian, positive, at most 20 octets encoded (top bit clear if
	 * 20 significant bytes); leading zero bytes are dropped.
	 */
	const u8 *serial;
	size_t serial_len;
	struct tdx_x509_name issuer;
	struct tdx_x509_name subject;
	struct tdx_der_time not_before;
	/* 9999-12-31 23:59:59 means "no well-defined expiration" */
	struct tdx_der_time not_after;
	const u8 *pubkey;	/* TDX_X509_P384_POINT_LEN bytes */
	const u8 *ski;		/* subjectKeyIdentifier, 1..64 bytes */
	size_t ski_len;
	const u8 *aki;		/* authorityKeyIdentifier; NULL: omitted */
	size_t aki_len;
	bool ca;		/* basicConstraints cA */
	int path_len;		/* CA's pathLenConstraint; < 0: none */
	/* TDX_X509_KU_* bits; 0: keyCertSign|cRLSign for a CA, else
	 * digitalSignature.  A CA's must include keyCertSign.
	 */
	u32 key_usage;
	const struct tdx_x509_eku *eku;		/* NULL: none */
	const struct tdx_x509_tcb_info *tcb_info;	/* NULL: none */
	const struct tdx_x509_ueid *ueid;	/* NULL: none */
};

/*
 * Write the DER TBSCertificate for p: version 3, ecdsa-with-SHA384,
 * id-ecPublicKey on secp384r1, and the extensions, in this order:
 * basicConstraints (critical), keyUsage (critical), extendedKeyUsage if
 * p->eku, subjectKeyIdentifier, authorityKeyIdentifier if p->aki,
 * tcg-dice-TcbInfo (critical) if p->tcb_info, tcg-dice-Ueid if p->ueid.
 */
int tdx_x509_tbs(u8 *buf, size_t cap, const struct tdx_x509_params *p);

/*
 * Write Certificate ::= SEQUENCE { tbs, ecdsa-with-SHA384, BIT STRING
 * { Ecdsa-Sig-Value } } from tbs_len bytes at tbs (a DER SEQUENCE, not
 * overlapping buf) and the signature sig (r || s, TDX_X509_P384_SIG_LEN).
 */
int tdx_x509_cert(u8 *buf, size_t cap, const u8 *tbs, size_t tbs_len,
		  const u8 *sig);

#endif /* TDX_X509_H */
