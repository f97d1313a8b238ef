/* pain002.h: reading ISO 20022 pain.002.001.03, the bank's Customer
 * Payment Status Report that answers a pain.001 (payfile.h).
 *
 * A report says, at up to three levels, what the bank did with the file:
 *
 *   group                (OrgnlGrpInfAndSts)  the whole pain.001, by OrgnlMsgId
 *   payment information  (OrgnlPmtInfAndSts)  a PmtInf block, by OrgnlPmtInfId
 *   transaction          (TxInfAndSts)        one payment, by OrgnlEndToEndId
 *
 * each with a status code (GrpSts / PmtInfSts / TxSts: ACTC, ACCP, ACSP,
 * ACSC, ACWC, RCVD, PDNG, PART, RJCT; see pain002_outcome) and reasons
 * (StsRsnInf: Rsn/Cd such as AC01, AC04, AM04, NARR, or Rsn/Prtry, and
 * AddtlInf free text).  A level may be missing, and a status may be left
 * out where a lower level carries it.  What a status means for a payment is
 * for the caller to decide; the usual reading: a transaction's own status
 * if it has one, else its payment information block's, else the group's.
 *
 * No plain ISO schema of pain.002.001.03 was at hand: the file is checked
 * against data/iso20022/pain.002.001.03.subset.xsd, written for bidrag (its
 * comment says what it covers and where it departs from ISO), before
 * anything is read from it.  A report without an XML namespace (some banks
 * send one) is read as pain.002.001.03.
 *
 * Amounts are hundredths of the currency unit (öre for SEK), exact; an
 * amount in a currency other than SEK is reported with its currency, not
 * converted or dropped. */
#ifndef BIDRAG_PAIN002_H
#define BIDRAG_PAIN002_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define PAIN002_NS "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"

/* One StsRsnInf. */
struct pain002_reason {
	const char *code;     /* Rsn/Cd (an ISO external code: AC01, AM04, NARR, ...), or NULL */
	const char *prtry;    /* Rsn/Prtry (the bank's own code), or NULL */
	const char *info;     /* the AddtlInf lines joined with " ", or NULL */
	long line;
};

struct pain002_reasons {
	struct pain002_reason *v;
	size_t n;
};

/* One TxInfAndSts: one payment of the original pain.001. */
struct pain002_tx {
	const char *status_id;      /* StsId, or NULL */
	const char *instr_id;       /* OrgnlInstrId, or NULL */
	const char *end_to_end_id;  /* OrgnlEndToEndId, or NULL */
	char status[5];             /* TxSts, or "" when the transaction carries none */
	struct pain002_reasons reasons;
	const char *acct_svcr_ref;  /* AcctSvcrRef (the bank's reference), or NULL */
	bool has_amount;            /* OrgnlTxRef/Amt/InstdAmt was given */
	int64_t amount;             /* its hundredths */
	char currency[4];           /* its Ccy */
	long line;
};

/* One OrgnlPmtInfAndSts. */
struct pain002_pmtinf {
	const char *id;             /* OrgnlPmtInfId */
	char status[5];             /* PmtInfSts, or "" */
	struct pain002_reasons reasons;
	long nb_of_txs;             /* OrgnlNbOfTxs, -1 when absent */
	bool has_ctrl_sum;
	int64_t ctrl_sum;           /* OrgnlCtrlSum in hundredths */
	struct pain002_tx *txs;
	size_t ntx;
	long line;
};

struct pain002 {
	bool namespaced;            /* false: the file had no XML namespace */
	const char *msg_id;         /* GrpHdr/MsgId: the report's own id */
	const char *created;        /* GrpHdr/CreDtTm as written */
	const char *orig_msg_id;    /* OrgnlGrpInfAndSts/OrgnlMsgId: the pain.001's MsgId */
	const char *orig_msg_name;  /* OrgnlMsgNmId ("pain.001.001.03"), or NULL */
	char group_status[5];       /* GrpSts, or "" */
	struct pain002_reasons group_reasons;
	long orig_nb_of_txs;        /* -1 when absent */
	bool has_ctrl_sum;
	int64_t orig_ctrl_sum;      /* hundredths */
	long group_line;
	struct pain002_pmtinf *pmtinfs;
	size_t npmtinf;
	struct strpool pool;        /* every string above */
};

/* pain002_parse: read a pain.002 from data[0..len); origin names it in
 * messages.  On success fills *out (release with pain002_free).  On failure
 * -1 with err "ORIGIN:LINE: ..." naming what is wrong and where (the first
 * schema error when it does not validate), and *out empty. */
int pain002_parse(const char *data, size_t len, const char *origin, struct pain002 *out, struct bd_error *err);

/* pain002_from_doc: the same for a parsed document (bankfile.c): doc is
 * changed (a file without a namespace gets pain.002's) but not freed. */
struct _xmlDoc;
int pain002_from_doc(struct _xmlDoc *doc, const char *origin, struct pain002 *out, struct bd_error *err);

void pain002_free(struct pain002 *r);

/* What a status code means. */
enum pain002_outcome {
	PAIN002_NONE,     /* "": no status at this level */
	PAIN002_RECEIVED, /* RCVD: received, not yet checked */
	PAIN002_ACCEPTED, /* ACTC, ACCP, ACSP, ACWC: accepted (technically, by profile, for settlement, with change) */
	PAIN002_SETTLED,  /* ACSC: settlement on the debtor's account completed */
	PAIN002_PENDING,  /* PDNG */
	PAIN002_PARTIAL,  /* PART: some transactions accepted, some rejected (group or block only) */
	PAIN002_REJECTED, /* RJCT */
	PAIN002_UNKNOWN,  /* anything else (the schema refuses it; kept for safety) */
};
enum pain002_outcome pain002_outcome(const char *status);

/* pain002_tx_status: the status that applies to a transaction: its own,
 * else its block's, else the group's ("" when none says). */
const char *pain002_tx_status(const struct pain002 *r, const struct pain002_pmtinf *p, const struct pain002_tx *t);

#endif
