package dev.cairn.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The batching thread behind the usage ledger and the feedback index. */
@Timeout(30)
class BatchWriterTest {

    @Test
    void writesWhatQueuedWhileItWasBusyAsOneBatchInOrder() throws Exception {
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BatchWriter<Integer> writer = new BatchWriter<>("test-writer", 1000, 50, Duration.ZERO, batch -> {
            if (batches.isEmpty()) {
                busy.countDown();
                release.await();
            }
            batches.add(List.copyOf(batch));
        });
        writer.submit(0);
        busy.await();
        for (int i = 1; i <= 120; i++) {
            writer.submit(i);
        }
        release.countDown();
        writer.flush(Duration.ofSeconds(10));

        assertThat(batches).extracting(List::size).containsExactly(1, 50, 50, 20);
        List<Integer> all = new ArrayList<>();
        batches.forEach(all::addAll);
        assertThat(all).isSorted().hasSize(121);
        writer.close();
    }

    @Test
    void aBatchThatThrowsIsCountedDoneAndLaterOnesAreStillWritten() throws Exception {
        List<Integer> written = new CopyOnWriteArrayList<>();
        BatchWriter<Integer> writer = new BatchWriter<>("test-writer", 100, 10, Duration.ZERO, batch -> {
            if (batch.contains(1)) {
                throw new IllegalStateException("disk full");
            }
            written.addAll(batch);
        });
        writer.submit(1);
        writer.flush(Duration.ofSeconds(10));
        writer.submit(2);
        writer.flush(Duration.ofSeconds(10));

        assertThat(written).containsExactly(2);
        writer.close();
    }

    @Test
    void closingWritesWhatIsQueuedThenRefusesMore() throws Exception {
        List<Integer> written = new CopyOnWriteArrayList<>();
        BatchWriter<Integer> writer = new BatchWriter<>("test-writer", 1000, 100, Duration.ofMillis(200), written::addAll);
        for (int i = 0; i < 500; i++) {
            writer.submit(i);
        }
        writer.close();

        assertThat(written).hasSize(500);
        assertThatThrownBy(() -> writer.submit(501)).isInstanceOf(IllegalStateException.class);
    }
}
