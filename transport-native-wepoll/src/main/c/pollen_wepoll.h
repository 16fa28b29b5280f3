/*
 * What the wepoll backend adds to the poller contract (pollen_poller.h).
 *
 * POLLEN_INTEREST_ONESHOT: OR it into a ctl ADD/MOD interest to disarm the registration
 * after its first event; a MOD re-arms it. The backend answers POLLEN_CAP_ONESHOT.
 * It belongs in pollen_poller.h once the core adopts it (the epoll backend ignores unknown
 * interest bits today).
 */
#ifndef POLLEN_WEPOLL_H
#define POLLEN_WEPOLL_H

#include "pollen_poller.h"

#ifndef POLLEN_INTEREST_ONESHOT
#define POLLEN_INTEREST_ONESHOT 0x100
#endif

#endif
