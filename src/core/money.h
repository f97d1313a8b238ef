/* money.h: exact numbers as users write them, and Swedish formatting.
 *
 * Amounts are whole kronor (int64_t) or öre (int64_t); ratios and key values
 * are exact rationals of 128-bit integers.  Nothing here uses floating point.
 *
 * Accepted input (whitespace includes NBSP, narrow NBSP and thin space):
 *   amounts  215 000 000 | 215000000 | 2 420 000 000 kronor | 71,8 mkr |
 *            1,5 miljarder kronor | 250 tkr | 12,50 kr (öre only where asked)
 *   ratios   0,2301038047 | 0.5 | 1/2 | 50% | 23,3 % | 1
 * Digit groups must be three digits after the first ("42 045981" is an
 * error, since a typo like that changes a value by a factor of a thousand). */
#ifndef BIDRAG_MONEY_H
#define BIDRAG_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef __int128 i128;
typedef unsigned __int128 u128;

/* An exact rational; den > 0 and gcd(num, den) == 1 after rat_make. */
struct rat {
	i128 num;
	i128 den;
};

enum num_flags {
	NUM_SUFFIX_MONEY = 1 << 0,  /* kr, kronor, mkr, miljoner, miljarder, tkr, SEK */
	NUM_PERCENT = 1 << 1,       /* 50 %, 50 procent */
	NUM_FRACTION = 1 << 2,      /* 1/2 */
	NUM_NEGATIVE = 1 << 3,      /* a leading minus sign is allowed */
};

/* num_parse: parse s as described above.  On failure returns -1 and writes a
 * reason (without the input, which the caller quotes) into why. */
int num_parse(const char *s, unsigned flags, struct rat *out, char *why, size_t whylen);

/* money_parse_kronor: an amount of whole kronor, >= 0 unless NUM_NEGATIVE.
 * "71,85 kr" fails (not whole kronor).  Returns 0 or -1 with why filled. */
int money_parse_kronor(const char *s, unsigned flags, int64_t *kr, char *why, size_t whylen);
/* money_parse_ore: an amount with at most two decimals, in öre. */
int money_parse_ore(const char *s, unsigned flags, int64_t *ore, char *why, size_t whylen);
/* ratio_parse: a ratio such as 0,5 | 1/2 | 50%; must be >= 0. */
int ratio_parse(const char *s, struct rat *out, char *why, size_t whylen);

/* rat_make: num/den reduced; den must be non-zero. */
struct rat rat_make(i128 num, i128 den);
int rat_cmp(struct rat a, struct rat b); /* -1, 0, 1; exact */
/* Checked arithmetic: returns false on 128-bit overflow. */
bool rat_add(struct rat a, struct rat b, struct rat *out);
bool rat_mul(struct rat a, struct rat b, struct rat *out);
i128 i128_gcd(i128 a, i128 b);

/* Formatting.  All write a NUL-terminated string into buf and return buf.
 * 64 bytes is always enough. */
#define NUM_BUFSZ 64
/* fmt_kr: 49472318 -> "49 472 318"; -1234 -> "-1 234". */
char *fmt_kr(int64_t kr, char *buf);
/* fmt_kr_signed: a difference: 37291 -> "+37 291", -5 -> "-5", 0 -> "0". */
char *fmt_kr_signed(int64_t kr, char *buf);
/* fmt_i128_grouped: like fmt_kr for 128-bit values. */
char *fmt_i128_grouped(i128 v, char *buf);
/* fmt_i128: plain digits, no grouping. */
char *fmt_i128(i128 v, char *buf);
/* fmt_i128_n: the same, returning the length written (hot paths). */
size_t fmt_i128_n(i128 v, char *buf);
/* fmt_ore: 1250 -> "12,50". */
char *fmt_ore(int64_t ore, char *buf);
/* fmt_ore_plain: for machines (CSV, JSON): 123450 -> "1234.50". */
char *fmt_ore_plain(int64_t ore, char *buf);
/* fmt_rat_decimal: num/den rounded half away from zero to `decimals` places,
 * decimal comma, integer part grouped when group is true.  For `decimals` up
 * to 18; den > 0. */
char *fmt_rat_decimal(i128 num, i128 den, int decimals, bool group, char *buf);

#endif
