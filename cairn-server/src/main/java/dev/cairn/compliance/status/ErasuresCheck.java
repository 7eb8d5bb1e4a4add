package dev.cairn.compliance.status;

import java.util.ArrayList;
import java.util.List;

import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.EntryFilter;
import dev.cairn.audit.EntryStore;
import dev.cairn.audit.ErasureParticipant;
import dev.cairn.audit.StoredEntry;
import dev.cairn.audit.SubjectKeys;
import dev.cairn.platform.JsonBodies;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every erasure the log records is complete: none of the erased subject's data keys made before the
 * erasure holds key material any more, and no feature that keeps copies of content (datasets) still
 * owes work for an erasure, such as its {@code dataset.rows_erased} entry.
 */
@Component
@Order(5)
class ErasuresCheck implements StatusCheck {

    private static final Duty DUTY = new Duty("erasures", "Every erasure is complete", List.of("GDPR Art. 17"));
    private static final EntryFilter ERASURES = new EntryFilter(null, null, "subject.erased", null, null, null);
    private static final int PAGE = 1000;
    private static final int LISTED = 10;

    private final AuditRepository repository;
    private final EntryStore entries;
    private final SubjectKeys subjectKeys;
    private final List<ErasureParticipant> participants;

    ErasuresCheck(AuditRepository repository, EntryStore entries, SubjectKeys subjectKeys,
                  List<ErasureParticipant> participants) {
        this.repository = repository;
        this.entries = entries;
        this.subjectKeys = subjectKeys;
        this.participants = List.copyOf(participants);
    }

    @Override
    public Duty duty() {
        return DUTY;
    }

    @Override
    public CheckResult check() {
        List<String> problems = new ArrayList<>();
        ObjectNode observed = JsonBodies.JSON.createObjectNode();

        long erasures = 0;
        long incomplete = 0;
        long keysLeft = 0;
        List<String> listed = new ArrayList<>();
        List<StoredEntry> page;
        for (long after = -1; !(page = repository.list(ERASURES, after, PAGE)).isEmpty(); after = page.getLast().index()) {
            for (StoredEntry erasure : page) {
                erasures++;
                JsonNode data = JsonBodies.JSON.readTree(entries.data(erasure)).path("data");
                String subject = data.path("subject").asString("");
                List<String> left = subjectKeys.keysOutliving(subject, erasure.createdAt(), data.path("keys_destroyed").asLong(0));
                if (!left.isEmpty()) {
                    incomplete++;
                    keysLeft += left.size();
                    if (listed.size() < LISTED) {
                        listed.add("entry " + erasure.index() + " (" + subject + ": " + String.join(", ", left) + ")");
                    }
                }
            }
        }
        observed.put("erasures", erasures);
        observed.put("incomplete_erasures", incomplete);
        observed.put("keys_outliving_erasure", keysLeft);
        if (incomplete > 0) {
            ArrayNode incompleteIds = observed.putArray("incomplete");
            listed.forEach(incompleteIds::add);
            problems.add(incomplete + " of " + erasures + " erasures left data keys made before them in audit_data_keys, "
                    + "so the erased content can still be opened: " + String.join("; ", listed) + (incomplete > LISTED ? "; …" : "")
                    + ". Erase those subjects again (POST /v1/audit/subjects/{subject}/erase), and find out how the keys came back "
                    + "(a database restored from an older backup?).");
        }

        long stillHeld = subjectKeys.storage().erasedStillHeld();
        observed.put("erased_keys_still_held", stillHeld);
        if (stillHeld > 0) {
            problems.add(stillHeld + " data keys are marked erased in audit_data_keys but still hold key material: "
                    + "erase their subjects again.");
        }

        long owedCount = 0;
        List<String> owedListed = new ArrayList<>();
        for (ErasureParticipant participant : participants) {
            for (ErasureParticipant.Owed owed : participant.owed()) {
                owedCount++;
                if (owedListed.size() < LISTED) {
                    owedListed.add(participant.name() + " " + owed.id() + " for entry " + owed.erasureIndex());
                }
            }
        }
        observed.put("owed_records", owedCount);
        if (owedCount > 0) {
            ArrayNode owedIds = observed.putArray("owed");
            owedListed.forEach(owedIds::add);
            problems.add(owedCount + " records owed for erasures are still pending: " + String.join("; ", owedListed)
                    + (owedCount > LISTED ? "; …" : "") + ". They are retried in the background while the audit log "
                    + "refuses them; see /health/ready and the server log for why it does.");
        }

        if (!problems.isEmpty()) {
            return DUTY.fail(String.join(" ", problems), observed);
        }
        return DUTY.pass(erasures == 0 ? "The log records no erasure yet."
                : (erasures == 1 ? "The one erasure" : "All " + erasures + " erasures") + " the log records "
                        + (erasures == 1 ? "is" : "are") + " complete: no data key from before "
                        + (erasures == 1 ? "it" : "them") + " is left, and nothing is owed for "
                        + (erasures == 1 ? "it." : "them."), observed);
    }
}
