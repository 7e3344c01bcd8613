package dev.pontoon.s3dest.event;

/**
 * The connection test's input (SPEC §5).
 *
 * @param staging where staged source files are read from, to probe reading them; null to skip that probe
 */
public record ConnectionTestEvent(DestinationConfig destination, StagingPrefix staging) {}
