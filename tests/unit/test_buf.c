/* test_buf.c: unit tests for common/buf.c, the growable byte buffer. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check_main.h"

/* The bytes the buffer should hold are always checked against a model. */
static void
expect_contents(const struct buf *b, const char *want, size_t n)
{
	ck_assert_uint_eq(buf_len(b), n);
	ck_assert_uint_le(b->off + b->len, b->cap);
	if (n > 0)
		ck_assert_mem_eq(buf_data(b), want, n);
}

/* A deterministic byte pattern, so a misplaced byte shows up. */
static char
pattern(size_t i)
{
	return (char)('a' + (i * 7 + i / 13) % 26);
}

START_TEST(test_init_empty)
{
	struct buf b;

	buf_init(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(buf_len(&b), 0);
	ck_assert_uint_eq(b.cap, 0);
	/* Freeing an empty buffer, twice, is harmless. */
	buf_free(&b);
	buf_free(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.cap, 0);
}
END_TEST

START_TEST(test_append_small)
{
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(buf_append(&b, "hello", 5), 0);
	ck_assert_int_eq(buf_append_str(&b, ", world"), 0);
	ck_assert_int_eq(buf_append(&b, "ignored", 0), 0);
	ck_assert_int_eq(buf_append_str(&b, ""), 0);
	expect_contents(&b, "hello, world", 12);
	buf_free(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(buf_len(&b), 0);
}
END_TEST

START_TEST(test_append_many)
{
	struct buf b;
	char *model;
	size_t i, n = 100000;

	buf_init(&b);
	model = malloc(n);
	ck_assert_ptr_nonnull(model);
	for (i = 0; i < n; i++) {
		char c = pattern(i);

		model[i] = c;
		ck_assert_int_eq(buf_append(&b, &c, 1), 0);
		ck_assert_uint_eq(buf_len(&b), i + 1);
	}
	expect_contents(&b, model, n);
	ck_assert_uint_ge(b.cap, n);
	free(model);
	buf_free(&b);
}
END_TEST

START_TEST(test_append_large)
{
	struct buf b;
	char *big;
	size_t n = 3 * 1024 * 1024 + 17, i;

	big = malloc(n);
	ck_assert_ptr_nonnull(big);
	for (i = 0; i < n; i++)
		big[i] = pattern(i);
	buf_init(&b);
	ck_assert_int_eq(buf_append(&b, "x", 1), 0);
	ck_assert_int_eq(buf_append(&b, big, n), 0);
	ck_assert_uint_eq(buf_len(&b), n + 1);
	ck_assert_int_eq(buf_data(&b)[0], 'x');
	ck_assert_mem_eq(buf_data(&b) + 1, big, n);
	/* And once more, doubling again from a large size. */
	ck_assert_int_eq(buf_append(&b, big, n), 0);
	ck_assert_uint_eq(buf_len(&b), 2 * n + 1);
	ck_assert_mem_eq(buf_data(&b) + 1 + n, big, n);
	free(big);
	buf_free(&b);
}
END_TEST

START_TEST(test_consume)
{
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(buf_append_str(&b, "0123456789"), 0);
	buf_consume(&b, 0);
	expect_contents(&b, "0123456789", 10);
	buf_consume(&b, 3);
	expect_contents(&b, "3456789", 7);
	buf_consume(&b, 6);
	expect_contents(&b, "9", 1);
	/* More than is there drops everything, without complaint. */
	buf_consume(&b, 100);
	expect_contents(&b, "", 0);
	ck_assert_uint_eq(b.off, 0);
	buf_consume(&b, 1);
	expect_contents(&b, "", 0);
	ck_assert_int_eq(buf_append_str(&b, "again"), 0);
	expect_contents(&b, "again", 5);
	buf_free(&b);
}
END_TEST

START_TEST(test_compact)
{
	struct buf b;

	buf_init(&b);
	buf_compact(&b); /* empty, no allocation: a no-op */
	ck_assert_ptr_null(b.data);
	ck_assert_int_eq(buf_append_str(&b, "abcdefgh"), 0);
	buf_consume(&b, 5);
	ck_assert_uint_eq(b.off, 5);
	buf_compact(&b);
	ck_assert_uint_eq(b.off, 0);
	ck_assert_ptr_eq(buf_data(&b), b.data);
	expect_contents(&b, "fgh", 3);
	buf_compact(&b); /* already compact */
	expect_contents(&b, "fgh", 3);
	buf_free(&b);
}
END_TEST

/* Interleaved appends and consumes against a model, across many
 * compactions and growths: the live bytes must always be the model's. */
START_TEST(test_consume_append_model)
{
	struct buf b;
	char *model, chunk[700];
	size_t mlen = 0, round, i, n, c;
	uint32_t seed = 12345;

	buf_init(&b);
	model = malloc(1 << 20);
	ck_assert_ptr_nonnull(model);
	for (round = 0; round < 3000; round++) {
		seed = seed * 1103515245u + 12345u;
		n = (seed >> 8) % sizeof chunk;
		for (i = 0; i < n; i++)
			chunk[i] = pattern(round + i);
		ck_assert_int_eq(buf_append(&b, chunk, n), 0);
		ck_assert_uint_le(mlen + n, 1 << 20);
		memcpy(model + mlen, chunk, n);
		mlen += n;
		seed = seed * 1103515245u + 12345u;
		c = mlen == 0 ? 0 : (seed >> 8) % (mlen + 1);
		buf_consume(&b, c);
		memmove(model, model + c, mlen - c);
		mlen -= c;
		expect_contents(&b, model, mlen);
	}
	free(model);
	buf_free(&b);
}
END_TEST

START_TEST(test_reserve_commit)
{
	struct buf b;
	char *p;

	buf_init(&b);
	p = buf_reserve(&b, 10);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_ge(b.cap, 10);
	ck_assert_uint_eq(buf_len(&b), 0); /* reserving adds nothing */
	memcpy(p, "abcdef", 6);
	buf_commit(&b, 6);
	expect_contents(&b, "abcdef", 6);
	/* The tail follows the live bytes, also after a consume. */
	buf_consume(&b, 2);
	p = buf_reserve(&b, 4);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_eq(p, buf_data(&b) + buf_len(&b));
	memcpy(p, "ghij", 4);
	buf_commit(&b, 3); /* commit less than was reserved */
	expect_contents(&b, "cdefghi", 7);
	buf_commit(&b, 0);
	expect_contents(&b, "cdefghi", 7);
	buf_free(&b);
}
END_TEST

/* A reservation larger than the capacity grows the buffer and keeps the
 * live bytes; a reservation that fits after compaction reuses the space. */
START_TEST(test_reserve_grow_and_reuse)
{
	struct buf b;
	char data[300], *p, *before;
	size_t cap, i;

	for (i = 0; i < sizeof data; i++)
		data[i] = pattern(i);
	buf_init(&b);
	ck_assert_int_eq(buf_append(&b, data, sizeof data), 0);
	cap = b.cap;
	/* Consume most of it, then ask for what fits only after compaction. */
	buf_consume(&b, 290);
	before = b.data;
	p = buf_reserve(&b, cap - 10);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(b.cap, cap);
	ck_assert_ptr_eq(b.data, before);
	expect_contents(&b, data + 290, 10);
	ck_assert_ptr_eq(p, buf_data(&b) + 10);
	memset(p, 'z', cap - 10);
	buf_commit(&b, cap - 10);
	ck_assert_uint_eq(buf_len(&b), cap);
	ck_assert_mem_eq(buf_data(&b), data + 290, 10);
	/* Now more than the capacity: it must grow. */
	p = buf_reserve(&b, cap * 3);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_ge(b.cap, cap * 4);
	ck_assert_mem_eq(buf_data(&b), data + 290, 10);
	memset(p, 'y', cap * 3);
	buf_commit(&b, cap * 3);
	ck_assert_uint_eq(buf_len(&b), cap * 4);
	ck_assert_int_eq(buf_data(&b)[cap * 4 - 1], 'y');
	buf_free(&b);
}
END_TEST

/* The contract: NULL only with ENOMEM. Reserving nothing is not a failure,
 * even on a buffer that has no allocation yet. */
START_TEST(test_reserve_zero)
{
	struct buf b;
	char *p;

	buf_init(&b);
	errno = 0;
	p = buf_reserve(&b, 0);
	ck_assert_msg(p != NULL || errno == ENOMEM,
	    "buf_reserve(empty, 0) returned NULL with errno %d, not ENOMEM",
	    errno);
	buf_commit(&b, 0);
	ck_assert_uint_eq(buf_len(&b), 0);
	buf_free(&b);
}
END_TEST

/* Sizes that cannot be represented fail with ENOMEM and leave the buffer
 * as it was; they must never hand out a pointer. */
START_TEST(test_reserve_overflow)
{
	struct buf b;
	char *p;

	buf_init(&b);
	ck_assert_int_eq(buf_append_str(&b, "abc"), 0);
	errno = 0;
	p = buf_reserve(&b, SIZE_MAX);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(errno, ENOMEM);
	expect_contents(&b, "abc", 3);
	errno = 0;
	ck_assert_int_eq(buf_append(&b, "x", SIZE_MAX - 1), -1);
	ck_assert_int_eq(errno, ENOMEM);
	expect_contents(&b, "abc", 3);
	buf_free(&b);
}
END_TEST

/* With a consumed prefix (off > 0), len + n fits in size_t but off + len + n
 * does not: the reservation must still fail rather than wrap around. */
START_TEST(test_reserve_overflow_with_offset)
{
	struct buf b;
	char data[300], *p;

	memset(data, 'q', sizeof data);
	buf_init(&b);
	ck_assert_int_eq(buf_append(&b, data, sizeof data), 0);
	buf_consume(&b, 100);
	ck_assert_uint_eq(b.off, 100);
	errno = 0;
	p = buf_reserve(&b, SIZE_MAX - buf_len(&b) - 50);
	ck_assert_msg(p == NULL,
	    "buf_reserve(off=100, len=200, n=SIZE_MAX-250) returned a pointer "
	    "(cap %zu): off + len + n wrapped around",
	    b.cap);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(buf_len(&b), 200);
	buf_free(&b);
}
END_TEST

START_TEST(test_release)
{
	struct buf b;

	buf_init(&b);
	buf_release(&b, 0); /* nothing allocated: no-op */
	ck_assert_ptr_null(b.data);

	ck_assert_int_eq(buf_append(&b, "abc", 3), 0);
	/* Not empty: kept whatever keep says. */
	buf_release(&b, 0);
	expect_contents(&b, "abc", 3);
	ck_assert_ptr_nonnull(b.data);

	buf_consume(&b, 3);
	/* Empty but within keep: kept. */
	buf_release(&b, b.cap);
	ck_assert_ptr_nonnull(b.data);
	/* Empty and over keep: freed. */
	buf_release(&b, b.cap - 1);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.cap, 0);
	ck_assert_uint_eq(buf_len(&b), 0);
	ck_assert_uint_eq(b.off, 0);

	/* A released buffer is usable again. */
	ck_assert_int_eq(buf_append_str(&b, "back"), 0);
	expect_contents(&b, "back", 4);
	buf_free(&b);
}
END_TEST

/* A pointer into the buffer stays valid across consumes (no append or
 * reserve in between): consuming must not move or reuse the bytes. */
START_TEST(test_pointer_valid_after_consume)
{
	struct buf b;
	char *p, *q;

	buf_init(&b);
	ck_assert_int_eq(buf_append_str(&b, "first\nsecond\n"), 0);
	p = buf_data(&b);
	buf_consume(&b, 6);
	q = buf_data(&b);
	ck_assert_ptr_eq(q, p + 6);
	buf_consume(&b, 7); /* everything: the buffer is empty now */
	ck_assert_mem_eq(p, "first\n", 6);
	ck_assert_mem_eq(q, "second\n", 7);
	buf_free(&b);
}
END_TEST

/* Appending within the capacity never moves the live bytes. */
START_TEST(test_pointer_stable_within_cap)
{
	struct buf b;
	char *p;
	size_t cap;

	buf_init(&b);
	ck_assert_ptr_nonnull(buf_reserve(&b, 64));
	cap = b.cap;
	p = b.data;
	while (buf_len(&b) < cap) {
		ck_assert_int_eq(buf_append(&b, "x", 1), 0);
		ck_assert_ptr_eq(b.data, p);
		ck_assert_ptr_eq(buf_data(&b), p);
	}
	buf_free(&b);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_init_empty);
	tcase_add_test(tc, test_append_small);
	tcase_add_test(tc, test_append_many);
	tcase_add_test(tc, test_append_large);
	tcase_add_test(tc, test_consume);
	tcase_add_test(tc, test_compact);
	tcase_add_test(tc, test_consume_append_model);
	tcase_add_test(tc, test_reserve_commit);
	tcase_add_test(tc, test_reserve_grow_and_reuse);
	tcase_add_test(tc, test_reserve_zero);
	tcase_add_test(tc, test_reserve_overflow);
	tcase_add_test(tc, test_reserve_overflow_with_offset);
	tcase_add_test(tc, test_release);
	tcase_add_test(tc, test_pointer_valid_after_consume);
	tcase_add_test(tc, test_pointer_stable_within_cap);
	suite_add_tcase(s, tc);
	return s;
}
