/* test-bankfile.c: the bank's files in and the books out.
 *
 *  - OCR references (ocr.h): made for claim numbers, checked soft, hard and
 *    with the length digit, on Bankgirot's published BgMax examples and on
 *    every single-digit error of references it made;
 *  - every real file in $BIDRAG_BANKDATA (default $BIDRAG_SRC/../shared/
 *    data/bank): the pain.002 reports, the camt.053/054 statements, the
 *    BgMax files and the LB return file, read through bankfile_read with
 *    values read by hand from each file;
 *  - files answering a pain.001 that payfile.c wrote: a pain.002 and a
 *    camt.053 made by tests/bank-answer.py from it (the bank's side, in
 *    Python, not a mock of the readers), and BgMax files paying OCR
 *    references ocr_make made;
 *  - the error paths: truncated files, wrong BgMax totals, a bad check
 *    digit, a camt that does not validate, unknown files, bad fields;
 *  - SIE 4: files sie_write wrote read back by tests/sie-read.py (an
 *    independent reader in Python that checks every verifikation
 *    balances), compared row by row; the two real SIE files read by it too,
 *    and a copy spoiled to show it can fail. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "bankfile.h"
#include "ocr.h"
#include "payfile.h"
#include "readfile.h"
#include "sie.h"
#include "tap.h"

/* ---- helpers ---------------------------------------------------------- */

static char tmpdir[] = "/tmp/bidrag-bankfile-XXXXXX";

static const char *src_dir(void)
{
	const char *s = getenv("BIDRAG_SRC");
	return s && *s ? s : ".";
}

/* bank: the path of a real file below data/bank. */
static const char *bank(const char *rel)
{
	static char bufs[4][1024];
	static int k;
	k = (k + 1) % 4;
	const char *d = getenv("BIDRAG_BANKDATA");
	if (d && *d)
		snprintf(bufs[k], sizeof(bufs[k]), "%s/%s", d, rel);
	else
		snprintf(bufs[k], sizeof(bufs[k]), "%s/../shared/data/bank/%s", src_dir(), rel);
	return bufs[k];
}

static const char *tmp(const char *name)
{
	static char bufs[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(bufs[k], sizeof(bufs[k]), "%s/%s", tmpdir, name);
	return bufs[k];
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len) {
		perror(path);
		exit(2);
	}
	fclose(f);
}

static char *slurp(const char *path, size_t *len)
{
	char *d = NULL;
	size_t n = 0;
	struct bd_error err = {0};
	if (read_file(path, 1 << 26, &d, &n, &err)) {
		diag("%s", err.msg);
		return NULL;
	}
	if (len)
		*len = n;
	return d;
}

