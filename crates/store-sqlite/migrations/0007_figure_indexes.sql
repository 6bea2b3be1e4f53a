-- The figures' covering index split in two (DOMAIN §10): every household's registered counts
-- read from a narrow index, the monitoring figures from a partial index of the monitoring
-- objects only (about a tenth of the households). The full recomputation reads both instead of
-- one wide index of every household: 0.28 s → 0.15 s on a million households.
DROP INDEX households_figures;
CREATE INDEX households_registered ON households (village_code, persons, safety_net_persons);
CREATE INDEX households_monitored ON households (village_code, monitor_category, eliminated,
    elimination_mode, identified_on, persons, measures) WHERE monitor_category IS NOT NULL;
