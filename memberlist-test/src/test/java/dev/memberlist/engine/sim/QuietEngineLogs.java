package dev.memberlist.engine.sim;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Raises the engine's log level to ERROR for a test class: at scale, or with slow members,
 * every refuted accusation is a WARN, thousands of lines a run. Restores the level after.
 */
public final class QuietEngineLogs implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(QuietEngineLogs.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Logger engine = (Logger) LoggerFactory.getLogger("dev.memberlist.engine");
        context.getStore(NS).put("previous", new Level[] {engine.getLevel()});
        engine.setLevel(Level.ERROR);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Level[] previous = context.getStore(NS).get("previous", Level[].class);
        ((Logger) LoggerFactory.getLogger("dev.memberlist.engine")).setLevel(previous == null ? null : previous[0]);
    }
}
