// SPDX-License-Identifier: GPL-2.0
/*
 * The simulator's crypto: SHA-384 and HMAC-SHA384 through the crypto API,
 * P-384 ECDSA of its own (crypto/ecc.c gives the curve) with deterministic
 * nonces (RFC 6979, HMAC-SHA384), resumable a step at a time.
 *
 * Not constant time: the simulator is a test instrument, not a security
 * boundary, and its keys protect nothing.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/ecc_curve.h>
#include <crypto/ecdh.h>
#include <crypto/hash.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tdx_compat.h"

#include "sim.h"

/* Allocated once at load; used under sim.lock. */
static struct crypto_shash *sha_tfm, *hmac_tfm;
static struct shash_desc *sha_desc, *hmac_desc;
static const struct ecc_curve *p384;

static struct shash_desc *alloc_desc(struct crypto_shash *tfm)
{
	struct shash_desc *d;

	d = kzalloc(sizeof(*d) + crypto_shash_descsize(tfm), GFP_KERNEL);
	if (d)
		d->tfm = tfm;
	return d;
}

int sim_sha384(const void *data, size_t len, u8 *out)
{
	return crypto_shash_digest(sha_desc, data, len, out);
}

/* HMAC-SHA384(key, a || b); b may be NULL. */
int sim_hmac384(const u8 *key, size_t klen, const void *a, size_t alen,
		const void *b, size_t blen, u8 *out)
{
	int ret;

	ret = crypto_shash_setkey(hmac_tfm, key, klen);
	if (!ret)
		ret = crypto_shash_init(hmac_desc);
	if (!ret)
		ret = crypto_shash_update(hmac_desc, a, alen);
	if (!ret && b)
		ret = crypto_shash_update(hmac_desc, b, blen);
	if (!ret)
		ret = crypto_shash_final(hmac_desc, out);
	return ret;
}

/*
 * P-384 arithmetic of our own, so that a signature can be made a piece at
 * a time: TDH.QUOTE.GET returns TDX_INTERRUPTED_RESUMABLE after slice_us
 * like the rest of the simulator, instead of holding the CPU for a whole
 * scalar multiplication (crypto/ecc.c's ecc_point_mult_shamir() is one
 * call: 12 ms of a 1-instruction-per-ns guest, 120 slices).  Field and
 * scalar arithmetic in Montgomery form (R = 2^384, word-by-word
 * reduction), Jacobian points with a = -3 (doubling dbl-2001-b, mixed
 * addition madd-2007-bl of the Explicit-Formulas Database), inverses by
 * Fermat's little theorem.  crypto/ecc.c gives the curve's constants.
 */
#define ND	SIM_P384_DIGITS

/* Arithmetic modulo m, an odd modulus above 2^383 (P-384's p and n). */
struct mont {
	u64 m[ND];
	u64 minv;		/* -m^-1 mod 2^64 */
	u64 one[ND];		/* R mod m: 1 in Montgomery form */
	u64 r2[ND];		/* R^2 mod m */
	u64 m_2[ND];		/* m - 2: a^(m-2) = a^-1 */
};

/* Set at load, read-only after: mod p, mod n, and G (Montgomery, mod p). */
static struct mont fp, fn;
static u64 gx[ND], gy[ND];

static bool v_is_zero(const u64 *a)
{
	u64 acc = 0;
	int i;

	for (i = 0; i < ND; i++)
		acc |= a[i];
	return !acc;
}

static int v_cmp(const u64 *a, const u64 *b)
{
	int i;

	for (i = ND - 1; i >= 0; i--) {
		if (a[i] != b[i])
			return a[i] > b[i] ? 1 : -1;
	}
	return 0;
}

/* r = a + b; returns the carry out */
static u64 v_add(u64 *r, const u64 *a, const u64 *b)
{
	unsigned __int128 c = 0;
	int i;

	for (i = 0; i < ND; i++) {
		c += (unsigned __int128)a[i] + b[i];
		r[i] = (u64)c;
		c >>= 64;
	}
	return (u64)c;
}

