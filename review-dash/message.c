/*
 * message.c: one raw mail into a struct rd_message, with GMime 3. GMime
 * reads the MIME structure and decodes headers and transfer encodings;
 * this file picks the plain text, converts it to clean UTF-8, and decides
 * what the mail is (patch, cover letter, pull request or comment).
 * Thread-safe: GMime is initialised once, and each call has its own
 * parser and objects.
 *
 * Most list mail is one text/plain part without a transfer encoding, and
 * building GMime's objects for it cost more than the rest of the parse.
 * So a header block of plain "Name:" lines takes a fast path (see
 * message-priv.h): its body bytes are used as they are; the few fields
 * read are decoded with GMime's own calls (RD_MESSAGE_PATH_PLAIN) or,
 * when anything in them is unusual, by GMime from those fields alone
 * (RD_MESSAGE_PATH_HEADERS). Anything else gets GMime's full parse. The
 * fast path must give what the full parse gives, field for field:
 * tests/review-dash/test-message-fast.c and fuzz-message-fast.c check.
 */
#include "review-dash/message.h"
#include "review-dash/message-priv.h"

#include "common/buf.h"
#include "common/xalloc.h"

#include <gmime/gmime.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Words that may declare a multipart or attached message, counted in
 * the raw bytes: GMime's parser recurses once per nesting level, so past
 * this many the body is not given to it (see rd_message_parse). */
#define CONTAINERS_MAX 64
/* Walk depth for the parsed tree. */
#define DEPTH_MAX 32
/* References kept per message, and the longest Message-ID (RFC 5322
 * line limit). */
#define REFS_MAX 200
#define ID_MAX	 998
/* Dates outside [1970, 2100) are absurd and become 0. */
#define DATE_MAX 4102444800LL

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;
static GMimeParserOptions *parser_options;

