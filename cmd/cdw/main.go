// Command cdw is the clinical data warehouse: run `cdw help` for its verbs.
package main

import (
	"context"
	"os"

	"github.com/cdw-dev/cdw/cmd/internal/cli"
)

func main() {
	os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}