/* r = a - b; returns the borrow out */
static u64 v_sub(u64 *r, const u64 *a, const u64 *b)
{
	u64 borrow = 0, ai, bi, d;
	int i;

	for (i = 0; i < ND; i++) {	/* r may be a or b */
		ai = a[i];
		bi = b[i];
		d = ai - bi;
		r[i] = d - borrow;
		borrow = (ai < bi) | (d < borrow);
	}
	return borrow;
}

static bool v_bit(const u64 *a, int bit)
{
	return (a[bit / 64] >> (bit % 64)) & 1;
}

/* The index of the top set bit; -1 for zero. */
static int v_top_bit(const u64 *a)
{
	int i;

	for (i = ND - 1; i >= 0; i--) {
		if (a[i])
			return i * 64 + 63 - __builtin_clzll(a[i]);
	}
	return -1;
}

static void v_from_be(u64 *digits, const u8 *be)
{
	int i;

	for (i = 0; i < ND; i++)
		digits[ND - 1 - i] = get_unaligned_be64(be + 8 * i);
}

static void p384_to_be(const u64 *digits, u8 *out)
{
	int i;

	for (i = 0; i < ND; i++)
		put_unaligned_be64(digits[ND - 1 - i], out + 8 * i);
}

/* r = a + b mod m, for a, b < m */
static void m_add(u64 *r, const u64 *a, const u64 *b, const struct mont *m)
{
	if (v_add(r, a, b) || v_cmp(r, m->m) >= 0)
		v_sub(r, r, m->m);
}

/* r = a - b mod m, for a, b < m */
static void m_sub(u64 *r, const u64 *a, const u64 *b, const struct mont *m)
{
	if (v_sub(r, a, b))
		v_add(r, r, m->m);
}

/* r = a b R^-1 mod m, for a, b < m; r may be a or b */
static void m_mul(u64 *r, const u64 *a, const u64 *b, const struct mont *m)
{
	u64 t[ND + 2] = { 0 }, q;
	unsigned __int128 c;
	int i, j;

	for (i = 0; i < ND; i++) {
		c = 0;
		for (j = 0; j < ND; j++) {
			c += (unsigned __int128)a[j] * b[i] + t[j];
			t[j] = (u64)c;
			c >>= 64;
		}
		c += t[ND];
		t[ND] = (u64)c;
		t[ND + 1] = (u64)(c >> 64);

		q = t[0] * m->minv;
		c = (unsigned __int128)q * m->m[0] + t[0];
		c >>= 64;
		for (j = 1; j < ND; j++) {
			c += (unsigned __int128)q * m->m[j] + t[j];
			t[j - 1] = (u64)c;
			c >>= 64;
		}
		c += t[ND];
		t[ND - 1] = (u64)c;
		t[ND] = t[ND + 1] + (u64)(c >> 64);
	}
	/* t < 2m */
	if (t[ND] || v_cmp(t, m->m) >= 0)
		v_sub(t, t, m->m);
	memcpy(r, t, ND * sizeof(u64));
}

static void to_mont(u64 *r, const u64 *a, const struct mont *m)
{
	m_mul(r, a, m->r2, m);
}

static void from_mont(u64 *r, const u64 *a, const struct mont *m)
{
	static const u64 one[ND] = { 1 };

	m_mul(r, a, one, m);
}

static int mont_init(struct mont *m, const u64 *mod)
{
	static const u64 zero[ND], two[ND] = { 2 };
	u64 inv = mod[0];
	int i;

	if (!(mod[0] & 1) || !(mod[ND - 1] >> 63))
		return -EINVAL;
	memcpy(m->m, mod, sizeof(m->m));
	/* Newton: each round doubles the correct low bits (3 to start) */
	for (i = 0; i < 5; i++)
		inv *= 2 - mod[0] * inv;
	m->minv = -inv;
	v_sub(m->one, zero, mod);		/* 2^384 - m, as m > 2^383 */
	memcpy(m->r2, m->one, sizeof(m->r2));
	for (i = 0; i < 64 * ND; i++)		/* R * 2^384 mod m */
		m_add(m->r2, m->r2, m->r2, m);
	v_sub(m->m_2, mod, two);
	return 0;
}

