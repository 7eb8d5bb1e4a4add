package dev.cairn.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.platform.JsonBodies;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The log figures of each section against a log written here entry by entry, so that every
 * expected number is known: what {@code cairn verify --report} recomputes is exactly this.
 */
class ReportComputationTest {

    private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-12-01T00:00:00Z");
    private final List<LoggedEntry> log = new ArrayList<>();
    /** The data key sealed entries name: a subject erased gets a new one. */
    private String dataKey = "dk_1";

    @Test
    void anAiActReportCountsTheEntriesOfItsPeriodAndWorkspaceOnly() {
        config("2026-10-31T23:00:00Z", "P30D");
        gateway("2026-11-01T00:00:00Z", "w", 200, "openai", "gpt-4o", "");
        gateway("2026-11-01T10:00:00Z", "w", 400, null, "gpt-4o", "{\"action\":\"block\",\"scanner\":\"injection\"}");
        gateway("2026-11-02T10:00:00Z", "other", 200, "openai", "gpt-4o", "");
        gateway("2026-11-02T11:00:00Z", "w", 502, "openai", "gpt-4o-mini", "{\"action\":\"flag\",\"scanner\":\"pii\",\"category\":\"email\"}");
        add("2026-11-03T00:00:00Z", "w", "feedback.comment", "{\"interaction_index\":2,\"given_by\":{\"key_id\":\"key_a\"}}", null);
        add("2026-11-30T23:59:59.999Z", "w", "dataset.built", "{\"dataset_id\":\"ds_1\",\"rows\":2,\"checkpoint\":{\"size\":5}}", null);
        gateway("2026-12-01T00:00:00Z", "w", 200, "openai", "gpt-4o", "");

        List<Section> sections = compute(new ReportScope(ReportKind.EU_AI_ACT, FROM, TO, "w", null), 0, 7);

        assertThat(value(sections, "art12.entries").asLong()).isEqualTo(5);
        assertThat(value(sections, "art12.by_type").toString())
                .isEqualTo("{\"dataset.built\":1,\"feedback.comment\":1,\"gateway.chat.completions\":3}");
        assertThat(value(sections, "art12.by_provider").toString()).isEqualTo("{\"none\":1,\"openai\":2}");
        assertThat(value(sections, "art12.by_outcome").toString()).isEqualTo("{\"blocked\":1,\"failed\":1,\"ok\":1}");
        assertThat(value(sections, "art12.daily").toString()).isEqualTo(
                "[{\"day\":\"2026-11-01\",\"requests\":2,\"ok\":1,\"client_error\":0,\"failed\":0,\"blocked\":1,\"flagged\":0},"
                        + "{\"day\":\"2026-11-02\",\"requests\":1,\"ok\":0,\"client_error\":0,\"failed\":1,\"blocked\":0,\"flagged\":1}]");
        assertThat(value(sections, "art14.reviewed").path("reviewed_by_a_human").asInt()).isEqualTo(1);
        assertThat(value(sections, "art14.blocked").toString()).isEqualTo("{\"total\":1,\"entries\":[2]}");
        assertThat(value(sections, "art10.datasets").path(0).path("dataset_id").asString()).isEqualTo("ds_1");
        // The configuration just before the period is the one it ran under, read as the range's first entry.
        assertThat(value(sections, "art19.retention_setting").path("shortest_hot_period_days").asLong()).isEqualTo(30);
        assertThat(value(sections, "log.completeness").toString()).isEqualTo("{\"entries_read\":8,\"entries_in_scope\":5,"
                + "\"tree_size\":8,\"starts_before_period\":true,\"ends_after_period\":true}");
    }

