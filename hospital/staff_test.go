package hospital_test

// staffInvariants are the rules of who signs what, which Generate and Live
// both keep: every row a member of staff signs names one of the right kind.
var staffInvariants = []struct{ name, query string }{
	{"roles without staff", `SELECT 6 - count(DISTINCT role) FROM emr.user_account
		WHERE role IN ('doctor', 'nurse', 'pharmacist', 'coder', 'technician', 'admin')`},
	{"staff whose account role does not fit their title", `SELECT count(*) FROM emr.staff s JOIN emr.user_account a USING (staff_id)
		WHERE CASE a.role WHEN 'doctor' THEN s.title NOT SIMILAR TO '%(physician|radiologist)%'
			WHEN 'nurse' THEN s.title NOT LIKE '%nurse%' WHEN 'pharmacist' THEN s.title NOT LIKE '%pharmacist%'
			WHEN 'coder' THEN s.title NOT SIMILAR TO '%(coder|medical records)%' WHEN 'technician' THEN s.title NOT LIKE '%techn%'
			WHEN 'admin' THEN s.title NOT LIKE '%administrator%' END OR s.title_zh IS NULL OR s.title_zh !~ '[一-龥]'`},
	{"clinical departments without nurses, departments without an administrator", `SELECT count(*) FROM emr.department d
		WHERE d.kind IN ('inpatient', 'outpatient', 'emergency') AND NOT EXISTS (SELECT 1 FROM emr.staff s JOIN emr.user_account a USING (staff_id)
				WHERE s.dept_id = d.dept_id AND a.role = 'nurse')
			OR NOT EXISTS (SELECT 1 FROM emr.staff s JOIN emr.user_account a USING (staff_id) WHERE s.dept_id = d.dept_id AND a.role = 'admin')`},
	{"registrations, orders and notes by other than a clinical department's doctor", `SELECT
		(SELECT count(*) FROM emr.registration g WHERE NOT EXISTS (SELECT 1 FROM emr.staff s JOIN emr.user_account a USING (staff_id)
			WHERE s.staff_id = g.doctor_id AND s.dept_id = g.dept_id AND a.role = 'doctor'))
		+ (SELECT count(*) FROM emr.med_order m JOIN emr.registration g USING (reg_id) WHERE m.doctor_id IS DISTINCT FROM g.doctor_id)
		+ (SELECT count(*) FROM emr.lab_order o JOIN emr.registration g USING (reg_id) WHERE o.doctor_id IS DISTINCT FROM g.doctor_id)`},
	{"vital signs not charted by a nurse of the registration's department", `SELECT count(*) FROM emr.vital_sign v
		JOIN emr.registration g USING (reg_id) WHERE NOT EXISTS (SELECT 1 FROM emr.staff s JOIN emr.user_account a USING (staff_id)
			WHERE s.staff_id = v.recorded_by AND a.role = 'nurse' AND s.dept_id = g.dept_id)`},
	{"medication administrations not recorded by a nurse of the registration's department", `SELECT count(*) FROM emr.med_admin m
		JOIN emr.med_order o USING (med_order_id) JOIN emr.registration g ON g.reg_id = o.reg_id
		WHERE NOT EXISTS (SELECT 1 FROM emr.staff s JOIN emr.user_account a USING (staff_id)
			WHERE s.staff_id = m.nurse_id AND a.role = 'nurse' AND s.dept_id = g.dept_id)`},
	{"dispensing not by a pharmacist", `SELECT count(*) FROM emr.dispensing d WHERE NOT EXISTS (SELECT 1 FROM emr.staff s
		JOIN emr.user_account a USING (staff_id) WHERE s.staff_id = d.pharmacist_id AND a.role = 'pharmacist')`},
	{"front pages not coded by a coder", `SELECT count(*) FROM emr.front_page f WHERE NOT EXISTS (SELECT 1 FROM emr.staff s
		JOIN emr.user_account a USING (staff_id) WHERE s.staff_id = f.coder_id AND a.role = 'coder')`},
	{"imaging reports not by a radiologist, ECGs not by a clinical doctor", `SELECT count(*) FROM emr.exam_order x JOIN emr.exam_result r USING (exam_id)
		WHERE NOT EXISTS (SELECT 1 FROM emr.staff s JOIN emr.department d USING (dept_id) JOIN emr.user_account a USING (staff_id)
			WHERE s.staff_id = r.reported_by AND a.role = 'doctor' AND (d.code = 'RAD') = (x.modality <> 'ECG'))`},
}

func init() { invariants = append(invariants, staffInvariants...) }
