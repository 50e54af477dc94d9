# SPDX-License-Identifier: ISC
# PMT_PEER_PTH, PMT_PEER_ST: the peers make bench compares libpmt with,
# GNU Pth (Debian: libpth-dev) and State Threads (libst-dev).  Each is
# looked for unless --without-pth or --without-st says not to, and is
# required with --with-pth or --with-st.  The checks compile and link
# only, so their answers hold when cross compiling (against the target's
# headers and libraries); the results are cached by Autoconf's own
# checks.  A peer found defines HAVE_PTH or HAVE_ST, substitutes
# PTH_CFLAGS and PTH_LIBS or ST_CFLAGS and ST_LIBS (for the benchmark
# alone: LIBS is left as it was), and sets the conditional PMT_HAVE_PTH
# or PMT_HAVE_ST.  pmt_peers_summary lists what was found for the
# summary.

# PMT_PEER_CHECK(NAME, HEADER, LIBRARY, FUNCTION, PACKAGE, DESCRIPTION)
m4_define([PMT_PEER_CHECK], [
  AC_ARG_VAR([$1_CFLAGS], [C compiler flags for $6, overriding the checks])
  AC_ARG_VAR([$1_LIBS], [linker flags for $6, overriding the checks])
  pmt_peer_found=no
  AS_IF([test "x$with_$3" != xno], [
    pmt_save_CPPFLAGS=$CPPFLAGS
    pmt_save_LIBS=$LIBS
    CPPFLAGS="$CPPFLAGS $$1_CFLAGS"
    AS_IF([test -n "$$1_LIBS"], [LIBS="$$1_LIBS $LIBS"])
    AC_CHECK_HEADER([$2], [
      AS_IF([test -n "$$1_LIBS"],
        [AC_CACHE_CHECK([whether $$1_LIBS provides $4],
           [pmt_cv_$3_libs_$4],
           [AC_LINK_IFELSE([AC_LANG_CALL([], [$4])],
              [pmt_cv_$3_libs_$4=yes], [pmt_cv_$3_libs_$4=no])])
         pmt_peer_found=$pmt_cv_$3_libs_$4],
        [AC_CHECK_LIB([$3], [$4],
           [pmt_peer_found=yes
            $1_LIBS=-l$3])])])
    CPPFLAGS=$pmt_save_CPPFLAGS
    LIBS=$pmt_save_LIBS])
  AS_CASE([$with_$3:$pmt_peer_found],
    [no:*], [pmt_peer_summary="$6: no (--without-$3)"
             AC_DEFINE([PMT_BENCH_WITHOUT_]m4_toupper([$3]), [1],
               [Define to 1 if configure was told not to use $6.])],
    [*:yes], [pmt_peer_summary="$6"
              AC_DEFINE([HAVE_]m4_toupper([$3]), [1],
                [Define to 1 if make bench compares with $6.])],
    [yes:no], [AC_MSG_ERROR([--with-$3: $2 or -l$3 not found (Debian: apt-get install $5)])],
    [pmt_peer_summary="$6: no ($5 not found)"])
  AS_IF([test "x$pmt_peer_found" = xyes],
    [pmt_bench_peers="$pmt_bench_peers $3"],
    [$1_CFLAGS= $1_LIBS=])
  pmt_peers_summary="$pmt_peers_summary, $pmt_peer_summary"
  AM_CONDITIONAL([PMT_HAVE_]m4_toupper([$3]), [test "x$pmt_peer_found" = xyes])
  AC_SUBST([$1_CFLAGS])
  AC_SUBST([$1_LIBS])
])

AC_DEFUN([PMT_PEER_PTH], [
  AC_ARG_WITH([pth],
    [AS_HELP_STRING([--without-pth],
      [do not compare with GNU Pth in make bench (default: when found)])],
    [], [with_pth=check])
  PMT_PEER_CHECK([PTH], [pth.h], [pth], [pth_init], [libpth-dev],
    [GNU Pth])
  AC_SUBST([PMT_BENCH_PEERS], [$pmt_bench_peers])
])

AC_DEFUN([PMT_PEER_ST], [
  AC_ARG_WITH([st],
    [AS_HELP_STRING([--without-st],
      [do not compare with State Threads in make bench (default: when
       found)])],
    [], [with_st=check])
  PMT_PEER_CHECK([ST], [st.h], [st], [st_init], [libst-dev],
    [State Threads])
  AC_SUBST([PMT_BENCH_PEERS], [$pmt_bench_peers])
])
