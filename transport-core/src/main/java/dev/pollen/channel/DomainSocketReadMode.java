package dev.pollen.channel;


/** What a Unix domain stream channel reads: bytes, or file descriptors passed by the peer (SCM_RIGHTS). */
public enum DomainSocketReadMode {
    BYTES,
    FILE_DESCRIPTORS
}
