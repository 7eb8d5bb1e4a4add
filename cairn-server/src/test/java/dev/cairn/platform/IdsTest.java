package dev.cairn.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Ids sort in the order they were made, within one millisecond too, and look like ULIDs. */
class IdsTest {

    @Test
    void idsMadeInABurstSortInCreationOrder() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(Ids.newId("mem"));
        }
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(ids.getFirst()).matches("mem_[0-9A-HJKMNP-TV-Z]{26}");
    }

    @Test
    void theTimePartIsTheCurrentMillisecond() {
        long before = System.currentTimeMillis();
        String id = Ids.newId("key").substring(4, 14);
        long decoded = 0;
        for (char c : id.toCharArray()) {
            decoded = decoded * 32 + "0123456789ABCDEFGHJKMNPQRSTVWXYZ".indexOf(c);
        }
        assertThat(decoded).isBetween(before, System.currentTimeMillis() + 1);
    }
}
