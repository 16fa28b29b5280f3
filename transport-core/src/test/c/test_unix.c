/* Unix domain sockets (pollen_unix.h): addressing, credentials, descriptor passing, errors. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pollen_socket.h"
#include "pollen_test.h"
#include "pollen_unix.h"

static char dir[64];

static void make_dir(void) {
    strcpy(dir, "/tmp/pollen-unix-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
}

static int path_in_dir(char *out, size_t cap, const char *name) {
    return snprintf(out, cap, "%s/%s", dir, name);
}

static void wait_for(pollen_fd fd, short events) {
    struct pollfd p = { fd, events, 0 };
    CHECK(poll(&p, 1, 5000) == 1);
}

/* Connects a client to a listener bound at addr and accepts it; returns both ends. */
static void connect_pair(const uint8_t *addr, int len, pollen_fd *listener, pollen_fd *client, pollen_fd *child) {
    uint8_t peer[POLLEN_ADDR_SIZE];
    CHECK_RC(pollen_unix_socket(listener, POLLEN_UNIX_STREAM));
    CHECK_RC(pollen_unix_bind(*listener, addr, len));
    CHECK_RC(pollen_socket_listen(*listener, 8));
    CHECK_RC(pollen_unix_socket(client, POLLEN_UNIX_STREAM));
    CHECK(pollen_unix_connect(*client, addr, len) == 1); /* Unix sockets connect at once */
    wait_for(*listener, POLLIN);
    CHECK_RC(pollen_socket_accept(*listener, child, peer));
}

static void round_trip(pollen_fd a, pollen_fd b) {
    char buf[8];
    CHECK(pollen_socket_send(a, "ping", 4) == 4);
    wait_for(b, POLLIN);
    CHECK(pollen_socket_recv(b, buf, sizeof(buf)) == 4 && memcmp(buf, "ping", 4) == 0);
}

static void test_path_bind_connect_accept(void) {
    char path[128];
    uint8_t addr[256];
    pollen_fd listener, client, child;
    int len = path_in_dir(path, sizeof(path), "s.sock");
    connect_pair((const uint8_t *) path, len, &listener, &client, &child);
    round_trip(client, child);
    round_trip(child, client);
    CHECK(pollen_unix_local_address(listener, addr, sizeof(addr)) == len && memcmp(addr, path, (size_t) len) == 0);
    CHECK(pollen_unix_remote_address(client, addr, sizeof(addr)) == len && memcmp(addr, path, (size_t) len) == 0);
    CHECK(pollen_unix_local_address(child, addr, sizeof(addr)) == len);
    CHECK(pollen_unix_local_address(client, addr, sizeof(addr)) == 0);  /* unnamed */
    CHECK(pollen_unix_remote_address(child, addr, sizeof(addr)) == 0);
    CHECK(pollen_unix_local_address(listener, addr, 3) == -ENAMETOOLONG);
    struct stat st;
    CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode));
    CHECK_RC(pollen_socket_close(client));
    CHECK_RC(pollen_socket_close(child));
    CHECK_RC(pollen_socket_close(listener));
    CHECK(unlink(path) == 0);
}

static void test_abstract_name(void) {
#ifdef __linux__
    char name[64];
    uint8_t addr[256];
    pollen_fd listener, client, child;
    int len = snprintf(name + 1, sizeof(name) - 1, "pollen-test-%d", (int) getpid()) + 1;
    name[0] = 0;
    connect_pair((const uint8_t *) name, len, &listener, &client, &child);
    round_trip(client, child);
    CHECK(pollen_unix_local_address(listener, addr, sizeof(addr)) == len);
    CHECK(addr[0] == 0 && memcmp(addr, name, (size_t) len) == 0);
    CHECK(pollen_unix_remote_address(client, addr, sizeof(addr)) == len && memcmp(addr, name, (size_t) len) == 0);
    /* Abstract names live in no directory: a second bind fails, and closing frees the name. */
    pollen_fd other;
    CHECK_RC(pollen_unix_socket(&other, POLLEN_UNIX_STREAM));
    CHECK(pollen_unix_bind(other, (const uint8_t *) name, len) == -EADDRINUSE);
    CHECK_RC(pollen_socket_close(listener));
    CHECK_RC(pollen_unix_bind(other, (const uint8_t *) name, len));
    CHECK_RC(pollen_socket_close(other));
    CHECK_RC(pollen_socket_close(client));
    CHECK_RC(pollen_socket_close(child));
#else
    printf("  (abstract names are Linux only)\n");
#endif
}

