/* submissiondoc.c: a requisition or a report as a PDF to sign.  See
 * submissiondoc.h. */
#include "submissiondoc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "pdfdoc.h"

static const struct pdfdoc_page A4 = {
	.width = 595.0, .height = 842.0, .left = 60.0, .top = 60.0,
	.bottom = 842.0 - 64.0, .footer_y = 842.0 - 42.0,
};

const char *submission_doc_title(const char *kind)
{
	if (kind && strcmp(kind, "requisition") == 0)
		return "Rekvisition";
	if (kind && strcmp(kind, "financial-report") == 0)
		return "Ekonomisk redovisning";
	if (kind && strcmp(kind, "activity-report") == 0)
		return "Verksamhetsrapport";
	return "Handling";
}

static char *footer_left(void *ctx, int page)
{
	(void)page;
	const struct submission_doc *s = ctx;
	struct buf b;
	buf_init(&b, 512);
	buf_adds(&b, submission_doc_title(s->kind));
	char n[64];
	snprintf(n, sizeof(n), " %" PRId64 " · ", s->number);
	pdfdoc_esc(&b, n);
	pdfdoc_esc(&b, s->dnr);
	return pdfdoc_take(&b);
}

static const char *kronor(int64_t ore, char buf[NUM_BUFSZ + 8])
{
	char t[NUM_BUFSZ];
	snprintf(buf, NUM_BUFSZ + 8, "%s kr", fmt_ore(ore, t));
	return buf;
}

int submission_doc_write(const struct submission_doc *s, const char *path, struct bd_error *err)
{
	struct pdfdoc *d = pdfdoc_open(path, "submission", &A4, err);
	if (!d)
		return -1;
	const char *title = submission_doc_title(s->kind);
	char line[1200];
	snprintf(line, sizeof(line), "%s %" PRId64, title, s->number);
	pdfdoc_info(d, line, s->org_name, s->date);
	pdfdoc_footer(d, footer_left, (void *)s, NULL);
	pdfdoc_text(d, s->org_name, 110, PDFDOC_BOLD, PDFDOC_ACCENT, 2);
	if (s->orgnr)
		pdfdoc_text(d, s->orgnr, 90, 0, PDFDOC_MUTED, 2);
	snprintf(line, sizeof(line), "Till %s", s->agency);
	pdfdoc_text(d, line, 95, 0, PDFDOC_TEXT, 18);
	pdfdoc_text(d, title, 160, PDFDOC_BOLD, PDFDOC_ACCENT, 10);

	static const struct pdfdoc_col cols[] = {{"", 0, false}, {"", 1, false}};
	struct pdfdoc_table *t = pdfdoc_table_new(cols, 2);
	char a[NUM_BUFSZ + 8];
	snprintf(line, sizeof(line), "%s%s%s", s->dnr, s->decision_title ? " – " : "", s->decision_title ? s->decision_title : "");
	pdfdoc_table_pair(t, "Beslut (dnr)", line, 0);
	snprintf(line, sizeof(line), "%s%s%s", s->part, s->part_title ? " – " : "", s->part_title ? s->part_title : "");
	pdfdoc_table_pair(t, "Del", line, 0);
	if (s->deadline)
		pdfdoc_table_pair(t, strcmp(s->kind, "requisition") == 0 ? "Sista dag för rekvisition" : "Sista dag för redovisning",
		    s->deadline, 0);
	if (s->has_amount)
		pdfdoc_table_pair(t, strcmp(s->kind, "requisition") == 0 ? "Rekvirerat belopp" : "Använt belopp", kronor(s->amount, a),
		    PDFDOC_ROW_BOLD);
	if (s->has_unused)
		pdfdoc_table_pair(t, "Outnyttjat belopp (återbetalas)", kronor(s->unused, a), PDFDOC_ROW_BOLD);
	pdfdoc_table_draw(d, t);
	pdfdoc_table_free(t);
	pdfdoc_skip(d, 12);
	if (s->comments && *s->comments) {
		pdfdoc_text(d, strcmp(s->kind, "activity-report") == 0 ? "Rapport" : "Kommentarer", 110, PDFDOC_BOLD, PDFDOC_TEXT, 4);
		pdfdoc_text(d, s->comments, 100, 0, PDFDOC_TEXT, 12);
	}
	if (s->nattachments) {
		pdfdoc_text(d, "Bilagor", 110, PDFDOC_BOLD, PDFDOC_TEXT, 4);
		for (size_t i = 0; i < s->nattachments; i++) {
			snprintf(line, sizeof(line), "%s (SHA-256 %s)", s->attachments[i].name, s->attachments[i].sha256);
			char *m = pdfdoc_markup(line);
			pdfdoc_bullet(d, m, 90, PDFDOC_TEXT);
			free(m);
		}
		pdfdoc_skip(d, 10);
	}
	pdfdoc_text(d, "Underskrift", 110, PDFDOC_BOLD, PDFDOC_TEXT, 4);
	snprintf(line, sizeof(line), "Undertecknad %s av %s, %s.", s->date, s->signer, s->authority);
	pdfdoc_text(d, line, 100, 0, PDFDOC_TEXT, 4);
	snprintf(line, sizeof(line), "Identifierad genom %s. Handlingens SHA-256 registreras hos %s med underskriften.",
		 s->method, s->agency);
	pdfdoc_text(d, line, 90, PDFDOC_ITALIC, PDFDOC_MUTED, 0);
	return pdfdoc_close(d, err);
}
