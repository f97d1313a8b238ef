/* test-money.c: parsing of amounts and ratios as users paste them, Swedish
 * formatting, exact rational arithmetic.  Random properties are checked
 * against GMP with fixed seeds. */
#include <gmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apportion.h" /* fmt_mpq_decimal */
#include "money.h"
#include "prng.h"
#include "tap.h"

#define I128_MAX ((i128)(((u128)1 << 127) - 1))
#define NBSP "\xC2\xA0"
#define NNBSP "\xE2\x80\xAF"
#define THINSP "\xE2\x80\x89"

/* ---- a fixed-seed PRNG (xorshift64*) ---------------------------------- */


/* A random u128 of a random bit length (so that small values are common). */
static u128 rng_u128_bits(int maxbits)
{
	int bits = (int)rng_below((uint64_t)maxbits + 1);
	u128 v = ((u128)rng() << 64) | rng();
	if (bits == 0)
		return 0;
	if (bits < 128)
		v &= ((u128)1 << bits) - 1;
	return v;
}

/* ---- helpers ---------------------------------------------------------- */

static void mpz_from_i128(mpz_t z, i128 v)
{
	u128 u = v < 0 ? (u128)0 - (u128)v : (u128)v;
	mpz_set_ui(z, (unsigned long)(uint64_t)(u >> 64));
	mpz_mul_2exp(z, z, 64);
	mpz_add_ui(z, z, (unsigned long)(uint64_t)u);
	if (v < 0)
		mpz_neg(z, z);
}

static void mpq_from_rat(mpq_t q, struct rat r)
{
	mpz_t n, d;
	mpz_inits(n, d, NULL);
	mpz_from_i128(n, r.num);
	mpz_from_i128(d, r.den);
	mpq_set_num(q, n);
	mpq_set_den(q, d);
	mpq_canonicalize(q);
	mpz_clears(n, d, NULL);
}

/* The rat is exactly num/den, in lowest terms with a positive denominator. */
static bool rat_is(struct rat r, i128 num, i128 den)
{
	return r.num == num && r.den == den;
}

static const char *s128(i128 v)
{
	static char bufs[4][NUM_BUFSZ];
	static int k;
	k = (k + 1) % 4;
	return fmt_i128(v, bufs[k]);
}

static int kr_ok(const char *s, unsigned flags, int64_t want)
{
	char why[200] = "";
	int64_t kr = -42;
	int rc = money_parse_kronor(s, flags, &kr, why, sizeof(why));
	if (rc != 0 || kr != want)
		diag("money_parse_kronor(\"%s\") = %d, %lld (%s); want %lld", s, rc, (long long)kr, why,
		     (long long)want);
	return ok(rc == 0 && kr == want, "kronor '%s' = %lld", s, (long long)want);
}

/* The parse fails and the reason contains `reason` (when not NULL). */
static int kr_fails(const char *s, unsigned flags, const char *reason)
{
	char why[200] = "";
	int64_t kr = 0;
	int rc = money_parse_kronor(s, flags, &kr, why, sizeof(why));
	bool good = rc == -1 && why[0] != '\0' && (!reason || strstr(why, reason));
	if (!good)
		diag("money_parse_kronor(\"%s\") = %d, %lld, why '%s'; want failure mentioning '%s'", s, rc,
		     (long long)kr, why, reason ? reason : "");
	return ok(good, "kronor '%s' rejected%s%s", s, reason ? ": " : "", reason ? reason : "");
}

static int ore_ok(const char *s, unsigned flags, int64_t want)
{
	char why[200] = "";
	int64_t ore = -42;
	int rc = money_parse_ore(s, flags, &ore, why, sizeof(why));
	if (rc != 0 || ore != want)
		diag("money_parse_ore(\"%s\") = %d, %lld (%s)", s, rc, (long long)ore, why);
	return ok(rc == 0 && ore == want, "öre '%s' = %lld", s, (long long)want);
}

static int ore_fails(const char *s, unsigned flags, const char *reason)
{
	char why[200] = "";
	int64_t ore = 0;
	int rc = money_parse_ore(s, flags, &ore, why, sizeof(why));
	bool good = rc == -1 && why[0] && (!reason || strstr(why, reason));
	if (!good)
		diag("money_parse_ore(\"%s\") = %d, %lld, why '%s'", s, rc, (long long)ore, why);
	return ok(good, "öre '%s' rejected", s);
}

static int ratio_ok(const char *s, i128 num, i128 den)
{
	char why[200] = "";
	struct rat r = {-7, 3};
	int rc = ratio_parse(s, &r, why, sizeof(why));
	if (rc != 0 || !rat_is(r, num, den))
		diag("ratio_parse(\"%s\") = %d, %s/%s (%s)", s, rc, s128(r.num), s128(r.den), why);
	return ok(rc == 0 && rat_is(r, num, den), "ratio '%s' = %s/%s", s, s128(num), s128(den));
}

static int ratio_fails(const char *s, const char *reason)
{
	char why[200] = "";
	struct rat r;
	int rc = ratio_parse(s, &r, why, sizeof(why));
	bool good = rc == -1 && why[0] && (!reason || strstr(why, reason));
	if (!good)
		diag("ratio_parse(\"%s\") = %d, why '%s'", s, rc, why);
	return ok(good, "ratio '%s' rejected%s%s", s, reason ? ": " : "", reason ? reason : "");
}