/* run: a shell command; its exit status (-1 if it did not run). */
static int run(const char *cmd)
{
	int rc = system(cmd);
	return rc == -1 ? -1 : WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* has: the bytes of s occur in b. */
static bool has(const struct buf *b, const char *s)
{
	return memmem(b->data, b->len, s, strlen(s)) != NULL;
}

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* read_ok: bankfile_read must succeed; says why not. */
static bool read_ok(const char *path, struct bankfile *f, const char *what)
{
	struct bd_error err = {0};
	int rc = bankfile_read(path, f, &err);
	if (rc)
		diag("%s: %s", path, err.msg);
	return ok(rc == 0, "%s reads", what);
}

/* read_fails: bankfile_read must refuse the file with a message holding
 * every NULL-terminated fragment. */
static bool read_fails(const char *path, const char *what, ...)
{
	struct bankfile f;
	struct bd_error err = {0};
	int rc = bankfile_read(path, &f, &err);
	bool good = rc == -1 && f.size == 0;
	va_list ap;
	va_start(ap, what);
	for (const char *s; (s = va_arg(ap, const char *));)
		if (!strstr(err.msg, s)) {
			diag("missing '%s'", s);
			good = false;
		}
	va_end(ap);
	if (!good)
		diag("%s: rc %d, message: %s", path, rc, err.msg);
	if (rc == 0)
		bankfile_free(&f);
	return ok(good, "%s is refused: %s", what, err.msg);
}

/* ---- OCR -------------------------------------------------------------- */

static void test_ocr(void)
{
	char out[OCR_BUFSZ];
	struct bd_error err = {0};
	/* Made from claim numbers; the expected values were computed apart,
	 * by a Luhn in Python. */
	static const char *const made[][2] = {
		{"1234", "123463"}, {"1", "133"}, {"0", "034"}, {"20240001", "2024000107"}, {"007", "00752"},
		{"12345678901234567890123", "1234567890123456789012357"},
	};
	for (size_t i = 0; i < BD_ARRAY_LEN(made); i++) {
		int rc = ocr_make(made[i][0], out, sizeof(out), &err);
		ok(rc == 0 && streq(out, made[i][1]), "ocr_make(%s) = %s (%s)", made[i][0], out, made[i][1]);
	}
	ocr_make_u64(1234, out);
	ok(streq(out, "123463"), "ocr_make_u64(1234) = %s", out);
	ocr_make_u64(UINT64_MAX, out);
	struct ocr_ref r;
	ok(strlen(out) == 22 && ocr_check(out, OCR_LENGTH, &r, &err) == 0, "ocr_make_u64(UINT64_MAX) = %s, valid", out);
	char num[OCR_BUFSZ];
	ok(ocr_number("2024000107", num, sizeof(num), &err) == 0 && streq(num, "20240001"),
	   "ocr_number(2024000107) = %s", num);
	ok(ocr_number("2024000108", num, sizeof(num), &err) == -1 && num[0] == '\0' &&
		   strstr(err.msg, "wrong check digit (expected 7)"),
	   "ocr_number refuses a wrong check digit: %s", err.msg);
	ok(ocr_make("", out, sizeof(out), &err) == -1 && strstr(err.msg, "empty"), "an empty claim number: %s", err.msg);
	ok(ocr_make("12a4", out, sizeof(out), &err) == -1 && strstr(err.msg, "position 3") && out[0] == '\0',
	   "a claim number with a letter: %s", err.msg);
	ok(ocr_make("123456789012345678901234", out, sizeof(out), &err) == -1 && strstr(err.msg, "24 digits"),
	   "a claim number of 24 digits: %s", err.msg);
	ok(ocr_make("1234", out, 6, &err) == -1 && strstr(err.msg, "too small"), "a too small buffer: %s", err.msg);

	/* Bankgirot's published example (BgMax, "Avtal om OCR-kontroll:
	 * checksiffra och längd"): every reference it reports with reference
	 * code 2 passes the variable length control. */
	static const char *const bgmax_ocr[] = {"655969", "657866", "658765", "657767", "657965",
						"650861", "659763", "658260", "658369", "658468"};
	for (size_t i = 0; i < BD_ARRAY_LEN(bgmax_ocr); i++) {
		int rc = ocr_check(bgmax_ocr[i], OCR_LENGTH, &r, &err);
		ok(rc == 0 && r.check_ok && r.length_ok && streq(r.digits, bgmax_ocr[i]),
		   "Bankgirot's example reference %s passes the length and check digits", bgmax_ocr[i]);
	}
	/* BgMaxfil4: 657775 is checked hard (its agreement has no length
	 * digit); 8988777 came with reference code 5, failed. */
	ok(ocr_check("657775", OCR_HARD, &r, &err) == 0 && r.check_ok && !r.length_ok, "657775 passes the hard check");
	ok(ocr_check("657775", OCR_LENGTH, &r, &err) == -1 && strstr(err.msg, "wrong length digit (expected 6)"),
	   "657775 fails the length control: %s", err.msg);
	ok(ocr_check("8988777", OCR_HARD, &r, &err) == -1 && strstr(err.msg, "wrong check digit (expected 6)") &&
		   r.digits[0] == '\0',
	   "8988777 (reference code 5 in BgMaxfil4) fails the hard check: %s", err.msg);
	ok(ocr_check("8988777", OCR_SOFT, &r, &err) == 0 && !r.check_ok && streq(r.digits, "8988777"),
	   "8988777 passes the soft control, marked unchecked");
	ok(ocr_check("1002 633", OCR_SOFT, &r, &err) == 0 && r.check_ok && !r.length_ok && streq(r.digits, "1002633"),
	   "soft: spaces go, the check digit is reported");
	ok(ocr_check("12-34", OCR_SOFT, &r, &err) == -1 && strstr(err.msg, "unexpected character '-'"),
	   "soft still refuses a non-digit: %s", err.msg);
	ok(ocr_check("7", OCR_SOFT, &r, &err) == -1 && strstr(err.msg, "wrong length: 1 digit"),
	   "soft refuses one digit: %s", err.msg);
	ok(ocr_check(NULL, OCR_SOFT, &r, &err) == -1 && strstr(err.msg, "empty"), "soft refuses nothing: %s", err.msg);

	/* What the two control digits buy: every single-digit change and
	 * every dropped digit of a made reference is caught. */
	int caught = 0, tried = 0, dropped = 0, drops = 0;
	for (unsigned long n = 1; n < 2000; n += 7) {
		char ref[OCR_BUFSZ];
		ocr_make_u64(n, ref);
		if (ocr_check(ref, OCR_LENGTH, &r, &err) != 0)
			break;
		size_t len = strlen(ref);
		for (size_t i = 0; i < len; i++) {
			for (char c = '0'; c <= '9'; c++) {
				if (c == ref[i])
					continue;
				char bad[OCR_BUFSZ];
				memcpy(bad, ref, len + 1);
				bad[i] = c;
				tried++;
				caught += ocr_check(bad, OCR_HARD, &r, &err) != 0;
			}
			if (i + 2 < len) { /* a digit of the number: the length digit no longer fits */
				char cut[OCR_BUFSZ];
				memcpy(cut, ref, i);
				memcpy(cut + i, ref + i + 1, len - i);
				drops++;
				dropped += ocr_check(cut, OCR_LENGTH, &r, &err) != 0;
			}
		}
	}
	ok(tried > 1000 && caught == tried, "the check digit catches every single-digit error (%d of %d)", caught, tried);
	ok(drops > 500 && dropped == drops, "the length digit catches every dropped digit of the number (%d of %d)", dropped, drops);
}

/* ---- pain.002: the real reports ----------------------------------------- */

static void test_pain002_real(void)
{
	struct bankfile f;
	if (read_ok(bank("pain002/iso20022js_nordea_pain_002_v3_txn_reject.xml"), &f, "Nordea's transaction reject")) {
		const struct pain002 *r = &f.pain002;
		ok(f.kind == BANKFILE_PAIN002 && r->namespaced, "a pain.002 with its namespace");
		ok(streq(r->msg_id, "XML990920150728124014189") && streq(r->orig_msg_id, "MSGID-950-TEST2-2807-01") &&
			   streq(r->orig_msg_name, "pain.001.001.03") && r->group_status[0] == '\0' &&
			   r->orig_nb_of_txs == -1,
		   "group: message ids, no group status");
		ok(r->npmtinf == 1 && streq(r->pmtinfs[0].id, "PMTINFID-950-TEST2-2807-01") &&
			   streq(r->pmtinfs[0].status, "RJCT") && r->pmtinfs[0].ntx == 2 && r->pmtinfs[0].line == 30,
		   "one payment information block, RJCT, two transactions, line 30");
		const struct pain002_tx *t = r->npmtinf ? r->pmtinfs[0].txs : NULL;
		ok(t && streq(t[0].instr_id, "INSTRID-950-TEST2-2807-02") &&
			   streq(t[0].end_to_end_id, "ENDTOENDID-950-TEST2-2807-02") && streq(t[0].status, "RJCT") &&
			   t[0].line == 33 && t[0].reasons.n == 1 && streq(t[0].reasons.v[0].code, "NARR") &&
			   streq(t[0].reasons.v[0].info,
				 "CAP Invalid code or combinations in CategoryPurpose or ServiceLevel") &&
			   !t[0].has_amount,
		   "transaction 1: ids, RJCT, NARR with its text, line 33");
		ok(t && streq(t[1].end_to_end_id, "ENDTOENDID-950-TEST2-2807-01") &&
			   pain002_outcome(pain002_tx_status(r, &r->pmtinfs[0], &t[1])) == PAIN002_REJECTED,
		   "transaction 2 is rejected");
		ok(streq(bankfile_reason_sv("NARR"), "se bankens förklaring i fritext") &&
			   streq(bankfile_reason_sv("AC01"), "felaktigt kontonummer") && !bankfile_reason_sv("ZZ99"),
		   "reason codes in Swedish");
		bankfile_free(&f);
	}
	if (read_ok(bank("pain002/iso20022js_nordea_pain_002_v3_group_reject.xml"), &f, "Nordea's group reject")) {
		const struct pain002 *r = &f.pain002;
		ok(streq(r->group_status, "RJCT") && pain002_outcome(r->group_status) == PAIN002_REJECTED &&
			   r->npmtinf == 0 && streq(r->orig_msg_id, "MSGID-PS-TEST-0708-01") &&
			   r->group_reasons.n == 1 && streq(r->group_reasons.v[0].code, "DU01") &&
			   streq(r->group_reasons.v[0].info, "ISO Duplicate Message ID") && r->group_line == 21,
		   "the whole file rejected: RJCT, DU01 'ISO Duplicate Message ID'");
		bankfile_free(&f);
	}
	if (read_ok(bank("pain002/iso20022js_goldman_sachs_pain_002_v3_accepted.xml"), &f, "Goldman Sachs' accepted")) {
		const struct pain002 *r = &f.pain002;
		ok(streq(r->orig_msg_id, "10280093XXXX") && !r->orig_msg_name && r->orig_nb_of_txs == 2 &&
			   r->has_ctrl_sum && r->orig_ctrl_sum == 2000,
		   "no OrgnlMsgNmId (optional in the subset), 2 transactions, control sum 20.00");
		const struct pain002_tx *t = r->npmtinf == 1 && r->pmtinfs[0].ntx == 1 ? &r->pmtinfs[0].txs[0] : NULL;
		ok(t && streq(t->end_to_end_id, "GSDGFKfLURaHb") && streq(t->status, "ACCP") &&
			   pain002_outcome(t->status) == PAIN002_ACCEPTED && streq(t->acct_svcr_ref, "I200820000XXXXX") &&
			   t->has_amount && t->amount == 1000 && streq(t->currency, "USD") && t->reasons.n == 1 &&
			   streq(t->reasons.v[0].code, "NARR") && !t->reasons.v[0].info,
		   "the transaction: ACCP, the bank's reference, 10.00 USD kept in its currency");
		ok(r->npmtinf == 1 && r->pmtinfs[0].status[0] == '\0' && r->pmtinfs[0].nb_of_txs == -1,
		   "its block carries no status");
		bankfile_free(&f);
	}
	if (read_ok(bank("pain002/iso20022js_goldman_sachs_pain_002_v3_group_accepted.xml"), &f,
		    "Goldman Sachs' group accepted")) {
		const struct pain002 *r = &f.pain002;
		ok(streq(r->group_status, "ACTC") && pain002_outcome("ACTC") == PAIN002_ACCEPTED &&
			   streq(r->orig_msg_name, "CHECK_DEPOSIT") && r->orig_ctrl_sum == 2700 && r->orig_nb_of_txs == 1 &&
			   r->group_reasons.n == 1 && !r->group_reasons.v[0].code &&
			   streq(r->group_reasons.v[0].info,
				 "File accepted post technical and profile validations Original File Name: 26951.json"),
		   "ACTC, two AddtlInf joined, no reason code");
		bankfile_free(&f);
	}
	if (read_ok(bank("pain002/iso20022js_cross_river_pain_002_transaction_rejected.xml"), &f,
		    "Cross River's report without a namespace")) {
		const struct pain002 *r = &f.pain002;
		ok(f.kind == BANKFILE_PAIN002 && !r->namespaced && streq(r->group_status, "ACTC") &&
			   streq(r->orig_msg_id, "missing2") && r->orig_ctrl_sum == 504,
		   "read as pain.002.001.03 though it has no namespace; control sum 5.0400 is 5.04");
		const struct pain002_pmtinf *p = r->npmtinf == 1 ? &r->pmtinfs[0] : NULL;
		ok(p && streq(p->status, "RJCT") && p->nb_of_txs == 3 && p->ntx == 3 &&
			   streq(p->txs[0].end_to_end_id, "sanity-10-1-12-1-21") &&
			   streq(p->txs[0].instr_id, "example01234567") &&
			   streq(p->txs[0].reasons.v[0].info, "Instruction ID example01234567 already exist") &&
			   streq(p->txs[2].end_to_end_id, "example012345678") && streq(p->txs[2].status, "RJCT"),
		   "three rejected transactions, the CDATA text read");
		ok(p && pain002_outcome(pain002_tx_status(r, p, &p->txs[1])) == PAIN002_REJECTED,
		   "the group's ACTC does not hide the transaction's RJCT");
		bankfile_free(&f);
	}
}

/* ---- camt: the real statements ------------------------------------------- */

static void test_camt_real(void)
{
	struct bankfile f;
	if (read_ok(bank("camt/genkgo_camt053.v2.minimal.xml"), &f, "genkgo's minimal camt.053")) {
		const struct camt *c = &f.camt;
		const struct camt_statement *s = c->nstmts == 1 ? &c->stmts[0] : NULL;
		ok(f.kind == BANKFILE_CAMT053 && c->kind == CAMT_053 && streq(c->msg_id, "CAMT053RIB000000000001") && s &&
			   streq(s->id, "253EURNL26VAYB8060476890") && streq(s->iban, "NL26VAYB8060476890") &&
			   streq(s->account_currency, "EUR") && streq(s->from_date, "2007-10-18") &&
			   streq(s->to_date, "2007-10-18"),
		   "statement, IBAN, currency, period");
		ok(s && s->nbalances == 4 && streq(s->balances[0].type, "OPBD") && s->balances[0].amount == 1815 &&
			   s->balances[0].credit && streq(s->balances[0].currency, "EUR") &&
			   streq(s->balances[0].date, "2014-12-30") && streq(s->balances[3].type, "CLAV") &&
			   s->balances[3].amount == 270000 && streq(s->balances[3].currency, "JPY") &&
			   !s->balances[3].credit,
		   "four balances, each in its own currency (JPY 2700 as 270000 hundredths)");
		const struct camt_entry *e = s && s->nentries == 1 ? &s->entries[0] : NULL;
		ok(e && e->amount == 885 && streq(e->currency, "EUR") && e->credit && !e->reversal &&
			   streq(e->status, "BOOK") && streq(e->booking_date, "2014-12-31") &&
			   streq(e->value_date, "2015-01-02") && streq(e->bank_tx_code, "544"),
		   "the entry: 8.85 EUR credit, booked 2014-12-31, value 2015-01-02, code 544");
		const struct camt_tx *t = e && e->ntx == 1 ? &e->txs[0] : NULL;
		ok(t && !t->end_to_end_id && t->nrefs == 1 && streq(t->refs[0].ref, "4654654654654654") &&
			   streq(t->refs[0].type, "SCOR") && t->refs[0].type_is_code && streq(t->refs[0].issuer, "BBA") &&
			   streq(t->debtor, "NAME NAME") && streq(t->creditor, "Company Name") && !t->returned &&
			   t->has_amount && t->amount_from_entry && t->amount == 885 && streq(t->currency, "EUR") &&
			   streq(t->debtor_account, "NL56AGDH9619008421") && streq(t->creditor_account, "NL56AGDH9619008421"),
		   "its transaction: SCOR reference, parties and their IBANs, the entry's amount (none of its own)");
		bankfile_free(&f);
	}
	if (read_ok(bank("camt/nordea-dk_camt.053.001.02_example.xml"), &f, "Nordea's sample camt.053")) {
		const struct camt *c = &f.camt;
		const struct camt_statement *s = c->nstmts == 1 ? &c->stmts[0] : NULL;
		ok(s && streq(s->iban, "DK0320009876543210") && streq(s->account_currency, "DKK") &&
			   streq(s->owner, "TEST COMPANY") && s->nbalances == 3 && s->nentries == 6,
		   "DKK account, 3 balances, 6 entries");
		int64_t cr = 0, db = 0;
		for (size_t i = 0; s && i < s->nentries; i++)
			if (s->entries[i].credit)
				cr += s->entries[i].amount;
			else
				db += s->entries[i].amount;
		ok(s && s->balances[0].amount + cr - db == s->balances[1].amount && s->balances[1].amount == 4258321,
		   "opening 80259.13 + credits %lld - debits %lld = closing 42583.21", (long long)cr, (long long)db);
		const struct camt_entry *e = s ? s->entries : NULL;
		ok(e && streq(e[0].ntry_ref, "1") && e[0].amount == 10000 && e[0].line == 84 && e[0].ntx == 1 &&
			   e[0].txs[0].nustrd == 10 && streq(e[0].txs[0].ustrd[9], "REMITTANCE INFO LINE 10") &&
			   streq(e[0].bank_tx_code, "PMNT/RCDT/DMCT") && streq(e[0].txs[0].acct_svcr_ref, "6110273894"),
		   "entry 1: 100.00, ten unstructured lines, line 84");
		ok(e && e[1].txs[0].nrefs == 1 && streq(e[1].txs[0].refs[0].ref, "71/000000020211041") &&
			   streq(e[1].txs[0].refs[0].type, "SCOR") && streq(e[1].txs[0].creditor_account, "82424016") &&
			   !e[1].txs[0].amount_from_entry,
		   "entry 2: an OCR (71) creditor reference");
		ok(e && streq(e[2].txs[0].end_to_end_id, "DK_DOM_DK_to_DK-12_3") &&
			   streq(e[2].txs[0].refs[0].ref, "RF12510007547061") && streq(e[2].txs[0].refs[0].issuer, "ISO"),
		   "entry 3: EndToEndId and an RF reference");
		ok(e && e[3].batch_nb_of_txs == 2 && e[3].ntx == 2 && e[3].txs[0].amount == 15000 &&
			   e[3].txs[1].amount == 25000 && e[3].txs[0].amount + e[3].txs[1].amount == e[3].amount &&
			   streq(e[3].txs[1].refs[0].ref, "71/123456789012347"),
		   "entry 4: a batch of two credits adding up to the entry");
		ok(e && !e[4].credit && e[4].amount == 6696250 && streq(e[4].batch_msg_id, "ABC-001668-20201201101640") &&
			   streq(e[4].batch_pmt_inf_id, "0ABC-001668SUPP020201201-01") && e[4].ntx == 2 &&
			   streq(e[4].txs[0].end_to_end_id, "1004916-5637222635-00") && e[4].txs[0].amount == 4017750 &&
			   streq(e[4].txs[1].end_to_end_id, "1004915-5637222634-00") && e[4].txs[1].amount == 2678500 &&
			   streq(e[4].txs[1].ustrd[0], "Fak 209655464") && streq(e[4].txs[0].creditor, "CREDITOR NAME") &&
			   e[4].line == 411,
		   "entry 5: a batch debit of two payments by EndToEndId, 66962.50");
		ok(e && e[5].credit && e[5].amount == 2828658 && streq(e[5].txs[0].currency, "DKK") &&
			   e[5].txs[0].nustrd == 3,
		   "entry 6: a foreign credit, booked in DKK");
		bankfile_free(&f);
	}
	if (read_ok(bank("camt/genkgo_camt054.v2.xml"), &f, "genkgo's camt.054")) {
		const struct camt *c = &f.camt;
		const struct camt_statement *s = c->nstmts == 1 ? &c->stmts[0] : NULL;
		ok(f.kind == BANKFILE_CAMT054 && c->kind == CAMT_054 && s && streq(s->id, "AAAASESS-FP-ACCR001") &&
			   !s->iban && streq(s->account_id, "CH2801234000123456789") && streq(s->owner, "FINPETROL") &&
			   s->nbalances == 0 && s->nentries == 1,
		   "a notification on an Othr account, no balances, one entry");
		const struct camt_entry *e = s && s->nentries ? &s->entries[0] : NULL;
		ok(e && e->amount == 20000000 && streq(e->currency, "SEK") && !e->credit &&
			   streq(e->booking_date, "2007-10-18") && streq(e->value_date, "2007-10-18") &&
			   streq(e->bank_tx_code, "PMNT/ICDT/DMCT") && e->ntx == 3,
		   "200000 SEK debit, booking date from a DtTm, three transactions");
		const struct camt_tx *t = e && e->ntx == 3 ? e->txs : NULL;
		ok(t && streq(t[0].end_to_end_id, "MUELL/FINP/RA12345") && t[0].nustrd == 1 &&
			   streq(t[0].refs[0].ref, "ISR ref number V1") && streq(t[0].refs[0].type, "ISR Reference") &&
			   !t[0].refs[0].type_is_code && streq(t[0].debtor, "MUELLER") && t[2].nustrd == 2 &&
			   t[2].nrefs == 2 && streq(t[2].refs[1].ref, "Ref number V3 block 2") &&
			   streq(t[2].refs[1].type, "SCOR") && t[1].line == 103,
		   "references: proprietary type, two structured blocks");
		bankfile_free(&f);
	}
	read_fails(bank("camt/genkgo_camt053.v2.wrong.xml"), "genkgo's non-validating camt.053",
		   "genkgo_camt053.v2.wrong.xml:3: does not validate against camt.053.001.02.xsd: Element "
		   "'BkToCstmrStmt': Missing child element(s). Expected is ( Stmt ).",
		   NULL);
}

/* ---- BgMax: the real files --------------------------------------------- */

static const struct bgmax_payment *pay(const struct bgmax *b, size_t sec, size_t i)
{
	return sec < b->nsections && i < b->sections[sec].npayments ? &b->sections[sec].payments[i] : NULL;
}

static void test_bgmax_real(void)
{
	struct bankfile f;
	if (read_ok(bank("bgmax/fabhed_bankgiroinbetalningar_exempelfil_ocr.txt"), &f, "Bankgirot's OCR example")) {
		const struct bgmax *b = &f.bgmax;
		ok(f.kind == BANKFILE_BGMAX && streq(b->timestamp, "2004-05-25 17:30:35.010331") && !b->test &&
			   streq(b->version, "01") && b->nsections == 2 && b->n_payments == 6 && b->n_deductions == 1 &&
			   b->n_extra == 6 && b->n_deposits == 2 && b->ignored == 0,
		   "start and end records: 6 payments, 1 deduction, 6 extra references, 2 deposits");
		const struct bgmax_section *s = b->nsections == 2 ? b->sections : NULL;
		ok(s && streq(s[0].bankgiro, "9912346") && streq(s[0].currency, "SEK") && s[0].npayments == 3 &&
			   s[0].total == 190000 && s[0].count == 3 && streq(s[0].date, "2004-05-25") &&
			   streq(s[0].account, "5841000001009823") && streq(s[0].deposit_serial, "00074") &&
			   s[0].line == 2 && s[0].end_line == 23,
		   "section 1: bankgiro 991-2346, 1 900,00 kr on 2004-05-25, lines 2-23");
		const struct bgmax_payment *p = pay(b, 0, 0);
		ok(p && p->item.tk == 20 && streq(p->item.sender_bankgiro, "3783511") && streq(p->item.reference, "655969") &&
			   p->item.ref_code == 2 && p->item.amount == 100000 && p->item.channel == 2 &&
			   streq(p->item.serial, "000000000010") && p->item.image == 0 && streq(p->name, "Kalles Plåt AB") &&
			   streq(p->address, "Storgatan 2") && streq(p->postcode, "12345") && streq(p->town, "Storåker") &&
			   streq(p->orgnr, "5500001234") && p->item.line == 3,
		   "payment 1: OCR 655969, 1 000,00 kr, the payer's name in UTF-8");
		p = pay(b, 0, 1);
		ok(p && p->item.tk == 21 && streq(p->item.reference, "89853") && p->item.ref_code == 3 &&
			   p->item.amount == 50000 && bgmax_net(p) == -50000 && p->item.deduction_code == 0,
		   "a deduction of 500,00 kr counts negative");
		p = pay(b, 0, 2);
		ok(p && streq(p->item.reference, "657866 658765 657767") && p->item.ref_code == 3 && p->nextra == 4 &&
			   streq(p->extra[3].reference, "657965") && p->extra[3].ref_code == 2 && p->extra[3].line == 17 &&
			   p->extra[0].amount == 0 && p->ninfo == 1 && streq(p->info[0], "Betalning med extra refnr 657965"),
		   "payment 3: four extra references, the one on the line with TABs (17) read as 657965");
		ok(s && s[1].npayments == 4 && s[1].total == 800000 && s[1].count == 4, "section 2: 4 payments, 8 000,00 kr");
		p = pay(b, 1, 1);
		ok(p && p->item.reference[0] == '\0' && p->item.ref_code == 1 && p->item.amount == 120000 &&
			   p->item.image == 1 && streq(p->name, "Berits Garn"),
		   "a payment without reference, with an image of the form");
		p = pay(b, 1, 3);
		ok(p && streq(p->item.reference, "658260") && p->nextra == 2 && p->ninfo == 2 &&
			   streq(p->info[1], "Faktura 658468"),
		   "the last payment: two extra references, two texts");
		bankfile_free(&f);
	}
	if (read_ok(bank("bgmax/zimpler_BgMaxfil4.txt"), &f, "Bankgirot's BgMaxfil4")) {
		const struct bgmax *b = &f.bgmax;
		ok(b->nsections == 4 && b->n_payments == 9 && b->n_deductions == 0 && b->n_extra == 13 && b->n_deposits == 4,
		   "4 sections, 9 payments, 13 extra references");
		const struct bgmax_section *s = b->sections;
		ok(b->nsections == 4 && s[0].total == 370000 && s[1].total == 200000 && s[2].total == 290000 &&
			   s[3].total == 400000 && streq(s[3].currency, "EUR") && streq(s[0].currency, "SEK"),
		   "totals 3 700, 2 000, 2 900 SEK and 4 000 EUR: the EUR section kept with its currency");
		const struct bgmax_payment *p = pay(b, 0, 1);
		ok(p && streq(p->orgnr, "550000432") && streq(p->name, "Olles färg AB") && streq(p->item.reference, "524967"),
		   "an organisation number one digit short is kept as written");
		p = pay(b, 2, 3);
		ok(p && p->item.sender_bankgiro[0] && p->item.amount == 140000 && p->nextra == 4 && p->extra[2].ref_code == 5 &&
			   streq(p->extra[2].reference, "8988777") && p->extra[3].tk == 23 && p->extra[3].amount == 50000 &&
			   streq(p->extra[3].reference, "74450"),
		   "extra references: one failed the OCR control (code 5), one negative (23)");
		p = pay(b, 2, 2);
		ok(p && p->item.sender_bankgiro[0] == '\0' && streq(p->item.reference, "535765"),
		   "a payment with no sender bankgiro");
		p = pay(b, 3, 0);
		ok(p && streq(p->item.reference, "8012577,8013575") && p->item.ref_code == 3 && p->nextra == 3,
		   "EUR section: two references in one field");
		bankfile_free(&f);
	}
	/* notima's file (2010): its deposit records' payment date reads
	 * 10100324, which is no date (an account number edited in place); the
	 * reader refuses it and says where.  With the date put right, it reads. */
	read_fails(bank("bgmax/notima_BGMAX_Sample1.txt"), "notima's BgMax with a broken date",
		   "notima_BGMAX_Sample1.txt:8:38: record 15 (deposit): payment date (columns 38-45) is '10100324', "
		   "expected a date YYYYMMDD",
		   NULL);
	size_t len;
	char *d = slurp(bank("bgmax/notima_BGMAX_Sample1.txt"), &len);
	if (d) {
		for (char *q = d; (q = strstr(q, "73711111110100324")); q += 17)
			memcpy(q + 9, "20100324", 8); /* the date field only */
		write_file(tmp("notima-fixed.txt"), d, len);
		free(d);
		if (read_ok(tmp("notima-fixed.txt"), &f, "notima's BgMax with the date put right")) {
			const struct bgmax *b = &f.bgmax;
			const struct bgmax_payment *p = pay(b, 0, 0);
			ok(b->nsections == 2 && streq(b->sections[0].date, "2010-03-24") && p && p->item.amount == 3708700 &&
				   streq(p->item.reference, "100252            1000014") && p->item.ref_code == 3 &&
				   streq(p->name, "CYBERPHOTO AB") && streq(p->extra_name, "BOX 1226") &&
				   streq(p->town, "UMEÅ"),
			   "37 087,00 kr with two references, from CYBERPHOTO AB, UMEÅ");
			p = pay(b, 1, 0);
			ok(p && p->item.amount == 1437500 && streq(p->item.reference, "1002633") && p->item.ref_code == 2 &&
				   !p->orgnr && streq(p->postcode, "136 48"),
			   "14 375,00 kr with OCR 1002633");
			bankfile_free(&f);
		}
	}
	read_fails(bank("lb/notima_GEUT_LBATER_Sample1.txt"), "an LB return file", "notima_GEUT_LBATER_Sample1.txt: ",
		   "not supported: a Bankgirot Leverantörsbetalningar (LB) file", NULL);
}

/* ---- answers to a pain.001 bidrag wrote ------------------------------------ */

static const char *answer(void)
{
	static char buf[1024];
	snprintf(buf, sizeof(buf), "python3 '%s/tests/bank-answer.py'", src_dir());
	return buf;
}

static void test_generated(void)
{
	struct payment_row rows[] = {
		{.id = "p1", .dnr = "S2024/00001", .part = "1", .recipient = "01", .recipient_name = "Region Stockholm",
		 .payee_name = "Region Stockholm", .orgnr = "232100-0016", .bankgiro = "5050-1055", .amount = 150000000},
		{.id = "p2", .dnr = "S2024/00001", .part = "1", .recipient = "03", .recipient_name = "Region Uppsala",
		 .payee_name = "Region Uppsala", .orgnr = "232100-0024", .bankgiro = "5051-6905", .reference = "123463",
		 .amount = 4500050},
		{.id = "p3", .dnr = "S2024/00001", .part = "1", .recipient = "04", .recipient_name = "Region Sörmland",
		 .payee_name = "Region Sörmland", .orgnr = "232100-0032", .plusgiro = "3 70 20-5", .amount = 99},
		{.id = "p4", .dnr = "S2024/00001", .part = "1", .recipient = "05", .recipient_name = "Region Östergötland",
		 .payee_name = "Region Östergötland", .orgnr = "232100-0040", .bankgiro = "9990-0011", .amount = 1},
	};
	struct payfile_header h = {"BATCH-7", "2024-03-15", "Kammarkollegiet", "202100-0829", "5052-5781"};
	struct buf out;
	buf_init(&out, 1 << 20);
	struct bd_error err = {0};
	if (!ok(pain001_write(&h, rows, BD_ARRAY_LEN(rows), &out, &err) == 0, "pain001_write: a batch of four")) {
		diag("%s", err.msg);
		buf_release(&out);
		return;
	}
	write_file(tmp("pain001.xml"), out.data, out.len);
	buf_release(&out);
	char cmd[4096];
	struct bankfile f;

	/* The bank accepts three and rejects one: AC01. */
	snprintf(cmd, sizeof(cmd), "%s pain002 '%s' --reject 'BATCH-7-3:AC01:Kontot finns inte' > '%s'", answer(),
		 tmp("pain001.xml"), tmp("pain002.xml"));
	ok(run(cmd) == 0, "bank-answer.py writes a pain.002 for it");
	if (read_ok(tmp("pain002.xml"), &f, "the pain.002 answering our pain.001")) {
		const struct pain002 *r = &f.pain002;
		ok(streq(r->orig_msg_id, "BATCH-7") && r->orig_nb_of_txs == 4 && r->orig_ctrl_sum == 154500150 &&
			   streq(r->group_status, "PART") && pain002_outcome(r->group_status) == PAIN002_PARTIAL,
		   "the original message: BATCH-7, 4 payments, 1 545 001,50 kr, partly accepted");
		const struct pain002_pmtinf *p = r->npmtinf == 1 ? &r->pmtinfs[0] : NULL;
		ok(p && streq(p->id, "BATCH-7-1") && p->ntx == 4, "its payment information block BATCH-7-1");
		int accepted = 0, rejected = 0;
		int64_t sum = 0;
		for (size_t i = 0; p && i < p->ntx; i++) {
			const struct pain002_tx *t = &p->txs[i];
			char want[32];
			snprintf(want, sizeof(want), "BATCH-7-%zu", i + 1);
			if (!streq(t->end_to_end_id, want) || t->amount != rows[i].amount || !streq(t->currency, "SEK"))
				break;
			sum += t->amount;
			enum pain002_outcome o = pain002_outcome(pain002_tx_status(r, p, t));
			accepted += o == PAIN002_ACCEPTED;
			if (o == PAIN002_REJECTED && i == 2 && t->reasons.n == 1 && streq(t->reasons.v[0].code, "AC01") &&
			    streq(t->reasons.v[0].info, "Kontot finns inte"))
				rejected++;
		}
		ok(accepted == 3 && rejected == 1 && sum == 154500150,
		   "each EndToEndId as pain001_write wrote it, with its amount: 3 accepted, BATCH-7-3 rejected AC01");
		bankfile_free(&f);
	}
	/* The whole file rejected, and a report without a namespace. */
	snprintf(cmd, sizeof(cmd), "%s pain002 '%s' --reject-file 'FF01:Schema error' --no-namespace > '%s'", answer(),
		 tmp("pain001.xml"), tmp("pain002-file.xml"));
	if (ok(run(cmd) == 0, "bank-answer.py writes a whole-file rejection") &&
	    read_ok(tmp("pain002-file.xml"), &f, "the rejection of the whole file")) {
		ok(!f.pain002.namespaced && streq(f.pain002.group_status, "RJCT") && f.pain002.npmtinf == 0 &&
			   streq(f.pain002.group_reasons.v[0].code, "FF01") && streq(f.pain002.orig_msg_id, "BATCH-7"),
		   "RJCT at group level, FF01, no transactions");
		bankfile_free(&f);
	}

	/* The statement: the batch booked as one debit but BATCH-7-3 (it was
	 * rejected), BATCH-7-2 returned AC04, and a repayment by OCR. */
	char claim[OCR_BUFSZ];
	ocr_make("20240001", claim, sizeof(claim), &err);
	snprintf(cmd, sizeof(cmd),
		 "%s camt053 '%s' --date 2024-03-15 --skip BATCH-7-3 --return BATCH-7-2:AC04 --credit '%s:1234.56:Region "
		 "Gotland' --credit '99:5.00' --currency SEK > '%s'",
		 answer(), tmp("pain001.xml"), claim, tmp("camt053.xml"));
	ok(run(cmd) == 0, "bank-answer.py writes a camt.053 for it");
	if (read_ok(tmp("camt053.xml"), &f, "the camt.053 booking our batch")) {
		const struct camt *c = &f.camt;
		const struct camt_statement *s = c->nstmts == 1 ? &c->stmts[0] : NULL;
		ok(s && streq(s->account_id, "50525781") && streq(s->account_scheme, "BGNR") && s->nentries == 4,
		   "the agency's bankgiro account, four entries");
		const struct camt_entry *e = s && s->nentries == 4 ? s->entries : NULL;
		ok(e && !e[0].credit && streq(e[0].status, "BOOK") && streq(e[0].booking_date, "2024-03-15") &&
			   e[0].amount == 150000000 + 4500050 + 1 && e[0].ntx == 3 && streq(e[0].batch_msg_id, "BATCH-7") &&
			   streq(e[0].batch_pmt_inf_id, "BATCH-7-1") && e[0].batch_nb_of_txs == 3 &&
			   e[0].has_batch_amount && e[0].batch_amount == e[0].amount,
		   "a batch debit of the three payments sent through");
		ok(e && streq(e[0].txs[0].end_to_end_id, "BATCH-7-1") && e[0].txs[0].amount == 150000000 &&
			   streq(e[0].txs[1].end_to_end_id, "BATCH-7-2") && e[0].txs[1].nrefs == 1 &&
			   streq(e[0].txs[1].refs[0].ref, "123463") && streq(e[0].txs[2].end_to_end_id, "BATCH-7-4") &&
			   e[0].txs[2].amount == 1 && streq(e[0].txs[0].creditor, "Region Stockholm"),
		   "each transaction by EndToEndId and amount, the OCR reference kept");
		ok(e && e[1].credit && e[1].ntx == 1 && e[1].txs[0].returned && streq(e[1].txs[0].return_code, "AC04") &&
			   streq(e[1].txs[0].end_to_end_id, "BATCH-7-2") && e[1].amount == 4500050,
		   "the returned payment: a credit with RtrInf AC04 and its EndToEndId");
		ok(e && e[2].credit && e[2].amount == 123456 && streq(e[2].currency, "SEK") && e[2].txs[0].nrefs == 1 &&
			   streq(e[2].txs[0].refs[0].ref, claim) && streq(e[2].txs[0].refs[0].type, "SCOR") &&
			   !e[2].txs[0].returned && streq(e[2].txs[0].debtor, "Region Gotland"),
		   "the repayment: 1 234,56 kr with the claim's OCR %s", claim);
		ok(s && s->balances[0].amount - e[0].amount + e[1].amount + e[2].amount + e[3].amount == s->balances[1].amount,
		   "opening - debit + credits = closing");
		bankfile_free(&f);
	}
	/* A repayment in euro: read, and reported in EUR. */
	snprintf(cmd, sizeof(cmd), "%s camt053 '%s' --date 2024-03-16 --skip BATCH-7-1 --skip BATCH-7-2 --skip BATCH-7-3 "
		 "--skip BATCH-7-4 --credit '%s:10.00' --currency EUR > '%s'",
		 answer(), tmp("pain001.xml"), claim, tmp("camt053-eur.xml"));
	if (ok(run(cmd) == 0, "a camt.053 with a credit in EUR") && read_ok(tmp("camt053-eur.xml"), &f, "it")) {
		const struct camt_entry *e = f.camt.nstmts && f.camt.stmts[0].nentries == 1 ? f.camt.stmts[0].entries : NULL;
		ok(e && e->credit && streq(e->currency, "EUR") && e->amount == 1000 && streq(e->txs[0].currency, "EUR"),
		   "the credit keeps its currency EUR, for the matcher to refuse");
		bankfile_free(&f);
	}

	/* BgMax: two repayments by claim OCR to the agency's bankgiro. */
	char claim2[OCR_BUFSZ];
	ocr_make_u64(20240002, claim2);
	snprintf(cmd, sizeof(cmd),
		 "%s bgmax --bankgiro 5052-5781 --date 2024-04-02 --pay '%s:1234.56:5050-1055:Region Stockholm' "
		 "--pay '%s:0.01' > '%s'",
		 answer(), claim, claim2, tmp("bgmax.txt"));
	ok(run(cmd) == 0, "bank-answer.py writes a BgMax file");
	if (read_ok(tmp("bgmax.txt"), &f, "the BgMax file of two repayments")) {
		const struct bgmax *b = &f.bgmax;
		const struct bgmax_payment *p = pay(b, 0, 0);
		ok(b->test && b->nsections == 1 && streq(b->sections[0].bankgiro, "50525781") &&
			   streq(b->sections[0].date, "2024-04-02") && b->sections[0].total == 123457 && p &&
			   streq(p->item.reference, claim) && p->item.ref_code == 2 && p->item.amount == 123456 &&
			   streq(p->item.sender_bankgiro, "50501055") && streq(p->name, "Region Stockholm"),
		   "the repayment by OCR %s on 2024-04-02", claim);
		struct ocr_ref r;
		ok(p && ocr_check(p->item.reference, OCR_LENGTH, &r, &err) == 0 && pay(b, 0, 1) &&
			   ocr_check(pay(b, 0, 1)->item.reference, OCR_LENGTH, &r, &err) == 0 &&
			   ocr_number(pay(b, 0, 1)->item.reference, claim, sizeof(claim), &err) == 0 &&
			   streq(claim, "20240002"),
		   "both references pass the length control and give back their claim numbers");
		bankfile_free(&f);
	}
	snprintf(cmd, sizeof(cmd), "%s bgmax --bankgiro 5052-5781 --date 2024-04-02 --pay '%s:10.00' --wrong-total > '%s'",
		 answer(), claim2, tmp("bgmax-total.txt"));
	if (ok(run(cmd) == 0, "a BgMax file whose deposit total is 1,00 kr off"))
		read_fails(tmp("bgmax-total.txt"), "a wrong deposit total", "bgmax-total.txt:4: record 15 (deposit)",
			   "the deposit amount is 11,00 SEK but its section's payments less deductions (lines 2-4) add up "
			   "to 10,00 SEK",
			   NULL);
	snprintf(cmd, sizeof(cmd), "%s bgmax --bankgiro 5052-5781 --date 2024-04-02 --pay '%s:10.00' --wrong-count > '%s'",
		 answer(), claim2, tmp("bgmax-count.txt"));
	if (ok(run(cmd) == 0, "a BgMax file whose end record counts one payment too many"))
		read_fails(tmp("bgmax-count.txt"), "a wrong end count", "bgmax-count.txt:5: record 70 (end)",
			   "counts 2 payment (20)", "but the file has 1, 0, 0 and 1", NULL);
}

/* ---- error paths ------------------------------------------------------- */

/* variant: a copy of a real file with `from` replaced by `to` (first only). */
static const char *variant(const char *real, const char *name, const char *from, const char *to)
{
	size_t len;
	char *d = slurp(real, &len);
	if (!d)
		return tmp("missing");
	char *at = strstr(d, from);
	struct buf b;
	buf_init(&b, 1 << 26);
	if (at) {
		buf_add(&b, d, (size_t)(at - d));
		buf_adds(&b, to);
		buf_add(&b, at + strlen(from), len - (size_t)(at - d) - strlen(from));
	} else {
		diag("variant: '%s' not in %s", from, real);
	}
	write_file(tmp(name), b.data, b.len);
	buf_release(&b);
	free(d);
	return tmp(name);
}

/* truncated_lines: the first n lines of a real file. */
static const char *truncated_lines(const char *real, const char *name, int n)
{
	size_t len, k = 0;
	char *d = slurp(real, &len);
	for (int i = 0; i < n && k < len; k++)
		if (d[k] == '\n')
			i++;
	write_file(tmp(name), d, k);
	free(d);
	return tmp(name);
}

/* truncated: the first n bytes of a real file. */
static const char *truncated(const char *real, const char *name, size_t n)
{
	size_t len;
	char *d = slurp(real, &len);
	write_file(tmp(name), d, n < len ? n : len);
	free(d);
	return tmp(name);
}

static void test_errors(void)
{
	const char *nordea = bank("camt/nordea-dk_camt.053.001.02_example.xml");
	read_fails(truncated(nordea, "cut.xml", 9000), "a camt.053 cut short", "cut.xml:", "not well-formed XML",
		   "Premature end of data", NULL);
	read_fails(variant(nordea, "amount3.xml", "<Amt Ccy=\"DKK\">300.00</Amt>", "<Amt Ccy=\"DKK\">300.005</Amt>"),
		   "an amount with a third decimal", "amount3.xml:222: Stmt 1, Ntry 3 (NtryRef 3): Amt: '300.005' has more "
		   "than two decimals", NULL);
	read_fails(variant(nordea, "badsts.xml", "<Sts>BOOK</Sts>", "<Sts>DONE</Sts>"), "an entry status not in ISO",
		   "badsts.xml:88: Stmt 1 (Id 2020-09-25-030731-DKK8496), Ntry 1 (NtryRef 1), Sts: does not validate "
		   "against camt.053.001.02.xsd: Element 'Sts': [facet 'enumeration'] The value 'DONE' is not an element of "
		   "the set {'BOOK', 'PDNG', 'INFO'}",
		   NULL);
	read_fails(variant(nordea, "v8.xml", "camt.053.001.02\"", "camt.053.001.08\""), "a camt.053 of another version",
		   "v8.xml: not supported: camt.053.001.08; bidrag reads camt.053.001.02", NULL);
	read_fails(variant(nordea, "nons.xml", " xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"", ""),
		   "a camt.053 without its namespace", "nons.xml:2: a camt.053 statement without an XML namespace", NULL);
	const char *txn = bank("pain002/iso20022js_nordea_pain_002_v3_txn_reject.xml");
	read_fails(variant(txn, "txsts.xml", "<TxSts>RJCT</TxSts>", "<TxSts>NOPE</TxSts>"), "a pain.002 status not in ISO",
		   "txsts.xml:36: OrgnlPmtInfAndSts 1 (OrgnlPmtInfId PMTINFID-950-TEST2-2807-01), TxInfAndSts 1 "
		   "(OrgnlEndToEndId ENDTOENDID-950-TEST2-2807-02), TxSts: does not validate against pain.002.001.03 (the "
		   "subset bidrag reads",
		   "The value 'NOPE' is not an element of the set", NULL);
	read_fails(variant(txn, "order.xml", "<OrgnlMsgId>MSGID-950-TEST2-2807-01</OrgnlMsgId>", ""),
		   "a pain.002 without its original message id",
		   "order.xml:28: OrgnlGrpInfAndSts, OrgnlMsgNmId: does not validate", "Expected is ( OrgnlMsgId )", NULL);
	read_fails(variant(txn, "p001.xml", "pain.002.001.03\"", "pain.001.001.03\""), "a pain.001 (bidrag's own kind)",
		   "p001.xml: not supported: a payment file (pain.001.001.03)", NULL);
	read_fails(variant(txn, "p002v10.xml", "pain.002.001.03\"", "pain.002.001.10\""), "a newer pain.002",
		   "p002v10.xml: not supported: a payment status report of version pain.002.001.10", NULL);

	const char *fab = bank("bgmax/fabhed_bankgiroinbetalningar_exempelfil_ocr.txt");
	read_fails(truncated(fab, "cut.txt", 1500), "a BgMax file cut inside a section",
		   "cut.txt:19: the file ends inside the section opened at line 2", NULL);
	read_fails(truncated_lines(fab, "cut2.txt", 23), "a BgMax file cut after a deposit",
		   "cut2.txt:23: the file ends without its end record 70", NULL);
	read_fails(variant(fab, "letter.txt", "655969000000000000100000", "655969000000000000100O00"),
		   "a letter in an amount",
		   "letter.txt:3:38: record 20 (payment): amount in öre (columns 38-55) is '000000000000100O00', expected digits",
		   NULL);
	read_fails(variant(fab, "sum.txt", "655969000000000000100000", "655969000000000000100100"),
		   "a payment changed so the deposit no longer adds up", "sum.txt:23: record 15 (deposit)",
		   "1 900,00 SEK", "1 901,00 SEK", NULL);
	read_fails(variant(fab, "tab.txt", "220003783511                   658369", "2200037835\t\t658369"),
		   "a TAB where digits belong",
		   "tab.txt:41:3: record 22 (extra reference): sender bankgiro (columns 3-12) is '00037835  ', expected digits", NULL);
	read_fails(variant(fab, "tab2.txt", "                   655969", "\t\t\t655969"),
		   "TABs that push a record past 80 columns", "tab2.txt:3: the record is 81 columns long", NULL);
	read_fails(variant(fab, "tab3.txt", "                   655969", "\t\t655969"),
		   "TABs that leave the fields out of their columns",
		   "tab3.txt:3:58: record 20 (payment): BGC serial number (columns 58-69) is '000100      ', expected digits", NULL);
	read_fails(variant(fab, "ocr.txt", "                   655969", "                   65596X"),
		   "a non-digit in an OCR-checked reference",
		   "ocr.txt:3:13: record 20 (payment): reference (columns 13-37) is '                   65596X', expected "
		   "the digits of an OCR number",
		   NULL);
	read_fails(variant(fab, "ccy.txt", "SEK00000003", "EUR00000003"), "a deposit in another currency than its section",
		   "ccy.txt:23: record 15 (deposit): the deposit is in EUR but its section (opened at line 2) is in SEK",
		   NULL);
	read_fails(variant(fab, "long.txt", "Storgatan 2                        12345", "Storgatan 2                        12345                                          X"),
		   "a record longer than 80 columns", "long.txt:5: the record is 123 columns long, expected at most 80",
		   NULL);
	/* The example saved as UTF-8 by an editor: "Kalles PlÃ¥t AB". */
	read_fails(variant(fab, "utf8.txt", "26Kalles Pl\xE5t AB", "26Kalles Pl\xC3\xA5t AB"),
		   "a BgMax file saved as UTF-8",
		   "utf8.txt:4: the record is 81 columns long, expected at most 80 (the line holds UTF-8 characters: a "
		   "BgMax file is ISO 8859-1",
		   NULL);
	read_fails(variant(fab, "order.txt", "050009912346          SEK", "200009912346          SEK"),
		   "a payment before its section opens", "order.txt:2: record 20 (payment): a payment outside a section",
		   NULL);
	read_fails(variant(fab, "layout.txt", "01BGMAX  ", "01BGMIN  "), "not a BgMax layout",
		   "layout.txt: not a bank file bidrag reads (it starts '01BGMIN", NULL);

	const char *csv = tmp("payees.csv");
	write_file(csv, "orgnr;namn\n232100-0016;Region Stockholm\n", 38);
	read_fails(csv, "a CSV file", "payees.csv: not a bank file bidrag reads (it starts 'orgnr;namn')",
		   "expected a pain.002", NULL);
	write_file(tmp("empty.txt"), "", 0);
	read_fails(tmp("empty.txt"), "an empty file", "empty.txt: empty", NULL);
	const char *other = "<?xml version=\"1.0\"?><Invoice xmlns=\"urn:x\"><Id>1</Id></Invoice>";
	write_file(tmp("other.xml"), other, strlen(other));
	read_fails(tmp("other.xml"), "another XML document",
		   "other.xml: not a bank file bidrag reads: an XML document whose root is <Invoice> in the namespace urn:x",
		   NULL);
	read_fails(tmp("does-not-exist.xml"), "a file that is not there", "cannot open", "does-not-exist.xml", NULL);
}

/* Every prefix of every real file: read whole or refused with the file's
 * name, never a crash or a partial result (run under ASan in make check). */
static void test_prefixes(void)
{
	static const char *const real[] = {
		"pain002/iso20022js_nordea_pain_002_v3_txn_reject.xml",
		"pain002/iso20022js_nordea_pain_002_v3_group_reject.xml",
		"pain002/iso20022js_goldman_sachs_pain_002_v3_accepted.xml",
		"pain002/iso20022js_goldman_sachs_pain_002_v3_group_accepted.xml",
		"pain002/iso20022js_cross_river_pain_002_transaction_rejected.xml",
		"camt/genkgo_camt053.v2.minimal.xml",
		"camt/genkgo_camt054.v2.xml",
		"camt/nordea-dk_camt.053.001.02_example.xml",
		"bgmax/fabhed_bankgiroinbetalningar_exempelfil_ocr.txt",
		"bgmax/zimpler_BgMaxfil4.txt",
	};
	for (size_t i = 0; i < BD_ARRAY_LEN(real); i++) {
		size_t len;
		char *d = slurp(bank(real[i]), &len);
		if (!d)
			continue;
		int read = 0, refused = 0, wrong = 0;
		for (size_t cut = 0; cut < len; cut += 1 + cut % 61) {
			struct bankfile f;
			struct bd_error err = {0};
			/* A copy of exactly cut bytes, so that ASan sees a read past it. */
			char *part = xmalloc(cut ? cut : 1);
			memcpy(part, d, cut);
			int rc = bankfile_parse(part, cut, "part", &f, &err);
			free(part);
			if (rc == 0) {
				/* Only a cut in the blanks after the end record's counts
				 * leaves the whole file: the same sections and payments. */
				read++;
				if (f.kind != BANKFILE_BGMAX || cut + 50 < len || f.bgmax.n_payments < 6) {
					wrong++;
					diag("%s cut at %zu of %zu reads", real[i], cut, len);
				}
				bankfile_free(&f);
			} else if (strncmp(err.msg, "part", 4) == 0 && f.size == 0) {
				refused++;
			} else {
				wrong++;
				diag("%s cut at %zu: %s", real[i], cut, err.msg);
			}
		}
		ok(wrong == 0 && refused > 20, "%s: %d prefixes refused with the file named, %d read whole", real[i],
		   refused, read);
		free(d);
	}
}

/* ---- SIE 4 -------------------------------------------------------------- */

/* sie_read: tests/sie-read.py on path; its JSON (NULL when it refused the
 * file: its message in why). */
static json_t *sie_read(const char *path, bool strict, char *why, size_t whylen)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "python3 '%s/tests/sie-read.py' --json %s '%s' > '%s' 2> '%s'", src_dir(),
		 strict ? "--strict" : "", path, tmp("sie.json"), tmp("sie.err"));
	int rc = run(cmd);
	why[0] = '\0';
	if (rc != 0) {
		char *e = slurp(tmp("sie.err"), NULL);
		snprintf(why, whylen, "%s", e ? e : "?");
		free(e);
		size_t l = strlen(why);
		while (l && why[l - 1] == '\n')
			why[--l] = '\0';
		return NULL;
	}
	json_error_t je;
	json_t *j = json_load_file(tmp("sie.json"), 0, &je);
	if (!j)
		snprintf(why, whylen, "the reader's JSON: %s", je.text);
	return j;
}

