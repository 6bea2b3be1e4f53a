-- A post withdrawn (撤回) by who may publish in its area: kept, with when and by whom, and shown
-- to nobody any more (nor its attachments).
ALTER TABLE posts ADD COLUMN withdrawn_at TEXT;
ALTER TABLE posts ADD COLUMN withdrawn_by TEXT;
