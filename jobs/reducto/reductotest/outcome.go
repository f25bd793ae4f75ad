package reductotest

import "strings"

// FailNamesContaining returns an Outcome that fails jobs whose file name
// contains substr (case-insensitive), so a sandbox user can provoke a
// failure by naming a file, e.g. "broken-scan.pdf".
func FailNamesContaining(substr string) func(Submission) (bool, string) {
	substr = strings.ToLower(substr)
	return func(sub Submission) (bool, string) {
		if strings.Contains(strings.ToLower(sub.FileName), substr) {
			return true, "Failed to process " + sub.FileName + ": the document could not be read (simulated)"
		}
		return false, ""
	}
}