static void test_peer_credentials(void) {
    pollen_fd sv[2];
    int32_t pid;
    uint32_t uid;
    uint32_t gids[8];
    CHECK_RC(pollen_unix_socketpair(sv, POLLEN_UNIX_STREAM));
    int n = pollen_unix_peer_credentials(sv[0], &pid, &uid, gids, 8);
    CHECK_RC(n);
    CHECK(n >= 1 && gids[0] == (uint32_t) getgid());
    CHECK(uid == (uint32_t) getuid());
#ifdef __linux__
    CHECK(pid == (int32_t) getpid());
#endif
    CHECK(pollen_unix_peer_credentials(sv[0], &pid, &uid, gids, 0) == 0); /* no room: no gids, no overflow */
    CHECK(pollen_unix_peer_credentials(sv[0], NULL, &uid, gids, 8) == -EINVAL);
    CHECK_RC(pollen_socket_close(sv[0]));
    CHECK_RC(pollen_socket_close(sv[1]));
    pollen_fd lone;
    CHECK_RC(pollen_unix_socket(&lone, POLLEN_UNIX_STREAM));
    int rc = pollen_unix_peer_credentials(lone, &pid, &uid, gids, 8);
    /* Linux reports an unconnected socket's "peer" as nobody (pid 0); other systems refuse. */
    CHECK(rc < 0 || pid == 0);
    CHECK_RC(pollen_socket_close(lone));
}

static void test_fd_passing_round_trip(void) {
    pollen_fd sv[2];
    int p[2];
    int fds[4];
    int count = -1, lost = -1;
    char buf[16];
    CHECK_RC(pollen_unix_socketpair(sv, POLLEN_UNIX_STREAM));
    CHECK_RC(pollen_unix_pipe(p));
    CHECK(pollen_unix_recv_fds(sv[1], fds, 4, &count, &lost) == -EAGAIN && count == 0);
    CHECK(pollen_unix_send_fd(sv[0], p[1]) == 1);
    CHECK(pollen_unix_send_fd(sv[0], p[1]) == 1);
    /* One message per descriptor, never merged. */
    CHECK(pollen_unix_recv_fds(sv[1], fds, 4, &count, &lost) == 1 && count == 1 && lost == 0);
    int received = fds[0];
    CHECK(received != p[1] && received >= 0);
    CHECK((fcntl(received, F_GETFD) & FD_CLOEXEC) != 0);
    CHECK(pollen_unix_write(received, "via fd", 6) == 6);
    CHECK(pollen_unix_read(p[0], buf, sizeof(buf)) == 6 && memcmp(buf, "via fd", 6) == 0);
    CHECK_RC(pollen_unix_close(received));
    /* No room for the descriptor: it is closed, not leaked; the data byte still counts. */
    CHECK(pollen_unix_recv_fds(sv[1], fds, 0, &count, &lost) == 1 && count == 0 && lost == 1);
    /* Plain data reads as a byte without descriptors. */
    CHECK(pollen_socket_send(sv[0], "x", 1) == 1);
    CHECK(pollen_unix_recv_fds(sv[1], fds, 4, &count, &lost) == 1 && count == 0 && lost == 0);
    CHECK_RC(pollen_socket_close(sv[0]));
    CHECK(pollen_unix_recv_fds(sv[1], fds, 4, &count, &lost) == 0 && count == 0); /* end of stream */
    CHECK_RC(pollen_socket_close(sv[1]));
    CHECK_RC(pollen_unix_close(p[0]));
    CHECK_RC(pollen_unix_close(p[1]));
}

