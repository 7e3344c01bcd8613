package dev.pontoon.s3dest.priming;

import dev.pontoon.s3dest.s3.S3ClientFactory;
import dev.pontoon.s3dest.transfer.TransferConfig;
import dev.pontoon.s3dest.transfer.TransferService;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Priming for SnapStart: before the snapshot is taken, the function rehearses its own work in memory — the
 * handler reads events, the transfer decodes inline rows and staged JSONL and CSV, writes Parquet with each codec
 * through multipart and single uploads, writes the manifest and the result; the connection test runs its checks —
 * so the snapshot holds the S3 SDK, Jackson, parquet-java and this code loaded, initialised and compiled, and the
 * first invocation after a restore does not pay for them. The S3 client sends through {@link RehearsalHttpClient}:
 * nothing leaves the process, no credential is real, no log line or metric claims a transfer. This class is the
 * lifecycle; {@link Rehearsal} is the script and {@link RehearsalEvents} its events.
 *
 * <p>{@code s3dest.prime}: {@code snapshot} (default) rehearses in the CRaC {@code beforeCheckpoint} hook, which
 * only SnapStart calls, so a function without SnapStart pays nothing; {@code init} rehearses at startup (the
 * init phase, before the first event); {@code train} rehearses at startup and exits (the training run of a JDK AOT
 * cache); {@code off} never. A failed rehearsal is logged and never fails the start.
 */
@ApplicationScoped
public class Priming implements Resource {
    private static final Logger LOG = Logger.getLogger(Priming.class);

    @Inject
    TransferService transfers;

    @Inject
    S3ClientFactory clients;

    @Inject
    TransferConfig config;

    @ConfigProperty(name = "quarkus.lambda.handler", defaultValue = "transfer")
    String handler;

    void onStart(@Observes StartupEvent event) {
        LOG.infof("jvm: %s", JvmFlags.describe());
        switch (config.prime()) {
            case SNAPSHOT -> Core.getGlobalContext().register(this); // this bean lives as long as the application
            case INIT -> rehearseAndLog("at init");
            case TRAIN -> {
                // A training run for a JDK AOT cache (-XX:AOTCacheOutput): the rehearsal loads and profiles what a
                // first call needs, with no network and no event; the cache is written when the JVM exits.
                rehearseAndLog("for an AOT cache");
                Quarkus.asyncExit(0);
            }
            case OFF -> {}
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        rehearseAndLog("before the snapshot");
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // nothing to renew: the rehearsal opened no connection and left no state behind
    }

    private void rehearseAndLog(String when) {
        try {
            Rehearsal.Report r = Rehearsal.rehearse(transfers, clients, handler);
            LOG.infof(
                    "primed %s: rehearsed the %s function in memory in %d ms (%d rows, %d S3 calls answered in "
                            + "memory, nothing sent)",
                    when, handler, r.millis(), r.rows(), r.requests());
        } catch (Exception | LinkageError e) {
            LOG.warnf(e, "priming %s failed; the function works, its first call is only slower", when);
        }
    }
}
