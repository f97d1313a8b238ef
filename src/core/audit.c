/* audit.c: hashing and checking the audit log's chain.  See audit.h. */
#include "audit.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "decision.h"
#include "payee.h"

static void field(crypto_hash_sha256_state *h, const char *s)
{
	/* "N:text\n", N the length, or "-\n" for none. */
	char len[32];
	if (!s) {
		crypto_hash_sha256_update(h, (const unsigned char *)"-\n", 2);
		return;
	}
	size_t n = strlen(s);
	int k = snprintf(len, sizeof(len), "%zu:", n);
	crypto_hash_sha256_update(h, (const unsigned char *)len, (unsigned long long)k);
	crypto_hash_sha256_update(h, (const unsigned char *)s, (unsigned long long)n);
	crypto_hash_sha256_update(h, (const unsigned char *)"\n", 1);
}

void audit_hash(const struct audit_entry *e, char out[65])
{
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	char seq[32];
	snprintf(seq, sizeof(seq), "%lld", (long long)e->seq);
	field(&h, "bidrag-audit/1");
	field(&h, seq);
	field(&h, e->at);
	field(&h, e->actor);
	field(&h, e->action);
	field(&h, e->object);
	field(&h, e->before);
	field(&h, e->after);
	field(&h, e->prev);
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(out, 65, d, sizeof(d));
}

void audit_check_init(struct audit_check *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->head, AUDIT_GENESIS);
}

static void problem(struct audit_check *c, audit_problem_fn fn, void *ctx, int64_t seq, const char *msg)
{
	c->problems++;
	if (fn)
		fn(ctx, seq, msg);
}

void audit_check_entry(struct audit_check *c, const struct audit_entry *e, audit_problem_fn fn, void *ctx)
{
	char msg[400];
	if (e->seq != c->last_seq + 1) {
		if (e->seq > c->last_seq + 1)
			snprintf(msg, sizeof(msg), "entries %lld to %lld are missing (removed from the log)",
				 (long long)c->last_seq + 1, (long long)e->seq - 1);
		else
			snprintf(msg, sizeof(msg), "entry %lld comes after entry %lld (the log is out of order)",
				 (long long)e->seq, (long long)c->last_seq);
		problem(c, fn, ctx, e->seq, msg);
	}
	if (!e->prev || strcmp(e->prev, c->head) != 0) {
		snprintf(msg, sizeof(msg),
			 "entry %lld does not follow the entry before it: it names the previous hash %.12s…, "
			 "the log has %.12s… (an entry before it was changed, removed or moved)",
			 (long long)e->seq, e->prev ? e->prev : "(none)", c->head);
		problem(c, fn, ctx, e->seq, msg);
	}
	char h[65];
	audit_hash(e, h);
	if (!e->sha256 || strcmp(h, e->sha256) != 0) {
		snprintf(msg, sizeof(msg),
			 "entry %lld (%s %s by %s at %s) was changed: its content does not match its hash",
			 (long long)e->seq, e->action ? e->action : "?", e->object ? e->object : "?",
			 e->actor ? e->actor : "?", e->at ? e->at : "?");
		problem(c, fn, ctx, e->seq, msg);
	}
	/* Continue the chain from what is stored, so one changed entry is
	 * reported once, not again for every entry after it. */
	snprintf(c->head, sizeof(c->head), "%s", e->sha256 ? e->sha256 : "");
	c->last_seq = e->seq;
	c->n++;
}

/* The audit log as people read it.  See audit.h. */

#define K(k) (1u << (k))

