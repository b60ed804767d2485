package dev.memberlist.engine.wire;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The wire vectors written by Go memberlist 0.2.2 itself (interop/go-peer/vectors). */
final class GoVectors {
    static final String FILE = "interop/go-peer/vectors/go-memberlist-0.2.2.jsonl";
    static final String NEWER_FILE = "interop/go-wire-newer/go-memberlist-0.5.3.jsonl";
    static final HexFormat HEX = HexFormat.of();

    private static Map<String, JsonNode> all;
    private static Map<String, JsonNode> newer;

    private GoVectors() {}

    /** Every vector by name, in file order. */
    static synchronized Map<String, JsonNode> all() {
        if (all == null) {
            all = load(FILE);
        }
        return all;
    }

    /** The same vector set written by Go memberlist 0.5.3 (interop/go-wire-newer), by name. */
    static synchronized Map<String, JsonNode> newer() {
        if (newer == null) {
            newer = load(NEWER_FILE);
        }
        return newer;
    }

    private static Map<String, JsonNode> load(String relative) {
        String root = System.getProperty("memberlist.root");
        if (root == null || root.isEmpty()) {
            fail("system property memberlist.root is not set; run through Maven (surefire sets it to the"
                    + " reactor root) or pass -Dmemberlist.root=/path/to/reactor");
        }
        Path file = Path.of(root).resolve(relative);
        if (!Files.isRegularFile(file)) {
            fail("Go test vectors not found at " + file + " (memberlist.root=" + root + ")");
        }
        JsonMapper mapper = JsonMapper.builder().build();
        Map<String, JsonNode> m = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    JsonNode v = mapper.readTree(line);
                    m.put(v.get("name").asString(), v);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
        return m;
    }

    static List<String> names() {
        return new ArrayList<>(all().keySet());
    }

    static byte[] hex(JsonNode v, String field) {
        JsonNode n = v.get(field);
        return n == null || n.isNull() ? new byte[0] : HEX.parseHex(n.asString());
    }

    /** A Go []byte as encoding/json writes it: base64, or null for nil. */
    static byte[] b64(JsonNode fields, String name) {
        JsonNode n = fields.get(name);
        return n == null || n.isNull() ? null : Base64.getDecoder().decode(n.asString());
    }

    static String str(JsonNode fields, String name) {
        JsonNode n = fields.get(name);
        return n == null || n.isNull() ? "" : n.asString();
    }
}
