package reductotest

import (
	"net/http"
	"time"
)

// deleteLocked tombstones a job as DELETE /job does: reads answer 409
// while Config.DeletingFor runs, then 410 Gone.
func (s *Server) deleteLocked(j *job, now time.Time) {
	j.Deleted, j.DeletedAt = true, now
	s.dirtyLocked()
	s.notifyLocked()
}

// writeMissingLocked answers for a job id lookupLocked did not find: 409
// while a deletion runs, 410 once deleted, else 404 (unknown or expired,
// which Reducto answers without saying which).
func (s *Server) writeMissingLocked(w http.ResponseWriter, id string, now time.Time) {
	j := s.state.jobs[id]
	switch {
	case j != nil && j.Deleted && now.Sub(j.DeletedAt) < s.cfg.DeletingFor:
		s.writeError(w, http.StatusConflict, "JobDeleting", "Job is being deleted")
	case j != nil && j.Deleted && now.Sub(j.Created) <= s.cfg.JobTTL:
		s.writeError(w, http.StatusGone, "JobDeleted", "Job has been deleted")
	default:
		s.writeError(w, http.StatusNotFound, "JobNotFound", "Job not found")
	}
}

// DeleteJob deletes a job as if DELETE /job/{id} had been called (or the
// user had deleted it in Reducto Studio): GET /job then answers 409 for
// Config.DeletingFor and 410 Gone after that, and the job leaves GET
// /jobs. It reports whether the job existed and was not already gone.
func (s *Server) DeleteJob(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clk.Now()
	j := s.lookupLocked(id, now)
	if j == nil {
		return false
	}
	s.deleteLocked(j, now)
	return true
}
