-- How far each run's record (and trail file) was exported under a --record-dir: an instance killed between storing an
-- event and writing the files leaves a run whose files lag its history, and another instance catches it up.
ALTER TABLE runs ADD COLUMN exported_seq BIGINT DEFAULT 0 NOT NULL;
-- runs from before were exported by the instance that ran them, as far as it could
UPDATE runs SET exported_seq = last_seq;
