/* claimletter.c: a repayment claim as a one-page PDF letter.  See
 * claimletter.h. */
#include "claimletter.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "pdfdoc.h"

/* A4 portrait, in points. */
static const struct pdfdoc_page A4 = {
	.width = 595.0, .height = 842.0, .left = 60.0, .top = 60.0,
	.bottom = 842.0 - 64.0, .footer_y = 842.0 - 42.0,
};

static char *footer_left(void *ctx, int page)
{
	(void)page;
	const struct claim_letter *l = ctx;
	struct buf b;
	buf_init(&b, 4096);
	buf_adds(&b, "Återbetalningskrav ");
	char n[32];
	snprintf(n, sizeof(n), "%" PRId64, l->number);
	pdfdoc_esc(&b, n);
	buf_adds(&b, " · OCR-nummer ");
	pdfdoc_esc(&b, l->ocr);
	return pdfdoc_take(&b);
}

static const char *kronor(int64_t ore, char buf[NUM_BUFSZ + 8])
{
	char t[NUM_BUFSZ];
	snprintf(buf, NUM_BUFSZ + 8, "%s kr", fmt_ore(ore, t));
	return buf;
}

int claim_letter_write(const struct claim_letter *l, const char *path, struct bd_error *err)
{
	struct pdfdoc *d = pdfdoc_open(path, "claim letter", &A4, err);
	if (!d)
		return -1;
	char title[160];
	snprintf(title, sizeof(title), "Återbetalningskrav %" PRId64, l->number);
	pdfdoc_info(d, title, l->agency, l->date);
	pdfdoc_footer(d, footer_left, (void *)l, NULL);
	pdfdoc_text(d, l->agency, 110, PDFDOC_BOLD, PDFDOC_ACCENT, 2);
	if (l->agency_orgnr)
		pdfdoc_text(d, l->agency_orgnr, 90, 0, PDFDOC_MUTED, 18);
	char line[600];
	snprintf(line, sizeof(line), "%s", l->recipient);
	pdfdoc_text(d, line, 105, PDFDOC_BOLD, PDFDOC_TEXT, 2);
	if (l->recipient_orgnr)
		pdfdoc_text(d, l->recipient_orgnr, 95, 0, PDFDOC_TEXT, 2);
	snprintf(line, sizeof(line), "Datum: %s", l->date);
	pdfdoc_text(d, line, 95, 0, PDFDOC_MUTED, 24);
	pdfdoc_text(d, title, 160, PDFDOC_BOLD, PDFDOC_ACCENT, 10);
	snprintf(line, sizeof(line),
		 "Enligt beslut %s%s%s ska %s betala tillbaka statsbidrag som inte har använts eller som har "
		 "betalats ut med för högt belopp.",
		 l->dnr, l->decision_title ? ", " : "", l->decision_title ? l->decision_title : "", l->recipient);
	pdfdoc_text(d, line, 100, 0, PDFDOC_TEXT, 14);

	static const struct pdfdoc_col cols[] = {{"", 0, false}, {"", 1, false}};
	struct pdfdoc_table *t = pdfdoc_table_new(cols, 2);
	char a[NUM_BUFSZ + 8], b[NUM_BUFSZ + 8], c[NUM_BUFSZ + 8];
	pdfdoc_table_pair(t, "Beslut", l->dnr, 0);
	if (l->part) {
		snprintf(line, sizeof(line), "%s%s%s", l->part, l->part_title ? " – " : "", l->part_title ? l->part_title : "");
		pdfdoc_table_pair(t, "Del", line, 0);
	}
	pdfdoc_table_pair(t, "Återkrävt belopp", kronor(l->amount, a), 0);
	if (l->paid > 0) {
		pdfdoc_table_pair(t, "Inbetalt hittills", kronor(l->paid, b), 0);
		pdfdoc_table_pair(t, "Att betala", kronor(l->amount - l->paid, c), PDFDOC_ROW_BOLD | PDFDOC_ROW_RULE);
	} else {
		pdfdoc_table_pair(t, "Att betala", kronor(l->amount, c), PDFDOC_ROW_BOLD | PDFDOC_ROW_RULE);
	}
	pdfdoc_table_pair(t, "Bankgiro", l->agency_bankgiro, PDFDOC_ROW_BOLD);
	pdfdoc_table_pair(t, "OCR-nummer", l->ocr, PDFDOC_ROW_BOLD);
	if (l->due)
		pdfdoc_table_pair(t, "Betalas senast", l->due, 0);
	pdfdoc_table_draw(d, t);
	pdfdoc_table_free(t);
	pdfdoc_skip(d, 14);
	snprintf(line, sizeof(line),
		 "Betala till bankgiro %s och ange OCR-numret %s som referens (meddelande), så att betalningen "
		 "kan kopplas till kravet.  Ange inget annat i meddelandefältet.",
		 l->agency_bankgiro, l->ocr);
	pdfdoc_text(d, line, 100, 0, PDFDOC_TEXT, 10);
	pdfdoc_text(d, "Frågor om kravet besvaras av handläggaren för beslutet.", 95, PDFDOC_ITALIC, PDFDOC_MUTED, 0);
	return pdfdoc_close(d, err);
}
