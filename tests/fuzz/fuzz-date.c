/* fuzz-date: dates as YYYY-MM-DD (date_valid, date_swedish in
 * src/core/decision.c; date_day_number in src/core/payee.c).  Properties:
 *   - date_valid agrees with the C library's calendar (timegm normalises
 *     a day that does not exist into another), for years from 1900;
 *   - date_swedish writes "D month YYYY" of a valid date and the text as it
 *     is of any other;
 *   - date_day_number is the C library's day number, and the day after a
 *     valid date is one more. */
#include "fuzz.h"

#include <time.h>

#include "decision.h"
#include "payee.h"

/* libc_valid: the same question answered by timegm. */
static bool libc_valid(const char *s, int *y, int *m, int *d, int64_t *day)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	if (sscanf(s, "%4d-%2d-%2d", y, m, d) != 3 || *y < 1900)
		return false;
	struct tm tm = {.tm_year = *y - 1900, .tm_mon = *m - 1, .tm_mday = *d, .tm_hour = 12};
	time_t t = timegm(&tm);
	struct tm back;
	gmtime_r(&t, &back);
	*day = ((int64_t)t - 43200) / 86400; /* noon: exact */
	return back.tm_year == *y - 1900 && back.tm_mon == *m - 1 && back.tm_mday == *d && *m >= 1 && *m <= 12 &&
	       *d >= 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64)
		return -1;
	char *s = fuzz_str(data, size);
	int y = 0, m = 0, d = 0;
	int64_t day = 0;
	bool valid = date_valid(s), expected = libc_valid(s, &y, &m, &d, &day);
	PROP(valid == expected, "date_valid('%s') is %d, the C library says %d", s, valid, expected);
	char buf[64], want[64];
	date_swedish(s, buf, sizeof(buf));
	if (valid) {
		static const char *const months[] = {"januari", "februari", "mars", "april", "maj", "juni",
						     "juli", "augusti", "september", "oktober", "november", "december"};
		snprintf(want, sizeof(want), "%d %s %04d", d, months[m - 1], y);
		PROP(strcmp(buf, want) == 0, "date_swedish('%s') = '%s', expected '%s'", s, buf, want);
		PROP(date_day_number(s) == day, "date_day_number('%s') = %lld, the C library says %lld", s,
		     (long long)date_day_number(s), (long long)day);
		struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + 1, .tm_hour = 12};
		time_t t = timegm(&tm);
		struct tm next;
		gmtime_r(&t, &next);
		char nexts[32];
		snprintf(nexts, sizeof(nexts), "%04d-%02d-%02d", next.tm_year + 1900, next.tm_mon + 1, next.tm_mday);
		if (date_valid(nexts))
			PROP(date_day_number(nexts) == date_day_number(s) + 1, "'%s' is not the day after '%s'", nexts, s);
	} else {
		PROP(strcmp(buf, s) == 0 || strlen(s) >= sizeof(buf), "date_swedish('%s') of no date = '%s'", s, buf);
	}
	free(s);
	return 0;
}
