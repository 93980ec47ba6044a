// Package dashboards owns the web UI and JSON API over the warehouse: the
// quality managers' page of patient, visit, note and condition counts,
// admissions per day, inpatient occupancy and length of stay, and the
// pipeline's freshness.
//
// dashboards only reads, through the warehouse's query interface (Querier)
// and the pipeline status it is handed (StatusFunc); it never opens Parquet,
// bronze or PostgreSQL itself and never writes anything. The page is plain
// HTML, CSS and JavaScript embedded from web/ — no CDN, no build step — that
// polls the JSON endpoints and draws its chart as inline SVG.
package dashboards
