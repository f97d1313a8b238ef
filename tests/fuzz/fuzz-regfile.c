/* fuzz-regfile: recipient registers, "bidrag-register/1" (src/io/regfile.c,
 * regcsv.c).  The first byte chooses what the rest is: a register document
 * (JSON), a grant's breakdown (lines CSV) or a usage account's entries
 * (entries CSV), the CSV read into a small register written here.
 * Properties:
 *   - a refusal has a message naming the input;
 *   - a register that computes (rg_compute) and passes its typed checks is
 *     written year by year as canonical documents (regfile_dump_year),
 *     which read back, compute, and are written as the same text. */
#include "fuzz.h"

#include "recipient.h"
#include "regfile.h"

#define ORIGIN "fuzz-input"

/* The register the CSV inputs go into: one grant, and one usage account
 * with the purposes of examples/register's. */
static const char skeleton[] =
	"{\"format\": \"bidrag-register/1\", \"org\": \"Region Jämtland Härjedalen\", \"years\": [{\"year\": 2020,"
	" \"sections\": [{\"key\": \"s\", \"title\": \"S\"}],"
	" \"grants\": [{\"key\": \"g\", \"title\": \"G\", \"section\": \"s\", \"amount\": \"71 862 709\"},"
	" {\"key\": \"u\", \"title\": \"U\", \"section\": \"s\", \"amount\": \"250 000\", \"usage\": [{\"year\": 2019,"
	" \"title\": \"T\", \"available\": \"250 000\", \"purposes\": ["
	"{\"name\": \"Inflytande, delaktighet och samråd\", \"cost_groups\": [\"lokalhyra\", \"förtäring\", \"arvoden\", \"resekostnader\"]},"
	"{\"name\": \"Språk -och kultur\", \"cost_groups\": [\"språkläger/språkbad\", \"studiecirklar\", \"kulturrevenemang\", \"litteratur-/tidskriftsinköp\"]},"
	"{\"name\": \"Samordning\", \"cost_groups\": [\"personal, lön\", \"OH-kostn.\", \"resor och logi\", \"konferenskostnader\"]},"
	"{\"name\": \"Ärendehandläggning\", \"cost_groups\": [\"tolk/översättning\", \"fortbildning av personal\"]},"
	"{\"name\": \"Övergripande information\", \"cost_groups\": [\"kartläggning\", \"hemsidan\", \"informationsmaterial/ broschyrer\", \"skyltning\"]},"
	"{\"name\": \"Övrigt\", \"cost_groups\": [\"växel/reception\"]}]}]}]}]}";

static void round_trip(const struct rg_register *r)
{
	for (size_t i = 0; i < r->nyears; i++) {
		char *doc = regfile_dump_year(&r->years[i], "23");
		PROP(doc && *doc, "year %d has no canonical document", r->years[i].year);
		struct rg_register back;
		rg_init(&back);
		struct bd_error err = {0};
		int rc = regfile_parse(&back, doc, strlen(doc), "canonical.json", NULL, NULL, &err);
		PROP(rc == 0, "the canonical document of %d is refused: %s\n%s", r->years[i].year, err.msg, doc);
		rc = rg_compute(&back, &err);
		PROP(rc == 0, "the canonical document of %d does not compute: %s\n%s", r->years[i].year, err.msg, doc);
		PROP(back.nyears == 1, "%zu years in the document of one", back.nyears);
		char *again = regfile_dump_year(&back.years[0], "23");
		PROP(strcmp(doc, again) == 0, "the canonical document read back is written otherwise:\n%s\n---\n%s", doc,
		     again);
		free(again);
		free(doc);
		rg_release(&back);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return -1;
	int mode = data[0] % 3;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	struct rg_register r;
	rg_init(&r);
	struct regfile_checks checks = {0};
	struct bd_error err = {0};
	int rc;
	if (mode == 0) {
		rc = regfile_parse(&r, text, len, ORIGIN, NULL, &checks, &err);
	} else {
		rc = regfile_parse(&r, skeleton, strlen(skeleton), "skeleton", NULL, &checks, &err);
		PROP(rc == 0, "the skeleton is refused: %s", err.msg);
		struct rg_grant *g = &r.years[0].grants[mode == 1 ? 0 : 1];
		if (mode == 1)
			rc = regfile_lines_csv(&r, g, text, len, ORIGIN, &err);
		else
			rc = regfile_usage_csv(&r, &g->usage[0], text, len, ORIGIN, &err);
	}
	if (rc) {
		fuzz_refused(&err, ORIGIN);
	} else if (rg_compute(&r, &err)) {
		PROP(err.msg[0], "rg_compute refused without a message");
	} else if (regfile_run_checks(&checks, &err)) {
		PROP(err.msg[0], "a typed sum refused without a message");
	} else {
		round_trip(&r);
	}
	regfile_checks_release(&checks);
	rg_release(&r);
	return 0;
}
