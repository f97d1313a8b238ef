/* chartfile.c: a chart of accounts from CSV.  See chartfile.h. */
#include "chartfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "readfile.h"

enum { C_KIND, C_DEBIT, C_CREDIT, C_DEBIT_NAME, C_CREDIT_NAME, C_COUNT };
static const char *const names[C_COUNT] = {"kind", "debit", "credit", "debit_name", "credit_name"};

struct ctx {
	struct book_chart *c;
	const char *origin;
	int col[C_COUNT]; /* the column of each, -1 when absent */
	bool header, seen[EV_COUNT];
};

static const char *field(const struct csv_row *row, int col)
{
	return col >= 0 && (size_t)col < row->nfields ? row->field[col] : "";
}

static int on_row(const struct csv_row *row, void *vctx, struct bd_error *err)
{
	struct ctx *x = vctx;
	if (!x->header) {
		for (int k = 0; k < C_COUNT; k++)
			x->col[k] = -1;
		for (size_t i = 0; i < row->nfields; i++) {
			int k = 0;
			while (k < C_COUNT && strcmp(row->field[i], names[k]) != 0)
				k++;
			if (k == C_COUNT)
				return bd_fail(err, "%s:%zu: unknown column '%s' (expected kind, debit, credit, debit_name, "
						    "credit_name)",
					       x->origin, row->line, row->field[i]);
			if (x->col[k] >= 0)
				return bd_fail(err, "%s:%zu: the column '%s' twice", x->origin, row->line, names[k]);
			x->col[k] = (int)i;
		}
		for (int k = 0; k < C_DEBIT_NAME; k++)
			if (x->col[k] < 0)
				return bd_fail(err, "%s:%zu: no column '%s' (the header names kind, debit and credit)",
					       x->origin, row->line, names[k]);
		x->header = true;
		return 0;
	}
	const char *kind = field(row, x->col[C_KIND]);
	int k = event_kind_parse(kind);
	if (k < 0 || !book_kind_bookable((enum event_kind)k))
		return bd_fail(err, "%s:%zu, column kind: '%s' is no kind of event the books are given (expected "
				    "execute, bank-reject, bank-return, repay-claim, report, repay-receive or lapse)",
			       x->origin, row->line, kind);
	if (x->seen[k])
		return bd_fail(err, "%s:%zu, column kind: '%s' has a row already", x->origin, row->line, kind);
	x->seen[k] = true;
	struct book_rule *r = &x->c->rule[k];
	const char *debit = field(row, x->col[C_DEBIT]), *credit = field(row, x->col[C_CREDIT]);
	if (!*debit && !*credit) {
		r->booked = false;
		return 0;
	}
	const char *which = !book_account_ok(debit) ? "debit" : !book_account_ok(credit) ? "credit" : NULL;
	if (which)
		return bd_fail(err, "%s:%zu, column %s: '%s' is not an account number (expected 1 to 15 digits)", x->origin,
			       row->line, which, strcmp(which, "debit") == 0 ? debit : credit);
	if (strcmp(debit, credit) == 0)
		return bd_fail(err, "%s:%zu: kind %s debits and credits the same account %s", x->origin, row->line, kind,
			       debit);
	r->booked = true;
	snprintf(r->debit, sizeof(r->debit), "%s", debit);
	snprintf(r->credit, sizeof(r->credit), "%s", credit);
	const char *dn = field(row, x->col[C_DEBIT_NAME]), *cn = field(row, x->col[C_CREDIT_NAME]);
	if (*dn)
		snprintf(r->debit_name, sizeof(r->debit_name), "%s", dn);
	if (*cn)
		snprintf(r->credit_name, sizeof(r->credit_name), "%s", cn);
	return 0;
}

int chart_file_parse(const char *data, size_t len, const char *origin, struct book_chart *c, struct bd_error *err)
{
	struct book_chart copy = *c;
	struct ctx x = {.c = &copy, .origin = origin};
	if (csv_read_buffer(data, len, origin, on_row, NULL, &x, err))
		return -1;
	if (!x.header)
		return bd_fail(err, "%s: empty: expected a header row (kind,debit,credit) and a row per kind", origin);
	*c = copy;
	return 0;
}

int chart_file_read(const char *path, struct book_chart *c, struct bd_error *err)
{
	char *data;
	size_t len;
	if (read_file(path, 1u << 20, &data, &len, err))
		return -1;
	int rc = chart_file_parse(data, len, path, c, err);
	free(data);
	return rc;
}
