/*
 * demodata.c: the sample project generator (see demodata.h). One seeded
 * splitmix64 stream drives every choice; series are generated one after
 * the other (all versions, their replies, then the commits of the last
 * version), so the mbox is streamed and only the source tree is kept in
 * memory. Every posted diff is made against the tree as committed so far,
 * and a patch touches only its own files, so each one applies and the
 * committed diff is the posted one (same patch-id), unless it was
 * "edited on commit" on purpose.
 *
 * Why one long file: the series planner, the mail writer and the commit
 * step share one state and one random stream whose order of use defines
 * the output; about 300 lines are the tables of names and words. Text
 * formatting (mailfmt.c), the tree and its diffs (demotree.c) and the
 * repository writer (gitwrite.c) are modules of their own.
 */
#include "demodata.h"

#include "ci/demotree.h"
#include "ci/gitwrite.h"
#include "ci/mailfmt.h"
#include "common/buf.h"
#include "common/json.h"
#include "common/progress.h"
#include "common/xalloc.h"

#include <errno.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define LIST_ADDR "demo-devel@lists.example.org"
#define LIST_ID	  "Demo development <demo-devel.lists.example.org>"
/* 2025-01-06 00:00:00 UTC, a Monday: the first mail is a little later. */
#define BASE_TIME     1736121600
#define DAY	      86400
#define STABLE_BRANCH "stable-1.0"
#define PATCH_MAX     10  /* patches in a series */
#define VERSION_MAX   4	  /* v1..v4 */
#define OPS_MAX	      2	  /* files touched by one patch */
#define STABLE_MAX    500 /* cherry-picks on stable-1.0 */

/* ---- random numbers ---------------------------------------------------- */

struct rng {
	uint64_t s;
};

/* splitmix64: tiny, fast, and the same on every platform. */
static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

static bool rng_chance(struct rng *r, unsigned percent)
{
	return rng_below(r, 100) < percent;
}

/* A hash of x, for choices that must not consume the stream. */
static uint64_t mix(uint64_t x)
{
	struct rng r = {x};

	return rng_next(&r);
}

/* ---- static tables ----------------------------------------------------- */

struct name_part {
	const char *text;  /* UTF-8 */
	const char *ascii; /* for the address */
};

static const struct name_part latin_first[] = {
	{"José", "jose"},	  {"François", "francois"},
	{"Jürgen", "juergen"},	  {"Zoë", "zoe"},
	{"Łukasz", "lukasz"},	  {"Søren", "soren"},
	{"Anaïs", "anais"},	  {"Ömer", "omer"},
	{"Mária", "maria"},	  {"Tomáš", "tomas"},
	{"Andrew", "andrew"},	  {"Stefano", "stefano"},
	{"Julien", "julien"},	  {"Michal", "michal"},
	{"Bertrand", "bertrand"}, {"Anthony", "anthony"},
	{"George", "george"},	  {"Roger", "roger"},
	{"Jan", "jan"},		  {"Oleksii", "oleksii"},
	{"Ayan", "ayan"},	  {"Marek", "marek"},
	{"Luca", "luca"},	  {"Penny", "penny"},
};
static const struct name_part latin_last[] = {
	{"Müller", "mueller"},	      {"Pau Monné", "pau"},
	{"Orzeł", "orzel"},	      {"Dvořák", "dvorak"},
	{"Núñez", "nunez"},	      {"Beulich", "beulich"},
	{"Cooper", "cooper"},	      {"Stabellini", "stabellini"},
	{"Grall", "grall"},	      {"Kärkkäinen", "karkkainen"},
	{"Lefèvre", "lefevre"},	      {"Gonçalves", "goncalves"},
	{"Østergaard", "ostergaard"}, {"Şahin", "sahin"},
	{"Marquis", "marquis"},	      {"Perard", "perard"},
	{"Dunlap", "dunlap"},	      {"Gross", "gross"},
	{"O'Neill", "oneill"},	      {"Zheng", "zheng"},
};
static const struct name_part cyrillic_first[] = {
	{"Андрей", "andrey"},	{"Ольга", "olga"},    {"Дмитрий", "dmitry"},
	{"Наталья", "natalya"}, {"Сергей", "sergey"}, {"Ирина", "irina"},
};
static const struct name_part cyrillic_last[] = {
	{"Иванов", "ivanov"},	   {"Смирнова", "smirnova"},
	{"Кузнецов", "kuznetsov"}, {"Попова", "popova"},
	{"Соколов", "sokolov"},	   {"Лебедева", "lebedeva"},
};
static const struct name_part greek_first[] = {
	{"Γιώργος", "giorgos"},
	{"Ελένη", "eleni"},
	{"Νίκος", "nikos"},
	{"Μαρία", "maria"},
};
static const struct name_part greek_last[] = {
	{"Παπαδόπουλος", "papadopoulos"},
	{"Οικονόμου", "oikonomou"},
	{"Γεωργίου", "georgiou"},
};
/* CJK names are written family name first, without a space. */
static const struct name_part chinese_family[] = {
	{"王", "wang"}, {"李", "li"},	{"张", "zhang"},
	{"刘", "liu"},	{"陈", "chen"}, {"杨", "yang"},
};
static const struct name_part chinese_given[] = {
	{"伟", "wei"},	{"娜", "na"},	{"敏", "min"},
	{"洋", "yang"}, {"静", "jing"},
};
static const struct name_part japanese_family[] = {
	{"佐藤", "sato"},
	{"鈴木", "suzuki"},
	{"高橋", "takahashi"},
	{"田中", "tanaka"},
};
static const struct name_part japanese_given[] = {
	{"健太", "kenta"},
	{"由美", "yumi"},
	{"翔", "sho"},
	{"さくら", "sakura"},
};
static const struct name_part korean_family[] = {
	{"김", "kim"},
	{"이", "lee"},
	{"박", "park"},
};
static const struct name_part korean_given[] = {
	{"민준", "minjun"},
	{"서연", "seoyeon"},
	{"지호", "jiho"},
};

#define N_(a) (sizeof(a) / sizeof((a)[0]))

static const char *const domains[] = {
	"example.org",	      "example.com",	   "example.net",
	"arm.example.com",    "amd.example.com",   "suse.example.com",
	"cloud.example.com",  "vates.example.net", "epam.example.com",
	"kernel.example.org",
};

/* Time zones, minutes east of UTC. */
static const int zones[] = {0, 60, 60, 120, 180, -300, -420, 480, 540, 330};

enum area_id {
	A_ARM,
	A_X86,
	A_HVM,
	A_SCHED,
	A_GNTTAB,
	A_IOMMU,
	A_TOOLS,
	A_XENSTORE,
	A_DOCS,
	A_RELEASE,
	A_REST,
	A_COUNT
};

struct area {
	const char *title;   /* MAINTAINERS section */
	const char *prefix;  /* subject prefix */
	const char *files;   /* F: entries, space-separated */
	const char *exclude; /* X: entries */
};

static const struct area areas[A_COUNT] = {
	{"ARM (W/ VIRTUALISATION EXTENSIONS) ARCHITECTURE", "xen/arm",
	 "xen/arch/arm/ docs/misc/arm-boot.md", "xen/arch/arm/smmu.c"},
	{"X86 ARCHITECTURE", "x86", "xen/arch/x86/", "xen/arch/x86/hvm/"},
	{"X86 HVM", "x86/hvm",
	 "xen/arch/x86/hvm/ xen/arch/x86/include/asm/hvm/", NULL},
	{"SCHEDULING", "xen/sched",
	 "xen/common/sched/ xen/include/xen/sched.h docs/features/", NULL},
	{"GRANT TABLES", "gnttab",
	 "xen/common/grant_table.c xen/include/xen/grant_table.h", NULL},
	{"IOMMU VENDOR INDEPENDENT CODE", "iommu",
	 "xen/drivers/passthrough/ xen/include/xen/iommu.h xen/arch/arm/smmu.c "
	 "docs/misc/pci-passthrough.md",
	 NULL},
	{"TOOLSTACK", "tools/libs", "tools/libs/ tools/include/ tools/Makefile",
	 NULL},
	{"XENSTORE", "tools/xenstored", "tools/xenstored/", NULL},
	{"DOCUMENTATION", "docs", "docs/", "docs/process/release.md"},
	{"RELEASE MANAGEMENT", "CHANGELOG",
	 "CHANGELOG.md docs/process/release.md", NULL},
	{"THE REST", "xen", "* */", NULL},
};

struct file_spec {
	const char *path;
	enum area_id area;
};

/* The source tree; the kind follows from the extension. */
static const struct file_spec tree_files[] = {
	{"xen/arch/arm/domain.c", A_ARM},
	{"xen/arch/arm/gic.c", A_ARM},
	{"xen/arch/arm/vgic.c", A_ARM},
	{"xen/arch/arm/mm.c", A_ARM},
	{"xen/arch/arm/p2m.c", A_ARM},
	{"xen/arch/arm/setup.c", A_ARM},
	{"xen/arch/arm/traps.c", A_ARM},
	{"xen/arch/arm/include/asm/gic.h", A_ARM},
	{"xen/arch/arm/include/asm/p2m.h", A_ARM},
	{"docs/misc/arm-boot.md", A_ARM},
	{"xen/arch/arm/smmu.c", A_IOMMU},
	{"xen/arch/x86/domain.c", A_X86},
	{"xen/arch/x86/mm.c", A_X86},
	{"xen/arch/x86/msr.c", A_X86},
	{"xen/arch/x86/setup.c", A_X86},
	{"xen/arch/x86/traps.c", A_X86},
	{"xen/arch/x86/cpu/mcheck/mce.c", A_X86},
	{"xen/arch/x86/include/asm/msr.h", A_X86},
	{"xen/arch/x86/hvm/hvm.c", A_HVM},
	{"xen/arch/x86/hvm/vlapic.c", A_HVM},
	{"xen/arch/x86/hvm/emulate.c", A_HVM},
	{"xen/arch/x86/include/asm/hvm/hvm.h", A_HVM},
	{"xen/common/sched/core.c", A_SCHED},
	{"xen/common/sched/credit2.c", A_SCHED},
	{"xen/common/sched/rt.c", A_SCHED},
	{"xen/common/sched/null.c", A_SCHED},
	{"xen/include/xen/sched.h", A_SCHED},
	{"docs/features/sched_credit2.md", A_SCHED},
	{"xen/common/grant_table.c", A_GNTTAB},
	{"xen/include/xen/grant_table.h", A_GNTTAB},
	{"xen/drivers/passthrough/iommu.c", A_IOMMU},
	{"xen/drivers/passthrough/pci.c", A_IOMMU},
	{"xen/drivers/passthrough/vtd/iommu.c", A_IOMMU},
	{"xen/drivers/passthrough/amd/iommu_init.c", A_IOMMU},
	{"xen/include/xen/iommu.h", A_IOMMU},
	{"docs/misc/pci-passthrough.md", A_IOMMU},
	{"tools/libs/light/libxl_create.c", A_TOOLS},
	{"tools/libs/light/libxl_dom.c", A_TOOLS},
	{"tools/libs/light/libxl_pci.c", A_TOOLS},
	{"tools/libs/ctrl/xc_domain.c", A_TOOLS},
	{"tools/libs/ctrl/xc_private.c", A_TOOLS},
	{"tools/include/libxl.h", A_TOOLS},
	{"tools/xenstored/core.c", A_XENSTORE},
	{"tools/xenstored/domain.c", A_XENSTORE},
	{"tools/xenstored/watch.c", A_XENSTORE},
	{"tools/xenstored/core.h", A_XENSTORE},
	{"docs/process/review.md", A_DOCS},
	{"docs/misc/hypfs-paths.md", A_DOCS},
	{"CHANGELOG.md", A_RELEASE},
	{"docs/process/release.md", A_RELEASE},
	{"xen/common/domain.c", A_REST},
	{"xen/common/event_channel.c", A_REST},
	{"xen/common/memory.c", A_REST},
	{"xen/common/page_alloc.c", A_REST},
	{"xen/common/kernel.c", A_REST},
	{"xen/common/timer.c", A_REST},
	{"xen/include/xen/mm.h", A_REST},
	{"xen/include/xen/event.h", A_REST},
	/* Not patched: */
	{"README", A_REST},
	{"COPYING", A_REST},
	{"Makefile", A_REST},
	{"xen/Makefile", A_REST},
	{"tools/Makefile", A_TOOLS},
	{"docs/Makefile", A_DOCS},
	{"config/Paths.mk", A_REST},
	{".gitignore", A_REST},
	{"MAINTAINERS", A_REST},
};

