/* auditlog.c: the audit log as a revisor reads it.  See auditlog.h. */
#include "auditlog.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "decision.h"
#include "money.h"
#include "strmap.h"

/* ---------- The selection ---------- */

/* A bound of the selection: a date or an entry number. */
struct bound {
	bool given, is_date;
	char date[16];
	int64_t seq;
};

static int parse_bound(const char *name, const char *text, struct bound *b, const char **field, struct bd_error *err)
{
	memset(b, 0, sizeof(*b));
	if (!text || !*text)
		return 0;
	b->given = true;
	size_t n = strlen(text);
	if (strspn(text, "0123456789") == n) {
		char *end;
		long long v = n <= 15 ? strtoll(text, &end, 10) : 0;
		if (v >= 1) {
			b->seq = v;
			return 0;
		}
	} else if (date_valid(text)) {
		b->is_date = true;
		snprintf(b->date, sizeof(b->date), "%s", text);
		return 0;
	}
	*field = name;
	return bd_fail(err, "%s '%s': expected a date (YYYY-MM-DD, a day in Swedish time) or an entry number, 1 or more",
		       name, text);
}

static const char *pool_printf(struct strpool *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *pool_printf(struct strpool *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	const char *r = strpool_strdup(p, s);
	free(s);
	return r;
}

/* The actions of the table, as a list a filter can take. */
struct action_set {
	const char *v[64];
	size_t n;
	bool restricted; /* false: any action */
};

static bool set_has(const struct action_set *a, const char *action)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], action) == 0)
			return true;
	return false;
}

static void set_add(struct action_set *a, const char *action)
{
	if (!set_has(a, action) && a->n < sizeof(a->v) / sizeof(a->v[0]))
		a->v[a->n++] = action;
}

static void action_names(struct buf *b)
{
	const struct audit_action *a;
	for (size_t i = 0; (a = audit_action_at(i)); i++)
		buf_addf(b, "%s%s", i ? ", " : "", a->action);
}

static void type_names(struct buf *b)
{
	const struct audit_type *t;
	for (size_t i = 0; (t = audit_type_at(i)); i++)
		buf_addf(b, "%s%s", i ? ", " : "", t->key);
}

/* parse_actions: "a,b" into a set of the table's actions. */
static int parse_actions(const char *text, struct action_set *out, struct buf *sel, const char **field,
			 struct bd_error *err)
{
	out->n = 0;
	out->restricted = false;
	if (!text || !*text)
		return 0;
	out->restricted = true;
	const char *p = text;
	bool first = true;
	for (;;) {
		size_t len = strcspn(p, ",");
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)(len < 63 ? len : 63), p);
		const struct audit_action *a = len < 63 ? audit_action_find(name) : NULL;
		if (!a) {
			struct buf names;
			buf_init(&names, 4096);
			action_names(&names);
			*field = "action";
			bd_fail(err, "action '%.*s': not an action of the audit log (expected %s)", (int)len, p,
				names.data ? names.data : "");
			buf_release(&names);
			return -1;
		}
		set_add(out, a->action);
		buf_addf(sel, "%s%s", first ? "" : " eller ", a->text);
		first = false;
		if (!p[len])
			break;
		p += len + 1;
	}
	return 0;
}

/* The selection as the store's filter, and in Swedish. */
struct selection {
	struct audit_filter f;
	struct action_set actions;
	bool none; /* nothing can match (an object type and actions that exclude each other) */
	char at_from[32], at_to[32];
	const char *object, *object_key;
	struct buf text;
};

