/* fuzz-decisionfile: decision files, "bidrag-decision/1" JSON
 * (src/io/decisionfile.c).  Properties:
 *   - a refusal has a message naming the file;
 *   - the canonical form of a decision read (decisionfile_dump) is read
 *     back, and its canonical form is the same text: the writer writes
 *     nothing the reader refuses or reads otherwise;
 *   - decision_check of a decision read either passes or says why. */
#include "fuzz.h"

#include "decision.h"
#include "decisionfile.h"

#define ORIGIN "fuzz-input.json"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decision d;
	decision_init(&d);
	struct bd_error err = {0};
	if (decisionfile_parse(&d, (const char *)data, size, ORIGIN, &err)) {
		fuzz_refused(&err, ORIGIN);
		decision_release(&d);
		return 0;
	}
	char *dump = decisionfile_dump(&d);
	PROP(dump && *dump, "no canonical form");
	struct decision back;
	decision_init(&back);
	int rc = decisionfile_parse(&back, dump, strlen(dump), "canonical.json", &err);
	PROP(rc == 0, "its canonical form is refused: %s\n%s", err.msg, dump);
	char *again = decisionfile_dump(&back);
	PROP(strcmp(dump, again) == 0, "the canonical form read back is written otherwise:\n%s\n---\n%s", dump, again);
	struct decision_warnings w = {0};
	struct bd_error cerr = {0};
	if (decision_check(&d, &w, &cerr))
		PROP(cerr.msg[0], "decision_check refused without a message");
	decision_warnings_release(&w);
	free(again);
	free(dump);
	decision_release(&back);
	decision_release(&d);
	return 0;
}
