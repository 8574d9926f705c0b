/* test-demotree.c: the generator's tree, its changes and their diffs. */
#include "ci/demotree.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char c_text[] = "/* a.c */\n"
			     "int a_one(unsigned int x)\n"
			     "{\n"
			     "    return x + 1;\n"
			     "}\n"
			     "\n"
			     "/*\n"
			     " * Local variables:\n"
			     " * End:\n"
			     " */\n";

static void file_init(struct ci_demotree_file *f, const char *path,
		      const char *text)
{
	memset(f, 0, sizeof(*f));
	f->path = path;
	f->kind = ci_demotree_kind_of(path);
	f->text = (struct st_buf)ST_BUF_INIT;
	st_buf_addstr(&f->text, text);
	ci_demotree_reindex(f);
}

static void file_release(struct ci_demotree_file *f)
{
	ci_demotree_file_release(f);
}

static void test_names(void **state)
{
	char stem[16];

	assert_int_equal(ci_demotree_kind_of("x/a.c"), CI_DEMOTREE_C);
	assert_int_equal(ci_demotree_kind_of("x/a.h"), CI_DEMOTREE_H);
	assert_int_equal(ci_demotree_kind_of("CHANGELOG.md"), CI_DEMOTREE_MD);
	assert_int_equal(ci_demotree_kind_of("Makefile"), CI_DEMOTREE_OTHER);
	assert_int_equal(ci_demotree_kind_of(".c"), CI_DEMOTREE_OTHER);
	assert_string_equal(ci_demotree_base_name("a/b/c.c"), "c.c");
	assert_string_equal(ci_demotree_base_name("c.c"), "c.c");
	ci_demotree_file_stem(stem, sizeof(stem), "tools/libs/xc_domain.c");
	assert_string_equal(stem, "xc_domain");
	ci_demotree_file_stem(stem, 4, "tools/libs/xc_domain.c");
	assert_string_equal(stem, "xc_");
	assert_null(ci_demotree_find("abc", 3, "cd", 2));
	assert_string_equal(ci_demotree_find("abcabd", 6, "abd", 3), "abd");
	assert_int_equal(ci_demotree_count_lines("a\nb\nc", 5), 2);
	assert_int_equal(ci_demotree_line_len("abc\nd", "abc\nd" + 5), 3);
}

static void test_index(void **state)
{
	struct ci_demotree_file f;
	char fn[32];
	size_t line = 99;

	file_init(&f, "xen/a.c", c_text);
	assert_int_equal(f.nlines, 10);
	assert_int_equal(f.anchor, 6);
	assert_int_equal(ci_demotree_off(&f, 1), 10);
	assert_int_equal(ci_demotree_off(&f, 10), f.text.len);
	assert_int_equal(ci_demotree_line_at(&f, 12), 1);
	assert_int_equal(ci_demotree_count_returns(&f, &line, 0), 1);
	assert_int_equal(line, 3);
	ci_demotree_enclosing_fn(fn, sizeof(fn), &f, 3);
	assert_string_equal(fn, "a_one");
	/* The blob id is git's: `printf ... | git hash-object --stdin`. */
	{
		char hex[GIT_OID_HEXSZ + 1];
		git_oid want;

		git_odb_hash(&want, c_text, strlen(c_text), GIT_OBJECT_BLOB);
		assert_true(git_oid_equal(ci_demotree_oid(&f), &want));
		git_oid_tostr(hex, sizeof(hex), ci_demotree_oid(&f));
		assert_int_equal(strlen(hex), 40);
	}
	file_release(&f);
	file_init(&f, "x/a.h",
		  "#ifndef A\n#define A\nint a(void);\n\n"
		  "#endif /* __A_H__ */\n\n/*\n"
		  " * Local variables:\n */\n");
	assert_int_equal(f.anchor, 3);
	file_release(&f);
}

static void test_add_diff(void **state)
{
	struct ci_demotree_file f;
	struct ci_demotree_op op = {0, CI_DEMOTREE_ADD, 6, "a_new_7", 7, "x"};
	struct st_buf add = ST_BUF_INIT, post = ST_BUF_INIT, d = ST_BUF_INIT;
	git_oid pre, po;

	file_init(&f, "xen/a.c", c_text);
	git_oid_fromstr(&pre, "1111111111111111111111111111111111111111");
	git_oid_fromstr(&po, "2222222222222222222222222222222222222222");
	ci_demotree_op_text(&add, &f, &op, 1, false);
	assert_string_equal(add.buf, "int a_new_7(unsigned int x)\n{\n"
				     "    return x * 9 + 17;\n}\n\n");
	ci_demotree_diff(&d, &f, op.line, 0, &add, &pre, &po);
	assert_string_equal(d.buf,
			    "diff --git a/xen/a.c b/xen/a.c\n"
			    "index 111111111111..222222222222 100644\n"
			    "--- a/xen/a.c\n"
			    "+++ b/xen/a.c\n"
			    "@@ -4,6 +4,11 @@ int a_one(unsigned int x)\n"
			    "     return x + 1;\n"
			    " }\n"
			    " \n"
			    "+int a_new_7(unsigned int x)\n"
			    "+{\n"
			    "+    return x * 9 + 17;\n"
			    "+}\n"
			    "+\n"
			    " /*\n"
			    "  * Local variables:\n"
			    "  * End:\n");
	ci_demotree_post_image(&post, &f, op.line, 0, &add);
	assert_non_null(strstr(post.buf,
			       "}\n\nint a_new_7(unsigned int x)\n"
			       "{\n    return x * 9 + 17;\n}\n\n/*\n"));
	/* Other versions and the committer's edit change the text. */
	ci_demotree_op_text(&add, &f, &op, 2, false);
	assert_non_null(strstr(add.buf, "x * 9 + 27;"));
	ci_demotree_op_text(&add, &f, &op, 2, true);
	assert_non_null(strstr(add.buf, "x * 9 + 127;"));
	st_buf_release(&add);
	st_buf_release(&post);
	st_buf_release(&d);
	file_release(&f);
}