static const struct audit_action actions[] = {
	{"decision.register", "Beslut registrerat", AUDIT_KIND_DECISION},
	{"appropriation.set", "Anslagspost registrerad", AUDIT_KIND_APPROPRIATION},
	{"dataset.register", "Nyckeldata registrerade med ett beslut", AUDIT_KIND_DATASET},
	{"dataset.seed", "Nyckeldata lästa från den inbyggda referensdatan", AUDIT_KIND_DATASET},
	{"dataset.import", "Nyckeldata importerade", AUDIT_KIND_DATASET},
	{"ledger.record", "Händelser registrerade i reskontran", AUDIT_KIND_DECISION},
	{"payment-file.export", "Utbetalningsfil skapad", AUDIT_KIND_BATCH},
	{"payment-file.second-format", "Utbetalningsfil skapad i ett andra format", AUDIT_KIND_BATCH},
	{"reference.seed", "Inbyggda organisationer och grupper inlästa", AUDIT_KIND_REFERENCE},
	{"org.add", "Organisation tillagd", AUDIT_KIND_ORG},
	{"org.set", "Organisationens uppgifter ändrade", AUDIT_KIND_ORG},
	{"payee.import", "Betalningsmottagare inlästa från fil", AUDIT_KIND_FILE},
	{"payee.add", "Betalningsmottagare tillagd", AUDIT_KIND_ORG},
	{"payee.reference", "Betalningsreferens ändrad", AUDIT_KIND_ORG},
	{"payee.propose", "Ändring av betalningsmottagarens konto föreslagen", AUDIT_KIND_CHANGE},
	{"payee.approve", "Ändring av betalningsmottagarens konto godkänd", AUDIT_KIND_ORG},
	{"payee.reject", "Ändring av betalningsmottagarens konto avvisad", AUDIT_KIND_CHANGE},
	{"recipient-register.import", "Mottagarens sammanställning av statsbidrag inlämnad", AUDIT_KIND_REGISTER},
	{"bank import", "Bankfil inläst", AUDIT_KIND_FILE},
	{"bank match propose", "Bankpost föreslagen som betalning", AUDIT_KIND_BANK_ENTRY},
	{"bank match approve", "Bankpostens matchning godkänd", AUDIT_KIND_BANK_ENTRY},
	{"bank match reject", "Bankpostens matchning avvisad", AUDIT_KIND_BANK_ENTRY},
	{"signatory.add", "Behörig företrädare registrerad", AUDIT_KIND_SIGNATORY},
	{"signatory.revoke", "Behörig företrädares behörighet återkallad", AUDIT_KIND_SIGNATORY},
	{"submission.draft", "Handling påbörjad av mottagaren", AUDIT_KIND_SUBMISSION},
	{"submission.amend", "Handling ändrad av mottagaren", AUDIT_KIND_SUBMISSION},
	{"submission.attach", "Bilaga fogad till handling", AUDIT_KIND_SUBMISSION},
	{"submission.sign", "Handling undertecknad och inlämnad", AUDIT_KIND_SUBMISSION},
	{"submission.accept", "Handling godkänd av handläggaren", AUDIT_KIND_SUBMISSION},
	{"submission.return", "Handling återsänd för komplettering", AUDIT_KIND_SUBMISSION},
	{"calendar.new", "Personlig kalenderlänk skapad", AUDIT_KIND_USER},
	{"calendar.revoke", "Personlig kalenderlänk återkallad", AUDIT_KIND_USER},
	{"user.add", "Användare tillagd", AUDIT_KIND_USER},
	{"user.passwd", "Lösenord ändrat", AUDIT_KIND_USER},
	{"user.map", "OS-konto kopplat till användare", AUDIT_KIND_USER},
	{"session.login", "Inloggning i webbapplikationen", AUDIT_KIND_USER},
};

const struct audit_action *audit_action_at(size_t i)
{
	return i < sizeof(actions) / sizeof(actions[0]) ? &actions[i] : NULL;
}

const struct audit_action *audit_action_find(const char *action)
{
	for (size_t i = 0; action && i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(actions[i].action, action) == 0)
			return &actions[i];
	return NULL;
}

const char *audit_action_sv(const char *action)
{
	const struct audit_action *a = audit_action_find(action);
	return a ? a->text : NULL;
}