static const char *const verbs[] = {
	"fix",	  "rework",   "simplify", "harden",   "clean up", "avoid",
	"check",  "document", "drop",	  "split",    "correct",  "tighten",
	"update", "convert",  "move",	  "sanitise",
};
static const char *const nouns[] = {
	"irq routing",	       "p2m teardown",
	"domain creation",     "grant copy",
	"event channel setup", "MSR handling",
	"boot parameters",     "PCI passthrough",
	"watch events",	       "credit accounting",
	"page refcounting",    "timer migration",
	"device tree parsing", "memory map",
	"vCPU affinity",       "hypercall buffers",
	"error paths",	       "locking",
	"debug output",	       "softirq handling",
	"NUMA placement",      "MISRA C:2012 Rule 8.4 violations",
	"live migration",      "domain destruction",
	"cache maintenance",   "console output",
};
static const char *const words[] = {
	"route", "map",	  "probe", "check", "init",  "setup",  "teardown",
	"flush", "reset", "parse", "alloc", "free",  "lookup", "update",
	"sync",	 "count", "clamp", "query", "apply", "dump",
};
static const char *const sentences[] = {
	"The current code does not handle %s correctly when the domain is "
	"being destroyed, which can lead to a use after free.",
	"Rework %s so that the input is validated before it is used.",
	"This is a prerequisite for the upcoming %s work.",
	"No functional change intended, apart from %s.",
	"Found while testing %s on real hardware with a debug build.",
	"The value returned to the caller was off by one for %s.",
	"Keep the existing behaviour for %s, but make the checks explicit.",
	"Take the lock earlier, so that %s cannot race with a concurrent "
	"update.",
	"Use the common helper instead of open-coding %s.",
	"While at it, adjust the comment describing %s.",
};
static const char *const comments[] = {
	"Why not unsigned here?",
	"Wouldn't it be better to return an error instead?",
	"Nit: the line is longer than 80 columns.",
	"Is this safe when called from an interrupt context?",
	"This wants a comment explaining why the value is right.",
	"Please also update the documentation.",
	"Can this overflow?",
};

/* ---- people ------------------------------------------------------------ */

struct person {
	char *name; /* UTF-8 display name */
	char *email;
	char *local;		 /* address local part, ASCII */
	enum ci_mailfmt_enc enc; /* how this person's mailer writes the name */
	int tz;			 /* minutes east of UTC */
};

struct area_people {
	size_t maint[2]; /* M: */
	size_t nmaint;
	size_t rev[2]; /* R: */
	size_t nrev;
};

/* ---- series data ------------------------------------------------------- */

struct patch {
	struct ci_demotree_op ops[OPS_MAX];
	size_t nops;
	char *subject; /* without the [PATCH] tag */
	char *body;    /* commit message body, without trailers */
	bool edited;   /* changed on commit */
};

/* A trailer given for a patch (or for all patches, via the cover). */
struct trailer {
	const char *kind;
	size_t person;
};

struct version_mails {
	char cover[160];
	char ids[PATCH_MAX][160];
	char first[160]; /* the thread starter of this posting */
	struct trailer trailers[PATCH_MAX][16];
	size_t ntrailers[PATCH_MAX];
	/* Replies that gave a trailer, for replies quoting them. */
	char review_ids[8][160];
	size_t review_patch[8]; /* 0: cover, else patch number */
	struct trailer review[8];
	size_t nreviews;
};

struct commit_ref {
	git_oid oid;
	char subject[200];
	int64_t time;
};

struct gen {
	struct rng rng;
	const struct ci_demodata_opts *opts;
	FILE *mbox;
	const char *mbox_path;
	struct st_buf mail;
	struct st_buf tmp;
	size_t body_at; /* where the body starts in mail */
	int64_t clock;
	uint64_t gap; /* mean seconds between mails */
	uint64_t uid;
	struct person *people;
	size_t npeople;
	struct area_people ap[A_COUNT];
	struct ci_demotree master;
	struct ci_demotree stable;
	bool forked;
	uint64_t fork_at; /* fork stable-1.0 after this many commits */
	uint64_t stable_max;
	int64_t commit_clock;
	struct ci_gitwrite *repo; /* NULL with --no-repo */
	git_oid master_head;
	git_oid stable_head;	     /* valid once forked */
	struct commit_ref recent[8]; /* last master commits, for pulls */
	size_t nrecent;
	bool pulled;
	json_t *truth; /* series array, NULL above the detail limit */
	json_t *pulls;
	struct ci_demodata_stats st;
	struct st_error *err;
};

static void add_person(struct st_buf *b, const struct person *p)
{
	ci_mailfmt_address(b, p->name, p->email, p->enc);
}

/* ---- people and MAINTAINERS -------------------------------------------- */

static void make_person(struct gen *g, struct person *p, size_t idx)
{
	const struct name_part *a, *b;
	struct st_buf name = ST_BUF_INIT, local = ST_BUF_INIT;
	uint64_t r = rng_below(&g->rng, 100);
	const char *domain;

	/* Latin 55%, Cyrillic 12%, Chinese 12%, Japanese 8%, Greek 7%,
	 * Korean 6%. */
#define PICK(arr) (&(arr)[rng_below(&g->rng, N_(arr))])
	if (r < 55) {
		a = PICK(latin_first);
		b = PICK(latin_last);
		st_buf_addf(&name, "%s %s", a->text, b->text);
		st_buf_addf(&local, "%s.%s", a->ascii, b->ascii);
	} else if (r < 67) {
		a = PICK(cyrillic_first);
		b = PICK(cyrillic_last);
		st_buf_addf(&name, "%s %s", a->text, b->text);
		st_buf_addf(&local, "%s.%s", a->ascii, b->ascii);
	} else if (r < 79) {
		a = PICK(chinese_family);
		b = PICK(chinese_given);
		st_buf_addf(&name, "%s%s", a->text, b->text);
		st_buf_addf(&local, "%s.%s", b->ascii, a->ascii);
	} else if (r < 87) {
		a = PICK(japanese_family);
		b = PICK(japanese_given);
		st_buf_addf(&name, "%s%s", a->text, b->text);
		st_buf_addf(&local, "%s.%s", b->ascii, a->ascii);
	} else if (r < 94) {
		a = PICK(greek_first);
		b = PICK(greek_last);
		st_buf_addf(&name, "%s %s", a->text, b->text);
		st_buf_addf(&local, "%s.%s", a->ascii, b->ascii);
	} else {
		a = PICK(korean_family);
		b = PICK(korean_given);
		st_buf_addf(&name, "%s%s", a->text, b->text);
		st_buf_addf(&local, "%s.%s", b->ascii, a->ascii);
	}
#undef PICK
	domain = domains[rng_below(&g->rng, N_(domains))];
	/* Addresses are unique: a namesake is given a number. */
	for (size_t i = 0; i < idx; i++) {
		if (!strcmp(g->people[i].local, local.buf)) {
			st_buf_addf(&local, "%zu", idx);
			break;
		}
	}
	p->enc = (enum ci_mailfmt_enc)rng_below(&g->rng, 3);
	p->tz = zones[rng_below(&g->rng, N_(zones))];
	p->name = st_buf_detach(&name, NULL);
	p->local = st_buf_detach(&local, NULL);
	{
		struct st_buf e = ST_BUF_INIT;

		st_buf_addf(&e, "%s@%s", p->local, domain);
		p->email = st_buf_detach(&e, NULL);
	}
}

static void make_people(struct gen *g)
{
	uint64_t n = 40 + g->opts->messages / 1000;

	if (n > 1000)
		n = 1000;
	g->npeople = (size_t)n;
	g->people = st_xcalloc(g->npeople, sizeof(*g->people));
	for (size_t i = 0; i < g->npeople; i++)
		make_person(g, &g->people[i], i);
	/* Maintainers are the first 20 people; THE REST has the first two. */
	for (size_t a = 0; a < A_COUNT; a++) {
		struct area_people *ap = &g->ap[a];

		if (a == A_REST) {
			ap->maint[0] = 0;
			ap->maint[1] = 1;
			ap->nmaint = 2;
			ap->nrev = 0;
			continue;
		}
		ap->maint[0] = 2 + a;
		ap->nmaint = 1;
		if (rng_chance(&g->rng, 60)) {
			ap->maint[1] = 2 + (a + 5) % 18;
			ap->nmaint = 2;
		}
		ap->nrev = rng_below(&g->rng, 3);
		for (size_t i = 0; i < ap->nrev; i++)
			ap->rev[i] = 2 + (a + 9 + 3 * i) % 18;
	}
}

static void person_line(struct st_buf *b, const struct person *p)
{
	st_buf_addf(b, "%s <%s>", p->name, p->email);
}

