/* bookchart.c: the chart of accounts the books are given.  See bookchart.h. */
#include "bookchart.h"

#include <stdio.h>
#include <string.h>

static void set(struct book_chart *c, enum event_kind k, const char *debit, const char *dname, const char *credit,
		const char *cname)
{
	struct book_rule *r = &c->rule[k];
	r->booked = true;
	snprintf(r->debit, sizeof(r->debit), "%s", debit);
	snprintf(r->debit_name, sizeof(r->debit_name), "%s", dname);
	snprintf(r->credit, sizeof(r->credit), "%s", credit);
	snprintf(r->credit_name, sizeof(r->credit_name), "%s", cname);
}

void book_chart_default(struct book_chart *c)
{
	memset(c, 0, sizeof(*c));
	static const char *const grants = "Lämnade bidrag", *const bank = "Bank",
				 *const claims = "Fordran återkrav av bidrag";
	set(c, EV_EXECUTE, "4650", grants, "1930", bank);
	set(c, EV_BANK_REJECT, "1930", bank, "4650", grants);
	set(c, EV_BANK_RETURN, "1930", bank, "4650", grants);
	set(c, EV_REPAY_CLAIM, "1510", claims, "4650", grants);
	set(c, EV_REPORT, "1510", claims, "4650", grants);
	set(c, EV_REPAY_RECEIVE, "1930", bank, "1510", claims);
	set(c, EV_LAPSE, "2990", "Beslutade bidrag, ej utbetalda", "8990", "Förfallna bidragsrätter");
}

bool book_kind_bookable(enum event_kind k)
{
	return k == EV_EXECUTE || k == EV_BANK_REJECT || k == EV_BANK_RETURN || k == EV_REPAY_CLAIM ||
	       k == EV_REPORT || k == EV_REPAY_RECEIVE || k == EV_LAPSE;
}

bool book_account_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n >= BOOK_ACCOUNT_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

const char *book_text(enum event_kind k)
{
	switch (k) {
	case EV_EXECUTE: return "Utbetalning";
	case EV_BANK_REJECT: return "Avvisad betalning";
	case EV_BANK_RETURN: return "Returnerad betalning";
	case EV_REPAY_CLAIM: return "Återkrav";
	case EV_REPORT: return "Återkrav enligt redovisning";
	case EV_REPAY_RECEIVE: return "Återbetalning";
	case EV_LAPSE: return "Förfallen rätt till bidrag";
	case EV_CORRECTION: return "Rättelse";
	default: return event_kind_name(k);
	}
}
