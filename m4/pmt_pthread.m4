# SPDX-License-Identifier: ISC
# PMT_PTHREAD: how to build with POSIX threads (the benchmark compares
# against them).  Sets PTHREAD_CFLAGS and PTHREAD_LIBS.
AC_DEFUN([PMT_PTHREAD], [
  AC_CACHE_CHECK([how to build with POSIX threads], [pmt_cv_pthread_flags], [
    pmt_cv_pthread_flags=no
    for pmt_try in -pthread -lpthread; do
      pmt_save_CFLAGS=$CFLAGS
      pmt_save_LIBS=$LIBS
      CFLAGS="$CFLAGS $pmt_try"
      LIBS="$LIBS $pmt_try"
      AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <pthread.h>
static void *f(void *a) { return a; }]],
        [[pthread_t t; void *r; pthread_create(&t, 0, f, 0);
          return pthread_join(t, &r);]])],
        [pmt_cv_pthread_flags=$pmt_try])
      CFLAGS=$pmt_save_CFLAGS
      LIBS=$pmt_save_LIBS
      test "x$pmt_cv_pthread_flags" = xno || break
    done])
  AS_CASE([$pmt_cv_pthread_flags],
    [no], [AC_MSG_WARN([no POSIX threads: make bench will not be built])],
    [-pthread], [PTHREAD_CFLAGS=-pthread PTHREAD_LIBS=-pthread],
    [PTHREAD_CFLAGS= PTHREAD_LIBS=$pmt_cv_pthread_flags])
  pmt_pthread_flags=$pmt_cv_pthread_flags
  AM_CONDITIONAL([PMT_HAVE_PTHREAD], [test "x$pmt_cv_pthread_flags" != xno])
  AC_SUBST([PTHREAD_CFLAGS])
  AC_SUBST([PTHREAD_LIBS])
])
