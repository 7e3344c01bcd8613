package dev.pontoon.s3dest.event;

/** One data file written: its key, rows and size in bytes. */
public record FileResult(String key, long rows, long bytes) {}
