package hl7

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdw-dev/cdw/hospital"
	"github.com/cdw-dev/cdw/hospital/export"
	"github.com/cdw-dev/cdw/ingest/bronze"
	"github.com/cdw-dev/cdw/internal/hl7v2"
	"github.com/cdw-dev/cdw/internal/pgtest"
)

// hospitalExport generates a small synthetic hospital in a private
// PostgreSQL and exports it as HL7 v2.5.1 into a file; it returns the path,
// the export's statistics and the messages as the codec reads them.
func hospitalExport(t *testing.T, patients int) (string, export.HL7Stats, [][]byte) {
	t.Helper()
	c := pgtest.Start(t)
	ctx := context.Background()
	db := pgtest.NewDB(t, c, "emr")
	require.NoError(t, hospital.CreateSchema(ctx, db))
	_, err := hospital.Generate(ctx, db, hospital.Options{Patients: patients, Seed: 11, Until: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	var buf bytes.Buffer
	stats, err := export.HL7(ctx, db, &buf, export.HL7Options{CreatedAt: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "hospital.hl7")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	f, err := hl7v2.ParseFile(buf.Bytes())
	require.NoError(t, err)
	var msgs [][]byte
	for _, m := range f.Messages() {
		b, err := hl7v2.Encode(m)
		require.NoError(t, err)
		msgs = append(msgs, b)
	}
	require.EqualValues(t, stats.Messages, len(msgs))
	return path, stats, msgs
}

func TestHospitalExport(t *testing.T) {
	path, stats, msgs := hospitalExport(t, 12)
	t.Logf("export: %d messages %v", stats.Messages, stats.Types)
	wantTables := map[string]int{}
	for typ, n := range stats.Types {
		wantTables["hl7."+typ[:3]] += int(n)
	}

	mllpDir := t.TempDir()
	t.Run("MLLP round trip", func(t *testing.T) {
		d := openDoor(t, openLog(t, mllpDir), Options{})
		addr, _ := serve(t, d)
		sendAll(t, addr, msgs, 8)
		docs := storedDocs(t, mllpDir)
		require.Len(t, docs, len(msgs), "each message stored once")
		tables := map[string]int{}
		for _, sd := range docs {
			tables[sd.table]++
		}
		assert.Equal(t, wantTables, tables)
		for i, m := range msgs {
			doc := docs[string(mustKey(t, m))]
			require.NotNil(t, doc, "message %d stored", i)
			assert.Equal(t, string(m), doc.Raw, "raw is the message as sent")
			assert.Equal(t, "2.5.1", doc.Version)
			assert.NotEmpty(t, doc.PatientID, "PID-3 of %s", doc.ControlID)
			assert.Equal(t, "CDW", doc.PatientIDAuthority)
			assert.NotEmpty(t, doc.VisitNumber, "PV1-19 of %s", doc.ControlID)
			assert.NotEmpty(t, doc.SentAt)
		}

		// A sender that lost every ACK resends everything: AA again, nothing new.
		sendAll(t, addr, msgs, 2)
		assert.Len(t, storedDocs(t, mllpDir), len(msgs))
		assert.EqualValues(t, len(msgs), d.Stats().Duplicates)
	})

	t.Run("file mode stores the same documents", func(t *testing.T) {
		dir := t.TempDir()
		d := openDoor(t, openLog(t, dir), Options{})
		require.NoError(t, d.ReadFile(t.Context(), path))
		fromFile, fromMLLP := storedDocs(t, dir), storedDocs(t, mllpDir)
		require.Len(t, fromFile, len(msgs))
		for key, f := range fromFile {
			m := fromMLLP[key]
			require.NotNil(t, m, key)
			assert.Equal(t, m.Segments, f.Segments, key)
			assert.Equal(t, m.Raw, f.Raw, key)
			assert.Equal(t, m.PatientIdentifiers, f.PatientIdentifiers, key)
		}
	})
}

// storedDoc is a stored message's document and table.
type storedDoc struct {
	*Document
	table string
}

// storedDocs returns every stored document by bronze key.
func storedDocs(t testing.TB, dir string) map[string]storedDoc {
	cs, err := bronze.ReadAll(dir)
	require.NoError(t, err)
	out := map[string]storedDoc{}
	for _, c := range cs {
		var doc Document
		require.NoError(t, jsonUnmarshal(c.Data, &doc))
		_, dup := out[c.Key]
		require.False(t, dup, "key %s stored twice", c.Key)
		out[c.Key] = storedDoc{&doc, c.Table}
	}
	return out
}

// mustKey returns the bronze key of a message.
func mustKey(t testing.TB, raw []byte) []byte {
	m, err := hl7v2.Parse(raw)
	require.NoError(t, err)
	k, err := marshalJSON([]string{m.Get("MSH-4"), m.ControlID()}, "")
	require.NoError(t, err)
	return k
}

// sendAll sends msgs over senders connections, each message to one of them,
// and requires an AA naming its control id for each.
func sendAll(t *testing.T, addr string, msgs [][]byte, senders int) {
	var wg sync.WaitGroup
	for s := 0; s < senders; s++ {
		c := dial(t, addr)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := s; i < len(msgs); i += senders {
				a := c.send(t, msgs[i])
				m, err := hl7v2.Parse(msgs[i])
				require.NoError(t, err)
				if !assert.Equal(t, "AA", a.code, a.text) || !assert.Equal(t, m.ControlID(), a.controlID) {
					return
				}
			}
		}()
	}
	wg.Wait()
}
