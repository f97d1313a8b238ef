-- 0008-dataset-origin.sql: key datasets kept in the register, each version
-- with where it came from.
--
-- The datasets themselves are the tables of 0001 (dataset, dataset_value):
-- a name in numbered versions, immutable.  Until now a version entered the
-- register when a decision first used it; from here a dataset is imported
-- into the register (`bidrag datasets import`), the compiled-in seed
-- datasets become its first versions, and every version says here what it
-- is: a seed, or an import from a file (the file's name and SHA-256, its
-- format, SCB's table id, the series chosen from it, the reference date and
-- why, the day it was downloaded), who imported it, and for a correction the
-- version it corrects and why.  A version registered with a decision before
-- this migration has no row here.
--
-- Locked like the datasets: a version's origin is written with it, once.

CREATE TABLE dataset_origin (
	dataset_id @int@ PRIMARY KEY REFERENCES dataset(id),
	kind @text@ NOT NULL CHECK (kind IN ('seed', 'import')),
	format @text@,            -- 'compiled-in', 'csv', 'px', 'json-stat', 'scb-csv'
	file_name @text@,         -- the file as given to the import
	file_sha256 @text@ CHECK (file_sha256 IS NULL OR length(file_sha256) = 64),
	table_id @text@,          -- the statistics table: 'BE0101N1', 'TAB638'
	title @text@,             -- the file's title of the table
	selection @text@,         -- what was taken from each dimension
	period @text@,            -- the period chosen: '2023', '2026M01'
	ref_basis @text@,         -- why the reference date is what it is
	downloaded @text@,        -- the day the file was downloaded, YYYY-MM-DD
	corrects @int@ CHECK (corrects IS NULL OR corrects >= 1),  -- the version corrected
	reason @text@,
	imported_by @text@ NOT NULL,
	CHECK ((corrects IS NULL) = (reason IS NULL))
);

CREATE TRIGGER dataset_origin_no_update BEFORE UPDATE ON dataset_origin
@refuse('key datasets are immutable: register a correction as a new version')@;
CREATE TRIGGER dataset_origin_no_delete BEFORE DELETE ON dataset_origin
@refuse('key datasets are immutable: register a correction as a new version')@;