static void gmime_setup(void)
{
	static const char *fallback[] = {"UTF-8", "windows-1252", NULL};

	g_mime_init();
	parser_options = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(parser_options, fallback);
	g_mime_parser_options_set_rfc2047_compliance_mode(
		parser_options, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(
		parser_options, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(
		parser_options, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_allow_addresses_without_domain(parser_options,
								 TRUE);
}

const char *rd_kind_name(enum rd_kind k)
{
	switch (k) {
	case RD_KIND_PATCH:
		return "patch";
	case RD_KIND_COVER:
		return "cover";
	case RD_KIND_PULL:
		return "pull";
	case RD_KIND_COMMENT:
		break;
	}
	return "comment";
}

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Does w hold a NUL, a CR or a byte >= 0x80 (haszero trick)? */
static bool has_special(uint64_t w)
{
	uint64_t cr = w ^ (ONES * '\r');

	return ((w | ((w - ONES) & ~w) | ((cr - ONES) & ~cr)) & HIGHS) != 0;
}

/*
 * Append p[0..n) to out as clean UTF-8: valid sequences are kept, each
 * invalid byte is read as Latin-1 (the usual truth behind a lying
 * charset), NULs are dropped and CRLF becomes LF.
 */
static int add_clean(struct st_buf *out, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, run = 0;
	int rc = st_buf_grow(out, n + n / 8);

	if (rc < 0)
		return rc;
	while (i < n) {
		unsigned char c;
		size_t k = 0;

		/* Fast path: 8 bytes without NUL, CR or a high bit. */
		while (i + 8 <= n) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			if (has_special(w))
				break;
			i += 8;
		}
		if (i >= n)
			break;
		c = s[i];
		if (c >= 0x20 && c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0x80) {
			unsigned int cp = 0;

			if (c >= 0xc2 && c <= 0xdf)
				k = 2, cp = c & 0x1f;
			else if (c >= 0xe0 && c <= 0xef)
				k = 3, cp = c & 0x0f;
			else if (c >= 0xf0 && c <= 0xf4)
				k = 4, cp = c & 0x07;
			if (k && i + k <= n) {
				size_t j;

				for (j = 1; j < k; j++) {
					if ((s[i + j] & 0xc0) != 0x80)
						break;
					cp = (cp << 6) | (s[i + j] & 0x3f);
				}
				if (j == k && !(k == 3 && cp < 0x800) &&
				    !(k == 4 &&
				      (cp < 0x10000 || cp > 0x10ffff)) &&
				    !(cp >= 0xd800 && cp <= 0xdfff)) {
					i += k;
					continue;
				}
			}
		} else if (c != '\0' &&
			   !(c == '\r' && i + 1 < n && s[i + 1] == '\n')) {
			i++; /* other control characters are kept */
			continue;
		}
		/* Flush the clean run, then fix this byte. */
		rc = st_buf_add(out, p + run, i - run);
		if (!rc && c >= 0x80) {
			char two[2] = {(char)(0xc0 | (c >> 6)),
				       (char)(0x80 | (c & 0x3f))};

			rc = st_buf_add(out, two, 2);
		}
		if (rc < 0)
			return rc;
		run = ++i;
	}
	return st_buf_add(out, p + run, n - run);
}

static char *clean_dup(const char *s)
{
	struct st_buf b = ST_BUF_INIT;

	if (!s)
		return st_xstrdup("");
	add_clean(&b, s, strlen(s));
	return st_buf_detach(&b, NULL);
}

static bool is_patch_name(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	return (n > 6 && !g_ascii_strcasecmp(name + n - 6, ".patch")) ||
	       (n > 5 && !g_ascii_strcasecmp(name + n - 5, ".diff"));
}

/* Is this leaf part text we keep? Plain text, patches, never HTML. */
static bool wanted_part(GMimePart *part)
{
	GMimeContentType *ct =
		g_mime_object_get_content_type(GMIME_OBJECT(part));
	bool named = is_patch_name(g_mime_part_get_filename(part));

	if (g_mime_content_type_is_type(ct, "text", "x-patch") ||
	    g_mime_content_type_is_type(ct, "text", "x-diff") ||
	    g_mime_content_type_is_type(ct, "application", "x-patch"))
		return true;
	if (g_mime_content_type_is_type(ct, "text", "plain"))
		return !g_mime_part_is_attachment(part) || named;
	/* "application/octet-stream; name=0001-fix.patch" */
	return named &&
	       g_mime_content_type_is_type(ct, "application", "octet-stream");
}

/*
 * A single-byte Western label. Text under one that is valid UTF-8 with
 * non-ASCII in it is UTF-8 (a mailer that lies the other way): such byte
 * pairs almost never occur in real Latin-1 prose.
 */
static bool is_latin(const char *charset)
{
	static const char *const names[] = {"iso-8859-1", "iso-8859-15",
					    "latin1",	  "windows-1252",
					    "cp1252",	  NULL};

	for (size_t i = 0; names[i]; i++)
		if (!g_ascii_strcasecmp(charset, names[i]))
			return true;
	return false;
}

/*
 * Append the text p[0..n) of a part labelled charset (NULL: none) onto out
 * as clean UTF-8, converting from the charset when it is not UTF-8.
 */
static int add_text(struct st_buf *out, const char *p, size_t n,
		    const char *charset)
{
	if (!n)
		return 0;
	if (charset && g_ascii_strcasecmp(charset, "utf-8") &&
	    g_ascii_strcasecmp(charset, "us-ascii") &&
	    !(is_latin(charset) && g_utf8_validate(p, (gssize)n, NULL))) {
		gsize written = 0;
		gchar *conv = g_convert(p, (gssize)n, "UTF-8",
					g_mime_charset_iconv_name(charset),
					NULL, &written, NULL);

		if (conv) {
			int rc = add_clean(out, conv, written);

			g_free(conv);
			return rc;
		}
		/* Unknown or lying charset: fall through to the repair. */
	}
	return add_clean(out, p, n);
}

static const char *part_charset(GMimePart *part)
{
	return g_mime_object_get_content_type_parameter(GMIME_OBJECT(part),
							"charset");
}

/* Decode one leaf part (transfer encoding, then charset) onto out. */
static int add_part(struct st_buf *out, GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *mem;
	GByteArray *bytes;
	int rc = 0;

	if (!w)
		return 0;
	mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(w, mem) < 0)
		goto out;
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	if (out->len && out->buf[out->len - 1] != '\n')
		rc = st_buf_addch(out, '\n');
	if (rc < 0)
		goto out;
	rc = add_text(out, (const char *)bytes->data, bytes->len,
		      part_charset(part));
out:
	g_object_unref(mem);
	return rc;
}

/* Collect the text of obj and below into out. */
static int walk(struct st_buf *out, GMimeObject *obj, int depth)
{
	int rc = 0;

	if (depth > DEPTH_MAX)
		return 0;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		GMimeContentType *ct = g_mime_object_get_content_type(obj);
		int n = g_mime_multipart_get_count(mp);

		if (GMIME_IS_MULTIPART_ENCRYPTED(obj))
			return 0;
		if (g_mime_content_type_is_type(ct, "multipart",
						"alternative")) {
			/* The plain part, else the first nested
			 * multipart; never the HTML. */
			GMimeObject *pick = NULL;

			for (int i = 0; i < n && !pick; i++) {
				GMimeObject *c =
					g_mime_multipart_get_part(mp, i);

				if (GMIME_IS_PART(c) &&
				    g_mime_content_type_is_type(
					    g_mime_object_get_content_type(c),
					    "text", "plain"))
					pick = c;
			}
			for (int i = 0; i < n && !pick; i++) {
				GMimeObject *c =
					g_mime_multipart_get_part(mp, i);

				if (GMIME_IS_MULTIPART(c))
					pick = c;
			}
			return pick ? walk(out, pick, depth + 1) : 0;
		}
		for (int i = 0; i < n && rc == 0; i++)
			rc = walk(out, g_mime_multipart_get_part(mp, i),
				  depth + 1);
		return rc;
	}
	if (GMIME_IS_PART(obj) && wanted_part(GMIME_PART(obj)))
		return add_part(out, GMIME_PART(obj));
	/* message/rfc822 attachments (forwards) are someone else's mail. */
	return 0;
}

/* Does p (with at least strlen(word) bytes) spell word, any case? */
static bool word_at(const char *p, const char *word)
{
	for (; *word; p++, word++)
		if (g_ascii_tolower(*p) != *word)
			return false;
	return true;
}

/*
 * Count the multipart and message containers the raw bytes could declare,
 * case-insensitively, before GMime recurses into them. Anchored on rare
 * bytes ('m' then 'u'; the '8' of rfc822) so prose costs little.
 */
static size_t count_containers(const char *raw, size_t len)
{
	const char *end = raw + len, *p;
	size_t count = 0;

	for (int pass = 0; pass < 2; pass++) {
		p = raw;
		while ((p = memchr(p, pass ? 'M' : 'm', (size_t)(end - p)))) {
			if (end - p >= 9 && (p[1] | 0x20) == 'u' &&
			    word_at(p, "multipart"))
				count++;
			p++;
		}
	}
	p = raw;
	while ((p = memchr(p, '8', (size_t)(end - p)))) {
		if (p - raw >= 3 && end - p >= 3 && p[1] == '2' &&
		    p[2] == '2' && word_at(p - 3, "rfc"))
			count++;
		p++;
	}
	return count;
}

