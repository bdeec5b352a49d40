// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for src/common/tdx_x509.c: build a P-384 root CA,
 * intermediate CA and leaf, sign them with OpenSSL, and have OpenSSL (the
 * library and the openssl command) parse and verify them.
 */
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "unit.h"
#include "tdx_x509.h"

struct node {
	const char *cn;
	EVP_PKEY *key;
	uint8_t point[TDX_X509_P384_POINT_LEN];
	uint8_t kid[20];
	uint8_t tbs[1024];
	int tbs_len;
	uint8_t cert[1200];
	int cert_len;
	X509 *x509;
};

static const struct tdx_der_time t_2024 = { 2024, 1, 1, 0, 0, 0 };
static const struct tdx_der_time t_never = { 9999, 12, 31, 23, 59, 59 };

static int node_key(struct node *n)
{
	size_t len = 0;

	n->key = EVP_EC_gen("P-384");
	if (!n->key)
		return 0;
	if (!EVP_PKEY_get_octet_string_param(n->key,
					     OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
					     n->point, sizeof(n->point), &len))
		return 0;
	if (len != TDX_X509_P384_POINT_LEN || n->point[0] != 0x04)
		return 0;
	/* RFC 5280 4.2.1.2 method (1): SHA-1 of the public key bits. */
	return EVP_Digest(n->point, len, n->kid, NULL, EVP_sha1(), NULL);
}

/* ECDSA P-384 / SHA-384 over the TBS, as raw r || s. */
static int sign_raw(EVP_PKEY *key, const uint8_t *tbs, size_t tbs_len,
		    uint8_t sig[TDX_X509_P384_SIG_LEN])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t der[128];
	size_t der_len = sizeof(der);
	const unsigned char *p = der;
	ECDSA_SIG *es = NULL;
	const BIGNUM *r, *s;
	int ok = 0;

	if (!md || EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, key) != 1 ||
	    EVP_DigestSign(md, der, &der_len, tbs, tbs_len) != 1)
		goto out;
	es = d2i_ECDSA_SIG(NULL, &p, der_len);
	if (!es || p != der + der_len)
		goto out;
	ECDSA_SIG_get0(es, &r, &s);
	ok = BN_bn2binpad(r, sig, 48) == 48 &&
	     BN_bn2binpad(s, sig + 48, 48) == 48;
out:
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(md);
	return ok;
}

/* Build, sign and parse n's certificate, issued by iss (n itself: root). */
static int issue(struct node *n, struct node *iss, int ca, int path_len,
		 uint8_t serial_top)
{
	struct tdx_x509_attr subj[] = {
		{ TDX_X509_ATTR_C, "US" },
		{ TDX_X509_ATTR_O, "tdx-ext test" },
		{ TDX_X509_ATTR_OU, "DICE" },
		{ TDX_X509_ATTR_CN, n->cn },
		{ TDX_X509_ATTR_SERIAL, "0123456789ABCDEF" },
	};
	struct tdx_x509_attr isub[] = {
		{ TDX_X509_ATTR_C, "US" },
		{ TDX_X509_ATTR_O, "tdx-ext test" },
		{ TDX_X509_ATTR_OU, "DICE" },
		{ TDX_X509_ATTR_CN, iss->cn },
		{ TDX_X509_ATTR_SERIAL, "0123456789ABCDEF" },
	};
	uint8_t serial[20], sig[TDX_X509_P384_SIG_LEN];
	struct tdx_x509_params p = {
		.serial = serial,
		.serial_len = sizeof(serial),
		.issuer = { isub, 5 },
		.subject = { subj, 5 },
		.not_before = t_2024,
		.not_after = t_never,
		.pubkey = n->point,
		.ski = n->kid,
		.ski_len = sizeof(n->kid),
		.aki = iss->kid,
		.aki_len = sizeof(iss->kid),
		.ca = ca,
		.path_len = path_len,
	};
	const unsigned char *q;
	int sz;

	memset(serial, 0x11, sizeof(serial));
	serial[0] = serial_top;
	sz = tdx_x509_tbs(NULL, 0, &p);
	n->tbs_len = tdx_x509_tbs(n->tbs, sizeof(n->tbs), &p);
	if (sz <= 0 || n->tbs_len != sz)
		return 0;
	if (!sign_raw(iss->key, n->tbs, n->tbs_len, sig))
		return 0;
	sz = tdx_x509_cert(NULL, 0, n->tbs, n->tbs_len, sig);
	n->cert_len = tdx_x509_cert(n->cert, sizeof(n->cert), n->tbs,
				    n->tbs_len, sig);
	if (sz <= 0 || n->cert_len != sz)
		return 0;
	q = n->cert;
	n->x509 = d2i_X509(NULL, &q, n->cert_len);
	return n->x509 && q == n->cert + n->cert_len;
}

