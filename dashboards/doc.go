// Package dashboards owns the web UI and JSON API over the warehouse: the
// quality managers' page of patient, visit, note and condition counts,
// admissions per day, inpatient occupancy and length of stay, the
// pipeline's freshness, the data-quality checks of the current snapshot
// (dq_results: checks run, passed and failed by category, and the failed
// checks) and its Achilles characterization (achilles_results: persons by
// sex and age group, records per domain, top concepts per domain). A
// snapshot built before those tables existed answers {"computed": false}.
//
// JSON API (GET only): /api/summary, /api/admissions, /api/pipeline,
// /api/data-quality and /api/characterization.
//
// dashboards only reads, through the warehouse's query interface (Querier)
// and the pipeline status it is handed (StatusFunc); it never opens Parquet,
// bronze or PostgreSQL itself and never writes anything. The page is plain
// HTML, CSS and JavaScript embedded from web/ — no CDN, no build step — that
// polls the JSON endpoints and draws its chart as inline SVG.
package dashboards