/*
 * acc = base^(m - 2) mod m, Montgomery form, eight exponent bits per
 * step: a modular inverse in about 100 steps.
 */
struct mpow {
	u64 base[ND], acc[ND];
	int bit;
};

static void mpow_start(struct mpow *p, const u64 *base, const struct mont *m)
{
	memcpy(p->base, base, sizeof(p->base));
	memcpy(p->acc, m->one, sizeof(p->acc));
	p->bit = 64 * ND - 1;
}

static bool mpow_step(struct mpow *p, const struct mont *m)
{
	int stop = max(p->bit - 8, -1);

	for (; p->bit > stop; p->bit--) {
		m_mul(p->acc, p->acc, p->acc, m);
		if (v_bit(m->m_2, p->bit))
			m_mul(p->acc, p->acc, p->base, m);
	}
	return p->bit < 0;
}

/* (x, y, z) = 2 (x, y, z), Jacobian, Montgomery form */
static void pt_double(u64 *x, u64 *y, u64 *z)
{
	u64 delta[ND], gamma[ND], beta[ND], alpha[ND], t1[ND], t2[ND];

	m_mul(delta, z, z, &fp);
	m_mul(gamma, y, y, &fp);
	m_mul(beta, x, gamma, &fp);
	m_sub(t1, x, delta, &fp);
	m_add(t2, x, delta, &fp);
	m_mul(alpha, t1, t2, &fp);
	m_add(t1, alpha, alpha, &fp);
	m_add(alpha, t1, alpha, &fp);		/* 3 (x - delta)(x + delta) */
	/* z' = (y + z)^2 - gamma - delta */
	m_add(t1, y, z, &fp);
	m_mul(t1, t1, t1, &fp);
	m_sub(t1, t1, gamma, &fp);
	m_sub(z, t1, delta, &fp);
	/* x' = alpha^2 - 8 beta */
	m_add(beta, beta, beta, &fp);
	m_add(beta, beta, beta, &fp);		/* 4 beta */
	m_add(t2, beta, beta, &fp);
	m_mul(t1, alpha, alpha, &fp);
	m_sub(x, t1, t2, &fp);
	/* y' = alpha (4 beta - x') - 8 gamma^2 */
	m_sub(t1, beta, x, &fp);
	m_mul(t1, alpha, t1, &fp);
	m_mul(gamma, gamma, gamma, &fp);
	m_add(gamma, gamma, gamma, &fp);
	m_add(gamma, gamma, gamma, &fp);
	m_add(gamma, gamma, gamma, &fp);
	m_sub(y, t1, gamma, &fp);
}

/*
 * (x, y, z) += G, Jacobian plus affine.  False when (x, y, z) is G or -G,
 * which these formulas cannot add and a scalar below n never reaches.
 */
static bool pt_add_g(u64 *x, u64 *y, u64 *z)
{
	u64 z1z1[ND], u2[ND], s2[ND], h[ND], hh[ND], i4[ND], j[ND], r[ND];
	u64 v[ND], t[ND], x3[ND];

	m_mul(z1z1, z, z, &fp);
	m_mul(u2, gx, z1z1, &fp);
	m_mul(s2, z, z1z1, &fp);
	m_mul(s2, gy, s2, &fp);
	m_sub(h, u2, x, &fp);
	if (v_is_zero(h))
		return false;
	m_mul(hh, h, h, &fp);
	m_add(i4, hh, hh, &fp);
	m_add(i4, i4, i4, &fp);			/* 4 h^2 */
	m_mul(j, h, i4, &fp);
	m_sub(r, s2, y, &fp);
	m_add(r, r, r, &fp);
	m_mul(v, x, i4, &fp);
	/* x' = r^2 - j - 2 v */
	m_mul(t, r, r, &fp);
	m_sub(t, t, j, &fp);
	m_sub(t, t, v, &fp);
	m_sub(x3, t, v, &fp);
	/* y' = r (v - x') - 2 y j */
	m_sub(v, v, x3, &fp);
	m_mul(v, r, v, &fp);
	m_mul(t, y, j, &fp);
	m_add(t, t, t, &fp);
	m_sub(y, v, t, &fp);
	/* z' = (z + h)^2 - z1z1 - hh */
	m_add(t, z, h, &fp);
	m_mul(t, t, t, &fp);
	m_sub(t, t, z1z1, &fp);
	m_sub(z, t, hh, &fp);
	memcpy(x, x3, sizeof(x3));
	return true;
}