static void maintainers_text(struct gen *g, struct st_buf *b)
{
	st_buf_addstr(
		b,
		"\tList of maintainers and how to submit changes\n"
		"\n"
		"Please send patches to " LIST_ADDR ", with the\n"
		"maintainers of the files touched in Cc.\n"
		"\n"
		"Descriptions of section entries:\n"
		"\n"
		"\tM: Mail patches to: FullName <address@domain>\n"
		"\tR: Designated reviewer: FullName <address@domain>\n"
		"\tL: Mailing list that is relevant to this area\n"
		"\tS: Status, one of Supported, Maintained, Odd Fixes,\n"
		"\t   Orphan, Obsolete\n"
		"\tF: Files and directories with wildcard patterns.\n"
		"\t   A trailing slash includes all files and subdirectories.\n"
		"\tX: Files and directories that are NOT maintained here.\n"
		"\n"
		"\tMaintainers List (try to look for most precise areas "
		"first)\n"
		"\n"
		"\t\t-----------------------------------\n");
	for (size_t a = 0; a < A_COUNT; a++) {
		const struct area_people *ap = &g->ap[a];
		const char *f = areas[a].files;

		st_buf_addf(b, "\n%s\n", areas[a].title);
		for (size_t i = 0; i < ap->nmaint; i++) {
			st_buf_addstr(b, "M:\t");
			person_line(b, &g->people[ap->maint[i]]);
			st_buf_addch(b, '\n');
		}
		for (size_t i = 0; i < ap->nrev; i++) {
			st_buf_addstr(b, "R:\t");
			person_line(b, &g->people[ap->rev[i]]);
			st_buf_addch(b, '\n');
		}
		st_buf_addstr(b, "L:\t" LIST_ADDR "\n");
		st_buf_addf(b, "S:\t%s\n",
			    a == A_DOCS ? "Maintained" : "Supported");
		while (*f) {
			const char *sp = strchr(f, ' ');
			size_t n = sp ? (size_t)(sp - f) : strlen(f);

			st_buf_addstr(b, "F:\t");
			st_buf_add(b, f, n);
			st_buf_addch(b, '\n');
			f += n;
			while (*f == ' ')
				f++;
		}
		if (areas[a].exclude)
			st_buf_addf(b, "X:\t%s\n", areas[a].exclude);
	}
}

/* ---- the initial tree -------------------------------------------------- */

static const char c_tail[] = "/*\n"
			     " * Local variables:\n"
			     " * mode: C\n"
			     " * c-file-style: \"BSD\"\n"
			     " * c-basic-offset: 4\n"
			     " * indent-tabs-mode: nil\n"
			     " * End:\n"
			     " */\n";

