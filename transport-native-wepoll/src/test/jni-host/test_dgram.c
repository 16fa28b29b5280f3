/*
 * Datagram natives: the record layout the DLL reports, single and batched sends and receives
 * through packet records and an iovec table in native memory, truncation, connected sockets,
 * ICMP errors, options, multicast argument checks, IPv6 and dual stack.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

typedef struct iov_pair {
    void *base;
    size_t len;
} iov_pair;

#define T_B 21
#define T_A 22
#define SLOTS 8
#define SLOT_SIZE 256

_Static_assert(sizeof(pollen_dgram_packet) == 72, "packet record size");

/* Receive side: SLOTS records, each with one SLOT_SIZE buffer. */
typedef struct rx {
    pollen_dgram_packet *pk;
    iov_pair *iov;
    unsigned char *buf;
} rx;

static rx rx_new(void) {
    rx r;
    r.pk = calloc(SLOTS, sizeof(pollen_dgram_packet));
    r.iov = calloc(SLOTS, sizeof(iov_pair));
    r.buf = malloc(SLOTS * SLOT_SIZE);
    for (int i = 0; i < SLOTS; i++) {
        r.pk[i].iov_index = (uint32_t) i;
        r.pk[i].iov_count = 1;
        r.iov[i].base = r.buf + i * SLOT_SIZE;
        r.iov[i].len = SLOT_SIZE;
    }
    return r;
}

/* Receives until want datagrams arrived (or 5 s passed); returns how many. */
static int rx_wait(jlong p, jint fd, rx *r, int want, jint *error) {
    pollen_event ev[8];
    int got = 0;
    *error = 0;
    PN(pollerCtl, p, POLLEN_CTL_ADD, fd, POLLEN_INTEREST_READ, T_B);
    for (int round = 0; round < 50 && got < want; round++) {
        /* Records already filled keep their contents: receive into the ones after them. */
        jint n = DN(recv, fd, JNI_FALSE, ADDR(r->pk + got), want - got, ADDR(r->iov), SLOTS);
        if (n < 0) {
            *error = n;
            break;
        }
        got += n;
        if (got < want && wait_token(p, ev, 8, T_B) < 0) {
            break;
        }
    }
    PN(pollerCtl, p, POLLEN_CTL_DEL, fd, 0, 0);
    return got;
}

static void check_layout(void) {
    jintArray a = DN0(layout);
    if (!check("layout returns 17 values", a != NULL && fake_jni_length(a) == 17, "length %ld",
               a == NULL ? -1L : (long) fake_jni_length(a))) {
        return;
    }
    const jint *v = fake_jni_ints(a);
    check_eq("layout: record size 72", v[0], 72);
    check_eq("layout: batch limit 64", v[1], 64);
    check("layout: field offsets iov_index 0, iov_count 4, length 8, segment 12, addr 16, orig_dst 40, flags 64,"
          " call 68",
          v[2] == 0 && v[3] == 4 && v[4] == 8 && v[5] == 12 && v[6] == 16 && v[7] == 40 && v[8] == 64 && v[9] == 68,
          "got %ld %ld %ld %ld %ld %ld %ld %ld", (long) v[2], (long) v[3], (long) v[4], (long) v[5], (long) v[6],
          (long) v[7], (long) v[8], (long) v[9]);
    check("layout: the offsets agree with pollen_dgram_packet",
          v[4] == (jint) offsetof(pollen_dgram_packet, length) && v[6] == (jint) offsetof(pollen_dgram_packet, addr)
              && v[8] == (jint) offsetof(pollen_dgram_packet, flags)
              && v[9] == (jint) offsetof(pollen_dgram_packet, call), "mismatch");
    check("layout: EMSGSIZE, EACCES, EPERM, EOPNOTSUPP, EADDRNOTAVAIL, ENODEV, EDESTADDRREQ as mingw-w64 numbers them",
          v[10] == EMSGSIZE && v[11] == EACCES && v[12] == EPERM && v[13] == EOPNOTSUPP && v[14] == EADDRNOTAVAIL
              && v[15] == ENODEV && v[16] == EDESTADDRREQ,
          "got %ld %ld %ld %ld %ld %ld %ld", (long) v[10], (long) v[11], (long) v[12], (long) v[13], (long) v[14],
          (long) v[15], (long) v[16]);
    jstring names = DN0(callNames);
    const char *text = names == NULL ? NULL : fake_jni_string(names);
    check("callNames lists enum pollen_dgram_call in order",
          text != NULL && strcmp(text, ",sendmsg,sendmmsg,sendto,recvmsg,recvmmsg,recvfrom,WSASendTo,WSARecvFrom") == 0,
          "got %s", text == NULL ? "(null)" : text);
}

