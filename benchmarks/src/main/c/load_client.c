/*
 * Pollen benchmarks: the load client.
 *
 * Drives several servers at once with the same load, from one thread and one epoll set, and
 * validates every byte it gets back. Usage:
 *
 *   load_client -w http|echo|stream|churn|udp|hold [options] NAME=PORT [NAME=PORT ...]
 *
 *   -n N    connections (UDP: sockets) per server                      (default 64)
 *   -p P    requests / messages / datagrams in flight per connection    (default 1)
 *   -m M    message size in bytes for echo, stream and udp      (default 64; stream 65536)
 *   -r R    churn: new connections per second per server, 0 = as fast as they complete
 *   -d S    run S seconds (may be fractional), then report; 0 = until SIGTERM/SIGINT
 *   -N U    run until every server has done U units of work, then report; a server that has
 *           done its U stops being loaded (its connections are closed) while the others go on.
 *           With -N, -d is a deadline: the client stops then even if some server has not.
 *   -c CPU  pin to this CPU
 *   -H IP   server address                                              (default 127.0.0.1)
 *   -C      correctness mode: at the end print OK or FAIL per server, exit 1 on any FAIL
 *           (a server fails if it made any error, or did no work; with -N, if it did not do
 *           its U units before the deadline)
 *   -L      http: lockstep; a connection writes its P requests in one write and writes the
 *           next P only once all P responses are back (without -L each response is replaced
 *           at once by a new request: a sliding window of P)
 *   -R K    http, churn, hold: the response expected, K = plaintext (default; the response of
 *           ref_server.c / PlaintextResponse.java) or min (HttpMinimalHandler.java's 78 bytes:
 *           content-type and content-length only)
 *   -b B    hold: at most B connections connecting or awaiting their response at a time, all
 *           servers together (default 256), so that no listen backlog overflows
 *   -B K    bind the connections, in turn, to K source addresses 127.0.0.2, 127.0.0.3, ...:
 *           the kernel has only about 28k ephemeral ports per (source, server address, port)
 *
 * Units of work: http requests answered, echo messages returned, churn connections completed
 * (connect, one HTTP request, its response, the server's close), udp datagrams returned, hold
 * connections held: opened, one HTTP request answered, then left open and idle until the end
 * (for memory measurements; a line "held NAME N ELAPSED_NS" is printed once a server has
 * answered all its N = -n connections, and every connection is reset at the end, so that no
 * TIME_WAIT is left behind).
 * "stream" is echo with large messages (the client writes each message and reads it back); a
 * harness measures it by the BYTES of the snapshots.
 * On SIGUSR1 (and at the end) it prints, per server, a line
 *   snap SEQ ELAPSED_NS NAME UNITS BYTES ERRORS LOST
 * with counts since the start; a harness diffs two snapshots to get the work of an interval.
 * "http" expects the plaintext response of ref_server.c / PlaintextResponse.java (its Date value
 * is checked for shape only), or with -R min the fixed 78 bytes of HttpMinimalHandler.java.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum workload { W_HTTP, W_ECHO, W_CHURN, W_UDP, W_STREAM, W_HOLD };
enum state { S_CONNECTING, S_OPEN, S_AWAIT_EOF };

struct target {
    char name[64];
    struct sockaddr_in addr;
    uint64_t units, bytes, errors, lost;
    double tokens;          /* churn rate limit */
    int starts_owed;        /* churn: connections to open when tokens allow */
    int reported_errors;
    int done;               /* -N: did its units; no longer loaded */
    uint64_t done_ns;       /* -N: when, since the start */
    int held_reported;      /* hold: "held" printed */
};

struct conn {
    int fd;
    struct target *t;
    enum state state;
    uint32_t interest;
    size_t owed;            /* bytes still to send */
    uint64_t sent;          /* stream position of the next byte to send */
    uint64_t received;      /* stream position of the next byte expected */
    int inflight;           /* udp */
    uint64_t last_recv_ns;  /* udp */
    int batch_left;         /* http -L: responses still due of the requests last written */
    int held;               /* hold: its one request answered */
};

static enum workload workload;
static int conns_per_target = 64, depth = 1, msg_size = -1, churn_rate;
static double duration;
static uint64_t want_units; /* -N */
static int check_mode;
static int lockstep, hold_burst = 256, hold_pending, hold_next, nsources;
static struct conn *conns;
static int nconns;
static struct target *targets;
static int ntargets;
static int epfd;

