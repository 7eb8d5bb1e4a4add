package dev.cairn.limits;

import java.util.List;

import dev.cairn.audit.ErasureParticipant;
import org.springframework.stereotype.Component;

/**
 * Drops an erased subject's end-user rate-limit buckets (the {@code user} dimension), in this
 * process and in Redis. They hold no content, only how much the end user sent lately, but under a
 * name derived from theirs; once dropped the end user starts again with full buckets. Other
 * processes' own buckets (used while Redis is down) are not reached: they empty themselves once full.
 */
@Component
class LimitErasure implements ErasureParticipant {

    private final Buckets buckets;

    LimitErasure(Buckets buckets) {
        this.buckets = buckets;
    }

    @Override
    public String name() {
        return "limits";
    }

    @Override
    public List<Holding> erase(Erasure erasure) {
        Buckets.Removed removed = buckets.remove(Limiter.userBucketIds(erasure.workspace(), erasure.subjectId()));
        Holding here = new Holding("user_buckets", removed.local(), "dropped in this process");
        if (!buckets.shared()) {
            return List.of(here);
        }
        return List.of(here, new Holding("redis_user_buckets", removed.shared(),
                removed.complete() ? "deleted" : "Redis unreachable: they expire once full again, within a day"));
    }
}
