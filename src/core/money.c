#include "money.h"

#include <stdio.h>
#include <string.h>

#define I128_MAX ((i128)(((u128)1 << 127) - 1))

static int whyf(char *why, size_t whylen, const char *msg)
{
	if (why && whylen)
		snprintf(why, whylen, "%s", msg);
	return -1;
}

i128 i128_gcd(i128 a, i128 b)
{
	if (a < 0)
		a = -a;
	if (b < 0)
		b = -b;
	while (b) {
		i128 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

struct rat rat_make(i128 num, i128 den)
{
	if (den < 0) {
		num = -num;
		den = -den;
	}
	i128 g = i128_gcd(num, den);
	if (g > 1) {
		num /= g;
		den /= g;
	}
	return (struct rat){num, den};
}

bool rat_mul(struct rat a, struct rat b, struct rat *out)
{
	/* Cross-reduce first so that results that fit are found. */
	i128 g1 = i128_gcd(a.num, b.den), g2 = i128_gcd(b.num, a.den);
	if (g1 == 0)
		g1 = 1;
	if (g2 == 0)
		g2 = 1;
	i128 n, d;
	if (__builtin_mul_overflow(a.num / g1, b.num / g2, &n) ||
	    __builtin_mul_overflow(a.den / g2, b.den / g1, &d))
		return false;
	*out = rat_make(n, d);
	return true;
}

bool rat_add(struct rat a, struct rat b, struct rat *out)
{
	i128 g = i128_gcd(a.den, b.den);
	i128 x, y, n, d;
	if (__builtin_mul_overflow(a.num, b.den / g, &x) ||
	    __builtin_mul_overflow(b.num, a.den / g, &y) ||
	    __builtin_add_overflow(x, y, &n) ||
	    __builtin_mul_overflow(a.den / g, b.den, &d))
		return false;
	*out = rat_make(n, d);
	return true;
}

int rat_cmp(struct rat a, struct rat b)
{
	/* Compare a.num*b.den with b.num*a.den without overflow: compare
	 * integer parts, then the remainders as continued fractions. */
	for (;;) {
		i128 qa = a.num / a.den, ra = a.num % a.den;
		if (ra < 0) {
			qa -= 1;
			ra += a.den;
		}
		i128 qb = b.num / b.den, rb = b.num % b.den;
		if (rb < 0) {
			qb -= 1;
			rb += b.den;
		}
		if (qa != qb)
			return qa < qb ? -1 : 1;
		if (ra == 0 || rb == 0) {
			if (ra == rb)
				return 0;
			return ra == 0 ? -1 : 1;
		}
		/* a - q = ra/a.den; compare reciprocals, reversed. */
		struct rat na = {a.den, ra}, nb = {b.den, rb};
		a = nb;
		b = na;
	}
}

/* Skip one whitespace character (ASCII or a Unicode space used as a
 * thousands separator); returns its byte length or 0. */
static size_t space_len(const unsigned char *p)
{
	if (*p == ' ' || *p == '\t')
		return 1;
	if (p[0] == 0xC2 && p[1] == 0xA0) /* NBSP */
		return 2;
	if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xAF || p[2] == 0x89)) /* narrow NBSP, thin space */
		return 3;
	return 0;
}

static const unsigned char *skip_spaces(const unsigned char *p)
{
	size_t n;
	while ((n = space_len(p)) > 0)
		p += n;
	return p;
}