static struct node root = { .cn = "TDX DICE Root" };
static struct node inter = { .cn = "TDX DICE Intermediate" };
static struct node leaf = { .cn = "TDX DICE Leaf" };
static int chain_ok;

static void chain_build(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	chain_ok = node_key(&root) && node_key(&inter) && node_key(&leaf) &&
		   issue(&root, &root, 1, 1, 0x01) &&
		   issue(&inter, &root, 1, 0, 0x02) &&
		   issue(&leaf, &inter, 0, -1, 0x7f);
}

TEST(build_and_parse)
{
	chain_build();
	CHECK(chain_ok);
}

static int subject_cn_is(X509 *x, const char *cn)
{
	char buf[128];
	int n = X509_NAME_get_text_by_NID(X509_get_subject_name(x),
					  NID_commonName, buf, sizeof(buf));

	return n == (int)strlen(cn) && !strcmp(buf, cn);
}

TEST(fields)
{
	chain_build();
	if (!chain_ok) {
		CHECK(chain_ok);
		return;
	}
	CHECK(subject_cn_is(root.x509, root.cn));
	CHECK(subject_cn_is(inter.x509, inter.cn));
	CHECK(subject_cn_is(leaf.x509, leaf.cn));
	CHECK(!X509_NAME_cmp(X509_get_issuer_name(leaf.x509),
			     X509_get_subject_name(inter.x509)));
	CHECK(!X509_NAME_cmp(X509_get_issuer_name(inter.x509),
			     X509_get_subject_name(root.x509)));
	CHECK_EQ(X509_get_version(leaf.x509), X509_VERSION_3);

	CHECK(X509_get_extension_flags(root.x509) & EXFLAG_CA);
	CHECK(X509_get_extension_flags(root.x509) & EXFLAG_SS);
	CHECK(X509_get_extension_flags(inter.x509) & EXFLAG_CA);
	CHECK(!(X509_get_extension_flags(leaf.x509) & EXFLAG_CA));
	CHECK(!(X509_get_extension_flags(leaf.x509) & EXFLAG_INVALID));
	CHECK_EQ(X509_check_ca(root.x509), 1);
	CHECK_EQ(X509_check_ca(inter.x509), 1);
	CHECK_EQ(X509_check_ca(leaf.x509), 0);
	CHECK_EQ(X509_get_pathlen(root.x509), 1);
	CHECK_EQ(X509_get_pathlen(inter.x509), 0);
	CHECK_EQ(X509_get_pathlen(leaf.x509), -1);

	CHECK_EQ(X509_get_key_usage(root.x509), KU_KEY_CERT_SIGN | KU_CRL_SIGN);
	CHECK_EQ(X509_get_key_usage(inter.x509),
		 KU_KEY_CERT_SIGN | KU_CRL_SIGN);
	CHECK_EQ(X509_get_key_usage(leaf.x509), KU_DIGITAL_SIGNATURE);

	CHECK_EQ(EVP_PKEY_eq(X509_get0_pubkey(root.x509), root.key), 1);
	CHECK_EQ(EVP_PKEY_eq(X509_get0_pubkey(inter.x509), inter.key), 1);
	CHECK_EQ(EVP_PKEY_eq(X509_get0_pubkey(leaf.x509), leaf.key), 1);

	CHECK_EQ(X509_get_signature_nid(leaf.x509), NID_ecdsa_with_SHA384);
	CHECK_EQ(ASN1_INTEGER_get(X509_get_serialNumber(leaf.x509)) != 0, 1);
	CHECK(!memcmp(ASN1_STRING_get0_data(X509_get0_subject_key_id(leaf.x509)),
		      leaf.kid, 20));
	CHECK(!memcmp(ASN1_STRING_get0_data(X509_get0_authority_key_id(leaf.x509)),
		      inter.kid, 20));
}

TEST(signatures)
{
	chain_build();
	if (!chain_ok) {
		CHECK(chain_ok);
		return;
	}
	CHECK_EQ(X509_verify(root.x509, root.key), 1);
	CHECK_EQ(X509_verify(inter.x509, root.key), 1);
	CHECK_EQ(X509_verify(leaf.x509, inter.key), 1);
	CHECK(X509_verify(leaf.x509, root.key) != 1);
}