static int parse_object(struct store *s, const char *text, struct selection *sel, struct strpool *pool,
			const char **field, struct bd_error *err)
{
	if (!text || !*text)
		return 0;
	const struct audit_type *type = NULL;
	const char *id = text;
	const char *colon = strchr(text, ':');
	if (colon) {
		size_t klen = (size_t)(colon - text);
		char key[32];
		if (klen > 0 && klen < sizeof(key) && strspn(text, "abcdefghijklmnopqrstuvwxyz") == klen) {
			snprintf(key, sizeof(key), "%.*s", (int)klen, text);
			type = audit_type_find(key);
			if (!type) {
				struct buf names;
				buf_init(&names, 4096);
				type_names(&names);
				*field = "object";
				bd_fail(err, "object '%s': unknown type '%s' (expected TYPE:ID, TYPE or ID; the types are %s)",
					text, key, names.data ? names.data : "");
				buf_release(&names);
				return -1;
			}
			id = colon + 1;
		}
	} else if ((type = audit_type_find(text)))
		id = "";
	if (!type) {
		/* An id alone: the object, or an object that begins with it. */
		sel->object = strpool_strdup(pool, id);
		sel->object_key = sel->object;
		sel->f.object = sel->object;
		sel->f.object_prefix = true;
		buf_addf(&sel->text, "%sobjekt %s", sel->text.len ? "; " : "", id);
		return 0;
	}
	/* The actions of the type's kinds, within those asked for. */
	struct action_set of_type = {.n = 0, .restricted = true};
	const struct audit_action *a;
	for (size_t i = 0; (a = audit_action_at(i)); i++)
		if ((type->kinds & (1u << a->kind)) && (!sel->actions.restricted || set_has(&sel->actions, a->action)))
			set_add(&of_type, a->action);
	sel->actions = of_type;
	sel->none = of_type.n == 0;
	if (!*id) {
		sel->object_key = type->key;
		buf_addf(&sel->text, "%sobjekttyp %c%s", sel->text.len ? "; " : "", tolower((unsigned char)type->text[0]),
			 type->text + 1);
		return 0;
	}
	char code[64], name[256];
	const char *shown = id;
	if (strcmp(type->key, "org") == 0 || strcmp(type->key, "register") == 0) {
		/* An organisation as people name it: its code, name or orgnr;
		 * "register:23 2020" also a year. */
		const char *year = NULL;
		char org[256];
		snprintf(org, sizeof(org), "%s", id);
		size_t len = strlen(org);
		if (strcmp(type->key, "register") == 0 && len > 5 && org[len - 5] == ' ' &&
		    strspn(org + len - 4, "0123456789") == 4) {
			year = id + len - 4;
			org[len - 5] = '\0';
		}
		int rc = store_org_find(s, org, code, name, err);
		if (rc) {
			if (rc > 0) {
				*field = "object";
				bd_prefix(err, "object '%s'", text);
			}
			return -1;
		}
		sel->object = year ? pool_printf(pool, "%s %s", code, year) : strpool_strdup(pool, code);
		sel->f.object_prefix = !year;
		shown = year ? pool_printf(pool, "%s (%s), år %s", name, code, year) : pool_printf(pool, "%s (%s)", name, code);
	} else {
		sel->object = type->id_prefix ? pool_printf(pool, "%s%s", type->id_prefix, id) : strpool_strdup(pool, id);
		sel->f.object_prefix = type->prefix;
	}
	sel->f.object = sel->object;
	sel->object_key = pool_printf(pool, "%s:%s", type->key,
				      type->id_prefix ? sel->object + strlen(type->id_prefix) : sel->object);
	buf_addf(&sel->text, "%s%c%s %s", sel->text.len ? "; " : "", tolower((unsigned char)type->text[0]), type->text + 1,
		 shown);
	return 0;
}

