-- Version 2: metric_series.last_epoch, time_in_step_order and epoch_in_step_order (schema.sql).
-- Series written before are not known to be in order: false, so their time and epoch charts read
-- every point; new series start true.
ALTER TABLE metric_series ADD COLUMN IF NOT EXISTS last_epoch bigint;
ALTER TABLE metric_series ADD COLUMN IF NOT EXISTS time_in_step_order boolean NOT NULL DEFAULT false;
ALTER TABLE metric_series ALTER COLUMN time_in_step_order SET DEFAULT true;
ALTER TABLE metric_series ADD COLUMN IF NOT EXISTS epoch_in_step_order boolean NOT NULL DEFAULT false;
ALTER TABLE metric_series ALTER COLUMN epoch_in_step_order SET DEFAULT true;
