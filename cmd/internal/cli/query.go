package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cdw-dev/cdw/cmd/internal/pipeline"
	"github.com/cdw-dev/cdw/internal/tabular"
	"github.com/cdw-dev/cdw/search"
	"github.com/cdw-dev/cdw/warehouse"
)

func init() {
	register(verb{name: "sql", usage: `"SELECT ..."`, summary: "run one read-only SQL query on the current CDM snapshot (tables under their OMOP names)", flags: sqlFlags})
	register(verb{name: "search", usage: `"words or \"a phrase\""`, summary: "search the clinical notes; prints person, date and highlighted snippets", flags: searchFlags})
}

func formatFlag(fs *flag.FlagSet) *string {
	return fs.String("format", "table", "output format: table, csv or json")
}

func sqlFlags(fs *flag.FlagSet, c *common) func(context.Context, []string) error {
	format := formatFlag(fs)
	snapshot := fs.String("snapshot", "", "query this snapshot id instead of the current one")
	return func(ctx context.Context, args []string) error {
		f, err := tabular.ParseFormat(*format)
		if err != nil {
			return usageError{err.Error()}
		}
		if err := needArgs(args, 1, "one SQL statement"); err != nil {
			return err
		}
		wh, err := warehouse.Open(ctx, warehouse.Options{Store: c.layout().Store(), SnapshotID: *snapshot, Logger: c.logger})
		if err != nil {
			return err
		}
		defer wh.Close()
		rows, err := wh.Query(ctx, args[0])
		if err != nil {
			return err
		}
		defer rows.Close()
		return writeRows(rows, tabular.New(c.stdout, f))
	}
}

// writeRows streams a result set into w.
func writeRows(rows *sql.Rows, w tabular.Writer) error {
	types, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = t.Name()
	}
	if err := w.Header(names); err != nil {
		return err
	}
	vals := make([]any, len(types))
	ptrs := make([]any, len(types))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		cells := make([]any, len(vals))
		for i, v := range vals {
			cells[i] = cell(types[i].DatabaseTypeName(), v)
		}
		if err := w.Row(cells); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return w.Close()
}

// cell turns a scanned DuckDB value into what the formats print: dates as
// YYYY-MM-DD, timestamps without a zone, decimals and others as text.
func cell(dbType string, v any) any {
	switch x := v.(type) {
	case nil, string, bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64:
		return x
	case time.Time:
		if dbType == "DATE" {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05.999999")
	case []byte:
		return fmt.Sprintf("\\x%x", x)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

func searchFlags(fs *flag.FlagSet, c *common) func(context.Context, []string) error {
	format := formatFlag(fs)
	limit := fs.Int("limit", 20, "number of notes to return")
	person := fs.Int64("person", 0, "only notes of this person_id")
	return func(ctx context.Context, args []string) error {
		f, err := tabular.ParseFormat(*format)
		if err != nil {
			return usageError{err.Error()}
		}
		if len(args) == 0 {
			return usageError{"want the words to search for"}
		}
		req := search.Request{Query: strings.Join(args, " "), Size: *limit, PersonID: *person}
		res, err := runSearch(ctx, c.layout(), req)
		if err != nil {
			return err
		}
		return writeHits(tabular.New(c.stdout, f), f, res)
	}
}

// runSearch asks the running server of the data directory when there is one
// (it owns the index) and otherwise opens the index itself, bringing it up
// to the current CDM snapshot first.
func runSearch(ctx context.Context, layout pipeline.Layout, req search.Request) (search.Result, error) {
	if srv, err := layout.RunningServer(); err == nil {
		return remoteSearch(ctx, srv.URL, req)
	}
	snap, err := layout.Store().Current()
	if err != nil {
		return search.Result{}, err
	}
	idx, err := search.Open(layout.Index(), search.Options{})
	if err != nil {
		return search.Result{}, err
	}
	defer idx.Close()
	// Bring the index to the current snapshot first (incremental: only
	// notes that changed since the last sync are analysed).
	if indexed, err := idx.Snapshot(); err != nil {
		return search.Result{}, err
	} else if indexed != snap.ID {
		if _, err := idx.Sync(ctx, snap); err != nil {
			return search.Result{}, err
		}
	}
	return idx.Search(ctx, req)
}

func remoteSearch(ctx context.Context, base string, req search.Request) (search.Result, error) {
	q := url.Values{"q": {req.Query}, "limit": {fmt.Sprint(req.Size)}}
	if req.PersonID != 0 {
		q.Set("person", fmt.Sprint(req.PersonID))
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"api/search?"+q.Encode(), nil)
	if err != nil {
		return search.Result{}, err
	}
	resp, err := http.DefaultClient.Do(hreq)
	if err != nil {
		return search.Result{}, fmt.Errorf("ask the running server: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		json.NewDecoder(resp.Body).Decode(&e)
		return search.Result{}, fmt.Errorf("search: %s", e.Error)
	}
	var res search.Result
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return search.Result{}, fmt.Errorf("read search result: %w", err)
	}
	return res, nil
}

var markers = strings.NewReplacer("<mark>", "[", "</mark>", "]", "&lt;", "<", "&gt;", ">", "&amp;", "&", "&#34;", `"`, "&#39;", "'", "&quot;", `"`)

func writeHits(w tabular.Writer, f tabular.Format, res search.Result) error {
	if err := w.Header([]string{"note_id", "person_id", "note_date", "title", "snippet"}); err != nil {
		return err
	}
	for _, h := range res.Hits {
		snippet := strings.Join(h.Snippets, " … ")
		if f == tabular.Table {
			snippet = markers.Replace(snippet)
		}
		if err := w.Row([]any{h.NoteID, h.PersonID, h.NoteDate.Format("2006-01-02"), h.Title, snippet}); err != nil {
			return err
		}
	}
	return w.Close()
}