/* 1 <= k < n */
static bool p384_scalar_ok(const u64 *k)
{
	return !v_is_zero(k) && v_cmp(k, fn.m) < 0;
}

/*
 * k G, a step at a time: one bit of k (a doubling and perhaps an
 * addition) per step while on the ladder, then eight bits of the
 * inversion of z; x and y affine and plain when done.
 */
struct p384_mul {
	u64 x[ND], y[ND], z[ND];
	u64 k[ND];
	struct mpow zinv;
	int bit;
	bool inverting;
};

static void mul_start(struct p384_mul *s, const u64 *k)
{
	memcpy(s->k, k, sizeof(s->k));
	memcpy(s->x, gx, sizeof(s->x));
	memcpy(s->y, gy, sizeof(s->y));
	memcpy(s->z, fp.one, sizeof(s->z));
	s->bit = v_top_bit(k) - 1;
	s->inverting = false;
}

/* 1 done, 0 more steps, -EAGAIN the ladder met G or -G */
static int mul_step(struct p384_mul *s)
{
	u64 t[ND];

	if (!s->inverting) {
		if (s->bit >= 0) {
			pt_double(s->x, s->y, s->z);
			if (v_bit(s->k, s->bit) && !pt_add_g(s->x, s->y, s->z))
				return -EAGAIN;
			s->bit--;
			return 0;
		}
		mpow_start(&s->zinv, s->z, &fp);
		s->inverting = true;
		return 0;
	}
	if (!mpow_step(&s->zinv, &fp))
		return 0;
	m_mul(t, s->zinv.acc, s->zinv.acc, &fp);	/* z^-2 */
	m_mul(s->x, s->x, t, &fp);
	m_mul(t, t, s->zinv.acc, &fp);			/* z^-3 */
	m_mul(s->y, s->y, t, &fp);
	from_mont(s->x, s->x, &fp);
	from_mont(s->y, s->y, &fp);
	return 1;
}

static int p384_mul_g(const u64 *k, u64 *x, u64 *y)
{
	struct p384_mul *s = kzalloc(sizeof(*s), GFP_KERNEL);
	int ret;

	if (!s)
		return -ENOMEM;
	mul_start(s, k);
	do {
		ret = mul_step(s);
	} while (!ret);
	if (ret > 0) {
		memcpy(x, s->x, sizeof(s->x));
		memcpy(y, s->y, sizeof(s->y));
		ret = 0;
	}
	kfree_sensitive(s);
	return ret;
}

static int p384_set_pub(struct sim_p384_key *key)
{
	u64 x[ND], y[ND];
	u8 h[SIM_P384_BYTES];
	int ret;

	ret = p384_mul_g(key->d, x, y);
	if (ret)
		return ret;
	key->pub[0] = 0x04;
	p384_to_be(x, key->pub + 1);
	p384_to_be(y, key->pub + 1 + SIM_P384_BYTES);
	ret = sim_sha384(key->pub, sizeof(key->pub), h);
	memcpy(key->keyid, h, sizeof(key->keyid));
	return ret;
}

