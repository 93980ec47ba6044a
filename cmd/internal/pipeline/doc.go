// Package pipeline wires cdw's stages into the long-running processes the
// CLI starts: the demo (a private PostgreSQL with the synthetic hospital,
// CDC into bronze, CDM builds, the notes index and the dashboards, all
// following live activity) and serve (builds, index and dashboards over an
// existing data directory). It owns no stage's logic: it only starts the
// stages in order, hands each its inputs, and stops them all on Close or
// cancellation.
package pipeline
