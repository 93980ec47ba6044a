// Package pgcluster runs a private PostgreSQL cluster under a directory cdw
// owns: initdb on first use (SCRAM authentication, a generated password,
// wal_level=logical, listening on loopback only), start with pg_ctl, and a
// fast, clean stop. When cdw runs as root the server runs as an unprivileged
// system user (postgres by default) through runuser, because initdb refuses
// root.
//
// pgcluster only manages the server process and its configuration; it never
// creates application schemas or reads application data.
package pgcluster
