/* check_main.h: each test file defines test_suite(); check_main runs it. */
#ifndef TEST_CHECK_MAIN_H
#define TEST_CHECK_MAIN_H

#include <check.h>

Suite *test_suite(void);

/* Slower machines and sanitizer builds get the same generous bound. */
#define TEST_TIMEOUT 60

#endif
