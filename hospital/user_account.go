package hospital

import (
	"fmt"
	"strings"
	"time"
)

var accountColumns = []string{"account_id", "login_name", "staff_id", "role", "created_at", "last_login", "active"}

// accountRows returns the rows of emr.user_account: one account per staff
// member (account_id = staff_id) with the role of their post, created
// before the history window, last used within a month of until; a few of
// the doctors' are deactivated.
func accountRows(seed int64, start, until time.Time) [][]any {
	r := seedRand(uint64(seed), domainAccount)
	rows := make([][]any, 0, len(hospitalStaff.members))
	for _, m := range hospitalStaff.members {
		created := start.AddDate(0, 0, -between(r, 30, 3650)).Add(minutes(r, 8*60, 17*60))
		login := until.Add(-minutes(r, 10, 30*24*60)).Truncate(time.Second)
		active := !chance(r, 0.03) || m.role != roleDoctor
		rows = append(rows, []any{m.id, strings.ToLower(fmt.Sprintf("s%04d", m.id)), m.id, m.role,
			created.Truncate(time.Second), login, active})
	}
	return rows
}
