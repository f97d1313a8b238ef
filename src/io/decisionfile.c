#include "decisionfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"
#include "money.h"
#include "jsonread.h"
#include "readfile.h"

#define MAX_DECISION_FILE (64u << 20)

/* The field readers are jsonread's (jf_*), shared with the register
 * reader; these adapters give them the decision's pool and say which
 * fields are free text. */
struct rd {
	struct decision *d;
	const char *origin;
	struct bd_error *err;
	struct json_fields jf;
};

static char *pool_dup(void *pool, const char *s)
{
	return decision_strdup(pool, s);
}

static void *pool_alloc(void *pool, size_t n, size_t size)
{
	return decision_alloc(pool, n, size);
}

static void rd_init(struct rd *r, struct decision *d, const char *origin, struct bd_error *err)
{
	*r = (struct rd){d, origin, err, {origin, err, d, pool_dup, pool_alloc}};
}

/* Unknown fields are errors: a typo must not drop data silently. */
static int check_keys(struct rd *r, const json_t *obj, const char *path, const char *const *allowed)
{
	return jf_keys(&r->jf, obj, path, allowed);
}

static int get_str(struct rd *r, const json_t *obj, const char *key, const char *path, bool required, char **out)
{
	bool free_text = strcmp(key, "text") == 0 || strcmp(key, "notes") == 0;
	return jf_text(&r->jf, obj, key, path, (required ? JF_REQUIRED : 0) | (free_text ? JF_NEWLINES | JF_TABS : 0),
		       out);
}

static int get_amount(struct rd *r, const json_t *obj, const char *key, const char *path, bool required,
		      int64_t *out, bool *present)
{
	json_t *v = json_object_get(obj, key);
	if (json_is_real(v)) {
		/* The decision file's own words for it, which its users know. */
		char p[256];
		jf_sub(p, sizeof(p), path, key);
		return jf_fail(&r->jf, p, "the amount is a fractional JSON number (expected whole kronor as an "
					  "integer, or a string such as \"215 000 000\")");
	}
	return jf_amount(&r->jf, obj, key, path, required ? JF_REQUIRED : 0, AMOUNT_MAX, out, present);
}

static int get_date(struct rd *r, const json_t *obj, const char *key, const char *path, bool required,
		    char out[DATE_LEN])
{
	return jf_date(&r->jf, obj, key, path, required ? JF_REQUIRED : 0, out);
}

static int get_int(struct rd *r, const json_t *obj, const char *key, const char *path, bool required, int *out,
		   int min, int max)
{
	return jf_int(&r->jf, obj, key, path, required ? JF_REQUIRED : 0, out, min, max);
}

static int get_bool(struct rd *r, const json_t *obj, const char *key, const char *path, bool *out)
{
	return jf_bool(&r->jf, obj, key, path, out);
}

static int get_lines(struct rd *r, const json_t *obj, const char *key, const char *path, char ***out, size_t *n)
{
	return jf_strings(&r->jf, obj, key, path, out, n);
}

static const json_t *get_obj(struct rd *r, const json_t *obj, const char *key, const char *path, bool required,
			     bool *bad)
{
	const json_t *v;
	*bad = jf_object(&r->jf, obj, key, path, required ? JF_REQUIRED : 0, &v) != 0;
	return v;
}

/* get_arr: a required array must also have an entry. */
static const json_t *get_arr(struct rd *r, const json_t *obj, const char *key, const char *path, bool required,
			     bool *bad)
{
	const json_t *v;
	size_t n;
	*bad = jf_array(&r->jf, obj, key, path, required ? JF_REQUIRED | JF_NONEMPTY : 0, &v, &n) != 0;
	return v;
}

static int ident_field(struct rd *r, const json_t *obj, const char *key, const char *path, enum ident_kind kind,
		       char **out)
{
	char *raw;
	if (get_str(r, obj, key, path, false, &raw))
		return -1;
	*out = NULL;
	if (!raw)
		return 0;
	char canon[64];
	struct bd_error e;
	if (ident_normalise(kind, raw, canon, sizeof(canon), &e)) {
		char p[256];
		jf_sub(p, sizeof(p), path, key);
		return jf_fail(&r->jf, p, "%s", e.msg);
	}
	*out = decision_strdup(r->d, canon);
	return 0;
}

static int parse_payee(struct rd *r, const json_t *v, const char *path, struct payee **out)
{
	struct payee *py = decision_alloc(r->d, 1, sizeof(*py));
	if (json_is_string(v)) {
		if (!*json_string_value(v))
			return jf_fail(&r->jf, path, "empty (expected an organisation's code or name, or a payee object)");
		py->org = decision_strdup(r->d, json_string_value(v));
		*out = py;
		return 0;
	}
	if (!json_is_object(v))
		return jf_fail(&r->jf, path, "expected an organisation's name or a payee object, found %s", json_type_name(v));
	static const char *const keys[] = {"name", "orgnr", "bankgiro", "plusgiro", "bank", "reference", "address",
					   NULL};
	if (check_keys(r, v, path, keys) || get_str(r, v, "name", path, true, &py->name) ||
	    ident_field(r, v, "orgnr", path, IDENT_ORGNR, &py->orgnr) ||
	    ident_field(r, v, "bankgiro", path, IDENT_BANKGIRO, &py->bankgiro) ||
	    ident_field(r, v, "plusgiro", path, IDENT_PLUSGIRO, &py->plusgiro) ||
	    get_str(r, v, "bank", path, false, &py->bank) || get_str(r, v, "reference", path, false, &py->reference) ||
	    get_lines(r, v, "address", path, &py->address, &py->naddress))
		return -1;
	if (py->bankgiro && py->plusgiro)
		return jf_fail(&r->jf, path, "both bankgiro and plusgiro given (expected one account)");
	*out = py;
	return 0;
}

