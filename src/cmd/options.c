#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

#define MAX_OPTIONS 40

int error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_USAGE;
}

int store_error(const struct bd_error *err, int otherwise)
{
	fprintf(stderr, "error: %s\n", err->msg);
	return err->code == BD_UNAVAILABLE ? EXIT_DB : otherwise;
}

int io_error(const char *msg)
{
	fprintf(stderr, "error: %s\n", msg);
	return EXIT_IO;
}

/* The option as the help names it: "-o, --output FILE" or "--equal". */
static int opt_spec(const struct cmd_opt *o, char *buf, size_t size)
{
	if (o->letter)
		return snprintf(buf, size, "-%c, --%s%s%s", o->letter, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	return snprintf(buf, size, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

/* The option of the table spelt at p ("--name", ended by a character that
 * cannot be in a name), or NULL; *len gets the length of the name. */
static const struct cmd_opt *opt_at(const struct cmd_opt *opts, const char *p, size_t *len)
{
	size_t n = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");
	*len = n;
	for (const struct cmd_opt *o = opts; o && o->name; o++)
		if (strlen(o->name) == n && memcmp(o->name, p + 2, n) == 0)
			return o;
	return NULL;
}

/* The usage lines, each "--name" given its value's name from the table
 * ("--name=TEXT" gives TEXT instead, for a verb that takes only some
 * values); used[i] is set for every option named.  A name that is not in
 * the table is a programming error (tests/cli/help.sh asks every command
 * for its help). */
static void print_synopsis(FILE *out, const struct cmd_entry *e, bool *used)
{
	fputs("usage: bidrag ", out);
	for (const char *p = e->usage; *p;) {
		bool starts = p == e->usage || strchr(" [(|\n", p[-1]);
		if (!(starts && p[0] == '-' && p[1] == '-' && p[2] >= 'a' && p[2] <= 'z')) {
			fputc(*p++, out);
			continue;
		}
		size_t len;
		const struct cmd_opt *o = opt_at(e->options, p, &len);
		if (!o)
			abort();
		used[o - e->options] = true;
		fprintf(out, "--%s", o->name);
		p += 2 + len;
		if (*p == '=') {
			fputc(' ', out);
			p++;
		} else if (o->arg)
			fprintf(out, " %s", o->arg);
	}
	fputc('\n', out);
}

void print_usage(FILE *out, const struct cmd_entry *e)
{
	bool used[MAX_OPTIONS] = {false};
	print_synopsis(out, e, used);
	if (e->about)
		fprintf(out, "\n%s\n", e->about);
	int width = 0;
	char spec[80];
	for (const struct cmd_opt *o = e->options; o && o->name; o++)
		if (o->help && used[o - e->options]) {
			int n = opt_spec(o, spec, sizeof(spec));
			width = n > width ? n : width;
		}
	if (width) {
		fputc('\n', out);
		width += 3; /* the help text stands three spaces after the longest option */
		for (const struct cmd_opt *o = e->options; o->name; o++) {
			if (!o->help || !used[o - e->options])
				continue;
			opt_spec(o, spec, sizeof(spec));
			fprintf(out, "  %-*s", width, spec);
			for (const char *p = o->help; *p; p++) {
				fputc(*p, out);
				if (*p == '\n')
					fprintf(out, "  %*s", width, "");
			}
			fputc('\n', out);
		}
	}
	if (e->after)
		fprintf(out, "\n%s\n", e->after);
}

int cmd_parse(const struct cmd_entry *e, int argc, char **argv, void *ctx, int *next)
{
	/* getopt_long does the spelling (abbreviations, --opt=value, permuting),
	 * so every command reads its options the way it always did. */
	struct option lopts[MAX_OPTIONS + 2];
	char shorts[2 * MAX_OPTIONS + 2], *sp = shorts;
	size_t n = 0;
	if (e->in_order)
		*sp++ = '+';
	for (const struct cmd_opt *o = e->options; o && o->name; o++, n++) {
		if (n == MAX_OPTIONS)
			abort(); /* a table larger than this parser was built for: a programming error */
		lopts[n] = (struct option){o->name, o->arg ? required_argument : no_argument, NULL, 256 + (int)n};
		if (o->letter) {
			*sp++ = o->letter;
			if (o->arg)
				*sp++ = ':';
		}
	}
	*sp = '\0';
	const int help = 256 + (int)n;
	lopts[n++] = (struct option){"help", no_argument, NULL, help};
	lopts[n] = (struct option){NULL, 0, NULL, 0};
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, shorts, lopts, NULL)) != -1) {
		if (c == help) {
			print_usage(stdout, e);
			return 0;
		}
		const struct cmd_opt *o = NULL;
		if (c >= 256)
			o = &e->options[c - 256];
		else if (c != '?' && c != ':')
			for (const struct cmd_opt *q = e->options; q->name && !o; q++)
				if (q->letter == c)
					o = q;
		if (!o)
			return usage_error(e, "unknown option '%s'", argv[optind - 1]);
		switch (o->kind) {
		case OPT_FLAG: *(bool *)((char *)ctx + o->offset) = true; break;
		case OPT_STRING: *(const char **)((char *)ctx + o->offset) = optarg; break;
		case OPT_FUNC:
			if (o->set(ctx, o->arg ? optarg : NULL))
				return EXIT_USAGE;
			break;
		}
	}
	*next = optind;
	return -1;
}