/* Verify leaf against root with the intermediate untrusted, strictly. */
static int chain_verify(X509 *target, int *err)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	int ret = -1;

	if (store && ctx && untrusted && X509_STORE_add_cert(store, root.x509) &&
	    sk_X509_push(untrusted, inter.x509) &&
	    X509_STORE_CTX_init(ctx, store, target, untrusted)) {
		X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_X509_STRICT);
		ret = X509_verify_cert(ctx);
		*err = X509_STORE_CTX_get_error(ctx);
	}
	sk_X509_free(untrusted);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return ret;
}

TEST(chain_strict)
{
	int err = -1;

	chain_build();
	if (!chain_ok) {
		CHECK(chain_ok);
		return;
	}
	CHECK_EQ(chain_verify(leaf.x509, &err), 1);
	CHECK_EQ(err, X509_V_OK);
	CHECK_EQ(chain_verify(inter.x509, &err), 1);
	CHECK_EQ(err, X509_V_OK);
}

TEST(tampered_leaf_fails)
{
	uint8_t bad[sizeof(leaf.cert)];
	const unsigned char *q = bad;
	uint8_t *cn;
	X509 *x;
	int err = X509_V_OK;

	chain_build();
	if (!chain_ok) {
		CHECK(chain_ok);
		return;
	}
	/* Flip a byte of the subject CN inside the TBS: still parses. */
	memcpy(bad, leaf.cert, leaf.cert_len);
	cn = memmem(bad, leaf.cert_len, "Leaf", 4);
	CHECK(cn != NULL);
	if (!cn)
		return;
	*cn ^= 0x01;
	x = d2i_X509(NULL, &q, leaf.cert_len);
	CHECK(x != NULL);
	if (!x)
		return;
	CHECK(X509_verify(x, inter.key) != 1);
	CHECK(chain_verify(x, &err) != 1);
	CHECK_EQ(err, X509_V_ERR_CERT_SIGNATURE_FAILURE);
	X509_free(x);
}

static int write_pem(const char *path, X509 *x)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return 0;
	ok = PEM_write_X509(f, x);
	return fclose(f) == 0 && ok;
}

TEST(openssl_cli_verify)
{
	char dir[] = "/tmp/tdx_x509_XXXXXX";
	char root_pem[64], inter_pem[64], leaf_pem[64], cmd[512];
	int st;

	chain_build();
	if (!chain_ok) {
		CHECK(chain_ok);
		return;
	}
	CHECK(mkdtemp(dir) != NULL);
	snprintf(root_pem, sizeof(root_pem), "%s/root.pem", dir);
	snprintf(inter_pem, sizeof(inter_pem), "%s/inter.pem", dir);
	snprintf(leaf_pem, sizeof(leaf_pem), "%s/leaf.pem", dir);
	CHECK(write_pem(root_pem, root.x509));
	CHECK(write_pem(inter_pem, inter.x509));
	CHECK(write_pem(leaf_pem, leaf.x509));

	snprintf(cmd, sizeof(cmd),
		 "openssl verify -x509_strict -CAfile %s -untrusted %s %s >/dev/null",
		 root_pem, inter_pem, leaf_pem);
	st = system(cmd);
	CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* Without the intermediate the leaf does not chain. */
	snprintf(cmd, sizeof(cmd),
		 "openssl verify -x509_strict -CAfile %s %s >/dev/null 2>&1",
		 root_pem, leaf_pem);
	st = system(cmd);
	CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) != 0);

	CHECK(!unlink(root_pem));
	CHECK(!unlink(inter_pem));
	CHECK(!unlink(leaf_pem));
	CHECK(!rmdir(dir));
}

/* A valid parameter set to break one field at a time. */
static const struct tdx_x509_attr good_name[] = {
	{ TDX_X509_ATTR_CN, "x" },
	{ TDX_X509_ATTR_O, "y" },
};
static const uint8_t good_serial[] = { 0x42 };
static uint8_t good_point[TDX_X509_P384_POINT_LEN] = { 0x04 };
static const uint8_t good_kid[20];

static struct tdx_x509_params good_params(void)
{
	struct tdx_x509_params p = {
		.serial = good_serial,
		.serial_len = sizeof(good_serial),
		.issuer = { good_name, 2 },
		.subject = { good_name, 2 },
		.not_before = t_2024,
		.not_after = t_never,
		.pubkey = good_point,
		.ski = good_kid,
		.ski_len = sizeof(good_kid),
		.ca = true,
		.path_len = -1,
	};

