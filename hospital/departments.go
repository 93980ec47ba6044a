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
}

// staffTitles are the titles of a department's doctors, one per staff member.
var staffTitles = []string{"chief physician", "associate chief physician", "attending physician", "attending physician", "resident physician"}

var (
	departmentColumns = []string{"dept_id", "code", "name", "name_zh", "kind"}
	staffColumns      = []string{"staff_id", "code", "name", "sex", "birth_year", "title", "dept_id"}
)

// departmentRows returns the rows of emr.department.
func departmentRows() [][]any {
	rows := make([][]any, len(departments))
	for i, d := range departments {
		rows[i] = []any{int32(i + 1), d.code, d.name.en, d.name.zh, d.kind}
	}
	return rows
}

// staffRows returns the rows of emr.staff: five doctors per department,
// staff_id (dept_id-1)*5+1 to +5, named from the seed.
func staffRows(seed int64) [][]any {
	r := seedRand(uint64(seed), domainStaff)
	rows := make([][]any, 0, len(departments)*len(staffTitles))
	for i := range departments {
		for j, title := range staffTitles {
			id := int32(i*len(staffTitles) + j + 1)
			sex := pick(r, []string{"M", "F"})
			name := personName(r, chance(r, 0.6), sex)
			born := int32(1995 - 5*j - between(r, 0, 12))
			rows = append(rows, []any{id, fmt.Sprintf("S%04d", id), name, sex, born, title, int32(i + 1)})
		}
	}
	return rows
}

// deptTable maps department codes to ids and doctors.
type deptTable struct {
	ids   map[string]int32
	staff map[int32][]int32
	first int32 // lowest dept_id, the fallback for an unknown code
}

// staticDeptTable is the table Generate writes.
func staticDeptTable() deptTable {
	t := deptTable{ids: map[string]int32{}, staff: map[int32][]int32{}, first: 1}
	for i, d := range departments {
		id := int32(i + 1)
		t.ids[d.code] = id
		for j := range staffTitles {
			t.staff[id] = append(t.staff[id], int32(i*len(staffTitles)+j+1))
		}
	}
	return t
}

// loadDeptTable reads departments and their staff from the EMR.
func loadDeptTable(ctx context.Context, q pgx.Tx) (deptTable, error) {
	rows, err := q.Query(ctx, `SELECT d.dept_id, d.code, s.staff_id FROM emr.department d
		JOIN emr.staff s ON s.dept_id = d.dept_id ORDER BY d.dept_id, s.staff_id`)
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
