package dev.cairn.audit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;

import dev.cairn.access.Principal;
import dev.cairn.access.Role;
import dev.cairn.ledger.Hashes;
import dev.cairn.ledger.MerkleProofs;
import dev.cairn.ledger.TileHashSource;
import dev.cairn.platform.DeletedData;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PageLimit;
import dev.cairn.platform.PlainIds;
import dev.cairn.platform.RequestException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The audit log for API clients: one request's entry with everything needed to check it
 * (inclusion proof and signed checkpoint), listings, and erasure of a data subject. A key sees its
 * own workspace; auditor and admin keys see every workspace; sealed content is opened only for
 * keys of the entry's workspace and admin keys.
 */
@RestController
@RequestMapping(path = "/v1/audit", produces = MediaType.APPLICATION_JSON_VALUE)
public class AuditController {

    private static final Logger log = LoggerFactory.getLogger(AuditController.class);
    private static final int MAX_PAGE = 1000;
    private static final Instant LAST_TIME = Instant.parse("9999-12-31T23:59:59Z");

    private final AuditRepository repository;
    private final EntryStore entries;
    private final CheckpointPublisher checkpoints;
    private final SealedContent sealed;
    private final SubjectKeys subjectKeys;
    private final MasterKey masterKey;
    private final AuditLog auditLog;
    private final LogIdentity identity;
    private final List<ErasureParticipant> participants;
    private final DeletedData deletedData;

    public AuditController(AuditRepository repository, EntryStore entries, CheckpointPublisher checkpoints,
                           SealedContent sealed, SubjectKeys subjectKeys, MasterKey masterKey, AuditLog auditLog,
                           LogIdentity identity, List<ErasureParticipant> participants, DeletedData deletedData) {
        this.deletedData = deletedData;
        this.repository = repository;
        this.entries = entries;
        this.checkpoints = checkpoints;
        this.sealed = sealed;
        this.subjectKeys = subjectKeys;
        this.masterKey = masterKey;
        this.auditLog = auditLog;
        this.identity = identity;
        this.participants = participants;
    }

    /** A request's entry, its content when the key may see it, and its inclusion proof. */
    @GetMapping("/requests/{id}")
    ObjectNode request(@PathVariable String id, HttpServletRequest http) {
        Principal principal = Principal.of(http);
        StoredEntry stored = repository.findByEventId(id)
                .filter(e -> mayRead(principal, e))
                .orElseThrow(() -> AuditException.notFound("Request '" + id + "'"));
        return proven(stored, principal);
    }

    /** The same for an entry named by its index, as in a citation {@code cairn://origin/index}. */
    @GetMapping("/entries/{index}")
    ObjectNode entry(@PathVariable String index, HttpServletRequest http) {
        Principal principal = Principal.of(http);
        long at = parseIndex(index);
        StoredEntry stored = repository.findByIndex(at)
                .filter(e -> mayRead(principal, e))
                .orElseThrow(() -> AuditException.notFound("Entry " + index));
        return proven(stored, principal);
    }

