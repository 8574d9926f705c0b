#ifndef STEWARD_CHECKS_BESTPRACTICES_H
#define STEWARD_CHECKS_BESTPRACTICES_H
#include "check.h"
int chk_bestpractices_run(struct chk_result *res, const struct chk_check *c,
			  struct st_error *err);
#endif