static jint udp_bound(int ipv6, jbyteArray addr) {
    jint fd = DN(newSocket, ipv6);
    if (fd <= 0) {
        return fd;
    }
    jint rc = SN(bind, fd, ipv6, addr);
    if (rc == 0) {
        rc = SN(localAddress, fd, addr);
    }
    return rc == 0 ? fd : rc;
}

static void check_round_trips(jlong p, jint a, jbyteArray aa, jint b, jbyteArray ba) {
    char t1[64], t2[64];
    jint err;
    rx r = rx_new();
    check_eq("recv with nothing waiting returns 0 (not -EAGAIN)",
             DN(recv, b, JNI_FALSE, ADDR(r.pk), SLOTS, ADDR(r.iov), SLOTS), 0);

    pollen_dgram_packet *pk = calloc(4, sizeof(pollen_dgram_packet));
    iov_pair *iov = calloc(8, sizeof(iov_pair));
    memcpy(pk[0].addr, fake_jni_bytes(ba), POLLEN_ADDR_SIZE);
    pk[0].iov_index = 0;
    pk[0].iov_count = 1;
    iov[0].base = "datagram";
    iov[0].len = 8;
    check_eq("send of one datagram returns 1", DN(send, a, JNI_FALSE, ADDR(pk), 1, ADDR(iov), 1), 1);
    check_eq("the send record's length is 8", pk[0].length, 8);
    int got = rx_wait(p, b, &r, 1, &err);
    check("the receiver gets one datagram", got == 1, "got %d (error %ld)", got, (long) err);
    jbyteArray sender = fake_jni_new_bytes(POLLEN_ADDR_SIZE);
    memcpy(fake_jni_bytes(sender), r.pk[0].addr, POLLEN_ADDR_SIZE);
    check("its record: length 8, no flags, the bytes sent", r.pk[0].length == 8 && r.pk[0].flags == 0
          && memcmp(r.buf, "datagram", 8) == 0, "length %ld, flags 0x%lx", (long) r.pk[0].length,
          (unsigned long) r.pk[0].flags);
    check("its record names the sender's address", addr_equal(sender, aa), "got %s, sender is %s",
          addr_str(sender, t1, sizeof(t1)), addr_str(aa, t2, sizeof(t2)));

    /* Three datagrams in one call, each gathered from two buffers. */
    static const char *const parts[6] = { "one-", "A", "two-", "BB", "three-", "CCC" };
    for (int i = 0; i < 3; i++) {
        memcpy(pk[i].addr, fake_jni_bytes(ba), POLLEN_ADDR_SIZE);
        pk[i].iov_index = (uint32_t) (2 * i);
        pk[i].iov_count = 2;
        pk[i].length = 0;
        iov[2 * i].base = (void *) parts[2 * i];
        iov[2 * i].len = strlen(parts[2 * i]);
        iov[2 * i + 1].base = (void *) parts[2 * i + 1];
        iov[2 * i + 1].len = strlen(parts[2 * i + 1]);
    }
    check_eq("a batch of three gathered datagrams returns 3", DN(send, a, JNI_FALSE, ADDR(pk), 3, ADDR(iov), 6), 3);
    check("each send record holds its datagram's length", pk[0].length == 5 && pk[1].length == 6 && pk[2].length == 9,
          "lengths %ld %ld %ld", (long) pk[0].length, (long) pk[1].length, (long) pk[2].length);
    r = rx_new();
    got = rx_wait(p, b, &r, 3, &err);
    check("all three arrive, in order, each in its own record",
          got == 3 && r.pk[0].length == 5 && memcmp(r.buf, "one-A", 5) == 0 && r.pk[1].length == 6
              && memcmp(r.buf + SLOT_SIZE, "two-BB", 6) == 0 && r.pk[2].length == 9
              && memcmp(r.buf + 2 * SLOT_SIZE, "three-CCC", 9) == 0,
          "got %d (error %ld)", got, (long) err);

    /* A datagram larger than its buffers. */
    unsigned char *big = malloc(100);
    for (int i = 0; i < 100; i++) {
        big[i] = (unsigned char) i;
    }
    iov[0].base = big;
    iov[0].len = 100;
    pk[0].iov_index = 0;
    pk[0].iov_count = 1;
    DN(send, a, JNI_FALSE, ADDR(pk), 1, ADDR(iov), 1);
    r = rx_new();
    r.iov[0].len = 10;
    got = rx_wait(p, b, &r, 1, &err);
    check("a 100-byte datagram into 10 bytes: length 10, TRUNCATED, the first 10 bytes",
          got == 1 && r.pk[0].length == 10 && (r.pk[0].flags & POLLEN_DGRAM_F_TRUNCATED) && memcmp(r.buf, big, 10) == 0,
          "got %d (error %ld), length %ld, flags 0x%lx", got, (long) err, (long) r.pk[0].length,
          (unsigned long) r.pk[0].flags);
    iov[0].base = "after";
    iov[0].len = 5;
    DN(send, a, JNI_FALSE, ADDR(pk), 1, ADDR(iov), 1);
    r = rx_new();
    got = rx_wait(p, b, &r, 1, &err);
    check("the next datagram arrives whole, without TRUNCATED",
          got == 1 && r.pk[0].length == 5 && r.pk[0].flags == 0 && memcmp(r.buf, "after", 5) == 0,
          "got %d (error %ld), length %ld, flags 0x%lx", got, (long) err, (long) r.pk[0].length,
          (unsigned long) r.pk[0].flags);

    /* Records that do not fit the table, and empty batches. */
    pk[0].iov_index = 5;
    pk[0].iov_count = 1;
    check_err("a send record pointing past the iovec table is -EINVAL",
              DN(send, a, JNI_FALSE, ADDR(pk), 1, ADDR(iov), 1), E(EINVAL));
    pk[0].iov_index = 0;
    pk[0].iov_count = 3;
    check_err("a send record with more iovecs than the table is -EINVAL",
              DN(send, a, JNI_FALSE, ADDR(pk), 1, ADDR(iov), 2), E(EINVAL));
    check_err("send of 0 datagrams is -EINVAL", DN(send, a, JNI_FALSE, ADDR(pk), 0, ADDR(iov), 1), E(EINVAL));
    check_err("recv of 0 datagrams is -EINVAL", DN(recv, b, JNI_FALSE, ADDR(r.pk), 0, ADDR(r.iov), SLOTS), E(EINVAL));
    check_err("recv with an empty iovec table is -EINVAL", DN(recv, b, JNI_FALSE, ADDR(r.pk), 1, ADDR(r.iov), 0),
              E(EINVAL));
    memset(pk[0].addr, 0, POLLEN_ADDR_SIZE);
    pk[0].iov_count = 1;
    jintArray lay = DN0(layout);
    int edestaddrreq = fake_jni_ints(lay)[16];
    check_err("send without a destination on an unconnected socket is -EDESTADDRREQ (layout's value)",
              DN(send, a, JNI_FALSE, ADDR(pk), 1, ADDR(iov), 1), edestaddrreq);
    check_eq("that error names WSASendTo in the first record", (jint) pk[0].call, POLLEN_DGRAM_CALL_WSASENDTO);

    /* Connected: no destination needed; disconnect undoes it. */
    jint rc = SN(connect, a, JNI_FALSE, ba);
    check_eq("NativeSocket.connect of a UDP socket returns 1", rc, 1);
    iov[0].base = "conn";
    iov[0].len = 4;
    check_eq("a connected socket sends without a destination", DN(send, a, JNI_FALSE, ADDR(pk), 1, ADDR(iov), 1), 1);
    r = rx_new();
    got = rx_wait(p, b, &r, 1, &err);
    check("the peer receives it", got == 1 && r.pk[0].length == 4 && memcmp(r.buf, "conn", 4) == 0, "got %d", got);
    jbyteArray remote = fake_jni_new_bytes(POLLEN_ADDR_SIZE);
    check("remoteAddress of the connected UDP socket is the peer", SN(remoteAddress, a, remote) == 0
          && addr_equal(remote, ba), "got %s", addr_str(remote, t1, sizeof(t1)));
    check_eq("disconnect returns 0", DN(disconnect, a), 0);
    if (!host_under_wine()) {
        check_err("after disconnect a send without a destination is -EDESTADDRREQ again",
                  DN(send, a, JNI_FALSE, ADDR(pk), 1, ADDR(iov), 1), edestaddrreq);
        check_eq("takeError of a healthy socket is 0", DN(takeError, a), 0);
    } else {
        /*
         * Windows disconnects a UDP socket by connecting it to the all-zero address; Wine hands
         * that to Linux, which keeps the socket "connected" to 0.0.0.0:0. The disconnect still
         * succeeded (checked above) and the socket keeps its port; a send without a destination
         * goes to 0.0.0.0:0 there, and its ICMP error stays in SO_ERROR, so takeError is not checked.
         */
        check_eq("after disconnect (Wine) a send without a destination goes to 0.0.0.0:0",
                 DN(send, a, JNI_FALSE, ADDR(pk), 1, ADDR(iov), 1), 1);
        jbyteArray local = fake_jni_new_bytes(POLLEN_ADDR_SIZE);
        check("after disconnect (Wine) the socket keeps its local port", SN(localAddress, a, local) == 0
              && addr_port(local) != 0, "port %d", addr_port(local));
    }
    free(big);
    free(pk);
    free(iov);
}

