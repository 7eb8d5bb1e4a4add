package dev.cairn.limits;

/** What one request takes from (or, negative, gives back to) one bucket. */
record Draw(Bucket bucket, long amount) {
}