/* A private key from HMAC-SHA384(secret, label || counter), 1 <= d < n. */
int sim_p384_derive(const u8 *secret, const char *label,
		    struct sim_p384_key *key)
{
	u8 buf[SIM_P384_BYTES];
	__be32 ctr;
	u32 i;
	int ret;

	for (i = 0; i < 16; i++) {
		ctr = cpu_to_be32(i);
		ret = sim_hmac384(secret, SIM_SECRET_BYTES, label, strlen(label),
				  &ctr, sizeof(ctr), buf);
		if (ret)
			return ret;
		v_from_be(key->d, buf);
		if (p384_scalar_ok(key->d))
			break;
	}
	memzero_explicit(buf, sizeof(buf));
	if (i == 16)
		return -EAGAIN;
	return p384_set_pub(key);
}

/*
 * An ECDSA P-384 signature of a SHA-384 hash in steps, r || s big-endian,
 * with the nonce of RFC 6979 section 3.2 (qlen = hlen = 384, so bits2int
 * is the identity and one HMAC output is one candidate).
 */
enum sign_phase { SIGN_NONCE, SIGN_MUL, SIGN_KINV };

struct sim_p384_sign {
	enum sign_phase phase;
	unsigned int tries;
	u64 d[ND], e[ND], k[ND], r[ND];
	struct p384_mul mul;
	struct mpow kinv;
	u8 v[SIM_P384_BYTES], kk[SIM_P384_BYTES];
	u8 msg[SIM_P384_BYTES + 1 + 2 * SIM_P384_BYTES];
};

/* K = HMAC_K(V || sep [|| x || h]), V = HMAC_K(V) */
static int rfc6979_update(struct sim_p384_sign *w, u8 sep, bool with_xh)
{
	size_t len = with_xh ? sizeof(w->msg) : SIM_P384_BYTES + 1;
	int ret;

	memcpy(w->msg, w->v, sizeof(w->v));
	w->msg[SIM_P384_BYTES] = sep;
	ret = sim_hmac384(w->kk, sizeof(w->kk), w->msg, len, NULL, 0, w->kk);
	if (!ret)
		ret = sim_hmac384(w->kk, sizeof(w->kk), w->v, sizeof(w->v),
				  NULL, 0, w->v);
	return ret;
}

struct sim_p384_sign *sim_p384_sign_start(const struct sim_p384_key *key,
					  const u8 *hash)
{
	struct sim_p384_sign *w = kzalloc(sizeof(*w), GFP_KERNEL);

	if (!w)
		return NULL;
	memcpy(w->d, key->d, sizeof(w->d));
	v_from_be(w->e, hash);
	if (v_cmp(w->e, fn.m) >= 0)
		v_sub(w->e, w->e, fn.m);
	/* steps b-g: V = 0x01..., K = 0x00..., rounds with 0x00 and 0x01 */
	memset(w->v, 0x01, sizeof(w->v));
	p384_to_be(w->d, w->msg + SIM_P384_BYTES + 1);
	p384_to_be(w->e, w->msg + 2 * SIM_P384_BYTES + 1);
	if (rfc6979_update(w, 0x00, true) || rfc6979_update(w, 0x01, true)) {
		sim_p384_sign_free(w);
		return NULL;
	}
	w->phase = SIGN_NONCE;
	return w;
}

void sim_p384_sign_free(struct sim_p384_sign *w)
{
	kfree_sensitive(w);
}

/* The candidate failed (r or s is 0): the next one, RFC 6979 step h.3. */
static int next_nonce(struct sim_p384_sign *w)
{
	w->phase = SIGN_NONCE;
	return rfc6979_update(w, 0x00, false);
}

