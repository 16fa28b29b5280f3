/**
 * The operating system's readiness poller as a Java API, without Netty: {@link dev.pollen.poller.Poller}
 * over epoll, kqueue or the AFD poller of wepoll, whichever Pollen transport loads here. It keeps a
 * mirror of the interest set, waits into a preallocated ready set that is walked without allocating,
 * never rounds a timeout down and refuses the modes its backend lacks.
 */
package dev.pollen.poller;
