-- The operational EMR of cdw's synthetic hospital, shaped like a real HIS
-- (registration-centred, local codes, free-text notes) rather than like OMOP.
CREATE SCHEMA IF NOT EXISTS emr;

CREATE TABLE IF NOT EXISTS emr.department (
    dept_id     integer PRIMARY KEY,
    code        text    NOT NULL UNIQUE,      -- local department code, e.g. CARD
    name        text    NOT NULL,             -- English name
    name_zh     text    NOT NULL,             -- Chinese name
    kind        text    NOT NULL CHECK (kind IN ('inpatient', 'outpatient', 'emergency'))
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
    note_type   text    NOT NULL,             -- admission, progress, discharge, outpatient, emergency
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
