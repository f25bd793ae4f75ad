package reductotest

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/google/uuid"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// extOf returns a file name's extension with its dot, lower-cased.
func extOf(name string) string {
	return strings.ToLower(filepath.Ext(name))
}

// handleUpload implements POST /upload: a multipart "file" is counted
// (not kept; with Config.Layout, read for its text first) and answered with its file id; without a file the answer also
// carries a presigned URL on the simulator itself.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	ext := strings.TrimPrefix(r.URL.Query().Get("extension"), ".")
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		s.uploadMultipart(w, r, ext)
		return
	}
	id := uuid.NewString()
	fileID := "reducto://" + id
	if ext != "" {
		fileID += "." + ext
	}
	s.mu.Lock()
	s.state.files[fileID] = &fileRec{ID: fileID, Name: id + "." + ext, Created: s.clk.Now()}
	s.state.presigned[id] = fileID
	s.dirtyLocked()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, reducto.Upload{FileID: fileID, PresignedURL: s.baseURL() + "/presigned/" + id})
}

func (s *Server) uploadMultipart(w http.ResponseWriter, r *http.Request, ext string) {
	// Slack for the multipart framing around a file of the maximum size.
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		writeDetail(w, http.StatusBadRequest, "Invalid multipart body: "+err.Error())
		return
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			writeDetail(w, http.StatusBadRequest, "Invalid multipart body: "+err.Error())
			return
		}
		if part.FormName() != "file" {
			_ = part.Close()
			continue
		}
		name := part.FileName()
		n, data, err := s.readUpload(io.LimitReader(part, s.cfg.MaxUploadBytes+1))
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) || n > s.cfg.MaxUploadBytes {
			writeDetail(w, http.StatusRequestEntityTooLarge, "File too large: direct uploads are limited to 100 MB; use the presigned flow")
			return
		}
		if err != nil {
			writeDetail(w, http.StatusBadRequest, "Reading the upload: "+err.Error())
			return
		}
		if ext == "" {
			ext = strings.TrimPrefix(extOf(name), ".")
		}
		fileID := "reducto://" + uuid.NewString()
		if ext != "" {
			fileID += "." + ext
		}
		layout := s.layoutOf(data, name)
		s.mu.Lock()
		f := &fileRec{ID: fileID, Name: name, Size: n, Uploaded: true, Created: s.clk.Now(), layout: layout}
		s.state.files[fileID] = f
		s.keepDocLocked(f, data)
		s.dirtyLocked()
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, reducto.Upload{FileID: fileID})
		return
	}
	writeValidation(w, fieldError{Loc: []any{"body", "file"}, Msg: "Field required", Type: "missing"})
}

// handlePresignedPut stores (counts) the bytes of a presigned upload, read
// for their text first with Config.Layout. Like
// an S3 presigned URL it needs no API key.
func (s *Server) handlePresignedPut(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	fileID, ok := s.state.presigned[id]
	s.mu.Unlock()
	if !ok {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	n, data, err := s.readUpload(http.MaxBytesReader(w, r.Body, 5<<30))
	if err != nil {
		writeDetail(w, http.StatusBadRequest, "Reading the upload: "+err.Error())
		return
	}
	s.mu.Lock()
	name := ""
	if f := s.state.files[fileID]; f != nil {
		name = f.Name
	}
	s.mu.Unlock()
	layout := s.layoutOf(data, name)
	s.mu.Lock()
	if f := s.state.files[fileID]; f != nil {
		f.Size, f.Uploaded, f.layout = n, true, layout
		s.keepDocLocked(f, data)
	}
	s.dirtyLocked()
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// handleDeleteUpload implements DELETE /upload/{file_id}.
func (s *Server) handleDeleteUpload(w http.ResponseWriter, r *http.Request) {
	fileID := r.PathValue("file_id")
	if !strings.HasPrefix(fileID, "reducto://") {
		// A path cleaner may have folded "reducto://" to "reducto:/".
		fileID = strings.Replace(fileID, "reducto:/", "reducto://", 1)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.state.files[fileID]; !ok {
		writeDetail(w, http.StatusNotFound, "File not found")
		return
	}
	delete(s.state.files, fileID)
	s.dirtyLocked()
	writeJSON(w, http.StatusOK, reducto.Upload{FileID: fileID})
}
