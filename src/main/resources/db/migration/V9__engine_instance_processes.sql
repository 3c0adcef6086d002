-- The process behind each engine instance (host name and pid), so that a serve restarting on the
-- same host sees at once that an instance whose process is gone (kill -9) is not alive, instead of
-- waiting out a lease. Rows of instances registered before are left without them.
ALTER TABLE engine_instances ADD COLUMN host VARCHAR;
ALTER TABLE engine_instances ADD COLUMN pid BIGINT;
