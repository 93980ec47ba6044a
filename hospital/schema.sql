-- The operational EMR of cdw's synthetic hospital, shaped like a real HIS
-- (registration-centred, local codes, free-text notes) rather than like OMOP.
CREATE SCHEMA IF NOT EXISTS emr;

CREATE TABLE IF NOT EXISTS emr.department (
    dept_id     integer PRIMARY KEY,
    code        text    NOT NULL UNIQUE,      -- local department code, e.g. CARD
    name        text    NOT NULL,             -- English name
    name_zh     text    NOT NULL,             -- Chinese name
    kind        text    NOT NULL CHECK (kind IN ('inpatient', 'outpatient', 'emergency', 'ancillary', 'administrative'))
);

CREATE TABLE IF NOT EXISTS emr.staff (
    staff_id    integer PRIMARY KEY,
    code        text    NOT NULL UNIQUE,      -- employee number
    name        text    NOT NULL,
    sex         char(1) NOT NULL,             -- M / F
    birth_year  integer,
    title       text    NOT NULL,             -- e.g. attending physician
    dept_id     integer REFERENCES emr.department (dept_id)
);

CREATE TABLE IF NOT EXISTS emr.patient (
    patient_id  bigint  PRIMARY KEY,
    mrn         text    NOT NULL UNIQUE,      -- medical record number
    name        text    NOT NULL,
    sex         char(1) NOT NULL,             -- M / F / U
    birth_date  date    NOT NULL,
    phone       text,
    address     text,
    city        text,
    province    text,
    postcode    text,
    created_at  timestamp NOT NULL DEFAULT now()
);

-- One row per encounter: outpatient registration, emergency visit or inpatient admission.
CREATE TABLE IF NOT EXISTS emr.registration (
    reg_id          bigint  PRIMARY KEY,
    patient_id      bigint  NOT NULL REFERENCES emr.patient (patient_id),
    visit_type      char(1) NOT NULL CHECK (visit_type IN ('O', 'E', 'I')), -- outpatient, emergency, inpatient
    dept_id         integer REFERENCES emr.department (dept_id),
    doctor_id       integer REFERENCES emr.staff (staff_id),
    admit_time      timestamp NOT NULL,
    discharge_time  timestamp,                -- NULL while the patient is still in hospital
    admit_source    text,                     -- e.g. outpatient, emergency, transfer
    disposition     text,                     -- home, transfer, died, against advice
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed'))
);

-- Diagnoses coded in ICD-10; exactly one main diagnosis per registration.
CREATE TABLE IF NOT EXISTS emr.diagnosis (
    diag_id     bigint  PRIMARY KEY,
    reg_id      bigint  NOT NULL REFERENCES emr.registration (reg_id) ON DELETE CASCADE,
    patient_id  bigint  NOT NULL REFERENCES emr.patient (patient_id),
    icd10       text    NOT NULL,
    diag_name   text    NOT NULL,
    is_main     boolean NOT NULL DEFAULT false,
    diag_time   timestamp NOT NULL,
    doctor_id   integer REFERENCES emr.staff (staff_id)
);

CREATE TABLE IF NOT EXISTS emr.clinical_note (
    note_id     bigint  PRIMARY KEY,
    reg_id      bigint  NOT NULL REFERENCES emr.registration (reg_id) ON DELETE CASCADE,
    patient_id  bigint  NOT NULL REFERENCES emr.patient (patient_id),
    note_type   text    NOT NULL,             -- admission, progress, discharge, outpatient, emergency, operative, radiology
    title       text    NOT NULL,
    language    text    NOT NULL,             -- en / zh
    body        text    NOT NULL,
    author_id   integer REFERENCES emr.staff (staff_id),
    written_at  timestamp NOT NULL
);

CREATE INDEX IF NOT EXISTS registration_patient_idx ON emr.registration (patient_id);
CREATE INDEX IF NOT EXISTS diagnosis_reg_idx ON emr.diagnosis (reg_id);
CREATE INDEX IF NOT EXISTS note_reg_idx ON emr.clinical_note (reg_id);

-- The coding system of each diagnosis: 'ICD-10' (WHO), 'ICD-10-CN' (the
-- Chinese national clinical edition) or 'ICD-10-CM'.
ALTER TABLE emr.diagnosis ADD COLUMN IF NOT EXISTS code_system text NOT NULL DEFAULT 'ICD-10';

