/*
** gen.c — the benchmark's data generator: a town, a county, a single very
** large sheet, or a tiny smoke set, written as the CSV files of
** INTERFACES.md so that the data goes into jifen through its own import
** paths (`import households`, `import standard`, `import entries`,
** `sheet approve`), plus a ledger-cli journal of the very same entries and
** the balances the generator itself expects, so every workload can check
** its answers against two independent computations.
**
**   gen PRESET OUTDIR --standard FILE [--end YYYY-MM] [--year YYYY] [--seed N]
**
** PRESET: smoke (2 villages × 40 households, 2 months), town (30 × 500,
** 36 months), county (300 × 500, 12 months), bigsheet (1 village × 10,000
** households, 1 month, exactly 10 entries each: one sheet of 100,000),
** smallsheet (the same with 500 households, for the smoke run), guards (10 ×
** 200, 12 months: bench/guards.sh loads it twice).
** --end: the last month (default: the month before the current one, so no
** entry is in the future); --year: the calendar year of the expected
** year_points (default: the current year, what `jifen balances` reports).
**
** The spread follows how villages score: ~92 % of households participate
** (the rest are not eligible, or never opted in, or join late); a tenth of
** the participating ones are never scored; the others get a Poisson number
** of entries a month (mean 2.2), the items drawn by weights where the
** monthly checks (环境, 家庭卫生, meetings) dominate, awards for rare deeds
** are rare, and deductions are about one entry in eleven.  Every entry
** respects the monthly and yearly caps of the standard, so the import
** accepts every file.
**
** Output in OUTDIR:
**   villages.tsv            code TAB name
**   standard.csv            the standard every village adopts (a copy)
**   months.txt              the months, oldest first
**   meta.sh                 shell variables: counts, dates for the imports
**   households/CODE.csv     the households of each village
**   entries/CODE/YYYY-MM.csv  the entries of each village and month
**   journal.dat             ledger-cli journal of the same entries
**   expected.tsv            village TAB household TAB balance TAB year_points
**                           TAB entries, of every participating household
** Deterministic for a given preset, seed and --end.
*/
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define MAX_ITEMS 128

struct item {
	char code[32], name[256], category[128];
	int points, cap_month, cap_year, veto, evidence;
	double weight;
};

struct preset {
	const char *name;
	int villages, households, months;
	double mean_entries;  /* Poisson mean per active household and month */
	int exact_entries;    /* >0: exactly this many per household (bigsheet) */
	const char *prefix;   /* village code prefix */
};

static const struct preset presets[] = {
	{"smoke", 2, 40, 2, 2.2, 0, "s"},
	{"town", 30, 500, 36, 2.2, 0, "t"},
	{"county", 300, 500, 12, 2.2, 0, "c"},
	{"bigsheet", 1, 10000, 1, 0, 10, "big"},
	{"smallsheet", 1, 500, 1, 0, 10, "big"}, /* the smoke run's bigsheet */
	{"guards", 10, 200, 12, 2.2, 0, "g"},
};

/* How often each item of the sample standard is scored, relative to the
** others.  Monthly inspections and meetings are the bulk; big deeds and
** the veto offences are rare; items not listed get 1 (awards) or 0.5
** (deductions). */
static const struct {
	const char *code;
	double w;
} weights[] = {
	{"HJ01", 30}, {"HJ03", 25}, {"JT01", 25}, {"JT02", 20}, {"CW01", 20}, {"HJ04", 10},
	{"CW04", 12}, {"ZF05", 8},  {"CW02", 8},  {"PA01", 6},  {"ZZ01", 6},  {"CW03", 6},
	{"ZF01", 6},  {"CW05", 6},  {"HJ07", 4},  {"PA02", 4},  {"YF05", 3},  {"YF06", 3},
	{"ZZ02", 2},  {"ZZ03", 2},  {"HJ05", 2},  {"YF01", 1},  {"YF02", 1},  {"YF03", 1},
	{"PA03", 1},  {"HJ08", .5}, {"RK01", .3}, {"RK02", .2}, {"RK03", .1}, {"RK04", .1},
	{"PA04", .05}, {"RK05", .05},
	/* deductions: about one entry in eleven of the generated data */
	{"YF04", 6},  {"JT03", 6},  {"HJ02", 4},  {"HJ06", 2},  {"PA05", 1},  {"ZF02", .5},
	{"ZF04", .02}, {"ZF03", .01},
};

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴",
				       "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高",
				       "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩"};
