package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.spring.boot.event.MemberEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.event.EventListener;

/** Records every membership event a context publishes, with the thread it was heard on. */
public class EventLog {

    /** One event and the listener's thread. */
    public record Entry(MemberEvent event, String thread) {}

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    @EventListener
    void on(MemberEvent event) {
        this.entries.add(new Entry(event, Thread.currentThread().getName()));
    }

    public List<Entry> entries() {
        return List.copyOf(this.entries);
    }

    /** Whether an event of that type about that node was heard. */
    public boolean heard(Class<? extends MemberEvent> type, String node) {
        return this.entries.stream()
                .anyMatch((e) ->
                        type.isInstance(e.event()) && e.event().getNode().name().equals(node));
    }

    /** The names of the threads listeners ran on. */
    public List<String> threads() {
        return this.entries.stream().map(Entry::thread).distinct().toList();
    }
}