static int lower_ascii(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Case-insensitive (ASCII) compare of the whole rest against word. */
static bool rest_is(const unsigned char *p, size_t len, const char *word)
{
	size_t wl = strlen(word);
	if (len != wl)
		return false;
	for (size_t i = 0; i < wl; i++)
		if (lower_ascii(p[i]) != lower_ascii((unsigned char)word[i]))
			return false;
	return true;
}

struct suffix {
	const char *word;
	int64_t mul; /* multiplier, or 0 for percent */
	unsigned flag;
};

static const struct suffix suffixes[] = {
	{"kr", 1, NUM_SUFFIX_MONEY},
	{"kr.", 1, NUM_SUFFIX_MONEY},
	{"kronor", 1, NUM_SUFFIX_MONEY},
	{"sek", 1, NUM_SUFFIX_MONEY},
	{"tkr", 1000, NUM_SUFFIX_MONEY},
	{"tusen kronor", 1000, NUM_SUFFIX_MONEY},
	{"mkr", 1000000, NUM_SUFFIX_MONEY},
	{"mnkr", 1000000, NUM_SUFFIX_MONEY},
	{"mn kr", 1000000, NUM_SUFFIX_MONEY},
	{"milj", 1000000, NUM_SUFFIX_MONEY},
	{"milj.", 1000000, NUM_SUFFIX_MONEY},
	{"milj. kr", 1000000, NUM_SUFFIX_MONEY},
	{"milj kr", 1000000, NUM_SUFFIX_MONEY},
	{"miljoner", 1000000, NUM_SUFFIX_MONEY},
	{"miljoner kr", 1000000, NUM_SUFFIX_MONEY},
	{"miljoner kronor", 1000000, NUM_SUFFIX_MONEY},
	{"mdkr", 1000000000, NUM_SUFFIX_MONEY},
	{"mdr", 1000000000, NUM_SUFFIX_MONEY},
	{"miljard", 1000000000, NUM_SUFFIX_MONEY},
	{"miljarder", 1000000000, NUM_SUFFIX_MONEY},
	{"miljarder kronor", 1000000000, NUM_SUFFIX_MONEY},
	{"miljarder kr", 1000000000, NUM_SUFFIX_MONEY},
	{"%", 0, NUM_PERCENT},
	{"procent", 0, NUM_PERCENT},
};

/* Parse an unsigned integer with optional three-digit grouping.  Returns the
 * end pointer or NULL with why filled.  p is at a digit or at what is not a
 * number: never at a space (callers skip them), so a group separator comes
 * after one digit at least. */
static const unsigned char *parse_grouped(const unsigned char *p, i128 *val, bool allow_groups, char *why,
					  size_t whylen)
{
	i128 v = 0;
	int first_group = 0, group = 0, groups = 0, digits = 0;
	for (;;) {
		if (*p >= '0' && *p <= '9') {
			if (v > (I128_MAX - 9) / 10) {
				whyf(why, whylen, "number is too large");
				return NULL;
			}
			v = v * 10 + (*p - '0');
			group++;
			digits++;
			p++;
			continue;
		}
		size_t sl = allow_groups ? space_len(p) : 0;
		if (sl && p[sl] >= '0' && p[sl] <= '9') {
			if (groups == 0)
				first_group = group;
			else if (group != 3)
				break;
			if (groups == 0 && first_group > 3) {
				whyf(why, whylen, "digit groups must be three digits, like '42 045 981'");
				return NULL;
			}
			groups++;
			group = 0;
			p += sl;
			continue;
		}
		break;
	}
	if (groups > 0 && group != 3) {
		whyf(why, whylen, "digit groups must be three digits, like '42 045 981'");
		return NULL;
	}
	if (digits == 0) {
		whyf(why, whylen, "expected a number");
		return NULL;
	}
	*val = v;
	return p;
}

int num_parse(const char *s, unsigned flags, struct rat *out, char *why, size_t whylen)
{
	const unsigned char *p = skip_spaces((const unsigned char *)s);
	bool neg = false;
	if (*p == '-' || *p == '+') {
		neg = *p == '-';
		p++;
	} else if (p[0] == 0xE2 && p[1] == 0x88 && p[2] == 0x92) { /* U+2212 minus */
		neg = true;
		p += 3;
	}
	if (neg && !(flags & NUM_NEGATIVE))
		return whyf(why, whylen, "negative values are not allowed");
	p = skip_spaces(p);
	if (!*p)
		return whyf(why, whylen, "expected a number, found nothing");

	i128 ip = 0;
	p = parse_grouped(p, &ip, true, why, whylen);
	if (!p)
		return -1;
	struct rat v = {ip, 1};
	if (*p == '/') {
		if (!(flags & NUM_FRACTION))
			return whyf(why, whylen, "a fraction is not allowed here");
		i128 den = 0;
		p = parse_grouped(p + 1, &den, false, why, whylen);
		if (!p)
			return -1;
		if (den == 0)
			return whyf(why, whylen, "division by zero");
		v = rat_make(ip, den);
	} else if ((*p == ',' || *p == '.') && p[1] >= '0' && p[1] <= '9') {
		p++;
		i128 frac = 0, scale = 1;
		/* frac < scale, so frac * 10 + 9 cannot overflow where scale * 10
		 * does not. */
		while (*p >= '0' && *p <= '9') {
			if (scale > I128_MAX / 10)
				return whyf(why, whylen, "too many decimals");
			frac = frac * 10 + (*p - '0');
			scale *= 10;
			p++;
		}
		/* ip + frac/scale, reduced as it is built: a value whose
		 * reduced form fits is read, as it is when written as a
		 * fraction (what fmt_rat_decimal writes reads back). */
		if (!rat_add((struct rat){ip, 1}, rat_make(frac, scale), &v))
			return whyf(why, whylen, "number is too large");
	}
	p = skip_spaces(p);
	if (*p) {
		size_t rest = strlen((const char *)p);
		/* Trailing blanks, NBSP and narrow NBSP too.  p[0] starts no
		 * space (skipped above), so rest stays at 1 at least. */
		for (;;) {
			if (space_len(p + rest - 1) == 1)
				rest -= 1;
			else if (rest >= 2 && space_len(p + rest - 2) == 2)
				rest -= 2;
			else if (rest >= 3 && space_len(p + rest - 3) == 3)
				rest -= 3;
			else
				break;
		}
		const struct suffix *found = NULL;
		for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
			if (rest_is(p, rest, suffixes[i].word)) {
				found = &suffixes[i];
				break;
			}
		if (!found || !(flags & found->flag)) {
			char msg[160];
			snprintf(msg, sizeof(msg), "unexpected '%.40s' after the number", (const char *)p);
			return whyf(why, whylen, msg);
		}
		struct rat m = found->mul ? (struct rat){found->mul, 1} : (struct rat){1, 100};
		if (!rat_mul(v, m, &v))
			return whyf(why, whylen, "number is too large");
	}
	if (neg)
		v.num = -v.num;
	*out = v;
	return 0;
}

int money_parse_kronor(const char *s, unsigned flags, int64_t *kr, char *why, size_t whylen)
{
	struct rat v;
	if (num_parse(s, (flags | NUM_SUFFIX_MONEY) & ~(unsigned)(NUM_PERCENT | NUM_FRACTION), &v, why, whylen))
		return -1;
	if (v.den != 1)
		return whyf(why, whylen, "not whole kronor: it has öre");
	if (v.num > INT64_MAX / 100 || v.num < -(INT64_MAX / 100))
		return whyf(why, whylen, "amount is too large (the limit is 92 233 720 368 547 758 kronor)");
	*kr = (int64_t)v.num;
	return 0;
}

int money_parse_ore(const char *s, unsigned flags, int64_t *ore, char *why, size_t whylen)
{
	struct rat v;
	if (num_parse(s, (flags | NUM_SUFFIX_MONEY) & ~(unsigned)(NUM_PERCENT | NUM_FRACTION), &v, why, whylen))
		return -1;
	if (!rat_mul(v, (struct rat){100, 1}, &v) || v.den != 1)
		return whyf(why, whylen, "expected an amount with at most two decimals (öre)");
	if (v.num > INT64_MAX || v.num < -INT64_MAX)
		return whyf(why, whylen, "amount is too large");
	*ore = (int64_t)v.num;
	return 0;
}

int ratio_parse(const char *s, struct rat *out, char *why, size_t whylen)
{
	return num_parse(s, NUM_PERCENT | NUM_FRACTION, out, why, whylen);
}

/* u64_digits: the decimal digits of v at out, returning their count.
 * Two digits per 64-bit division (which compiles to a multiplication),
 * written from the end: the output of ten million rows is mostly digits. */
/* 10^0 .. 10^19, every power of ten below 2^64. */
static const uint64_t pow10_u64[20] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL,
	1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL,
	100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
	1000000000000000000ULL, 10000000000000000000ULL};