/* A Message-ID we can use: printable, no spaces, not too long. */
static bool id_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (!n || n > ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)id[i];

		if (c <= 0x20 || c == 0x7f || c == '<' || c == '>')
			return false;
	}
	return true;
}

static char *synthetic_id(const char *raw, size_t len)
{
	gchar *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA1,
						 (const guchar *)raw, len);
	struct st_buf b = ST_BUF_INIT;

	st_buf_addf(&b, "synthetic-%s@steward", hex);
	g_free(hex);
	return st_buf_detach(&b, NULL);
}

/*
 * GMime 3.2 joins adjacent encoded words of one charset before decoding,
 * and its base64 decoder stops at the first word's '=' padding:
 * "=?UTF-8?B?RnJhbsOnb2lzIA==?= =?UTF-8?B?QmV1bGljaA==?=" decodes to
 * "François " instead of "François Beulich" (Python's email package and
 * many mailers fold long names so). Rewrite every B word of value as the
 * equivalent Q word, which GMime joins correctly (a character split
 * across words included). NULL when value has no B word.
 */
static char *b_words_to_q(const char *value)
{
	struct st_buf b = ST_BUF_INIT;
	const char *p = value, *w;
	bool changed = false;

	while ((w = strstr(p, "=?")) != NULL) {
		const char *cs_end = w + 2 + strcspn(w + 2, "? \t\r\n");
		const char *text = cs_end + 3, *end;
		guchar *data;
		gsize len = 0;
		char *enc;
		size_t n;

		if (*cs_end != '?' || cs_end == w + 2 ||
		    (cs_end[1] != 'B' && cs_end[1] != 'b') ||
		    cs_end[2] != '?') {
			st_buf_add(&b, p, (size_t)(w + 2 - p));
			p = w + 2;
			continue;
		}
		n = strcspn(text, "? \t\r\n");
		end = text + n;
		if (end[0] != '?' || end[1] != '=') {
			st_buf_add(&b, p, (size_t)(end - p));
			p = end;
			continue;
		}
		enc = st_xmemdupz(text, n);
		data = g_base64_decode(enc, &len);
		free(enc);
		st_buf_add(&b, p, (size_t)(cs_end - p));
		st_buf_addstr(&b, "?Q?");
		for (gsize i = 0; i < len; i++) {
			static const char hex[] = "0123456789ABCDEF";
			char q[3] = {'=', hex[data[i] >> 4], hex[data[i] & 15]};

			if (g_ascii_isalnum(data[i]))
				st_buf_addch(&b, data[i]);
			else
				st_buf_add(&b, q, 3);
		}
		st_buf_addstr(&b, "?=");
		g_free(data);
		p = end + 2;
		changed = true;
	}
	if (!changed) {
		st_buf_release(&b);
		return NULL;
	}
	st_buf_addstr(&b, p);
	return st_buf_detach(&b, NULL);
}

/* The header fields set_headers reads. */
enum field {
	F_FROM,
	F_SUBJECT,
	F_DATE,
	F_MESSAGE_ID,
	F_REFERENCES,
	F_IN_REPLY_TO,
	F_COUNT,
};

static const char *const field_names[F_COUNT] = {
	"From", "Subject", "Date", "Message-Id", "References", "In-Reply-To",
};

/*
 * Where set_headers reads the header fields: GMime's parsed message, or a
 * plain header block read here (read_plain), whose values are made as
 * GMime makes them. A plain block has each field at most once.
 */
struct hdr {
	GMimeMessage *msg;    /* NULL for a plain block */
	char *raw[F_COUNT];   /* plain: the raw values, NULL when absent */
	char *value[F_COUNT]; /* plain: decoded, made on demand (g_free) */
	char *message_id;     /* plain: made on demand (g_free) */
	GDateTime *date;      /* plain: made on demand */
	bool has_date;
	InternetAddressList *from; /* plain: the From list (plain_from) */
};

static void hdr_release(struct hdr *h)
{
	for (int i = 0; i < F_COUNT; i++) {
		free(h->raw[i]);
		g_free(h->value[i]);
	}
	g_free(h->message_id);
	if (h->date)
		g_date_time_unref(h->date);
	if (h->from)
		g_object_unref(h->from);
}

/* The raw (undecoded, folded) value of the first field f, or NULL. */
static const char *hdr_raw(struct hdr *h, enum field f)
{
	GMimeHeader *gh;

	if (!h->msg)
		return h->raw[f];
	gh = g_mime_header_list_get_header(
		g_mime_object_get_header_list(GMIME_OBJECT(h->msg)),
		field_names[f]);
	return gh ? g_mime_header_get_raw_value(gh) : NULL;
}

/* The decoded value of field f, or NULL: g_mime_header_get_value's. */
static const char *hdr_value(struct hdr *h, enum field f)
{
	char *unfolded;

	if (h->msg)
		return g_mime_object_get_header(GMIME_OBJECT(h->msg),
						field_names[f]);
	if (!h->raw[f] || h->value[f])
		return h->value[f];
	unfolded = g_mime_utils_header_unfold(h->raw[f]);
	h->value[f] = g_mime_utils_header_decode_text(parser_options, unfolded);
	g_free(unfolded);
	return h->value[f];
}