/*
 * A hostile peer sends `sent` descriptors in one message to a receiver with room for `room`
 * (at most 16 fit the control buffer: the kernel cuts the rest with MSG_CTRUNC). The receiver
 * gets what fits, learns that some were lost, and no copy of the others stays open in this
 * process: once the sender's and the delivered copies are closed, every pipe reads end of file.
 */
static void send_too_many_descriptors(int sent, int room) {
    enum { MAX = 64 };
    pollen_fd sv[2];
    int rd[MAX], wr[MAX], fds[MAX];
    int count = -1, lost = -1;
    char one = 'x', buf[4];
    CHECK(sent <= MAX && room < sent);
    CHECK_RC(pollen_unix_socketpair(sv, POLLEN_UNIX_STREAM));
    for (int i = 0; i < sent; i++) {
        int p[2];
        CHECK_RC(pollen_unix_pipe(p));
        rd[i] = p[0];
        wr[i] = p[1];
        CHECK(fcntl(rd[i], F_SETFL, fcntl(rd[i], F_GETFL) | O_NONBLOCK) == 0);
    }
    union {
        char buf[CMSG_SPACE(sizeof(int) * MAX)];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof(control));
    struct iovec iov = { &one, 1 };
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * sent);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * sent);
    memcpy(CMSG_DATA(c), wr, sizeof(int) * sent);
    CHECK(sendmsg(sv[0], &msg, 0) == 1);
    for (int i = 0; i < sent; i++) {
        CHECK_RC(pollen_unix_close(wr[i]));
    }

    CHECK(pollen_unix_recv_fds(sv[1], fds, room, &count, &lost) == 1);
    CHECK(count == room && lost == 1);
    for (int i = 0; i < count; i++) {
        CHECK_RC(pollen_unix_close(fds[i]));
    }
    if (sent > 16 && getenv("POLLEN_TEST_QEMU") != NULL) {
        /* Under qemu-user (7.2) the pipes of a truncated message stay open; untruncated ones pass above. */
        printf("  not checked under qemu-user, which leaves open what a truncated control message cut\n");
    } else {
        for (int i = 0; i < sent; i++) {
            CHECK(pollen_unix_read(rd[i], buf, sizeof(buf)) == 0); /* -EAGAIN would mean a leaked writer */
        }
    }
    for (int i = 0; i < sent; i++) {
        CHECK_RC(pollen_unix_close(rd[i]));
    }
    CHECK_RC(pollen_socket_close(sv[0]));
    CHECK_RC(pollen_socket_close(sv[1]));
}

static void test_too_many_descriptors_in_one_message(void) {
    send_too_many_descriptors(12, 8);  /* more than the receiver's room: closed here */
    send_too_many_descriptors(40, 8);  /* more than the control buffer: cut by the kernel */
}

static void test_datagrams(void) {
    char path[128];
    uint8_t addr[256];
    int alen = -1;
    char buf[16];
    int len = path_in_dir(path, sizeof(path), "d.sock");
    pollen_fd server, client;
    CHECK_RC(pollen_unix_socket(&server, POLLEN_UNIX_DGRAM));
    CHECK_RC(pollen_unix_bind(server, (const uint8_t *) path, len));
    CHECK_RC(pollen_unix_socket(&client, POLLEN_UNIX_DGRAM));
    CHECK(pollen_unix_sendto(client, "hello", 5, (const uint8_t *) path, len) == 5);
    CHECK(pollen_unix_recvfrom(server, buf, sizeof(buf), addr, sizeof(addr), &alen) == 5);
    CHECK(memcmp(buf, "hello", 5) == 0 && alen == 0); /* unnamed sender */
    CHECK(pollen_unix_recvfrom(server, buf, sizeof(buf), addr, sizeof(addr), &alen) == -EAGAIN);
    CHECK(pollen_unix_connect(client, (const uint8_t *) path, len) == 1);
    CHECK(pollen_unix_sendto(client, "again", 5, NULL, 0) == 5);
    CHECK(pollen_unix_recvfrom(server, buf, sizeof(buf), addr, sizeof(addr), &alen) == 5);
    CHECK(pollen_unix_sendto(client, "x", 1, (const uint8_t *) "", 0) == 1);  /* len 0: the connected peer */
    CHECK_RC(pollen_socket_close(client));
    CHECK_RC(pollen_socket_close(server));
    CHECK(unlink(path) == 0);
}