static const char digit_pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
				  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
				  "8081828384858687888990919293949596979899";

/* u64_fixed: v as exactly n digits (leading zeros), v < 10^n. */
static void u64_fixed(uint64_t v, size_t n, char *out)
{
	char *p = out + n;
	while (p - out >= 2) {
		unsigned i = (unsigned)(v % 100) * 2;
		v /= 100;
		*--p = digit_pairs[i + 1];
		*--p = digit_pairs[i];
	}
	if (p > out)
		*--p = (char)('0' + v % 10);
}

static size_t u64_digits(uint64_t v, char *out)
{
		size_t n = 1;
	while (n < 20 && v >= pow10_u64[n])
		n++;
	char *p = out + n;
	while (v >= 100) {
		unsigned i = (unsigned)(v % 100) * 2;
		v /= 100;
		*--p = digit_pairs[i + 1];
		*--p = digit_pairs[i];
	}
	if (v >= 10) {
		*--p = digit_pairs[v * 2 + 1];
		*--p = digit_pairs[v * 2];
	} else {
		*--p = (char)('0' + v);
	}
	return n;
}

size_t fmt_i128_n(i128 v, char *buf)
{
	u128 u = v < 0 ? (u128)0 - (u128)v : (u128)v;
	size_t o = 0;
	if (v < 0)
		buf[o++] = '-';
	if (u <= UINT64_MAX) {
		o += u64_digits((uint64_t)u, buf + o);
		buf[o] = '\0';
		return o;
	}
	char tmp[48];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	while (n)
		buf[o++] = tmp[--n];
	buf[o] = '\0';
	return o;
}

char *fmt_i128(i128 v, char *buf)
{
	fmt_i128_n(v, buf);
	return buf;
}