/* What is sent: a buffer with period `period`, long enough to send `owed` bytes from any phase. */
static char *sbuf;
static size_t period, sbuf_len;
/* What comes back (http, churn, hold): one response, with a hole for the Date value (-R min has
 * no Date, hence no hole). */
static const char PLAINTEXT_RESPONSE[] = "HTTP/1.1 200 OK\r\nServer: pollen-bench\r\nDate: "
                                         "Sun, 06 Nov 1994 08:49:37 GMT"
                                         "\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!";
static const char MIN_RESPONSE[] = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 13\r\n\r\n"
                                   "Hello, World!";
static const char REQUEST[] = "GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Accept: text/plain,text/html;q=0.9,*/*;q=0.8\r\nConnection: keep-alive\r\n\r\n";
static const char *RESPONSE = PLAINTEXT_RESPONSE;
static size_t RESPONSE_LEN = sizeof(PLAINTEXT_RESPONSE) - 1;
static size_t hole_off, hole_len;

static volatile sig_atomic_t want_snapshot, want_stop;
static uint64_t start_ns;
static int snap_seq;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
    perror(what);
    exit(2);
}

static void on_signal(int sig)
{
    if (sig == SIGUSR1)
        want_snapshot = 1;
    else
        want_stop = 1;
}

static void error_at(struct target *t, const char *what)
{
    t->errors++;
    if (t->reported_errors++ < 5)
        fprintf(stderr, "load_client: %s: %s\n", t->name, what);
}

static void set_interest(struct conn *c, uint32_t events)
{
    if (c->interest == events)
        return;
    struct epoll_event ev = { .events = events, .data.ptr = c };
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
        die("epoll_ctl");
    c->interest = events;
}

static void open_conn(struct conn *c)
{
    int udp = workload == W_UDP;
    c->fd = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        die("socket");
    if (!udp) {
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    if (nsources > 0) {
        /* Source address only: the port is chosen at connect, per (source, destination) pair,
         * instead of at bind from one range shared by all destinations. */
        int one = 1;
        struct sockaddr_in src = { .sin_family = AF_INET };
        /* By the connection's index within its server's (they are interleaved), so that each
         * server's connections spread over all the sources. */
        src.sin_addr.s_addr = htonl(0x7f000002u + (uint32_t)((c - conns) / ntargets % nsources));
        setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
        if (bind(c->fd, (struct sockaddr *)&src, sizeof(src)) < 0)
            die("bind");
    }
    c->state = S_CONNECTING;
    c->owed = 0;
    c->sent = c->received = 0;
    c->inflight = 0;
    c->batch_left = 0;
    c->held = 0;
    c->last_recv_ns = now_ns();
    if (connect(c->fd, (struct sockaddr *)&c->t->addr, sizeof(c->t->addr)) < 0 && errno != EINPROGRESS) {
        /* Counted, then retried through the normal path: the next writable event reports it. */
    }
    c->interest = EPOLLOUT;
    struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0)
        die("epoll_ctl");
}

/* Closes a connection; `reset` sends RST so that no TIME_WAIT stays behind on either side. */
static void close_conn(struct conn *c, int reset)
{
    if (reset) {
        struct linger l = { .l_onoff = 1, .l_linger = 0 };
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    }
    close(c->fd);
    c->fd = -1;
}

/* Hold: opens connections not opened yet while fewer than hold_burst are pending (connecting
 * or awaiting their one response). */
static void hold_open_more(void)
{
    while (hold_pending < hold_burst && hold_next < nconns && !want_stop) {
        struct conn *c = &conns[hold_next++];
        if (c->t->done)
            continue;
        hold_pending++;
        open_conn(c);
    }
}

/* Hold: a connection got its one response; it now stays open and idle. */
static void hold_answered(struct conn *c)
{
    struct target *t = c->t;
    c->held = 1;
    t->units++;
    hold_pending--;
    if (!t->held_reported && t->units >= (uint64_t)conns_per_target) {
        t->held_reported = 1;
        printf("held %s %llu %llu\n", t->name, (unsigned long long)t->units, (unsigned long long)(now_ns() - start_ns));
        fflush(stdout);
    }
    hold_open_more();
}