static const char *hdr_subject(struct hdr *h)
{
	return h->msg ? g_mime_message_get_subject(h->msg)
		      : hdr_value(h, F_SUBJECT);
}

static const char *hdr_message_id(struct hdr *h)
{
	const char *v;

	if (h->msg)
		return g_mime_message_get_message_id(h->msg);
	v = hdr_value(h, F_MESSAGE_ID);
	if (v && !h->message_id)
		h->message_id = g_mime_utils_decode_message_id(v);
	return h->message_id;
}

static GDateTime *hdr_date(struct hdr *h)
{
	const char *v;

	if (h->msg)
		return g_mime_message_get_date(h->msg);
	if (!h->has_date && (v = hdr_value(h, F_DATE)))
		h->date = g_mime_utils_header_decode_date(v);
	h->has_date = true;
	return h->date;
}

/*
 * The From list of a plain block, as set_from would pick it from GMime's
 * message: the B-word fixed value's, else the raw value's. False when
 * the raw value does not parse: GMime's message then keeps the addresses
 * read before the error, which its public calls cannot give.
 */
static bool plain_from(struct hdr *h)
{
	const char *raw = h->raw[F_FROM];
	char *fixed = raw ? b_words_to_q(raw) : NULL;

	if (!raw)
		return true;
	if (fixed)
		h->from = internet_address_list_parse(parser_options, fixed);
	free(fixed);
	if (!h->from)
		h->from = internet_address_list_parse(parser_options, raw);
	return h->from != NULL;
}

static void set_from(struct rd_message *m, struct hdr *h)
{
	InternetAddressList *own = NULL, *list = h->from;
	InternetAddress *a = NULL;

	if (h->msg) {
		const char *raw = hdr_raw(h, F_FROM);
		char *fixed = raw ? b_words_to_q(raw) : NULL;

		if (fixed)
			own = internet_address_list_parse(parser_options,
							  fixed);
		list = own ? own : g_mime_message_get_from(h->msg);
		free(fixed);
	}
	for (int depth = 0; list && depth < 4; depth++) {
		if (internet_address_list_length(list) < 1)
			break;
		a = internet_address_list_get_address(list, 0);
		if (!INTERNET_ADDRESS_IS_GROUP(a))
			break;
		list = internet_address_group_get_members(
			INTERNET_ADDRESS_GROUP(a));
		a = NULL;
	}
	if (a && INTERNET_ADDRESS_IS_MAILBOX(a)) {
		const char *addr = internet_address_mailbox_get_addr(
			INTERNET_ADDRESS_MAILBOX(a));

		m->from_name = clean_dup(internet_address_get_name(a));
		m->from_email = clean_dup(addr);
		for (char *p = m->from_email; *p; p++)
			*p = g_ascii_tolower(*p);
	} else {
		m->from_name = st_xstrdup("");
		m->from_email = st_xstrdup("");
	}
	if (own)
		g_object_unref(own);
}

static void set_refs(struct rd_message *m, struct hdr *h)
{
	const char *rh = hdr_value(h, F_REFERENCES);
	GMimeReferences *refs =
		rh ? g_mime_references_parse(parser_options, rh) : NULL;
	const char *irt = hdr_value(h, F_IN_REPLY_TO);
	int n = refs ? g_mime_references_length(refs) : 0;
	int from = 0;

	if (irt) {
		GMimeReferences *r =
			g_mime_references_parse(parser_options, irt);

		for (int i = 0; r && i < g_mime_references_length(r); i++) {
			const char *id = g_mime_references_get_message_id(r, i);

			if (id_ok(id)) {
				m->in_reply_to = clean_dup(id);
				break;
			}
		}
		if (r)
			g_mime_references_free(r);
	}
	/* Keep the thread root and the newest: they matter most. */
	if (n > REFS_MAX)
		from = n - (REFS_MAX - 1);
	m->references = st_xcalloc(n < REFS_MAX ? (size_t)n + 1 : REFS_MAX + 1,
				   sizeof(char *));
	for (int i = 0; i < n; i++) {
		const char *id;
		bool dup = false;

		if (i > 0 && i < from)
			continue;
		id = g_mime_references_get_message_id(refs, i);
		if (!id_ok(id))
			continue;
		for (size_t j = 0; j < m->nreferences && !dup; j++)
			dup = !strcmp(m->references[j], id);
		if (!dup)
			m->references[m->nreferences++] = clean_dup(id);
	}
	if (refs)
		g_mime_references_free(refs);
}

static int64_t get_date(struct hdr *h)
{
	GDateTime *d = hdr_date(h);
	gint64 t;

	if (!d)
		return 0;
	t = g_date_time_to_unix(d);
	return t < 0 || t >= DATE_MAX ? 0 : t;
}

/* The first n bytes of needle in h[0..hn), or NULL (memmem is GNU). */
static const char *find(const char *h, size_t hn, const char *needle, size_t n)
{
	const char *end = h + hn;

	while (n && (size_t)(end - h) >= n) {
		h = memchr(h, needle[0], (size_t)(end - h) - n + 1);
		if (!h)
			return NULL;
		if (!memcmp(h, needle, n))
			return h;
		h++;
	}
	return NULL;
}