/* key_version: a key written NAME@VERSION, where NAME is a dataset's name
 * of the form WHAT@DATE (kommunpop@2004@1, population@2019-11-01@1), names
 * that version: the part is allocated by it and records it, so that the
 * impact of a later correction finds the part.  Any other text is a name,
 * allocated by its latest version. */
static void key_version(struct rd *r, struct rule_key *rk)
{
	const char *at = strrchr(rk->dataset, '@');
	if (!at || at == rk->dataset || !memchr(rk->dataset, '@', (size_t)(at - rk->dataset)))
		return;
	size_t n = strlen(at + 1);
	if (n == 0 || n > 9 || at[1] == '0' || strspn(at + 1, "0123456789") != n)
		return;
	rk->version = atoi(at + 1);
	char *name = xstrndup(rk->dataset, (size_t)(at - rk->dataset));
	rk->dataset = decision_strdup(r->d, name);
	free(name);
}

static int parse_rule(struct rd *r, const json_t *v, const char *path, struct rule *rule)
{
	static const char *const keys[] = {"method", "key", "keys", "base", "unit", "rounding", NULL};
	if (check_keys(r, v, path, keys))
		return -1;
	char *method, *rounding;
	if (get_str(r, v, "method", path, true, &method) || get_str(r, v, "rounding", path, false, &rounding))
		return -1;
	char p[256];
	if (strcmp(method, "key") == 0)
		rule->method = RULE_KEY;
	else if (strcmp(method, "mix") == 0)
		rule->method = RULE_MIX;
	else if (strcmp(method, "equal") == 0)
		rule->method = RULE_EQUAL;
	else if (strcmp(method, "list") == 0)
		rule->method = RULE_LIST;
	else {
		jf_sub(p, sizeof(p), path, "method");
		return jf_fail(&r->jf, p, "unknown method '%s' (expected key, mix, equal or list)", method);
	}
	rule->rounding = APPORTION_LARGEST_REMAINDER;
	if (rounding) {
		jf_sub(p, sizeof(p), path, "rounding");
		if (strcmp(rounding, "half-up") == 0)
			rule->rounding = APPORTION_HALF_UP;
		else if (strcmp(rounding, "largest-remainder") != 0)
			return jf_fail(&r->jf, p, "unknown rounding '%s' (expected largest-remainder or half-up)", rounding);
		if (rule->method == RULE_LIST)
			return jf_fail(&r->jf, p, "a list has no rounding (its amounts are given)");
	}
	rule->unit = 1;
	bool has_base, has_unit;
	if (get_amount(r, v, "base", path, false, &rule->base, &has_base) ||
	    get_amount(r, v, "unit", path, false, &rule->unit, &has_unit))
		return -1;
	if ((has_base || has_unit) && rule->method == RULE_LIST) {
		jf_sub(p, sizeof(p), path, has_base ? "base" : "unit");
		return jf_fail(&r->jf, p, "a list has no %s (its amounts are given)", has_base ? "base" : "unit");
	}
	char *key;
	if (get_str(r, v, "key", path, rule->method == RULE_KEY, &key))
		return -1;
	bool bad;
	const json_t *ks = get_arr(r, v, "keys", path, rule->method == RULE_MIX, &bad);
	if (bad)
		return -1;
	if (key && rule->method != RULE_KEY) {
		jf_sub(p, sizeof(p), path, "key");
		return jf_fail(&r->jf, p, "only method 'key' takes one key (method '%s'%s)", method,
			       rule->method == RULE_MIX ? " takes 'keys'" : "");
	}
	if (ks && rule->method != RULE_MIX) {
		jf_sub(p, sizeof(p), path, "keys");
		return jf_fail(&r->jf, p, "only method 'mix' takes keys");
	}
	if (key) {
		rule->keys = decision_alloc(r->d, 1, sizeof(*rule->keys));
		rule->nkeys = 1;
		rule->keys[0].dataset = key;
		key_version(r, &rule->keys[0]);
		rule->keys[0].weight = rat_make(1, 1);
		rule->keys[0].weight_text = decision_strdup(r->d, "1");
	}
	if (ks) {
		rule->nkeys = json_array_size(ks);
		rule->keys = decision_alloc(r->d, rule->nkeys, sizeof(*rule->keys));
		for (size_t i = 0; i < rule->nkeys; i++) {
			const json_t *k = json_array_get(ks, i);
			jf_pathf(p, sizeof(p), "%s.keys[%zu]", path, i);
			if (!json_is_object(k))
				return jf_fail(&r->jf, p, "expected an object {\"key\": ..., \"weight\": ...}, found %s",
					       json_type_name(k));
			static const char *const kk[] = {"key", "weight", NULL};
			char *w;
			if (check_keys(r, k, p, kk) || get_str(r, k, "key", p, true, &rule->keys[i].dataset) ||
			    get_str(r, k, "weight", p, true, &w))
				return -1;
			char why[256];
			if (ratio_parse(w, &rule->keys[i].weight, why, sizeof(why))) {
				char q[300];
				jf_pathf(q, sizeof(q), "%s.weight", p);
				return jf_fail(&r->jf, q, "'%s': %s", w, why);
			}
			if (rule->keys[i].weight.num == 0) {
				char q[300];
				jf_pathf(q, sizeof(q), "%s.weight", p);
				return jf_fail(&r->jf, q, "'%s' is zero (expected a positive weight)", w);
			}
			rule->keys[i].weight_text = w;
			key_version(r, &rule->keys[i]);
		}
	}
	return 0;
}