    /** Entries by time range, type, workspace, key and trace id, oldest first; page on with {@code after}. */
    @GetMapping("/entries")
    ObjectNode list(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
                    @RequestParam(required = false) String type, @RequestParam(required = false) String workspace,
                    @RequestParam(name = "key_id", required = false) String keyId,
                    @RequestParam(name = "trace_id", required = false) String traceId,
                    @RequestParam(required = false) String after, @RequestParam(required = false) String limit,
                    HttpServletRequest http) {
        Principal principal = Principal.of(http);
        String scope = workspace;
        if (!principal.has(Role.AUDITOR)) {
            if (workspace != null && !workspace.equals(principal.workspace())) {
                throw AuditException.forbidden("This key may list only its own workspace's entries");
            }
            scope = principal.workspace();
        }
        int pageSize = PageLimit.parse(limit, 100, MAX_PAGE);
        long afterIndex = after == null ? -1 : parseIndex(after);
        List<StoredEntry> page = repository.list(
                new EntryFilter(time("from", from), time("to", to), type, scope, keyId, traceId), afterIndex, pageSize + 1);
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "list");
        ArrayNode data = json.putArray("data");
        page.stream().limit(pageSize).forEach(e -> data.add(summary(e)));
        boolean more = page.size() > pageSize;
        json.put("has_more", more);
        json.put("next_after", more ? Long.toString(page.get(pageSize - 1).index()) : null);
        return json;
    }

    /** The longest subject name erasure accepts; longer ones were never a subject any request named. */
    static final int MAX_SUBJECT_LENGTH = 256;

    private static String checkedSubject(String subject) {
        if (subject == null || subject.isEmpty() || subject.length() > MAX_SUBJECT_LENGTH
                || subject.codePoints().anyMatch(Character::isISOControl)) {
            throw RequestException.invalid("invalid_subject", "subject",
                    "A subject is 1 to " + MAX_SUBJECT_LENGTH + " characters, none of them control characters");
        }
        return subject;
    }

    /**
     * Erases a data subject: destroys its keys, so its sealed content can never be read again, and
     * records the erasure; then every {@link ErasureParticipant} removes its copies, the old copies of
     * the rows they deleted are taken out of the database files ({@link DeletedData}), and the result,
     * which lists per store what held the subject and what was done, is itself recorded
     * ({@code subject.erasure.completed}, counts only). Admin keys only; the subject is taken in the
     * key's workspace unless {@code workspace} names another.
     */
    @PostMapping("/subjects/{subject}/erase")
    ObjectNode erase(@PathVariable String subject, @RequestParam(required = false) String workspace,
                     HttpServletRequest http) {
        Principal principal = Principal.of(http);
        if (!principal.admin()) {
            throw AuditException.forbidden("Erasing a data subject needs an admin key");
        }
        // Both go into the permanent log: a NUL or five thousand characters there can never be taken back.
        String scope = workspace == null || workspace.isBlank() ? principal.workspace() : PlainIds.workspace(workspace, "workspace");
        String subjectId = masterKey.subjectId(scope, checkedSubject(subject));
        List<String> destroyed = subjectKeys.erase(subjectId);
        ObjectNode data = JsonBodies.JSON.createObjectNode();
        data.put("subject", subjectId);
        data.put("keys_destroyed", destroyed.size());
        // Which keys: the entries sealed under them, wherever they fall in the log, are what was erased.
        ArrayNode keys = data.putArray("keys");
        destroyed.forEach(keys::add);
        String eventId = dev.cairn.platform.Ids.newId("evt");
        long index = auditLog.append(new AuditEvent("subject.erased", eventId, Instant.now(), scope,
                principal.keyId(), null, null, data, null)).join();
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "audit.erasure");
        json.put("subject_id", subjectId);
        json.put("workspace", scope);
        json.put("keys_destroyed", destroyed.size());
        json.put("index", index);
        json.put("citation", citation(index));
        // After the entry, so that what the participants record can cite it.
        ErasureParticipant.Erasure erasure = new ErasureParticipant.Erasure(scope, subjectId, principal.keyId(), index);
        ObjectNode stores = JsonBodies.JSON.createObjectNode();
        stores.putObject("audit_keys").put("rows", destroyed.size()).put("action", "destroyed: sealed content unreadable");
        TreeSet<String> tables = new TreeSet<>();
        boolean complete = true;
        for (ErasureParticipant participant : participants) {
            ArrayNode held = json.putArray(participant.name());
            try {
                for (ErasureParticipant.Holding holding : participant.erase(erasure)) {
                    ObjectNode one = held.addObject().put("id", holding.id()).put("rows", holding.rows());
                    if (holding.action() != null) {
                        one.put("action", holding.action());
                    }
                }
                tables.addAll(participant.tables());
            } catch (RuntimeException e) {
                // The others still run; erasing the subject again retries what is left (each participant finds only what remains).
                log.error("Erasure {} of subject {}: the {} participant failed", index, subjectId, participant.name(), e);
                held.addObject().put("id", "failed").put("rows", 0).put("action", "failed: erase the subject again to retry");
                complete = false;
            }
            stores.set(participant.name(), held.deepCopy());
        }
        DeletedData.Cleared cleared = deletedData.clear(tables);
        ObjectNode files = json.putObject("files");
        files.put("method", cleared.method());
        cleared.tables().forEach(files.withArray("tables")::add);
        files.put("complete", cleared.complete());
        json.put("complete", complete && cleared.complete());
        // The erasure's outcome is an entry too: counts and ids per store, never content, citing the subject.erased entry.
        ObjectNode completed = JsonBodies.JSON.createObjectNode();
        completed.put("subject", subjectId);
        completed.put("erasure_index", index);
        completed.set("stores", stores);
        completed.set("files", files.deepCopy());
        completed.put("complete", complete && cleared.complete());
        long completedIndex = auditLog.append(new AuditEvent("subject.erasure.completed", dev.cairn.platform.Ids.newId("evt"),
                Instant.now(), scope, principal.keyId(), null, null, completed, null)).join();
        json.put("completed_index", completedIndex);
        json.put("completed_citation", citation(completedIndex));
        return json;
    }

    private ObjectNode proven(StoredEntry stored, Principal principal) {
        CheckpointPublisher.Signed checkpoint = checkpoints.covering(stored.index());
        long size = checkpoint.checkpoint().size();
        if (size <= stored.index()) {
            throw AuditException.notYetCovered(stored.index());
        }
        TileHashSource tiles = new TileHashSource(
                tile -> repository.tile(tile.level(), tile.index(), tile.width()), size);
        List<byte[]> proof = MerkleProofs.inclusionProof(tiles, stored.index(), size);
        byte[] data = entries.data(stored);
        JsonNode entry = JsonBodies.JSON.readTree(data);

        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "audit.entry");
        json.put("index", stored.index());
        json.put("tree_size", size);
        json.put("leaf_hash", Base64.getEncoder().encodeToString(Hashes.leafHash(data)));
        ArrayNode path = json.putArray("inclusion_proof");
        proof.forEach(hash -> path.add(Base64.getEncoder().encodeToString(hash)));
        json.put("checkpoint", checkpoint.note());
        json.put("citation", citation(stored.index()));
        json.put("entry_canonical", Base64.getEncoder().encodeToString(data));
        json.set("entry", entry);
        if (principal.admin() || principal.workspace().equals(stored.workspace())) {
            SealedContent.Opened opened = sealed.open(stored, entry);
            json.put("content_state", opened.state());
            json.set("content", opened.content());
        } else {
            json.put("content_state", entry.has("sealed") ? "withheld" : "none");
            json.putNull("content");
        }
        return json;
    }

    private ObjectNode summary(StoredEntry e) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("index", e.index());
        json.put("id", e.eventId());
        json.put("type", e.type());
        json.put("time", e.createdAt().toString());
        json.put("workspace", e.workspace());
        json.put("key_id", e.keyId());
        json.put("trace_id", e.traceId());
        json.put("citation", citation(e.index()));
        return json;
    }

    private String citation(long index) {
        return "cairn://" + identity.origin() + "/" + index;
    }

    private static boolean mayRead(Principal principal, StoredEntry entry) {
        return principal.has(Role.AUDITOR) || principal.workspace().equals(entry.workspace());
    }

    private static long parseIndex(String text) {
        try {
            long index = Long.parseLong(text);
            if (index >= 0) {
                return index;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw AuditException.invalid("index", "'" + text + "' is not an entry index (a non-negative integer)");
    }

    private static Instant time(String param, String text) {
        if (text == null) {
            return null;
        }
        Instant time;
        try {
            time = Instant.parse(text);
        } catch (DateTimeParseException e) {
            time = null;
        }
        // Stored times are epoch milliseconds: a year past 9999 (or before 1970) would overflow or match nothing.
        if (time == null || time.isBefore(Instant.EPOCH) || time.isAfter(LAST_TIME)) {
            throw AuditException.invalid(param, "'" + param + "' must be an ISO-8601 UTC time from 1970 to 9999, "
                    + "such as 2026-01-31T00:00:00Z");
        }
        return time;
    }
}
