-- Version 2: metric_series.time_in_step_order (schema.sql). Series written before are not known to
-- be in order: false, so their time charts read every point; new series start true.
ALTER TABLE metric_series ADD COLUMN IF NOT EXISTS time_in_step_order boolean NOT NULL DEFAULT false;
ALTER TABLE metric_series ALTER COLUMN time_in_step_order SET DEFAULT true;
