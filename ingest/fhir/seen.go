package fhir

import (
	"encoding/json"
	"fmt"
	"hash/maphash"
	"path/filepath"
	"strings"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

// seenIndex remembers, for every resource in the source's bronze log, the
// hash of its latest content, so that a resource read again is recognised
// as unchanged, updated or new. Keys and contents are 64-bit hashes.
type seenIndex struct {
	seed    maphash.Seed
	latest  map[uint64]uint64 // hash of Type/id -> content hash
	pending map[uint64]seenEntry
}

// seenEntry is a decision of the batch being built.
type seenEntry struct {
	content uint64
	deleted bool
}

func newSeenIndex() *seenIndex {
	return &seenIndex{seed: maphash.MakeSeed(), latest: map[uint64]uint64{}, pending: map[uint64]seenEntry{}}
}

// key hashes table and id.
func (s *seenIndex) key(typ, id string) uint64 {
	var h maphash.Hash
	h.SetSeed(s.seed)
	h.WriteString(typ)
	h.WriteByte('/')
	h.WriteString(id)
	return h.Sum64()
}

// decide returns the op for a resource with the given content, or false when
// it is unchanged; the decision is pending until commit.
func (s *seenIndex) decide(typ, id string, content uint64) (bronze.Op, bool) {
	k := s.key(typ, id)
	prev, ok := s.lookup(k)
	s.pending[k] = seenEntry{content: content}
	switch {
	case !ok:
		return bronze.OpCreate, true
	case prev == content:
		return "", false
	default:
		return bronze.OpUpdate, true
	}
}

// remove records a delete, pending until commit.
func (s *seenIndex) remove(typ, id string) {
	s.pending[s.key(typ, id)] = seenEntry{deleted: true}
}

// lookup returns the latest content hash of k, pending decisions first.
func (s *seenIndex) lookup(k uint64) (uint64, bool) {
	if e, ok := s.pending[k]; ok {
		return e.content, !e.deleted
	}
	c, ok := s.latest[k]
	return c, ok
}

// commit makes the pending decisions part of the index (after a durable write).
func (s *seenIndex) commit() {
	for k, e := range s.pending {
		if e.deleted {
			delete(s.latest, k)
		} else {
			s.latest[k] = e.content
		}
	}
	clear(s.pending)
}

// rollback forgets the pending decisions (after a failed write).
func (s *seenIndex) rollback() { clear(s.pending) }

// load rebuilds the index from the fhir.* files of the log in dir, taking
// the latest change of each key by (lsn, seq); it reads one file at a time.
func (s *seenIndex) load(dir string, m bronze.Manifest) error {
	type order struct{ lsn, seq int64 }
	at := map[uint64]order{}
	for _, f := range m.Files {
		typ, ok := strings.CutPrefix(f.Table, TablePrefix)
		if !ok {
			continue
		}
		changes, err := bronze.ReadFile(filepath.Join(dir, f.Path))
		if err != nil {
			return fmt.Errorf("fhir: rebuild resource index: %w", err)
		}
		for _, c := range changes {
			var key []string
			if err := json.Unmarshal([]byte(c.Key), &key); err != nil || len(key) != 1 {
				return fmt.Errorf("fhir: rebuild resource index: %s key %s is not [\"id\"]", f.Path, c.Key)
			}
			k := s.key(typ, key[0])
			if o, ok := at[k]; ok && (o.lsn > c.LSN || o.lsn == c.LSN && o.seq > c.Seq) {
				continue
			}
			at[k] = order{c.LSN, c.Seq}
			s.pending[k] = s.entry(c)
		}
	}
	s.commit()
	return nil
}

// entry returns the index entry a stored change leaves.
func (s *seenIndex) entry(c bronze.Change) seenEntry {
	if c.Op == bronze.OpDelete || c.Data == "" {
		return seenEntry{deleted: true}
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(c.Data), &fields); err != nil {
		return seenEntry{} // unreadable: any new content counts as an update
	}
	return seenEntry{content: contentHash(s.seed, fields)}
}
