-- Managing annotation queues (issue 28): a description and instructions for the annotators, a
-- state (active, paused, archived), when it last changed, and how far the queue has read the log.
ALTER TABLE annotation_queues ADD COLUMN description TEXT;
ALTER TABLE annotation_queues ADD COLUMN instructions TEXT;
ALTER TABLE annotation_queues ADD COLUMN state TEXT NOT NULL DEFAULT 'active';
ALTER TABLE annotation_queues ADD COLUMN updated_at BIGINT;
-- The log index of the last entry the queue has looked at (-1: none). Interactions logged later
-- become items when a claim reads on from here; a queue made before this version has looked up to
-- its last item, and anything after it that matches is taken in on the next claim.
ALTER TABLE annotation_queues ADD COLUMN scanned_to BIGINT NOT NULL DEFAULT -1;
UPDATE annotation_queues SET scanned_to = COALESCE(
    (SELECT MAX(i.log_index) FROM annotation_items i WHERE i.queue_id = annotation_queues.id), -1);
-- One logged interaction is at most one item of a queue, whoever reads the log on.
CREATE UNIQUE INDEX annotation_items_entry ON annotation_items (queue_id, log_index);
-- Listing a workspace's queues, newest first (this index serves the lookups the old one did).
CREATE INDEX annotation_queues_workspace_id ON annotation_queues (workspace, id);
DROP INDEX annotation_queues_workspace;
