/*
 * message.c: one raw mail into a struct rd_message, with GMime 3. GMime
 * reads the MIME structure and decodes headers and transfer encodings;
 * this file picks the plain text, converts it to clean UTF-8, and decides
 * what the mail is (patch, cover letter, pull request or comment).
 * Thread-safe: GMime is initialised once, and each call has its own
 * parser and objects.
 */
#include "review-dash/message.h"

#include "common/buf.h"
#include "common/xalloc.h"

#include <gmime/gmime.h>
#include <pthread.h>
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

/* Decode one leaf part (transfer encoding, then charset) onto out. */
static int add_part(struct st_buf *out, GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	const char *charset = g_mime_object_get_content_type_parameter(
		GMIME_OBJECT(part), "charset");
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
	if (rc < 0 || !bytes->len)
		goto out;
	if (charset && g_ascii_strcasecmp(charset, "utf-8") &&
	    g_ascii_strcasecmp(charset, "us-ascii") &&
	    !(is_latin(charset) && g_utf8_validate((const gchar *)bytes->data,
						   (gssize)bytes->len, NULL))) {
		gsize written = 0;
		gchar *conv = g_convert((const gchar *)bytes->data,
					(gssize)bytes->len, "UTF-8",
					g_mime_charset_iconv_name(charset),
					NULL, &written, NULL);

		if (conv) {
			rc = add_clean(out, conv, written);
			g_free(conv);
			goto out;
		}
		/* Unknown or lying charset: fall through to the repair. */
	}
	rc = add_clean(out, (const char *)bytes->data, bytes->len);
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
			if (g_ascii_isalnum(data[i]))
				st_buf_addch(&b, data[i]);
			else
				st_buf_addf(&b, "=%02X", data[i]);
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

/* The raw (undecoded) value of msg's first header name, or NULL. */
static const char *raw_header(GMimeMessage *msg, const char *name)
{
	GMimeHeader *h = g_mime_header_list_get_header(
		g_mime_object_get_header_list(GMIME_OBJECT(msg)), name);

	return h ? g_mime_header_get_raw_value(h) : NULL;
}

static void set_from(struct rd_message *m, GMimeMessage *msg)
{
	const char *raw = raw_header(msg, "From");
	char *fixed = raw ? b_words_to_q(raw) : NULL;
	InternetAddressList *own =
		fixed ? internet_address_list_parse(parser_options, fixed)
		      : NULL;
	InternetAddressList *list = own ? own : g_mime_message_get_from(msg);
	InternetAddress *a = NULL;

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
	free(fixed);
}

static void set_refs(struct rd_message *m, GMimeMessage *msg)
{
	const char *rh =
		g_mime_object_get_header(GMIME_OBJECT(msg), "References");
	GMimeReferences *refs =
		rh ? g_mime_references_parse(parser_options, rh) : NULL;
	const char *irt =
		g_mime_object_get_header(GMIME_OBJECT(msg), "In-Reply-To");
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

static int64_t get_date(GMimeMessage *msg)
{
	GDateTime *d = g_mime_message_get_date(msg);
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

/* The header fields of msg into m; raw names a message without an id. */
static void set_headers(struct rd_message *m, GMimeMessage *msg,
			const char *raw, size_t len)
{
	const char *id = g_mime_message_get_message_id(msg), *raw_subject;
	char *fixed, *unfolded;

	if (id_ok(id)) {
		m->message_id = clean_dup(id);
	} else {
		m->message_id = synthetic_id(raw, len);
		m->synthetic_id = true;
	}
	raw_subject = raw_header(msg, "Subject");
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
		m->subject = clean_dup(g_mime_message_get_subject(msg));
	}
	rd_subject_parse(&m->subj, m->subject, strlen(m->subject));
	set_from(m, msg);
	m->author_name = st_xstrdup(m->from_name);
	m->author_email = st_xstrdup(m->from_email);
	m->date = get_date(msg);
	set_refs(m, msg);
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

int rd_message_parse(struct rd_message **out, const char *raw, size_t len,
		     struct st_error *err)
{
	struct rd_message *m = NULL;
	GMimeStream *stream = NULL;
	GMimeParser *parser = NULL;
	GMimeMessage *msg = NULL;
	struct st_buf body = ST_BUF_INIT;
	size_t parse_len;
	int rc = 0;

	*out = NULL;
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
	/* Too many containers: GMime gets the headers only, rather than
	 * recurse over a hostile nesting until the stack runs out. */
	if (count_containers(raw, len) > CONTAINERS_MAX)
		parse_len = header_len(raw, len);
	stream = g_mime_stream_mem_new_with_buffer(raw, parse_len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, parser_options);
	if (!msg) {
		rc = st_error_set(err, ST_EINVALID, "message cannot be parsed");
		goto out;
	}
	m = st_xcalloc(1, sizeof(*m));
	set_headers(m, msg, raw, len);
	st_buf_init(&body, RD_MESSAGE_MAX);
	if (parse_len == len) {
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
	st_buf_release(&body);
	rd_message_free(m);
	if (msg)
		g_object_unref(msg);
	if (parser)
		g_object_unref(parser);
	if (stream)
		g_object_unref(stream);
	return rc;
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
