# SPDX-License-Identifier: ISC
# api-names.sh - sourced by the script tests: the public API as the
# installed header declares it.

# pmt_public_functions HEADER: the names of the functions HEADER declares,
# one a line, sorted.
pmt_public_functions() {
	sed -n 's/^[a-z].*[ *]\(pmt_[a-z0-9_]*\)(.*/\1/p' "$1" | sort -u
}

# pmt_public_macros HEADER: the function-like macros a user calls, and
# the initialisers of the synchronisation objects.
pmt_public_macros() {
	sed -n 's/^#define \(PMT_STACK_DEFINE\)(.*/\1/p
		s/^#define \(PMT_NOPREEMPT\) .*/\1/p
		s/^#define \(PMT_[A-Z_]*_INITIALIZER\)[( ].*/\1/p
		s/^#define \(PMT_[UM]\{0,1\}SEC\)(.*/\1/p' "$1" | sort -u
}