static int num_ok(const char *s, unsigned flags, i128 num, i128 den)
{
	char why[200] = "";
	struct rat r = {-7, 3};
	int rc = num_parse(s, flags, &r, why, sizeof(why));
	if (rc != 0 || !rat_is(r, num, den))
		diag("num_parse(\"%s\", %#x) = %d, %s/%s (%s)", s, flags, rc, s128(r.num), s128(r.den), why);
	return ok(rc == 0 && rat_is(r, num, den), "num '%s' (flags %#x) = %s/%s", s, flags, s128(num), s128(den));
}

static int num_fails(const char *s, unsigned flags, const char *reason)
{
	char why[200] = "";
	struct rat r;
	int rc = num_parse(s, flags, &r, why, sizeof(why));
	bool good = rc == -1 && why[0] && (!reason || strstr(why, reason));
	if (!good)
		diag("num_parse(\"%s\", %#x) = %d, why '%s'", s, flags, rc, why);
	return ok(good, "num '%s' (flags %#x) rejected%s%s", s, flags, reason ? ": " : "", reason ? reason : "");
}

static int str_is(const char *got, const char *want, const char *what)
{
	int good = strcmp(got, want) == 0;
	if (!good)
		diag("%s: got '%s', want '%s'", what, got, want);
	return ok(good, "%s = '%s'", what, want);
}

/* ---- parsing ---------------------------------------------------------- */

static void test_kronor(void)
{
	kr_ok("215 000 000", 0, 215000000);
	kr_ok("215000000", 0, 215000000);
	kr_ok("2 420 000 000 kronor", 0, 2420000000);
	kr_ok("71,8 mkr", 0, 71800000);
	kr_ok("71.8 mkr", 0, 71800000);
	kr_ok("1,5 miljarder kronor", 0, 1500000000);
	kr_ok("250 tkr", 0, 250000);
	kr_ok("12 kr", 0, 12);
	kr_ok("12kr", 0, 12);
	kr_ok("12 SEK", 0, 12);
	kr_ok("12 KR", 0, 12);
	kr_ok("3 miljoner kronor", 0, 3000000);
	kr_ok("0", 0, 0);
	kr_ok("7", 0, 7);
	kr_ok("999", 0, 999);
	kr_ok("1 000", 0, 1000);
	kr_ok("  215 000 000  ", 0, 215000000);
	kr_ok("1 234,5 mkr", 0, 1234500000);
	kr_ok("215" NBSP "000" NBSP "000", 0, 215000000);
	kr_ok("215" NNBSP "000" NNBSP "000", 0, 215000000);
	kr_ok("215" THINSP "000" THINSP "000", 0, 215000000);
	kr_ok("2" NBSP "420" NBSP "000" NBSP "000" NBSP "kronor", 0, 2420000000);
	kr_ok("71,8" NNBSP "mkr", 0, 71800000);
	kr_ok(NBSP "12 kr", 0, 12);
	kr_ok("12 kr" NBSP, 0, 12);
	kr_ok("71,8 mkr" NNBSP, 0, 71800000);
	kr_ok("92 233 720 368 547 758", 0, INT64_MAX / 100);

	kr_fails("-500", 0, "negative");
	kr_ok("-500", NUM_NEGATIVE, -500);
	kr_ok("\xE2\x88\x92" "500", NUM_NEGATIVE, -500); /* U+2212 MINUS SIGN */
	kr_fails("\xE2\x88\x92" "500", 0, "negative");
	kr_ok("-2 420 000 kr", NUM_NEGATIVE, -2420000);
	kr_ok("+500", 0, 500);

	kr_fails("42 045981", 0, "three digits");
	kr_fails("1234 567", 0, "three digits");
	kr_fails("1 234 56", 0, "three digits");
	kr_fails("1 2345", 0, "three digits");
	kr_fails("1 234 5678", 0, "three digits");
	kr_fails("12" NBSP "34", 0, "three digits");
	kr_fails("abc", 0, NULL);
	kr_fails("", 0, NULL);
	kr_fails("   ", 0, NULL);
	kr_fails("kr", 0, NULL);
	kr_fails("12 kr extra", 0, "kr extra");
	kr_fails("12 euro", 0, "euro");
	kr_fails("12 kronor kronor", 0, NULL);
	kr_fails("12,", 0, NULL);
	kr_fails(",5", 0, NULL);
	kr_fails("1/2", 0, NULL);
	kr_fails("50%", 0, NULL);
	kr_fails("1e6", 0, NULL);
	kr_fails("0x10", 0, NULL);
	kr_fails("--5", NUM_NEGATIVE, NULL);
	kr_fails("99999999999999999999999 kr", 0, "too large");
	kr_fails("92 233 720 368 547 759", 0, "too large");
	kr_fails("9999999999999999999999999999999999999999999999999999", 0, "too large");
	kr_fails("99999999999999999999999 mdkr", 0, "too large");
	kr_fails("71,85 kr", 0, "whole kronor");
	kr_fails("0,5", 0, "whole kronor");
	ore_ok("71,85 kr", 0, 7185);
	ore_ok("12,50 kr", 0, 1250);
	ore_ok("12,5", 0, 1250);
	ore_ok("12", 0, 1200);
	ore_ok("0,01", 0, 1);
	ore_ok("1 234 567,89", 0, 123456789);
	ore_ok("1,5 mkr", 0, 150000000);
	ore_ok("-3,05", NUM_NEGATIVE, -305);
	ore_fails("-3,05", 0, "negative");
	ore_fails("12,505", 0, "two decimals");
	ore_fails("abc", 0, NULL);
	ore_fails("50 %", 0, NULL);
	ore_fails("99999999999999999999999 kr", 0, NULL);

	/* Nothing is written on failure. */
	int64_t kr = 777;
	char why[64];
	money_parse_kronor("71,85 kr", 0, &kr, why, sizeof(why));
	ok(kr == 777, "a failed parse leaves the output alone");
	/* A tiny why buffer is truncated, never overrun; NULL why is allowed. */
	char tiny[4] = "xyz";
	ok(money_parse_kronor("abc", 0, &kr, tiny, sizeof(tiny)) == -1 && strlen(tiny) == 3,
	   "why is truncated to its buffer");
	ok(money_parse_kronor("abc", 0, &kr, NULL, 0) == -1, "why may be NULL");
}