static const char *js(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void test_sie(void)
{
	/* The real files: read, and every verifikation balances. */
	char why[2048];
	json_t *j = sie_read(bank("sie/jsisie_Sie4.se"), false, why, sizeof(why));
	ok(j && json_array_size(json_object_get(j, "ver")) == 70 && streq(js(j, "orgnr"), "556654-7898") &&
		   streq(js(j, "fnamn"), "Demoföretaget AB"),
	   "sie-read.py reads jsisie_Sie4.se: 70 balanced verifikationer, PC8 decoded (Demoföretaget AB) %s", why);
	json_decref(j);
	j = sie_read(bank("sie/jsisie_SIE4_Exempelfil_med_underdim.SE"), false, why, sizeof(why));
	size_t rows = 0;
	json_t *v;
	size_t i;
	json_array_foreach(json_object_get(j, "ver"), i, v) rows += json_array_size(json_object_get(v, "trans"));
	ok(j && json_array_size(json_object_get(j, "ver")) == 295 && rows == 1330,
	   "sie-read.py reads SIE-Gruppen's example with dimensions: 295 verifikationer, 1330 rows %s", why);
	json_decref(j);
	/* The reader can fail: one amount changed in a real file. */
	j = sie_read(variant(bank("sie/jsisie_Sie4.se"), "spoiled.se", "6010      { }            500.00",
			     "6010      { }            500.01"),
		     false, why, sizeof(why));
	ok(!j && strstr(why, "spoiled.se:712: verifikation 1 1 (20140131) does not balance: its #TRANS add up to 1 öre"),
	   "a verifikation made not to balance is refused by the reader: %s", why);
	json_decref(j);

	/* --strict, what bidrag's own files must pass, is stricter: the real
	 * file's non-numeric account DIFF is refused. */
	j = sie_read(bank("sie/jsisie_Sie4.se"), true, why, sizeof(why));
	ok(!j && strstr(why, "jsisie_Sie4.se:592: account 'DIFF' is not numeric"),
	   "sie-read.py --strict refuses the real file's account DIFF: %s", why);
	json_decref(j);

	/* What bidrag writes. */
	static const struct sie_account accounts[] = {
		{"1930", "Bankgiro"}, {"2890", "Övriga kortfristiga skulder"}, {"4650", "Lämnade bidrag – regioner"},
	};
	static const struct sie_dim dims[] = {{SIE_DIM_ANSLAG, "Anslag"}, {SIE_DIM_ANSLAGSPOST, "Anslagspost"}};
	static const struct sie_object objects[] = {
		{SIE_DIM_ANSLAG, "9 1:6", "Bidrag till folkhälsa och sjukvård"},
		{SIE_DIM_ANSLAGSPOST, "9 1:6 ap.40", "Jämlik sjukvård \"särskilt\""},
		{SIE_DIM_ANSLAGSPOST, "9 1:6 ap.41", "Förlossningsvård"},
	};
	static const struct sie_objref ap40[] = {{SIE_DIM_ANSLAG, "9 1:6"}, {SIE_DIM_ANSLAGSPOST, "9 1:6 ap.40"}};
	static const struct sie_objref ap41[] = {{SIE_DIM_ANSLAG, "9 1:6"}, {SIE_DIM_ANSLAGSPOST, "9 1:6 ap.41"}};
	static const struct sie_trans v1[] = {
		{"4650", ap40, 2, 150000000, "Region Stockholm"},
		{"4650", ap41, 2, 4500050, NULL},
		{"1930", NULL, 0, -154500050, NULL},
	};
	static const struct sie_trans v2[] = {
		{"1930", NULL, 0, 123456, "Återbetalning 2024000107"},
		{"4650", ap40, 2, -123456, NULL},
	};
	static const struct sie_trans v3[] = {{"2890", NULL, 0, -1, NULL}, {"4650", ap41, 2, 1, NULL}};
	static const struct sie_ver vers[] = {
		{"A", 1, "2024-03-15", "Utbetalning BATCH-7 – S2024/00001", "2024-03-16", v1, 3},
		{"A", 2, "2024-04-02", "Återbetalning, krav 20240001", NULL, v2, 2},
		{"B", 1, "2024-12-31", "Rättelse \u2018öre\u2019…", NULL, v3, 2},
	};
	static const struct sie_year years[] = {{"2024-01-01", "2024-12-31"}, {"2023-01-01", "2023-12-31"}};
	struct sie_file sf = {
		.program = "bidrag", .version = "0.1.0", .generated = "2025-01-10", .signature = "Anna Ek",
		.company = "Kammarkollegiet", .orgnr = "2021000829", .years = years, .nyears = 2, .kptyp = "EUBAS97",
		.currency = "SEK", .accounts = accounts, .naccounts = 3, .dims = dims, .ndims = 2, .objects = objects,
		.nobjects = 3, .vers = vers, .nvers = 3,
	};
	struct buf out;
	buf_init(&out, 1 << 20);
	struct bd_error err = {0};
	int rc = sie_write(&sf, &out, &err);
	if (!ok(rc == 0, "sie_write: three verifikationer")) {
		diag("%s", err.msg);
		buf_release(&out);
		return;
	}
	write_file(tmp("bidrag.si"), out.data, out.len);
	static const char head[] = "#FLAGGA 0\r\n#PROGRAM \"bidrag\" \"0.1.0\"\r\n#FORMAT PC8\r\n#GEN 20250110 \"Anna Ek\"\r\n"
			    "#SIETYP 4\r\n#ORGNR 202100-0829\r\n#FNAMN \"Kammarkollegiet\"\r\n#RAR 0 20240101 20241231\r\n"
			    "#RAR -1 20230101 20231231\r\n#KPTYP EUBAS97\r\n#VALUTA SEK\r\n#KONTO 1930 \"Bankgiro\"\r\n";
	ok(out.len > sizeof(head) && memcmp(out.data, head, sizeof(head) - 1) == 0,
	   "the header records in the spec's order, CR LF");
	ok(has(&out, "#KONTO 4650 \"L\x84mnade bidrag - regioner\""),
	   "PC8: ä is 0x84, an en dash written as '-'");
	ok(has(&out, "#TRANS 4650 {20 \"9 1:6\" 21 \"9 1:6 ap.40\"} 1500000.00 20240315 \"Region Stockholm\"\r\n"),
	   "a row: account, both dimensions' objects, amount, date and text");
	ok(has(&out, "\"J\x84mlik sjukv\x86rd \\\"s\x84rskilt\\\"\""), "a '\"' escaped as \\\"");
	buf_release(&out);
	j = sie_read(tmp("bidrag.si"), true, why, sizeof(why));
	ok(j != NULL, "sie-read.py --strict reads what sie_write wrote: every verifikation balances %s", why);
	json_t *jv = json_object_get(j, "ver");
	bool same = json_array_size(jv) == BD_ARRAY_LEN(vers);
	for (size_t k = 0; same && k < BD_ARRAY_LEN(vers); k++) {
		json_t *x = json_array_get(jv, k);
		char d8[9], num[24];
		snprintf(d8, sizeof(d8), "%.4s%.2s%.2s", vers[k].date, vers[k].date + 5, vers[k].date + 8);
		snprintf(num, sizeof(num), "%ld", vers[k].number);
		same &= streq(js(x, "series"), vers[k].series) && streq(js(x, "number"), num) && streq(js(x, "date"), d8);
		json_t *tr = json_object_get(x, "trans");
		same &= json_array_size(tr) == vers[k].nrows;
		for (size_t r = 0; same && r < vers[k].nrows; r++) {
			json_t *t = json_array_get(tr, r);
			const struct sie_trans *w = &vers[k].rows[r];
			json_t *objs = json_object_get(t, "objects");
			same &= streq(js(t, "account"), w->account) &&
				json_integer_value(json_object_get(t, "amount")) == w->amount &&
				json_array_size(objs) == w->nobjects;
			for (size_t o = 0; same && o < w->nobjects; o++) {
				json_t *pair = json_array_get(objs, o);
				same &= json_integer_value(json_array_get(pair, 0)) == w->objects[o].dim &&
					streq(json_string_value(json_array_get(pair, 1)), w->objects[o].id);
			}
			if (w->text)
				same &= streq(js(t, "text"), w->text);
		}
		if (!same)
			diag("verifikation %zu differs", k + 1);
	}
	ok(j && same, "read back: every verifikation, row, account, object and amount (öre) as written");
	ok(j && streq(js(json_array_get(jv, 1), "text"), "Återbetalning, krav 20240001") &&
		   streq(js(json_array_get(jv, 2), "text"), "Rättelse 'öre'...") &&
		   streq(js(json_array_get(jv, 0), "text"), "Utbetalning BATCH-7 - S2024/00001") &&
		   streq(js(json_array_get(jv, 0), "regdate"), "20240316") &&
		   streq(json_string_value(json_object_get(json_object_get(json_object_get(j, "objekt"), "21"),
						   "9 1:6 ap.40")),
			 "Jämlik sjukvård \"särskilt\"") &&
		   streq(json_string_value(json_object_get(json_object_get(j, "dim"), "20")), "Anslag") &&
		   json_array_size(json_object_get(json_object_get(j, "rar"), "-1")) == 2 && streq(js(j, "kptyp"), "EUBAS97"),
	   "texts through PC8 and back: å, ä, ö, quotes, typographic forms");
	json_decref(j);

	/* What sie_write refuses, writing nothing. */
	struct sie_file bad;
	struct sie_ver bv[3];
	struct sie_trans bt[3];
#define REFUSE(what_, expect_)                                                                                         \
	do {                                                                                                           \
		struct buf o2;                                                                                         \
		buf_init(&o2, 1 << 20);                                                                                \
		buf_adds(&o2, "kept");                                                                                 \
		struct bd_error e2 = {0};                                                                              \
		int r2 = sie_write(&bad, &o2, &e2);                                                                    \
		bool g2 = r2 == -1 && o2.len == 4 && strstr(e2.msg, expect_) != NULL;                                  \
		if (!g2)                                                                                               \
			diag("rc %d, len %zu, message: %s", r2, o2.len, e2.msg);                                       \
		ok(g2, "sie_write refuses %s: %s", what_, e2.msg);                                                     \
		buf_release(&o2);                                                                                      \
	} while (0)
#define RESET()                                                                                                        \
	do {                                                                                                           \
		bad = sf;                                                                                              \
		memcpy(bv, vers, sizeof(bv));                                                                          \
		memcpy(bt, v1, sizeof(bt));                                                                            \
		bv[0].rows = bt;                                                                                       \
		bad.vers = bv;                                                                                         \
	} while (0)
	RESET();
	bt[2].amount = -154500049;
	REFUSE("a verifikation that does not balance",
	       "SIE: verifikation A 1 (2024-03-15, \"Utbetalning BATCH-7 – S2024/00001\"): does not balance: debit "
	       "154500050 öre, credit 154500049 öre, a difference of 1 öre too much debit");
	RESET();
	bt[1].account = "4651";
	REFUSE("an account not declared (the row)", "row 2: account '4651' is not declared");
	RESET();
	static const struct sie_objref undeclared[] = {{SIE_DIM_ANSLAGSPOST, "9 1:6 ap.99"}};
	bt[0].objects = undeclared;
	bt[0].nobjects = 1;
	REFUSE("an object not declared", "row 1: object '9 1:6 ap.99' of dimension 21 is not declared");
	RESET();
	static const struct sie_objref twice[] = {{SIE_DIM_ANSLAG, "9 1:6"}, {SIE_DIM_ANSLAG, "9 1:6"}};
	bt[0].objects = twice;
	REFUSE("two objects of one dimension", "row 1: two objects of dimension 20");
	RESET();
	bv[1].date = "2025-01-02";
	REFUSE("a date outside the financial years", "verifikation A 2 (2025-01-02, \"Återbetalning, krav 20240001\"): "
						     "dated outside the financial years in #RAR (2023-01-01 to 2024-12-31");
	RESET();
	bv[1].number = 1;
	REFUSE("a number that does not rise in its series", "comes after A 1: SIE requires rising numbers");
	RESET();
	bv[1].series = "A-2";
	REFUSE("a series with a dash", "the series 'A-2' is not letters and digits");
	RESET();
	bv[1].nrows = 0;
	REFUSE("a verifikation without rows", "has no rows");
	RESET();
	bv[0].text = "Utbetalning \xE2\x82\xAC"; /* € is not in codepage 437 */
	REFUSE("a character PC8 lacks", "the text 'Utbetalning €': the character '€' (U+20AC) at character 13 cannot be "
					"written in PC8");
	RESET();
	bv[0].text = "rad 1\nrad 2";
	REFUSE("a newline in a text", "a control character (U+000A) at character 6");
	RESET();
	bv[0].text = "C:\\";
	REFUSE("a backslash at the end of a text", "a backslash at the end at character 3");
	RESET();
	static const struct sie_dim reserved[] = {{SIE_DIM_ANSLAG, "Anslag"}, {12, "Annat"}};
	bad.dims = reserved;
	REFUSE("a reserved dimension number", "#DIM 12: the dimension number is reserved");
	RESET();
	bad.orgnr = "202100-0828";
	REFUSE("a wrong organisation number", "header: #ORGNR: invalid organisationsnummer '202100-0828': wrong check digit");
	RESET();
	bad.kptyp = "SBAS";
	REFUSE("an unknown chart of accounts", "#KPTYP 'SBAS' is not a chart of accounts SIE names");
	RESET();
	static const struct sie_account dup[] = {{"1930", "Bankgiro"}, {"1930", "Bank"}};
	bad.accounts = dup;
	bad.naccounts = 2;
	REFUSE("an account declared twice", "#KONTO 1930: the account is declared twice");
	RESET();
	static const struct sie_account alpha[] = {{"DIFF", "Diff"}};
	bad.accounts = alpha;
	bad.naccounts = 1;
	REFUSE("an account that is not digits", "#KONTO DIFF: the account number is not digits");
	RESET();
	static const struct sie_year backwards[] = {{"2024-12-31", "2024-01-01"}};
	bad.years = backwards;
	bad.nyears = 1;
	REFUSE("a financial year backwards", "#RAR 0: '2024-12-31' to '2024-01-01' is not a financial year");
#undef REFUSE
#undef RESET
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	if (access(bank("README.md"), R_OK) != 0) {
		printf("not ok 1 - the real bank files: %s is not there (set BIDRAG_SRC or BIDRAG_BANKDATA)\n1..1\n",
		       bank("README.md"));
		return 1;
	}
	test_ocr();
	test_pain002_real();
	test_camt_real();
	test_bgmax_real();
	test_generated();
	test_errors();
	test_prefixes();
	test_sie();
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		diag("could not remove %s", tmpdir);
	return tap_done();
}
