package hospital

import (
	"fmt"
	"strings"
	"time"
)

var accountColumns = []string{"account_id", "login_name", "staff_id", "role", "created_at", "last_login", "active"}

// accountRows returns the rows of emr.user_account: one doctor's account
// per staff member (account_id = staff_id), created before the history
// window, last used within a month of until; a few are deactivated.
func accountRows(seed int64, start, until time.Time) [][]any {
	r := seedRand(uint64(seed), domainAccount)
	n := len(departments) * len(staffTitles)
	rows := make([][]any, 0, n)
	for i := 1; i <= n; i++ {
		created := start.AddDate(0, 0, -between(r, 30, 3650)).Add(minutes(r, 8*60, 17*60))
		login := until.Add(-minutes(r, 10, 30*24*60)).Truncate(time.Second)
		rows = append(rows, []any{int32(i), strings.ToLower(fmt.Sprintf("s%04d", i)), int32(i), "doctor",
			created.Truncate(time.Second), login, !chance(r, 0.03)})
	}
	return rows
}