-- Wards (nursing units) of the inpatient departments, and moves between them.
CREATE TABLE IF NOT EXISTS emr.ward (
    ward_id     integer PRIMARY KEY,
    code        text    NOT NULL UNIQUE,
    name        text    NOT NULL,
    name_zh     text    NOT NULL,
    dept_id     integer NOT NULL REFERENCES emr.department (dept_id),
    beds        integer NOT NULL
);

CREATE TABLE IF NOT EXISTS emr.ward_transfer (
    transfer_id   bigint  PRIMARY KEY,
    reg_id        bigint  NOT NULL REFERENCES emr.registration (reg_id) ON DELETE CASCADE,
    from_ward_id  integer REFERENCES emr.ward (ward_id),   -- NULL on admission to the first ward
    to_ward_id    integer NOT NULL REFERENCES emr.ward (ward_id),
    transfer_time timestamp NOT NULL
);

-- Surgeries and procedures; code_system 'ICD-9-CM-3' (Chinese clinical
-- edition codes) or 'ICD-10-PCS'.
CREATE TABLE IF NOT EXISTS emr.procedure (
    proc_id      bigint  PRIMARY KEY,
    reg_id       bigint  NOT NULL REFERENCES emr.registration (reg_id) ON DELETE CASCADE,
    patient_id   bigint  NOT NULL REFERENCES emr.patient (patient_id),
    code         text    NOT NULL,
    code_system  text    NOT NULL CHECK (code_system IN ('ICD-9-CM-3', 'ICD-10-PCS')),
    name         text    NOT NULL,
    start_time   timestamp NOT NULL,
    end_time     timestamp,
    surgeon_id   integer REFERENCES emr.staff (staff_id),
    anaesthesia  text,                         -- general, spinal, local, sedation
    is_main      boolean NOT NULL DEFAULT false
);

-- Nursing flowsheet: one row per set of observations; unmeasured values are NULL.
CREATE TABLE IF NOT EXISTS emr.vital_sign (
    vital_id       bigint  PRIMARY KEY,
    reg_id         bigint  NOT NULL REFERENCES emr.registration (reg_id) ON DELETE CASCADE,
    taken_at       timestamp NOT NULL,
    heart_rate     integer,
    resp_rate      integer,
    sbp            integer,
    dbp            integer,
    temperature_c  numeric(4,1),
    spo2           integer,
    gcs            integer,
    height_cm      numeric(5,1),
    weight_kg      numeric(5,1)
);

-- The laboratory's local test dictionary.
CREATE TABLE IF NOT EXISTS emr.lab_item (
    item_id     integer PRIMARY KEY,
    local_code  text    NOT NULL UNIQUE,
    name        text    NOT NULL,
    name_zh     text    NOT NULL,
    unit        text,
    ref_low     numeric,
    ref_high    numeric
);

CREATE TABLE IF NOT EXISTS emr.lab_order (
    order_id     bigint  PRIMARY KEY,
    reg_id       bigint  NOT NULL REFERENCES emr.registration (reg_id) ON DELETE CASCADE,
    patient_id   bigint  NOT NULL REFERENCES emr.patient (patient_id),
    panel        text    NOT NULL,              -- local order code, e.g. CBC, RENAL
    ordered_at   timestamp NOT NULL,
    collected_at timestamp,
    doctor_id    integer REFERENCES emr.staff (staff_id),
    status       text    NOT NULL DEFAULT 'final' CHECK (status IN ('ordered', 'final', 'cancelled'))
);

CREATE TABLE IF NOT EXISTS emr.lab_result (
    result_id     bigint  PRIMARY KEY,
    order_id      bigint  NOT NULL REFERENCES emr.lab_order (order_id) ON DELETE CASCADE,
    item_id       integer NOT NULL REFERENCES emr.lab_item (item_id),
    value         numeric,
    value_text    text,
    unit          text,
    abnormal_flag char(1) CHECK (abnormal_flag IN ('H', 'L', 'N')),
    resulted_at   timestamp NOT NULL,
    amended       boolean NOT NULL DEFAULT false
);