/* Churn: open now if the rate allows, else later. */
static void churn_next(struct conn *c)
{
    if (churn_rate > 0 && c->t->tokens < 1) {
        c->t->starts_owed++;
        return;
    }
    if (churn_rate > 0)
        c->t->tokens -= 1;
    open_conn(c);
}

static void fail_conn(struct conn *c, const char *what)
{
    error_at(c->t, what);
    close_conn(c, 1);
    if (workload == W_HOLD && !c->held)
        hold_pending--;
    if (want_stop || c->t->done)
        return;
    if (workload == W_CHURN)
        churn_next(c);
    else if (workload == W_HOLD)
        hold_open_more(); /* a held connection lost is not replaced: the server failed */
    else
        open_conn(c);
}

/* Sends what is owed; returns -1 if the connection failed. */
static int send_owed(struct conn *c)
{
    while (c->owed > 0) {
        size_t phase = (size_t)(c->sent % period);
        size_t n = c->owed < sbuf_len - phase ? c->owed : sbuf_len - phase;
        ssize_t w = send(c->fd, sbuf + phase, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                break;
            return -1;
        }
        c->owed -= (size_t)w;
        c->sent += (uint64_t)w;
    }
    set_interest(c, EPOLLIN | (c->owed > 0 ? EPOLLOUT : 0));
    return 0;
}

static int date_byte_ok(char sample, char got)
{
    if (sample >= '0' && sample <= '9')
        return got >= '0' && got <= '9';
    if ((sample >= 'A' && sample <= 'Z') || (sample >= 'a' && sample <= 'z'))
        return (got >= 'A' && got <= 'Z') || (got >= 'a' && got <= 'z');
    return got == sample;
}

/* Checks p[0, n) against the responses expected from stream position c->received on; returns
 * the number of responses completed, or -1 on a mismatch. */
static long check_http(struct conn *c, const char *p, size_t n)
{
    long done = 0;
    size_t off = (size_t)(c->received % RESPONSE_LEN);
    while (n > 0) {
        size_t seg = RESPONSE_LEN - off < n ? RESPONSE_LEN - off : n;
        for (size_t i = 0; i < seg;) {
            size_t at = off + i;
            if (at >= hole_off && at < hole_off + hole_len) {
                if (!date_byte_ok(RESPONSE[at], p[i]))
                    return -1;
                i++;
                continue;
            }
            size_t stop = at < hole_off ? hole_off : RESPONSE_LEN;
            size_t run = stop - at < seg - i ? stop - at : seg - i;
            if (memcmp(p + i, RESPONSE + at, run) != 0)
                return -1;
            i += run;
        }
        p += seg;
        n -= seg;
        off += seg;
        if (off == RESPONSE_LEN) {
            done++;
            off = 0;
        }
    }
    return done;
}

/* echo and stream: the stream that comes back must equal the one sent. */
static int is_echo(void)
{
    return workload == W_ECHO || workload == W_STREAM;
}

