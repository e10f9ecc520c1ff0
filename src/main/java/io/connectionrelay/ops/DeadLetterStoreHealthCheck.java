package io.connectionrelay.ops;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: DOWN while failures cannot be stored (the dead-letter store refuses a write, or the
 * last dead letter could not be written). A relay in that state would lose what fails, so an
 * orchestrator should know; restarting does not fix a full disk, so it is not a liveness check.
 */
public class DeadLetterStoreHealthCheck extends AbstractHealthCheck {

    private final Supplier<Optional<String>> problem;

    /** problem: why dead letters cannot be stored now, naming the setting that says where they go; empty when they can. */
    public DeadLetterStoreHealthCheck(Supplier<Optional<String>> problem) {
        super("relay", "relay-dead-letter-store");
        this.problem = problem;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        problem.get().ifPresentOrElse(
                why -> builder.message(why + ": failures are not being stored").down(),
                builder::up);
    }
}
