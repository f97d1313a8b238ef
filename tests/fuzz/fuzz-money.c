/* fuzz-money: amounts and ratios as users write them (src/core/money.c).
 * The first byte chooses the flags, the rest is the text.  Properties:
 *   - a refusal says why;
 *   - a number read is reduced, its denominator positive, never negative
 *     unless negatives are allowed;
 *   - whole kronor, öre and plain numbers agree on the same text;
 *   - what fmt_kr, fmt_kr_signed, fmt_ore, fmt_ore_plain, fmt_i128,
 *     fmt_i128_grouped and fmt_rat_decimal write of a value read is read
 *     back as the same value. */
#include "fuzz.h"

#include "money.h"

static struct rat parse_ok(const char *s, unsigned flags)
{
	struct rat v;
	char why[200] = "";
	PROP(num_parse(s, flags, &v, why, sizeof(why)) == 0, "'%s' (flags %#x) written by bidrag is refused: %s", s, flags,
	     why);
	return v;
}

static void kronor_back(int64_t kr)
{
	char buf[NUM_BUFSZ], why[200] = "";
	int64_t back = -1;
	fmt_kr(kr, buf);
	PROP(money_parse_kronor(buf, NUM_NEGATIVE, &back, why, sizeof(why)) == 0 && back == kr,
	     "fmt_kr(%lld) = '%s' reads back as %lld (%s)", (long long)kr, buf, (long long)back, why);
	fmt_kr_signed(kr, buf);
	PROP(money_parse_kronor(buf, NUM_NEGATIVE, &back, why, sizeof(why)) == 0 && back == kr,
	     "fmt_kr_signed(%lld) = '%s' reads back as %lld (%s)", (long long)kr, buf, (long long)back, why);
}

static void ore_back(int64_t ore)
{
	char buf[NUM_BUFSZ], why[200] = "";
	int64_t back = -1;
	fmt_ore(ore, buf);
	PROP(money_parse_ore(buf, NUM_NEGATIVE, &back, why, sizeof(why)) == 0 && back == ore,
	     "fmt_ore(%lld) = '%s' reads back as %lld (%s)", (long long)ore, buf, (long long)back, why);
	fmt_ore_plain(ore, buf);
	PROP(money_parse_ore(buf, NUM_NEGATIVE, &back, why, sizeof(why)) == 0 && back == ore,
	     "fmt_ore_plain(%lld) = '%s' reads back as %lld (%s)", (long long)ore, buf, (long long)back, why);
}

/* The value v (reduced) written as a decimal, when it has one of at most
 * 18 places, read back. */
static void decimal_back(struct rat v)
{
	/* The fewest places whose power of ten the denominator divides. */
	i128 d = v.den, p10 = 1;
	int places = 0;
	while (p10 % d != 0 && places < 18) {
		p10 *= 10;
		places++;
	}
	if (p10 % d != 0)
		return;
	char buf[NUM_BUFSZ * 2];
	for (int group = 0; group < 2; group++) {
		fmt_rat_decimal(v.num, v.den, places, group, buf);
		struct rat back = parse_ok(buf, NUM_NEGATIVE);
		char a[NUM_BUFSZ], b[NUM_BUFSZ];
		PROP(rat_cmp(back, v) == 0, "fmt_rat_decimal(%s/%s, %d, %d) = '%s' reads back as another value",
		     fmt_i128(v.num, a), fmt_i128(v.den, b), places, group, buf);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 400)
		return -1;
	unsigned flags = data[0] & (NUM_SUFFIX_MONEY | NUM_PERCENT | NUM_FRACTION | NUM_NEGATIVE);
	char *s = fuzz_str(data + 1, size - 1);
	char why[200];

	struct rat v;
	why[0] = '\0';
	int rc = num_parse(s, flags, &v, why, sizeof(why));
	if (rc) {
		PROP(why[0], "num_parse refused '%s' without saying why", s);
	} else {
		PROP(v.den > 0 && i128_gcd(v.num, v.den) == 1, "num_parse('%s') is not reduced", s);
		PROP(v.num >= 0 || (flags & NUM_NEGATIVE), "num_parse('%s') is negative without NUM_NEGATIVE", s);
		/* Integers written plainly and grouped read back. */
		if (v.den == 1) {
			char buf[NUM_BUFSZ];
			PROP(rat_cmp(parse_ok(fmt_i128(v.num, buf), NUM_NEGATIVE), v) == 0, "fmt_i128 of '%s'", s);
			PROP(rat_cmp(parse_ok(fmt_i128_grouped(v.num, buf), NUM_NEGATIVE), v) == 0, "fmt_i128_grouped of '%s'",
			     s);
		}
		decimal_back(v);
	}

	/* Kronor and öre: the same text read as each, and as a number. */
	int64_t kr = 0, ore = 0;
	char whyk[200] = "", whyo[200] = "";
	int rk = money_parse_kronor(s, flags, &kr, whyk, sizeof(whyk));
	int ro = money_parse_ore(s, flags, &ore, whyo, sizeof(whyo));
	PROP(rk == 0 || whyk[0], "money_parse_kronor refused '%s' without saying why", s);
	PROP(ro == 0 || whyo[0], "money_parse_ore refused '%s' without saying why", s);
	struct rat m;
	unsigned mflags = (flags | NUM_SUFFIX_MONEY) & ~(unsigned)(NUM_PERCENT | NUM_FRACTION);
	bool number = num_parse(s, mflags, &m, why, sizeof(why)) == 0;
	if (rk == 0) {
		PROP(number && m.den == 1 && m.num == kr, "'%s': %lld kronor but not that number", s, (long long)kr);
		PROP(kr >= 0 || (flags & NUM_NEGATIVE), "'%s': negative kronor without NUM_NEGATIVE", s);
		kronor_back(kr);
		PROP(ro == 0 && ore == kr * 100, "'%s' is %lld kronor but %s öre (%s)", s, (long long)kr,
		     ro ? "no" : "another number of", whyo);
	}
	if (ro == 0) {
		PROP(number && rat_cmp(m, rat_make(ore, 100)) == 0, "'%s': %lld öre but not that number", s, (long long)ore);
		ore_back(ore);
		if (ore % 100 == 0 && ore / 100 <= INT64_MAX / 100 && ore / 100 >= -(INT64_MAX / 100))
			PROP(rk == 0, "'%s' is %lld öre, whole kronor, but refused as kronor: %s", s, (long long)ore, whyk);
	}

	/* Ratios: never negative. */
	struct rat q;
	why[0] = '\0';
	if (ratio_parse(s, &q, why, sizeof(why)) == 0)
		PROP(q.num >= 0 && q.den > 0, "ratio_parse('%s') is negative", s);
	else
		PROP(why[0], "ratio_parse refused '%s' without saying why", s);
	free(s);
	return 0;
}