static const struct audit_type types[] = {
	{"decision", "Beslut", K(AUDIT_KIND_DECISION), false, NULL},
	{"org", "Organisation", K(AUDIT_KIND_ORG) | K(AUDIT_KIND_REGISTER), true, NULL},
	{"register", "Mottagarens sammanställning", K(AUDIT_KIND_REGISTER), true, NULL},
	{"user", "Användare", K(AUDIT_KIND_USER), false, NULL},
	{"batch", "Utbetalningsomgång", K(AUDIT_KIND_BATCH), false, NULL},
	{"dataset", "Nyckeldata", K(AUDIT_KIND_DATASET), true, NULL},
	{"appropriation", "Anslag", K(AUDIT_KIND_APPROPRIATION), true, NULL},
	{"change", "Kontoändring", K(AUDIT_KIND_CHANGE), false, "change "},
	{"file", "Fil", K(AUDIT_KIND_FILE), false, NULL},
	{"bank-entry", "Bankpost", K(AUDIT_KIND_BANK_ENTRY), false, "bank entry "},
	{"reference", "Referensdata", K(AUDIT_KIND_REFERENCE), false, NULL},
	{"signatory", "Behörig företrädare", K(AUDIT_KIND_SIGNATORY), false, "signatory "},
	{"submission", "Inlämnad handling", K(AUDIT_KIND_SUBMISSION), false, "submission "},
};

const struct audit_type *audit_type_at(size_t i)
{
	return i < sizeof(types) / sizeof(types[0]) ? &types[i] : NULL;
}

const struct audit_type *audit_type_find(const char *key)
{
	for (size_t i = 0; key && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(types[i].key, key) == 0)
			return &types[i];
	return NULL;
}

const char *audit_kind_key(enum audit_kind k)
{
	static const char *const keys[] = {
		[AUDIT_KIND_OTHER] = "",
		[AUDIT_KIND_REFERENCE] = "reference",
		[AUDIT_KIND_ORG] = "org",
		[AUDIT_KIND_REGISTER] = "register",
		[AUDIT_KIND_USER] = "user",
		[AUDIT_KIND_DECISION] = "decision",
		[AUDIT_KIND_APPROPRIATION] = "appropriation",
		[AUDIT_KIND_DATASET] = "dataset",
		[AUDIT_KIND_BATCH] = "batch",
		[AUDIT_KIND_CHANGE] = "change",
		[AUDIT_KIND_FILE] = "file",
		[AUDIT_KIND_BANK_ENTRY] = "bank-entry",
		[AUDIT_KIND_SIGNATORY] = "signatory",
		[AUDIT_KIND_SUBMISSION] = "submission",
	};
	return (size_t)k < sizeof(keys) / sizeof(keys[0]) && keys[k] ? keys[k] : "";
}

const char *audit_role_sv(const char *role)
{
	static const char *const names[][2] = {
		{"handlaggare", "handläggare"}, {"attestant", "attestant"}, {"revisor", "revisor"},
		{"mottagare", "mottagare"},     {"admin", "administratör"},
	};
	for (size_t i = 0; role && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i][0], role) == 0)
			return names[i][1];
	return role ? role : "";
}

/* org_text: "Region Jämtland Härjedalen (23)", or "organisation 23" when the
 * register has no such code. */
static void org_text(const char *code, const struct audit_names *n, struct buf *out)
{
	const char *name = n && n->org_name ? n->org_name(n->ctx, code) : NULL;
	if (name)
		buf_addf(out, "%s (%s)", name, code);
	else
		buf_addf(out, "organisation %s (okänd i registret)", code);
}

