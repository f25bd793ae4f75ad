package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migration is one step of the schema. Step i (0-based) takes a database
// from PRAGMA user_version i to i+1, in one transaction together with the
// version bump, so a crash leaves either the old or the new schema.
type migration struct {
	name string
	sql  string
}

// migrations is append-only: never edit a step that has shipped, add one.
var migrations = []migration{
	{name: "base tables", sql: `
CREATE TABLE jobs (
	id          INTEGER PRIMARY KEY,
	job_id      TEXT    NOT NULL DEFAULT '',
	file        TEXT    NOT NULL,
	name        TEXT    NOT NULL,            -- base name of file, for search
	kind        TEXT    NOT NULL,
	status      TEXT    NOT NULL,
	webhook     TEXT    NOT NULL,
	client_ref  TEXT    NOT NULL UNIQUE,
	options     TEXT    NOT NULL DEFAULT '{}', -- JSON
	error       TEXT    NOT NULL DEFAULT '',
	size        INTEGER NOT NULL DEFAULT 0,
	pages       INTEGER NOT NULL DEFAULT 0,
	studio_link TEXT    NOT NULL DEFAULT '',
	retry_of    INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
	created_at  INTEGER NOT NULL,            -- unix ms
	updated_at  INTEGER NOT NULL,
	completed_at INTEGER
);
CREATE INDEX jobs_job_id ON jobs(job_id);
CREATE INDEX jobs_status ON jobs(status, id);
CREATE INDEX jobs_kind ON jobs(kind, id);
CREATE INDEX jobs_created ON jobs(created_at);

CREATE TABLE transitions (
	id          INTEGER PRIMARY KEY,
	job         INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
	from_status TEXT    NOT NULL,            -- '' for the creation
	to_status   TEXT    NOT NULL,
	at          INTEGER NOT NULL,
	detail      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX transitions_job ON transitions(job);

-- Results live apart from jobs so that listing reads only small rows.
CREATE TABLE results (
	job        INTEGER PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
	encoding   TEXT    NOT NULL,             -- 'gzip'
	size       INTEGER NOT NULL,             -- uncompressed bytes
	compressed BLOB    NOT NULL
);

-- Webhook delivery ids seen, to drop Svix retries of what we already have.
CREATE TABLE deliveries (
	id          TEXT    PRIMARY KEY,
	received_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX deliveries_received ON deliveries(received_at);
`},
	{name: "name search and status counters", sql: `
-- Substring search over a million names needs an index: trigram FTS5 on the
-- base name, as an external-content table over jobs kept in step by triggers.
CREATE VIRTUAL TABLE jobs_fts USING fts5(name, content='jobs', content_rowid='id', tokenize='trigram');
INSERT INTO jobs_fts(jobs_fts) VALUES ('rebuild');
CREATE TRIGGER jobs_fts_ai AFTER INSERT ON jobs BEGIN
	INSERT INTO jobs_fts(rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER jobs_fts_ad AFTER DELETE ON jobs BEGIN
	INSERT INTO jobs_fts(jobs_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER jobs_fts_au AFTER UPDATE OF name ON jobs BEGIN
	INSERT INTO jobs_fts(jobs_fts, rowid, name) VALUES ('delete', old.id, old.name);
	INSERT INTO jobs_fts(rowid, name) VALUES (new.id, new.name);
END;

-- count(*) walks every row; the toolbar's counts per status must not.
CREATE TABLE job_counts (
	status TEXT    NOT NULL,
	kind   TEXT    NOT NULL,
	n      INTEGER NOT NULL,
	PRIMARY KEY (status, kind)
) WITHOUT ROWID;
INSERT INTO job_counts(status, kind, n) SELECT status, kind, count(*) FROM jobs GROUP BY status, kind;
CREATE TRIGGER job_counts_ai AFTER INSERT ON jobs BEGIN
	INSERT INTO job_counts(status, kind, n) VALUES (new.status, new.kind, 1)
		ON CONFLICT(status, kind) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER job_counts_ad AFTER DELETE ON jobs BEGIN
	UPDATE job_counts SET n = n - 1 WHERE status = old.status AND kind = old.kind;
END;
CREATE TRIGGER job_counts_au AFTER UPDATE OF status, kind ON jobs
	WHEN old.status IS NOT new.status OR old.kind IS NOT new.kind BEGIN
	UPDATE job_counts SET n = n - 1 WHERE status = old.status AND kind = old.kind;
	INSERT INTO job_counts(status, kind, n) VALUES (new.status, new.kind, 1)
		ON CONFLICT(status, kind) DO UPDATE SET n = n + 1;
END;
`},
	{name: "sources, chains, outputs, credits and the watched-folder ledger", sql: `
ALTER TABLE jobs ADD COLUMN source    TEXT NOT NULL DEFAULT '';  -- drop|cli|watch|chain
ALTER TABLE jobs ADD COLUMN preset    TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN parent_id INTEGER REFERENCES jobs(id) ON DELETE SET NULL;
ALTER TABLE jobs ADD COLUMN outputs   TEXT NOT NULL DEFAULT '';  -- JSON array of paths
ALTER TABLE jobs ADD COLUMN credits   REAL;
CREATE INDEX jobs_parent ON jobs(parent_id) WHERE parent_id IS NOT NULL;

-- What each watched folder has seen: one row per file content per folder
-- and preset, so a file is submitted at most once across restarts.
CREATE TABLE watch_ledger (
	id         INTEGER PRIMARY KEY,
	folder     TEXT    NOT NULL,            -- the watched folder (absolute)
	preset     TEXT    NOT NULL,            -- '' = the saved defaults
	path       TEXT    NOT NULL,            -- the file (absolute)
	size       INTEGER NOT NULL,
	mtime_ns   INTEGER NOT NULL,
	hash       TEXT    NOT NULL,            -- SHA-256 of the content, hex
	client_ref TEXT    NOT NULL DEFAULT '', -- the job's reference, written before the job
	job        INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
	state      TEXT    NOT NULL,            -- claimed|submitted|duplicate|done|failed
	attempts   INTEGER NOT NULL DEFAULT 0,
	next_try   INTEGER,                     -- unix ms of the next retry of a failed file
	reason     TEXT    NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL,
	UNIQUE(folder, preset, path, hash)
);
CREATE INDEX watch_ledger_content ON watch_ledger(folder, preset, hash);
CREATE INDEX watch_ledger_path ON watch_ledger(path);
CREATE INDEX watch_ledger_job ON watch_ledger(job);
`},
	{name: "result files the app wrote", sql: `
-- Every result file written beside a document, so the app replaces its own
-- files and never someone else's (jobs/store/store_outputs.go). One row a
-- path: the latest write owns it.
CREATE TABLE output_files (
	path     TEXT    PRIMARY KEY,         -- absolute
	doc      TEXT    NOT NULL,            -- the document it was written beside
	job      INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
	size     INTEGER NOT NULL,            -- as written, to notice a file changed since
	mtime_ns INTEGER NOT NULL,
	written  INTEGER NOT NULL             -- unix ms
) WITHOUT ROWID;

-- Completed jobs whose results are still to be written beside their
-- document (the app stopped first, or the folder refused them): found on
-- start without reading every completed job.
CREATE INDEX jobs_outputs_due ON jobs(id)
	WHERE status = 'completed' AND outputs = '' AND json_extract(options, '$.outputs') = 'beside';
`},
	{name: "account jobs, usage buckets and app state", sql: `
-- Jobs on the account this install did not submit (account monitoring).
-- A table of their own rather than an origin column on jobs: every query
-- on jobs (the list and its counters, search, resume, outputs due, the
-- engine's sweeps) would otherwise need a filter, and one forgotten filter
-- would show them in the history or make the engine follow them.
CREATE TABLE account_jobs (
	id           INTEGER PRIMARY KEY,
	job_id       TEXT    NOT NULL UNIQUE,
	kind         TEXT    NOT NULL DEFAULT '',
	status       TEXT    NOT NULL,
	name         TEXT    NOT NULL DEFAULT '',
	channels     TEXT    NOT NULL DEFAULT '',  -- JSON array
	webhook      TEXT    NOT NULL DEFAULT '',
	metadata     TEXT    NOT NULL DEFAULT '',  -- JSON object
	error        TEXT    NOT NULL DEFAULT '',
	pages        INTEGER NOT NULL DEFAULT 0,
	credits      REAL,
	seen_via     TEXT    NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL,             -- unix ms
	updated_at   INTEGER NOT NULL,
	completed_at INTEGER
);
CREATE INDEX account_jobs_created ON account_jobs(created_at, id);

-- Usage (jobs, pages, credits) of finished jobs in 15-minute buckets of
-- completed_at, kept by triggers: the chart's query reads a few thousand
-- rows whatever the size of the history, and 15 minutes lets any time
-- zone's local days be rebuilt from the buckets.
CREATE TABLE usage_buckets (
	bucket  INTEGER NOT NULL,   -- completed_at / 900000
	origin  TEXT    NOT NULL,   -- local|account
	kind    TEXT    NOT NULL,
	preset  TEXT    NOT NULL,
	jobs    INTEGER NOT NULL,
	pages   INTEGER NOT NULL,
	credits REAL    NOT NULL,
	PRIMARY KEY (bucket, origin, kind, preset)
) WITHOUT ROWID;
INSERT INTO usage_buckets
	SELECT completed_at / 900000, 'local', kind, preset, count(*), sum(pages), sum(coalesce(credits, 0))
	FROM jobs WHERE completed_at IS NOT NULL GROUP BY 1, 3, 4;
CREATE TRIGGER jobs_usage_insert AFTER INSERT ON jobs WHEN new.completed_at IS NOT NULL BEGIN
	INSERT INTO usage_buckets VALUES (new.completed_at / 900000, 'local', new.kind, new.preset, 1, new.pages, coalesce(new.credits, 0))
		ON CONFLICT(bucket, origin, kind, preset) DO UPDATE SET jobs = jobs + 1, pages = pages + excluded.pages, credits = credits + excluded.credits;
END;
CREATE TRIGGER jobs_usage_update AFTER UPDATE ON jobs
	WHEN old.completed_at IS NOT new.completed_at OR old.pages IS NOT new.pages OR old.credits IS NOT new.credits
		OR old.kind IS NOT new.kind OR old.preset IS NOT new.preset BEGIN
	UPDATE usage_buckets SET jobs = jobs - 1, pages = pages - old.pages, credits = credits - coalesce(old.credits, 0)
		WHERE old.completed_at IS NOT NULL AND bucket = old.completed_at / 900000 AND origin = 'local' AND kind = old.kind AND preset = old.preset;
	INSERT INTO usage_buckets SELECT new.completed_at / 900000, 'local', new.kind, new.preset, 1, new.pages, coalesce(new.credits, 0)
		WHERE new.completed_at IS NOT NULL
		ON CONFLICT(bucket, origin, kind, preset) DO UPDATE SET jobs = jobs + 1, pages = pages + excluded.pages, credits = credits + excluded.credits;
END;
CREATE TRIGGER jobs_usage_delete AFTER DELETE ON jobs WHEN old.completed_at IS NOT NULL BEGIN
	UPDATE usage_buckets SET jobs = jobs - 1, pages = pages - old.pages, credits = credits - coalesce(old.credits, 0)
		WHERE bucket = old.completed_at / 900000 AND origin = 'local' AND kind = old.kind AND preset = old.preset;
END;
CREATE TRIGGER account_usage_insert AFTER INSERT ON account_jobs WHEN new.completed_at IS NOT NULL BEGIN
	INSERT INTO usage_buckets VALUES (new.completed_at / 900000, 'account', new.kind, '', 1, new.pages, coalesce(new.credits, 0))
		ON CONFLICT(bucket, origin, kind, preset) DO UPDATE SET jobs = jobs + 1, pages = pages + excluded.pages, credits = credits + excluded.credits;
END;
CREATE TRIGGER account_usage_update AFTER UPDATE ON account_jobs
	WHEN old.completed_at IS NOT new.completed_at OR old.pages IS NOT new.pages OR old.credits IS NOT new.credits OR old.kind IS NOT new.kind BEGIN
	UPDATE usage_buckets SET jobs = jobs - 1, pages = pages - old.pages, credits = credits - coalesce(old.credits, 0)
		WHERE old.completed_at IS NOT NULL AND bucket = old.completed_at / 900000 AND origin = 'account' AND kind = old.kind AND preset = '';
	INSERT INTO usage_buckets SELECT new.completed_at / 900000, 'account', new.kind, '', 1, new.pages, coalesce(new.credits, 0)
		WHERE new.completed_at IS NOT NULL
		ON CONFLICT(bucket, origin, kind, preset) DO UPDATE SET jobs = jobs + 1, pages = pages + excluded.pages, credits = credits + excluded.credits;
END;

-- Small facts the app remembers across restarts (the month a budget
-- notification was shown, the last account catch-up).
CREATE TABLE app_state (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
`},
	{name: "delivery log and forwards", sql: `
-- Every request to the webhook endpoints and every relay event, with the
-- receiver's verdict (jobs/store/store_delivery_log.go). size is what the
-- row counts for in the log's cap; headers NULL = a summary.
CREATE TABLE delivery_log (
	seq         INTEGER PRIMARY KEY,
	id          TEXT    NOT NULL,            -- svix-id/webhook-id or a local id
	received_at INTEGER NOT NULL,            -- unix ms
	via         TEXT    NOT NULL,            -- svix|direct|relay
	verdict     TEXT    NOT NULL,
	reason      TEXT    NOT NULL DEFAULT '',
	job_id      TEXT    NOT NULL DEFAULT '',
	status      TEXT    NOT NULL DEFAULT '',
	http_status INTEGER NOT NULL,
	headers     TEXT,                        -- JSON object
	body        BLOB,
	body_size   INTEGER NOT NULL DEFAULT 0,
	summary     INTEGER NOT NULL DEFAULT 0,
	size        INTEGER NOT NULL
);
CREATE INDEX delivery_log_received ON delivery_log(received_at);
CREATE INDEX delivery_log_verdict ON delivery_log(verdict, seq);

-- The durable forwarding queue: one row per delivery and target, sent per
-- target in seq order (receiver/forward).
CREATE TABLE forwards (
	seq        INTEGER PRIMARY KEY,
	entry      INTEGER NOT NULL REFERENCES delivery_log(seq) ON DELETE CASCADE,
	url        TEXT    NOT NULL,
	state      TEXT    NOT NULL,             -- retrying|delivered|failed
	code       INTEGER NOT NULL DEFAULT 0,
	attempts   INTEGER NOT NULL DEFAULT 0,
	next_try   INTEGER NOT NULL DEFAULT 0,   -- unix ms, 0 = now
	last_error TEXT    NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL
);
CREATE INDEX forwards_entry ON forwards(entry);
CREATE INDEX forwards_due ON forwards(url, seq) WHERE state = 'retrying';
`},
	{name: "watched files' identity and ledger retention", sql: `
-- The device and inode of the file a ledger row describes (0 = unknown,
-- rows older than this step): with size and mtime they tell the version
-- that was processed from a newer file or a link saved at the same path.
ALTER TABLE watch_ledger ADD COLUMN dev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE watch_ledger ADD COLUMN ino INTEGER NOT NULL DEFAULT 0;
-- The start of a folder reads its rows by folder and preset.
CREATE INDEX watch_ledger_folder ON watch_ledger(folder, preset, id);
`},
	{name: "full-text search of results", sql: `
-- The text of every stored result, one row per parse page, extract field
-- or split section (jobs/store/store_search.go), deflated: the FTS5 table
-- below reads it through the view search_content (unzip_text is a Go
-- function the store registers), so the text is kept once and small.
-- starts maps a parse page's byte offsets to its blocks (varints: the
-- first block's index, then each block's start), so a hit opens at its
-- block and box.
CREATE TABLE search_text (
	id     INTEGER PRIMARY KEY,
	job    INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
	page   INTEGER NOT NULL DEFAULT 0,    -- 1-based; 0 = none
	field  TEXT    NOT NULL DEFAULT '',   -- an extract field's path
	starts BLOB,
	ztext  BLOB    NOT NULL               -- raw deflate of the text
);
CREATE INDEX search_text_job ON search_text(job);
CREATE VIEW search_content AS SELECT id, unzip_text(ztext) AS text FROM search_text;
-- Words folded for case and accents; CJK runs are stored with a zero-width
-- space between characters so each is a token (store_search.go says why).
-- Rows are added to it by the store with their plain text (no trigger: it
-- would inflate what was just deflated); a deleted row leaves it here.
CREATE VIRTUAL TABLE search_fts USING fts5(text, content='search_content', content_rowid='id',
	tokenize='unicode61 remove_diacritics 2');
-- FTS5 merges its segments as it writes, and a merge of many can take a
-- tenth of a second on the single write connection the engine and the
-- receiver share: merging is left to the indexer instead, in small
-- bounded steps (Store.MergeSearchIndex) between its own transactions.
INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 0);
INSERT INTO search_fts(search_fts, rank) VALUES ('crisismerge', 1000);
CREATE TRIGGER search_text_ad AFTER DELETE ON search_text BEGIN
	INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, unzip_text(old.ztext));
END;
-- Which results the index holds: state 0 while a result's rows are being
-- written (over several small transactions), 1 once all are. A result with
-- no row, or with state 0, is due (the backfill of an older history, a
-- result replaced, a pass interrupted by a quit).
CREATE TABLE search_docs (
	job   INTEGER PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
	state INTEGER NOT NULL
);
CREATE TRIGGER search_results_au AFTER UPDATE OF compressed ON results BEGIN
	DELETE FROM search_docs WHERE job = new.job;
END;
`},
	{name: "forward refusals apart from a target that is down", sql: `
-- How many attempts the target refused (non-2xx, or failed after
-- connecting): these park a forward as failed after their limit, while
-- attempts at a target that is not listening do not (receiver/forward).
ALTER TABLE forwards ADD COLUMN refusals INTEGER NOT NULL DEFAULT 0;
`},
	{name: "engine leases on uploads", sql: `
-- The engines running on this database (normally one; two during a
-- relaunch while the first quits), each with a heartbeat, and which engine
-- is uploading a job: an engine resumes an 'uploading' job only when its
-- claimer is gone (no heartbeat for a while), so a live engine's upload is
-- never looked up and sent a second time.
CREATE TABLE engines (
	id   TEXT PRIMARY KEY,
	beat INTEGER NOT NULL -- unix ms of the last heartbeat
) STRICT;
ALTER TABLE jobs ADD COLUMN claimed_by TEXT;
`},
	{name: "filled documents of edit jobs", sql: `
-- An edit's result names its filled PDF by a presigned link that expires:
-- the bytes are kept here, one row per job, gone with the job.
CREATE TABLE documents (
	job  INTEGER PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
	size INTEGER NOT NULL,
	data BLOB    NOT NULL
);
`},
	{name: "classify categories", sql: `
-- The category a classify job chose, and the one a routed job was sent
-- on for (contract: jobs --json "category"); '' when none.
ALTER TABLE jobs ADD COLUMN category TEXT NOT NULL DEFAULT '';
-- A route to an extract or split looks for a parse of the same document
-- to run on with jobid:// instead of uploading it again.
CREATE INDEX jobs_parse_file ON jobs(file, id) WHERE kind = 'parse';
`},
}

