package dashboards

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Bounds of the days parameter, the window of the admissions chart and of
// the mean length of stay.
const (
	defaultDays = 30
	maxDays     = 3650
	dateLayout  = "2006-01-02"
)

// summary is /api/summary's answer.
type summary struct {
	Snapshot    string      `json:"snapshot"`
	Persons     int64       `json:"persons"`
	Visits      visitCounts `json:"visits"`
	Conditions  int64       `json:"conditions"`
	Notes       int64       `json:"notes"`
	AdmittedNow int64       `json:"admitted_now"`
	MeanLOSDays float64     `json:"mean_los_days"` // inpatients discharged in the window
	WindowDays  int         `json:"window_days"`
}

// admissions is /api/admissions' answer: one entry per day of the window,
// oldest first, zeros included.
type admissions struct {
	Days   int         `json:"days"`
	From   string      `json:"from"`
	To     string      `json:"to"`
	Series []dayCounts `json:"series"`
}

// window is the span of days ending today that a request looks at.
type window struct {
	days     int
	from, to time.Time // midnight UTC of the first and last day
}

func (w window) fromDate() string { return w.from.Format(dateLayout) }
func (w window) toDate() string   { return w.to.Format(dateLayout) }

// window reads the days parameter (default 30, 1..3650) and returns the
// window of that many days ending on today's date by s.now.
func (s *Server) window(r *http.Request) (window, error) {
	days := defaultDays
	if v := r.URL.Query().Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxDays {
			return window{}, fmt.Errorf("invalid parameter days=%q: want a whole number of days from 1 to %d", v, maxDays)
		}
		days = n
	}
	y, m, d := s.now().Date()
	to := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return window{days: days, from: to.AddDate(0, 0, 1-days), to: to}, nil
}

// serveSummary answers the headline counts of the current snapshot; the
// optional days parameter sets the window of the mean length of stay.
func (s *Server) serveSummary(w http.ResponseWriter, r *http.Request) {
	win, err := s.window(r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	sum, err := s.summary(ctx, win)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, sum)
}

// summary queries the warehouse for the headline counts over win.
func (s *Server) summary(ctx context.Context, win window) (summary, error) {
	rd := reader{q: s.wh}
	sum := summary{WindowDays: win.days}
	if sr, ok := s.wh.(SnapshotReporter); ok {
		sum.Snapshot = sr.Snapshot().ID
	}
	var err error
	if sum.Persons, err = rd.count(ctx, "person"); err != nil {
		return summary{}, err
	}
	if sum.Visits, err = rd.visits(ctx); err != nil {
		return summary{}, err
	}
	if sum.Conditions, err = rd.count(ctx, "condition_occurrence"); err != nil {
		return summary{}, err
	}
	if sum.Notes, err = rd.count(ctx, "note"); err != nil {
		return summary{}, err
	}
	if sum.AdmittedNow, err = rd.admittedNow(ctx, win.toDate()); err != nil {
		return summary{}, err
	}
	los, err := rd.meanStayDays(ctx, win.fromDate(), win.toDate())
	if err != nil {
		return summary{}, err
	}
	sum.MeanLOSDays = math.Round(los*100) / 100
	return sum, nil
}

// serveAdmissions answers the visits started per day over the window, split
// by inpatient, outpatient and emergency.
func (s *Server) serveAdmissions(w http.ResponseWriter, r *http.Request) {
	win, err := s.window(r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	counts, err := reader{q: s.wh}.admissions(ctx, win.fromDate(), win.toDate())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	ans := admissions{Days: win.days, From: win.fromDate(), To: win.toDate(), Series: make([]dayCounts, 0, win.days)}
	for d := win.from; !d.After(win.to); d = d.AddDate(0, 0, 1) {
		day := dayCounts{Date: d.Format(dateLayout)}
		if c := counts[day.Date]; c != nil {
			day = *c
		}
		ans.Series = append(ans.Series, day)
	}
	s.writeJSON(w, r, http.StatusOK, ans)
}