/* The line after "are available in the Git repository at:". */
static void find_pull(struct rd_message *m, const char *body, size_t n)
{
	static const char mark[] = "are available in the Git repository at:";
	const char *p = find(body, n, mark, sizeof(mark) - 1);
	const char *end = body + n, *url, *branch;

	if (!p)
		return;
	p += sizeof(mark) - 1;
	while (p < end && g_ascii_isspace(*p))
		p++;
	url = p;
	while (p < end && !g_ascii_isspace(*p))
		p++;
	if (p == url)
		return;
	m->pull_url = st_xmemdupz(url, (size_t)(p - url));
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	branch = p;
	while (p < end && !g_ascii_isspace(*p))
		p++;
	if (p > branch)
		m->pull_branch = st_xmemdupz(branch, (size_t)(p - branch));
}

static bool is_pull_body(const char *body, size_t n)
{
	static const char a[] = "The following changes since commit";
	static const char b[] = "are available in the Git repository at:";

	return find(body, n, a, sizeof(a) - 1) &&
	       find(body, n, b, sizeof(b) - 1);
}

/* The commit message: the body above the first "---" line before the
 * diff (git format-patch's cut), else above the diff. */
/*
 * git send-email, sending someone else's patch, opens the body with the
 * author's "From:" (maybe "Date:" and "Subject:" too) and a blank line.
 * Returns the offset after that block, setting the author; 0 without one.
 */
static size_t inbody_from(struct rd_message *m, size_t limit)
{
	const char *b = m->body, *nl;
	size_t i = 0, end;
	InternetAddressList *list;
	char *value, *fixed;

	if (limit < 6 || memcmp(b, "From:", 5))
		return 0;
	nl = memchr(b, '\n', limit);
	if (!nl)
		return 0;
	value = st_xmemdupz(b + 5, (size_t)(nl - b) - 5);
	fixed = b_words_to_q(value);
	list = internet_address_list_parse(parser_options,
					   fixed ? fixed : value);
	free(fixed);
	free(value);
	if (list && internet_address_list_length(list) > 0 &&
	    INTERNET_ADDRESS_IS_MAILBOX(
		    internet_address_list_get_address(list, 0))) {
		InternetAddress *a = internet_address_list_get_address(list, 0);

		free(m->author_name);
		free(m->author_email);
		m->author_name = clean_dup(internet_address_get_name(a));
		m->author_email = clean_dup(internet_address_mailbox_get_addr(
			INTERNET_ADDRESS_MAILBOX(a)));
		for (char *p = m->author_email; *p; p++)
			*p = g_ascii_tolower(*p);
	}
	if (list)
		g_object_unref(list);
	/* Skip the block: header-like lines up to a blank line. */
	i = (size_t)(nl - b) + 1;
	while (i < limit &&
	       (!memcmp(b + i, "Date:", 5) || !memcmp(b + i, "Subject:", 8))) {
		nl = memchr(b + i, '\n', limit - i);
		i = nl ? (size_t)(nl - b) + 1 : limit;
	}
	end = i;
	if (end < limit && b[end] == '\n')
		end++;
	return end;
}

static void split_patch(struct rd_message *m, size_t start, size_t dlen)
{
	size_t from = inbody_from(m, start);
	size_t cut = start, i = from;

	while (i < start) {
		const char *nl = memchr(m->body + i, '\n', start - i);
		size_t e = nl ? (size_t)(nl - m->body) : start;
		size_t k = e;

		while (k > i &&
		       (m->body[k - 1] == ' ' || m->body[k - 1] == '\t'))
			k--;
		if (k - i == 3 && !memcmp(m->body + i, "---", 3)) {
			cut = i;
			break;
		}
		i = e + 1;
	}
	while (cut > 0 && g_ascii_isspace(m->body[cut - 1]))
		cut--;
	m->commit_msg =
		st_xmemdupz(m->body + from, cut > from ? cut - from : 0);
	m->diff = st_xmemdupz(m->body + start, dlen);
	if (rd_patch_id(m->patch_id, m->diff, dlen) < 0)
		m->patch_id[0] = '\0';
}

static void classify(struct rd_message *m)
{
	size_t n = strlen(m->body), dlen = 0;
	long start = rd_diff_find(m->body, n, &dlen);

	if (m->subj.is_reply || m->subj.is_forward) {
		m->kind = RD_KIND_COMMENT;
	} else if ((m->subj.is_pull && !(m->subj.number > 0 && start >= 0)) ||
		   is_pull_body(m->body, n)) {
		/* "[PULL 2/5] x" with a diff is one patch of a pull series
		 * (QEMU's way); its "[PULL 0/5]" is the request. */
		m->kind = RD_KIND_PULL;
		find_pull(m, m->body, n);
	} else if (m->subj.number == 0 && m->subj.total > 0) {
		m->kind = RD_KIND_COVER;
	} else if (start >= 0) {
		m->kind = RD_KIND_PATCH;
		split_patch(m, (size_t)start, dlen);
	} else {
		m->kind = RD_KIND_COMMENT;
	}
	rd_trailers_parse(&m->trailers, m->body, n);
}

/* The header fields of h into m; raw names a message without an id. */
static void set_headers(struct rd_message *m, struct hdr *h, const char *raw,
			size_t len)
{
	const char *id = hdr_message_id(h), *raw_subject;
	char *fixed, *unfolded;

	if (id_ok(id)) {
		m->message_id = clean_dup(id);
	} else {
		m->message_id = synthetic_id(raw, len);
		m->synthetic_id = true;
	}
	raw_subject = hdr_raw(h, F_SUBJECT);
	unfolded = raw_subject ? g_mime_utils_header_unfold(raw_subject) : NULL;
	fixed = unfolded ? b_words_to_q(unfolded) : NULL;
	g_free(unfolded);
	if (fixed) {
		char *d =
			g_mime_utils_header_decode_text(parser_options, fixed);

		m->subject = clean_dup(d);
		g_free(d);
		free(fixed);
	} else {
		m->subject = clean_dup(hdr_subject(h));
	}
	rd_subject_parse(&m->subj, m->subject, strlen(m->subject));
	set_from(m, h);
	m->author_name = st_xstrdup(m->from_name);
	m->author_email = st_xstrdup(m->from_email);
	m->date = get_date(h);
	set_refs(m, h);
}