/* A connected UDP socket hears of an ICMP port unreachable as ECONNREFUSED, as on POSIX. */
static void check_icmp(jlong p) {
    pollen_event ev[8];
    jbyteArray closed = addr4(127, 0, 0, 1, 0);
    jint tmp = udp_bound(0, closed);
    SN(close, tmp);
    jbyteArray mine = addr4(127, 0, 0, 1, 0);
    jint s = udp_bound(0, mine);
    check_eq("connect of a UDP socket to a closed port returns 1", SN(connect, s, JNI_FALSE, closed), 1);
    pollen_dgram_packet *pk = calloc(1, sizeof(pollen_dgram_packet));
    iov_pair *iov = calloc(1, sizeof(iov_pair));
    iov[0].base = "ping";
    iov[0].len = 4;
    pk[0].iov_count = 1;
    check_eq("send to the closed port returns 1", DN(send, s, JNI_FALSE, ADDR(pk), 1, ADDR(iov), 1), 1);
    /* The ICMP answer arrives asynchronously: look for it for up to 5 s. */
    PN(pollerCtl, p, POLLEN_CTL_ADD, s, POLLEN_INTEREST_READ, T_A);
    rx x = rx_new();
    jint rc = 0, taken = 0;
    unsigned ready = 0;
    for (int round = 0; round < 50 && rc != -E(ECONNREFUSED) && taken != -E(ECONNREFUSED); round++) {
        ready |= ready_within(p, ev, 8, T_A, 100);
        rc = DN(recv, s, JNI_FALSE, ADDR(x.pk), 1, ADDR(x.iov), SLOTS);
        taken = rc == -E(ECONNREFUSED) ? 0 : DN(takeError, s);
    }
    PN(pollerCtl, p, POLLEN_CTL_DEL, s, 0, 0);
    printf("  (ICMP: poller readiness 0x%x, recv %ld, takeError %ld)\n", ready, (long) rc, (long) taken);
    check("the ICMP error surfaces as -ECONNREFUSED (from recv or takeError)",
          rc == -E(ECONNREFUSED) || taken == -E(ECONNREFUSED), "recv %ld, takeError %ld", (long) rc, (long) taken);
    SN(close, s);
    free(pk);
    free(iov);
}

