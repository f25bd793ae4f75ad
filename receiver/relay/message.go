package relay

import "encoding/json"

// protocolVersion is the only relay protocol version there is.
const protocolVersion = 1

// frame is one relay message in either direction; data depends on type.
type frame struct {
	Type    string          `json:"type"`
	Version int             `json:"version"`
	Data    json.RawMessage `json:"data"`
}

// startData is the payload of a "start" frame: the client's c_ token going
// out, the token of the public receive URL coming back.
type startData struct {
	Token string `json:"token"`
}

// eventIn is a delivery pushed by the relay, to replay locally.
type eventIn struct {
	ID      string            `json:"id"`
	Method  string            `json:"method"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"` // base64, standard alphabet
}

// eventOut is the local answer sent back so the sender sees our status.
type eventOut struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"` // base64, standard alphabet
}

func encodeFrame(typ string, data any) ([]byte, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return nil, err
	}
	return json.Marshal(frame{Type: typ, Version: protocolVersion, Data: raw})
}
