-- 脱贫人口小额信贷 (小额信贷台账, DOMAIN §11): a county's ledger of the banks' loans, keyed by
-- the county of the borrower's household like every registry table, each change kept in
-- loan_history. The household and its village are those the borrower was registered in when
-- the row was imported; `covered` whether the policy covered that household then.
CREATE TABLE loans (
    county_code   INTEGER NOT NULL,
    loan_no       TEXT    NOT NULL,
    id_number     TEXT    NOT NULL,
    borrower_name TEXT    NOT NULL,
    household_no  TEXT    NOT NULL,
    village_code  INTEGER NOT NULL REFERENCES divisions (code),
    covered       INTEGER NOT NULL,
    bank          TEXT,
    amount        INTEGER NOT NULL,
    lent_on       TEXT    NOT NULL,
    due_on        TEXT    NOT NULL,
    balance       INTEGER NOT NULL,
    repaid_on     TEXT,
    extended      INTEGER NOT NULL,
    purpose       TEXT,
    version       INTEGER NOT NULL,
    changeset_id  INTEGER NOT NULL REFERENCES changesets (id),
    PRIMARY KEY (county_code, loan_no)
) WITHOUT ROWID;
CREATE INDEX loans_village ON loans (village_code);

CREATE TABLE loan_history (
    county_code  INTEGER NOT NULL,
    loan_no      TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    changeset_id INTEGER NOT NULL REFERENCES changesets (id),
    before_json  TEXT,
    after_json   TEXT    NOT NULL,
    PRIMARY KEY (county_code, loan_no, version)
) WITHOUT ROWID;
