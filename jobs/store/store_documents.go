package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/reductotray/reducto-tray/jobs"
)

// MaxDocumentBytes bounds a document kept in the history (an edit's filled
// PDF): the engine's download stops there too, so a hostile or broken link
// cannot fill the disk through the history.
const MaxDocumentBytes = 256 << 20

// documentCap is MaxDocumentBytes, lowered by tests.
var documentCap = MaxDocumentBytes

// putDocument stores job id's document inside tx (Update's transaction, so
// the document lands with the completion or not at all); nil stores
// nothing.
func putDocument(ctx context.Context, tx *sql.Tx, id int64, doc []byte) error {
	if doc == nil {
		return nil
	}
	if len(doc) > documentCap {
		return fmt.Errorf("store document: %s is over the limit of %s", jobs.SizeText(int64(len(doc))), jobs.SizeText(int64(documentCap)))
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO documents(job, size, data) VALUES (?, ?, ?)
		ON CONFLICT(job) DO UPDATE SET size = excluded.size, data = excluded.data`, id, len(doc), doc); err != nil {
		return fmt.Errorf("store document: %w", err)
	}
	return nil
}

// Document returns the document kept for job id (an edit's filled PDF), or
// ErrNotFound when none was.
func (s *Store) Document(ctx context.Context, id int64) ([]byte, error) {
	var data []byte
	err := s.r.QueryRowContext(ctx, `SELECT data FROM documents WHERE job = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("document of job %d: %w", id, jobs.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("document of job %d: %w", id, err)
	}
	return data, nil
}