-- The pharmacy's local drug dictionary.
CREATE TABLE IF NOT EXISTS emr.drug (
    drug_id     integer PRIMARY KEY,
    local_code  text    NOT NULL UNIQUE,
    name        text    NOT NULL,
    name_zh     text    NOT NULL,
    form        text    NOT NULL,               -- tablet, injection, inhaler, ...
    strength    text    NOT NULL,
    unit        text    NOT NULL                -- unit of a dose
);

CREATE TABLE IF NOT EXISTS emr.med_order (
    med_order_id bigint  PRIMARY KEY,
    reg_id       bigint  NOT NULL REFERENCES emr.registration (reg_id) ON DELETE CASCADE,
    patient_id   bigint  NOT NULL REFERENCES emr.patient (patient_id),
    drug_id      integer NOT NULL REFERENCES emr.drug (drug_id),
    dose         numeric NOT NULL,
    route        text    NOT NULL,              -- PO, IV, SC, IM, INH
    frequency    text    NOT NULL,              -- QD, BID, TID, Q8H, Q12H, ONCE, PRN
    start_time   timestamp NOT NULL,
    stop_time    timestamp,
    doctor_id    integer REFERENCES emr.staff (staff_id)
);

CREATE TABLE IF NOT EXISTS emr.med_admin (
    admin_id     bigint  PRIMARY KEY,
    med_order_id bigint  NOT NULL REFERENCES emr.med_order (med_order_id) ON DELETE CASCADE,
    given_at     timestamp NOT NULL,
    dose         numeric,
    status       text    NOT NULL CHECK (status IN ('given', 'held', 'refused'))
);

CREATE TABLE IF NOT EXISTS emr.allergy (
    allergy_id   bigint  PRIMARY KEY,
    patient_id   bigint  NOT NULL REFERENCES emr.patient (patient_id),
    allergen     text    NOT NULL,
    allergen_zh  text    NOT NULL,
    reaction     text,
    severity     text    CHECK (severity IN ('mild', 'moderate', 'severe')),
    recorded_at  timestamp NOT NULL
);

CREATE TABLE IF NOT EXISTS emr.immunization (
    immunization_id bigint PRIMARY KEY,
    patient_id      bigint  NOT NULL REFERENCES emr.patient (patient_id),
    vaccine_code    text    NOT NULL,           -- CVX
    vaccine         text    NOT NULL,
    given_at        timestamp NOT NULL,
    dose_number     integer
);

-- Maps the local lab, drug and diagnosis codes onto standard vocabularies;
-- like a real HIS's, it does not cover every local code.
CREATE TABLE IF NOT EXISTS emr.local_code_map (
    map_id             integer PRIMARY KEY,
    code_system_local  text    NOT NULL,        -- LAB, DRUG, DIAG
    local_code         text    NOT NULL,
    target_vocabulary  text    NOT NULL CHECK (target_vocabulary IN ('LOINC', 'RxNorm', 'ATC', 'ICD10CM', 'SNOMED')),
    target_code        text    NOT NULL,
    target_name        text    NOT NULL,
    UNIQUE (code_system_local, local_code, target_vocabulary)
);

CREATE INDEX IF NOT EXISTS ward_transfer_reg_idx ON emr.ward_transfer (reg_id);
CREATE INDEX IF NOT EXISTS procedure_reg_idx ON emr.procedure (reg_id);
CREATE INDEX IF NOT EXISTS vital_sign_reg_idx ON emr.vital_sign (reg_id);
CREATE INDEX IF NOT EXISTS lab_order_reg_idx ON emr.lab_order (reg_id);
CREATE INDEX IF NOT EXISTS lab_result_order_idx ON emr.lab_result (order_id);
CREATE INDEX IF NOT EXISTS med_order_reg_idx ON emr.med_order (reg_id);
CREATE INDEX IF NOT EXISTS med_admin_order_idx ON emr.med_admin (med_order_id);
CREATE INDEX IF NOT EXISTS allergy_patient_idx ON emr.allergy (patient_id);
CREATE INDEX IF NOT EXISTS immunization_patient_idx ON emr.immunization (patient_id);

