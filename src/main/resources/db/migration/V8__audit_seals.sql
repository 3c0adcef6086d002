-- The end of each audit trail, sealed as each entry is written: how many entries and the hash of
-- the last. A trail is named by its file (the run id, or access-INSTANCE). The chain in the file
-- shows a changed entry; only this row shows entries cut from its end.
CREATE TABLE audit_seals (
    trail      VARCHAR NOT NULL PRIMARY KEY,
    entries    BIGINT NOT NULL,
    final_hash VARCHAR(64) NOT NULL
);