static int parse_selection(struct store *s, const struct auditlog_query *q, struct selection *sel,
			   struct strpool *pool, const char **field, struct bd_error *err)
{
	struct bound from, to;
	if (parse_bound("from", q->from, &from, field, err) || parse_bound("to", q->to, &to, field, err))
		return -1;
	if (from.given && to.given && from.is_date == to.is_date &&
	    (from.is_date ? strcmp(from.date, to.date) > 0 : from.seq > to.seq)) {
		*field = "to";
		if (from.is_date)
			return bd_fail(err, "to '%s' is before from '%s' (expected from <= to)", to.date, from.date);
		return bd_fail(err, "to %lld is before from %lld (expected from <= to)", (long long)to.seq,
			       (long long)from.seq);
	}
	if (from.given) {
		if (from.is_date) {
			audit_day_start(from.date, 0, sel->at_from);
			sel->f.at_from = sel->at_from;
			buf_addf(&sel->text, "från och med %s", from.date);
		} else {
			sel->f.seq_from = from.seq;
			buf_addf(&sel->text, "från och med post %lld", (long long)from.seq);
		}
	}
	if (to.given) {
		if (to.is_date) {
			audit_day_start(to.date, 1, sel->at_to);
			sel->f.at_to = sel->at_to;
			buf_addf(&sel->text, "%still och med %s", sel->text.len ? " " : "", to.date);
		} else {
			sel->f.seq_to = to.seq;
			buf_addf(&sel->text, "%still och med post %lld", sel->text.len ? " " : "", (long long)to.seq);
		}
	}
	if ((from.given && from.is_date) || (to.given && to.is_date))
		buf_adds(&sel->text, " (svensk tid)");
	if (q->user && *q->user) {
		if (strlen(q->user) > 127) {
			*field = "user";
			return bd_fail(err, "user: expected a name of at most 127 bytes, as the audit log names people");
		}
		sel->f.actor = q->user;
		buf_addf(&sel->text, "%sanvändare %s", sel->text.len ? "; " : "", q->user);
	}
	struct buf actions;
	buf_init(&actions, 1 << 16);
	if (parse_actions(q->action, &sel->actions, &actions, field, err)) {
		buf_release(&actions);
		return -1;
	}
	if (parse_object(s, q->object, sel, pool, field, err)) {
		buf_release(&actions);
		return -1;
	}
	if (actions.data)
		buf_addf(&sel->text, "%såtgärd %s", sel->text.len ? "; " : "", actions.data);
	buf_release(&actions);
	if (sel->actions.restricted) {
		sel->f.actions = sel->actions.v;
		sel->f.nactions = sel->actions.n;
	}
	return 0;
}

/* ---------- Names ---------- */

struct names {
	struct strpool *pool;
	/* organisations: code -> name; users: name -> role, org; decisions: dnr -> title */
	const char **org_code, **org_name;
	size_t norg, caporg;
	const char **user_name, **user_role, **user_org;
	size_t nuser, capuser;
	const char **dnr, **title;
	size_t ndec, capdec;
	struct strmap orgs, users, decisions;
};

static void grow(size_t n, size_t *cap, const char ***a, const char ***b, const char ***c)
{
	if (n < *cap)
		return;
	*cap = *cap ? 2 * *cap : 64;
	*a = xreallocarray(*a, *cap, sizeof(**a));
	*b = xreallocarray(*b, *cap, sizeof(**b));
	if (c)
		*c = xreallocarray(*c, *cap, sizeof(**c));
}

static int take_org(void *ctx, const struct org *o)
{
	struct names *n = ctx;
	grow(n->norg, &n->caporg, &n->org_code, &n->org_name, NULL);
	n->org_code[n->norg] = strpool_strdup(n->pool, o->code);
	n->org_name[n->norg++] = strpool_strdup(n->pool, o->name ? o->name : o->code);
	return 0;
}

static int take_user(void *ctx, const struct user *u)
{
	struct names *n = ctx;
	grow(n->nuser, &n->capuser, &n->user_name, &n->user_role, &n->user_org);
	n->user_name[n->nuser] = strpool_strdup(n->pool, u->name);
	n->user_role[n->nuser] = strpool_strdup(n->pool, u->role);
	n->user_org[n->nuser++] = strpool_strdup(n->pool, u->org);
	return 0;
}

static int take_decision(void *ctx, const struct decision_summary *d)
{
	struct names *n = ctx;
	grow(n->ndec, &n->capdec, &n->dnr, &n->title, NULL);
	n->dnr[n->ndec] = strpool_strdup(n->pool, d->dnr);
	n->title[n->ndec++] = strpool_strdup(n->pool, d->title);
	return 0;
}