-- Patient merges: a duplicate record found and merged into the surviving
-- one. The merged patient's rows are re-pointed to the survivor and its
-- emr.patient row deleted; this table keeps who it was (HL7 ADT^A40).
CREATE TABLE IF NOT EXISTS emr.patient_merge (
    merge_id              bigint    PRIMARY KEY,
    surviving_patient_id  bigint    NOT NULL REFERENCES emr.patient (patient_id),
    merged_patient_id     bigint    NOT NULL,  -- no longer in emr.patient
    merged_mrn            text      NOT NULL,
    merged_name           text      NOT NULL,
    merged_at             timestamp NOT NULL,
    merged_by             integer   REFERENCES emr.staff (staff_id)
);
CREATE INDEX IF NOT EXISTS patient_merge_surviving_idx ON emr.patient_merge (surviving_patient_id);

-- Login accounts of the HIS, one per staff member.
CREATE TABLE IF NOT EXISTS emr.user_account (
    account_id  integer   PRIMARY KEY,
    login_name  text      NOT NULL UNIQUE,
    staff_id    integer   NOT NULL UNIQUE REFERENCES emr.staff (staff_id),
    role        text      NOT NULL CHECK (role IN ('doctor', 'nurse', 'pharmacist', 'coder', 'technician', 'admin')),
    created_at  timestamp NOT NULL,
    last_login  timestamp,
    active      boolean   NOT NULL DEFAULT true
);

-- The medical-record front page (病案首页) of each discharged inpatient
-- stay, as the coder completes it; a DRG grouper reads it with its
-- diagnosis and procedure lines, which repeat the stay's emr.diagnosis
-- and emr.procedure rows in coding order.
CREATE TABLE IF NOT EXISTS emr.front_page (
    reg_id               bigint    PRIMARY KEY REFERENCES emr.registration (reg_id) ON DELETE CASCADE,
    chief_complaint      text      NOT NULL,
    present_illness      text      NOT NULL,
    admission_diagnosis  text      NOT NULL,
    principal_code       text      NOT NULL,
    principal_name       text      NOT NULL,
    code_system          text      NOT NULL,
    secondary_codes      text[]    NOT NULL,
    los_days             integer   NOT NULL,
    total_cost           numeric(12,2),      -- NULL until billed
    disposition_code     text      NOT NULL,  -- 1 home, 2 transfer, 4 against advice, 5 died
    coder_id             integer   REFERENCES emr.staff (staff_id),
    coded_at             timestamp NOT NULL
);

CREATE TABLE IF NOT EXISTS emr.front_page_diagnosis (
    reg_id                bigint  NOT NULL REFERENCES emr.front_page (reg_id) ON DELETE CASCADE,
    seq                   integer NOT NULL,   -- 1 is the principal diagnosis
    diag_id               bigint  REFERENCES emr.diagnosis (diag_id) ON DELETE SET NULL,
    code                  text    NOT NULL,
    code_system           text    NOT NULL,
    name                  text    NOT NULL,
    present_on_admission  boolean NOT NULL,
    PRIMARY KEY (reg_id, seq)
);

CREATE TABLE IF NOT EXISTS emr.front_page_procedure (
    reg_id        bigint    NOT NULL REFERENCES emr.front_page (reg_id) ON DELETE CASCADE,
    seq           integer   NOT NULL,         -- 1 is the main procedure when there is one
    proc_id       bigint    REFERENCES emr.procedure (proc_id) ON DELETE SET NULL,
    code          text      NOT NULL,
    code_system   text      NOT NULL,
    name          text      NOT NULL,
    performed_at  timestamp NOT NULL,
    surgeon_id    integer   REFERENCES emr.staff (staff_id),
    PRIMARY KEY (reg_id, seq)
);

-- Billing: what each registration was charged for, one row per billable
-- clinical row (lab result, procedure, given dose, bed-day) and fee.
CREATE TABLE IF NOT EXISTS emr.charge_item (
    charge_id     bigint        PRIMARY KEY,
    reg_id        bigint        NOT NULL REFERENCES emr.registration (reg_id) ON DELETE CASCADE,
    charge_code   text          NOT NULL,      -- local charge code, e.g. LCREA, BED-GEN
    category      text          NOT NULL CHECK (category IN ('registration', 'drug', 'lab', 'exam', 'procedure', 'bed', 'treatment', 'material')),
    item_name     text          NOT NULL,
    quantity      integer       NOT NULL,
    unit_price    numeric(12,2) NOT NULL,
    amount        numeric(12,2) NOT NULL,
    charged_at    timestamp     NOT NULL,
    source_table  text,                        -- the clinical row charged for
    source_id     bigint
);
CREATE INDEX IF NOT EXISTS charge_item_reg_idx ON emr.charge_item (reg_id);
CREATE INDEX IF NOT EXISTS charge_item_source_idx ON emr.charge_item (source_table, source_id);

