package hospital

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Roles of emr.user_account, one per kind of staff member.
const (
	roleDoctor     = "doctor" // physicians, radiologists included
	roleNurse      = "nurse"
	rolePharmacist = "pharmacist"
	roleCoder      = "coder"
	roleTechnician = "technician"
	roleAdmin      = "admin"
)

// staffMember is a row of emr.staff without the name the seed gives it.
type staffMember struct {
	id        int32
	dept      int32
	role      string
	title     phrase
	seniority int // 0 the most senior; older staff are more senior
}

// post is a kind of position a department fills: n members with the title.
type post struct {
	role  string
	title phrase
	n     int
}

var (
	doctorTitles = map[string]string{"chief physician": "主任医师", "associate chief physician": "副主任医师",
		"attending physician": "主治医师", "resident physician": "住院医师"}
	wardNurses = []post{{roleNurse, phrase{"head nurse", "护士长"}, 1}, {roleNurse, phrase{"nurse-in-charge", "主管护师"}, 2},
		{roleNurse, phrase{"senior nurse", "护师"}, 2}, {roleNurse, phrase{"staff nurse", "护士"}, 3}}
	clinicNurses = []post{{roleNurse, phrase{"nurse-in-charge", "主管护师"}, 1}, {roleNurse, phrase{"staff nurse", "护士"}, 1}}
	// ancillaryPosts are the positions of the departments that are not clinical.
	ancillaryPosts = map[string][]post{
		deptRadiology: {{roleDoctor, phrase{"chief radiologist", "主任医师（放射）"}, 1}, {roleDoctor, phrase{"associate chief radiologist", "副主任医师（放射）"}, 1},
			{roleDoctor, phrase{"attending radiologist", "主治医师（放射）"}, 2}, {roleDoctor, phrase{"resident radiologist", "住院医师（放射）"}, 1},
			{roleTechnician, phrase{"chief radiologic technologist", "主管技师"}, 1}, {roleTechnician, phrase{"radiologic technologist", "技师"}, 3}},
		deptPharmacy: {{rolePharmacist, phrase{"chief pharmacist", "主任药师"}, 1}, {rolePharmacist, phrase{"pharmacist-in-charge", "主管药师"}, 2},
			{rolePharmacist, phrase{"pharmacist", "药师"}, 3}, {roleTechnician, phrase{"pharmacy technician", "药士"}, 2}},
		deptRecords: {{roleCoder, phrase{"head of medical records", "病案科主任"}, 1}, {roleCoder, phrase{"senior medical coder", "主管病案编码员"}, 2},
			{roleCoder, phrase{"medical coder", "病案编码员"}, 3}},
	}
	deptAdmin = phrase{"department administrator", "科室行政秘书"}
)

// staffTable is the hospital's staff by kind: who writes which rows.
type staffTable struct {
	members                  []staffMember // in staff_id order; empty when read from an EMR
	doctors, nurses          map[int32][]int32
	radiologists, pharmacist []int32
	coders                   []int32
}

// hospitalStaff is the staff Generate writes: the clinical departments'
// doctors first (ids 1 to 65, as before there was other staff), then each
// department's nurses and the radiology, pharmacy and medical-records
// departments' staff, then an administrator per department.
var hospitalStaff = buildStaff()

func buildStaff() *staffTable {
	t := newStaffTable()
	add := func(dept int32, role string, title phrase, seniority int) {
		m := staffMember{id: int32(len(t.members) + 1), dept: dept, role: role, title: title, seniority: seniority}
		t.members = append(t.members, m)
		t.add(m.id, dept, departments[dept-1].code, role)
	}
	for i := range departments[:clinicalDepts] {
		for j, title := range staffTitles {
			add(int32(i+1), roleDoctor, phrase{title, doctorTitles[title]}, j)
		}
	}
	for i, d := range departments {
		posts := ancillaryPosts[d.code]
		switch d.kind {
		case "inpatient", "emergency":
			posts = wardNurses
		case "outpatient":
			posts = clinicNurses
		}
		for j, p := range posts {
			for range p.n {
				add(int32(i+1), p.role, p.title, j)
			}
		}
	}
	for i := range departments {
		add(int32(i+1), roleAdmin, deptAdmin, 2)
	}
	return t
}

func newStaffTable() *staffTable {
	return &staffTable{doctors: map[int32][]int32{}, nurses: map[int32][]int32{}}
}

// add files staff member id of the department under its role.
func (t *staffTable) add(id, dept int32, deptCode, role string) {
	switch role {
	case roleDoctor:
		if deptCode == deptRadiology {
			t.radiologists = append(t.radiologists, id)
		} else {
			t.doctors[dept] = append(t.doctors[dept], id)
		}
	case roleNurse:
		t.nurses[dept] = append(t.nurses[dept], id)
	case rolePharmacist:
		t.pharmacist = append(t.pharmacist, id)
	case roleCoder:
		t.coders = append(t.coders, id)
	}
}

// shift is eight hours: staff on duty change three times a day.
const shift = 8 * time.Hour

// onDuty returns the member of staff on duty at t, rotating by shift, or 0
// (written as NULL) when there is nobody. salt spreads patients across a
// shift's staff.
func onDuty(staff []int32, t time.Time, salt int64) int32 {
	if len(staff) == 0 {
		return 0
	}
	n := int64(len(staff))
	i := (t.Unix()/int64(shift/time.Second) + salt) % n
	if i < 0 {
		i += n
	}
	return staff[i]
}

// nurse returns the nurse of the department caring for registration reg at t.
func (t *staffTable) nurse(dept int32, reg int64, at time.Time) int32 {
	return onDuty(t.nurses[dept], at, reg)
}

// loadStaff reads the staff by kind from the EMR, by their accounts'
// roles; an EMR written before there were other staff than doctors has
// no nurses, pharmacists, radiologists or coders, and the rows they would
// sign are then signed by nobody (NULL).
func loadStaff(ctx context.Context, q pgx.Tx) (*staffTable, error) {
	rows, err := q.Query(ctx, `SELECT s.staff_id, s.dept_id, d.code, a.role FROM emr.staff s
		JOIN emr.department d USING (dept_id) JOIN emr.user_account a USING (staff_id)
		ORDER BY s.staff_id`)
	if err != nil {
		return nil, fmt.Errorf("hospital: read staff: %w", err)
	}
	t := newStaffTable()
	var id, dept int32
	var code, role string
	_, err = pgx.ForEachRow(rows, []any{&id, &dept, &code, &role}, func() error {
		t.add(id, dept, code, role)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hospital: read staff: %w", err)
	}
	return t, nil
}

// nullID returns a staff id, or nil for 0.
func nullID(id int32) any {
	if id == 0 {
		return nil
	}
	return id
}