static int dget(jint fd, int option, jint *v) {
    jintArray out = fake_jni_new_ints(1);
    jint rc = DN(getOption, fd, JNI_FALSE, option, out);
    *v = fake_jni_ints(out)[0];
    return rc;
}

static void check_options(jint a) {
    char label[128];
    jint v = -1;
    check("MULTICAST_LOOP set 0 reads back 0", DN(setOption, a, JNI_FALSE, POLLEN_DGRAM_MULTICAST_LOOP, 0) == 0
          && dget(a, POLLEN_DGRAM_MULTICAST_LOOP, &v) == 0 && v == 0, "value %ld", (long) v);
    check("MULTICAST_LOOP set 1 reads back 1", DN(setOption, a, JNI_FALSE, POLLEN_DGRAM_MULTICAST_LOOP, 1) == 0
          && dget(a, POLLEN_DGRAM_MULTICAST_LOOP, &v) == 0 && v == 1, "value %ld", (long) v);
    check("MULTICAST_TTL set 7 reads back 7", DN(setOption, a, JNI_FALSE, POLLEN_DGRAM_MULTICAST_TTL, 7) == 0
          && dget(a, POLLEN_DGRAM_MULTICAST_TTL, &v) == 0 && v == 7, "value %ld", (long) v);
    check_err("MULTICAST_TTL 300 is -EINVAL", DN(setOption, a, JNI_FALSE, POLLEN_DGRAM_MULTICAST_TTL, 300), E(EINVAL));
    for (int option = POLLEN_DGRAM_MULTICAST_ALL; option <= POLLEN_DGRAM_OPTION_MAX + 1; option++) {
        jint rc = DN(setOption, a, JNI_FALSE, option, 1);
        jint rc2 = dget(a, option, &v);
        snprintf(label, sizeof(label), "datagram option %d (Linux-only or unknown): -ENOPROTOOPT", option);
        check(label, rc == -E(ENOPROTOOPT) && rc2 == -E(ENOPROTOOPT), "set %ld, get %ld", (long) rc, (long) rc2);
    }
    check_err("datagram getOption into an empty int[] is -EINVAL",
              DN(getOption, a, JNI_FALSE, POLLEN_DGRAM_MULTICAST_TTL, fake_jni_new_ints(0)), E(EINVAL));
    check("probe: no GSO, GRO or multi-message calls on Windows",
          DN(probe, POLLEN_DGRAM_CAP_GSO) == 0 && DN(probe, POLLEN_DGRAM_CAP_GRO) == 0 && DN(probe, POLLEN_DGRAM_CAP_MMSG) == 0,
          "GSO %ld GRO %ld MMSG %ld", (long) DN(probe, POLLEN_DGRAM_CAP_GSO), (long) DN(probe, POLLEN_DGRAM_CAP_GRO),
          (long) DN(probe, POLLEN_DGRAM_CAP_MMSG));

    jbyteArray group = addr4(239, 1, 2, 3, 0), shortg = fake_jni_new_bytes(4);
    check_err("membership with a null group is -EINVAL", DN(membership, a, JNI_FALSE, JNI_TRUE, NULL, 0, NULL), E(EINVAL));
    check_err("membership with a short group array is -EINVAL",
              DN(membership, a, JNI_FALSE, JNI_TRUE, shortg, 0, NULL), E(EINVAL));
    check_err("membership with a short source array is -EINVAL",
              DN(membership, a, JNI_FALSE, JNI_TRUE, group, 0, shortg), E(EINVAL));
    check_err("membership of an IPv6 group on an IPv4 socket is -EAFNOSUPPORT",
              DN(membership, a, JNI_FALSE, JNI_TRUE, addr6_loopback(0), 0, NULL), E(EAFNOSUPPORT));
    check_err("block without a source is -EINVAL", DN(block, a, JNI_FALSE, JNI_TRUE, group, 0, NULL), E(EINVAL));
    check_err("getMulticastIf into a short array is -EINVAL", DN(getMulticastIf, a, JNI_FALSE, shortg), E(EINVAL));
    check_err("setMulticastIf with a short address array is -EINVAL", DN(setMulticastIf, a, JNI_FALSE, 0, shortg),
              E(EINVAL));
    jbyteArray lo = addr4(127, 0, 0, 1, 0);
    check_eq("setMulticastIf(127.0.0.1) returns 0", DN(setMulticastIf, a, JNI_FALSE, 0, lo), 0);
    jbyteArray out = fake_jni_new_bytes(POLLEN_ADDR_SIZE);
    jint rc = DN(getMulticastIf, a, JNI_FALSE, out);
    const unsigned char *o = (const unsigned char *) fake_jni_bytes(out);
    check("getMulticastIf reads back 127.0.0.1", rc == 0 && o[0] == 4 && o[1] == 127 && o[4] == 1, "returned %ld, %d.%d.%d.%d",
          (long) rc, o[1], o[2], o[3], o[4]);
}