-- The settlement of a closed registration: Chinese medical insurance
-- (insurance_type, fund and personal payment, CNY) or a US payer (billed,
-- allowed and paid, USD).
CREATE TABLE IF NOT EXISTS emr.settlement (
    reg_id            bigint        PRIMARY KEY REFERENCES emr.registration (reg_id) ON DELETE CASCADE,
    currency          text          NOT NULL CHECK (currency IN ('CNY', 'USD')),
    total             numeric(12,2) NOT NULL,
    insurance_type    text          CHECK (insurance_type IN ('城镇职工', '城乡居民', '自费')),
    fund_payment      numeric(12,2),
    personal_payment  numeric(12,2),
    payer             text          CHECK (payer IN ('Medicare', 'Medicaid', 'commercial', 'self-pay')),
    billed            numeric(12,2),
    allowed           numeric(12,2),
    paid              numeric(12,2),
    settled_at        timestamp     NOT NULL
);

-- Outpatient and emergency prescriptions, one per type (western medicine
-- or Chinese patent medicine) and registration, and their items.
CREATE TABLE IF NOT EXISTS emr.prescription (
    rx_id          bigint    PRIMARY KEY,
    reg_id         bigint    NOT NULL REFERENCES emr.registration (reg_id) ON DELETE CASCADE,
    doctor_id      integer   REFERENCES emr.staff (staff_id),
    prescribed_at  timestamp NOT NULL,
    rx_type        text      NOT NULL CHECK (rx_type IN ('western', 'chinese patent'))
);
CREATE INDEX IF NOT EXISTS prescription_reg_idx ON emr.prescription (reg_id);

CREATE TABLE IF NOT EXISTS emr.prescription_item (
    rx_item_id  bigint        PRIMARY KEY,
    rx_id       bigint        NOT NULL REFERENCES emr.prescription (rx_id) ON DELETE CASCADE,
    drug_id     integer       NOT NULL REFERENCES emr.drug (drug_id),
    dose        numeric       NOT NULL,
    route       text          NOT NULL,
    frequency   text          NOT NULL,
    days        integer       NOT NULL,
    quantity    integer       NOT NULL,     -- units dispensed
    unit_price  numeric(12,2) NOT NULL
);
CREATE INDEX IF NOT EXISTS prescription_item_rx_idx ON emr.prescription_item (rx_id);

-- Non-drug treatments of inpatient stays (oxygen, nebulisation,
-- physiotherapy, dialysis, wound care), one row per session.
CREATE TABLE IF NOT EXISTS emr.treatment (
    treatment_id  bigint    PRIMARY KEY,
    reg_id        bigint    NOT NULL REFERENCES emr.registration (reg_id) ON DELETE CASCADE,
    kind          text      NOT NULL CHECK (kind IN ('oxygen', 'nebulisation', 'physiotherapy', 'dialysis', 'wound care')),
    name          text      NOT NULL,
    name_zh       text      NOT NULL,
    started_at    timestamp NOT NULL,
    ended_at      timestamp,
    performer_id  integer   REFERENCES emr.staff (staff_id)
);
CREATE INDEX IF NOT EXISTS treatment_reg_idx ON emr.treatment (reg_id);

-- Examinations (检查): imaging and electrophysiology orders, and their
-- reports (one per order, same exam_id) in the patient's language.
CREATE TABLE IF NOT EXISTS emr.exam_order (
    exam_id     bigint    PRIMARY KEY,
    reg_id      bigint    NOT NULL REFERENCES emr.registration (reg_id) ON DELETE CASCADE,
    exam_code   text      NOT NULL,          -- local exam code, e.g. XR-CHEST
    modality    text      NOT NULL CHECK (modality IN ('XR', 'CT', 'US', 'ECG', 'MR')),
    name        text      NOT NULL,
    body_part   text      NOT NULL,
    ordered_at  timestamp NOT NULL,
    doctor_id   integer   REFERENCES emr.staff (staff_id)
);
CREATE INDEX IF NOT EXISTS exam_order_reg_idx ON emr.exam_order (reg_id);