/* split_last: text "A B" into A (len *alen) and B, at the last space; false if none. */
static bool split_last(const char *text, size_t *alen, const char **b)
{
	const char *sp = strrchr(text, ' ');
	if (!sp || sp == text || !sp[1])
		return false;
	*alen = (size_t)(sp - text);
	*b = sp + 1;
	return true;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

bool audit_actor_text(const char *actor, const struct audit_names *n, struct buf *out)
{
	const char *role = NULL, *org = NULL;
	if (!actor || !*actor || !n || !n->user || !n->user(n->ctx, actor, &role, &org)) {
		buf_addf(out, "%s (ingen användare)", actor && *actor ? actor : "okänd");
		return false;
	}
	buf_addf(out, "%s, %s", actor, audit_role_sv(role));
	if (org && *org) {
		buf_adds(out, " för ");
		org_text(org, n, out);
	}
	return true;
}

void audit_object_text(const char *action, const char *object, const struct audit_names *n, struct buf *out)
{
	const struct audit_action *a = audit_action_find(action);
	const char *o = object ? object : "";
	size_t len;
	const char *rest;
	switch (a ? a->kind : AUDIT_KIND_OTHER) {
	case AUDIT_KIND_REFERENCE:
		buf_adds(out, "Inbyggd referensdata (regioner, kommuner och andra organisationer)");
		return;
	case AUDIT_KIND_ORG:
		org_text(o, n, out);
		return;
	case AUDIT_KIND_REGISTER:
		if (split_last(o, &len, &rest) && all_digits(rest)) {
			char code[128];
			snprintf(code, sizeof(code), "%.*s", (int)(len < 127 ? len : 127), o);
			org_text(code, n, out);
			buf_addf(out, ", år %s", rest);
			return;
		}
		break;
	case AUDIT_KIND_USER: {
		const char *role = NULL, *org = NULL;
		if (n && n->user && n->user(n->ctx, o, &role, &org)) {
			buf_addf(out, "Användaren %s, %s", o, audit_role_sv(role));
			if (org && *org) {
				buf_adds(out, " för ");
				org_text(org, n, out);
			}
		} else
			buf_addf(out, "%s (ingen användare)", o);
		return;
	}
	case AUDIT_KIND_DECISION: {
		if (strcmp(o, "ledger") == 0) {
			buf_adds(out, "Reskontran (händelser i flera beslut)");
			return;
		}
		const char *title = n && n->decision_title ? n->decision_title(n->ctx, o) : NULL;
		buf_addf(out, "Beslut %s", o);
		if (title && *title)
			buf_addf(out, " (%s)", title);
		return;
	}
	case AUDIT_KIND_APPROPRIATION: {
		/* "2021 uo 9 1:6 post 3" */
		int year, uo, post, end = 0;
		char anslag[64];
		if (sscanf(o, "%d uo %d %63s post %d%n", &year, &uo, anslag, &post, &end) == 4 && !o[end]) {
			buf_addf(out, "Anslag %s post %d, utgiftsområde %d, budgetår %d", anslag, post, uo, year);
			return;
		}
		buf_addf(out, "Anslagspost %s", o);
		return;
	}
	case AUDIT_KIND_DATASET:
		if (split_last(o, &len, &rest) && rest[0] == 'v' && all_digits(rest + 1)) {
			buf_addf(out, "Nyckeldata %.*s, version %s", (int)len, o, rest + 1);
			return;
		}
		buf_addf(out, "Nyckeldata %s", o);
		return;
	case AUDIT_KIND_BATCH:
		buf_addf(out, "Utbetalningsomgång %s", o);
		return;
	case AUDIT_KIND_CHANGE:
		if (strncmp(o, "change ", 7) == 0) {
			buf_addf(out, "Kontoändring %s", o + 7);
			return;
		}
		break;
	case AUDIT_KIND_FILE:
		buf_addf(out, "Filen %s", o);
		return;
	case AUDIT_KIND_BANK_ENTRY:
		if (strncmp(o, "bank entry ", 11) == 0) {
			buf_addf(out, "Bankpost %s", o + 11);
			return;
		}
		break;
	case AUDIT_KIND_SIGNATORY:
		if (strncmp(o, "signatory ", 10) == 0) {
			buf_addf(out, "Behörig företrädare nr %s", o + 10);
			return;
		}
		break;
	case AUDIT_KIND_SUBMISSION:
		if (strncmp(o, "submission ", 11) == 0) {
			buf_addf(out, "Inlämnad handling nr %s", o + 11);
			return;
		}
		break;
	case AUDIT_KIND_OTHER:
		break;
	}
	buf_adds(out, o);
}

const char *audit_event_sv(const char *kind, bool plural)
{
	static const char *const names[][3] = {
		{"requisition", "rekvisition", "rekvisitioner"},
		{"lapse", "förfallet belopp", "förfallna belopp"},
		{"payment", "utbetalning", "utbetalningar"},
		{"attest", "attest", "attester"},
		{"execute", "verkställd utbetalning", "verkställda utbetalningar"},
		{"repay-claim", "återbetalningskrav", "återbetalningskrav"},
		{"repay-receive", "mottagen återbetalning", "mottagna återbetalningar"},
		{"report", "ekonomisk redovisning", "ekonomiska redovisningar"},
		{"correction", "rättelse", "rättelser"},
		{"bank-accept", "betalning godkänd av banken", "betalningar godkända av banken"},
		{"bank-book", "betalning bokförd av banken", "betalningar bokförda av banken"},
		{"bank-reject", "betalning avvisad av banken", "betalningar avvisade av banken"},
		{"bank-return", "betalning returnerad av banken", "betalningar returnerade av banken"},
		{"allocation-raise", "höjd tilldelning", "höjda tilldelningar"},
		{"allocation-reduce", "sänkt tilldelning", "sänkta tilldelningar"},
	};
	for (size_t i = 0; kind && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i][0], kind) == 0)
			return names[i][plural ? 2 : 1];
	return NULL;
}