static void check_ipv6(jlong p) {
    char t1[64];
    jint err;
    if (!SN0(ipv6Supported)) {
        check("ipv6Supported", 0, "no IPv6 on this host");
        return;
    }
    jbyteArray xa = addr6_loopback(0), ya = addr6_any(0);
    jint x = udp_bound(1, xa);
    jint y = udp_bound(1, ya);
    if (!check("two IPv6 UDP sockets, on [::1] and [::]", x > 0 && y > 0, "%ld, %ld", (long) x, (long) y)) {
        return;
    }
    pollen_dgram_packet *pk = calloc(1, sizeof(pollen_dgram_packet));
    iov_pair *iov = calloc(1, sizeof(iov_pair));
    iov[0].base = "v6";
    iov[0].len = 2;
    pk[0].iov_count = 1;
    jbyteArray to = addr6_loopback(addr_port(ya));
    memcpy(pk[0].addr, fake_jni_bytes(to), POLLEN_ADDR_SIZE);
    check_eq("IPv6 send returns 1", DN(send, x, JNI_TRUE, ADDR(pk), 1, ADDR(iov), 1), 1);
    rx r = rx_new();
    PN(pollerCtl, p, POLLEN_CTL_ADD, y, POLLEN_INTEREST_READ, T_B);
    pollen_event ev[8];
    int got = 0;
    for (int round = 0; round < 50 && got == 0; round++) {
        got = DN(recv, y, JNI_TRUE, ADDR(r.pk), 1, ADDR(r.iov), SLOTS);
        if (got == 0) {
            wait_token(p, ev, 8, T_B);
        }
    }
    jbyteArray from = fake_jni_new_bytes(POLLEN_ADDR_SIZE);
    memcpy(fake_jni_bytes(from), r.pk[0].addr, POLLEN_ADDR_SIZE);
    check("an IPv6 datagram arrives with an IPv6 sender address", got == 1 && r.pk[0].length == 2
          && addr_equal(from, xa), "got %d, from %s", got, addr_str(from, t1, sizeof(t1)));

    /* An IPv4 sender to the dual-stack socket: its address comes back as IPv4. */
    jbyteArray va = addr4(127, 0, 0, 1, 0);
    jint v4 = udp_bound(0, va);
    jbyteArray to4 = addr4(127, 0, 0, 1, addr_port(ya));
    memcpy(pk[0].addr, fake_jni_bytes(to4), POLLEN_ADDR_SIZE);
    check_eq("IPv4 send to the dual-stack socket returns 1", DN(send, v4, JNI_FALSE, ADDR(pk), 1, ADDR(iov), 1), 1);
    r = rx_new();
    got = 0;
    err = 0;
    for (int round = 0; round < 50 && got == 0; round++) {
        got = DN(recv, y, JNI_TRUE, ADDR(r.pk), 1, ADDR(r.iov), SLOTS);
        if (got == 0) {
            wait_token(p, ev, 8, T_B);
        } else if (got < 0) {
            err = got;
        }
    }
    PN(pollerCtl, p, POLLEN_CTL_DEL, y, 0, 0);
    memcpy(fake_jni_bytes(from), r.pk[0].addr, POLLEN_ADDR_SIZE);
    check("the dual-stack socket reports the IPv4 sender as IPv4 (not IPv4-mapped)",
          got == 1 && addr_equal(from, va), "got %d (error %ld), from %s", got, (long) err,
          addr_str(from, t1, sizeof(t1)));
    SN(close, x);
    SN(close, y);
    SN(close, v4);
    free(pk);
    free(iov);
}

void area_dgram(void) {
    host_lib lib;
    if (host_setup(&lib) < 0) {
        return;
    }
    check_layout();
    jlong p = PN(pollerCreate, 8);
    jbyteArray aa = addr4(127, 0, 0, 1, 0), ba = addr4(127, 0, 0, 1, 0);
    jint a = udp_bound(0, aa);
    jint b = udp_bound(0, ba);
    if (!check("two UDP sockets from newSocket, bound with NativeSocket.bind to 127.0.0.1", p > 0 && a > 0 && b > 0,
               "poller %lld, sockets %ld and %ld", (long long) p, (long) a, (long) b)) {
        return;
    }
    check_round_trips(p, a, aa, b, ba);
    check_icmp(p);
    check_options(a);
    check_ipv6(p);
    check_eq("close of the UDP sockets returns 0", SN(close, a) | SN(close, b), 0);
    check_eq("pollerClose returns 0", PN(pollerClose, p), 0);
    check_jni_clean("dgram");
}
