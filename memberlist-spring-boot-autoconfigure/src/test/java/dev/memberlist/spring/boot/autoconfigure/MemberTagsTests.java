package dev.memberlist.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link MemberTags}. */
class MemberTagsTests {

    @Test
    void roundTrip() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("zone", "eu-1");
        tags.put("version", "1.2.3");
        tags.put("long", "x".repeat(40));
        assertThat(MemberTags.decode(MemberTags.encode(tags))).contains(tags);
    }

    @Test
    void writesOldSpecRawStrings() {
        // Go's msgpack of memberlist's era knows no str8 (0xd9): a 40-byte string is raw16 (0xda)
        byte[] meta = MemberTags.encode(Map.of("k", "x".repeat(40)));
        assertThat(meta[0]).isEqualTo((byte) 0x81);
        assertThat(meta[1]).isEqualTo((byte) 0xa1);
        assertThat(meta[3]).isEqualTo((byte) 0xda);
    }

    @Test
    void noTagsIsNoMetadata() {
        assertThat(MemberTags.encode(Map.of())).isEmpty();
        assertThat(MemberTags.decode(new byte[0])).contains(Map.of());
        assertThat(MemberTags.decode(null)).contains(Map.of());
    }

    @Test
    void otherMetadataIsNotTags() {
        assertThat(MemberTags.decode("role=web".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(MemberTags.decode(new byte[] {(byte) 0x81, (byte) 0xa1, 'k'}))
                .isEmpty();
        byte[] trailing = MemberTags.encode(Map.of("k", "v"));
        byte[] longer = java.util.Arrays.copyOf(trailing, trailing.length + 1);
        assertThat(MemberTags.decode(longer)).isEmpty();
    }
}
