package io.connectionrelay.deliver.email;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends a closing window's digests several at a time (relay.email.concurrency): each SMTP
 * conversation is a few round trips, so one at a time, 200 managers wait on 200 x those round
 * trips. Closing the window still waits ({@link #awaitSent}) until every digest is sent or
 * dead-lettered, so a cycle's end has delivered its digests when it returns and a one-shot run's
 * idle wait cannot miss one. Each digest runs in the aggregator's unit of work as before, so the
 * state database keeps a closed digest until it is sent.
 */
public final class DigestSenders extends AbstractExecutorService {

    private final ExecutorService threads;
    private int pending;

    public DigestSenders(ExecutorService threads) {
        this.threads = threads;
    }

    @Override
    public void execute(Runnable digest) {
        synchronized (this) {
            pending++;
        }
        try {
            threads.execute(() -> {
                try {
                    digest.run();
                } finally {
                    done();
                }
            });
        } catch (RuntimeException rejected) {
            done();
            throw rejected;
        }
    }

    /** Returns once every digest handed over so far is sent or dead-lettered. */
    public synchronized void awaitSent() throws InterruptedException {
        while (pending > 0) {
            wait();
        }
    }

    private synchronized void done() {
        pending--;
        notifyAll();
    }

    @Override
    public void shutdown() {
        threads.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return threads.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return threads.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return threads.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return threads.awaitTermination(timeout, unit);
    }
}