static void index_names(struct strmap *m, const char *const *keys, size_t n)
{
	strmap_init(m, n, keys);
	for (size_t i = 0; i < n; i++) {
		uint32_t existing;
		strmap_put(m, (uint32_t)i, &existing);
	}
}

static int names_load(struct store *s, struct names *n, struct bd_error *err)
{
	if (store_org_list(s, NULL, take_org, n, err) < 0 || store_user_list(s, take_user, n, err) < 0 ||
	    store_decision_list(s, 0, take_decision, n, err) < 0)
		return -1;
	index_names(&n->orgs, n->org_code, n->norg);
	index_names(&n->users, n->user_name, n->nuser);
	index_names(&n->decisions, n->dnr, n->ndec);
	return 0;
}

static void names_free(struct names *n)
{
	strmap_release(&n->orgs);
	strmap_release(&n->users);
	strmap_release(&n->decisions);
	free(n->org_code);
	free(n->org_name);
	free(n->user_name);
	free(n->user_role);
	free(n->user_org);
	free(n->dnr);
	free(n->title);
}

static const char *org_name(void *ctx, const char *code)
{
	struct names *n = ctx;
	int64_t i = code ? strmap_get(&n->orgs, code) : -1;
	return i < 0 ? NULL : n->org_name[i];
}

static const char *decision_title(void *ctx, const char *dnr)
{
	struct names *n = ctx;
	int64_t i = dnr ? strmap_get(&n->decisions, dnr) : -1;
	return i < 0 ? NULL : n->title[i];
}

static bool user_of(void *ctx, const char *name, const char **role, const char **org)
{
	struct names *n = ctx;
	int64_t i = name ? strmap_get(&n->users, name) : -1;
	if (i < 0)
		return false;
	*role = n->user_role[i];
	*org = n->user_org[i];
	return true;
}

/* ---------- What a ledger.record entry recorded ---------- */

/* The events a list's ledger.record entries name (their "after": the ids of
 * up to 100 events), found in the journal. */
struct events {
	const char **id;
	size_t n, cap;
	struct strmap map;
	/* per id: found in the journal, its kind, decision, recipient, öre */
	bool *found;
	const char **kind, **dnr, **recipient;
	int64_t *amount;
	struct strpool *pool;
};

static int take_row(void *ctx, const struct ledger_row *r)
{
	struct events *ev = ctx;
	int64_t i = r->id ? strmap_get(&ev->map, r->id) : -1;
	if (i < 0 || ev->found[i])
		return 0;
	ev->found[i] = true;
	ev->kind[i] = strpool_strdup(ev->pool, r->kind);
	ev->dnr[i] = strpool_strdup(ev->pool, r->dnr);
	ev->recipient[i] = strpool_strdup(ev->pool, r->recipient);
	ev->amount[i] = r->amount;
	return 0;
}

/* ids_of: the ids an entry's after lists; NULL when it lists none. */
static json_t *ids_of(const struct auditlog_entry *e, json_int_t *count)
{
	*count = 0;
	if (strcmp(e->action, "ledger.record") != 0 || !e->after)
		return NULL;
	json_t *a = json_loads(e->after, 0, NULL);
	*count = json_integer_value(json_object_get(a, "events"));
	json_t *ids = json_incref(json_object_get(a, "ids"));
	json_decref(a);
	if (ids && !json_is_array(ids)) {
		json_decref(ids);
		return NULL;
	}
	return ids;
}

