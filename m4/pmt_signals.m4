# SPDX-License-Identifier: ISC
# PMT_SIGNALS: what the host offers for timer preemption: SIGALRM,
# setitimer, sigaction, and timer_create with SIGEV_THREAD_ID (a timer
# aimed at one kernel thread).  Each answer is cached; when cross
# compiling only compile and link tests run, so the answers hold there too.
AC_DEFUN([PMT_SIGNALS], [
  AC_CACHE_CHECK([for SIGALRM], [pmt_cv_have_sigalrm],
    [AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <signal.h>]],
      [[int s = SIGALRM; return s == 0;]])],
      [pmt_cv_have_sigalrm=yes], [pmt_cv_have_sigalrm=no])])
  AS_IF([test "x$pmt_cv_have_sigalrm" = xyes],
    [AC_DEFINE([PMT_HAVE_SIGALRM], [1], [Define to 1 if <signal.h> has SIGALRM.])])
  AC_CHECK_FUNCS([setitimer sigaction])
  pmt_save_LIBS=$LIBS
  AC_SEARCH_LIBS([timer_create], [rt])
  LIBS=$pmt_save_LIBS
  AS_IF([test "x$ac_cv_search_timer_create" != xno],
    [ac_cv_func_timer_create=yes
     AS_IF([test "x$ac_cv_search_timer_create" != "xnone required"],
       [AC_SUBST([PMT_TIMER_LIBS], [$ac_cv_search_timer_create])])
     AC_DEFINE([PMT_HAVE_TIMER_CREATE], [1], [Define to 1 if timer_create is available.])],
    [ac_cv_func_timer_create=no])
  AC_CACHE_CHECK([for SIGEV_THREAD_ID], [pmt_cv_have_sigev_thread_id],
    [pmt_cv_have_sigev_thread_id=no
     # glibc before 2.41 names the member only through its union.
     for pmt_member in sigev_notify_thread_id _sigev_un._tid; do
       AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <signal.h>
#include <time.h>]],
         [[struct sigevent ev; ev.sigev_notify = SIGEV_THREAD_ID;
           ev.$pmt_member = 0; return ev.sigev_notify == 0;]])],
         [pmt_cv_have_sigev_thread_id=yes
          pmt_cv_sigev_tid_member=$pmt_member
          break])
     done])
  AS_IF([test "x$pmt_cv_have_sigev_thread_id" = xyes],
    [AC_DEFINE([PMT_HAVE_SIGEV_THREAD_ID], [1],
      [Define to 1 if timers can signal one kernel thread (SIGEV_THREAD_ID).])
     AC_DEFINE_UNQUOTED([PMT_SIGEV_TID_MEMBER], [$pmt_cv_sigev_tid_member],
      [The struct sigevent member that holds the target kernel thread id.])])
])