static void test_errors(void) {
    char path[512];
    pollen_fd fd, other;
    int len = path_in_dir(path, sizeof(path), "e.sock");
    CHECK_RC(pollen_unix_socket(&fd, POLLEN_UNIX_STREAM));
    CHECK(pollen_unix_connect(fd, (const uint8_t *) path, len) == -ENOENT);
    CHECK_RC(pollen_unix_bind(fd, (const uint8_t *) path, len));
    CHECK_RC(pollen_unix_socket(&other, POLLEN_UNIX_STREAM));
    CHECK(pollen_unix_bind(other, (const uint8_t *) path, len) == -EADDRINUSE);
    /* Bound but not listening: refused. */
    CHECK(pollen_unix_connect(other, (const uint8_t *) path, len) == -ECONNREFUSED);
    CHECK_RC(pollen_socket_close(other));
    CHECK_RC(pollen_socket_close(fd));
    CHECK(unlink(path) == 0);

    CHECK_RC(pollen_unix_socket(&fd, POLLEN_UNIX_STREAM));
    int max = pollen_unix_path_max();
    CHECK(max >= 100 && max < (int) sizeof(path));
    memset(path, 'a', sizeof(path));
    path[0] = '/';
    CHECK(pollen_unix_bind(fd, (const uint8_t *) path, max) == -ENAMETOOLONG);   /* no room for the NUL */
    CHECK(pollen_unix_connect(fd, (const uint8_t *) path, max + 1) == -ENAMETOOLONG);
#ifdef __linux__
    path[0] = 0;
    CHECK(pollen_unix_bind(fd, (const uint8_t *) path, max + 1) == -ENAMETOOLONG);
#endif
    CHECK(pollen_unix_bind(fd, (const uint8_t *) "a\0b", 3) == -EINVAL);
    CHECK(pollen_unix_bind(fd, (const uint8_t *) "", 0) == -EINVAL);
    CHECK(pollen_unix_bind(fd, NULL, 4) == -EINVAL);
    CHECK(pollen_unix_send_fd(fd, -1) == -EBADF);
    CHECK(pollen_unix_send_fd(fd, 0) == -ENOTCONN);
    CHECK_RC(pollen_socket_close(fd));

    int fds[1];
    int count, lost;
    uint8_t addr[8];
    CHECK(pollen_unix_socket(&fd, 7) == -EINVAL);
    CHECK(pollen_unix_socketpair(NULL, POLLEN_UNIX_STREAM) == -EINVAL);
    CHECK(pollen_unix_recv_fds(-1, fds, 1, &count, &lost) == -EBADF);
    CHECK(pollen_unix_recv_fds(-1, NULL, 1, &count, &lost) == -EINVAL);
    CHECK(pollen_unix_recv_fds(-1, fds, 1, &count, NULL) == -EINVAL);
    CHECK(pollen_unix_recv_fds(-1, fds, -1, &count, &lost) == -EINVAL);
    CHECK(pollen_unix_local_address(-1, addr, sizeof(addr)) == -EBADF);
    CHECK(pollen_unix_remote_address(-1, addr, sizeof(addr)) == -EBADF);
    CHECK(pollen_unix_read(-1, addr, 1) == -EBADF);
    CHECK(pollen_unix_write(-1, addr, -1) == -EINVAL);
    CHECK(pollen_unix_close(-1) == -EBADF);
}

int main(void) {
    make_dir();
    RUN(test_path_bind_connect_accept);
    RUN(test_abstract_name);
    RUN(test_peer_credentials);
    RUN(test_fd_passing_round_trip);
    RUN(test_too_many_descriptors_in_one_message);
    RUN(test_datagrams);
    RUN(test_errors);
    CHECK(rmdir(dir) == 0);
    return 0;
}