static int events_load(struct store *s, const struct auditlog *l, struct events *ev, struct bd_error *err)
{
	for (size_t i = 0; i < l->n; i++) {
		json_int_t count;
		json_t *ids = ids_of(&l->v[i], &count);
		size_t k;
		json_t *id;
		json_array_foreach(ids, k, id)
		{
			if (!json_is_string(id))
				continue;
			if (ev->n == ev->cap) {
				ev->cap = ev->cap ? 2 * ev->cap : 256;
				ev->id = xreallocarray(ev->id, ev->cap, sizeof(*ev->id));
			}
			ev->id[ev->n++] = strpool_strdup(ev->pool, json_string_value(id));
		}
		json_decref(ids);
	}
	strmap_init(&ev->map, ev->n, ev->id);
	for (size_t i = 0; i < ev->n; i++) {
		uint32_t existing;
		strmap_put(&ev->map, (uint32_t)i, &existing); /* an id twice: the first */
	}
	size_t m = ev->n ? ev->n : 1;
	ev->found = xcalloc(m, sizeof(*ev->found));
	ev->kind = xcalloc(m, sizeof(*ev->kind));
	ev->dnr = xcalloc(m, sizeof(*ev->dnr));
	ev->recipient = xcalloc(m, sizeof(*ev->recipient));
	ev->amount = xcalloc(m, sizeof(*ev->amount));
	if (!ev->n)
		return 0;
	return store_ledger_events(s, NULL, take_row, ev, err) < 0 ? -1 : 0;
}

static void events_free(struct events *ev)
{
	strmap_release(&ev->map);
	free(ev->id);
	free(ev->found);
	free(ev->kind);
	free(ev->dnr);
	free(ev->recipient);
	free(ev->amount);
}

/* ledger_text: a ledger.record entry's object and what it recorded: "Beslut
 * S2020/09797 (Titel): 21 attester på sammanlagt 215 000 000,00 kr, 21
 * mottagare".  An entry of events of several decisions, or of events that
 * refer to others (attests), is stored as "ledger": its decision is then
 * the one all its events have, if they have one. */
static void ledger_text(const struct auditlog_entry *e, const struct events *ev, const struct audit_names *an,
			struct buf *out)
{
	json_int_t count;
	json_t *ids = ids_of(e, &count);
	const char *kinds[16], *recipients[128];
	size_t nk = 0, per[16] = {0}, nr = 0, listed = 0, found = 0;
	const char *dnr = NULL;
	bool one_dnr = true;
	int64_t sum = 0;
	size_t k;
	json_t *id;
	json_array_foreach(ids, k, id)
	{
		listed++;
		int64_t i = json_is_string(id) ? strmap_get(&ev->map, json_string_value(id)) : -1;
		if (i < 0 || !ev->found[i])
			continue;
		found++;
		size_t j = 0;
		while (j < nk && strcmp(kinds[j], ev->kind[i]) != 0)
			j++;
		if (j == nk && nk < BD_ARRAY_LEN(kinds))
			kinds[nk++] = ev->kind[i];
		if (j < nk)
			per[j]++;
		sum += ev->amount[i];
		if (ev->dnr[i]) {
			one_dnr = one_dnr && (!dnr || strcmp(dnr, ev->dnr[i]) == 0);
			dnr = dnr ? dnr : ev->dnr[i];
		}
		if (ev->recipient[i]) {
			size_t r = 0;
			while (r < nr && strcmp(recipients[r], ev->recipient[i]) != 0)
				r++;
			if (r == nr && nr < BD_ARRAY_LEN(recipients))
				recipients[nr++] = ev->recipient[i];
		}
	}
	json_decref(ids);
	bool ledger = strcmp(e->object, "ledger") == 0;
	if (ledger && found && found == listed && dnr && one_dnr)
		audit_object_text("decision.register", dnr, an, out);
	else if (ledger)
		buf_adds(out, one_dnr ? "Reskontran" : "Reskontran, flera beslut");
	else
		audit_object_text(e->action, e->object, an, out);
	if (!found) {
		if (count > 0)
			buf_addf(out, ": %lld %s", (long long)count, count == 1 ? "händelse" : "händelser");
		return;
	}
	buf_adds(out, ": ");
	for (size_t j = 0; j < nk; j++) {
		const char *sv = audit_event_sv(kinds[j], per[j] != 1);
		buf_addf(out, "%s%zu %s", j ? ", " : "", per[j], sv ? sv : kinds[j]);
	}
	if (nk == 1 && sum) {
		char money[NUM_BUFSZ];
		buf_addf(out, " på sammanlagt %s kr", fmt_ore(sum, money));
	}
	if (nr == 1) {
		const char *name = an->org_name(an->ctx, recipients[0]);
		if (name)
			buf_addf(out, ", mottagare %s (%s)", name, recipients[0]);
		else
			buf_addf(out, ", mottagare %s", recipients[0]);
	} else if (nr > 1)
		buf_addf(out, ", %zu%s mottagare", nr, nr == BD_ARRAY_LEN(recipients) ? " eller fler" : "");
	if (count > (json_int_t)listed)
		buf_addf(out, " (%lld händelser i allt, de första %zu visas)", (long long)count, listed);
}

