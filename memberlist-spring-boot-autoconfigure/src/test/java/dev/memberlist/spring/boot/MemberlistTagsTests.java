package dev.memberlist.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link MemberlistTags}. */
class MemberlistTagsTests {

    @Test
    void roundTrip() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("zone", "eu-1");
        tags.put("version", "1.2.3");
        tags.put("long", "x".repeat(40));
        assertThat(MemberlistTags.decode(MemberlistTags.encode(tags))).contains(tags);
    }

    @Test
    void writesOldSpecRawStrings() {
        // Go's msgpack of memberlist's era knows no str8 (0xd9): a 40-byte string is raw16 (0xda)
        byte[] meta = MemberlistTags.encode(Map.of("k", "x".repeat(40)));
        assertThat(meta[0]).isEqualTo((byte) 0x81);
        assertThat(meta[1]).isEqualTo((byte) 0xa1);
        assertThat(meta[3]).isEqualTo((byte) 0xda);
    }

    @Test
    void noTagsIsNoMetadata() {
        assertThat(MemberlistTags.encode(Map.of())).isEmpty();
        assertThat(MemberlistTags.decode(new byte[0])).contains(Map.of());
        assertThat(MemberlistTags.decode(null)).contains(Map.of());
    }

    @Test
    void otherMetadataIsNotTags() {
        assertThat(MemberlistTags.decode("role=web".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(MemberlistTags.decode(new byte[] {(byte) 0x81, (byte) 0xa1, 'k'}))
                .isEmpty();
        byte[] trailing = MemberlistTags.encode(Map.of("k", "v"));
        byte[] longer = java.util.Arrays.copyOf(trailing, trailing.length + 1);
        assertThat(MemberlistTags.decode(longer)).isEmpty();
    }
}
