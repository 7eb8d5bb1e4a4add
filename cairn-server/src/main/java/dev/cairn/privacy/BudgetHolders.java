package dev.cairn.privacy;

import dev.cairn.access.ApiKeyRepository;
import dev.cairn.datasets.DatasetPreferences;
import org.springframework.stereotype.Component;

/**
 * Whether a holder named in a path is the workspace's: an annotator is a key of the workspace, a
 * dataset a built version of it. Another workspace's is the same 404 as one that does not exist.
 */
@Component
class BudgetHolders {

    private final ApiKeyRepository keys;
    private final DatasetPreferences datasets;

    BudgetHolders(ApiKeyRepository keys, DatasetPreferences datasets) {
        this.keys = keys;
        this.datasets = datasets;
    }

    void requireIn(String workspace, BudgetHolder holder) {
        boolean found = switch (holder.kind()) {
            case ANNOTATOR -> keys.findById(holder.id()).filter(key -> key.workspace().equals(workspace)).isPresent();
            case DATASET -> datasets.isBuiltIn(workspace, holder.id()); // only built versions are charged
        };
        if (!found) {
            throw PrivacyException.holderNotFound(holder);
        }
    }
}
