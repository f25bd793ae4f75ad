package settings

import (
	"fmt"
	"time"
)

// DefaultAccountRetentionDays is how long the account's other jobs are
// kept: long enough to look back over a quarter, short enough that an
// account shared by busy scripts does not grow the history for ever.
const DefaultAccountRetentionDays = 90

// MaxAccountRetentionDays bounds the setting at ten years, beyond which a
// typo (a year typed as days) is likelier than a wish.
const MaxAccountRetentionDays = 3650

// checkAccountRetention is Validate's rule for AccountRetentionDays.
func checkAccountRetention(days int) error {
	if days < 1 || days > MaxAccountRetentionDays {
		return fmt.Errorf("keep account jobs for %d days: must be between 1 and %d", days, MaxAccountRetentionDays)
	}
	return nil
}

// AccountRetention is how long account jobs are kept. A value the file
// holds but Validate would refuse (0 from a hand edit) reads as the
// default, so a bad file never prunes everything.
func (s Settings) AccountRetention() time.Duration {
	days := s.AccountRetentionDays
	if checkAccountRetention(days) != nil {
		days = DefaultAccountRetentionDays
	}
	return time.Duration(days) * 24 * time.Hour
}