int sim_p384_sign_step(struct sim_p384_sign *w, u8 *sig)
{
	u64 t[ND], s[ND];
	int ret;

	switch (w->phase) {
	case SIGN_NONCE:	/* step h: one HMAC output is a whole candidate */
		if (w->tries++ == 64)
			return -EAGAIN;
		ret = sim_hmac384(w->kk, sizeof(w->kk), w->v, sizeof(w->v),
				  NULL, 0, w->v);
		if (ret)
			return ret;
		v_from_be(w->k, w->v);
		if (!p384_scalar_ok(w->k))
			return next_nonce(w);
		mul_start(&w->mul, w->k);
		w->phase = SIGN_MUL;
		return 0;
	case SIGN_MUL:		/* r = x(k G) mod n */
		ret = mul_step(&w->mul);
		if (ret <= 0)
			return ret;
		memcpy(w->r, w->mul.x, sizeof(w->r));
		if (v_cmp(w->r, fn.m) >= 0)
			v_sub(w->r, w->r, fn.m);
		if (v_is_zero(w->r))
			return next_nonce(w);
		to_mont(t, w->k, &fn);
		mpow_start(&w->kinv, t, &fn);
		w->phase = SIGN_KINV;
		return 0;
	case SIGN_KINV:		/* s = k^-1 (e + r d) mod n */
		if (!mpow_step(&w->kinv, &fn))
			return 0;
		to_mont(t, w->r, &fn);
		m_mul(t, t, w->d, &fn);			/* r d */
		m_add(t, t, w->e, &fn);
		m_mul(s, w->kinv.acc, t, &fn);		/* k^-1 (e + r d) */
		if (v_is_zero(s))
			return next_nonce(w);
		p384_to_be(w->r, sig);
		p384_to_be(s, sig + SIM_P384_BYTES);
		return 1;
	}
	return -EINVAL;
}

/* The whole signature at once (QUOTE.INIT's certificates, the self-test). */
int sim_p384_sign(const struct sim_p384_key *key, const u8 *hash, u8 *sig)
{
	struct sim_p384_sign *w = sim_p384_sign_start(key, hash);
	int ret;

	if (!w)
		return -ENOMEM;
	do {
		ret = sim_p384_sign_step(w, sig);
	} while (!ret);
	sim_p384_sign_free(w);
	return ret < 0 ? ret : 0;
}

int sim_crypto_init(void)
{
	int ret;

	p384 = ecc_get_curve(ECC_CURVE_NIST_P384);
	if (!p384 || p384->g.ndigits != SIM_P384_DIGITS ||
	    mont_init(&fp, p384->p) || mont_init(&fn, p384->n)) {
		pr_err("P-384 is not available from crypto/ecc\n");
		return -ENOENT;
	}
	to_mont(gx, p384->g.x, &fp);
	to_mont(gy, p384->g.y, &fp);
	sha_tfm = crypto_alloc_shash("sha384", 0, 0);
	if (IS_ERR(sha_tfm)) {
		ret = PTR_ERR(sha_tfm);
		pr_err("cannot allocate sha384: %d\n", ret);
		goto err;
	}
	hmac_tfm = crypto_alloc_shash("hmac(sha384)", 0, 0);
	if (IS_ERR(hmac_tfm)) {
		ret = PTR_ERR(hmac_tfm);
		pr_err("cannot allocate hmac(sha384): %d\n", ret);
		goto err_sha;
	}
	ret = -ENOMEM;
	sha_desc = alloc_desc(sha_tfm);
	if (!sha_desc)
		goto err_hmac;
	hmac_desc = alloc_desc(hmac_tfm);
	if (!hmac_desc)
		goto err_desc;
	return 0;

err_desc:
	kfree(sha_desc);
err_hmac:
	crypto_free_shash(hmac_tfm);
err_sha:
	crypto_free_shash(sha_tfm);
err:
	sha_tfm = NULL;
	hmac_tfm = NULL;
	return ret;
}

void sim_crypto_exit(void)
{
	kfree_sensitive(hmac_desc);
	kfree_sensitive(sha_desc);
	crypto_free_shash(hmac_tfm);
	crypto_free_shash(sha_tfm);
}