static void guard_name(char *out, size_t size, const char *path)
{
	size_t j = 0;

	for (const char *p = path; *p && j + 3 < size; p++)
		out[j++] =
			(*p >= 'a' && *p <= 'z') ? (char)(*p - 32)
			: (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
				? *p
				: '_';
	out[j] = '\0';
}

static void initial_text(struct gen *g, struct ci_demotree_file *f)
{
	struct st_buf *b = &f->text;
	char stem[64], guard[128];
	uint64_t nfn = 2 + rng_below(&g->rng, 3);

	ci_demotree_file_stem(stem, sizeof(stem), f->path);
	switch (f->kind) {
	case CI_DEMOTREE_C:
		st_buf_addf(b,
			    "/* SPDX-License-Identifier: GPL-2.0-only */\n"
			    "/*\n * %s\n *\n * %s support.\n */\n\n"
			    "#include <xen/init.h>\n#include <xen/lib.h>\n"
			    "#include <xen/sched.h>\n\n",
			    f->path, areas[f->area].title);
		for (uint64_t i = 0; i < nfn; i++)
			st_buf_addf(
				b,
				"int %s_%s(unsigned int x)\n{\n"
				"    return x + %u;\n}\n\n",
				stem,
				words[(i * 7 + strlen(f->path)) % N_(words)],
				(unsigned)(i + 1));
		st_buf_addstr(b, c_tail);
		break;
	case CI_DEMOTREE_H:
		guard_name(guard, sizeof(guard),
			   ci_demotree_base_name(f->path));
		st_buf_addf(b,
			    "/* SPDX-License-Identifier: GPL-2.0-only */\n"
			    "#ifndef __%s__\n#define __%s__\n\n"
			    "#include <xen/types.h>\n\n",
			    guard, guard);
		for (uint64_t i = 0; i < nfn; i++)
			st_buf_addf(b, "int %s_%s(unsigned int x);\n", stem,
				    words[(i * 5 + 3) % N_(words)]);
		st_buf_addf(b, "\n#endif /* __%s__ */\n\n", guard);
		st_buf_addstr(b, c_tail);
		break;
	case CI_DEMOTREE_MD:
		st_buf_addf(b, "# %s\n\nThis document describes %s.\n", stem,
			    nouns[strlen(f->path) % N_(nouns)]);
		break;
	case CI_DEMOTREE_OTHER:
		if (!strcmp(f->path, "MAINTAINERS"))
			maintainers_text(g, b);
		else if (!strcmp(f->path, "README"))
			st_buf_addstr(b,
				      "Demo hypervisor\n===============\n\n"
				      "A sample project made by `steward "
				      "demo-data`.\nSend patches to " LIST_ADDR
				      ".\n");
		else if (!strcmp(f->path, "COPYING"))
			st_buf_addstr(b, "GNU GENERAL PUBLIC LICENSE\n"
					 "Version 2, June 1991\n");
		else if (!strcmp(f->path, ".gitignore"))
			st_buf_addstr(b, "*.o\n*.d\n/dist/\n");
		else if (!strcmp(f->path, "config/Paths.mk"))
			st_buf_addstr(b, "prefix ?= /usr/local\n");
		else
			st_buf_addstr(b, "all:\n\t$(MAKE) -C xen\n\n"
					 ".PHONY: all\n");
		break;
	}
}

/* ---- mails ------------------------------------------------------------- */

/* Move the clock on by a seeded gap of 1..2*mean seconds. */
static int64_t tick(struct gen *g, uint64_t mean)
{
	g->clock += 1 + (int64_t)rng_below(&g->rng, 2 * mean);
	return g->clock;
}

/*
 * Start a mail in g->mail: headers, then the blank line. refs[0..nrefs)
 * are the References, the last one is also In-Reply-To.
 */
static void mail_begin(struct gen *g, const struct person *from, int64_t t,
		       const char *subject, const char *msgid,
		       const char *const *refs, size_t nrefs, const size_t *cc,
		       size_t ncc)
{
	struct st_buf *b = &g->mail;
	const char *irt = NULL;

	for (size_t i = 0; i < nrefs; i++)
		if (refs[i] && refs[i][0])
			irt = refs[i];
	st_buf_reset(b);
	st_buf_addstr(b, "From: ");
	add_person(b, from);
	st_buf_addstr(b, "\nTo: " LIST_ADDR "\n");
	for (size_t i = 0; i < ncc; i++) {
		st_buf_addstr(b, i ? ",\n    " : "Cc: ");
		add_person(b, &g->people[cc[i]]);
	}
	if (ncc)
		st_buf_addch(b, '\n');
	ci_mailfmt_subject(b, subject);
	st_buf_addstr(b, "Date: ");
	ci_mailfmt_date(b, t, from->tz);
	st_buf_addf(b, "\nMessage-ID: %s\n", msgid);
	if (irt) {
		st_buf_addf(b, "In-Reply-To: %s\n", irt);
		ci_mailfmt_refs(b, refs, nrefs);
	}
	st_buf_addstr(b, "MIME-Version: 1.0\n"
			 "Content-Type: text/plain; charset=UTF-8\n"
			 "Content-Transfer-Encoding: 8bit\n"
			 "List-Id: " LIST_ID "\n\n");
	g->body_at = b->len;
}

static int write_all(struct gen *g, const char *p, size_t n)
{
	if (n && fwrite(p, 1, n, g->mbox) != n)
		return st_error_set(g->err, ST_ERROR, "cannot write '%s': %s",
				    g->mbox_path, strerror(errno));
	g->st.mbox_bytes += n;
	return 0;
}

/*
 * Write g->mail to the mbox as mboxrd: a "From " line, the headers, the
 * body with every line matching /^>*From / quoted with one more '>', and
 * a blank line.
 */
static int mail_end(struct gen *g, const struct person *from, int64_t t)
{
	const char *p = g->mail.buf + g->body_at,
		   *e = g->mail.buf + g->mail.len;
	const char *run = p;
	int rc;

	st_buf_reset(&g->tmp);
	ci_mailfmt_mbox_from(&g->tmp, from->email, t);
	rc = write_all(g, g->tmp.buf, g->tmp.len);
	if (rc == 0)
		rc = write_all(g, g->mail.buf, g->body_at);
	while (rc == 0 && p < e) {
		const char *q = p;
		size_t len = ci_demotree_line_len(p, e);

		while (q < p + len && *q == '>')
			q++;
		if ((size_t)(p + len - q) >= 5 && !memcmp(q, "From ", 5)) {
			rc = write_all(g, run, (size_t)(p - run));
			if (rc == 0)
				rc = write_all(g, ">", 1);
			run = p;
		}
		p += len + 1;
	}
	if (rc == 0)
		rc = write_all(g, run, (size_t)(e - run));
	if (rc == 0)
		rc = write_all(g, "\n", 1);
	g->st.messages++;
	return rc;
}

/* A reply's Message-ID: UUID-like, unique through the message count. */
static void reply_id(struct gen *g, char *out, size_t size,
		     const struct person *from)
{
	uint64_t r = rng_next(&g->rng);
	const char *dom = strchr(from->email, '@');

	snprintf(out, size, "<%08llx-%04llx-%04llx-%04llx-%012llx%s>",
		 (unsigned long long)(r >> 32),
		 (unsigned long long)((r >> 16) & 0xffff),
		 (unsigned long long)(0x4000 | (r & 0x0fff)),
		 (unsigned long long)(0x8000 | ((r >> 12) & 0x3fff)),
		 (unsigned long long)(g->st.messages & 0xffffffffffffULL),
		 dom ? dom : "@example.org");
}

/* ---- series ------------------------------------------------------------ */

struct series {
	uint64_t idx;
	enum area_id area;
	size_t author;
	size_t k; /* patches */
	size_t v; /* versions */
	bool cover;
	bool commit; /* the last version is committed */
	const char *tag[VERSION_MAX];
	bool threaded[VERSION_MAX]; /* sent in reply to the previous one */
	size_t replies[VERSION_MAX];
	char title[160];
	struct patch patches[PATCH_MAX];
	struct version_mails vm[VERSION_MAX];
	struct st_buf diff[PATCH_MAX]; /* diffs of the version being sent */
	struct st_buf post[OPS_MAX];
	json_t *json;	  /* NULL above the detail limit */
	json_t *jversion; /* the version being sent */
};

static void series_release(struct series *s)
{
	for (size_t p = 0; p < PATCH_MAX; p++) {
		free(s->patches[p].subject);
		free(s->patches[p].body);
		s->patches[p].subject = NULL;
		s->patches[p].body = NULL;
		st_buf_release(&s->diff[p]);
	}
	for (size_t i = 0; i < OPS_MAX; i++)
		st_buf_release(&s->post[i]);
	json_decref(s->json);
	s->json = NULL;
}

static size_t series_mails(const struct series *s)
{
	size_t n = 0;

	for (size_t v = 0; v < s->v; v++)
		n += (s->cover ? 1 : 0) + s->k + s->replies[v];
	return n;
}

/* Cut the plan until it fits in the remaining messages. */
static void series_fit(struct series *s, uint64_t left)
{
	while (series_mails(s) > left) {
		size_t v = s->v - 1;

		while (v > 0 && s->replies[v] == 0)
			v--;
		if (s->replies[v] > 0)
			s->replies[v]--;
		else if (s->v > 1)
			s->v--;
		else if (s->k > 1)
			s->cover = --s->k > 1 && s->cover;
		else
			s->cover = false;
	}
}

static size_t pick_weighted(struct rng *r, const unsigned *w, size_t n)
{
	unsigned total = 0, x;

	for (size_t i = 0; i < n; i++)
		total += w[i];
	x = (unsigned)rng_below(r, total);
	for (size_t i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

static void series_shape(struct gen *g, struct series *s, uint64_t left)
{
	static const unsigned kw[PATCH_MAX] = {45, 15, 10, 7, 6, 5, 4, 3, 3, 2};
	static const unsigned vw[VERSION_MAX] = {55, 25, 12, 8};
	const char *base;
	uint64_t r;

	s->area = (enum area_id)rng_below(&g->rng, A_COUNT);
	s->author = (size_t)rng_below(&g->rng, g->npeople);
	s->k = 1 + pick_weighted(&g->rng, kw, PATCH_MAX);
	s->v = 1 + pick_weighted(&g->rng, vw, VERSION_MAX);
	s->cover = s->k > 1 && rng_chance(&g->rng, 85);
	r = rng_below(&g->rng, 100);
	base = r < 4	? "XEN PATCH for-4.20"
	       : r < 7	? "PATCH for-4.20"
	       : r < 10 ? "XEN PATCH"
			: "PATCH";
	for (size_t v = 0; v < VERSION_MAX; v++) {
		s->tag[v] = base;
		s->threaded[v] = v > 0 && rng_chance(&g->rng, 50);
		s->replies[v] = (size_t)rng_below(&g->rng, s->k + 2);
	}
	if (s->v > 1 && rng_chance(&g->rng, 15))
		s->tag[0] = "RFC PATCH";
	else if (s->v == 1 && !strcmp(base, "PATCH") && rng_chance(&g->rng, 6))
		s->tag[0] =
			rng_chance(&g->rng, 50) ? "RFC PATCH" : "PATCH RESEND";
	s->commit = rng_chance(&g->rng, 60);
	series_fit(s, left);
	if (!strcmp(s->tag[s->v - 1], "RFC PATCH") ||
	    g->st.commits + s->k > CI_DEMODATA_COMMIT_MAX)
		s->commit = false;
}

/* Files for the series: its area's first, then any other. */
static size_t series_files(struct gen *g, const struct series *s, size_t *out,
			   size_t want)
{
	size_t n = 0, cand[128], nc = 0;

	for (int pass = 0; pass < 2; pass++) {
		size_t first = nc;

		for (size_t i = 0; i < g->master.n && nc < N_(cand); i++) {
			const struct ci_demotree_file *f = &g->master.files[i];

			if (f->kind == CI_DEMOTREE_OTHER ||
			    (pass == 0) != (f->area == (int)s->area))
				continue;
			cand[nc++] = i;
		}
		for (size_t i = nc; i > first + 1; i--) {
			size_t j =
				first + (size_t)rng_below(&g->rng, i - first);
			size_t t = cand[i - 1];

			cand[i - 1] = cand[j];
			cand[j] = t;
		}
	}
	for (; n < want && n < nc; n++)
		out[n] = cand[n];
	return n;
}

/* The changes of a patch: one per file, ADD or (in C files) MOD. */
static void plan_ops(struct gen *g, struct patch *pt, const size_t *files,
		     size_t nfiles)
{
	pt->nops = nfiles;
	for (size_t i = 0; i < nfiles; i++) {
		struct ci_demotree_op *op = &pt->ops[i];
		const struct ci_demotree_file *f = &g->master.files[files[i]];
		struct st_buf fn = ST_BUF_INIT;
		char stem[64];
		size_t nr;

		op->file = files[i];
		op->uid = ++g->uid;
		op->topic = nouns[op->uid % N_(nouns)];
		op->kind = CI_DEMOTREE_ADD;
		op->line = ci_demotree_anchor(f);
		if (f->kind == CI_DEMOTREE_C && rng_chance(&g->rng, 40) &&
		    (nr = ci_demotree_count_returns(f, NULL, 0)) > 0) {
			op->kind = CI_DEMOTREE_MOD;
			ci_demotree_count_returns(f, &op->line,
						  rng_below(&g->rng, nr));
			ci_demotree_enclosing_fn(op->fn, sizeof(op->fn), f,
						 op->line);
			continue;
		}
		ci_demotree_file_stem(stem, sizeof(stem), f->path);
		st_buf_addf(&fn, "%s_%s_%llu", stem,
			    words[rng_below(&g->rng, N_(words))],
			    (unsigned long long)op->uid);
		snprintf(op->fn, sizeof(op->fn), "%s", fn.buf);
		st_buf_release(&fn);
	}
	/* In path order, as git prints a diff (and its diffstat). */
	for (size_t i = 1; i < pt->nops; i++)
		for (size_t j = i;
		     j > 0 && strcmp(g->master.files[pt->ops[j - 1].file].path,
				     g->master.files[pt->ops[j].file].path) > 0;
		     j--) {
			struct ci_demotree_op t = pt->ops[j];

			pt->ops[j] = pt->ops[j - 1];
			pt->ops[j - 1] = t;
		}
}

/* A commit message body about noun: a wrapped paragraph or two. */
static char *patch_body(struct gen *g, const char *noun)
{
	struct st_buf b = ST_BUF_INIT, para = ST_BUF_INIT;
	uint64_t ns = 1 + rng_below(&g->rng, 3);

	for (uint64_t i = 0; i < ns; i++) {
		const char *tmpl = sentences[rng_below(&g->rng, N_(sentences))];

		if (i)
			st_buf_addch(&para, ' ');
		ci_mailfmt_template(&para, tmpl,
				    i ? nouns[rng_below(&g->rng, N_(nouns))]
				      : noun);
	}
	ci_mailfmt_wrap(&b, para.buf);
	/* Now and then a line that mboxrd must quote. */
	if (rng_chance(&g->rng, 3)) {
		st_buf_reset(&para);
		st_buf_addf(&para,
			    "From the %s specification: the register must be "
			    "written last.",
			    nouns[rng_below(&g->rng, N_(nouns))]);
		st_buf_addch(&b, '\n');
		ci_mailfmt_wrap(&b, para.buf);
	}
	st_buf_release(&para);
	return st_buf_detach(&b, NULL);
}

static void plan_patch(struct gen *g, struct series *s, size_t pi,
		       const size_t *files, size_t nfiles)
{
	struct patch *pt = &s->patches[pi];
	const char *prefix = areas[s->area].prefix;
	const char *noun = nouns[rng_below(&g->rng, N_(nouns))];
	const char *verb = verbs[rng_below(&g->rng, N_(verbs))];
	struct st_buf b = ST_BUF_INIT;
	const struct ci_demotree_op *op = &pt->ops[0];

	pt->edited = false;
	plan_ops(g, pt, files, nfiles);
	if (op->kind == CI_DEMOTREE_MOD)
		st_buf_addf(&b, "%s: %s %s in %s()", prefix, verb, noun,
			    op->fn);
	else if (g->master.files[op->file].kind == CI_DEMOTREE_MD)
		st_buf_addf(&b, "%s: document %s", prefix, op->fn);
	else
		st_buf_addf(&b, "%s: introduce %s()", prefix, op->fn);
	pt->subject = st_buf_detach(&b, NULL);
	pt->body = patch_body(g, noun);
}

static void plan_series(struct gen *g, struct series *s, uint64_t left)
{
	size_t files[PATCH_MAX * OPS_MAX], nf, used = 0;
	size_t per[PATCH_MAX];
	size_t want = 0;
	const char *verb, *noun;

	series_shape(g, s, left);
	verb = verbs[rng_below(&g->rng, N_(verbs))];
	noun = nouns[rng_below(&g->rng, N_(nouns))];
	snprintf(s->title, sizeof(s->title), "%s: %s %s", areas[s->area].prefix,
		 verb, noun);
	for (size_t p = 0; p < s->k; p++) {
		per[p] = rng_chance(&g->rng, 20) ? 2 : 1;
		want += per[p];
	}
	nf = series_files(g, s, files, want);
	for (size_t p = 0; p < s->k; p++) {
		size_t n = per[p];

		/* Each patch owns its files; never more than there are. */
		if (used + n > nf)
			n = nf > used ? nf - used : 0;
		if (n == 0) {
			s->k = p;
			break;
		}
		plan_patch(g, s, p, files + used, n);
		used += n;
	}
	if (s->k < 2)
		s->cover = false;
	if (s->commit) {
		uint64_t pick = rng_below(&g->rng, 100);

		/* About one committed series in eight has one patch edited
		 * by the committer. */
		if (pick < 12)
			s->patches[(size_t)rng_below(&g->rng, s->k)].edited =
				true;
	}
}

/* ---- sending a version ------------------------------------------------- */

static void add_tag(struct st_buf *b, const struct series *s, size_t vi,
		    size_t num)
{
	int w = s->k >= 10 ? 2 : 1;

	st_buf_addf(b, "[%s", s->tag[vi]);
	if (vi > 0)
		st_buf_addf(b, " v%zu", vi + 1);
	if (s->k > 1)
		st_buf_addf(b, " %0*zu/%zu", w, num, s->k);
	st_buf_addstr(b, "] ");
}

static void patch_id_str(struct gen *g, char *out, size_t size, int64_t t,
			 unsigned pid, size_t idx, const struct person *au)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(out, size, "<%04d%02d%02d%02d%02d%02d.%u-%zu-%s>",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, pid, idx, au->email);
	(void)g;
}

/* Diffs of every patch of version vi into s->diff, stats into sl. */
static size_t make_diffs(struct gen *g, struct series *s, size_t vi,
			 struct ci_mailfmt_stat *sl)
{
	struct st_buf txt = ST_BUF_INIT;
	size_t n = 0;

	for (size_t p = 0; p < s->k; p++) {
		st_buf_reset(&s->diff[p]);
		for (size_t i = 0; i < s->patches[p].nops; i++) {
			const struct ci_demotree_op *op = &s->patches[p].ops[i];
			struct ci_demotree_file *f = &g->master.files[op->file];
			size_t del = op->kind == CI_DEMOTREE_MOD;
			git_oid post;

			ci_demotree_op_text(&txt, f, op, (int)vi + 1, false);
			ci_demotree_post_oid(&post, f, op->line, del, &txt);
			ci_demotree_diff(&s->diff[p], f, op->line, del, &txt,
					 ci_demotree_oid(f), &post);
			sl[n].path = f->path;
			sl[n].add = ci_demotree_count_lines(txt.buf, txt.len);
			sl[n].del = del;
			n++;
		}
	}
	st_buf_release(&txt);
	return n;
}

static size_t series_cc(struct gen *g, const struct series *s, size_t *cc)
{
	const struct area_people *ap = &g->ap[s->area];
	size_t n = 0;

	for (size_t i = 0; i < ap->nmaint; i++)
		if (ap->maint[i] != s->author)
			cc[n++] = ap->maint[i];
	for (size_t i = 0; i < ap->nrev; i++)
		if (ap->rev[i] != s->author)
			cc[n++] = ap->rev[i];
	return n;
}

static void changes_note(struct st_buf *b, size_t vi)
{
	static const char *const notes[] = {
		"address review comments",
		"rebase on top of the current master",
		"use unsigned arithmetic",
		"drop the unrelated whitespace change",
	};

	if (vi == 0)
		return;
	st_buf_addf(b, "Changes in v%zu:\n", vi + 1);
	for (size_t i = 0; i < vi && i < N_(notes); i++)
		st_buf_addf(b, " - %s\n", notes[(vi + i) % N_(notes)]);
	st_buf_addch(b, '\n');
}

static int stat_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ci_mailfmt_stat *)a)->path,
		      ((const struct ci_mailfmt_stat *)b)->path);
}

