package dev.memberlist.engine.wire;

import java.util.function.Predicate;

/**
 * The receiver's test of which alive node states of a push-pull it already has, so that its
 * reader may leave them out ({@link PushPull#skipped()}).
 */
@FunctionalInterface
public interface StaleStates {
    /**
     * The test for one push-pull, or null to keep every state (a join whose states a merge
     * delegate must see whole).
     *
     * @param join whether the push-pull is a join
     */
    Predicate<AliveView> forPushPull(boolean join);
}
