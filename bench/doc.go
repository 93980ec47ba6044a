// Package bench holds the benchmarks that span stages: each measures cdw and,
// in the same run, the baseline its target is stated against, and reports
// both (docs/BENCHMARKS.md records the results). Run them with make bench;
// they are not part of the test suite.
package bench