char *fmt_i128_grouped(i128 v, char *buf)
{
	char digits[48];
	fmt_i128(v < 0 ? -v : v, digits);
	size_t n = strlen(digits), o = 0;
	if (v < 0)
		buf[o++] = '-';
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ' ';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

char *fmt_kr(int64_t kr, char *buf)
{
	return fmt_i128_grouped(kr, buf);
}

char *fmt_kr_signed(int64_t kr, char *buf)
{
	if (kr > 0) {
		buf[0] = '+';
		fmt_i128_grouped(kr, buf + 1);
		return buf;
	}
	return fmt_i128_grouped(kr, buf);
}

char *fmt_ore(int64_t ore, char *buf)
{
	return fmt_rat_decimal(ore, 100, 2, true, buf);
}

char *fmt_ore_plain(int64_t ore, char *buf)
{
	fmt_rat_decimal(ore, 100, 2, false, buf);
	buf[strlen(buf) - 3] = '.'; /* the comma, before the two decimals */
	return buf;
}

/* div_cached: x / d and its remainder for d above 2^64, without a 128-bit
 * division when d is the divisor of the call before (in this thread): a
 * table's shares all divide by one sum.  With m = floor((2^128 - 1) / d),
 * below 2^64, the high 128 bits of x * m fall short of x / d by at most 2,
 * and the remainder corrects them. */
static u128 div_cached(u128 x, u128 d, u128 *rem)
{
	static _Thread_local u128 last_d, last_m;
	if (d != last_d) {
		last_m = ~(u128)0 / d;
		last_d = d;
	}
	uint64_t m = (uint64_t)last_m;
	u128 t = (u128)(uint64_t)x * m;
	u128 q = ((u128)(uint64_t)(x >> 64) * m + (t >> 64)) >> 64;
	u128 r = x - q * d;
	while (r >= d) {
		q++;
		r -= d;
	}
	*rem = r;
	return q;
}

char *fmt_rat_decimal(i128 num, i128 den, int decimals, bool group, char *buf)
{
	bool neg = num < 0;
	u128 n = neg ? (u128)0 - (u128)num : (u128)num, d = (u128)den;
	u128 scale = 1;
	if (decimals < 20)
		scale = pow10_u64[decimals];
	else
		for (int i = 0; i < decimals; i++)
			scale *= 10;
	/* Round |num/den| * scale half up, without overflowing: split into the
	 * integer part and the fraction first. */
	u128 ip = 0, rem = n, fr = 0, t;
	int slow_digits = decimals;
	if (n >= d) {
		ip = n / d;
		rem = n - ip * d;
	}
	bool fits;
	if (rem >> 64 == 0 && scale >> 64 == 0) { /* both below 2^64: no overflow */
		t = rem * scale;
		fits = true;
	} else {
		fits = !__builtin_mul_overflow(rem, scale, &t);
	}
	if (d < ((u128)1 << 126) && fits) {
		/* One division: fr = floor(rem * scale / d), rounded half up. */
		if (d >> 64) {
			fr = div_cached(t, d, &rem);
		} else {
			fr = t / d;
			rem = t - fr * d;
		}
		slow_digits = 0;
	}
	/* Otherwise digit by digit, never overflowing. */
	for (int i = 0; i < slow_digits; i++) {
		u128 digit = 0;
		if (rem <= ~(u128)0 / 10) {
			rem *= 10;
			digit = rem / d;
			rem %= d;
		} else {
			/* rem * 10 would overflow (d near 2^127): add rem ten
			 * times, reducing modulo d; rem, acc < d < 2^127. */
			u128 acc = 0;
			for (int k = 0; k < 10; k++) {
				acc += rem;
				if (acc >= d) {
					acc -= d;
					digit++;
				}
			}
			rem = acc;
		}
		fr = fr * 10 + digit;
	}
	if (rem >= d - rem) { /* rem/d >= 1/2 */
		fr++;
		if (fr == scale) {
			fr = 0;
			ip++;
		}
	}
	char ibuf[NUM_BUFSZ];
	size_t il = group ? strlen(fmt_i128_grouped((i128)ip, ibuf)) : fmt_i128_n((i128)ip, ibuf);
	size_t o = 0;
	if (neg && (ip || fr))
		buf[o++] = '-';
	memcpy(buf + o, ibuf, il);
	o += il;
	if (decimals > 0) {
		buf[o++] = ',';
		if (decimals <= 19) { /* fr < 10^decimals fits in 64 bits */
			u64_fixed((uint64_t)fr, (size_t)decimals, buf + o);
			o += (size_t)decimals;
		} else {
			char fbuf[48];
			size_t fl = fmt_i128_n((i128)fr, fbuf);
			for (size_t i = fl; i < (size_t)decimals; i++)
				buf[o++] = '0';
			memcpy(buf + o, fbuf, fl);
			o += fl;
		}
	}
	buf[o] = '\0';
	return buf;
}
