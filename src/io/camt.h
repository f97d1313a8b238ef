/* camt.h: reading ISO 20022 camt.053.001.02 (Bank to Customer Statement,
 * the end-of-day statement) and camt.054.001.02 (Bank to Customer Debit
 * Credit Notification).
 *
 * Both list entries (Ntry) on an account: an amount, credit or debit,
 * status BOOK (booked) or PDNG (pending) or INFO, booking and value dates,
 * the bank transaction code, and details: one TxDtls per transaction, many
 * for a batch entry (a pain.001's payments booked as one debit).  What a
 * matcher needs of a transaction: its EndToEndId (a payment bidrag sent:
 * payfile.h writes "<batch>-<n>"), its structured creditor reference
 * (CdtrRefInf/Ref: an OCR number, type SCOR), the unstructured remittance
 * text, and for a returned payment its return reason (RtrInf/Rsn/Cd).
 *
 * The file is validated against the ISO schema compiled in from
 * data/iso20022/ (camt.053.001.02.xsd, camt.054.001.02.xsd) before anything
 * is read: a file that does not validate is refused whole, with the first
 * schema error's line and message.
 *
 * Amounts are hundredths of the currency unit (öre for SEK), exact; an
 * amount with a non-zero third decimal is refused.  Currencies are reported
 * as written (Ccy), never converted or dropped: a credit in EUR is a
 * credit in EUR, for the matcher to refuse.  Dates are YYYY-MM-DD (the date
 * part of a DtTm as written). */
#ifndef BIDRAG_CAMT_H
#define BIDRAG_CAMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define CAMT053_NS "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
#define CAMT054_NS "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"

enum camt_kind { CAMT_053, CAMT_054 };

/* A structured creditor reference (RmtInf/Strd/CdtrRefInf). */
struct camt_ref {
	const char *ref;      /* Ref: "71/000000020211041", an OCR number, an RF reference */
	const char *type;     /* Tp/CdOrPrtry/Cd ("SCOR") or Prtry ("ISR Reference"), or NULL */
	bool type_is_code;    /* type came from Cd, not Prtry */
	const char *issuer;   /* Tp/Issr, or NULL */
};

/* One TxDtls: one transaction of an entry. */
struct camt_tx {
	const char *msg_id, *acct_svcr_ref, *pmt_inf_id, *instr_id, *end_to_end_id, *tx_id; /* Refs/..., or NULL */
	bool has_amount;           /* AmtDtls/TxAmt/Amt or, failing that, AmtDtls/InstdAmt/Amt; or the
				    * entry's own amount when it is the entry's only transaction */
	bool amount_from_entry;    /* the amount is the entry's (the file gave none for the transaction) */
	int64_t amount;            /* hundredths */
	char currency[4];
	struct camt_ref *refs;     /* every Strd/CdtrRefInf */
	size_t nrefs;
	const char **ustrd;        /* every RmtInf/Ustrd line */
	size_t nustrd;
	const char *debtor, *creditor; /* RltdPties/Dbtr/Nm, Cdtr/Nm, or NULL */
	const char *debtor_account, *creditor_account; /* RltdPties/DbtrAcct, CdtrAcct: Id/IBAN or Id/Othr/Id, or NULL */
	bool returned;             /* RtrInf is present: a payment coming back */
	const char *return_code;   /* RtrInf/Rsn/Cd (AC01, AC04, AM04, MS03, ...), or NULL */
	const char *return_prtry;  /* RtrInf/Rsn/Prtry, or NULL */
	const char *return_info;   /* RtrInf/AddtlInf joined with " ", or NULL */
	long line;
};

/* One Ntry. */
struct camt_entry {
	const char *ntry_ref;      /* NtryRef, or NULL */
	const char *acct_svcr_ref; /* AcctSvcrRef, or NULL */
	int64_t amount;            /* hundredths, > 0 or 0; the direction is `credit` */
	char currency[4];
	bool credit;               /* CdtDbtInd CRDT (else DBIT) */
	bool reversal;             /* RvslInd true: this entry reverses an earlier one */
	char status[5];            /* Sts: BOOK, PDNG, INFO */
	char booking_date[11];     /* BookgDt, or "" */
	char value_date[11];       /* ValDt, or "" */
	const char *bank_tx_code;  /* BkTxCd: "PMNT/ICDT/DMCT" (Domn/Fmly/SubFmly), else Prtry/Cd, or NULL */
	const char *batch_msg_id, *batch_pmt_inf_id; /* NtryDtls/Btch/MsgId, PmtInfId, or NULL */
	long batch_nb_of_txs;      /* NtryDtls/Btch/NbOfTxs, -1 when absent */
	bool has_batch_amount;
	int64_t batch_amount;      /* NtryDtls/Btch/TtlAmt in hundredths */
	struct camt_tx *txs;       /* every NtryDtls/TxDtls, in file order (the reader does not
				    * require a batch's amounts to add up to the entry's: the
				    * matcher compares what it matches) */
	size_t ntx;
	const char *addtl_info;    /* AddtlNtryInf, or NULL */
	long line;
};

/* One Bal of a statement. */
struct camt_balance {
	const char *type;          /* Tp/CdOrPrtry/Cd (OPBD, CLBD, CLAV, ...) or Prtry */
	int64_t amount;            /* hundredths, >= 0; the sign is `credit` */
	char currency[4];
	bool credit;
	char date[11];
	long line;
};

/* One Stmt (camt.053) or Ntfctn (camt.054). */
struct camt_statement {
	const char *id;
	const char *created;       /* CreDtTm as written, or NULL */
	const char *iban;          /* Acct/Id/IBAN, or NULL */
	const char *account_id;    /* Acct/Id/Othr/Id, or NULL */
	const char *account_scheme; /* Acct/Id/Othr/SchmeNm/Cd or Prtry (BBAN, BGNR, ...), or NULL */
	char account_currency[4];  /* Acct/Ccy, or "" */
	const char *owner;         /* Acct/Ownr/Nm, or NULL */
	char from_date[11], to_date[11]; /* FrToDt, or "" */
	struct camt_balance *balances;
	size_t nbalances;
	struct camt_entry *entries;
	size_t nentries;
	long line;
};

struct camt {
	enum camt_kind kind;
	const char *msg_id;        /* GrpHdr/MsgId */
	const char *created;       /* GrpHdr/CreDtTm as written */
	struct camt_statement *stmts;
	size_t nstmts;
	struct strpool pool;
};

/* camt_parse: read a camt.053.001.02 or camt.054.001.02 (told apart by
 * the namespace) from data[0..len); origin names it in messages.  On
 * success fills *out (release with camt_free).  On failure -1 with err
 * "ORIGIN:LINE: ..." (the first schema error, or the entry and element at
 * fault) and *out empty. */
int camt_parse(const char *data, size_t len, const char *origin, struct camt *out, struct bd_error *err);

/* camt_from_doc: the same for a parsed document (bankfile.c); doc is not freed. */
struct _xmlDoc;
int camt_from_doc(struct _xmlDoc *doc, const char *origin, struct camt *out, struct bd_error *err);

void camt_free(struct camt *c);

/* camt_kind_name: "camt.053.001.02", "camt.054.001.02". */
const char *camt_kind_name(enum camt_kind k);

#endif