static void on_stream(struct conn *c, uint32_t events)
{
    struct target *t = c->t;
    if (c->state == S_CONNECTING) {
        int err = 0;
        socklen_t len = sizeof(err);
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0 || (events & (EPOLLERR | EPOLLHUP))) {
            fail_conn(c, err ? strerror(err) : "connect failed");
            return;
        }
        c->state = S_OPEN;
        c->owed = workload == W_CHURN || workload == W_HOLD ? sizeof(REQUEST) - 1
                  : (size_t)depth * (is_echo() ? (size_t)msg_size : sizeof(REQUEST) - 1);
        c->batch_left = depth;
        if (send_owed(c) < 0)
            fail_conn(c, "send failed");
        return;
    }
    if ((events & EPOLLOUT) && c->owed > 0 && send_owed(c) < 0) {
        fail_conn(c, "send failed");
        return;
    }
    if (!(events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
        return;
    static char buf[65536];
    ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return;
        fail_conn(c, strerror(errno));
        return;
    }
    if (n == 0) {
        if (c->state == S_AWAIT_EOF) {
            t->units++;
            close_conn(c, 1);
            if (!want_stop && !t->done)
                churn_next(c);
            return;
        }
        fail_conn(c, "connection closed by the server");
        return;
    }
    t->bytes += (uint64_t)n;
    if (is_echo()) {
        /* The echoed stream must equal the sent stream, byte for byte. */
        size_t phase = (size_t)(c->received % period);
        if ((uint64_t)n > c->sent - c->received || memcmp(buf, sbuf + phase, (size_t)n) != 0) {
            fail_conn(c, "echo mismatch");
            return;
        }
        uint64_t before = c->received / (uint64_t)msg_size;
        c->received += (uint64_t)n;
        uint64_t done = c->received / (uint64_t)msg_size - before;
        t->units += done;
        c->owed += (size_t)done * (size_t)msg_size;
    } else {
        if (c->state == S_AWAIT_EOF) {
            fail_conn(c, "data after the response");
            return;
        }
        long done = check_http(c, buf, (size_t)n);
        if (done < 0) {
            fail_conn(c, "unexpected response bytes");
            return;
        }
        c->received += (uint64_t)n;
        if (workload == W_CHURN || workload == W_HOLD) {
            if (done > 1 || (done == 1 && c->held)) {
                fail_conn(c, "more than one response");
                return;
            }
            if (done == 1 && workload == W_CHURN)
                c->state = S_AWAIT_EOF;
            if (done == 1 && workload == W_HOLD)
                hold_answered(c);
            return;
        }
        t->units += (uint64_t)done;
        if (!lockstep) {
            c->owed += (size_t)done * (sizeof(REQUEST) - 1);
        } else {
            /* The next batch only once the whole last one is answered. */
            if (done > c->batch_left) {
                fail_conn(c, "more responses than requests");
                return;
            }
            c->batch_left -= (int)done;
            if (c->batch_left == 0) {
                c->owed += (size_t)depth * (sizeof(REQUEST) - 1);
                c->batch_left = depth;
            }
        }
    }
    if (c->owed > 0 && send_owed(c) < 0)
        fail_conn(c, "send failed");
}

static void udp_send(struct conn *c)
{
    while (c->inflight < depth) {
        ssize_t w = send(c->fd, sbuf, (size_t)msg_size, 0);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            break; /* EAGAIN or ICMP error: the loss timer retries */
        }
        c->inflight++;
    }
}

static void on_udp(struct conn *c, uint32_t events)
{
    if (c->state == S_CONNECTING) {
        c->state = S_OPEN;
        set_interest(c, EPOLLIN);
        udp_send(c);
        return;
    }
    (void)events;
    static char buf[65536];
    for (;;) {
        ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN)
                error_at(c->t, strerror(errno));
            break;
        }
        if (n != msg_size || memcmp(buf, sbuf, (size_t)n) != 0) {
            error_at(c->t, "udp echo mismatch");
            continue;
        }
        c->t->units++;
        c->t->bytes += (uint64_t)n;
        c->last_recv_ns = now_ns();
        if (c->inflight > 0)
            c->inflight--;
    }
    udp_send(c);
}

static void snapshot(const char *kind)
{
    uint64_t elapsed = now_ns() - start_ns;
    snap_seq++;
    for (int i = 0; i < ntargets; i++) {
        struct target *t = &targets[i];
        printf("%s %d %llu %s %llu %llu %llu %llu\n", kind, snap_seq, (unsigned long long)elapsed, t->name,
               (unsigned long long)t->units, (unsigned long long)t->bytes, (unsigned long long)t->errors,
               (unsigned long long)t->lost);
    }
    fflush(stdout);
}

/* -N: closes the connections of every server that has just done its units, so that the servers
 * still short of them get the CPU; returns whether every server is done. */
static int stop_done_targets(struct conn *conns, int nconns, uint64_t now)
{
    int all = 1;
    for (int i = 0; i < ntargets; i++) {
        struct target *t = &targets[i];
        if (!t->done && t->units >= want_units) {
            t->done = 1;
            t->done_ns = now - start_ns;
            t->starts_owed = 0;
            for (int k = 0; k < nconns; k++)
                if (conns[k].t == t && conns[k].fd >= 0) {
                    if (workload == W_HOLD && !conns[k].held)
                        hold_pending--;
                    close_conn(&conns[k], 1);
                }
        }
        all &= t->done;
    }
    return all;
}

