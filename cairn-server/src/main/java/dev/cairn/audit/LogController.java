package dev.cairn.audit;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.cairn.ledger.EntryBundle;
import dev.cairn.ledger.TileId;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The log as C2SP tlog-tiles serves it, under {@code /log/}: the latest signed checkpoint, hash
 * tiles and entry bundles by their standard paths, so that any tlog client can read and check it.
 * Full tiles never change and may be cached for ever; partial ones and the checkpoint may not.
 */
@RestController
public class LogController {

    private static final MediaType TEXT = new MediaType("text", "plain", StandardCharsets.UTF_8);
    private static final CacheControl IMMUTABLE = CacheControl.maxAge(java.time.Duration.ofDays(365)).cachePublic().immutable();

    private final CheckpointPublisher checkpoints;
    private final AuditRepository repository;
    private final EntryStore entries;
    private final LogIdentity identity;

    public LogController(CheckpointPublisher checkpoints, AuditRepository repository, EntryStore entries,
                         LogIdentity identity) {
        this.checkpoints = checkpoints;
        this.repository = repository;
        this.entries = entries;
        this.identity = identity;
    }

    @GetMapping("/log/checkpoint")
    ResponseEntity<String> checkpoint() {
        return ResponseEntity.ok().contentType(TEXT).cacheControl(CacheControl.noCache())
                .body(checkpoints.latest().note());
    }

    /** Signs a checkpoint of everything committed so far, now, rather than at the next interval. */
    @PostMapping("/log/checkpoint")
    ResponseEntity<String> publish() {
        return ResponseEntity.ok().contentType(TEXT).cacheControl(CacheControl.noStore())
                .body(checkpoints.publish().note());
    }

    /** The verifier key, public: {@code name+keyid+base64key}. */
    @GetMapping("/log/vkey")
    ResponseEntity<String> vkey() {
        return ResponseEntity.ok().contentType(TEXT).body(identity.verifier().vkey() + "\n");
    }

    @GetMapping("/log/tile/{*path}")
    ResponseEntity<byte[]> tile(@PathVariable String path) {
        TileId tile;
        try {
            tile = TileId.parse("tile" + path);
        } catch (IllegalArgumentException e) {
            throw AuditException.invalid(null, "'" + "tile" + path + "' is not a tlog-tiles path");
        }
        byte[] data = tile.isEntries() ? entryBundle(tile) : repository.tile(tile.level(), tile.index(), tile.width());
        if (data == null) {
            throw AuditException.notFound(tile.path());
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                .cacheControl(tile.isPartial() ? CacheControl.noCache() : IMMUTABLE)
                .body(data);
    }

    private byte[] entryBundle(TileId tile) {
        List<byte[]> bundle = entries.bundle(tile);
        return bundle == null ? null : EntryBundle.encode(bundle);
    }
}