// SchemaVersion is the schema this build writes (the number of migration
// steps): fixtures cached across test runs are keyed by it, so one built
// by another schema is never picked up.
func SchemaVersion() int { return len(migrations) }

// migrate brings db up to len(steps). Another process (or another *Store
// in this one) may be opening the same fresh file at the same instant, so
// each step reads user_version inside a BEGIN IMMEDIATE transaction: the
// write lock is held from the read to the commit, and a step another opener
// has already applied is never run twice ("table jobs already exists").
func migrate(ctx context.Context, db *sql.DB, steps []migration) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	for {
		done, err := migrateStep(ctx, conn, steps)
		if err != nil || done {
			return err
		}
	}
}

// migrateStep applies the step after the current version, if any, in one
// exclusive transaction together with the version bump, and reports
// whether the schema was already up to date.
func migrateStep(ctx context.Context, conn *sql.Conn, steps []migration) (done bool, err error) {
	// Explicit rather than through BeginTx, so that the lock does not
	// depend on the DSN's _txlock: a deferred transaction would read the
	// version under a shared lock and then fail to upgrade it.
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return false, fmt.Errorf("migrate: take the write lock: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			// A background context: the rollback must run even when ctx
			// is what ended the step, or the connection keeps the lock.
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	var v int
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return false, fmt.Errorf("read schema version: %w", err)
	}
	if v > len(steps) {
		return false, fmt.Errorf("schema version %d is newer than this build knows (%d): refusing to touch it", v, len(steps))
	}
	if v == len(steps) {
		return true, nil
	}
	m := steps[v]
	if _, err := conn.ExecContext(ctx, m.sql); err != nil {
		return false, fmt.Errorf("migration %d (%s): %w", v+1, m.name, err)
	}
	// user_version lives in the database header, which the transaction
	// covers: the bump commits or rolls back with the step.
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
		return false, fmt.Errorf("migration %d (%s): set version: %w", v+1, m.name, err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return false, fmt.Errorf("migration %d (%s): commit: %w", v+1, m.name, err)
	}
	committed = true
	return false, nil
}