static int send_cover(struct gen *g, struct series *s, size_t vi,
		      const struct ci_mailfmt_stat *sl, size_t nsl,
		      const size_t *cc, size_t ncc, const char *prev)
{
	const struct person *au = &g->people[s->author];
	struct ci_mailfmt_stat sorted[PATCH_MAX * OPS_MAX];
	struct st_buf subj = ST_BUF_INIT;
	struct st_buf *b = &g->mail;
	const char *refs[1] = {prev};
	int rc;

	add_tag(&subj, s, vi, 0);
	st_buf_addstr(&subj, s->title);
	mail_begin(g, au, g->clock, subj.buf, s->vm[vi].cover, refs, 1, cc,
		   ncc);
	st_buf_addf(b, "This series aims to %s.\n\n",
		    strchr(s->title, ':') + 2);
	st_buf_reset(&g->tmp);
	ci_mailfmt_template(&g->tmp, sentences[s->idx % N_(sentences)],
			    nouns[s->idx % N_(nouns)]);
	ci_mailfmt_wrap(b, g->tmp.buf);
	st_buf_addch(b, '\n');
	changes_note(b, vi);
	st_buf_addf(b, "%s (%zu):\n", au->name, s->k);
	for (size_t p = 0; p < s->k; p++)
		st_buf_addf(b, "  %s\n", s->patches[p].subject);
	st_buf_addch(b, '\n');
	/* The series' diffstat is in path order, as git prints it. */
	memcpy(sorted, sl, nsl * sizeof(*sl));
	qsort(sorted, nsl, sizeof(*sorted), stat_cmp);
	ci_mailfmt_diffstat(b, sorted, nsl);
	st_buf_addstr(b, "\n-- \n2.39.5\n");
	rc = mail_end(g, au, g->clock);
	st_buf_release(&subj);
	g->st.covers++;
	return rc;
}

static int send_patch(struct gen *g, struct series *s, size_t vi, size_t p,
		      const struct ci_mailfmt_stat *sl, const size_t *cc,
		      size_t ncc, const char *prev)
{
	const struct person *au = &g->people[s->author];
	struct version_mails *vm = &s->vm[vi];
	struct st_buf subj = ST_BUF_INIT;
	struct st_buf *b = &g->mail;
	const char *refs[2] = {prev, NULL};
	int rc;

	if (s->cover)
		refs[1] = vm->cover;
	else if (p > 0)
		refs[1] = vm->ids[0];
	add_tag(&subj, s, vi, p + 1);
	st_buf_addstr(&subj, s->patches[p].subject);
	mail_begin(g, au, g->clock, subj.buf, vm->ids[p], refs, 2, cc, ncc);
	st_buf_addstr(b, s->patches[p].body);
	st_buf_addf(b, "\nSigned-off-by: %s <%s>\n---\n", au->name, au->email);
	changes_note(b, vi);
	ci_mailfmt_diffstat(b, sl, s->patches[p].nops);
	st_buf_addch(b, '\n');
	st_buf_add(b, s->diff[p].buf, s->diff[p].len);
	st_buf_addstr(b, "-- \n2.39.5\n");
	rc = mail_end(g, au, g->clock);
	st_buf_release(&subj);
	g->st.patches++;
	return rc;
}

static void add_trailer(struct version_mails *vm, size_t p, const char *kind,
			size_t person)
{
	for (size_t i = 0; i < vm->ntrailers[p]; i++)
		if (vm->trailers[p][i].person == person &&
		    !strcmp(vm->trailers[p][i].kind, kind))
			return;
	if (vm->ntrailers[p] < N_(vm->trailers[p]))
		vm->trailers[p][vm->ntrailers[p]++] =
			(struct trailer){kind, person};
}

static size_t pick_reviewer(struct gen *g, const struct series *s)
{
	const struct area_people *ap = &g->ap[s->area];
	size_t r;

	if (rng_chance(&g->rng, 60)) {
		size_t n = ap->nmaint + ap->nrev;
		size_t i = (size_t)rng_below(&g->rng, n);

		r = i < ap->nmaint ? ap->maint[i] : ap->rev[i - ap->nmaint];
	} else {
		r = (size_t)rng_below(&g->rng, g->npeople);
	}
	if (r == s->author)
		r = (r + 1) % g->npeople;
	return r;
}

/* Quote the first hunk of diff up to its first added line. */
static void quote_hunk(struct st_buf *b, const struct st_buf *diff)
{
	const char *p = ci_demotree_find(diff->buf, diff->len, "\n@@", 3);
	const char *e = diff->buf + diff->len;

	if (!p)
		return;
	for (p++; p < e;) {
		size_t n = ci_demotree_line_len(p, e);

		st_buf_addstr(b, "> ");
		st_buf_add(b, p, n);
		st_buf_addch(b, '\n');
		if (p[0] == '+')
			break;
		p += n + 1;
	}
}

/* Subject of mail m (0: cover, else patch m) of version vi. */
static void reply_subject(struct st_buf *b, const struct series *s, size_t vi,
			  size_t m)
{
	st_buf_addstr(b, "Re: ");
	add_tag(b, s, vi, m);
	st_buf_addstr(b, m ? s->patches[m - 1].subject : s->title);
}

static void first_line(struct st_buf *b, const char *s)
{
	const char *nl = strchr(s, '\n');

	st_buf_add(b, s, nl ? (size_t)(nl - s) : strlen(s));
}

/* The author thanks a reviewer, quoting the trailer: not a new trailer. */
static void thanks_body(struct gen *g, const struct trailer *t)
{
	const struct person *r = &g->people[t->person];
	struct st_buf *b = &g->mail;

	st_buf_addstr(b, "On ");
	ci_mailfmt_short_date(b, g->clock - 3600, r->tz);
	st_buf_addf(b,
		    ", %s wrote:\n> Looks good to me.\n>\n> %s: %s <%s>\n\n"
		    "Thanks, I will carry it in the next version.\n",
		    r->name, t->kind, r->name, r->email);
	g->st.quoted_trailers++;
}

/* Record that reply id gave kind for mail m (0: the whole series). */
static void record_trailer(struct gen *g, struct series *s,
			   struct version_mails *vm, size_t m, const char *kind,
			   size_t from, const char *id)
{
	g->st.trailers++;
	for (size_t p = 0; p < s->k; p++)
		if (m == 0 || p == m - 1)
			add_trailer(vm, p, kind, from);
	if (vm->nreviews < N_(vm->review_ids)) {
		size_t i = vm->nreviews++;

		snprintf(vm->review_ids[i], sizeof(vm->review_ids[i]), "%s",
			 id);
		vm->review_patch[i] = m;
		vm->review[i] = (struct trailer){kind, from};
	}
}

/* A reviewer quotes mail m, then comments or gives a trailer (kind). */
static void review_body(struct gen *g, struct series *s, size_t vi, size_t m,
			const char *kind, size_t from, const char *id)
{
	const struct person *au = &g->people[s->author];
	const struct person *r = &g->people[from];
	struct st_buf *b = &g->mail;

	st_buf_addstr(b, "On ");
	ci_mailfmt_short_date(b, g->clock - 7200, au->tz);
	st_buf_addf(b, ", %s wrote:\n", au->name);
	if (m == 0) {
		st_buf_addf(b, "> This series aims to %s.\n\n",
			    strchr(s->title, ':') + 2);
	} else {
		st_buf_addstr(b, "> ");
		first_line(b, s->patches[m - 1].body);
		st_buf_addf(b, "\n>\n> Signed-off-by: %s <%s>\n", au->name,
			    au->email);
		if (!kind || rng_chance(&g->rng, 40)) {
			st_buf_addstr(b, "> ---\n>\n");
			quote_hunk(b, &s->diff[m - 1]);
		}
		st_buf_addch(b, '\n');
	}
	if (!kind) {
		st_buf_addf(b, "%s\n",
			    comments[rng_below(&g->rng, N_(comments))]);
		return;
	}
	st_buf_addf(b, "%s\n\n%s: %s <%s>\n",
		    m == 0 ? "For the series:" : "Looks good to me.", kind,
		    r->name, r->email);
	record_trailer(g, s, &s->vm[vi], m, kind, from, id);
}

/*
 * One reply in the thread of version vi: 35% a trailer for a patch, 15% a
 * trailer for the whole series (to the cover), 30% a comment quoting the
 * diff, 20% the author thanking a reviewer with the trailer quoted.
 */
