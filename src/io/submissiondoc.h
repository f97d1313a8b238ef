/* submissiondoc.h: a requisition, a financial report or an activity report
 * as the PDF its signer signs: the organisation, the decision and part it
 * cites, the figures, the comments, the attachments by name and SHA-256,
 * and who signs with what authority.  The document's SHA-256 is what the
 * signature binds, so the same fields make the same bytes (no time of day
 * in it).  Nothing of the register: the caller fills the fields. */
#ifndef BIDRAG_SUBMISSIONDOC_H
#define BIDRAG_SUBMISSIONDOC_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

struct submission_doc_attachment {
	const char *name, *sha256;
};

struct submission_doc {
	const char *kind;                   /* "requisition", "financial-report", "activity-report" */
	int64_t number;                     /* the submission's number */
	const char *agency;                 /* to whom */
	const char *org, *org_name, *orgnr; /* from whom */
	const char *dnr, *decision_title, *part, *part_title;
	const char *deadline;               /* the part's deadline for it, or NULL */
	bool has_amount, has_unused;
	int64_t amount, unused;             /* öre */
	const char *comments;
	const struct submission_doc_attachment *attachments;
	size_t nattachments;
	const char *signer;                 /* who signs */
	const char *authority;              /* "firmatecknare enligt <document>, giltig från <date>" */
	const char *method;                 /* how the signer is identified, in words */
	const char *date;                   /* the day signed */
};

/* submission_doc_title: the document's title in Swedish ("Rekvisition"). */
const char *submission_doc_title(const char *kind);

/* submission_doc_write: the document to path.  0, or -1 with err. */
int submission_doc_write(const struct submission_doc *s, const char *path, struct bd_error *err);

#endif