/* ---------- Loading ---------- */

static int take_entry(void *ctx, const struct audit_entry *e)
{
	struct auditlog *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	struct strpool *p = &l->pool;
	l->v[l->n++] = (struct auditlog_entry){
		.seq = e->seq,
		.at = strpool_strdup(p, e->at),
		.actor = strpool_strdup(p, e->actor),
		.action = strpool_strdup(p, e->action),
		.object = strpool_strdup(p, e->object),
		.before = strpool_strdup(p, e->before),
		.after = strpool_strdup(p, e->after),
		.prev = strpool_strdup(p, e->prev),
		.sha256 = strpool_strdup(p, e->sha256),
	};
	return 0;
}

int auditlog_load(struct store *s, const struct auditlog_query *q, struct auditlog *out, const char **field,
		  struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	strpool_init(&out->pool);
	*field = NULL;
	struct selection sel;
	memset(&sel, 0, sizeof(sel));
	buf_init(&sel.text, 1 << 16);
	int rc = parse_selection(s, q, &sel, &out->pool, field, err);
	/* The entries first, then the names: users and organisations are
	 * never removed, so everyone an entry names is found. */
	if (!rc && !sel.none)
		rc = store_audit_query(s, &sel.f, take_entry, out, err) < 0 ? -1 : 0;
	out->selection = strpool_strdup(&out->pool, sel.text.data ? sel.text.data : "");
	out->object = sel.object_key;
	buf_release(&sel.text);
	if (rc) {
		auditlog_free(out);
		return -1;
	}
	struct names n = {.pool = &out->pool};
	if (names_load(s, &n, err)) {
		names_free(&n);
		auditlog_free(out);
		return -1;
	}
	struct events ev = {.pool = &out->pool};
	if (events_load(s, out, &ev, err)) {
		events_free(&ev);
		names_free(&n);
		auditlog_free(out);
		return -1;
	}
	struct audit_names an = {org_name, decision_title, user_of, &n};
	struct buf b;
	buf_init(&b, 1 << 20);
	for (size_t i = 0; i < out->n; i++) {
		struct auditlog_entry *e = &out->v[i];
		char local[32];
		audit_at_local(e->at, local);
		e->at_local = strpool_strdup(&out->pool, local);
		b.len = 0;
		e->actor_known = audit_actor_text(e->actor, &an, &b);
		e->actor_text = strpool_strdup(&out->pool, b.data ? b.data : "");
		const struct audit_action *a = audit_action_find(e->action);
		e->action_text = a ? a->text : pool_printf(&out->pool, "%s (okänd åtgärd)", e->action);
		e->object_type = audit_kind_key(a ? a->kind : AUDIT_KIND_OTHER);
		b.len = 0;
		if (b.data)
			b.data[0] = '\0';
		if (strcmp(e->action, "ledger.record") == 0)
			ledger_text(e, &ev, &an, &b);
		else
			audit_object_text(e->action, e->object, &an, &b);
		e->object_text = strpool_strdup(&out->pool, b.data ? b.data : "");
		if (b.data)
			b.data[0] = '\0';
	}
	buf_release(&b);
	events_free(&ev);
	names_free(&n);
	return 0;
}