static int send_reply(struct gen *g, struct series *s, size_t vi,
		      const char *prev)
{
	struct version_mails *vm = &s->vm[vi];
	struct st_buf subj = ST_BUF_INIT;
	uint64_t type = rng_below(&g->rng, 100);
	size_t m = 1 + (size_t)rng_below(&g->rng, s->k); /* replied mail */
	size_t from = pick_reviewer(g, s);
	const char *refs[4] = {prev, NULL, NULL, NULL};
	const char *kind = NULL;
	char id[160];
	size_t q = 0;
	int rc;

	if (type >= 35 && type < 50 && s->cover)
		m = 0;
	else if (type >= 80 && vm->nreviews == 0)
		type = 60;
	if (type >= 80) {
		q = (size_t)rng_below(&g->rng, vm->nreviews);
		m = vm->review_patch[q];
		from = s->author;
	}
	if (type < 50) {
		uint64_t k = rng_below(&g->rng, 10);

		kind = k < 7 ? "Reviewed-by" : k < 9 ? "Acked-by" : "Tested-by";
	}
	refs[1] = s->cover ? vm->cover : vm->ids[0];
	if (m > 0 && (s->cover || m > 1))
		refs[2] = vm->ids[m - 1];
	if (type >= 80)
		refs[3] = vm->review_ids[q];
	reply_id(g, id, sizeof(id), &g->people[from]);
	reply_subject(&subj, s, vi, m);
	tick(g, g->gap);
	mail_begin(g, &g->people[from], g->clock, subj.buf, id, refs, 4, NULL,
		   0);
	if (type >= 80)
		thanks_body(g, &vm->review[q]);
	else
		review_body(g, s, vi, m, kind, from, id);
	rc = mail_end(g, &g->people[from], g->clock);
	st_buf_release(&subj);
	g->st.replies++;
	return rc;
}

static json_t *trailers_json(struct gen *g, const struct version_mails *vm,
			     size_t p)
{
	json_t *a = json_array();

	for (size_t i = 0; i < vm->ntrailers[p]; i++) {
		const struct person *r = &g->people[vm->trailers[p][i].person];
		json_t *o = json_object();

		st_json_set_str(o, "kind", vm->trailers[p][i].kind);
		st_json_set_str(o, "name", r->name);
		st_json_set_str(o, "email", r->email);
		json_array_append_new(a, o);
	}
	return a;
}

static int send_version(struct gen *g, struct series *s, size_t vi)
{
	struct version_mails *vm = &s->vm[vi];
	const struct person *au = &g->people[s->author];
	struct ci_mailfmt_stat sl[PATCH_MAX * OPS_MAX];
	size_t cc[4], ncc = series_cc(g, s, cc), nsl, idx = 1, at = 0;
	const char *prev = s->threaded[vi] ? s->vm[vi - 1].first : NULL;
	unsigned pid = 1000 + (unsigned)rng_below(&g->rng, 60000);
	int64_t t0 = tick(g, g->gap);
	int rc = 0;

	memset(vm->ntrailers, 0, sizeof(vm->ntrailers));
	vm->nreviews = 0;
	vm->cover[0] = '\0';
	nsl = make_diffs(g, s, vi, sl);
	if (s->cover)
		patch_id_str(g, vm->cover, sizeof(vm->cover), t0, pid, idx++,
			     au);
	for (size_t p = 0; p < s->k; p++)
		patch_id_str(g, vm->ids[p], sizeof(vm->ids[p]), t0, pid, idx++,
			     au);
	snprintf(vm->first, sizeof(vm->first), "%s",
		 s->cover ? vm->cover : vm->ids[0]);
	if (s->cover)
		rc = send_cover(g, s, vi, sl, nsl, cc, ncc, prev);
	for (size_t p = 0; rc == 0 && p < s->k; p++) {
		g->clock += 1;
		rc = send_patch(g, s, vi, p, sl + at, cc, ncc, prev);
		at += s->patches[p].nops;
	}
	for (size_t r = 0; rc == 0 && r < s->replies[vi]; r++)
		rc = send_reply(g, s, vi, prev);
	g->st.versions++;
	if (s->json) {
		json_t *v = json_object(), *pa = json_array();
		struct st_buf subj = ST_BUF_INIT;

		st_json_set_int(v, "version", (int64_t)vi + 1);
		st_json_set_str(v, "tag", s->tag[vi]);
		st_json_set_int(v, "total", (int64_t)s->k);
		st_json_set_str(v, "cover", s->cover ? vm->cover : NULL);
		st_json_set_str(v, "in_reply_to", prev);
		for (size_t p = 0; p < s->k; p++) {
			json_t *o = json_object();

			st_buf_reset(&subj);
			add_tag(&subj, s, vi, p + 1);
			st_buf_addstr(&subj, s->patches[p].subject);
			st_json_set_int(o, "number", (int64_t)p + 1);
			st_json_set_str(o, "msgid", vm->ids[p]);
			st_json_set_str(o, "subject", subj.buf);
			json_object_set_new(o, "trailers",
					    trailers_json(g, vm, p));
			json_array_append_new(pa, o);
		}
		st_buf_release(&subj);
		json_object_set_new(v, "patches", pa);
		json_array_append_new(json_object_get(s->json, "versions"), v);
		s->jversion = v;
	}
	return rc;
}

/* Commit ch[0..n) on top of *head (root: no parent); *head moves. */
static int commit_on(struct gen *g, git_oid *head, bool root,
		     const struct ci_gitwrite_change *ch, size_t n,
		     const struct person *author, int64_t atime,
		     const struct person *committer, int64_t ctime,
		     const char *msg)
{
	struct ci_gitwrite_sig a = {author->name, author->email, atime,
				    author->tz};
	struct ci_gitwrite_sig c = {committer->name, committer->email, ctime,
				    committer->tz};

	return ci_gitwrite_commit(g->repo, head, root ? NULL : head, ch, n, &a,
				  &c, msg, g->err);
}

static int initial_commit(struct gen *g)
{
	struct ci_gitwrite_change *ch = st_xcalloc(g->master.n, sizeof(*ch));
	const struct person *p = &g->people[0];
	int rc;

	for (size_t i = 0; i < g->master.n; i++) {
		ch[i].path = g->master.files[i].path;
		ch[i].data = g->master.files[i].text.buf;
		ch[i].len = g->master.files[i].text.len;
	}
	rc = commit_on(g, &g->master_head, true, ch, g->master.n, p,
		       BASE_TIME - 30 * DAY, p, BASE_TIME - 30 * DAY,
		       "Initial import of the demo hypervisor\n\n"
		       "Generated by steward demo-data.\n");
	free(ch);
	g->commit_clock = BASE_TIME - 30 * DAY;
	return rc;
}

static void oid_str(struct gen *g, char out[GIT_OID_HEXSZ + 1],
		    const git_oid *oid)
{
	if (g->repo)
		git_oid_tostr(out, GIT_OID_HEXSZ + 1, oid);
	else
		out[0] = '\0';
}

/*
 * Post-images of pt's changes to tree t, the change of op i made at
 * lines[i], into s->post and ch.
 */
static void make_posts(struct series *s, const struct patch *pt,
		       const struct ci_demotree *t, const size_t *lines,
		       int version, struct ci_gitwrite_change *ch)
{
	struct st_buf txt = ST_BUF_INIT;

	for (size_t i = 0; i < pt->nops; i++) {
		const struct ci_demotree_op *op = &pt->ops[i];
		const struct ci_demotree_file *f = &t->files[op->file];

		ci_demotree_op_text(&txt, f, op, version, pt->edited);
		ci_demotree_post_image(&s->post[i], f, lines[i],
				       op->kind == CI_DEMOTREE_MOD, &txt);
		ch[i].path = f->path;
		ch[i].data = s->post[i].buf;
		ch[i].len = s->post[i].len;
	}
	st_buf_release(&txt);
}

/* Make the post-images in s->post the files' texts in t. */
static void take_posts(struct series *s, const struct patch *pt,
		       struct ci_demotree *t)
{
	for (size_t i = 0; i < pt->nops; i++) {
		struct ci_demotree_file *f = &t->files[pt->ops[i].file];
		struct st_buf tmp = f->text;

		f->text = s->post[i];
		s->post[i] = tmp;
		ci_demotree_reindex(f);
	}
}

/*
 * Where pt's changes go on stable-1.0: ADD before the anchor, MOD on the
 * line that master had (old[i]) if stable still has it. False when one
 * does not apply.
 */
static bool stable_lines(struct gen *g, const struct patch *pt,
			 const char (*old)[128], size_t *lines)
{
	struct st_buf pat = ST_BUF_INIT;
	bool ok = true;

	for (size_t i = 0; ok && i < pt->nops; i++) {
		const struct ci_demotree_op *op = &pt->ops[i];
		const struct ci_demotree_file *f = &g->stable.files[op->file];
		const char *hit;

		if (op->kind == CI_DEMOTREE_ADD) {
			lines[i] = ci_demotree_anchor(f);
			continue;
		}
		st_buf_reset(&pat);
		st_buf_addf(&pat, "\n%s\n", old[i]);
		hit = ci_demotree_find(f->text.buf, f->text.len, pat.buf,
				       pat.len);
		if (hit)
			lines[i] = ci_demotree_line_at(
				f, (size_t)(hit - f->text.buf) + 1);
		ok = hit != NULL;
	}
	st_buf_release(&pat);
	return ok;
}

/*
 * Cherry-pick patch p (just committed on master as moid) to stable-1.0,
 * when each of its changes still applies there. Xen's backports say
 * "master commit:"; the others use git's "(cherry picked from ...)".
 */
static int stable_pick(struct gen *g, struct series *s, size_t p,
		       const char *msg, const git_oid *moid, int64_t mtime,
		       const char (*old)[128], json_t *jp)
{
	const struct patch *pt = &s->patches[p];
	const struct person *cm = &g->people[g->ap[s->area].maint[0]];
	struct st_buf m = ST_BUF_INIT;
	struct ci_gitwrite_change ch[OPS_MAX];
	size_t lines[OPS_MAX];
	char hex[GIT_OID_HEXSZ + 1];
	int rc = 0;

	if (!stable_lines(g, pt, old, lines))
		return 0;
	make_posts(s, pt, &g->stable, lines, (int)s->v, ch);
	oid_str(g, hex, moid);
	st_buf_addstr(&m, msg);
	if (g->st.stable_commits % 4 == 1) {
		st_buf_addf(&m, "master commit: %s\nmaster date: ", hex);
		ci_mailfmt_git_date(&m, mtime, cm->tz);
		st_buf_addch(&m, '\n');
	} else {
		st_buf_addf(&m, "(cherry picked from commit %s)\n", hex);
	}
	if (g->repo)
		rc = commit_on(g, &g->stable_head, false, ch, pt->nops,
			       &g->people[s->author], g->clock, cm,
			       mtime + 3600, m.buf);
	if (rc == 0) {
		take_posts(s, pt, &g->stable);
		g->st.stable_commits++;
		oid_str(g, hex, &g->stable_head);
		if (jp)
			st_json_set_str(jp, "stable", g->repo ? hex : NULL);
	}
	st_buf_release(&m);
	return rc;
}

