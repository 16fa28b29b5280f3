/*
 * Pollen benchmarks: the C reference server.
 *
 * One thread, one level-triggered epoll set, five listeners on 127.0.0.1 (or argv[1]):
 *   http   HTTP/1.1 keep-alive, GET /plaintext -> the TechEmpower plaintext response,
 *          pipelined requests answered in one write per read
 *   echo   TCP echo
 *   churn  one HTTP request, its response, then close
 *   udp    UDP echo
 *   stream TCP echo for large messages: reads of up to 64 KiB, each written straight back from
 *          the read buffer; only what the socket does not take is copied aside
 * The response bytes are those of the Java servers (PlaintextResponse.java). Prints
 * "PID <pid>" and "PORTS http=.. echo=.. churn=.. udp=.. stream=..", then runs until killed.
 * Ports are chosen by the kernel unless the environment sets BENCH_HTTP_PORT etc.
 * (BENCH_STREAM_PORT for stream).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum kind { K_HTTP, K_ECHO, K_CHURN, K_UDP, K_STREAM, K_LISTEN_HTTP, K_LISTEN_ECHO, K_LISTEN_CHURN, K_LISTEN_STREAM };

#define IN_CAP 16384
#define STREAM_IN_CAP 65536
#define MAX_REQUEST 8192

struct conn {
    int fd;
    enum kind kind;
    size_t in_len;      /* bytes of an incomplete request kept (http, churn) */
    size_t out_off;     /* unsent output: out[out_off, out_len) */
    size_t out_len;
    size_t out_cap;
    int closing;        /* churn: close once the output is flushed */
    size_t in_cap;
    char *out;
    char in[];          /* in_cap bytes */
};

static const char RESPONSE_HEAD[] = "HTTP/1.1 200 OK\r\nServer: pollen-bench\r\nDate: ";
static const char RESPONSE_TAIL[] = "\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!";
#define DATE_LEN 29
#define RESPONSE_LEN (sizeof(RESPONSE_HEAD) - 1 + DATE_LEN + sizeof(RESPONSE_TAIL) - 1)
static const char REQUEST_LINE_START[] = "GET /plaintext ";

static char response[RESPONSE_LEN + 1];
static time_t response_second = -1;
static int epfd;

static void die(const char *what)
{
    perror(what);
    exit(1);
}

static void refresh_date(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    if (ts.tv_sec == response_second)
        return;
    response_second = ts.tv_sec;
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char date[DATE_LEN + 1];
    if (strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm) != DATE_LEN)
        die("strftime");
    memcpy(response, RESPONSE_HEAD, sizeof(RESPONSE_HEAD) - 1);
    memcpy(response + sizeof(RESPONSE_HEAD) - 1, date, DATE_LEN);
    memcpy(response + sizeof(RESPONSE_HEAD) - 1 + DATE_LEN, RESPONSE_TAIL, sizeof(RESPONSE_TAIL) - 1);
}

static void watch(int op, int fd, uint32_t events, void *ptr)
{
    struct epoll_event ev = { .events = events, .data.ptr = ptr };
    if (epoll_ctl(epfd, op, fd, &ev) < 0)
        die("epoll_ctl");
}

static int env_port(const char *name)
{
    const char *v = getenv(name);
    return v ? atoi(v) : 0;
}

static int open_socket(const char *host, int type, int port)
{
    int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die("socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
        fprintf(stderr, "bad IPv4 address %s\n", host);
        exit(2);
    }
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
        die("bind");
    if (type == SOCK_STREAM && listen(fd, 4096) < 0)
        die("listen");
    return fd;
}

static int local_port(int fd)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    if (getsockname(fd, (struct sockaddr *)&a, &len) < 0)
        die("getsockname");
    return ntohs(a.sin_port);
}

static void conn_close(struct conn *c)
{
    close(c->fd); /* also leaves the epoll set */
    free(c->out);
    free(c);
}

/* Appends to the output buffer. */
static void out_append(struct conn *c, const char *p, size_t n)
{
    if (c->out_len + n > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 4096;
        while (cap < c->out_len + n)
            cap *= 2;
        c->out = realloc(c->out, cap);
        if (!c->out)
            die("realloc");
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, p, n);
    c->out_len += n;
}

/* Writes what is pending. Returns -1 if the connection is gone, 0 otherwise. Watches EPOLLOUT
 * (and stops reading) while output is left over. */
static int flush_out(struct conn *c)
{
    while (c->out_off < c->out_len) {
        ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                watch(EPOLL_CTL_MOD, c->fd, EPOLLOUT, c);
                return 0;
            }
            return -1;
        }
        c->out_off += (size_t)n;
    }
    c->out_off = c->out_len = 0;
    if (c->closing)
        return -1;
    return 0;
}

/* Answers every complete request in c->in[0, in_len); keeps an incomplete tail.
 * Returns -1 on a bad request. */