/* Does raw open with a header field ("Name:")? */
static bool has_headers(const char *raw, size_t len)
{
	size_t i = 0;

	while (i < len && i < 998) {
		unsigned char c = (unsigned char)raw[i];

		if (c == ':')
			return i > 0;
		if (c <= 0x20 || c >= 0x7f)
			return false;
		i++;
	}
	return false;
}

/* The length of the header block, through its blank line. */
static size_t header_len(const char *raw, size_t len)
{
	const char *p = raw, *end = raw + len;

	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		p++;
		if (p < end && *p == '\n')
			return (size_t)(p - raw) + 1;
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
			return (size_t)(p - raw) + 2;
	}
	return len;
}

/* Is the header field name[0..n) one that set_headers or the choice of
 * body reads? Any case; every "Content-" field for the MIME part. */
static bool kept_field(const char *name, size_t n)
{
	static const char *const names[] = {
		"from",	       "subject",    "date",	     "message-id",
		"in-reply-to", "references", "mime-version", NULL};

	if (n >= 8 && !g_ascii_strncasecmp(name, "content-", 8))
		return true;
	for (size_t i = 0; names[i]; i++)
		if (strlen(names[i]) == n &&
		    !g_ascii_strncasecmp(name, names[i], n))
			return true;
	return false;
}

/* Skip spaces and tabs in p[0..n) from i. */
static size_t skip_wsp(const char *p, size_t n, size_t i)
{
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i;
}

/* Does p[i..n) open with word, any case? Moves i past it. */
static bool eat(const char *p, size_t n, size_t *i, const char *word)
{
	size_t k = strlen(word);

	if (n - *i < k || g_ascii_strncasecmp(p + *i, word, k))
		return false;
	*i += k;
	return true;
}

/* Is v[0..n) (one line, through its newline) a field value that ends
 * here: white space and the line end? */
static bool at_end(const char *v, size_t n, size_t i)
{
	i = skip_wsp(v, n, i);
	return (i + 1 == n && v[i] == '\n') ||
	       (i + 2 == n && v[i] == '\r' && v[i + 1] == '\n');
}

/* "text/plain", maybe with "; charset=utf-8" or us-ascii, quoted or
 * not: a Content-Type whose body is kept and needs no conversion. */
static bool plain_type(const char *v, size_t n)
{
	size_t i = skip_wsp(v, n, 0);
	bool quoted;

	if (!eat(v, n, &i, "text/plain"))
		return false;
	if (at_end(v, n, i))
		return true;
	i = skip_wsp(v, n, i);
	if (i >= n || v[i++] != ';')
		return false;
	i = skip_wsp(v, n, i);
	if (!eat(v, n, &i, "charset="))
		return false;
	quoted = i < n && v[i] == '"';
	i += quoted;
	if (!eat(v, n, &i, "utf-8") && !eat(v, n, &i, "us-ascii"))
		return false;
	if (quoted && (i >= n || v[i++] != '"'))
		return false;
	return at_end(v, n, i);
}

static bool plain_encoding(const char *v, size_t n)
{
	size_t i = skip_wsp(v, n, 0);

	return (eat(v, n, &i, "7bit") || eat(v, n, &i, "8bit") ||
		eat(v, n, &i, "binary")) &&
	       at_end(v, n, i);
}

/*
 * One kept field of a header block, for a plain read: name[0..n), value
 * v[0..vn) (as GMime keeps it raw: after the colon, through the newline
 * of its last line; folded when folded). False when the block cannot be
 * read without GMime.
 */
static bool plain_field(struct hdr *h, const char *name, size_t n,
			const char *v, size_t vn, bool folded, bool *seen_ct,
			bool *seen_cte)
{
	for (int f = 0; f < F_COUNT; f++) {
		if (strlen(field_names[f]) != n ||
		    g_ascii_strncasecmp(name, field_names[f], n))
			continue;
		if (h->raw[f] || memchr(v, '\0', vn))
			return false;
		h->raw[f] = st_xmemdupz(v, vn);
		return true;
	}
	if (n == 12 && !g_ascii_strncasecmp(name, "MIME-Version", n))
		return true;
	if (n == 12 && !g_ascii_strncasecmp(name, "Content-Type", n)) {
		if (*seen_ct || folded || !plain_type(v, vn))
			return false;
		*seen_ct = true;
		return true;
	}
	if (n == 25 &&
	    !g_ascii_strncasecmp(name, "Content-Transfer-Encoding", n)) {
		if (*seen_cte || folded || !plain_encoding(v, vn))
			return false;
		*seen_cte = true;
		return true;
	}
	return false; /* another Content- field */
}

/*
 * The fast path's header block: the fields of raw[0..hlen) that
 * kept_field names, with their folded lines, and the blank line that
 * ends the block, byte for byte. False (use GMime on the whole message)
 * unless the block ends with a blank line and every line before it is a
 * "Name:" field (printable ASCII name, colon right after) or a folded
 * line with something on it: then GMime splits the block into the same
 * fields, and the ones left out cannot change what Steward reads.
 *
 * *plain says whether the kept fields are simple enough to be read
 * without GMime at all (plain_field); then h holds them.
 */