/* The commit message of patch p: the mail's, plus the trailers given. */
static void commit_message(struct gen *g, const struct series *s, size_t p,
			   struct st_buf *msg)
{
	const struct patch *pt = &s->patches[p];
	const struct person *au = &g->people[s->author];
	const struct version_mails *vm = &s->vm[s->v - 1];

	st_buf_reset(msg);
	st_buf_addf(msg, "%s\n\n%s\nSigned-off-by: %s <%s>\n", pt->subject,
		    pt->body, au->name, au->email);
	for (size_t i = 0; i < vm->ntrailers[p]; i++) {
		const struct person *r = &g->people[vm->trailers[p][i].person];

		st_buf_addf(msg, "%s: %s <%s>\n", vm->trailers[p][i].kind,
			    r->name, r->email);
	}
}

/* Keep the last master commits, for [GIT PULL] mails. */
static void remember_commit(struct gen *g, const git_oid *oid,
			    const char *subject, int64_t time)
{
	if (g->nrecent == N_(g->recent)) {
		memmove(g->recent, g->recent + 1,
			sizeof(g->recent) - sizeof(g->recent[0]));
		g->nrecent--;
	}
	g->recent[g->nrecent].oid = *oid;
	snprintf(g->recent[g->nrecent].subject, sizeof(g->recent[0].subject),
		 "%s", subject);
	g->recent[g->nrecent++].time = time;
}

/* Commit patch p of the last version of s on master; jp: its truth. */
static int commit_patch(struct gen *g, struct series *s, size_t p,
			struct st_buf *msg, json_t *jp)
{
	const struct patch *pt = &s->patches[p];
	char old[OPS_MAX][128];
	char hex[GIT_OID_HEXSZ + 1];
	struct ci_gitwrite_change ch[OPS_MAX];
	size_t lines[OPS_MAX];
	int64_t atime = g->clock, ctime;
	int rc = 0;

	for (size_t i = 0; i < pt->nops; i++) {
		const struct ci_demotree_file *f =
			&g->master.files[pt->ops[i].file];
		size_t o = ci_demotree_off(f, pt->ops[i].line);
		size_t n = ci_demotree_line_len(f->text.buf + o,
						f->text.buf + f->text.len);

		/* The line a MOD replaces, to find it on stable-1.0. */
		snprintf(old[i], sizeof(old[i]), "%.*s", (int)n,
			 f->text.buf + o);
		lines[i] = pt->ops[i].line;
	}
	make_posts(s, pt, &g->master, lines, (int)s->v, ch);
	commit_message(g, s, p, msg);
	/* A few days after posting, never before the last commit. */
	ctime = atime + 2 * DAY + (int64_t)(mix(pt->ops[0].uid) % (3 * DAY));
	if (ctime <= g->commit_clock)
		ctime = g->commit_clock + 60;
	g->commit_clock = ctime;
	if (g->repo)
		rc = commit_on(g, &g->master_head, false, ch, pt->nops,
			       &g->people[s->author], atime,
			       &g->people[g->ap[s->area].maint[0]], ctime,
			       msg->buf);
	if (rc < 0)
		return rc;
	take_posts(s, pt, &g->master);
	g->st.commits++;
	g->st.edited += pt->edited;
	remember_commit(g, &g->master_head, pt->subject, ctime);
	oid_str(g, hex, &g->master_head);
	if (jp) {
		st_json_set_str(jp, "commit", g->repo ? hex : NULL);
		json_object_set_new(jp, "edited", json_boolean(pt->edited));
	}
	if (!g->forked && g->st.commits >= g->fork_at) {
		ci_demotree_copy(&g->stable, &g->master);
		g->stable_head = g->master_head;
		g->forked = true;
	} else if (g->forked && g->st.stable_commits < g->stable_max &&
		   mix(pt->ops[0].uid ^ 0x5ab1e) % 100 < 25) {
		rc = stable_pick(g, s, p, msg->buf, &g->master_head, ctime,
				 (const char(*)[128])old, jp);
	}
	return rc;
}

/* Commit the last version of s on master, in posting order. */
static int commit_series(struct gen *g, struct series *s)
{
	json_t *jpatches =
		s->jversion ? json_object_get(s->jversion, "patches") : NULL;
	struct st_buf msg = ST_BUF_INIT;
	int rc = 0;

	for (size_t p = 0; rc == 0 && p < s->k; p++)
		rc = commit_patch(g, s, p, &msg,
				  jpatches ? json_array_get(jpatches, p)
					   : NULL);
	st_buf_release(&msg);
	return rc;
}

/* ---- the pull request -------------------------------------------------- */

static int send_pull(struct gen *g)
{
	enum area_id a = (enum area_id)rng_below(&g->rng, A_COUNT);
	const struct person *from = &g->people[g->ap[a].maint[0]];
	struct st_buf *b = &g->mail, subj = ST_BUF_INIT, url = ST_BUF_INIT;
	char id[160], base[GIT_OID_HEXSZ + 1], head[GIT_OID_HEXSZ + 1];
	char tag[64];
	uint64_t fake[2];
	const struct commit_ref *cb = g->nrecent ? &g->recent[0] : NULL;
	const struct commit_ref *ch =
		g->nrecent ? &g->recent[g->nrecent - 1] : NULL;
	int rc;

	/* Made-up ids without a repository (or without commits yet). */
	fake[0] = rng_next(&g->rng);
	fake[1] = rng_next(&g->rng);
	snprintf(base, sizeof(base), "%016llx%016llx%08llx",
		 (unsigned long long)fake[0], (unsigned long long)fake[1],
		 (unsigned long long)(fake[0] >> 32));
	snprintf(head, sizeof(head), "%016llx%016llx%08llx",
		 (unsigned long long)fake[1], (unsigned long long)fake[0],
		 (unsigned long long)(fake[1] >> 32));
	if (g->repo && cb) {
		oid_str(g, base, &cb->oid);
		oid_str(g, head, &ch->oid);
	}
	snprintf(tag, sizeof(tag), "%s-fixes-1.1",
		 areas[a].prefix[0] == 'x' ? "xen" : "tools");
	tick(g, g->gap);
	reply_id(g, id, sizeof(id), from);
	st_buf_addf(&subj, "[GIT PULL] %s: fixes for 1.1", areas[a].prefix);
	st_buf_addf(&url, "https://xenbits.example.org/git/people/%s/xen.git",
		    from->local);
	mail_begin(g, from, g->clock, subj.buf, id, NULL, 0, NULL, 0);
	st_buf_addf(b,
		    "Hi,\n\nplease pull the following fixes for 1.1.\n\n"
		    "The following changes since commit %s:\n\n  %s (",
		    base, cb ? cb->subject : "Initial import");
	ci_mailfmt_git_date(b, cb ? cb->time : BASE_TIME, 0);
	st_buf_addf(b,
		    ")\n\nare available in the Git repository at:\n\n"
		    "  %s %s\n\nfor you to fetch changes up to %s:\n\n  %s (",
		    url.buf, tag, head, ch ? ch->subject : "Initial import");
	ci_mailfmt_git_date(b, ch ? ch->time : BASE_TIME, 0);
	st_buf_addstr(b, ")\n\n------------------------------------------------"
			 "----------------\n");
	for (size_t i = 1; i < g->nrecent; i++)
		st_buf_addf(b, "      %s\n", g->recent[i].subject);
	st_buf_addstr(b, "------------------------------------------------"
			 "----------------\n");
	rc = mail_end(g, from, g->clock);
	if (g->pulls) {
		json_t *o = json_object();

		st_json_set_str(o, "msgid", id);
		st_json_set_str(o, "url", url.buf);
		st_json_set_str(o, "tag", tag);
		st_json_set_str(o, "base", base);
		st_json_set_str(o, "head", head);
		json_array_append_new(g->pulls, o);
	}
	g->st.pulls++;
	g->pulled = true;
	st_buf_release(&subj);
	st_buf_release(&url);
	return rc;
}

/* ---- the whole run ----------------------------------------------------- */

static json_t *series_json(struct gen *g, const struct series *s)
{
	json_t *o = json_object(), *a = json_object();
	const struct person *au = &g->people[s->author];

	st_json_set_int(o, "id", (int64_t)s->idx);
	st_json_set_str(o, "title", s->title);
	st_json_set_str(o, "area", areas[s->area].title);
	st_json_set_str(a, "name", au->name);
	st_json_set_str(a, "email", au->email);
	json_object_set_new(o, "author", a);
	json_object_set_new(o, "committed", json_boolean(s->commit));
	json_object_set_new(o, "versions", json_array());
	return o;
}

static int run_series(struct gen *g, struct series *s)
{
	int rc = 0;

	s->idx = g->st.series++;
	plan_series(g, s, g->opts->messages - g->st.messages);
	if (g->truth)
		s->json = series_json(g, s);
	s->jversion = NULL;
	for (size_t v = 0; rc == 0 && v < s->v; v++)
		rc = send_version(g, s, v);
	if (rc == 0 && s->commit)
		rc = commit_series(g, s);
	if (rc == 0 && s->json) {
		json_array_append(g->truth, s->json);
	}
	series_release(s);
	return rc;
}

static int make_tree(struct gen *g)
{
	g->master.n = N_(tree_files);
	g->master.files = st_xcalloc(g->master.n, sizeof(*g->master.files));
	for (size_t i = 0; i < g->master.n; i++) {
		struct ci_demotree_file *f = &g->master.files[i];

		f->path = tree_files[i].path;
		f->area = tree_files[i].area;
		f->kind = ci_demotree_kind_of(f->path);
		f->text = (struct st_buf)ST_BUF_INIT;
		initial_text(g, f);
		ci_demotree_reindex(f);
	}
	return g->repo ? initial_commit(g) : 0;
}

/* Write the packs and the branches: stable-1.0 stays at the initial
 * commit when there were too few commits to fork it. */
static int finish_repo(struct gen *g)
{
	static const char *const names[2] = {"master", STABLE_BRANCH};
	git_oid ids[2];

	if (!g->repo)
		return 0;
	ids[0] = g->master_head;
	ids[1] = g->forked ? g->stable_head : g->master_head;
	return ci_gitwrite_finish(g->repo, names, ids, 2, g->err);
}