static int http_parse(struct conn *c)
{
    size_t start = 0, line = 0;
    int count = 0;
    for (;;) {
        char *lf = memchr(c->in + line, '\n', c->in_len - line);
        if (!lf)
            break;
        size_t at = (size_t)(lf - c->in);
        if (at - line == 1 && c->in[line] == '\r') {
            if (at - start < sizeof(REQUEST_LINE_START) - 1
                || memcmp(c->in + start, REQUEST_LINE_START, sizeof(REQUEST_LINE_START) - 1) != 0)
                return -1;
            count++;
            start = at + 1;
            if (c->kind == K_CHURN)
                break;
        }
        line = at + 1;
    }
    if (count > 0) {
        refresh_date();
        for (int i = 0; i < count; i++)
            out_append(c, response, RESPONSE_LEN);
    }
    if (c->kind == K_CHURN && count > 0) {
        c->closing = 1;
        c->in_len = 0;
        return 0;
    }
    if (start > 0) {
        memmove(c->in, c->in + start, c->in_len - start);
        c->in_len -= start;
    }
    if (c->in_len > MAX_REQUEST)
        return -1;
    return 0;
}

/* Writes c->in[0, n) back at once; keeps what the socket did not take for EPOLLOUT. Returns -1 if
 * the connection is gone. */
static int stream_echo(struct conn *c, size_t n)
{
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(c->fd, c->in + off, n - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                break;
            return -1;
        }
        off += (size_t)w;
    }
    if (off < n) {
        out_append(c, c->in + off, n - off);
        watch(EPOLL_CTL_MOD, c->fd, EPOLLOUT, c);
    }
    return 0;
}

static void on_stream(struct conn *c, uint32_t events)
{
    if (c->out_off < c->out_len) {
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            return;
        if (flush_out(c) < 0) {
            conn_close(c);
            return;
        }
        if (c->out_off < c->out_len)
            return;
        watch(EPOLL_CTL_MOD, c->fd, EPOLLIN, c);
    }
    /* One read per wake-up (level-triggered: the rest comes with the next wait), answered with
     * one write. */
    ssize_t n;
    do {
        if (c->kind == K_ECHO || c->kind == K_STREAM)
            n = read(c->fd, c->in, c->in_cap);
        else
            n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN)
        return;
    if (n <= 0) {
        conn_close(c);
        return;
    }
    if (c->kind == K_STREAM) {
        if (stream_echo(c, (size_t)n) < 0)
            conn_close(c);
        return;
    }
    if (c->kind == K_ECHO) {
        out_append(c, c->in, (size_t)n);
    } else {
        c->in_len += (size_t)n;
        if (http_parse(c) < 0) {
            conn_close(c);
            return;
        }
    }
    if (c->out_len > 0 && flush_out(c) < 0)
        conn_close(c);
}

static struct conn *conn_new(enum kind kind, size_t in_cap)
{
    struct conn *c = calloc(1, sizeof(*c) + in_cap);
    if (!c)
        die("calloc");
    c->kind = kind;
    c->in_cap = in_cap;
    return c;
}

static void on_listen(struct conn *l)
{
    enum kind kind = l->kind == K_LISTEN_HTTP ? K_HTTP
                   : l->kind == K_LISTEN_ECHO ? K_ECHO
                   : l->kind == K_LISTEN_STREAM ? K_STREAM : K_CHURN;
    for (int i = 0; i < 64; i++) {
        int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                perror("accept4");
            return;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        struct conn *c = conn_new(kind, kind == K_STREAM ? STREAM_IN_CAP : IN_CAP);
        c->fd = fd;
        watch(EPOLL_CTL_ADD, fd, EPOLLIN, c);
    }
}

static void on_udp(int fd)
{
    static char buf[65536];
    for (int i = 0; i < 64; i++) {
        struct sockaddr_storage from;
        socklen_t len = sizeof(from);
        ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
        if (n < 0)
            return;
        sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
    }
}

static struct conn *listener(const char *host, enum kind kind, int type, int port)
{
    struct conn *c = conn_new(kind, 0);
    c->fd = open_socket(host, type, port);
    watch(EPOLL_CTL_ADD, c->fd, EPOLLIN, c);
    return c;
}

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0)
        die("epoll_create1");
    refresh_date();
    struct conn *http = listener(host, K_LISTEN_HTTP, SOCK_STREAM, env_port("BENCH_HTTP_PORT"));
    struct conn *echo = listener(host, K_LISTEN_ECHO, SOCK_STREAM, env_port("BENCH_ECHO_PORT"));
    struct conn *churn = listener(host, K_LISTEN_CHURN, SOCK_STREAM, env_port("BENCH_CHURN_PORT"));
    struct conn *udp = listener(host, K_UDP, SOCK_DGRAM, env_port("BENCH_UDP_PORT"));
    struct conn *stream = listener(host, K_LISTEN_STREAM, SOCK_STREAM, env_port("BENCH_STREAM_PORT"));
    printf("PID %ld\n", (long)getpid());
    printf("PORTS http=%d echo=%d churn=%d udp=%d stream=%d transport=c-ref\n", local_port(http->fd),
           local_port(echo->fd), local_port(churn->fd), local_port(udp->fd), local_port(stream->fd));
    fflush(stdout);

    struct epoll_event events[256];
    for (;;) {
        int n = epoll_wait(epfd, events, 256, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            switch (c->kind) {
            case K_LISTEN_HTTP:
            case K_LISTEN_ECHO:
            case K_LISTEN_CHURN:
            case K_LISTEN_STREAM:
                on_listen(c);
                break;
            case K_UDP:
                on_udp(c->fd);
                break;
            default:
                on_stream(c, events[i].events);
                break;
            }
        }
    }
}