CREATE TABLE IF NOT EXISTS emr.exam_result (
    exam_id      bigint    PRIMARY KEY REFERENCES emr.exam_order (exam_id) ON DELETE CASCADE,
    language     text      NOT NULL,
    findings     text      NOT NULL,
    impression   text      NOT NULL,
    abnormal     boolean   NOT NULL,
    reported_by  integer   REFERENCES emr.staff (staff_id),
    reported_at  timestamp NOT NULL
);

-- Pharmacy stock batches (one per drug, pharmacy and month received) and
-- what was handed out from them: prescription items at the outpatient
-- pharmacy, medication orders at the inpatient pharmacy. A batch's
-- quantity_received is what it dispensed plus quantity_on_hand.
CREATE TABLE IF NOT EXISTS emr.pharmacy_stock (
    stock_id           integer PRIMARY KEY,
    drug_id            integer NOT NULL REFERENCES emr.drug (drug_id),
    location           text    NOT NULL CHECK (location IN ('outpatient', 'inpatient')),
    batch_no           text    NOT NULL UNIQUE,
    expiry_date        date    NOT NULL,
    quantity_received  integer NOT NULL,
    quantity_on_hand   integer NOT NULL CHECK (quantity_on_hand >= 0)
);

CREATE TABLE IF NOT EXISTS emr.dispensing (
    dispense_id   bigint    PRIMARY KEY,
    rx_item_id    bigint    REFERENCES emr.prescription_item (rx_item_id) ON DELETE CASCADE,
    med_order_id  bigint    REFERENCES emr.med_order (med_order_id) ON DELETE CASCADE,
    drug_id       integer   NOT NULL REFERENCES emr.drug (drug_id),
    location      text      NOT NULL,
    batch_no      text      NOT NULL,       -- emr.pharmacy_stock.batch_no, written once all batches are
    dispensed_at  timestamp NOT NULL,
    quantity      integer   NOT NULL CHECK (quantity > 0),
    CHECK ((rx_item_id IS NULL) <> (med_order_id IS NULL))
);
CREATE INDEX IF NOT EXISTS dispensing_batch_idx ON emr.dispensing (batch_no);

-- Staff of every kind (nurses, pharmacists, radiologists, technicians,
-- coders, administrators) beside the doctors: the Chinese title of each,
-- and who recorded the rows they sign. An EMR created before them gets the
-- columns and the wider CHECKs here. The nurse columns of the two largest
-- tables hold staff ids without a foreign key, as an HIS's flowsheets
-- often do, so that COPY into them stays fast.
ALTER TABLE emr.staff ADD COLUMN IF NOT EXISTS title_zh text;
ALTER TABLE emr.vital_sign ADD COLUMN IF NOT EXISTS recorded_by integer;  -- emr.staff, a nurse
ALTER TABLE emr.med_admin ADD COLUMN IF NOT EXISTS nurse_id integer;      -- emr.staff, a nurse
ALTER TABLE emr.dispensing ADD COLUMN IF NOT EXISTS pharmacist_id integer REFERENCES emr.staff (staff_id);
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'department_kind_check'
            AND pg_get_constraintdef(oid) LIKE '%ancillary%') THEN
        ALTER TABLE emr.department DROP CONSTRAINT IF EXISTS department_kind_check;
        ALTER TABLE emr.department ADD CONSTRAINT department_kind_check
            CHECK (kind IN ('inpatient', 'outpatient', 'emergency', 'ancillary', 'administrative'));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'user_account_role_check'
            AND pg_get_constraintdef(oid) LIKE '%technician%') THEN
        ALTER TABLE emr.user_account DROP CONSTRAINT IF EXISTS user_account_role_check;
        ALTER TABLE emr.user_account ADD CONSTRAINT user_account_role_check
            CHECK (role IN ('doctor', 'nurse', 'pharmacist', 'coder', 'technician', 'admin'));
    END IF;
END $$;