static void test_ratios(void)
{
	ratio_ok("0,2301038047", 2301038047, 10000000000);
	ratio_ok("0.5", 1, 2);
	ratio_ok("0,5", 1, 2);
	ratio_ok("1/2", 1, 2);
	ratio_ok("2/4", 1, 2);
	ratio_ok("50%", 1, 2);
	ratio_ok("50 %", 1, 2);
	ratio_ok("50 procent", 1, 2);
	ratio_ok("23,3%", 233, 1000);
	ratio_ok("23,3 %", 233, 1000);
	ratio_ok("23,3" NBSP "%", 233, 1000);
	ratio_ok("1", 1, 1);
	ratio_ok("0", 0, 1);
	ratio_ok("100%", 1, 1);
	ratio_ok("1/3", 1, 3);
	ratio_ok("0,25", 1, 4);
	ratio_ok("12,5%", 1, 8);
	ratio_fails("1/0", "division by zero");
	ratio_fails("-1/2", "negative");
	ratio_fails("-0,5", "negative");
	ratio_fails("1/2 kr", NULL);
	ratio_fails("1/2/3", NULL);
	ratio_fails("abc", NULL);
	ratio_fails("", NULL);
	ratio_fails("50 %%", NULL);
	ratio_fails("1 / 2", NULL);

	num_ok("1/2", NUM_FRACTION, 1, 2);
	num_fails("1/2", 0, "fraction");
	num_fails("50%", 0, NULL);
	num_fails("12 kr", 0, NULL);
	num_ok("12 kr", NUM_SUFFIX_MONEY, 12, 1);
	num_ok("-1/2", NUM_FRACTION | NUM_NEGATIVE, -1, 2);
	num_ok("-23,3%", NUM_PERCENT | NUM_NEGATIVE, -233, 1000);
	num_ok("71,85 kr", NUM_SUFFIX_MONEY, 1437, 20);
	num_ok("2 374 550", 0, 2374550, 1);
	/* 38 decimals fit in 128 bits; a 39th does not. */
	{
		char s[64] = "0,";
		for (int k = 0; k < 37; k++)
			strcat(s, "0");
		strcat(s, "1");
		i128 e19 = (i128)10000000000000000000u;
		num_ok(s, 0, 1, e19 * e19 * 1);
		memmove(s + 3, s + 2, strlen(s + 2) + 1); /* one more zero */
		num_fails(s, 0, "decimals");
	}
	/* 38-digit integers parse; 40 digits do not fit. */
	num_ok("12345678901234567890123456789012345678", 0,
	       (i128)1234567890123456789 * (i128)10000000000000000000u + (i128)123456789012345678u, 1);
	num_fails("1234567890123456789012345678901234567890", 0, "too large");
}

/* Reference for digit grouping: the accepted forms are plain digits, or
 * 1-3 digits followed by groups of a space and exactly three digits. */