static int parse_payment(struct rd *r, const json_t *v, const char *path, struct payment_terms *t)
{
	static const char *const keys[] = {"mode", "from", "to", "by", "deadline", "lapses", NULL};
	char *mode;
	if (check_keys(r, v, path, keys) || get_str(r, v, "mode", path, true, &mode))
		return -1;
	char p[256];
	jf_sub(p, sizeof(p), path, "mode");
	if (strcmp(mode, "requisition") == 0)
		t->mode = PAY_REQUISITION;
	else if (strcmp(mode, "without-requisition") == 0)
		t->mode = PAY_WITHOUT_REQUISITION;
	else
		return jf_fail(&r->jf, p, "unknown mode '%s' (expected requisition or without-requisition)", mode);
	t->lapses = t->mode == PAY_REQUISITION;
	if (get_date(r, v, "from", path, false, t->from) || get_date(r, v, "to", path, false, t->to) ||
	    get_date(r, v, "by", path, false, t->by) || get_date(r, v, "deadline", path, false, t->deadline) ||
	    get_bool(r, v, "lapses", path, &t->lapses))
		return -1;
	if (t->mode == PAY_WITHOUT_REQUISITION && t->lapses) {
		jf_sub(p, sizeof(p), path, "lapses");
		return jf_fail(&r->jf, p, "only a requisition can lapse");
	}
	return 0;
}

static int parse_rows(struct rd *r, const json_t *arr, const char *path, struct part *pt)
{
	pt->nrows = json_array_size(arr);
	pt->rows = decision_alloc(r->d, pt->nrows, sizeof(*pt->rows));
	for (size_t i = 0; i < pt->nrows; i++) {
		const json_t *v = json_array_get(arr, i);
		char p[256];
		jf_pathf(p, sizeof(p), "%s[%zu]", path, i);
		if (!json_is_object(v))
			return jf_fail(&r->jf, p, "expected an object {\"recipient\": ..., \"amount\": ...}, found %s",
				       json_type_name(v));
		static const char *const keys[] = {"recipient", "amount", "payee", NULL};
		struct alloc_row *row = &pt->rows[i];
		if (check_keys(r, v, p, keys) || get_str(r, v, "recipient", p, true, &row->label) ||
		    get_amount(r, v, "amount", p, true, &row->amount, NULL))
			return -1;
		const json_t *py = json_object_get(v, "payee");
		if (py) {
			char q[300];
			jf_pathf(q, sizeof(q), "%s.payee", p);
			if (parse_payee(r, py, q, &row->payee))
				return -1;
		}
	}
	return 0;
}

static int find_approp(const struct decision *d, const char *id)
{
	for (size_t i = 0; i < d->napprops; i++)
		if (strcmp(d->approps[i].id, id) == 0)
			return (int)i;
	return -1;
}

