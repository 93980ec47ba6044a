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
