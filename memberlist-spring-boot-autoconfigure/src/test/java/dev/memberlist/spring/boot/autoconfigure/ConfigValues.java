package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.engine.Config;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** Every value a {@link Config} exposes through its getters, for comparing two configs whole. */
final class ConfigValues {

    private ConfigValues() {}

    static Map<String, Object> of(Config config) {
        Map<String, Object> values = new TreeMap<>();
        for (Method m : Config.class.getMethods()) {
            boolean getter = (m.getName().startsWith("get") || m.getName().startsWith("is"))
                    && m.getParameterCount() == 0
                    && !Modifier.isStatic(m.getModifiers())
                    && m.getDeclaringClass() == Config.class;
            if (!getter) {
                continue;
            }
            try {
                Object value = m.invoke(config);
                values.put(m.getName(), (value instanceof byte[] bytes) ? Arrays.toString(bytes) : value);
            } catch (IllegalAccessException | InvocationTargetException ex) {
                throw new IllegalStateException(ex);
            }
        }
        return values;
    }
}
