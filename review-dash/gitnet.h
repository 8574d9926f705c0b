/*
 * gitnet.h: time limits on libgit2's network I/O. libgit2 1.5 waits for a
 * silent server forever (its sockets have no timeout and its options
 * none), so a stalled fetch of a tree or a public-inbox mirror would hang
 * ingest or trees sync. This registers a plain-socket stream, which
 * libgit2 also puts under TLS for https://, whose connect, read and write
 * each give up after a number of seconds without progress.
 */
#ifndef STEWARD_REVIEW_GITNET_H
#define STEWARD_REVIEW_GITNET_H

/*
 * Make libgit2's network connections give up after timeout_secs seconds
 * without progress (0 or more than a day: 300). Call it after
 * git_libgit2_init: the setting is libgit2's, for the whole process, and
 * the last call wins. Returns 0, or -1 when libgit2 refused the stream
 * (it then keeps its own, without limits).
 */
int rd_gitnet_set_timeout(long timeout_secs);

#endif
