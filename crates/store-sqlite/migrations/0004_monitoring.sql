-- The monitoring lifecycle. `policies` is a reference table (one row per version of a
-- province's policy for a year). Every other table is about a household and is a registry
-- table: the county code is in its key and in every foreign key between registry tables, as in
-- the PostgreSQL schema that mirrors this one (see ARCHITECTURE.md). SQLite gives the tables
-- with their own ids a rowid id (unique across counties) and a UNIQUE (county_code, id) key
-- that the foreign keys use; PostgreSQL makes (county_code, id) the primary key.

CREATE TABLE policies (
    province   INTEGER NOT NULL,
    year       INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    content    TEXT    NOT NULL,
    created_by TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    note       TEXT,
    PRIMARY KEY (province, year, version)
) WITHOUT ROWID;

-- A clue (线索): about a registered household (household_no) or one not yet registered
-- (new_household, JSON). At most one open clue per household: a duplicate is merged.
CREATE TABLE clues (
    id            INTEGER PRIMARY KEY,
    county_code   INTEGER NOT NULL,
    subject_key   TEXT    NOT NULL,
    household_no  TEXT,
    village_code  INTEGER NOT NULL,
    new_household TEXT,
    risk_mask     INTEGER NOT NULL,
    disaster_kind TEXT,
    channel       INTEGER NOT NULL,
    found_on      TEXT    NOT NULL,
    status        INTEGER NOT NULL,
    case_id       INTEGER,
    closed_on     TEXT,
    created_by    TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    UNIQUE (county_code, id)
);
CREATE UNIQUE INDEX clues_one_open ON clues (county_code, subject_key) WHERE status = 1;
CREATE INDEX clues_open_village ON clues (village_code, found_on) WHERE status = 1;

-- Where a clue came from; a merged duplicate adds a row.
CREATE TABLE clue_evidence (
    county_code  INTEGER NOT NULL,
    clue_id      INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    channel      INTEGER NOT NULL,
    source       TEXT    NOT NULL,
    rule         TEXT,
    figures_json TEXT    NOT NULL,
    members_json TEXT    NOT NULL,
    note         TEXT,
    found_on     TEXT    NOT NULL,
    added_by     TEXT    NOT NULL,
    added_at     TEXT    NOT NULL,
    PRIMARY KEY (county_code, clue_id, seq),
    FOREIGN KEY (county_code, clue_id) REFERENCES clues (county_code, id)
) WITHOUT ROWID;

-- An identification or elimination procedure. The state machine's state is in the stage and
-- date columns; the due days are kept with it (next_due_on = the earlier of the step's and the
-- whole procedure's), NULL once closed, for the overdue and due-this-week lists.
CREATE TABLE cases (
    id               INTEGER PRIMARY KEY,
    county_code      INTEGER NOT NULL,
    household_no     TEXT    NOT NULL,
    village_code     INTEGER NOT NULL,
    kind             INTEGER NOT NULL,
    clue_id          INTEGER,
    channel          INTEGER NOT NULL,
    risk_mask        INTEGER NOT NULL,
    category         INTEGER,
    disaster_kind    TEXT,
    elimination_json TEXT,
    policy_province  INTEGER NOT NULL,
    policy_year      INTEGER NOT NULL,
    policy_version   INTEGER NOT NULL,
    stage            INTEGER NOT NULL,
    opened_on        TEXT    NOT NULL,
    stage_since      TEXT    NOT NULL,
    visited_on       TEXT,
    compared_on      TEXT,
    notice_from      TEXT,
    green_channel_on TEXT,
    last_on          TEXT    NOT NULL,
    step_due_on      TEXT,
    whole_due_on     TEXT,
    next_due_on      TEXT,
    closed_on        TEXT,
    created_by       TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    version          INTEGER NOT NULL,
    UNIQUE (county_code, id),
    FOREIGN KEY (county_code, household_no) REFERENCES households (county_code, household_no),
    FOREIGN KEY (county_code, clue_id) REFERENCES clues (county_code, id)
);
-- One open case per household.
CREATE UNIQUE INDEX cases_one_open ON cases (county_code, household_no) WHERE closed_on IS NULL;
-- Overdue for a large area (a province): open cases by due day, filtered by village range.
CREATE INDEX cases_open_due ON cases (next_due_on, village_code) WHERE closed_on IS NULL;
-- A village's or township's open cases by due day ("my cases due this week").
CREATE INDEX cases_open_village ON cases (village_code, next_due_on) WHERE closed_on IS NULL;
CREATE INDEX cases_household ON cases (county_code, household_no);

-- Every step of a case: who, when, the decision and opinion, the policy version that made it.
CREATE TABLE case_steps (
    county_code     INTEGER NOT NULL,
    case_id         INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    action          INTEGER NOT NULL,
    approved        INTEGER,
    promise_signed  INTEGER,
    remark          TEXT    NOT NULL,
    acted_on        TEXT    NOT NULL,
    stage_before    INTEGER NOT NULL,
    stage_after     INTEGER NOT NULL,
    due_on          TEXT,
    late            INTEGER NOT NULL,
    actor           TEXT    NOT NULL,
    user_id         INTEGER,
    recorded_at     TEXT    NOT NULL,
    policy_province INTEGER NOT NULL,
    policy_year     INTEGER NOT NULL,
    policy_version  INTEGER NOT NULL,
    verdict_json    TEXT,
    changeset_id    INTEGER REFERENCES changesets (id),
    PRIMARY KEY (county_code, case_id, seq),
    FOREIGN KEY (county_code, case_id) REFERENCES cases (county_code, id)
) WITHOUT ROWID;

-- 一户一策: the responsible cadre and the measures.
CREATE TABLE plans (
    county_code  INTEGER NOT NULL,
    household_no TEXT    NOT NULL,
    cadre_name   TEXT,
    cadre_phone  TEXT,
    updated_by   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    PRIMARY KEY (county_code, household_no),
    FOREIGN KEY (county_code, household_no) REFERENCES households (county_code, household_no)
) WITHOUT ROWID;

CREATE TABLE plan_measures (
    county_code  INTEGER NOT NULL,
    household_no TEXT    NOT NULL,
    seq          INTEGER NOT NULL,
    measure_code TEXT    NOT NULL,
    risk         INTEGER NOT NULL,
    starts_on    TEXT    NOT NULL,
    ends_on      TEXT,
    status       INTEGER NOT NULL,
    note         TEXT,
    PRIMARY KEY (county_code, household_no, seq),
    FOREIGN KEY (county_code, household_no) REFERENCES plans (county_code, household_no)
) WITHOUT ROWID;

CREATE TABLE visits (
    id                INTEGER PRIMARY KEY,
    county_code       INTEGER NOT NULL,
    household_no      TEXT    NOT NULL,
    visited_on        TEXT    NOT NULL,
    visitor           TEXT    NOT NULL,
    answers_json      TEXT    NOT NULL,
    per_capita_income INTEGER,
    finding           TEXT,
    triggers_json     TEXT    NOT NULL,
    policy_province   INTEGER NOT NULL,
    policy_year       INTEGER NOT NULL,
    policy_version    INTEGER NOT NULL,
    recorded_by       TEXT    NOT NULL,
    recorded_at       TEXT    NOT NULL,
    UNIQUE (county_code, id),
    FOREIGN KEY (county_code, household_no) REFERENCES households (county_code, household_no)
);
-- The last visit of a household (due-for-visit).
CREATE INDEX visits_household ON visits (county_code, household_no, visited_on);

CREATE TABLE visit_photos (
    county_code  INTEGER NOT NULL,
    visit_id     INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    bytes        BLOB    NOT NULL,
    PRIMARY KEY (county_code, visit_id, seq),
    FOREIGN KEY (county_code, visit_id) REFERENCES visits (county_code, id)
) WITHOUT ROWID;