static void counts_json(json_t *o, const struct ci_demodata_stats *st)
{
	st_json_set_int(o, "messages", (int64_t)st->messages);
	st_json_set_int(o, "people", (int64_t)st->people);
	st_json_set_int(o, "series", (int64_t)st->series);
	st_json_set_int(o, "versions", (int64_t)st->versions);
	st_json_set_int(o, "covers", (int64_t)st->covers);
	st_json_set_int(o, "patches", (int64_t)st->patches);
	st_json_set_int(o, "replies", (int64_t)st->replies);
	st_json_set_int(o, "trailers", (int64_t)st->trailers);
	st_json_set_int(o, "quoted_trailers", (int64_t)st->quoted_trailers);
	st_json_set_int(o, "pulls", (int64_t)st->pulls);
	st_json_set_int(o, "commits", (int64_t)st->commits);
	st_json_set_int(o, "edited", (int64_t)st->edited);
	st_json_set_int(o, "stable_commits", (int64_t)st->stable_commits);
}

static json_t *people_json(struct gen *g, const size_t *idx, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, st_json_str(g->people[idx[i]].email));
	return a;
}

/* The MAINTAINERS sections, as written in the repository. */
static json_t *areas_json(struct gen *g)
{
	json_t *arr = json_array();

	for (size_t a = 0; a < A_COUNT; a++) {
		const struct area_people *ap = &g->ap[a];
		json_t *o = json_object(), *files = json_array();
		const char *f = areas[a].files;

		st_json_set_str(o, "title", areas[a].title);
		st_json_set_str(o, "prefix", areas[a].prefix);
		json_object_set_new(o, "maintainers",
				    people_json(g, ap->maint, ap->nmaint));
		json_object_set_new(o, "reviewers",
				    people_json(g, ap->rev, ap->nrev));
		while (*f) {
			size_t n = strcspn(f, " ");

			json_array_append_new(files, json_stringn(f, n));
			f += n + (f[n] == ' ');
		}
		json_object_set_new(o, "files", files);
		st_json_set_str(o, "exclude", areas[a].exclude);
		json_array_append_new(arr, o);
	}
	return arr;
}

static int write_truth(struct gen *g, const char *path)
{
	json_t *root = json_object(), *counts = json_object();
	json_t *br = json_object();
	char hex[GIT_OID_HEXSZ + 1];
	int rc = 0;

	st_json_set_str(root, "generator", "steward demo-data");
	st_json_set_int(root, "seed", (int64_t)g->opts->seed);
	st_json_set_int(root, "messages", (int64_t)g->opts->messages);
	st_json_set_str(root, "list", LIST_ADDR);
	json_object_set_new(root, "detail", json_boolean(g->truth != NULL));
	counts_json(counts, &g->st);
	json_object_set_new(root, "counts", counts);
	if (g->repo) {
		oid_str(g, hex, &g->master_head);
		st_json_set_str(br, "master", hex);
		oid_str(g, hex, g->forked ? &g->stable_head : &g->master_head);
		st_json_set_str(br, STABLE_BRANCH, hex);
	}
	json_object_set_new(root, "branches", br);
	json_object_set_new(root, "areas", areas_json(g));
	if (g->truth) {
		json_t *people = json_array();

		for (size_t i = 0; i < g->npeople; i++) {
			json_t *o = json_object();

			st_json_set_str(o, "name", g->people[i].name);
			st_json_set_str(o, "email", g->people[i].email);
			json_array_append_new(people, o);
		}
		json_object_set_new(root, "people", people);
		json_object_set(root, "series", g->truth);
		json_object_set(root, "pulls", g->pulls);
	}
	if (json_dump_file(root, path, JSON_INDENT(1)) < 0)
		rc = st_error_set(g->err, ST_ERROR, "cannot write '%s'", path);
	json_decref(root);
	return rc;
}

static const char *const outputs[3] = {"archive.mbox", "repo.git",
				       "truth.json"};

/*
 * Create dir if needed and make final[i] and tmp[i] (written first, then
 * renamed, so an interrupted run leaves no output that looks complete).
 */
static int prepare_dir(const char *dir, struct st_buf *final,
		       struct st_buf *tmp, struct st_error *err)
{
	struct stat sb;

	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		return st_error_set(err, ST_ERROR, "cannot create '%s': %s",
				    dir, strerror(errno));
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return st_error_set(err, ST_ERROR, "'%s' is not a directory",
				    dir);
	for (size_t i = 0; i < 3; i++) {
		st_buf_addf(&final[i], "%s/%s", dir, outputs[i]);
		st_buf_addf(&tmp[i], "%s/%s.tmp", dir, outputs[i]);
		if (lstat(final[i].buf, &sb) == 0)
			return st_error_set(err, ST_EEXISTS,
					    "'%s' already exists",
					    final[i].buf);
		if (lstat(tmp[i].buf, &sb) == 0)
			return st_error_set(err, ST_EEXISTS,
					    "'%s' already exists (left by an "
					    "interrupted run: remove it)",
					    tmp[i].buf);
	}
	return 0;
}

/* Give the outputs their names: the mbox last, as the sign of success. */
static int rename_outputs(struct gen *g, struct st_buf *final,
			  struct st_buf *tmp)
{
	static const size_t order[3] = {1, 2, 0};
	bool repo = g->repo != NULL;

	/* Closed before its folder moves. */
	ci_gitwrite_free(g->repo);
	g->repo = NULL;
	for (size_t k = 0; k < 3; k++) {
		size_t i = order[k];

		if (i == 1 && !repo)
			continue;
		if (rename(tmp[i].buf, final[i].buf) < 0)
			return st_error_set(g->err, ST_ERROR,
					    "cannot rename '%s': %s",
					    tmp[i].buf, strerror(errno));
	}
	return 0;
}

static struct gen *gen_new(const struct ci_demodata_opts *opts,
			   struct st_error *err)
{
	struct gen *g = st_xcalloc(1, sizeof(*g));
	uint64_t expect = opts->messages / 8; /* commits, roughly */

	g->mail = (struct st_buf)ST_BUF_INIT;
	g->tmp = (struct st_buf)ST_BUF_INIT;
	g->err = err;
	g->opts = opts;
	g->rng.s = opts->seed ^ 0x5745574152440000ULL; /* "STEWARD" */
	g->clock = BASE_TIME + 9 * 3600;
	/* About three months of mails, or more when there are many. */
	g->gap = 90 * DAY / opts->messages;
	if (g->gap < 120)
		g->gap = 120;
	if (expect > CI_DEMODATA_COMMIT_MAX)
		expect = CI_DEMODATA_COMMIT_MAX;
	g->fork_at = expect / 6 < 3 ? 3 : expect / 6;
	g->stable_max = STABLE_MAX;
	if (opts->messages <= CI_DEMODATA_TRUTH_DETAIL_MAX) {
		g->truth = json_array();
		g->pulls = json_array();
	}
	return g;
}

static void gen_free(struct gen *g)
{
	if (!g)
		return;
	if (g->mbox)
		fclose(g->mbox);
	for (size_t i = 0; i < g->npeople; i++) {
		free(g->people[i].name);
		free(g->people[i].email);
		free(g->people[i].local);
	}
	free(g->people);
	ci_demotree_release(&g->master);
	ci_demotree_release(&g->stable);
	ci_gitwrite_free(g->repo);
	json_decref(g->truth);
	json_decref(g->pulls);
	st_buf_release(&g->mail);
	st_buf_release(&g->tmp);
	free(g);
}

/* Stream all the mails (and commits) to path. */
static int write_mbox(struct gen *g, struct series *s, const char *path)
{
	uint64_t n = g->opts->messages;
	struct st_progress *progress;
	int rc = 0;

	g->mbox_path = path;
	g->mbox = fopen(path, "wx");
	if (!g->mbox)
		return st_error_set(g->err, ST_ERROR, "cannot create '%s': %s",
				    path, strerror(errno));
	setvbuf(g->mbox, NULL, _IOFBF, 1 << 20);
	progress = st_progress_new("messages", n);
	while (rc == 0 && g->st.messages < n) {
		if (!g->pulled && n >= 50 && g->st.messages >= n / 2)
			rc = send_pull(g);
		else
			rc = run_series(g, s);
		st_progress_update(progress, g->st.messages);
	}
	st_progress_free(progress);
	if (rc == 0 && (fflush(g->mbox) != 0 || ferror(g->mbox)))
		rc = st_error_set(g->err, ST_ERROR, "cannot write '%s': %s",
				  path, strerror(errno));
	if (fclose(g->mbox) != 0 && rc == 0)
		rc = st_error_set(g->err, ST_ERROR, "cannot write '%s': %s",
				  path, strerror(errno));
	g->mbox = NULL;
	return rc;
}

int ci_demodata_generate(struct ci_demodata_stats *out, const char *dir,
			 const struct ci_demodata_opts *opts,
			 struct st_error *err)
{
	struct gen *g = NULL;
	struct series *s = NULL;
	struct st_buf final[3] = {ST_BUF_INIT, ST_BUF_INIT, ST_BUF_INIT};
	struct st_buf tmp[3] = {ST_BUF_INIT, ST_BUF_INIT, ST_BUF_INIT};
	int rc;

	if (opts->messages < 1 || opts->messages > CI_DEMODATA_MESSAGES_MAX)
		return st_error_set(err, ST_EINVALID,
				    "message count %llu out of range 1..%d",
				    (unsigned long long)opts->messages,
				    CI_DEMODATA_MESSAGES_MAX);
	rc = prepare_dir(dir, final, tmp, err);
	if (rc < 0)
		goto out;
	g = gen_new(opts, err);
	s = st_xcalloc(1, sizeof(*s));
	for (size_t p = 0; p < PATCH_MAX; p++)
		s->diff[p] = (struct st_buf)ST_BUF_INIT;
	for (size_t i = 0; i < OPS_MAX; i++)
		s->post[i] = (struct st_buf)ST_BUF_INIT;
	make_people(g);
	g->st.people = g->npeople;
	if (!opts->no_repo) {
		rc = ci_gitwrite_open(&g->repo, tmp[1].buf, err);
		if (rc < 0)
			goto out;
	}
	rc = make_tree(g);
	if (rc == 0)
		rc = write_mbox(g, s, tmp[0].buf);
	if (rc == 0)
		rc = finish_repo(g);
	if (rc == 0)
		rc = write_truth(g, tmp[2].buf);
	if (rc == 0)
		rc = rename_outputs(g, final, tmp);
	if (rc == 0 && out)
		*out = g->st;
out:
	gen_free(g);
	if (s) {
		series_release(s);
		free(s);
	}
	for (size_t i = 0; i < 3; i++) {
		st_buf_release(&final[i]);
		st_buf_release(&tmp[i]);
	}
	return rc;
}
