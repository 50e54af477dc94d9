# SPDX-License-Identifier: ISC
# PMT_MAX_THREADS: --with-max-threads=N, the size of the thread table.
AC_DEFUN([PMT_MAX_THREADS], [
  AC_ARG_WITH([max-threads],
    [AS_HELP_STRING([--with-max-threads=N],
      [size of the thread table, 2 to 4096, the main thread included (default 32)])],
    [pmt_max_threads=$withval], [pmt_max_threads=32])
  AS_CASE([$pmt_max_threads],
    [''|*[[!0-9]]*], [AC_MSG_ERROR([--with-max-threads wants a number, not '$pmt_max_threads'])])
  AS_IF([test "$pmt_max_threads" -lt 2 || test "$pmt_max_threads" -gt 4096],
    [AC_MSG_ERROR([--with-max-threads=$pmt_max_threads is outside 2..4096])])
  AC_SUBST([PMT_MAX_THREADS], [$pmt_max_threads])
])

# PMT_PREEMPTION: --enable-preemption=auto|yes|no, checked against what
# PMT_SIGNALS found.  Records the decision for the POSIX port.
AC_DEFUN([PMT_PREEMPTION], [
  AC_REQUIRE([PMT_SIGNALS])
  AC_ARG_ENABLE([preemption],
    [AS_HELP_STRING([--enable-preemption=auto|yes|no],
      [timer preemption through SIGALRM (default auto: when the host has it)])],
    [], [enable_preemption=auto])
  AS_IF([test "x$pmt_cv_have_sigalrm" = xyes &&
         test "x$ac_cv_func_setitimer" = xyes &&
         test "x$ac_cv_func_sigaction" = xyes],
    [pmt_host_preempts=yes], [pmt_host_preempts=no])
  AS_CASE([$enable_preemption],
    [yes], [AS_IF([test "x$pmt_host_preempts" = xno],
      [AC_MSG_ERROR([--enable-preemption=yes, but this host lacks SIGALRM, setitimer or sigaction])])
      pmt_preemption=yes],
    [no], [pmt_preemption=no],
    [auto], [pmt_preemption=$pmt_host_preempts],
    [AC_MSG_ERROR([--enable-preemption takes auto, yes or no, not '$enable_preemption'])])
  AS_IF([test "x$pmt_preemption" = xyes],
    [AC_DEFINE([PMT_HAVE_PREEMPTION], [1],
      [Define to 1 if the POSIX port may preempt threads with SIGALRM.])
     AS_IF([test "x$ac_cv_func_timer_create" = xyes &&
            test "x$pmt_cv_have_sigev_thread_id" = xyes],
       [pmt_preemption_summary="yes (SIGALRM from a timer_create timer aimed at the scheduler's kernel thread)"],
       [pmt_preemption_summary="yes (SIGALRM from setitimer, process-directed)"])],
    [pmt_preemption_summary="no: cooperative only; pmt_preempt_start returns PMT_ENOSYS"])
  AM_CONDITIONAL([PMT_PREEMPTION], [test "x$pmt_preemption" = xyes])
])

# PMT_SCHED_TRACE: --disable-trace leaves the scheduling trace out of the core
# (its calls answer PMT_ENOSYS); --with-trace-events=N sizes the static
# ring of the trace PMT_TRACE starts.
AC_DEFUN([PMT_SCHED_TRACE], [
  AC_ARG_ENABLE([trace],
    [AS_HELP_STRING([--disable-trace],
      [leave the scheduling trace out (default: in, off until started)])],
    [], [enable_trace=yes])
  AS_CASE([$enable_trace],
    [yes], [TRACE_CPPFLAGS=],
    [no], [TRACE_CPPFLAGS=-DPMT_CONFIG_TRACE=0],
    [AC_MSG_ERROR([--enable-trace takes yes or no, not '$enable_trace'])])
  AC_SUBST([TRACE_CPPFLAGS])
  AM_CONDITIONAL([PMT_HAVE_TRACE], [test "x$enable_trace" = xyes])
  AC_ARG_WITH([trace-events],
    [AS_HELP_STRING([--with-trace-events=N],
      [events the trace PMT_TRACE starts can hold, 24 bytes each, in the
       library's BSS (default 65536)])],
    [pmt_trace_events=$withval], [pmt_trace_events=65536])
  AS_CASE([$pmt_trace_events],
    [''|*[[!0-9]]*|0], [AC_MSG_ERROR([--with-trace-events wants a positive number, not '$pmt_trace_events'])])
  AC_DEFINE_UNQUOTED([PMT_TRACE_ENV_EVENTS], [$pmt_trace_events],
    [Define to the number of events of the ring PMT_TRACE starts.])
  AS_IF([test "x$enable_trace" = xyes],
    [pmt_trace_summary="yes, off until started; PMT_TRACE holds $pmt_trace_events events"],
    [pmt_trace_summary="no: pmt_trace_* return PMT_ENOSYS"])
])