static bool grouping_ref(const char *s)
{
	size_t n = strlen(s);
	if (!n)
		return false;
	if (!strchr(s, ' ')) {
		for (size_t i = 0; i < n; i++)
			if (s[i] < '0' || s[i] > '9')
				return false;
		return true;
	}
	size_t first = strcspn(s, " ");
	if (first < 1 || first > 3)
		return false;
	for (size_t i = 0; i < first; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	size_t i = first;
	while (i < n) {
		if (s[i] != ' ' || i + 4 > n)
			return false;
		for (size_t k = 1; k <= 3; k++)
			if (s[i + k] < '0' || s[i + k] > '9')
				return false;
		i += 4;
	}
	return true;
}

static void test_grouping_fuzz(void)
{
	rng_seed(12345);
	int bad = 0, accepted = 0;
	for (int iter = 0; iter < 20000; iter++) {
		char s[24];
		size_t len = 1 + rng_below(14);
		for (size_t i = 0; i < len; i++)
			s[i] = rng_below(4) == 0 ? ' ' : (char)('0' + rng_below(10));
		s[len] = '\0';
		/* Leading and trailing blanks are trimmed; compare on the core. */
		if (s[0] == ' ' || s[len - 1] == ' ')
			continue;
		struct rat r;
		char why[200];
		bool want = grouping_ref(s);
		bool got = num_parse(s, 0, &r, why, sizeof(why)) == 0;
		accepted += got;
		if (got && want) {
			/* The value is the digits without blanks. */
			i128 v = 0;
			for (size_t i = 0; i < len; i++)
				if (s[i] != ' ')
					v = v * 10 + (s[i] - '0');
			if (!rat_is(r, v, 1))
				got = !got;
		}
		if (got != want && bad++ < 5)
			diag("grouping '%s': parse %s, reference %s", s, got ? "accepts" : "rejects",
			     want ? "accepts" : "rejects");
	}
	ok(bad == 0, "digit grouping agrees with the reference on 20000 random strings (%d accepted, %d wrong)",
	   accepted, bad);
}

/* ---- formatting ------------------------------------------------------- */

/* Reference decimal formatting through GMP: |num/den| * 10^d rounded half
 * away from zero, then split and grouped. */
static char *ref_decimal(i128 num, i128 den, int decimals, bool group)
{
	mpz_t n, d, p, q;
	mpz_inits(n, d, p, q, NULL);
	mpz_from_i128(n, num);
	mpz_from_i128(d, den);
	bool neg = mpz_sgn(n) < 0;
	mpz_abs(n, n);
	mpz_ui_pow_ui(p, 10, (unsigned long)decimals);
	mpz_mul(n, n, p);
	/* q = floor(n/d); round up when 2*(n - q*d) >= d */
	mpz_t r;
	mpz_init(r);
	mpz_fdiv_qr(q, r, n, d);
	mpz_mul_2exp(r, r, 1);
	if (mpz_cmp(r, d) >= 0)
		mpz_add_ui(q, q, 1);
	char *digits = mpz_get_str(NULL, 10, q);
	size_t dl = strlen(digits);
	/* pad so there is at least one integer digit */
	char padded[256];
	size_t pad = dl <= (size_t)decimals ? (size_t)decimals + 1 - dl : 0;
	memset(padded, '0', pad);
	memcpy(padded + pad, digits, dl + 1);
	size_t pl = strlen(padded), il = pl - (size_t)decimals;
	char *out = malloc(pl + pl / 3 + 8);
	size_t o = 0;
	if (neg && mpz_sgn(q) != 0)
		out[o++] = '-';
	for (size_t i = 0; i < il; i++) {
		if (group && i > 0 && (il - i) % 3 == 0)
			out[o++] = ' ';
		out[o++] = padded[i];
	}
	if (decimals > 0) {
		out[o++] = ',';
		memcpy(out + o, padded + il, (size_t)decimals);
		o += (size_t)decimals;
	}
	out[o] = '\0';
	free(digits);
	mpz_clears(n, d, p, q, r, NULL);
	return out;
}

static void test_format(void)
{
	char b[NUM_BUFSZ];
	str_is(fmt_kr(49472318, b), "49 472 318", "fmt_kr(49472318)");
	str_is(fmt_kr(-1234, b), "-1 234", "fmt_kr(-1234)");
	str_is(fmt_kr(0, b), "0", "fmt_kr(0)");
	str_is(fmt_kr(7, b), "7", "fmt_kr(7)");
	str_is(fmt_kr(999, b), "999", "fmt_kr(999)");
	str_is(fmt_kr(1000, b), "1 000", "fmt_kr(1000)");
	str_is(fmt_kr(-999, b), "-999", "fmt_kr(-999)");
	str_is(fmt_kr(-100000, b), "-100 000", "fmt_kr(-100000)");
	str_is(fmt_kr(215000000, b), "215 000 000", "fmt_kr(215000000)");
	str_is(fmt_kr(INT64_MAX, b), "9 223 372 036 854 775 807", "fmt_kr(INT64_MAX)");
	str_is(fmt_kr(INT64_MIN, b), "-9 223 372 036 854 775 808", "fmt_kr(INT64_MIN)");
	str_is(fmt_i128(I128_MAX, b), "170141183460469231731687303715884105727", "fmt_i128(I128_MAX)");
	str_is(fmt_i128(-I128_MAX - 1, b), "-170141183460469231731687303715884105728", "fmt_i128(I128_MIN)");
	str_is(fmt_i128(0, b), "0", "fmt_i128(0)");
	str_is(fmt_i128_grouped(I128_MAX, b), "170 141 183 460 469 231 731 687 303 715 884 105 727",
	       "fmt_i128_grouped(I128_MAX)");
	str_is(fmt_i128_grouped(-(i128)1000000 * 1000000 * 1000000, b), "-1 000 000 000 000 000 000",
	       "fmt_i128_grouped(-10^18)");

	str_is(fmt_rat_decimal(2374550, 10319473, 10, false, b), "0,2301038047", "Stockholm's 2019 share");
	str_is(fmt_rat_decimal(2374550, 10319473, 4, false, b), "0,2301", "the share to 4 places");
	str_is(fmt_rat_decimal(1, 8, 2, false, b), "0,13", "0,125 rounds half up to 0,13");
	str_is(fmt_rat_decimal(-1, 8, 2, false, b), "-0,13", "-0,125 rounds away from zero to -0,13");
	str_is(fmt_rat_decimal(1249, 10000, 2, false, b), "0,12", "0,1249 rounds down");
	str_is(fmt_rat_decimal(1, 3, 2, false, b), "0,33", "1/3");
	str_is(fmt_rat_decimal(2, 3, 2, false, b), "0,67", "2/3");
	str_is(fmt_rat_decimal(5, 2, 0, false, b), "3", "2,5 to no decimals");
	str_is(fmt_rat_decimal(7, 2, 0, false, b), "4", "3,5 to no decimals");
	str_is(fmt_rat_decimal(-5, 2, 0, false, b), "-3", "-2,5 to no decimals");
	str_is(fmt_rat_decimal(999, 1000, 2, false, b), "1,00", "0,999 carries into the integer part");
	str_is(fmt_rat_decimal(19995, 10, 0, true, b), "2 000", "1999,5 carries and groups");
	str_is(fmt_rat_decimal(99999995, 100000000, 7, false, b), "1,0000000", "carry through every decimal");
	str_is(fmt_rat_decimal(1, 2000, 3, false, b), "0,001", "0,0005 rounds up");
	str_is(fmt_rat_decimal(-1, 3000, 2, false, b), "0,00", "a negative that rounds to zero has no sign");
	str_is(fmt_rat_decimal(123456789, 100, 2, true, b), "1 234 567,89", "grouped integer part");
	str_is(fmt_rat_decimal(123456789, 100, 2, false, b), "1234567,89", "ungrouped integer part");
	str_is(fmt_rat_decimal(5, 100, 4, false, b), "0,0500", "padding of decimals");
	str_is(fmt_rat_decimal(1, 1, 18, false, b), "1,000000000000000000", "18 decimals");
	str_is(fmt_rat_decimal(1, 3, 18, false, b), "0,333333333333333333", "1/3 to 18 decimals");

	str_is(fmt_ore(1250, b), "12,50", "fmt_ore(1250)");
	str_is(fmt_ore(5, b), "0,05", "fmt_ore(5)");
	str_is(fmt_ore(0, b), "0,00", "fmt_ore(0)");
	str_is(fmt_ore(-5, b), "-0,05", "fmt_ore(-5)");
	str_is(fmt_ore(100, b), "1,00", "fmt_ore(100)");
	str_is(fmt_ore(123456789, b), "1 234 567,89", "fmt_ore(123456789)");
	str_is(fmt_ore(INT64_MAX, b), "92 233 720 368 547 758,07", "fmt_ore(INT64_MAX)");

	/* Random: fmt_rat_decimal and fmt_mpq_decimal against the GMP reference,
	 * denominators up to the largest 128-bit value. */
	rng_seed(777);
	int bad = 0, badq = 0;
	for (int iter = 0; iter < 20000; iter++) {
		int maxbits = iter % 4 == 0 ? 126 : iter % 4 == 1 ? 64 : iter % 4 == 2 ? 100 : 20;
		i128 num = (i128)rng_u128_bits(maxbits);
		i128 den = (i128)rng_u128_bits(iter % 5 == 0 ? 127 : maxbits);
		if (den <= 0)
			den = 1;
		if (num < 0)
			num = -num;
		if (rng_below(3) == 0)
			num = -num;
		if (iter % 7 == 0) /* just below den: every decimal a 9, the remainder large */
			num = den > 1 ? den - 1 : 0;
		/* keep the integer part printable with 18 decimals in 64 bytes */
		int decimals = (int)rng_below(19);
		bool group = rng_below(2);
		char *want = ref_decimal(num, den, decimals, group);
		if (strlen(want) >= NUM_BUFSZ) {
			free(want);
			continue;
		}
		fmt_rat_decimal(num, den, decimals, group, b);
		if (strcmp(b, want) != 0 && bad++ < 5)
			diag("fmt_rat_decimal(%s, %s, %d, %d) = '%s', want '%s'", s128(num), s128(den), decimals, group, b,
			     want);
		mpq_t q;
		mpq_init(q);
		mpq_from_rat(q, (struct rat){num, den});
		char *got = fmt_mpq_decimal(q, decimals, group);
		if (strcmp(got, want) != 0 && badq++ < 5)
			diag("fmt_mpq_decimal(%s/%s, %d, %d) = '%s', want '%s'", s128(num), s128(den), decimals, group, got,
			     want);
		free(got);
		mpq_clear(q);
		free(want);
	}
	ok(bad == 0, "fmt_rat_decimal agrees with GMP on 20000 random fractions (%d wrong)", bad);
	ok(badq == 0, "fmt_mpq_decimal agrees with GMP on 20000 random fractions (%d wrong)", badq);
	/* One denominator above 2^64 for many numerators, as a table's shares
	 * divide by one sum (fmt_rat_decimal keeps its reciprocal), against
	 * GMP; then another, and the first again. */
	rng_seed(4242);
	int badc = 0, nc = 0;
	for (int round = 0; round < 3; round++) {
		i128 den = round == 1 ? (i128)rng_u128_bits(126) | ((i128)1 << 100)
				      : ((i128)1 << 74) + 987654321987654321;
		for (int iter = 0; iter < 4000; iter++) {
			i128 num = (i128)rng_u128_bits(iter % 2 ? 64 : 20);
			if (iter % 11 == 0)
				num = den - 1 - iter; /* every decimal a 9: a carry */
			char *want = ref_decimal(num, den, 10, false);
			fmt_rat_decimal(num, den, 10, false, b);
			nc++;
			if (strcmp(b, want) != 0 && badc++ < 5)
				diag("fmt_rat_decimal(%s, %s, 10) = '%s', want '%s'", s128(num), s128(den), b, want);
			free(want);
		}
	}
	ok(badc == 0, "fmt_rat_decimal agrees with GMP on %d shares of three large denominators (%d wrong)", nc, badc);
	/* The case that needs care: a denominator near the top of 128 bits. */
	i128 e38 = (i128)100000000000000000 * 1000000000000000000 * 1000; /* 10^38 */
	str_is(fmt_rat_decimal(e38 - 1, e38, 10, false, b), "1,0000000000", "(10^38-1)/10^38 to 10 decimals");
	str_is(fmt_rat_decimal(I128_MAX - 1, I128_MAX, 5, false, b), "1,00000", "(2^127-2)/(2^127-1)");
	str_is(fmt_rat_decimal(I128_MAX / 3, I128_MAX, 6, false, b), "0,333333", "about 1/3 with a huge den");
}

/* ---- rationals -------------------------------------------------------- */

static void test_rat(void)
{
	struct rat r;
	ok(rat_is(rat_make(2, 4), 1, 2), "rat_make reduces 2/4");
	ok(rat_is(rat_make(3, -6), -1, 2), "rat_make moves the sign to the numerator");
	ok(rat_is(rat_make(0, -5), 0, 1), "rat_make(0, -5) = 0/1");
	ok(i128_gcd(12, 18) == 6 && i128_gcd(-12, 18) == 6 && i128_gcd(0, 7) == 7, "i128_gcd");

	ok(rat_cmp((struct rat){1, 3}, (struct rat){1, 3}) == 0, "1/3 == 1/3");
	ok(rat_cmp((struct rat){1, 3}, (struct rat){1, 2}) == -1, "1/3 < 1/2");
	ok(rat_cmp((struct rat){1, 2}, (struct rat){1, 3}) == 1, "1/2 > 1/3");
	ok(rat_cmp((struct rat){-1, 2}, (struct rat){1, 3}) == -1, "-1/2 < 1/3");
	ok(rat_cmp((struct rat){-1, 2}, (struct rat){-1, 3}) == -1, "-1/2 < -1/3");
	ok(rat_cmp((struct rat){0, 1}, (struct rat){-1, 1000}) == 1, "0 > -1/1000");
	ok(rat_cmp((struct rat){7, 1}, (struct rat){7, 1}) == 0, "7 == 7");
	ok(rat_cmp((struct rat){I128_MAX, I128_MAX - 1}, (struct rat){I128_MAX - 1, I128_MAX - 2}) == -1,
	   "rat_cmp exact where the cross products would overflow");
	ok(rat_cmp((struct rat){I128_MAX - 1, I128_MAX}, (struct rat){I128_MAX - 2, I128_MAX - 1}) == 1,
	   "rat_cmp exact just below 1 with huge terms");

	ok(rat_add((struct rat){1, 2}, (struct rat){1, 3}, &r) && rat_is(r, 5, 6), "1/2 + 1/3 = 5/6");
	ok(rat_add((struct rat){1, 2}, (struct rat){1, 2}, &r) && rat_is(r, 1, 1), "1/2 + 1/2 = 1");
	ok(rat_add((struct rat){1, 2}, (struct rat){-1, 2}, &r) && rat_is(r, 0, 1), "1/2 - 1/2 = 0");
	ok(rat_add((struct rat){3, 10}, (struct rat){7, 10}, &r) && rat_is(r, 1, 1), "0,3 + 0,7 = 1");
	ok(!rat_add((struct rat){I128_MAX, 1}, (struct rat){1, 1}, &r), "rat_add overflow returns false");
	/* two large coprime denominators: their product does not fit */
	i128 p1 = ((i128)1 << 100) - 1, p2 = ((i128)1 << 100) + 1;
	ok(!rat_add((struct rat){1, p1}, (struct rat){1, p2}, &r), "rat_add with a 200-bit denominator fails");
	ok(rat_mul((struct rat){2, 3}, (struct rat){3, 4}, &r) && rat_is(r, 1, 2), "2/3 * 3/4 = 1/2");
	ok(rat_mul((struct rat){I128_MAX, 3}, (struct rat){3, I128_MAX}, &r) && rat_is(r, 1, 1),
	   "rat_mul cross-reduces before multiplying");
	ok(rat_mul((struct rat){0, 1}, (struct rat){I128_MAX, 1}, &r) && rat_is(r, 0, 1), "0 * big = 0");
	ok(!rat_mul((struct rat){(i128)1 << 100, 1}, (struct rat){(i128)1 << 100, 1}, &r),
	   "rat_mul overflow returns false");
	ok(!rat_mul((struct rat){1, p1}, (struct rat){1, p2}, &r), "rat_mul denominator overflow returns false");
	ok(rat_mul((struct rat){-2, 3}, (struct rat){3, 4}, &r) && rat_is(r, -1, 2), "-2/3 * 3/4 = -1/2");

	/* Random against GMP. */
	rng_seed(4242);
	int badc = 0, bada = 0, badm = 0, add_true = 0, mul_true = 0, small_false = 0;
	mpq_t qa, qb, qr, qg;
	mpq_inits(qa, qb, qr, qg, NULL);
	for (int iter = 0; iter < 50000; iter++) {
		int bits = iter % 3 == 0 ? 126 : iter % 3 == 1 ? 62 : 20;
		i128 an = (i128)rng_u128_bits(bits), ad = (i128)rng_u128_bits(bits);
		i128 bn = (i128)rng_u128_bits(bits), bd = (i128)rng_u128_bits(bits);
		if (an < 0)
			an = -(an / 2);
		if (bn < 0)
			bn = -(bn / 2);
		if (ad <= 0)
			ad = 1;
		if (bd <= 0)
			bd = 1;
		if (rng_below(2))
			an = -an;
		if (rng_below(2))
			bn = -bn;
		if (iter % 11 == 0) { /* equal values in different terms */
			bn = an;
			bd = ad;
		}
		struct rat a = rat_make(an, ad), b = rat_make(bn, bd);
		mpq_from_rat(qa, a);
		mpq_from_rat(qb, b);
		int want = mpq_cmp(qa, qb);
		want = want < 0 ? -1 : want > 0;
		int got = rat_cmp(a, b);
		if (got != want && badc++ < 5)
			diag("rat_cmp(%s/%s, %s/%s) = %d, want %d", s128(a.num), s128(a.den), s128(b.num), s128(b.den), got,
			     want);
		mpq_add(qg, qa, qb);
		if (rat_add(a, b, &r)) {
			add_true++;
			mpq_from_rat(qr, r);
			if ((!mpq_equal(qr, qg) || r.den <= 0 || i128_gcd(r.num, r.den) != 1) && bada++ < 5)
				diag("rat_add(%s/%s, %s/%s) = %s/%s wrong", s128(a.num), s128(a.den), s128(b.num),
				     s128(b.den), s128(r.num), s128(r.den));
		} else if (bits == 20) {
			small_false++;
		}
		mpq_mul(qg, qa, qb);
		if (rat_mul(a, b, &r)) {
			mul_true++;
			mpq_from_rat(qr, r);
			if ((!mpq_equal(qr, qg) || r.den <= 0 || i128_gcd(r.num, r.den) != 1) && badm++ < 5)
				diag("rat_mul(%s/%s, %s/%s) = %s/%s wrong", s128(a.num), s128(a.den), s128(b.num),
				     s128(b.den), s128(r.num), s128(r.den));
		} else if (bits == 20) {
			small_false++;
		}
	}
	mpq_clears(qa, qb, qr, qg, NULL);
	ok(badc == 0, "rat_cmp agrees with GMP on 50000 random pairs (%d wrong)", badc);
	ok(bada == 0, "rat_add, when it succeeds, is exact and reduced (%d of %d wrong)", bada, add_true);
	ok(badm == 0, "rat_mul, when it succeeds, is exact and reduced (%d of %d wrong)", badm, mul_true);
	ok(small_false == 0, "rat_add and rat_mul never fail on 20-bit terms (%d failed)", small_false);
}

/* ---- round trips ------------------------------------------------------ */

static void test_round_trip(void)
{
	rng_seed(20190101);
	int bad_kr = 0, bad_num = 0, bad_ore = 0, bad_dec = 0, bad_big = 0;
	const int64_t limit = INT64_MAX / 100;
	for (int iter = 0; iter < 100000; iter++) {
		char b[NUM_BUFSZ], why[200];
		/* a random magnitude: bit length uniform in 0..63 */
		int64_t x = (int64_t)(rng_u128_bits(63) & (u128)INT64_MAX);
		if (rng_below(2))
			x = -x;
		if (iter == 0)
			x = INT64_MIN;
		if (iter == 1)
			x = INT64_MAX;
		if (iter == 2)
			x = limit;
		if (iter == 3)
			x = -limit;
		fmt_kr(x, b);
		/* num_parse takes any int64 back exactly */
		struct rat r;
		if ((num_parse(b, NUM_NEGATIVE, &r, why, sizeof(why)) != 0 || !rat_is(r, x, 1)) && bad_num++ < 5)
			diag("num_parse(fmt_kr(%lld) = '%s') failed: %s", (long long)x, b, why);
		/* money_parse_kronor: exact within its limit, an error beyond */
		int64_t back = 0;
		int rc = money_parse_kronor(b, NUM_NEGATIVE, &back, why, sizeof(why));
		bool in_range = x <= limit && x >= -limit;
		if ((in_range ? rc != 0 || back != x : rc != -1 || !strstr(why, "too large")) && bad_kr++ < 5)
			diag("money_parse_kronor(fmt_kr(%lld) = '%s') = %d, %lld (%s)", (long long)x, b, rc,
			     (long long)back, why);
		/* öre */
		if (x != INT64_MIN) {
			fmt_ore(x, b);
			rc = money_parse_ore(b, NUM_NEGATIVE, &back, why, sizeof(why));
			if ((rc != 0 || back != x) && bad_ore++ < 5)
				diag("money_parse_ore(fmt_ore(%lld) = '%s') = %d, %lld (%s)", (long long)x, b, rc,
				     (long long)back, why);
		}
		/* decimals: num / 10^d, formatted with d places, parses back exactly */
		int d = (int)rng_below(19);
		i128 den = 1;
		for (int k = 0; k < d; k++)
			den *= 10;
		fmt_rat_decimal(x, den, d, rng_below(2), b);
		if ((num_parse(b, NUM_NEGATIVE, &r, why, sizeof(why)) != 0 || rat_cmp(r, rat_make(x, den)) != 0) &&
		    bad_dec++ < 5)
			diag("num_parse(fmt_rat_decimal(%lld, 10^%d) = '%s') failed: %s", (long long)x, d, b, why);
		/* 128-bit grouped values parse back */
		i128 y = (i128)(rng_u128_bits(126));
		fmt_i128_grouped(y, b);
		if ((num_parse(b, 0, &r, why, sizeof(why)) != 0 || !rat_is(r, y, 1)) && bad_big++ < 5)
			diag("num_parse(fmt_i128_grouped(%s) = '%s') failed: %s", s128(y), b, why);
	}
	ok(bad_kr == 0, "money_parse_kronor(fmt_kr(x)) == x for 100000 random amounts (%d wrong)", bad_kr);
	ok(bad_num == 0, "num_parse(fmt_kr(x)) == x over all of int64 (%d wrong)", bad_num);
	ok(bad_ore == 0, "money_parse_ore(fmt_ore(x)) == x (%d wrong)", bad_ore);
	ok(bad_dec == 0, "num_parse(fmt_rat_decimal(x, 10^d, d)) == x/10^d (%d wrong)", bad_dec);
	ok(bad_big == 0, "num_parse(fmt_i128_grouped(y)) == y for 126-bit y (%d wrong)", bad_big);
}

/* ---- every branch (make coverage: 100 % of money.c) -------------------- */

static void test_branches(void)
{
	/* whyf writes nothing where there is no room, and still refuses */
	int64_t kr = 7;
	char why[8] = "x";
	ok(money_parse_kronor("nej", 0, &kr, why, 0) == -1 && why[0] == 'x' && kr == 7,
	   "a refusal with no room for the reason writes none");
	ok(money_parse_kronor("nej", 0, &kr, NULL, 0) == -1, "nor with no buffer at all");
	/* gcd of negative numbers, both ways */
	ok(i128_gcd(6, -4) == 2 && i128_gcd(-6, 4) == 2 && i128_gcd(-6, -4) == 2, "gcd of negative numbers is positive");
	/* rat_mul with a zero denominator (no valid rat has one) divides by
	 * nothing: gcd(0, 0) is taken as 1 */
	struct rat r;
	ok(rat_mul((struct rat){0, 1}, (struct rat){1, 0}, &r) && r.num == 0 && r.den == 0,
	   "rat_mul 0/1 * 1/0: no division by zero");
	ok(rat_mul((struct rat){1, 0}, (struct rat){0, 1}, &r) && r.num == 0 && r.den == 0,
	   "rat_mul 1/0 * 0/1: no division by zero");
	/* spaces: a tab, a byte 0xC2 or 0xE2 that starts no space */
	kr_ok("\t42", 0, 42);
	kr_ok("1\t000", 0, 1000);
	kr_fails("42\xC2\xA9", 0, "unexpected");
	kr_fails("42\xE2\x80\x94", 0, "unexpected");
	kr_fails("42\xE2\x81\xAF", 0, "unexpected");
	kr_fails("42\xE2" "A", 0, "unexpected");
	/* a minus sign's first bytes without the rest */
	kr_fails("\xE2\x88\x93" "5", NUM_NEGATIVE, "expected a number");
	kr_fails("\xE2\x80\x93" "5", NUM_NEGATIVE, "expected a number");
	kr_fails("\xE2" "5", NUM_NEGATIVE, "expected a number");
	kr_ok("\xE2\x88\x92" "5", NUM_NEGATIVE, -5);
	/* a fraction whose denominator is not a number */
	ratio_fails("1/x", "expected a number");
	ratio_fails("1/ 2", "expected a number");
	/* a decimal point not followed by a digit */
	kr_fails("1.a", 0, "unexpected '.a'");
	kr_fails("1,", 0, "unexpected ','");
	/* too many decimals: 38 are read, the 39th is refused */
	num_ok("0,1000000000000000000000000000000000000", 0, 1, 10);
	num_fails("0,123456789012345678901234567890123456789", 0, "too many decimals");
	/* an integer part times the fraction's scale overflows */
	num_fails("1000000000000000000000000000000,00000000000000000001", 0, "too large");
	/* trailing spaces after a suffix: a blank, a tab, NBSP, narrow NBSP */
	kr_ok("5 kr ", NUM_SUFFIX_MONEY, 5);
	kr_ok("5 kr\t \t", NUM_SUFFIX_MONEY, 5);
	kr_ok("5 kr" NBSP, NUM_SUFFIX_MONEY, 5);
	kr_ok("5 kr" NNBSP " " NBSP, NUM_SUFFIX_MONEY, 5);
	kr_fails("5 k" NBSP, NUM_SUFFIX_MONEY, "unexpected");
	/* a suffix's multiple overflows */
	kr_fails("100000000000000000000000000000000000 mdkr", 0, "too large");
	/* öre: times 100 overflows; below -INT64_MAX */
	ore_fails("10000000000000000000000000000000000000", 0, "with at most two decimals");
	ore_fails("-100000000000000000", NUM_NEGATIVE, "too large");
	ore_fails("100000000000000000", 0, "too large");
	ore_ok("-92233720368547758,07", NUM_NEGATIVE, -INT64_MAX);
	/* fmt_ore_plain: a point, not a comma; negative; below a krona */
	char buf[NUM_BUFSZ];
	str_is(fmt_ore_plain(123450, buf), "1234.50", "fmt_ore_plain(123450)");
	str_is(fmt_ore_plain(-5, buf), "-0.05", "fmt_ore_plain(-5)");
	str_is(fmt_ore_plain(0, buf), "0.00", "fmt_ore_plain(0)");
	str_is(fmt_ore_plain(INT64_MAX, buf), "92233720368547758.07", "fmt_ore_plain(INT64_MAX)");
	/* fmt_kr_signed: a plus sign before a gain, none before nothing */
	str_is(fmt_kr_signed(1234, buf), "+1 234", "fmt_kr_signed(1234)");
	str_is(fmt_kr_signed(-1234, buf), "-1 234", "fmt_kr_signed(-1234)");
	str_is(fmt_kr_signed(0, buf), "0", "fmt_kr_signed(0)");
	/* fmt_rat_decimal with more than 19 decimals: the scale is past 2^64 */
	str_is(fmt_rat_decimal(1, 3, 25, false, buf), "0,3333333333333333333333333", "1/3 to 25 decimals");
	str_is(fmt_rat_decimal(2, 3, 20, false, buf), "0,66666666666666666667", "2/3 to 20 decimals");
	str_is(fmt_rat_decimal(1, 100000, 22, false, buf), "0,0000100000000000000000", "1/10^5 to 22 decimals (leading zeros)");
	str_is(fmt_rat_decimal(-7, 2, 21, true, buf), "-3,500000000000000000000", "-7/2 to 21 decimals");
}

int main(void)
{
	test_kronor();
	test_ratios();
	test_grouping_fuzz();
	test_format();
	test_rat();
	test_round_trip();
	test_branches();
	return tap_done();
}