void auditlog_free(struct auditlog *l)
{
	free(l->v);
	strpool_release(&l->pool);
	memset(l, 0, sizeof(*l));
}

/* ---------- Output ---------- */

int auditlog_format(const char *name, enum table_format *f, struct bd_error *err)
{
	if (!name || !*name || strcmp(name, "text") == 0 || strcmp(name, "table") == 0)
		*f = FMT_TABLE;
	else if (strcmp(name, "csv") == 0)
		*f = FMT_CSV;
	else if (strcmp(name, "json") == 0)
		*f = FMT_JSON;
	else if (strcmp(name, "xlsx") == 0)
		*f = FMT_XLSX;
	else
		return bd_fail(err, "format '%s': expected text, csv, json or xlsx", name);
	return 0;
}

json_t *auditlog_json(const struct auditlog *l)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct auditlog_entry *e = &l->v[i];
		json_array_append_new(
			arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s, s:s}",
				       "seq", (json_int_t)e->seq, "at", e->at, "at_local", e->at_local, "actor", e->actor,
				       "actor_text", e->actor_text, "actor_known", e->actor_known, "action", e->action,
				       "action_text", e->action_text, "object", e->object, "object_type", e->object_type,
				       "object_text", e->object_text, "before", e->before, "after", e->after,
				       "prev_sha256", e->prev, "sha256", e->sha256));
	}
	return arr;
}

json_t *auditlog_vocabulary(void)
{
	json_t *actions = json_array(), *types = json_array();
	const struct audit_action *a;
	for (size_t i = 0; (a = audit_action_at(i)); i++)
		json_array_append_new(actions, json_pack("{s:s, s:s, s:s}", "action", a->action, "text", a->text,
							 "object_type", audit_kind_key(a->kind)));
	const struct audit_type *t;
	for (size_t i = 0; (t = audit_type_at(i)); i++)
		json_array_append_new(types, json_pack("{s:s, s:s}", "key", t->key, "text", t->text));
	return json_pack("{s:o, s:o}", "actions", actions, "object_types", types);
}

/* The columns of the table: brief for text, every field for CSV and XLSX. */
enum col {
	C_SEQ, C_AT_LOCAL, C_AT, C_ACTOR_TEXT, C_ACTOR, C_ACTOR_KNOWN, C_ACTION_TEXT, C_ACTION, C_OBJECT_TEXT,
	C_OBJECT_TYPE, C_OBJECT, C_BEFORE, C_AFTER, C_PREV, C_SHA256,
};
static const struct tcol all_cols[] = {
	[C_SEQ] = {"Nr", "seq", COL_INT, false, -1},
	[C_AT_LOCAL] = {"Tid (svensk tid)", "at_local", COL_TEXT, false, -1},
	[C_AT] = {"Tid (UTC)", "at", COL_TEXT, false, -1},
	[C_ACTOR_TEXT] = {"Vem", "actor_text", COL_TEXT, false, -1},
	[C_ACTOR] = {"Vem (som loggen namnger)", "actor", COL_TEXT, false, -1},
	[C_ACTOR_KNOWN] = {"Användare i registret", "actor_known", COL_TEXT, false, -1},
	[C_ACTION_TEXT] = {"Åtgärd", "action_text", COL_TEXT, false, -1},
	[C_ACTION] = {"Åtgärd (kod)", "action", COL_TEXT, false, -1},
	[C_OBJECT_TEXT] = {"Objekt", "object_text", COL_TEXT, false, -1},
	[C_OBJECT_TYPE] = {"Objekttyp", "object_type", COL_TEXT, false, -1},
	[C_OBJECT] = {"Objekt (som loggen namnger)", "object", COL_TEXT, false, -1},
	[C_BEFORE] = {"Före (JSON)", "before", COL_TEXT, false, -1},
	[C_AFTER] = {"Efter (JSON)", "after", COL_TEXT, false, -1},
	[C_PREV] = {"Föregående posts SHA-256", "prev_sha256", COL_TEXT, false, -1},
	[C_SHA256] = {"SHA-256", "sha256", COL_TEXT, false, -1},
};
static const enum col brief[] = {C_SEQ, C_AT_LOCAL, C_ACTOR_TEXT, C_ACTION_TEXT, C_OBJECT_TEXT};

