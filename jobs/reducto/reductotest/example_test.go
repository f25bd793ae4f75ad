package reductotest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/reductotray/reducto-tray/jobs/clock"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// A test starts the simulator like an httptest server, points its client at
// URL, and asserts on what the simulator saw.
func Example() {
	sim := reductotest.NewServer(reductotest.Config{
		APIKey: "k",
		Clock:  clock.NewScaled(1000), // a 3 s job takes 3 ms
	})
	defer sim.Close()

	req, _ := http.NewRequest(http.MethodPost, sim.URL+"/parse_async",
		strings.NewReader(`{"input":"https://example.com/a.pdf","async":{"metadata":{"ref":"r-1"}}}`))
	req.Header.Set("Authorization", "Bearer k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	var sub struct {
		JobID string `json:"job_id"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&sub)
	resp.Body.Close()

	if err := sim.WaitForStatus(sub.JobID, "Completed", 5*time.Second); err != nil {
		panic(err)
	}
	fmt.Println(len(sim.JobsWithMetadata("ref", "r-1")), "job for r-1")
	// Output: 1 job for r-1
}
