-- 驻村干部培训 (DOMAIN §11: training of the work teams): the trainings the cadres of a county's
-- roster attended, keyed by the county like every registry table and "id_number/day/course",
-- referring to the roster with the county; each change kept in team_training_history with the
-- change set that made it.
CREATE TABLE team_trainings (
    county_code  BIGINT NOT NULL,
    training_key TEXT COLLATE "C" NOT NULL,
    id_number    TEXT COLLATE "C" NOT NULL,
    name         TEXT   NOT NULL,
    course       TEXT   NOT NULL,
    day          TEXT   NOT NULL,
    hours        BIGINT NOT NULL,
    organizer    TEXT,
    version      BIGINT NOT NULL,
    changeset_id BIGINT NOT NULL REFERENCES changesets (id),
    PRIMARY KEY (county_code, training_key),
    FOREIGN KEY (county_code, id_number) REFERENCES work_team_members (county_code, id_number)
);
CREATE INDEX team_trainings_day ON team_trainings (day, county_code);

CREATE TABLE team_training_history (
    county_code  BIGINT NOT NULL,
    training_key TEXT COLLATE "C" NOT NULL,
    version      BIGINT NOT NULL,
    changeset_id BIGINT NOT NULL REFERENCES changesets (id),
    before_json  TEXT,
    after_json   TEXT   NOT NULL,
    PRIMARY KEY (county_code, training_key, version)
);