static bool id_valid(const char *s)
{
	if (!s[0] || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-'))
			return false;
	return true;
}

static int parse_part(struct rd *r, const json_t *v, const char *path, struct part *pt)
{
	static const char *const keys[] = {"id", "title", "amount", "funding", "recipients", "rule", "allocation",
					   "computed", "payee", "payment", "repayment_deadline", "report_deadline",
					   "report", NULL};
	if (check_keys(r, v, path, keys) || get_str(r, v, "id", path, true, &pt->id) ||
	    get_str(r, v, "title", path, true, &pt->title) || get_amount(r, v, "amount", path, true, &pt->amount, NULL))
		return -1;
	char p[256];
	if (!id_valid(pt->id)) {
		jf_sub(p, sizeof(p), path, "id");
		return jf_fail(&r->jf, p, "'%s' is not an id (expected letters, digits and '-')", pt->id);
	}
	bool bad;
	const json_t *fund = get_arr(r, v, "funding", path, true, &bad);
	if (bad)
		return -1;
	pt->nfunding = json_array_size(fund);
	pt->funding = decision_alloc(r->d, pt->nfunding, sizeof(*pt->funding));
	for (size_t i = 0; i < pt->nfunding; i++) {
		const json_t *f = json_array_get(fund, i);
		jf_pathf(p, sizeof(p), "%s.funding[%zu]", path, i);
		if (!json_is_object(f))
			return jf_fail(&r->jf, p, "expected an object {\"appropriation\": ..., \"amount\": ...}, found %s",
				       json_type_name(f));
		static const char *const fk[] = {"appropriation", "amount", NULL};
		char *ap;
		if (check_keys(r, f, p, fk) || get_str(r, f, "appropriation", p, true, &ap) ||
		    get_amount(r, f, "amount", p, true, &pt->funding[i].amount, NULL))
			return -1;
		int k = find_approp(r->d, ap);
		if (k < 0) {
			char q[300];
			jf_pathf(q, sizeof(q), "%s.appropriation", p);
			struct buf b;
			buf_init(&b, 4096);
			for (size_t j = 0; j < r->d->napprops; j++)
				buf_addf(&b, "%s'%s'", j ? ", " : "", r->d->approps[j].id);
			int rc = jf_fail(&r->jf, q, "no appropriation has the id '%s' (the file's appropriations: %s)", ap,
					 b.data);
			buf_release(&b);
			return rc;
		}
		pt->funding[i].approp = (size_t)k;
	}
	json_t *rec = json_object_get(v, "recipients");
	jf_sub(p, sizeof(p), path, "recipients");
	if (!rec)
		return jf_fail(&r->jf, p, "missing (expected a set such as \"regions\", or an array of recipients)");
	if (json_is_string(rec)) {
		pt->recipient_set = decision_strdup(r->d, json_string_value(rec));
		if (!*pt->recipient_set)
			return jf_fail(&r->jf, p, "empty (expected a set such as \"regions\", or an array of recipients)");
	} else if (json_is_array(rec) && json_array_size(rec) > 0) {
		if (get_lines(r, v, "recipients", path, &pt->recipients, &pt->nrecipients))
			return -1;
	} else {
		return jf_fail(&r->jf, p, "expected a set such as \"regions\", or a non-empty array of recipients, found %s",
			       json_type_name(rec));
	}
	const json_t *rule = get_obj(r, v, "rule", path, true, &bad);
	if (bad)
		return -1;
	jf_sub(p, sizeof(p), path, "rule");
	if (parse_rule(r, rule, p, &pt->rule))
		return -1;
	const json_t *rows = get_arr(r, v, "allocation", path, false, &bad);
	if (bad)
		return -1;
	if (rows) {
		if (json_array_size(rows) == 0) {
			jf_sub(p, sizeof(p), path, "allocation");
			return jf_fail(&r->jf, p, "empty (leave it out to have the register compute the table)");
		}
		jf_sub(p, sizeof(p), path, "allocation");
		if (parse_rows(r, rows, p, pt))
			return -1;
		pt->published = true;
	}
	if (get_bool(r, v, "computed", path, &pt->computed))
		return -1;
	if (pt->computed && (!rows || pt->rule.method == RULE_LIST)) {
		jf_sub(p, sizeof(p), path, "computed");
		return jf_fail(&r->jf, p, "only an allocation table of a key, mix or equal rule can be marked computed");
	}
	const json_t *py = json_object_get(v, "payee");
	if (py) {
		jf_sub(p, sizeof(p), path, "payee");
		if (parse_payee(r, py, p, &pt->payee))
			return -1;
	}
	const json_t *pay = get_obj(r, v, "payment", path, true, &bad);
	if (bad)
		return -1;
	jf_sub(p, sizeof(p), path, "payment");
	if (parse_payment(r, pay, p, &pt->pay))
		return -1;
	return get_date(r, v, "repayment_deadline", path, false, pt->repayment_deadline) ||
			       get_date(r, v, "report_deadline", path, false, pt->report_deadline) ||
			       get_str(r, v, "report", path, false, &pt->report)
		       ? -1
		       : 0;
}

static int parse_annex(struct rd *r, const json_t *v, const char *path, struct annex *x)
{
	static const char *const keys[] = {"id", "label", "heading", "caption", "total", "total_label", "notes",
					   "columns", NULL};
	if (check_keys(r, v, path, keys) || get_str(r, v, "id", path, true, &x->id) ||
	    get_str(r, v, "label", path, true, &x->label) ||
	    get_lines(r, v, "heading", path, &x->heading, &x->nheading) ||
	    get_str(r, v, "caption", path, false, &x->caption) ||
	    get_amount(r, v, "total", path, false, &x->total, &x->has_total) ||
	    get_str(r, v, "total_label", path, false, &x->total_label) ||
	    get_lines(r, v, "notes", path, &x->notes, &x->nnotes))
		return -1;
	char p[256];
	if (!id_valid(x->id)) {
		jf_sub(p, sizeof(p), path, "id");
		return jf_fail(&r->jf, p, "'%s' is not an id (expected letters, digits and '-')", x->id);
	}
	bool bad;
	const json_t *cols = get_arr(r, v, "columns", path, true, &bad);
	if (bad)
		return -1;
	x->ncols = json_array_size(cols);
	x->cols = decision_alloc(r->d, x->ncols, sizeof(*x->cols));
	for (size_t i = 0; i < x->ncols; i++) {
		const json_t *c = json_array_get(cols, i);
		struct annex_col *col = &x->cols[i];
		jf_pathf(p, sizeof(p), "%s.columns[%zu]", path, i);
		if (!json_is_object(c))
			return jf_fail(&r->jf, p, "expected an object, found %s", json_type_name(c));
		static const char *const ck[] = {"type", "heading", "key", "part", "decimals", "total_decimals",
						 "style", NULL};
		char *type, *style;
		col->decimals = -1;
		col->total_decimals = -1;
		if (check_keys(r, c, p, ck) || get_str(r, c, "type", p, true, &type) ||
		    get_str(r, c, "heading", p, false, &col->heading) || get_str(r, c, "key", p, false, &col->key) ||
		    get_str(r, c, "part", p, false, &col->part) ||
		    get_int(r, c, "decimals", p, false, &col->decimals, 0, 18) ||
		    get_int(r, c, "total_decimals", p, false, &col->total_decimals, 0, 18) ||
		    get_str(r, c, "style", p, false, &style))
			return -1;
		if (!col->heading)
			col->heading = decision_strdup(r->d, "");
		static const char *const types[] = {[ACOL_RECIPIENT] = "recipient", [ACOL_KEY] = "key",
						    [ACOL_SHARE] = "share", [ACOL_AMOUNT] = "amount",
						    [ACOL_SUM] = "sum"};
		for (size_t t = ACOL_RECIPIENT; t <= ACOL_SUM; t++)
			if (strcmp(types[t], type) == 0)
				col->type = (enum annex_col_type)t;
		char q[300];
		jf_pathf(q, sizeof(q), "%s.type", p);
		if (!col->type)
			return jf_fail(&r->jf, q, "unknown column type '%s' (expected recipient, key, share, amount or sum)",
				       type);
		bool needs_key = col->type == ACOL_KEY || col->type == ACOL_SHARE;
		jf_pathf(q, sizeof(q), "%s.key", p);
		if (needs_key && !col->key)
			return jf_fail(&r->jf, q, "missing (a %s column names its key dataset)", type);
		if (!needs_key && col->key)
			return jf_fail(&r->jf, q, "a %s column has no key", type);
		jf_pathf(q, sizeof(q), "%s.part", p);
		if (col->type == ACOL_AMOUNT && !col->part)
			return jf_fail(&r->jf, q, "missing (an amount column names its part)");
		if (col->type != ACOL_AMOUNT && col->part)
			return jf_fail(&r->jf, q, "only an amount column names a part");
		if (style) {
			jf_pathf(q, sizeof(q), "%s.style", p);
			if (col->type != ACOL_SHARE)
				return jf_fail(&r->jf, q, "only a share column has a style");
			if (strcmp(style, "percent") == 0)
				col->percent = true;
			else if (strcmp(style, "fraction") != 0)
				return jf_fail(&r->jf, q, "unknown style '%s' (expected fraction or percent)", style);
		}
		if (col->type == ACOL_SHARE) {
			if (col->decimals < 0)
				col->decimals = col->percent ? 1 : 4;
			if (col->total_decimals < 0)
				col->total_decimals = col->decimals;
		} else if (col->decimals >= 0 || col->total_decimals >= 0) {
			jf_pathf(q, sizeof(q), "%s.decimals", p);
			return jf_fail(&r->jf, q, "only a share column has decimals");
		}
	}
	return 0;
}

static int parse_approp(struct rd *r, const json_t *v, const char *path, struct appropriation *a)
{
	static const char *const keys[] = {"id", "budget_year", "utgiftsomrade", "utgiftsomrade_name", "anslag",
					   "anslag_name", "post", "post_name", "available", NULL};
	if (check_keys(r, v, path, keys) || get_str(r, v, "id", path, true, &a->id) ||
	    get_int(r, v, "budget_year", path, true, &a->budget_year, 1900, 2999) ||
	    get_int(r, v, "utgiftsomrade", path, true, &a->uo, 1, 99) ||
	    get_str(r, v, "utgiftsomrade_name", path, false, &a->uo_name) ||
	    get_str(r, v, "anslag", path, true, &a->anslag) || get_str(r, v, "anslag_name", path, false, &a->anslag_name) ||
	    get_int(r, v, "post", path, true, &a->post, 1, 9999) || get_str(r, v, "post_name", path, true, &a->post_name) ||
	    get_amount(r, v, "available", path, false, &a->available, &a->has_available))
		return -1;
	const char *s = a->anslag;
	size_t i = 0;
	while (s[i] >= '0' && s[i] <= '9')
		i++;
	bool ok = i > 0 && s[i] == ':';
	size_t j = ++i;
	while (ok && s[i] >= '0' && s[i] <= '9')
		i++;
	if (!ok || i == j || s[i]) {
		char p[256];
		jf_sub(p, sizeof(p), path, "anslag");
		return jf_fail(&r->jf, p, "'%s' is not an anslag number (expected N:N, like \"1:6\")", s);
	}
	return 0;
}

/* The arrays of objects at the top level, each element parsed in place. */
typedef int (*parse_elem_fn)(struct rd *r, const json_t *v, const char *path, void *elem);

static int parse_approp_v(struct rd *r, const json_t *v, const char *path, void *elem)
{
	return parse_approp(r, v, path, elem);
}

static int parse_part_v(struct rd *r, const json_t *v, const char *path, void *elem)
{
	return parse_part(r, v, path, elem);
}

static int parse_annex_v(struct rd *r, const json_t *v, const char *path, void *elem)
{
	return parse_annex(r, v, path, elem);
}

static int parse_objects(struct rd *r, const json_t *root, const char *key, bool required, size_t size,
			 parse_elem_fn fn, void **out, size_t *n)
{
	bool bad;
	const json_t *a = get_arr(r, root, key, "", required, &bad);
	if (bad)
		return -1;
	*n = a ? json_array_size(a) : 0;
	char *arr = decision_alloc(r->d, *n, size);
	*out = arr;
	for (size_t i = 0; i < *n; i++) {
		char p[64];
		jf_pathf(p, sizeof(p), "%s[%zu]", key, i);
		const json_t *v = json_array_get(a, i);
		if (!json_is_object(v))
			return jf_fail(&r->jf, p, "expected an object, found %s", json_type_name(v));
		if (fn(r, v, p, arr + i * size))
			return -1;
	}
	return 0;
}

int decisionfile_parse(struct decision *d, const char *data, size_t len, const char *origin, struct bd_error *err)
{
	struct rd r;
	rd_init(&r, d, origin, err);
	json_t *root = json_load_doc(data, len, origin, err);
	if (!root)
		return -1;
	int rc = -1;
	if (!json_is_object(root)) {
		jf_fail(&r.jf, "(top level)", "expected a JSON object, found %s", json_type_name(root));
		goto done;
	}
	static const char *const keys[] = {"format", "dnr", "date", "title", "total", "department", "addressee",
					   "agreement", "signatories", "copies", "text", "notes", "appropriations",
					   "parts", "annexes", NULL};
	char *format;
	if (check_keys(&r, root, "", keys) || get_str(&r, root, "format", "", true, &format))
		goto done;
	if (strcmp(format, "bidrag-decision/1") != 0) {
		jf_fail(&r.jf, "format", "'%s' is not a format this version reads (expected \"bidrag-decision/1\")", format);
		goto done;
	}
	char date[DATE_LEN];
	if (get_str(&r, root, "dnr", "", true, &d->dnr) || get_date(&r, root, "date", "", true, date) ||
	    get_str(&r, root, "title", "", true, &d->title) || get_amount(&r, root, "total", "", true, &d->total, NULL) ||
	    get_str(&r, root, "department", "", false, &d->department) ||
	    get_lines(&r, root, "signatories", "", &d->signatories, &d->nsignatories) ||
	    get_lines(&r, root, "copies", "", &d->copies, &d->ncopies) || get_str(&r, root, "text", "", false, &d->text) ||
	    get_str(&r, root, "notes", "", false, &d->notes))
		goto done;
	memcpy(d->date, date, DATE_LEN);
	if (strlen(d->dnr) > 100) {
		jf_fail(&r.jf, "dnr", "longer than 100 characters");
		goto done;
	}
	bool bad;
	const json_t *ad = get_obj(&r, root, "addressee", "", false, &bad);
	if (bad)
		goto done;
	if (ad) {
		static const char *const ak[] = {"name", "address", NULL};
		if (check_keys(&r, ad, "addressee", ak) || get_str(&r, ad, "name", "addressee", true, &d->addressee) ||
		    get_lines(&r, ad, "address", "addressee", &d->address, &d->naddress))
			goto done;
	}
	const json_t *ag = get_obj(&r, root, "agreement", "", false, &bad);
	if (bad)
		goto done;
	if (ag) {
		static const char *const agk[] = {"dnr", "date", "title", "parties", "total", "reference", NULL};
		char agdate[DATE_LEN];
		struct agreement *a = &d->agreement;
		d->has_agreement = true;
		if (check_keys(&r, ag, "agreement", agk) || get_str(&r, ag, "dnr", "agreement", false, &a->dnr) ||
		    get_date(&r, ag, "date", "agreement", false, agdate) ||
		    get_str(&r, ag, "title", "agreement", false, &a->title) ||
		    get_lines(&r, ag, "parties", "agreement", &a->parties, &a->nparties) ||
		    get_amount(&r, ag, "total", "agreement", false, &a->total, &a->has_total) ||
		    get_str(&r, ag, "reference", "agreement", false, &a->reference))
			goto done;
		a->date = agdate[0] ? decision_strdup(d, agdate) : NULL;
	}
	void *arr;
	if (parse_objects(&r, root, "appropriations", true, sizeof(*d->approps), parse_approp_v, &arr, &d->napprops))
		goto done;
	d->approps = arr;
	for (size_t i = 0; i < d->napprops; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(d->approps[j].id, d->approps[i].id) == 0) {
				char p[64];
				jf_pathf(p, sizeof(p), "appropriations[%zu].id", i);
				jf_fail(&r.jf, p, "'%s' is already the id of appropriations[%zu]", d->approps[i].id, j);
				goto done;
			}
	if (parse_objects(&r, root, "parts", true, sizeof(*d->parts), parse_part_v, &arr, &d->nparts))
		goto done;
	d->parts = arr;
	/* One version of a dataset per decision: the latest, or the one named. */
	for (size_t i = 0; i < d->nparts; i++)
		for (size_t k = 0; k < d->parts[i].rule.nkeys; k++)
			for (size_t j = 0; j <= i; j++)
				for (size_t l = 0; l < d->parts[j].rule.nkeys && (j < i || l < k); l++) {
					const struct rule_key *a = &d->parts[i].rule.keys[k], *b = &d->parts[j].rule.keys[l];
					if (strcmp(a->dataset, b->dataset) != 0 || a->version == b->version)
						continue;
					char p[96], va[32], vb[32];
					jf_pathf(p, sizeof(p), "parts[%zu].rule.%s", i,
						 d->parts[i].rule.nkeys == 1 && d->parts[i].rule.method != RULE_MIX ? "key" : "keys");
					snprintf(va, sizeof(va), a->version ? "version %d" : "its latest version", a->version);
					snprintf(vb, sizeof(vb), b->version ? "version %d" : "its latest version", b->version);
					jf_fail(&r.jf, p, "%s names %s of '%s', parts[%zu] %s: a decision is allocated by one version "
							  "of a dataset",
						i == j ? "the rule" : "this part", va, a->dataset, j, vb);
					goto done;
				}
	if (parse_objects(&r, root, "annexes", false, sizeof(*d->annexes), parse_annex_v, &arr, &d->nannexes))
		goto done;
	d->annexes = arr;
	rc = 0;
done:
	json_decref(root);
	return rc;
}

int decisionfile_read(struct decision *d, const char *path, struct bd_error *err)
{
	char *data;
	size_t len;
	if (read_file(path, MAX_DECISION_FILE, &data, &len, err))
		return -1;
	int rc = decisionfile_parse(d, data, len, strcmp(path, "-") == 0 ? "(stdin)" : path, err);
	free(data);
	return rc;
}

/* Writing: the canonical form. */


static void set_date(json_t *o, const char *key, const char *s)
{
	if (s && s[0])
		json_object_set_new(o, key, json_string(s));
}

static void set_lines(json_t *o, const char *key, char **lines, size_t n)
{
	if (lines)
		json_object_set_new(o, key, json_string_array(lines, n));
}

static json_t *payee_json(const struct payee *py)
{
	if (py->org && !py->name)
		return json_string(py->org);
	json_t *o = json_object();
	json_set_str(o, "name", py->name);
	json_set_str(o, "orgnr", py->orgnr);
	json_set_str(o, "bankgiro", py->bankgiro);
	json_set_str(o, "plusgiro", py->plusgiro);
	json_set_str(o, "bank", py->bank);
	json_set_str(o, "reference", py->reference);
	set_lines(o, "address", py->address, py->naddress);
	return o;
}

static json_t *part_json(const struct decision *d, const struct part *p)
{
	json_t *o = json_object();
	json_set_str(o, "id", p->id);
	json_set_str(o, "title", p->title);
	json_object_set_new(o, "amount", json_integer(p->amount));
	json_t *f = json_array();
	for (size_t i = 0; i < p->nfunding; i++)
		json_array_append_new(f, json_pack("{s:s, s:I}", "appropriation", d->approps[p->funding[i].approp].id,
						   "amount", (json_int_t)p->funding[i].amount));
	json_object_set_new(o, "funding", f);
	if (p->recipient_set)
		json_set_str(o, "recipients", p->recipient_set);
	else
		set_lines(o, "recipients", p->recipients, p->nrecipients);
	json_t *rule = json_object();
	json_set_str(rule, "method", rule_method_name(p->rule.method));
	if (p->rule.method == RULE_KEY)
		json_set_str(rule, "key", p->rule.keys[0].dataset);
	if (p->rule.method == RULE_MIX) {
		json_t *ks = json_array();
		for (size_t k = 0; k < p->rule.nkeys; k++)
			json_array_append_new(ks, json_pack("{s:s, s:s}", "key", p->rule.keys[k].dataset, "weight",
							    p->rule.keys[k].weight_text));
		json_object_set_new(rule, "keys", ks);
	}
	if (p->rule.method != RULE_LIST) {
		if (p->rule.base)
			json_object_set_new(rule, "base", json_integer(p->rule.base));
		if (p->rule.unit != 1)
			json_object_set_new(rule, "unit", json_integer(p->rule.unit));
		json_set_str(rule, "rounding", p->rule.rounding == APPORTION_HALF_UP ? "half-up" : "largest-remainder");
	}
	json_object_set_new(o, "rule", rule);
	if (p->nrows) {
		json_t *rows = json_array();
		for (size_t i = 0; i < p->nrows; i++) {
			json_t *row = json_pack("{s:s, s:I}", "recipient", p->rows[i].label, "amount",
						(json_int_t)p->rows[i].amount);
			if (p->rows[i].payee)
				json_object_set_new(row, "payee", payee_json(p->rows[i].payee));
			json_array_append_new(rows, row);
		}
		json_object_set_new(o, "allocation", rows);
		if (p->computed && p->rule.method != RULE_LIST)
			json_object_set_new(o, "computed", json_true());
	}
	if (p->payee)
		json_object_set_new(o, "payee", payee_json(p->payee));
	json_t *pay = json_object();
	json_set_str(pay, "mode", payment_mode_name(p->pay.mode));
	set_date(pay, "from", p->pay.from);
	set_date(pay, "to", p->pay.to);
	set_date(pay, "by", p->pay.by);
	set_date(pay, "deadline", p->pay.deadline);
	if (p->pay.mode == PAY_REQUISITION)
		json_object_set_new(pay, "lapses", json_boolean(p->pay.lapses));
	json_object_set_new(o, "payment", pay);
	set_date(o, "repayment_deadline", p->repayment_deadline);
	set_date(o, "report_deadline", p->report_deadline);
	json_set_str(o, "report", p->report);
	return o;
}

static json_t *annex_json(const struct annex *x)
{
	json_t *o = json_object();
	json_set_str(o, "id", x->id);
	json_set_str(o, "label", x->label);
	set_lines(o, "heading", x->heading, x->nheading);
	json_set_str(o, "caption", x->caption);
	if (x->has_total)
		json_object_set_new(o, "total", json_integer(x->total));
	json_set_str(o, "total_label", x->total_label);
	json_t *cols = json_array();
	static const char *const types[] = {[ACOL_RECIPIENT] = "recipient", [ACOL_KEY] = "key",
					    [ACOL_SHARE] = "share", [ACOL_AMOUNT] = "amount", [ACOL_SUM] = "sum"};
	for (size_t i = 0; i < x->ncols; i++) {
		const struct annex_col *c = &x->cols[i];
		json_t *co = json_object();
		json_set_str(co, "type", types[c->type]);
		json_set_str(co, "heading", c->heading);
		json_set_str(co, "key", c->key);
		json_set_str(co, "part", c->part);
		if (c->type == ACOL_SHARE) {
			json_object_set_new(co, "decimals", json_integer(c->decimals));
			json_object_set_new(co, "total_decimals", json_integer(c->total_decimals));
			json_set_str(co, "style", c->percent ? "percent" : "fraction");
		}
		json_array_append_new(cols, co);
	}
	json_object_set_new(o, "columns", cols);
	set_lines(o, "notes", x->notes, x->nnotes);
	return o;
}

json_t *decisionfile_json(const struct decision *d)
{
	json_t *o = json_object();
	json_set_str(o, "format", "bidrag-decision/1");
	json_set_str(o, "dnr", d->dnr);
	json_set_str(o, "date", d->date);
	json_set_str(o, "department", d->department);
	if (d->addressee) {
		json_t *a = json_object();
		json_set_str(a, "name", d->addressee);
		set_lines(a, "address", d->address, d->naddress);
		json_object_set_new(o, "addressee", a);
	}
	json_set_str(o, "title", d->title);
	json_object_set_new(o, "total", json_integer(d->total));
	if (d->has_agreement) {
		const struct agreement *ag = &d->agreement;
		json_t *a = json_object();
		json_set_str(a, "dnr", ag->dnr);
		json_set_str(a, "date", ag->date);
		json_set_str(a, "title", ag->title);
		set_lines(a, "parties", ag->parties, ag->nparties);
		if (ag->has_total)
			json_object_set_new(a, "total", json_integer(ag->total));
		json_set_str(a, "reference", ag->reference);
		json_object_set_new(o, "agreement", a);
	}
	set_lines(o, "signatories", d->signatories, d->nsignatories);
	set_lines(o, "copies", d->copies, d->ncopies);
	json_set_str(o, "text", d->text);
	json_set_str(o, "notes", d->notes);
	json_t *aps = json_array();
	for (size_t i = 0; i < d->napprops; i++) {
		const struct appropriation *a = &d->approps[i];
		json_t *ao = json_object();
		json_set_str(ao, "id", a->id);
		json_object_set_new(ao, "budget_year", json_integer(a->budget_year));
		json_object_set_new(ao, "utgiftsomrade", json_integer(a->uo));
		json_set_str(ao, "utgiftsomrade_name", a->uo_name);
		json_set_str(ao, "anslag", a->anslag);
		json_set_str(ao, "anslag_name", a->anslag_name);
		json_object_set_new(ao, "post", json_integer(a->post));
		json_set_str(ao, "post_name", a->post_name);
		if (a->has_available)
			json_object_set_new(ao, "available", json_integer(a->available));
		json_array_append_new(aps, ao);
	}
	json_object_set_new(o, "appropriations", aps);
	json_t *parts = json_array();
	for (size_t i = 0; i < d->nparts; i++)
		json_array_append_new(parts, part_json(d, &d->parts[i]));
	json_object_set_new(o, "parts", parts);
	if (d->nannexes) {
		json_t *ax = json_array();
		for (size_t i = 0; i < d->nannexes; i++)
			json_array_append_new(ax, annex_json(&d->annexes[i]));
		json_object_set_new(o, "annexes", ax);
	}
	return o;
}

char *decisionfile_dump(const struct decision *d)
{
	json_t *o = decisionfile_json(d);
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII * 0);
	json_decref(o);
	char *out = xasprintf("%s\n", s);
	free(s);
	return out;
}
