package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// maxRowsPerInsert bounds one multi-row INSERT (a power of two): large
// enough that a group commit's rows take a few statements, small enough
// that the prepared texts stay short.
const maxRowsPerInsert = 64

// multiInsert is an INSERT of 1, 2, 4 … maxRowsPerInsert rows, each size
// prepared on the write connection when the store opens: that connection
// is the only one and a transaction holds it, so nothing can be prepared
// on it lazily inside the group commit. The receiver's group commit writes
// its log rows and forwards with one statement per chunk (n rows take
// popcount(n) statements) instead of one per row: each run costs a VDBE
// start and a round of Go/SQLite calls, paid while every sender of the
// batch waits for the commit.
type multiInsert struct {
	stmts []*sql.Stmt // stmts[k] inserts 1<<k rows
}

// prepareMultiInsert prepares head followed by 1, 2, 4 … copies of row.
func prepareMultiInsert(w *sql.DB, head, row string) (*multiInsert, error) {
	m := &multiInsert{}
	for n := 1; n <= maxRowsPerInsert; n *= 2 {
		var b strings.Builder
		b.Grow(len(head) + n*(len(row)+1))
		b.WriteString(head)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(row)
		}
		st, err := w.Prepare(b.String())
		if err != nil {
			return nil, errors.Join(fmt.Errorf("prepare a %d-row insert: %w", n, err), m.close())
		}
		m.stmts = append(m.stmts, st)
	}
	return m, nil
}

// chunk returns how many of n rows the next statement inserts: the
// largest prepared size not above n.
func chunk(n int) int {
	c := maxRowsPerInsert
	for c > n {
		c /= 2
	}
	return c
}

// exec inserts n rows (n a prepared size, see chunk) with args in tx.
func (m *multiInsert) exec(ctx context.Context, tx *sql.Tx, n int, args []any) (sql.Result, error) {
	k := 0
	for 1<<k < n {
		k++
	}
	if 1<<k != n || k >= len(m.stmts) {
		return nil, fmt.Errorf("no prepared %d-row insert", n)
	}
	return tx.StmtContext(ctx, m.stmts[k]).ExecContext(ctx, args...)
}

// close closes every prepared statement.
func (m *multiInsert) close() error {
	var errs []error
	for _, st := range m.stmts {
		errs = append(errs, st.Close())
	}
	m.stmts = nil
	return errors.Join(errs...)
}
