package dev.memberlist.bench.peer;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Go's {@code flag} syntax: {@code -name value}, {@code -name=value}, {@code --name}; booleans
 * take {@code -name} or {@code -name=false}, never {@code -name false}.
 */
final class Flags {
    private final Map<String, String> values = new HashMap<>();

    Flags(String[] args, Set<String> booleans, Set<String> known) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-")) {
                throw new IllegalArgumentException("unexpected argument: " + a);
            }
            String name = a.startsWith("--") ? a.substring(2) : a.substring(1);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (booleans.contains(name)) {
                value = "true";
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("flag needs an argument: -" + name);
                }
                value = args[++i];
            }
            if (!known.contains(name)) {
                throw new IllegalArgumentException("flag provided but not defined: -" + name);
            }
            values.put(name, value);
        }
    }

    String string(String name, String def) {
        return values.getOrDefault(name, def);
    }

    int integer(String name, int def) {
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid value \"" + v + "\" for flag -" + name);
        }
    }

    boolean bool(String name, boolean def) {
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "t" -> true;
            case "false", "0", "f" -> false;
            default -> throw new IllegalArgumentException("invalid boolean value \"" + v + "\" for flag -" + name);
        };
    }
}