static const char *const given[] = {"建国", "秀英", "志强", "桂兰", "明", "芳", "伟",
				    "德华", "春梅", "国庆", "玉珍", "海", "金凤", "长生",
				    "秀兰", "红", "立新", "淑珍", "永福", "小平"};
static const char *const notes[] = {"门前整洁", "村务记录", "网格员核实", "村民小组长确认",
				    "现场检查", "会议签到"};

/* ---- deterministic randomness (splitmix64) --------------------------------- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double rng_unit(void)
{
	return (double)(rng_next() >> 11) / 9007199254740992.0;
}

static int rng_below(int n)
{
	return (int)(rng_unit() * n);
}

/* Poisson-distributed count with mean lambda (Knuth; lambda is small). */
static int rng_poisson(double lambda)
{
	double l = exp(-lambda), p = 1;
	int k = 0;
	do {
		k++;
		p *= rng_unit();
	} while (p > l);
	return k - 1;
}

/* ---- helpers ----------------------------------------------------------------- */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gen: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void mkdir_or_die(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		die("mkdir %s: %s", path, strerror(errno));
}

static FILE *open_or_die(const char *path, const char *mode)
{
	FILE *f = fopen(path, mode);
	if (!f)
		die("%s: %s", path, strerror(errno));
	/* large buffers: the county writes a few hundred megabytes */
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

static void close_or_die(FILE *f, const char *path)
{
	if (ferror(f) | fclose(f))
		die("writing %s failed", path);
}

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* Month index (year*12 + month-1) ⇄ year, month. */
static int month_index(int y, int m)
{
	return y * 12 + m - 1;
}

/* Split one line of the sample standard (plain CSV without quotes, which
** the sample file is; a quote is refused rather than misread) into at most
** max fields in place.  Returns the number of fields. */
static int split_csv_line(char *line, char **f, int max)
{
	int n = 0;
	line[strcspn(line, "\r\n")] = 0;
	if (strchr(line, '"'))
		die("the standard file holds quoted fields; gen reads plain CSV only");
	for (char *p = line;;) {
		if (n == max)
			die("too many columns in the standard file");
		f[n++] = p;
		char *c = strchr(p, ',');
		if (!c)
			break;
		*c = 0;
		p = c + 1;
	}
	return n;
}

static int yes(const char *s)
{
	return !strcmp(s, "是") || !strcmp(s, "Y") || !strcmp(s, "y") || !strcmp(s, "1") ||
	       !strcmp(s, "yes");
}

/* Read the standard CSV at path (header in English or Chinese names) into
** items; returns how many.  The file is also copied to copy_to. */
static int read_standard(const char *path, const char *copy_to, struct item *items)
{
	static const char *const cols[][2] = {
		{"category", "类别"}, {"code", "项目编号"},   {"name", "项目名称"},
		{"points", "分值"},   {"cap_month", "每月上限"}, {"cap_year", "每年上限"},
		{"veto", "一票否决"}, {"evidence", "需佐证"},
	};
	enum { NC = sizeof cols / sizeof *cols };
	FILE *f = fopen(path, "r"), *out = open_or_die(copy_to, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	char line[4096], *fld[32];
	int pos[NC], n = 0, row = 0;
	for (int c = 0; c < NC; c++)
		pos[c] = -1;
	while (fgets(line, sizeof line, f)) {
		fputs(line, out);
		char *l = line;
		if (row == 0 && !strncmp(l, "\xEF\xBB\xBF", 3))
			l += 3;
		int nf = split_csv_line(l, fld, 32);
		if (row++ == 0) {
			for (int i = 0; i < nf; i++)
				for (int c = 0; c < NC; c++)
					if (!strcmp(fld[i], cols[c][0]) || !strcmp(fld[i], cols[c][1]))
						pos[c] = i;
			for (int c = 0; c < 4; c++)
				if (pos[c] < 0)
					die("%s: column %s missing", path, cols[c][0]);
			continue;
		}
		if (nf == 1 && !*fld[0])
			continue;
		if (n == MAX_ITEMS)
			die("%s: more than %d items", path, MAX_ITEMS);
		struct item *it = &items[n++];
		const char *v[NC];
		for (int c = 0; c < NC; c++)
			v[c] = pos[c] >= 0 && pos[c] < nf ? fld[pos[c]] : "";
		snprintf(it->category, sizeof it->category, "%s", v[0]);
		snprintf(it->code, sizeof it->code, "%s", v[1]);
		snprintf(it->name, sizeof it->name, "%s", v[2]);
		it->points = atoi(v[3]);
		it->cap_month = atoi(v[4]);
		it->cap_year = atoi(v[5]);
		it->veto = yes(v[6]);
		it->evidence = yes(v[7]);
		it->weight = it->points > 0 ? 1 : 0.5;
		for (size_t w = 0; w < sizeof weights / sizeof *weights; w++)
			if (!strcmp(weights[w].code, it->code))
				it->weight = weights[w].w;
	}
	fclose(f);
	close_or_die(out, copy_to);
	if (!n)
		die("%s: no items", path);
	return n;
}

/* ---- one household's state while its village is generated ------------------- */

struct hh {
	char code[16], name[32];
	int participating;  /* will appear in `jifen balances` */
	int active;         /* gets entries at all */
	int join_month;     /* month index from which it is scored */
	long long balance, year_points, entries;
	int *month_sum, *year_sum; /* per item: |points| this month / this year */
};

int main(int argc, char **argv)
{
	if (argc < 3)
		die("usage: gen smoke|town|county|bigsheet|smallsheet|guards OUTDIR --standard FILE [--end YYYY-MM] "
		    "[--year YYYY] [--seed N]");
	const struct preset *p = NULL;
	for (size_t i = 0; i < sizeof presets / sizeof *presets; i++)
		if (!strcmp(argv[1], presets[i].name))
			p = &presets[i];
	if (!p)
		die("unknown preset %s", argv[1]);
	const char *outdir = argv[2], *standard = NULL;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	int end_y = tm.tm_year + 1900, end_m = tm.tm_mon; /* the month before this one */
	if (end_m == 0) {
		end_m = 12;
		end_y--;
	}
	int year = tm.tm_year + 1900;
	uint64_t seed = 20240401;
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--standard") && i + 1 < argc)
			standard = argv[++i];
		else if (!strcmp(argv[i], "--end") && i + 1 < argc) {
			if (sscanf(argv[++i], "%d-%d", &end_y, &end_m) != 2 || end_m < 1 || end_m > 12)
				die("--end wants YYYY-MM");
		} else if (!strcmp(argv[i], "--year") && i + 1 < argc)
			year = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 10);
		else
			die("unknown argument %s", argv[i]);
	}
	if (!standard)
		die("--standard FILE is required");
	/* a different stream per preset, so the town is not a prefix of the county */
	rng_state = seed ^ ((uint64_t)p->villages << 32) ^ (uint64_t)p->months;

	char path[4096];
	mkdir_or_die(outdir);
	snprintf(path, sizeof path, "%s/households", outdir);
	mkdir_or_die(path);
	snprintf(path, sizeof path, "%s/entries", outdir);
	mkdir_or_die(path);

	static struct item items[MAX_ITEMS];
	snprintf(path, sizeof path, "%s/standard.csv", outdir);
	int nitems = read_standard(standard, path, items);
	double wsum = 0;
	for (int i = 0; i < nitems; i++)
		wsum += items[i].weight;

	int last = month_index(end_y, end_m), first = last - p->months + 1;
	snprintf(path, sizeof path, "%s/months.txt", outdir);
	FILE *mf = open_or_die(path, "w");
	for (int mi = first; mi <= last; mi++)
		fprintf(mf, "%04d-%02d\n", mi / 12, mi % 12 + 1);
	close_or_die(mf, path);

	char jpath[4096], epath[4096], vpath[4096];
	snprintf(jpath, sizeof jpath, "%s/journal.dat", outdir);
	snprintf(epath, sizeof epath, "%s/expected.tsv", outdir);
	snprintf(vpath, sizeof vpath, "%s/villages.tsv", outdir);
	FILE *jf = open_or_die(jpath, "w"), *ef = open_or_die(epath, "w");
	FILE *vf = open_or_die(vpath, "w");
	fprintf(jf, "; jifen benchmark journal: preset %s, the same entries as entries/*/*.csv\n",
		p->name);

	struct hh *hhs = calloc((size_t)p->households, sizeof *hhs);
	int *sums = calloc((size_t)p->households * (size_t)nitems * 2, sizeof *sums);
	if (!hhs || !sums)
		die("out of memory");
	for (int h = 0; h < p->households; h++) {
		hhs[h].month_sum = sums + (size_t)h * (size_t)nitems * 2;
		hhs[h].year_sum = hhs[h].month_sum + nitems;
	}
	long long n_entries = 0, n_hh = 0, n_part = 0, pts_plus = 0, pts_minus = 0, capped = 0;
	long long max_sheet = 0;

	for (int v = 0; v < p->villages; v++) {
		char vcode[32];
		if (p->villages == 1)
			snprintf(vcode, sizeof vcode, "%s", p->prefix);
		else
			snprintf(vcode, sizeof vcode, "%s%03d", p->prefix, v + 1);
		fprintf(vf, "%s\t%s%d村\n", vcode, p->name, v + 1);

		/* households */
		snprintf(path, sizeof path, "%s/households/%s.csv", outdir, vcode);
		FILE *hf = open_or_die(path, "w");
		fputs("code,head_name,address,members,phone,hukou,homestead,resident,tenant,joined\n",
		      hf);
		for (int h = 0; h < p->households; h++) {
			struct hh *x = &hhs[h];
			memset(x->month_sum, 0, (size_t)nitems * 2 * sizeof *x->month_sum);
			x->balance = x->year_points = x->entries = 0;
			snprintf(x->code, sizeof x->code, p->households > 9999 ? "%05d" : "%04d", h + 1);
			snprintf(x->name, sizeof x->name, "%s%s",
				 surnames[rng_below(sizeof surnames / sizeof *surnames)],
				 given[rng_below(sizeof given / sizeof *given)]);
			int eligible = 1, tenant = 0;
			double r = rng_unit();
			if (p->exact_entries)
				r = 1; /* the big sheet: everyone takes part */
			if (r < 0.03) {
				eligible = 0; /* moved away: not resident */
			} else if (r < 0.05) {
				eligible = 0; /* a tenant household; villages admit none by default */
				tenant = 1;
			}
			int joined = eligible && (p->exact_entries || rng_unit() < 0.96);
			x->participating = joined;
			x->active = joined && (p->exact_entries || rng_unit() < 0.9);
			/* most opted in at the meeting that adopted the standard; some later */
			x->join_month = first;
			if (joined && !p->exact_entries && p->months > 1 && rng_unit() < 0.05)
				x->join_month = first + 1 + rng_below(p->months - 1);
			char jd[32] = "";
			if (joined) {
				if (x->join_month == first) {
					int py = (first - 1) / 12, pm = (first - 1) % 12 + 1;
					snprintf(jd, sizeof jd, "%04d-%02d-20", py, pm);
				} else {
					snprintf(jd, sizeof jd, "%04d-%02d-01", x->join_month / 12,
						 x->join_month % 12 + 1);
				}
			}
			fprintf(hf, "%s,%s,%d组%d号,%d,13%09d,%s,是,%s,%s,%s\n", x->code, x->name,
				h / 40 + 1, h % 40 + 1, 1 + rng_below(6), rng_below(1000000000),
				tenant ? "否" : "是", eligible || tenant ? "是" : "否", tenant ? "是" : "否",
				jd);
			n_hh++;
			n_part += joined;
		}
		close_or_die(hf, path);

		/* entries, month by month */
		snprintf(path, sizeof path, "%s/entries/%s", outdir, vcode);
		mkdir_or_die(path);
		for (int mi = first; mi <= last; mi++) {
			int y = mi / 12, m = mi % 12 + 1, dim = days_in_month(y, m);
			snprintf(path, sizeof path, "%s/entries/%s/%04d-%02d.csv", outdir, vcode, y, m);
			FILE *f = open_or_die(path, "w");
			fputs("household,item,quantity,date,note\n", f);
			long long in_sheet = 0;
			for (int h = 0; h < p->households; h++) {
				struct hh *x = &hhs[h];
				memset(x->month_sum, 0, (size_t)nitems * sizeof *x->month_sum);
				if (m == 1)
					memset(x->year_sum, 0, (size_t)nitems * sizeof *x->year_sum);
				if (!x->active || mi < x->join_month)
					continue;
				int want = p->exact_entries ? p->exact_entries : rng_poisson(p->mean_entries);
				for (int k = 0; k < want; k++) {
					/* draw an item; one that would pass a cap is drawn again,
					** a few times, as a scorer would pick another deed */
					int tries = p->exact_entries ? 200 : 4, it = -1, qty = 1;
					while (tries--) {
						double w = rng_unit() * wsum;
						int i = 0;
						while (i < nitems - 1 && (w -= items[i].weight) >= 0)
							i++;
						const struct item *c = &items[i];
						qty = !c->cap_month && !c->cap_year && rng_unit() < 0.1 ? 2 : 1;
						int a = abs(c->points) * qty;
						if ((c->cap_month && x->month_sum[i] + a > c->cap_month) ||
						    (c->cap_year && x->year_sum[i] + a > c->cap_year))
							continue;
						it = i;
						break;
					}
					if (it < 0) {
						capped++;
						continue;
					}
					const struct item *c = &items[it];
					int pts = c->points * qty;
					x->month_sum[it] += abs(pts);
					x->year_sum[it] += abs(pts);
					int day = 1 + rng_below(dim);
					const char *note = c->evidence || rng_unit() < 0.2
								   ? notes[rng_below(sizeof notes / sizeof *notes)]
								   : "";
					fprintf(f, "%s,%s,%d,%04d-%02d-%02d,%s\n", x->code, c->code, qty, y, m,
						day, note);
					fprintf(jf, "%04d-%02d-%02d * %s/%s %s\n    Households:%s:%s    %d\n"
						    "    Town:Points\n\n",
						y, m, day, vcode, x->code, c->code, vcode, x->code, pts);
					x->balance += pts;
					x->entries++;
					if (y == year)
						x->year_points += pts;
					if (pts > 0)
						pts_plus += pts;
					else
						pts_minus += pts;
					n_entries++;
					in_sheet++;
				}
			}
			close_or_die(f, path);
			if (in_sheet > max_sheet)
				max_sheet = in_sheet;
		}
		for (int h = 0; h < p->households; h++)
			if (hhs[h].participating)
				fprintf(ef, "%s\t%s\t%lld\t%lld\t%lld\n", vcode, hhs[h].code,
					hhs[h].balance, hhs[h].year_points, hhs[h].entries);
	}
	close_or_die(jf, jpath);
	close_or_die(ef, epath);
	close_or_die(vf, vpath);

	/* the dates the imports need: adopted at a meeting on the 20th of the
	** month before the first, in force from the first month's first day */
	int py = (first - 1) / 12, pm = (first - 1) % 12 + 1;
	snprintf(path, sizeof path, "%s/meta.sh", outdir);
	FILE *f = open_or_die(path, "w");
	fprintf(f, "PRESET=%s\nVILLAGES=%d\nHOUSEHOLDS=%lld\nPARTICIPATING=%lld\nENTRIES=%lld\n"
		   "POINTS_PLUS=%lld\nPOINTS_MINUS=%lld\nCAPPED_DRAWS=%lld\nMAX_SHEET=%lld\n"
		   "FIRST_MONTH=%04d-%02d\nLAST_MONTH=%04d-%02d\nMONTHS=%d\n"
		   "ADOPTED=%04d-%02d-20\nEFFECTIVE=%04d-%02d-01\nYEAR=%d\n",
		p->name, p->villages, n_hh, n_part, n_entries, pts_plus, pts_minus, capped, max_sheet,
		first / 12, first % 12 + 1, last / 12, last % 12 + 1, p->months, py, pm, first / 12,
		first % 12 + 1, year);
	close_or_die(f, path);
	free(sums);
	free(hhs);
	printf("%s: %d villages, %lld households (%lld participating), %lld entries over %d "
	       "months (%04d-%02d..%04d-%02d)\n",
	       p->name, p->villages, n_hh, n_part, n_entries, p->months, first / 12, first % 12 + 1,
	       last / 12, last % 12 + 1);
	return 0;
}