static bool fast_headers(struct st_buf *out, struct hdr *h, bool *plain,
			 const char *raw, size_t hlen)
{
	const char *p = raw, *end, *name = NULL, *value = NULL;
	bool keep = false, folded = false, seen_ct = false, seen_cte = false;
	size_t blank, nlen = 0;

	*plain = true;
	if (hlen >= 2 && raw[hlen - 1] == '\n' && raw[hlen - 2] == '\n')
		blank = 1;
	else if (hlen >= 3 && raw[hlen - 1] == '\n' && raw[hlen - 2] == '\r' &&
		 raw[hlen - 3] == '\n')
		blank = 2;
	else
		return false;
	end = raw + hlen - blank;
	while (p <= end) {
		const char *nl =
			p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		size_t n = nl ? (size_t)(nl - p) + 1 : 0, i = 0;

		if (p < end && !nl)
			return false;
		if (p < end && (*p == ' ' || *p == '\t')) {
			i = skip_wsp(p, n, 0);
			if (p == raw || p[i] == '\n' ||
			    (p[i] == '\r' && p[i + 1] == '\n'))
				return false;
			folded = true;
		} else {
			/* A field ends here: read the one before. */
			if (keep && *plain)
				*plain =
					plain_field(h, name, nlen, value,
						    (size_t)(p - value), folded,
						    &seen_ct, &seen_cte);
			if (p == end)
				break;
			while (i < n && p[i] > ' ' && p[i] < 0x7f &&
			       p[i] != ':')
				i++;
			if (!i || p[i] != ':')
				return false;
			keep = kept_field(p, i);
			name = p;
			nlen = i;
			value = p + i + 1;
			folded = false;
		}
		if (keep && st_buf_add(out, p, n) < 0)
			return false;
		p = nl + 1;
	}
	return st_buf_add(out, end, blank) == 0;
}

/*
 * The part of msg (parsed from a header block only) whose body the fast
 * path may take as raw bytes: a single text part walk would keep, with no
 * transfer encoding to undo. NULL otherwise.
 */
static GMimePart *simple_part(GMimeMessage *msg)
{
	GMimeObject *top = g_mime_message_get_mime_part(msg);
	GMimeDataWrapper *w;
	GMimePart *part;

	if (!top || !GMIME_IS_PART(top) || GMIME_IS_MESSAGE_PART(top))
		return NULL;
	part = GMIME_PART(top);
	switch (g_mime_part_get_content_encoding(part)) {
	case GMIME_CONTENT_ENCODING_DEFAULT:
	case GMIME_CONTENT_ENCODING_7BIT:
	case GMIME_CONTENT_ENCODING_8BIT:
	case GMIME_CONTENT_ENCODING_BINARY:
		break;
	default:
		return NULL;
	}
	if (!wanted_part(part))
		return NULL;
	/* The header block must have left GMime no content. */
	w = g_mime_part_get_content(part);
	if (w && g_mime_stream_length(g_mime_data_wrapper_get_stream(w)) > 0)
		return NULL;
	return part;
}

static GMimeMessage *gmime_parse(const char *raw, size_t len)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(raw, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg;

	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, parser_options);
	g_object_unref(parser);
	g_object_unref(stream);
	return msg;
}

int rd_message_parse_flags(struct rd_message **out, const char *raw, size_t len,
			   unsigned int flags, enum rd_message_path *path,
			   struct st_error *err)
{
	struct rd_message *m = NULL;
	GMimeMessage *msg = NULL;
	GMimePart *fast = NULL;
	struct hdr h = {0};
	bool plain = false;
	struct st_buf body = ST_BUF_INIT, hdrs = ST_BUF_INIT;
	size_t parse_len, hlen;
	int rc = 0;

