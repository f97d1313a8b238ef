/* access.h: who a user is and what the role may do, the same for every face:
 * the web's login and the command line's --as check a password here, and
 * count a failure here; the web's POST /api/events and the command line's
 * ledger commands ask here which role may record which event. */
#ifndef BIDRAG_ACCESS_H
#define BIDRAG_ACCESS_H

#include <stdbool.h>

#include "store.h"

enum access_login { ACCESS_OK, ACCESS_WRONG, ACCESS_WAIT, ACCESS_ERROR };

/* A user found by access_login: its stored (folded) name, role, org. */
struct access_user {
	char name[USER_NAME_SIZE], role[16], org[64];
};

/* access_init: libsodium, and the hash verified against when a name is no
 * user's (so that a login takes as long whether or not the user exists);
 * 0, or -1 when libsodium cannot start.  access_free forgets it. */
int access_init(void);
void access_free(void);

/* access_login: whether password is user name's.  Failures are counted in
 * the database per user name ('user:NAME', the folded name) and per source
 * (the web: 'addr:IP'; the command line: 'os:ACCOUNT'), across every server
 * and command: after 5 in 15 minutes each further try waits 1 s, doubling,
 * at most 15 minutes.  ACCESS_OK fills *out; ACCESS_WRONG: wrong name or
 * password (counted); ACCESS_WAIT: too many failures, *wait seconds to go
 * (nothing checked); ACCESS_ERROR: err says why (the database). */
enum access_login access_login(struct store *st, const char *name, const char *password, const char *source,
			       struct access_user *out, long *wait, struct bd_error *err);

/* access_expire: housekeeping after a login: sessions and counts past their
 * time (needs the DELETE right; a failure is no failure of the login). */
void access_expire(struct store *st, long session_idle, long session_max);

/* access_may_record: whether a user of role (its name: "handlaggare",
 * "attestant", ...) may record an event of kind ("attest", "payment", ...):
 * attest only an attestant; requisition and report a handläggare, or a
 * mottagare for its own organisation (org, the event's recipient code);
 * every other kind a handläggare. */
bool access_may_record(const char *role, const char *kind, const char *recipient, const char *org);

#endif
