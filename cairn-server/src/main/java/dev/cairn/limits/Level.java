package dev.cairn.limits;

/**
 * A bucket as one request left it (or found it, when refused): whole units left, microseconds until
 * it is full again, and how long this request would have to wait for its units (0 when it got them).
 */
record Level(Bucket bucket, long remaining, long resetMicros, long waitMicros) {
}