	*out = NULL;
	if (path)
		*path = RD_MESSAGE_PATH_GMIME;
	if (len > RD_MESSAGE_MAX) {
		rc = st_error_set(err, ST_ETOOBIG,
				  "message of %zu bytes is over the %u limit",
				  len, RD_MESSAGE_MAX);
		goto out;
	}
	/* Tolerate an mbox "From " line. */
	if (len > 5 && !memcmp(raw, "From ", 5)) {
		const char *nl = memchr(raw, '\n', len);
		size_t skip = nl ? (size_t)(nl - raw) + 1 : len;

		raw += skip;
		len -= skip;
	}
	parse_len = len;
	if (!has_headers(raw, len)) {
		rc = st_error_set(err, ST_EINVALID,
				  "message has no header fields");
		goto out;
	}
	pthread_once(&gmime_once, gmime_setup);
	hlen = header_len(raw, len);
	if (count_containers(raw, len) > CONTAINERS_MAX) {
		/* Too many containers: GMime gets the headers only, rather
		 * than recurse over a hostile nesting until the stack runs
		 * out. */
		parse_len = hlen;
	} else if (!(flags & RD_MESSAGE_GMIME_ONLY) &&
		   fast_headers(&hdrs, &h, &plain, raw, hlen)) {
		plain = plain && plain_from(&h);
		/* Single-part plain text: GMime reads the few fields we
		 * need (or none, when they are plain), and the body is not
		 * copied through it. */
		if (!plain) {
			msg = gmime_parse(hdrs.buf, hdrs.len);
			fast = msg ? simple_part(msg) : NULL;
			if (!fast && msg) {
				g_object_unref(msg);
				msg = NULL;
			}
		}
	} else {
		plain = false;
	}
	if (!msg && !plain)
		msg = gmime_parse(raw, parse_len);
	if (!msg && !plain) {
		rc = st_error_set(err, ST_EINVALID, "message cannot be parsed");
		goto out;
	}
	if (path && (fast || plain))
		*path = plain ? RD_MESSAGE_PATH_PLAIN : RD_MESSAGE_PATH_HEADERS;
	h.msg = plain ? NULL : msg;
	m = st_xcalloc(1, sizeof(*m));
	set_headers(m, &h, raw, len);
	st_buf_init(&body, RD_MESSAGE_MAX);
	if (plain) {
		/* text/plain, UTF-8 or ASCII or no charset, no encoding. */
		rc = add_clean(&body, raw + hlen, len - hlen);
	} else if (fast) {
		rc = add_text(&body, raw + hlen, len - hlen,
			      part_charset(fast));
	} else if (parse_len == len) {
		GMimeObject *top = g_mime_message_get_mime_part(msg);

		if (top)
			rc = walk(&body, top, 0);
	} else {
		/* The word count tripped (a hostile nesting, or a patch to
		 * a mail parser): the raw body as plain text. */
		rc = add_clean(&body, raw + parse_len, len - parse_len);
	}
	if (rc < 0) {
		rc = st_error_set(err, ST_ETOOBIG,
				  "message '%s' body is too big",
				  m->message_id);
		goto out;
	}
	m->body = st_buf_detach(&body, NULL);
	classify(m);
	*out = m;
	m = NULL;
out:
	hdr_release(&h);
	st_buf_release(&hdrs);
	st_buf_release(&body);
	rd_message_free(m);
	if (msg)
		g_object_unref(msg);
	return rc;
}

int rd_message_parse(struct rd_message **out, const char *raw, size_t len,
		     struct st_error *err)
{
	return rd_message_parse_flags(out, raw, len, 0, NULL, err);
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool strv_eq(char *const *a, char *const *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!str_eq(a[i], b[i]))
			return false;
	return true;
}

static const char *subject_diff(const struct rd_subject *a,
				const struct rd_subject *b)
{
	if (!str_eq(a->name, b->name))
		return "subj.name";
	if (!str_eq(a->norm_name, b->norm_name))
		return "subj.norm_name";
	if (a->nprefixes != b->nprefixes ||
	    !strv_eq(a->prefixes, b->prefixes, a->nprefixes))
		return "subj.prefixes";
	if (a->version != b->version || a->number != b->number ||
	    a->total != b->total)
		return "subj.version/number/total";
	if (a->is_reply != b->is_reply || a->is_forward != b->is_forward ||
	    a->is_patch != b->is_patch || a->is_rfc != b->is_rfc ||
	    a->is_resend != b->is_resend || a->is_pull != b->is_pull)
		return "subj.is_*";
	return NULL;
}

static const char *trailers_diff(const struct rd_trailers *a,
				 const struct rd_trailers *b)
{
	if (a->n != b->n)
		return "trailers.n";
	for (size_t i = 0; i < a->n; i++) {
		const struct rd_trailer *x = &a->items[i], *y = &b->items[i];

		if (!str_eq(x->kind, y->kind) || !str_eq(x->value, y->value) ||
		    !str_eq(x->name, y->name) || !str_eq(x->email, y->email) ||
		    !str_eq(x->area, y->area))
			return "trailers.items";
	}
	return NULL;
}

const char *rd_message_diff(const struct rd_message *a,
			    const struct rd_message *b)
{
	static const struct {
		const char *name;
		size_t off;
	} strs[] = {
#define S(f) {#f, offsetof(struct rd_message, f)}
		S(message_id),	S(subject),	S(from_name),	S(from_email),
		S(in_reply_to), S(body),	S(commit_msg),	S(diff),
		S(pull_url),	S(pull_branch), S(author_name), S(author_email),
#undef S
	};
	const char *d;

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		const char *x, *y;

		memcpy(&x, (const char *)a + strs[i].off, sizeof(x));
		memcpy(&y, (const char *)b + strs[i].off, sizeof(y));
		if (!str_eq(x, y))
			return strs[i].name;
	}
	if (a->synthetic_id != b->synthetic_id)
		return "synthetic_id";
	if (a->date != b->date)
		return "date";
	if (a->nreferences != b->nreferences ||
	    !strv_eq(a->references, b->references, a->nreferences))
		return "references";
	if (a->kind != b->kind)
		return "kind";
	if (strcmp(a->patch_id, b->patch_id))
		return "patch_id";
	if ((d = subject_diff(&a->subj, &b->subj)) ||
	    (d = trailers_diff(&a->trailers, &b->trailers)))
		return d;
	return NULL;
}

void rd_message_free(struct rd_message *m)
{
	if (!m)
		return;
	free(m->message_id);
	free(m->subject);
	free(m->from_name);
	free(m->from_email);
	free(m->author_name);
	free(m->author_email);
	free(m->in_reply_to);
	for (size_t i = 0; i < m->nreferences; i++)
		free(m->references[i]);
	free(m->references);
	rd_subject_release(&m->subj);
	free(m->body);
	free(m->commit_msg);
	free(m->diff);
	free(m->pull_url);
	free(m->pull_branch);
	rd_trailers_release(&m->trailers);
	free(m);
}
