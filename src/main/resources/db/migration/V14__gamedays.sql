-- Game days: each one's scenario (the events it injected, the simulated AWS answers, what a good response looks like),
-- kept so that whichever instance runs a drill answers its AWS calls from the scenario; and the marker on each run
-- that is a drill (the game day's id; NULL for a real run). (V14, not V13: V13 is left to the escalation work of issue 16.)
CREATE TABLE gamedays (
    id          VARCHAR NOT NULL PRIMARY KEY,
    name        VARCHAR NOT NULL,
    scenario    TEXT NOT NULL,
    started_by  VARCHAR NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    event_ids   VARCHAR NOT NULL
);

ALTER TABLE runs ADD COLUMN drill VARCHAR;
CREATE INDEX runs_by_drill ON runs (drill, started_at);
