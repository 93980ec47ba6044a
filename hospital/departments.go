package hospital

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/jackc/pgx/v5"
)

// department is a row of emr.department; its id is its position plus one.
type department struct {
	code string
	name phrase
	kind string
}

// Department kinds besides the clinical ones (inpatient, outpatient,
// emergency): medical technology (radiology, pharmacy) and administration
// (medical records).
const (
	kindAncillary      = "ancillary"
	kindAdministrative = "administrative"
)

// Codes of the departments that are not clinical.
const (
	deptRadiology = "RAD"
	deptPharmacy  = "PHARM"
	deptRecords   = "MRD"
)

var departments = []department{
	{"CARD", phrase{"Cardiology", "心血管内科"}, "inpatient"},
	{"RESP", phrase{"Respiratory Medicine", "呼吸与危重症医学科"}, "inpatient"},
	{"NEUR", phrase{"Neurology", "神经内科"}, "inpatient"},
	{"GAST", phrase{"Gastroenterology", "消化内科"}, "inpatient"},
	{"NEPH", phrase{"Nephrology", "肾内科"}, "inpatient"},
	{"ENDO", phrase{"Endocrinology", "内分泌科"}, "inpatient"},
	{"GSUR", phrase{"General Surgery", "普通外科"}, "inpatient"},
	{"ORTH", phrase{"Orthopaedics", "骨科"}, "inpatient"},
	{"OBST", phrase{"Obstetrics", "产科"}, "inpatient"},
	{"ICU", phrase{"Intensive Care Unit", "重症医学科"}, "inpatient"},
	{"EMER", phrase{"Emergency Department", "急诊科"}, "emergency"},
	{"GENM", phrase{"General Practice Clinic", "全科门诊"}, "outpatient"},
	{"PSYC", phrase{"Psychology Clinic", "心理门诊"}, "outpatient"},
	{deptRadiology, phrase{"Radiology", "放射科"}, kindAncillary},
	{deptPharmacy, phrase{"Pharmacy", "药剂科"}, kindAncillary},
	{deptRecords, phrase{"Medical Records", "病案管理科"}, kindAdministrative},
}

// clinicalDepts is the number of departments that see patients; they come
// first in departments.
const clinicalDepts = 13

// staffTitles are the titles of a clinical department's doctors, one per
// doctor; their staff ids are (dept_id-1)*len(staffTitles)+1 onwards.
var staffTitles = []string{"chief physician", "associate chief physician", "attending physician", "attending physician", "resident physician"}

var (
	departmentColumns = []string{"dept_id", "code", "name", "name_zh", "kind"}
	staffColumns      = []string{"staff_id", "code", "name", "sex", "birth_year", "title", "dept_id", "title_zh"}
)

// departmentRows returns the rows of emr.department.
func departmentRows() [][]any {
	rows := make([][]any, len(departments))
	for i, d := range departments {
		rows[i] = []any{int32(i + 1), d.code, d.name.en, d.name.zh, d.kind}
	}
	return rows
}

// staffRows returns the rows of emr.staff, named from the seed: the
// doctors of the clinical departments first (five each, as staffTitles),
// then the nurses, pharmacists, radiologists, technicians, coders and
// administrators of hospitalStaff.
func staffRows(seed int64) [][]any {
	r := seedRand(uint64(seed), domainStaff)
	rows := make([][]any, 0, len(hospitalStaff.members))
	for _, m := range hospitalStaff.members {
		sex := pick(r, []string{"M", "F"})
		if m.role == roleNurse && chance(r, 0.85) {
			sex = "F"
		}
		name := personName(r, chance(r, 0.6), sex)
		born := int32(1995 - 5*m.seniority - between(r, 0, 12))
		rows = append(rows, []any{m.id, fmt.Sprintf("S%04d", m.id), name, sex, born, m.title.en, m.dept, m.title.zh})
	}
	return rows
}

// deptTable maps department codes to ids and doctors.
type deptTable struct {
	ids   map[string]int32
	staff map[int32][]int32 // the doctors of each department
	first int32             // lowest dept_id, the fallback for an unknown code
}

// staticDeptTable is the table Generate writes.
func staticDeptTable() deptTable {
	t := deptTable{ids: map[string]int32{}, staff: map[int32][]int32{}, first: 1}
	for i, d := range departments[:clinicalDepts] {
		t.ids[d.code] = int32(i + 1)
	}
	for _, m := range hospitalStaff.members {
		if m.role == roleDoctor && int(m.dept) <= clinicalDepts {
			t.staff[m.dept] = append(t.staff[m.dept], m.id)
		}
	}
	return t
}

// loadDeptTable reads the clinical departments and their doctors from the
// EMR: staff whose account has the doctor role (an EMR written before staff
// of other kinds had only doctors).
func loadDeptTable(ctx context.Context, q pgx.Tx) (deptTable, error) {
	rows, err := q.Query(ctx, `SELECT d.dept_id, d.code, s.staff_id FROM emr.department d
		JOIN emr.staff s ON s.dept_id = d.dept_id
		WHERE d.kind IN ('inpatient', 'outpatient', 'emergency')
			AND NOT EXISTS (SELECT 1 FROM emr.user_account a WHERE a.staff_id = s.staff_id AND a.role <> 'doctor')
		ORDER BY d.dept_id, s.staff_id`)
	if err != nil {
		return deptTable{}, fmt.Errorf("hospital: read departments: %w", err)
	}
	t := deptTable{ids: map[string]int32{}, staff: map[int32][]int32{}}
	var dept, staff int32
	var code string
	_, err = pgx.ForEachRow(rows, []any{&dept, &code, &staff}, func() error {
		if len(t.ids) == 0 {
			t.first = dept
		}
		t.ids[code] = dept
		t.staff[dept] = append(t.staff[dept], staff)
		return nil
	})
	if err != nil {
		return deptTable{}, fmt.Errorf("hospital: read departments: %w", err)
	}
	if len(t.ids) == 0 {
		return deptTable{}, fmt.Errorf("hospital: the EMR has no departments with staff; run Generate first")
	}
	return t, nil
}

// assign returns the department and doctor for an encounter of visit type vt
// with main condition c.
func (t deptTable) assign(r *rand.Rand, vt byte, c *condition) (dept, doctor int32) {
	code := c.Dept
	switch {
	case vt == 'E':
		code = "EMER"
	case vt == 'O' && (code == "ICU" || chance(r, 0.35)):
		code = "GENM"
	}
	id, ok := t.ids[code]
	if !ok {
		id = t.first
	}
	staff := t.staff[id]
	if len(staff) == 0 {
		return id, 0
	}
	return id, staff[r.IntN(len(staff))]
}