static void test_mod_and_md(void **state)
{
	struct ci_demotree_file f;
	struct ci_demotree_op op = {0, CI_DEMOTREE_MOD, 3, "a_one", 2, "x"};
	struct st_buf add = ST_BUF_INIT, d = ST_BUF_INIT;
	git_oid id;

	git_oid_fromstr(&id, "abcdefabcdefabcdefabcdefabcdefabcdefabcd");
	file_init(&f, "xen/a.c", c_text);
	ci_demotree_op_text(&add, &f, &op, 2, false);
	assert_string_equal(add.buf, "    return x ^ 0x88;\n");
	ci_demotree_diff(&d, &f, op.line, 1, &add, &id, &id);
	assert_non_null(strstr(d.buf, "@@ -1,7 +1,7 @@\n"
				      " /* a.c */\n"
				      " int a_one(unsigned int x)\n"
				      " {\n"
				      "-    return x + 1;\n"
				      "+    return x ^ 0x88;\n"
				      " }\n"
				      " \n"
				      " /*\n"));
	file_release(&f);
	st_buf_reset(&d);
	file_init(&f, "docs/t.md", "# t\n\nText.\n");
	assert_int_equal(f.anchor, 3);
	op.kind = CI_DEMOTREE_ADD;
	op.line = f.anchor;
	snprintf(op.fn, sizeof(op.fn), "t_x_5");
	op.topic = "locking";
	ci_demotree_op_text(&add, &f, &op, 1, false);
	assert_string_equal(add.buf, "\n## t_x_5\n\nThe t_x_5 option controls "
				     "locking (revision 1).\n");
	ci_demotree_diff(&d, &f, op.line, 0, &add, &id, &id);
	assert_non_null(strstr(d.buf, "@@ -1,3 +1,7 @@\n # t\n \n Text.\n+\n"
				      "+## t_x_5\n"));
	st_buf_release(&add);
	st_buf_release(&d);
	file_release(&f);
}

/* post_oid is git's blob id of the post-image, cached state or not. */
static void check_post_oid(struct ci_demotree_file *f, size_t line, size_t del,
			   const struct st_buf *add)
{
	struct st_buf post = ST_BUF_INIT;
	git_oid want, got;

	ci_demotree_post_image(&post, f, line, del, add);
	git_odb_hash(&want, post.buf, post.len, GIT_OBJECT_BLOB);
	ci_demotree_post_oid(&got, f, line, del, add);
	assert_true(git_oid_equal(&want, &got));
	st_buf_release(&post);
}

static void test_post_oid(void **state)
{
	struct ci_demotree_file f;
	struct st_buf add = ST_BUF_INIT;

	file_init(&f, "xen/a.c", c_text);
	/* Every block length across two SHA-1 blocks, each one twice (the
	 * second time from the cached state), at the anchor and elsewhere. */
	for (size_t n = 0; n < 140; n++) {
		st_buf_reset(&add);
		for (size_t i = 0; i < n; i++)
			st_buf_addch(&add, i % 17 == 16 ? '\n' : 'a' + i % 26);
		st_buf_addch(&add, '\n');
		check_post_oid(&f, f.anchor, 0, &add);
		check_post_oid(&f, f.anchor, 0, &add);
		check_post_oid(&f, 3, 1, &add);
		check_post_oid(&f, 0, 0, &add);
	}
	/* A change of the text drops the cached states (same length here, so
	 * a stale state would be found and give a wrong id). */
	f.text.buf[3] = 'b';
	ci_demotree_reindex(&f);
	check_post_oid(&f, f.anchor, 0, &add);
	file_release(&f);
	file_init(&f, "docs/t.md", "# t\n\nText.\n");
	check_post_oid(&f, f.anchor, 0, &add);
	file_release(&f);
	st_buf_release(&add);
}

static void test_copy(void **state)
{
	struct ci_demotree a = {0}, b = {0};

	a.n = 1;
	a.files = calloc(1, sizeof(*a.files));
	assert_non_null(a.files);
	file_init(&a.files[0], "xen/a.c", c_text);
	ci_demotree_copy(&b, &a);
	st_buf_addstr(&a.files[0].text, "more\n");
	ci_demotree_reindex(&a.files[0]);
	assert_int_equal(b.n, 1);
	assert_string_equal(b.files[0].text.buf, c_text);
	assert_int_equal(b.files[0].nlines, 10);
	ci_demotree_release(&a);
	ci_demotree_release(&b);
	assert_null(a.files);
	assert_int_equal(a.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_add_diff),
		cmocka_unit_test(test_mod_and_md),
		cmocka_unit_test(test_post_oid),
		cmocka_unit_test(test_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