    @Test
    void aRangeThatStopsInsideThePeriodDoesNotBoundIt() {
        config("2026-10-31T23:00:00Z", "P400D");
        gateway("2026-11-05T00:00:00Z", "w", 200, "openai", "m", "");
        gateway("2026-11-06T00:00:00Z", "w", 200, "openai", "m", "");
        gateway("2026-11-07T00:00:00Z", "w", 200, "openai", "m", "");

        JsonNode cutAtEnd = value(compute(new ReportScope(ReportKind.EU_AI_ACT, FROM, TO, null, null), 0, 2), "log.completeness");
        assertThat(cutAtEnd.path("ends_after_period").asBoolean()).isFalse();
        JsonNode cutAtStart = value(compute(new ReportScope(ReportKind.EU_AI_ACT, FROM, TO, null, null), 2, 3), "log.completeness");
        assertThat(cutAtStart.path("starts_before_period").asBoolean()).isFalse();
        assertThatThrownBy(() -> {
            ReportComputation computation = new ReportComputation(new ReportScope(ReportKind.EU_AI_ACT, FROM, TO, null, null), 4);
            computation.scanned(log.get(0));
            computation.scanned(log.get(2));
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry 2 follows entry 0");
    }

    @Test
    void anErasureCertificateListsTheSealedEntriesBeforeEachErasureAndTheDatasetRowsTakenOut() {
        String subject = "sub_" + "a".repeat(32);
        add("2026-11-01T00:00:00Z", "w", "gateway.chat.completions", "{\"status\":200}", subject);
        add("2026-11-01T00:00:01Z", "w", "gateway.chat.completions", "{\"status\":200}", "sub_" + "b".repeat(32));
        add("2026-11-01T00:00:02Z", "w", "feedback.comment", "{}", subject);
        add("2026-11-02T00:00:00Z", "w", "subject.erased", "{\"subject\":\"" + subject + "\",\"keys_destroyed\":1}", null);
        add("2026-11-02T00:00:01Z", "w", "dataset.rows_erased", "{\"dataset_id\":\"ds_1\",\"erasure_index\":3,\"rows\":[4,7]}", null);
        add("2026-11-02T00:00:02Z", "w", "dataset.rows_erased", "{\"dataset_id\":\"ds_2\",\"erasure_index\":99,\"rows\":[1]}", null);
        dataKey = "dk_2";
        add("2026-11-03T00:00:00Z", "w", "gateway.chat.completions", "{\"status\":200}", subject);

        List<Section> sections = compute(new ReportScope(ReportKind.GDPR_ERASURE, Instant.EPOCH, TO, null, subject), 0, 6);

        assertThat(value(sections, "art17.erasures").toString())
                .isEqualTo("[{\"index\":3,\"time\":\"2026-11-02T00:00:00Z\",\"keys_destroyed\":1}]");
        assertThat(value(sections, "art17.erased_entries").toString()).isEqualTo("{\"total\":2,\"entries\":[0,2]}");
        assertThat(value(sections, "art17.dataset_rows").toString())
                .isEqualTo("[{\"index\":4,\"dataset_id\":\"ds_1\",\"erasure_index\":3,\"rows\":2}]");
        assertThat(value(sections, "art17.entries_since").toString()).isEqualTo("{\"total\":1,\"entries\":[6]}");
    }

    @Test
    void anErasureThatNamesItsKeysErasesTheEntriesSealedUnderThemWhereverTheyFallInTheLog() {
        String subject = "sub_" + "c".repeat(32);
        add("2026-11-01T00:00:00Z", "w", "gateway.chat.completions", "{\"status\":200}", subject);
        dataKey = "dk_new"; // a request between the keys' destruction and the erasure's entry gets a new key
        add("2026-11-01T00:00:01Z", "w", "gateway.chat.completions", "{\"status\":200}", subject);
        add("2026-11-01T00:00:02Z", "w", "subject.erased", "{\"subject\":\"" + subject + "\",\"keys_destroyed\":1,"
                + "\"keys\":[\"dk_1\"]}", null);
        dataKey = "dk_1"; // sealed under the old key, sequenced after the erasure's entry
        add("2026-11-01T00:00:03Z", "w", "gateway.chat.completions", "{\"status\":200}", subject);

        List<Section> sections = compute(new ReportScope(ReportKind.GDPR_ERASURE, Instant.EPOCH, TO, null, subject), 0, 3);

        assertThat(value(sections, "art17.erased_entries").toString()).isEqualTo("{\"total\":2,\"entries\":[0,3]}");
        assertThat(value(sections, "art17.entries_since").toString()).isEqualTo("{\"total\":1,\"entries\":[1]}");
    }

    @Test
    void recordsOfProcessingNameRecipientsFromTheConfigurationAndCountSubjectsAndPii() {
        add("2026-10-01T00:00:00Z", null, "admin.config.changed", "{\"configuration\":{\"providers\":{\"openai\":{\"type\":\"openai\","
                + "\"base_url\":\"https://api.openai.com/v1\"}},\"audit\":{\"durability\":\"sync\"}}}", null);
        add("2026-11-01T00:00:00Z", "w", "gateway.chat.completions", "{\"status\":200,\"provider\":\"openai\",\"guard\":["
                + "{\"action\":\"flag\",\"scanner\":\"pii\",\"category\":\"email\"},{\"action\":\"flag\",\"scanner\":\"pii\",\"category\":\"email\"}]}",
                "sub_1");
        add("2026-11-01T00:00:01Z", "w", "gateway.chat.completions", "{\"status\":200,\"provider\":\"openai\"}", "sub_2");
        add("2026-11-01T00:00:02Z", "v", "gateway.chat.completions", "{\"status\":200,\"provider\":\"openai\"}", "sub_1");

        ReportComputation computation = new ReportComputation(new ReportScope(ReportKind.GDPR_RECORDS, FROM, TO, null, null), 4);
        computation.oldest(log.get(0));
        computation.configuration(log.get(0));
        log.subList(1, 4).forEach(computation::scanned);
        List<Section> sections = computation.sections();

        assertThat(value(sections, "art30.recipients").toString()).isEqualTo(
                "[{\"provider\":\"openai\",\"requests\":3,\"type\":\"openai\",\"base_url\":\"https://api.openai.com/v1\"}]");
        assertThat(value(sections, "art30.data_subjects").toString()).isEqualTo("{\"by_workspace\":{\"v\":1,\"w\":2},\"distinct\":3}");
        assertThat(value(sections, "art30.personal_data").path("pii_found_by_category").toString()).isEqualTo("{\"email\":1}");
        assertThat(value(sections, "art30.security").path("durability").asString()).isEqualTo("sync");
    }

    private List<Section> compute(ReportScope scope, int first, int last) {
        ReportComputation computation = new ReportComputation(scope, log.size());
        computation.oldest(log.getFirst());
        log.subList(first, last + 1).forEach(computation::scanned);
        return computation.sections();
    }

    private void config(String time, String hotPeriod) {
        add(time, null, "admin.config.changed", "{\"configuration\":{\"audit\":{\"retention\":{\"hot_period\":\"" + hotPeriod
                + "\"}}}}", null);
    }

    private void gateway(String time, String workspace, int status, String provider, String model, String verdict) {
        add(time, workspace, "gateway.chat.completions", "{\"status\":" + status + ",\"model\":\"" + model + "\""
                + (provider == null ? "" : ",\"provider\":\"" + provider + "\"") + ",\"guard\":[" + verdict + "]}", null);
    }

    private void add(String time, String workspace, String type, String data, String subject) {
        String json = "{\"v\":1,\"type\":\"" + type + "\",\"id\":\"evt_" + log.size() + "\",\"time\":\"" + time + "\""
                + (workspace == null ? "" : ",\"workspace\":\"" + workspace + "\"") + ",\"data\":" + data
                + (subject == null ? "" : ",\"subject\":\"" + subject + "\",\"sealed\":{\"alg\":\"A256GCM\",\"key\":\"" + dataKey + "\",\"ct\":\"AA==\"}")
                + "}";
        log.add(new LoggedEntry(log.size(), JsonBodies.JSON.readTree(json)));
    }

    private static JsonNode value(List<Section> sections, String id) {
        return sections.stream().flatMap(s -> s.figures().stream()).filter(f -> f.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no figure " + id)).value();
    }
}
