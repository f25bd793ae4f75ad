package pages

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/klippa-app/go-pdfium"
	pdferrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// memoryLimitPages caps PDFium's linear memory (64 KiB pages): 1 GiB, far
// above what a real document needs, so a hostile one fails instead of
// taking the machine's memory.
const memoryLimitPages = 16384

// engine is one running PDFium sandbox: the wazero runtime, its one
// instance and the documents open in it. Only the Renderer's loop goroutine
// touches it.
type engine struct {
	pool pdfium.Pool
	inst pdfium.Pdfium
	docs map[uint64]references.FPDF_DOCUMENT
}

// startEngine compiles (or loads from the compilation cache) and
// instantiates PDFium. The module sees no host file system: documents are
// handed over as bytes, so a document can never make PDFium read a file.
func startEngine(cache wazero.CompilationCache, interpret bool) (*engine, error) {
	rc := wazero.NewRuntimeConfig()
	if interpret {
		rc = wazero.NewRuntimeConfigInterpreter()
	}
	rc = rc.
		// The bundled module lowers setjmp/longjmp to exception handling.
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		// Lets Kill stop a render stuck in a loop (checked at loop heads).
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(memoryLimitPages)
	if cache != nil {
		rc = rc.WithCompilationCache(cache)
	}
	pool, err := webassembly.Init(webassembly.Config{
		MinIdle: 1, MaxIdle: 1, MaxTotal: 1,
		RuntimeConfig: rc,
		FSConfig:      wazero.NewFSConfig(),
		Stdout:        io.Discard,
		Stderr:        io.Discard,
		ReuseWorkers:  true,
	})
	if err != nil {
		return nil, fmt.Errorf("start pdfium: %w", err)
	}
	inst, err := pool.GetInstance(30 * time.Second)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("start pdfium instance: %w", err)
	}
	return &engine{pool: pool, inst: inst, docs: map[uint64]references.FPDF_DOCUMENT{}}, nil
}

// errKilled says the sandbox was killed after a call ran past its limit;
// the engine must be closed and started afresh.
var errKilled = errors.New("render took too long; the PDF renderer was restarted")

// run calls fn with the instance, killing the sandbox when fn runs past
// limit. The caller's context is not consulted here: a call that started is
// short or killed, and stopping it half-way would leave PDFium's state
// unknown.
func (e *engine) run(limit time.Duration, fn func(*engine) error) error {
	done := make(chan error, 1)
	go func() {
		defer func() {
			// go-pdfium turns most traps into errors; be sure none escapes.
			if p := recover(); p != nil {
				done <- fmt.Errorf("pdfium: %v", p)
			}
		}()
		done <- fn(e)
	}()
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
	}
	// Cancels the worker's context: wazero ends the running call.
	_ = e.inst.Kill()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		// The call did not stop; it is abandoned with its module.
	}
	return errKilled
}

// close frees the documents, the instance and the runtime.
func (e *engine) close() {
	if e.inst != nil {
		for _, ref := range e.docs {
			_, _ = e.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: ref})
		}
		_ = e.inst.Close()
	}
	_ = e.pool.Close()
	e.docs = nil
}

// closeKilled drops a killed engine: its instance is gone already.
func (e *engine) closeKilled() {
	e.inst = nil
	_ = e.pool.Close()
	e.docs = nil
}

// document returns d's handle in this engine, opening it from its bytes the
// first time (again after a restart).
func (e *engine) document(d *Document) (references.FPDF_DOCUMENT, error) {
	if ref, ok := e.docs[d.id]; ok {
		return ref, nil
	}
	if d.isClosed() {
		// A render queued before Close must not open it again (it would
		// stay open in PDFium until the idle shutdown).
		return "", ErrClosed
	}
	data, err := d.load()
	if err != nil {
		return "", err
	}
	res, err := e.inst.OpenDocument(&requests.OpenDocument{File: &data})
	if err != nil {
		return "", pdfError(d.name, err)
	}
	e.docs[d.id] = res.Document
	return res.Document, nil
}

// closeDocument frees d in this engine if it is open.
func (e *engine) closeDocument(id uint64) {
	if ref, ok := e.docs[id]; ok {
		_, _ = e.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: ref})
		delete(e.docs, id)
	}
}

// pdfError turns PDFium's error codes into the package's errors.
func pdfError(name string, err error) error {
	switch {
	case errors.Is(err, pdferrors.ErrPassword):
		return fmt.Errorf("open %s: %w", name, ErrPassword)
	case errors.Is(err, pdferrors.ErrFormat), errors.Is(err, pdferrors.ErrFile):
		return fmt.Errorf("open %s: %w: %v", name, ErrUnreadable, err)
	}
	return fmt.Errorf("open %s: %w", name, err)
}
