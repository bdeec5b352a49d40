/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal unit-test framework for the host tests of pure C code.
 *
 *   TEST(name) { CHECK(expr); CHECK_EQ(a, b); ... }
 *
 * Tests register themselves; main() (UNIT_MAIN) runs each one and prints
 * "PASS unit/<suite>/<name>" or "FAIL unit/<suite>/<name>: file:line: what".
 * The exit status is the number of failed tests (capped at 100).
 */
#ifndef TDX_UNIT_H
#define TDX_UNIT_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
	struct unit_test *next;
};

extern struct unit_test *unit_tests;
extern int unit_failed_checks;
extern char unit_first_failure[512];

#define TEST(tname)							\
	static void test_##tname(void);					\
	static struct unit_test unit_##tname = { #tname, test_##tname, NULL }; \
	__attribute__((constructor)) static void unit_reg_##tname(void)	\
	{								\
		struct unit_test **p = &unit_tests;			\
		while (*p)						\
			p = &(*p)->next;				\
		*p = &unit_##tname;					\
	}								\
	static void test_##tname(void)

#define UNIT_FAIL(...)							\
	do {								\
		if (!unit_failed_checks++)				\
			snprintf(unit_first_failure,			\
				 sizeof(unit_first_failure), __VA_ARGS__); \
	} while (0)

#define CHECK(expr)							\
	do {								\
		if (!(expr))						\
			UNIT_FAIL("%s:%d: CHECK(%s)", __FILE__, __LINE__, #expr); \
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);	\
		if (a_ != b_)						\
			UNIT_FAIL("%s:%d: %s == %s: 0x%" PRIx64 " != 0x%" PRIx64, \
				  __FILE__, __LINE__, #a, #b, a_, b_);	\
	} while (0)

#define UNIT_MAIN(suite)						\
	struct unit_test *unit_tests;					\
	int unit_failed_checks;						\
	char unit_first_failure[512];					\
	int main(void)							\
	{								\
		struct unit_test *t;					\
		int failed = 0;						\
									\
		for (t = unit_tests; t; t = t->next) {			\
			unit_failed_checks = 0;				\
			t->fn();					\
			if (unit_failed_checks) {			\
				printf("FAIL unit/%s/%s: %s (%d failed checks)\n", \
				       suite, t->name, unit_first_failure, \
				       unit_failed_checks);		\
				failed++;				\
			} else {					\
				printf("PASS unit/%s/%s\n", suite, t->name); \
			}						\
		}							\
		return failed > 100 ? 100 : failed;			\
	}

#endif /* TDX_UNIT_H */
