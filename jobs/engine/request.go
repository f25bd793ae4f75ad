package engine

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// sender sends the one request that creates a job of one kind at Reducto
// and returns Reducto's job id. input is the uploaded document's
// reducto:// id or a chained job's jobid:// input; raw holds the options'
// raw request fields (a preset's "request"), already checked, to merge
// over the request the form's options build. Each kind registers its
// sender from its own file (kind_parse.go, ...).
type sender func(ctx context.Context, e *Engine, job jobs.Job, input string, raw json.RawMessage) (string, error)

// senders are the registered kinds' senders.
var senders = map[jobs.Kind]sender{}

// registerSender adds kind's sender; each kind's file calls it from init.
func registerSender(kind jobs.Kind, s sender) {
	if _, dup := senders[kind]; dup {
		panic(fmt.Sprintf("engine: sender for %q registered twice", kind))
	}
	senders[kind] = s
}

// finisher is a kind's own step once its completed result is in hand,
// before the completion is stored: it may add to the patch (an edit keeps
// its filled document). An error wrapped by finalError fails the job;
// any other is looked at again later, as a result that could not be
// downloaded is.
type finisher func(ctx context.Context, e *Engine, job jobs.Job, result json.RawMessage, p *store.Patch) error

// finishers are the kinds' finishers, for the kinds that have one.
var finishers = map[jobs.Kind]finisher{}

// registerFinisher adds kind's finisher; the kind's file calls it from init.
func registerFinisher(kind jobs.Kind, f finisher) {
	if _, dup := finishers[kind]; dup {
		panic(fmt.Sprintf("engine: finisher for %q registered twice", kind))
	}
	finishers[kind] = f
}

// finalError marks a finisher's failure that asking again will not mend.
type finalError struct{ err error }

func (f finalError) Error() string { return f.err.Error() }
func (f finalError) Unwrap() error { return f.err }

// syncSender runs a kind Reducto answers at once (POST /classify): it
// returns Reducto's id for the job and the finished job as GET /job would
// give it, result and all, which the engine records as it records the end
// of an async job (finish.go). The engine runs it as a job all the same:
// queued, uploaded, retried through faults, bounded in time (sync.go).
type syncSender func(ctx context.Context, e *Engine, job jobs.Job, input string, raw json.RawMessage) (jobID string, done *reducto.Job, err error)

// syncSenders are the registered synchronous kinds' senders.
var syncSenders = map[jobs.Kind]syncSender{}

// registerSyncSender adds a synchronous kind's sender; each kind's file
// calls it from init.
func registerSyncSender(kind jobs.Kind, s syncSender) {
	if _, dup := syncSenders[kind]; dup {
		panic(fmt.Sprintf("engine: sync sender for %q registered twice", kind))
	}
	syncSenders[kind] = s
}

// rawFields returns the options' raw request fields for the client to
// merge over the request the form options build, or an error that names
// them if they cannot be (an older job stored with bad ones).
func rawFields(o jobs.Options) (json.RawMessage, error) {
	spec, ok := o.Kind.Spec()
	if !ok {
		return nil, fmt.Errorf("unknown kind %q", o.Kind)
	}
	if err := jobs.CheckRawRequest(o.Request, spec.AppFields); err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	return o.Request, nil
}

// parsingFor is the parse options an extract or split carries: none on a
// jobid:// input, where Reducto ignores them.
func parsingFor(o jobs.Options) *reducto.ParseOptions {
	if o.From != "" {
		return nil
	}
	return parsingOf(o.Parse)
}