/* Swedish time. */

/* civil: the date of a day number (days since 1970-01-01). */
static void civil(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t day_number(int y, int m, int d)
{
	char s[16];
	snprintf(s, sizeof(s), "%04d-%02d-%02d", y, m, d);
	return date_day_number(s);
}

/* last_sunday: the day number of the last Sunday of month m (3 or 10) of y. */
static int64_t last_sunday(int y, int m)
{
	int64_t last = day_number(y, m, 31); /* March and October have 31 days */
	int64_t wd = ((last + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday; 0: Sunday */
	return last - wd;
}

/* summer: whether UTC second t (since the epoch) is in Swedish summer time. */
static bool summer(int64_t t)
{
	int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	int y, m, d;
	civil(day, &y, &m, &d);
	int64_t start = last_sunday(y, 3) * 86400 + 3600, end = last_sunday(y, 10) * 86400 + 3600;
	return t >= start && t < end;
}

static void format_time(int64_t t, char sep, bool utc, char out[32])
{
	int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	int64_t sec = t - day * 86400;
	int y, m, d;
	civil(day, &y, &m, &d);
	snprintf(out, 32, "%04d-%02d-%02d%c%02d:%02d:%02d%s", y, m, d, sep, (int)(sec / 3600), (int)(sec / 60 % 60),
		 (int)(sec % 60), utc ? "Z" : "");
}

bool audit_at_local(const char *at, char out[32])
{
	/* "YYYY-MM-DDTHH:MM:SSZ" */
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	bool good = at && strlen(at) == sizeof(form) - 1;
	for (size_t i = 0; good && i < sizeof(form) - 1; i++)
		good = form[i] == 'd' ? at[i] >= '0' && at[i] <= '9' : at[i] == form[i];
	char date[11];
	if (good) {
		memcpy(date, at, 10);
		date[10] = '\0';
		good = date_valid(date);
	}
	int hh = good ? (at[11] - '0') * 10 + (at[12] - '0') : 0, mm = good ? (at[14] - '0') * 10 + (at[15] - '0') : 0,
	    ss = good ? (at[17] - '0') * 10 + (at[18] - '0') : 0;
	if (!good || hh > 23 || mm > 59 || ss > 59) {
		snprintf(out, 32, "%s", at ? at : "");
		return false;
	}
	int64_t t = date_day_number(date) * 86400 + hh * 3600 + mm * 60 + ss;
	format_time(t + (summer(t) ? 7200 : 3600), ' ', false, out);
	return true;
}

void audit_day_start(const char *date, int add_days, char out[32])
{
	int64_t day = date_day_number(date) + add_days;
	/* Midnight never falls in a change (they are at 02:00 and 03:00 local
	 * time): the offset is summer's on the days after the last Sunday of
	 * March up to and including the last Sunday of October. */
	int y, m, d;
	civil(day, &y, &m, &d);
	bool dst = day > last_sunday(y, 3) && day <= last_sunday(y, 10);
	format_time(day * 86400 - (dst ? 7200 : 3600), 'T', true, out);
}
