#ifndef STEWARD_CHECKS_BUILD_H
#define STEWARD_CHECKS_BUILD_H
#include "check.h"
int chk_build_run(struct chk_result *res, const struct chk_check *c,
		  struct st_error *err);
#endif
