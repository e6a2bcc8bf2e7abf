/* check_main.c: the main() of every test program: runs its one suite. */
#include <stdlib.h>

#include <check.h>

#include "check_main.h"

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(test_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