	return p;
}

TEST(sizing_and_overflow)
{
	struct tdx_x509_params p = good_params();
	uint8_t buf[600], sig[TDX_X509_P384_SIG_LEN];
	int n, m, cap;

	n = tdx_x509_tbs(NULL, 0, &p);
	CHECK(n > 0 && n < (int)sizeof(buf));
	for (cap = 0; cap <= n; cap++) {
		memset(buf, 0xa5, sizeof(buf));
		CHECK_EQ(tdx_x509_tbs(buf, cap, &p),
			 cap == n ? n : -TDX_ENOSPC);
		CHECK_EQ(buf[cap], 0xa5);
	}

	memset(sig, 0x80, sizeof(sig));
	m = tdx_x509_cert(NULL, 0, buf, n, sig);
	CHECK(m > n);
	{
		uint8_t cert[700];

		for (cap = m - 3; cap <= m; cap++) {
			memset(cert, 0xa5, sizeof(cert));
			CHECK_EQ(tdx_x509_cert(cert, cap, buf, n, sig),
				 cap == m ? m : -TDX_ENOSPC);
			CHECK_EQ(cert[cap], 0xa5);
		}
		CHECK(!memcmp(cert + 4, buf, n));
	}
}

TEST(invalid_params)
{
	static const struct tdx_x509_attr bad_c[] = {
		{ TDX_X509_ATTR_C, "USA" },
	};
	static const struct tdx_x509_attr bad_printable[] = {
		{ TDX_X509_ATTR_SERIAL, "a_b" },
	};
	static const struct tdx_x509_attr empty[] = {
		{ TDX_X509_ATTR_CN, "" },
	};
	static const uint8_t zero_serial[] = { 0, 0 };
	static const uint8_t big_serial[20] = { 0x80 };
	static const uint8_t ok_serial[21] = { 0, 0x7f };
	uint8_t bad_point[TDX_X509_P384_POINT_LEN] = { 0x02 };
	uint8_t sig[TDX_X509_P384_SIG_LEN] = { 0 };
	struct tdx_x509_params p;

	p = good_params();
	CHECK(tdx_x509_tbs(NULL, 0, &p) > 0);
	p.serial = ok_serial;
	p.serial_len = sizeof(ok_serial);
	CHECK(tdx_x509_tbs(NULL, 0, &p) > 0);

	CHECK_EQ(tdx_x509_tbs(NULL, 0, NULL), -TDX_EINVAL);
	p = good_params();
	p.serial = zero_serial;
	p.serial_len = sizeof(zero_serial);
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p.serial = big_serial;
	p.serial_len = sizeof(big_serial);
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p = good_params();
	p.subject = (struct tdx_x509_name){ bad_c, 1 };
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p.subject = (struct tdx_x509_name){ bad_printable, 1 };
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p.subject = (struct tdx_x509_name){ empty, 1 };
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p.subject = (struct tdx_x509_name){ good_name, 0 };
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p = good_params();
	p.pubkey = bad_point;
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p = good_params();
	p.not_after = (struct tdx_der_time){ 2023, 12, 31, 0, 0, 0 };
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p.not_before = (struct tdx_der_time){ 2023, 2, 30, 0, 0, 0 };
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p = good_params();
	p.ski_len = 0;
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p = good_params();
	p.ca = false;
	p.path_len = 0;
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p = good_params();
	p.key_usage = TDX_X509_KU_DIGITAL_SIGNATURE;
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);
	p.key_usage = 0x200;
	CHECK_EQ(tdx_x509_tbs(NULL, 0, &p), -TDX_EINVAL);

	CHECK_EQ(tdx_x509_cert(NULL, 0, NULL, 10, sig), -TDX_EINVAL);
	CHECK_EQ(tdx_x509_cert(NULL, 0, (const uint8_t *)"\x04\x00", 2, sig),
		 -TDX_EINVAL);
	CHECK_EQ(tdx_x509_cert(NULL, 0, (const uint8_t *)"\x30\x00", 2, NULL),
		 -TDX_EINVAL);
}

/* Free the chain when the process ends, for LeakSanitizer. */
__attribute__((destructor)) static void chain_free(void)
{
	struct node *n[] = { &root, &inter, &leaf };
	size_t i;

	for (i = 0; i < 3; i++) {
		X509_free(n[i]->x509);
		EVP_PKEY_free(n[i]->key);
	}
}

UNIT_MAIN("x509")
