-- A screening's evidence is kept once (2026-12-04: a province batch of 122,587 hits made the file
-- 210 MB larger, most of it the same words written again). The batch keeps its rule and the labels
-- of its figures; a result keeps only the figures' values when its labels are the batch's; the
-- evidence a hit adds to a clue names the batch (`screening_id`) and takes its rule, figures and
-- members from the batch and the household's result instead of copying them. Rows written before
-- keep their own text and are read as they are.
ALTER TABLE screenings ADD COLUMN figure_labels TEXT;
ALTER TABLE clue_evidence ADD COLUMN screening_id BIGINT REFERENCES screenings (id);
