package bronze

import (
	"fmt"
	"os"

	"github.com/parquet-go/parquet-go"
)

// ReadFile returns every change in one bronze Parquet file. It is meant for
// tools and tests on small files; transform reads bronze with DuckDB.
func ReadFile(path string) ([]Change, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("bronze: %w", err)
	}
	defer f.Close()
	r := parquet.NewGenericReader[Change](f)
	defer r.Close()
	out := make([]Change, r.NumRows())
	n, err := r.Read(out)
	if err != nil && n != len(out) {
		return nil, fmt.Errorf("bronze: read %s: %w", path, err)
	}
	return out[:n], nil
}

// ReadAll returns every change the manifest of dir names, in file order.
func ReadAll(dir string) ([]Change, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	var out []Change
	for _, p := range m.Paths(dir, "") {
		cs, err := ReadFile(p)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}