static void usage(void)
{
    fprintf(stderr, "usage: load_client -w http|echo|stream|churn|udp|hold [-n conns] [-p depth] [-m size] [-r rate]"
                    " [-d seconds] [-N units] [-c cpu] [-H ip] [-C] [-L] [-R plaintext|min] [-b burst]"
                    " [-B sources] NAME=PORT...\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    int cpu = -1, opt;
    const char *w = NULL, *expect = "plaintext";
    while ((opt = getopt(argc, argv, "w:n:p:m:r:d:N:c:H:CLR:b:B:")) != -1) {
        switch (opt) {
        case 'w': w = optarg; break;
        case 'n': conns_per_target = atoi(optarg); break;
        case 'p': depth = atoi(optarg); break;
        case 'm': msg_size = atoi(optarg); break;
        case 'r': churn_rate = atoi(optarg); break;
        case 'd': duration = atof(optarg); break;
        case 'N': want_units = strtoull(optarg, NULL, 10); if (want_units == 0) usage(); break;
        case 'c': cpu = atoi(optarg); break;
        case 'H': host = optarg; break;
        case 'C': check_mode = 1; break;
        case 'L': lockstep = 1; break;
        case 'R': expect = optarg; break;
        case 'b': hold_burst = atoi(optarg); break;
        case 'B': nsources = atoi(optarg); break;
        default: usage();
        }
    }
    if (!w || optind >= argc || conns_per_target < 1 || depth < 1 || hold_burst < 1 || nsources < 0
        || nsources > 250)
        usage();
    if (!strcmp(w, "http")) workload = W_HTTP;
    else if (!strcmp(w, "echo")) workload = W_ECHO;
    else if (!strcmp(w, "stream")) workload = W_STREAM;
    else if (!strcmp(w, "churn")) workload = W_CHURN;
    else if (!strcmp(w, "udp")) workload = W_UDP;
    else if (!strcmp(w, "hold")) workload = W_HOLD;
    else usage();
    if (!strcmp(expect, "min")) {
        RESPONSE = MIN_RESPONSE;
        RESPONSE_LEN = sizeof(MIN_RESPONSE) - 1;
    } else if (strcmp(expect, "plaintext") != 0) {
        usage();
    }
    if (workload == W_HOLD)
        depth = 1; /* one request per connection, then idle */
    if (msg_size == -1)
        msg_size = workload == W_STREAM ? 65536 : 64;
    /* A datagram's payload has a hard limit; a stream message only a sanity one. */
    if (msg_size < 1 || msg_size > (workload == W_UDP ? 65507 : 16 << 20))
        usage();

    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (sched_setaffinity(0, sizeof(set), &set) < 0)
            die("sched_setaffinity");
    }

    ntargets = argc - optind;
    targets = calloc((size_t)ntargets, sizeof(*targets));
    if (!targets)
        die("calloc");
    for (int i = 0; i < ntargets; i++) {
        struct target *t = &targets[i];
        const char *arg = argv[optind + i], *eq = strchr(arg, '=');
        if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(t->name))
            usage();
        memcpy(t->name, arg, (size_t)(eq - arg));
        t->addr.sin_family = AF_INET;
        t->addr.sin_port = htons((uint16_t)atoi(eq + 1));
        if (inet_pton(AF_INET, host, &t->addr.sin_addr) != 1)
            usage();
        t->tokens = churn_rate > 0 ? churn_rate / 100.0 : 0;
    }

    /* The send buffer. */
    const char *date = strstr(RESPONSE, "Date: ");
    hole_off = date ? (size_t)(date - RESPONSE) + 6 : RESPONSE_LEN; /* no Date, no hole */
    hole_len = date ? 29 : 0;
    size_t max_owed;
    if (is_echo() || workload == W_UDP) {
        period = 251; /* a prime: a dropped, repeated or reordered piece shows */
        max_owed = (size_t)depth * (size_t)msg_size;
    } else {
        period = sizeof(REQUEST) - 1;
        max_owed = (size_t)depth * period;
    }
    sbuf_len = (max_owed / period + 2) * period;
    sbuf = malloc(sbuf_len);
    if (!sbuf)
        die("malloc");
    for (size_t i = 0; i < sbuf_len; i++)
        sbuf[i] = is_echo() || workload == W_UDP ? (char)('!' + (i % period) % 90) : REQUEST[i % period];

    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0)
        die("epoll_create1");
    nconns = ntargets * conns_per_target;
    /* One descriptor per connection (and a few more): tens of thousands for hold. Raise the soft
     * limit, and the hard one if it is too low (root may). */
    struct rlimit rl;
    rlim_t need = (rlim_t)nconns + 64;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < need) {
        if (rl.rlim_max < need)
            rl.rlim_max = need;
        rl.rlim_cur = need;
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
            die("setrlimit(RLIMIT_NOFILE)");
    }
    conns = calloc((size_t)nconns, sizeof(*conns));
    if (!conns)
        die("calloc");
    start_ns = now_ns();
    /* Interleave the targets so that none gets a head start. */
    for (int k = 0; k < conns_per_target; k++)
        for (int i = 0; i < ntargets; i++) {
            struct conn *c = &conns[k * ntargets + i];
            c->t = &targets[i];
            c->fd = -1;
            if (workload != W_HOLD)
                open_conn(c);
        }
    if (workload == W_HOLD)
        hold_open_more();

    uint64_t end_ns = duration > 0 ? start_ns + (uint64_t)(duration * 1e9) : UINT64_MAX;
    uint64_t last_tick = start_ns;
    struct epoll_event events[512];
    while (!want_stop) {
        int n = epoll_wait(epfd, events, 512, 10);
        if (n < 0 && errno != EINTR)
            die("epoll_wait");
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (c->fd < 0)
                continue;
            if (workload == W_UDP)
                on_udp(c, events[i].events);
            else
                on_stream(c, events[i].events);
        }
        if (want_snapshot) {
            want_snapshot = 0;
            snapshot("snap");
        }
        uint64_t now = now_ns();
        if (want_units > 0 && stop_done_targets(conns, nconns, now))
            break;
        if (now >= end_ns)
            break;
        if (now - last_tick >= 10000000u) {
            double dt = (double)(now - last_tick) / 1e9;
            last_tick = now;
            for (int i = 0; i < ntargets && churn_rate > 0; i++) {
                struct target *t = &targets[i];
                t->tokens += churn_rate * dt;
                if (t->tokens > churn_rate / 10.0 + 1)
                    t->tokens = churn_rate / 10.0 + 1;
            }
            for (int i = 0; i < nconns; i++) {
                struct conn *c = &conns[i];
                if (workload == W_CHURN && c->fd < 0 && !c->t->done && c->t->starts_owed > 0
                    && c->t->tokens >= 1) {
                    c->t->starts_owed--;
                    c->t->tokens -= 1;
                    open_conn(c);
                }
                /* UDP: datagrams not back within 200 ms are lost; send new ones. */
                if (workload == W_UDP && c->state == S_OPEN && c->inflight > 0
                    && now - c->last_recv_ns > 200000000u) {
                    c->t->lost += (uint64_t)c->inflight;
                    c->inflight = 0;
                    c->last_recv_ns = now;
                    udp_send(c);
                }
            }
        }
    }
    snapshot("final");
    /* Hold: reset every connection, so that the server sees them go at once and no TIME_WAIT
     * keeps the ports of the next run. */
    for (int i = 0; i < nconns && workload == W_HOLD; i++)
        if (conns[i].fd >= 0)
            close_conn(&conns[i], 1);
    if (!check_mode)
        return 0;
    int failed = 0;
    const char *units = workload == W_CHURN || workload == W_HOLD ? "connections"
                        : workload == W_HTTP ? "requests" : "messages";
    double elapsed_s = (double)(now_ns() - start_ns) / 1e9;
    for (int i = 0; i < ntargets; i++) {
        struct target *t = &targets[i];
        unsigned long long u = t->units, e = t->errors;
        if (t->errors > 0) {
            printf("FAIL %s: %llu %s, %llu errors\n", t->name, u, units, e);
            failed = 1;
        } else if (want_units > 0 && !t->done) {
            if (u == 0)
                printf("FAIL %s: no correct answer within %.1f s (0 %s, 0 errors)\n", t->name, elapsed_s, units);
            else
                printf("FAIL %s: only %llu of %llu %s within %.1f s, 0 errors\n", t->name, u,
                       (unsigned long long)want_units, units, elapsed_s);
            failed = 1;
        } else if (t->units == 0) {
            printf("FAIL %s: %llu %s, %llu errors\n", t->name, u, units, e);
            failed = 1;
        } else {
            printf("OK %s: %llu %s in %.1f s, %llu bytes\n", t->name, u, units,
                   t->done ? (double)t->done_ns / 1e9 : elapsed_s, (unsigned long long)t->bytes);
        }
    }
    return failed;
}