int verb_help(int argc, char **argv, const struct cmd_entry *e)
{
	if (argc < 2) {
		print_usage(stderr, e);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_usage(stdout, e);
		return 0;
	}
	return -1;
}

int usage_error(const struct cmd_entry *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n(see 'bidrag help %s')\n", e->name);
	va_end(ap);
	return EXIT_USAGE;
}

int opt_kronor(const char *opt, const char *text, int64_t *out)
{
	char why[200];
	if (money_parse_kronor(text, 0, out, why, sizeof(why))) {
		error("invalid %s '%s': %s; write amounts in whole kronor, like '215 000 000' or '71,8 mkr'", opt, text, why);
		return -1;
	}
	return 0;
}

int opt_unit(const char *text, int64_t *out)
{
	if (opt_kronor("--unit", text, out))
		return -1;
	if (*out < 1) {
		error("invalid --unit '%s': the rounding unit must be at least 1 krona", text);
		return -1;
	}
	return 0;
}

int opt_weight(const struct cmd_entry *e, const char *text, const char *keys, struct rat *weight, bool *has_weight)
{
	if (!weight)
		return usage_error(e, "--weight '%s' must follow the %s it weighs", text, keys);
	if (*has_weight)
		return usage_error(e, "--weight given twice for the same key ('%s')", text);
	if (opt_ratio("--weight", text, weight))
		return -1;
	*has_weight = true;
	return 0;
}

int opt_ratio(const char *opt, const char *text, struct rat *out)
{
	char why[200];
	if (ratio_parse(text, out, why, sizeof(why))) {
		error("invalid %s '%s': %s (expected a ratio, like '1/2', '50%%' or '0,5')", opt, text, why);
		return -1;
	}
	return 0;
}

FILE *open_output(const char *path)
{
	if (!path || strcmp(path, "-") == 0)
		return stdout;
	FILE *f = fopen(path, "w");
	if (!f)
		error("cannot write '%s': %s", path, strerror(errno));
	else
		setvbuf(f, NULL, _IOFBF, 1 << 20); /* a large table: fewer write calls */
	return f;
}

int close_output(FILE *f, const char *path)
{
	if (f == stdout)
		return fflush(f) == 0 ? 0 : (error("cannot write output: %s", strerror(errno)), -1);
	if (fclose(f) != 0) {
		error("cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void print_padded(FILE *out, const char *s, size_t width)
{
	size_t w = 0;
	for (const char *p = s; *p; p++)
		w += ((unsigned char)*p & 0xC0) != 0x80; /* count code points, not bytes */
	fputs(s, out);
	for (; w < width; w++)
		fputc(' ', out);
}
