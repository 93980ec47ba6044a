package debezium

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/cdw-dev/cdw/ingest/bronze"
)

const kafkaTopic = "dbserver1.emr.patient"

// produce writes the create of each patient n to partition n%partitions
// (keyed by a schema-wrapped Debezium key), through a real kgo producer.
func produce(t *testing.T, brokers []string, partitions int, from, to int, extra ...*kgo.Record) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic(kafkaTopic),
		kgo.RecordPartitioner(kgo.ManualPartitioner()))
	require.NoError(t, err)
	defer cl.Close()
	var recs []*kgo.Record
	for n := from; n <= to; n++ {
		key := mustJSON(t, map[string]any{
			"schema":  map[string]any{"type": "struct", "fields": []any{fieldSchema("patient_id", "int64", "", nil)}},
			"payload": map[string]any{"patient_id": n}})
		recs = append(recs, &kgo.Record{Key: key, Value: []byte(patientLine(n)), Partition: int32(n % partitions)})
	}
	recs = append(recs, extra...)
	require.NoError(t, cl.ProduceSync(t.Context(), recs...).FirstErr())
}

// runKafka runs the door's Kafka entry until stop says so, then cancels it
// and returns what RunKafka returned.
func runKafka(t *testing.T, d *Door, brokers []string, stop func() bool) error {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- d.RunKafka(ctx, KafkaOptions{Brokers: brokers, Topics: []string{`^dbserver1\.emr\.`}, TopicRegex: true})
	}()
	deadline := time.After(20 * time.Second)
	for !stop() {
		select {
		case err := <-done:
			return err
		case <-deadline:
			cancel()
			<-done
			t.Fatal("kafka entry did not get there in time")
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	return <-done
}

func TestKafkaExactlyOnceAcrossRestarts(t *testing.T) {
	const partitions = 3
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, kafkaTopic))
	require.NoError(t, err)
	defer cluster.Close()
	brokers := cluster.ListenAddrs()
	dir := t.TempDir()

	bad := &kgo.Record{Value: []byte(`{"op":"c","after":`), Partition: 1}
	tombstone := &kgo.Record{Key: []byte(`{"patient_id":3}`), Value: nil, Partition: 2}
	produce(t, brokers, partitions, 1, 60, bad, tombstone)

	// Run 1 stops ("crashes") after its third durable batch of at most 7.
	d, closeDoor := openDoor(t, dir, Options{MaxBatch: 7})
	var writes atomic.Int64
	d.afterWrite = func(string) { writes.Add(1) }
	require.NoError(t, runKafka(t, d, brokers, func() bool { return writes.Load() >= 3 }))
	closeDoor()
	first := len(changes(t, dir))
	require.Greater(t, first, 0)
	require.Less(t, first, 60)

	// More events arrive while the door is down; run 2 resumes at the
	// offsets bronze holds and runs until every event is in.
	produce(t, brokers, partitions, 61, 90)
	d, closeDoor = openDoor(t, dir, Options{MaxBatch: 7})
	require.NoError(t, runKafka(t, d, brokers, func() bool { return d.Stats()[EntryKafka].Accepted+int64(first) >= 90 }))
	closeDoor()

	// Run 3 finds nothing new.
	d, closeDoor = openDoor(t, dir, Options{MaxBatch: 7})
	time0 := time.Now()
	require.NoError(t, runKafka(t, d, brokers, func() bool { return time.Since(time0) > 500*time.Millisecond }))
	assert.Zero(t, d.Stats()[EntryKafka].Accepted)
	closeDoor()

	got := changes(t, dir)
	require.Equal(t, 90, len(got), "each event exactly once")
	seen := map[string]bool{}
	last := map[int]int{} // per partition, the patient last seen: order within a partition holds
	for _, c := range got {
		require.False(t, seen[c.Key], "duplicate %s", c.Key)
		seen[c.Key] = true
		var n int
		_, err := fmt.Sscanf(c.Key, "[%d]", &n)
		require.NoError(t, err)
		require.Greater(t, n, last[n%partitions], "partition %d out of order", n%partitions)
		last[n%partitions] = n
	}
	rs := rejects(t, dir)
	require.Len(t, rs, 1, "the malformed record, once")
	assert.Equal(t, "debezium:kafka", rs[0].Source)
	assert.Regexp(t, `^dbserver1\.emr\.patient partition 1 offset \d+$`, rs[0].Position)

	m, err := bronze.ReadManifest(dir)
	require.NoError(t, err)
	pos, err := ParsePosition(m.Position)
	require.NoError(t, err)
	// Partition p holds the patients n ≡ p (mod 3) of 1..90, plus the bad
	// record on 1 and the tombstone on 2, which were produced after 1..60.
	want := map[int32]int64{0: 30, 1: 31, 2: 31}
	assert.Equal(t, want, pos.Kafka[kafkaTopic])
	b, _ := json.Marshal(pos)
	t.Logf("position %s", b)
}

func TestKafkaOptionsValidate(t *testing.T) {
	d, _ := openDoor(t, t.TempDir(), Options{})
	assert.ErrorIs(t, d.RunKafka(t.Context(), KafkaOptions{Topics: []string{"x"}}), ErrKafkaOptions)
	assert.ErrorIs(t, d.RunKafka(t.Context(), KafkaOptions{Brokers: []string{"localhost:1"}}), ErrKafkaOptions)
}

func TestKafkaTopicList(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, kafkaTopic, "dbserver1.emr.registration", "other"))
	require.NoError(t, err)
	defer cluster.Close()
	brokers := cluster.ListenAddrs()
	produce(t, brokers, 1, 1, 5,
		&kgo.Record{Topic: "dbserver1.emr.registration", Value: bare("registration", "c", nil, obj("reg_id", 77), t0)},
		&kgo.Record{Topic: "other", Value: []byte(`{"not":"read"}`)})

	dir := t.TempDir()
	d, _ := openDoor(t, dir, Options{})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- d.RunKafka(ctx, KafkaOptions{Brokers: brokers, Topics: []string{kafkaTopic, "dbserver1.emr.registration"}})
	}()
	require.Eventually(t, func() bool { return d.Stats()[EntryKafka].Accepted == 6 }, 20*time.Second, 10*time.Millisecond)
	assert.ErrorIs(t, d.RunKafka(t.Context(), KafkaOptions{Brokers: brokers, Topics: []string{kafkaTopic}}), ErrBusy)
	cancel()
	require.NoError(t, <-done)
	assert.Equal(t, map[string]map[int32]int64{kafkaTopic: {0: 5}, "dbserver1.emr.registration": {0: 1}}, d.Position().Kafka)
	assert.Empty(t, rejects(t, dir))
}