/* RFC 6979 appendix A.2.6: P-384, SHA-384, message "sample". */
static const u8 kat_x[SIM_P384_BYTES] = {
	0x6b, 0x9d, 0x3d, 0xad, 0x2e, 0x1b, 0x8c, 0x1c, 0x05, 0xb1, 0x98, 0x75,
	0xb6, 0x65, 0x9f, 0x4d, 0xe2, 0x3c, 0x3b, 0x66, 0x7b, 0xf2, 0x97, 0xba,
	0x9a, 0xa4, 0x77, 0x40, 0x78, 0x71, 0x37, 0xd8, 0x96, 0xd5, 0x72, 0x4e,
	0x4c, 0x70, 0xa8, 0x25, 0xf8, 0x72, 0xc9, 0xea, 0x60, 0xd2, 0xed, 0xf5,
};

static const u8 kat_ux[SIM_P384_BYTES] = {
	0xec, 0x3a, 0x4e, 0x41, 0x5b, 0x4e, 0x19, 0xa4, 0x56, 0x86, 0x18, 0x02,
	0x9f, 0x42, 0x7f, 0xa5, 0xda, 0x9a, 0x8b, 0xc4, 0xae, 0x92, 0xe0, 0x2e,
	0x06, 0xaa, 0xe5, 0x28, 0x6b, 0x30, 0x0c, 0x64, 0xde, 0xf8, 0xf0, 0xea,
	0x90, 0x55, 0x86, 0x60, 0x64, 0xa2, 0x54, 0x51, 0x54, 0x80, 0xbc, 0x13,
};

static const u8 kat_sig[SIM_SIG_BYTES] = {
	/* r */
	0x94, 0xed, 0xbb, 0x92, 0xa5, 0xec, 0xb8, 0xaa, 0xd4, 0x73, 0x6e, 0x56,
	0xc6, 0x91, 0x91, 0x6b, 0x3f, 0x88, 0x14, 0x06, 0x66, 0xce, 0x9f, 0xa7,
	0x3d, 0x64, 0xc4, 0xea, 0x95, 0xad, 0x13, 0x3c, 0x81, 0xa6, 0x48, 0x15,
	0x2e, 0x44, 0xac, 0xf9, 0x6e, 0x36, 0xdd, 0x1e, 0x80, 0xfa, 0xbe, 0x46,
	/* s */
	0x99, 0xef, 0x4a, 0xeb, 0x15, 0xf1, 0x78, 0xce, 0xa1, 0xfe, 0x40, 0xdb,
	0x26, 0x03, 0x13, 0x8f, 0x13, 0x0e, 0x74, 0x0a, 0x19, 0x62, 0x45, 0x26,
	0x20, 0x3b, 0x63, 0x51, 0xd0, 0xa3, 0xa9, 0x4f, 0xa3, 0x29, 0xc1, 0x45,
	0x78, 0x6e, 0x67, 0x9e, 0x7b, 0x82, 0xc7, 0x1a, 0x38, 0x62, 0x8a, 0xc8,
};

/*
 * Known-answer test at load, as the kernel's own crypto self-tests do:
 * a simulator whose signatures would not verify must not start.
 */
int sim_crypto_selftest(void)
{
	struct sim_p384_key key;
	u8 hash[SIM_P384_BYTES], sig[SIM_SIG_BYTES];
	int ret;

	v_from_be(key.d, kat_x);
	ret = p384_set_pub(&key);
	if (!ret)
		ret = sim_sha384("sample", 6, hash);
	if (!ret)
		ret = sim_p384_sign(&key, hash, sig);
	if (ret) {
		pr_err("P-384 self-test could not run: %d\n", ret);
		return ret;
	}
	if (memcmp(key.pub + 1, kat_ux, sizeof(kat_ux))) {
		pr_err("P-384 self-test: wrong public key\n");
		return -EBADMSG;
	}
	if (memcmp(sig, kat_sig, sizeof(kat_sig))) {
		pr_err("P-384 self-test: wrong RFC 6979 signature\n");
		return -EBADMSG;
	}
	memzero_explicit(&key, sizeof(key));
	return 0;
}
