// Package achilles characterizes a CDM build the way OHDSI's Achilles does:
// counts and distributions of persons, observation periods and clinical
// records, written into three tables beside the OMOP tables so that the
// build publishes them with the snapshot and the dashboards read them.
//
//   - achilles_results(analysis_id, stratum_1..stratum_5, count_value): one
//     row per analysis and combination of strata;
//   - achilles_results_dist(analysis_id, stratum_1, count_value, min_value,
//     max_value, avg_value, stdev_value, median_value, p10_value,
//     p25_value, p75_value, p90_value): distributions; count_value is the
//     number of values, the percentiles are Achilles' (the smallest value
//     whose cumulative count reaches the fraction), stdev the sample one;
//   - achilles_analysis(analysis_id, analysis_name, stratum_1_name ..
//     stratum_5_name): what every analysis counts and what its strata mean.
//
// Analysis ids are Achilles' own where Achilles has the analysis (see
// Analyses for the full list). Strata hold concept ids, years (YYYY),
// calendar months (YYYYMM), ages in whole years (calendar year minus year
// of birth, as Achilles computes them) or age deciles (age / 10, rounded
// down), always as text. Where this package departs from Achilles it says
// so on the analysis: distributions have one stratum only (Achilles
// stratifies 206 by gender too), and the ids from 10000 up are cdw's own
// ("records and persons per CDM table").
//
// The analyses (* marks a distribution):
//
//   - persons: 1 count, 2 by gender, 3 by year of birth, 4 by race, 5 by
//     ethnicity, 10 by year of birth and gender;
//   - observation periods: 101 persons by age at the first period, 102 by
//     gender and that age, 103* that age, 104* that age by gender, 105*
//     length of the first period (days), 106* that length by gender, 108
//     persons by that length in 30-day steps, 109 persons observed the whole
//     of each year, 110 the whole of each month, 111 persons by period start
//     month, 112 by end month, 113 by number of periods, 116 persons with
//     a day of observation in each year by gender and age decile, 117 with
//     a day of observation in each month;
//   - visits: 200 persons and 201 records by visit_concept_id, 206* age at
//     the first visit of each visit concept, 211* length of stay (days) by
//     visit concept, 220 records by start month;
//   - each clinical domain, persons (x00) and records (x01) by concept and
//     records by start month (x20): conditions 400/401/420, procedures
//     600/601/620, drugs 700/701/720, observations 800/801/820, drug eras
//     900/901/920, condition eras 1000/1001/1020, measurements
//     1800/1801/1820, devices 2100/2101, deaths by cause 500/501, notes by
//     note type 2200/2201;
//   - 1900 source values left unmapped (concept id 0) by table;
//   - 10000 records and 10001 persons per CDM table (cdw's own).
//
// Characterization in the dashboards' sense is then persons by age, sex and
// year (2, 3, 10, 101, 102, 116), records per domain (10000, 10001) and top
// concepts (each domain's x01 ranked by count_value, with its x00).
//
// Small-cell suppression is NOT applied: the tables hold exact counts,
// including counts of one. The warehouse's roles must suppress small cells
// before these tables reach anyone not entitled to row-level data.
//
// Run reads only the OMOP tables on the connection it is given; an analysis
// whose table is absent is skipped (and listed in Summary.Skipped), an empty
// table yields no rows. It is built to run after every build: all count
// analyses go to DuckDB as one statement and all distributions as another,
// and the calendar analyses (109, 110, 116, 117) sweep over merged periods
// instead of joining every person to every month. BenchmarkRun (100,000
// persons, 5 million records) takes 2-3 s on a shared 2-core machine.
package achilles