struct cells {
	const struct auditlog *l;
	const enum col *cols;
};

static void cell(void *ctx, size_t row, size_t col, struct tcell *out, char *scratch)
{
	(void)scratch;
	const struct cells *c = ctx;
	const struct auditlog_entry *e = &c->l->v[row];
	const char *t = NULL;
	switch (c->cols ? c->cols[col] : (enum col)col) {
	case C_SEQ:
		out->num = e->seq;
		return;
	case C_AT_LOCAL: t = e->at_local; break;
	case C_AT: t = e->at; break;
	case C_ACTOR_TEXT: t = e->actor_text; break;
	case C_ACTOR: t = e->actor; break;
	case C_ACTOR_KNOWN: t = e->actor_known ? "ja" : "nej"; break;
	case C_ACTION_TEXT: t = e->action_text; break;
	case C_ACTION: t = e->action; break;
	case C_OBJECT_TEXT: t = e->object_text; break;
	case C_OBJECT_TYPE: t = e->object_type; break;
	case C_OBJECT: t = e->object; break;
	case C_BEFORE: t = e->before; break;
	case C_AFTER: t = e->after; break;
	case C_PREV: t = e->prev; break;
	case C_SHA256: t = e->sha256; break;
	}
	out->text = t;
	out->empty = !t || !*t;
}

int auditlog_write(const struct auditlog *l, enum table_format fmt, FILE *out, const char *path,
		   struct bd_error *err)
{
	if (fmt == FMT_JSON) {
		json_t *arr = auditlog_json(l);
		int rc = json_dumpf(arr, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(arr);
		fputc('\n', out);
		return rc ? bd_failc(err, BD_IO, "cannot write the audit log as JSON") : 0;
	}
	if (fmt == FMT_TABLE && !l->n) {
		if (*l->selection)
			fprintf(out, "Inga poster i granskningsloggen för urvalet: %s.\n", l->selection);
		else
			fputs("Granskningsloggen är tom.\n", out);
		return 0;
	}
	bool whole = fmt != FMT_TABLE;
	struct cells c = {l, whole ? NULL : brief};
	char count[1200], title[1200];
	snprintf(count, sizeof(count), "%zu %s%s%s. Tider i svensk tid.", l->n, l->n == 1 ? "post" : "poster",
		 *l->selection ? "; urval: " : "", l->selection);
	snprintf(title, sizeof(title), "Granskningslogg%s%s", *l->selection ? ", urval: " : "", l->selection);
	const char *notes[] = {count, NULL};
	struct table t = {
		.title = fmt == FMT_XLSX ? title : NULL,
		.notes = fmt == FMT_TABLE ? notes : NULL,
		.ncols = whole ? BD_ARRAY_LEN(all_cols) : BD_ARRAY_LEN(brief),
		.cols = all_cols,
		.nrows = l->n,
		.cell = cell,
		.ctx = &c,
	};
	struct tcol brief_cols[BD_ARRAY_LEN(brief)];
	if (!whole) {
		for (size_t i = 0; i < BD_ARRAY_LEN(brief); i++)
			brief_cols[i] = all_cols[brief[i]];
		t.cols = brief_cols;
	}
	if (fmt != FMT_XLSX)
		return table_write(&t, fmt, out, path, err);
	struct table_book *b = table_book_open(path, err);
	if (!b)
		return -1;
	if (table_book_add(b, "Granskningslogg", &t, err)) {
		table_book_close(b, NULL);
		return -1;
	}
	return table_book_close(b, err);
}
