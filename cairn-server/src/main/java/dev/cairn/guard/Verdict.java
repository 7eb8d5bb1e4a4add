package dev.cairn.guard;

/** A finding and what the workspace's policy does about it. */
public record Verdict(Finding finding, Action action) {
}
