package debezium

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"
)

// ErrKafkaOptions is wrapped by every error KafkaOptions.validate returns.
var ErrKafkaOptions = errors.New("debezium: invalid kafka options")

// KafkaOptions says where RunKafka consumes from.
type KafkaOptions struct {
	// Brokers are the seed brokers (host:port).
	Brokers []string
	// Topics are the topics to consume, or regular expressions matching
	// them when TopicRegex is set (e.g. `^dbserver1\.emr\..*`).
	Topics     []string
	TopicRegex bool
	// ClientOptions are added to the Kafka client's options (TLS, SASL,
	// client id). They must not configure a consumer group: offsets live in
	// bronze, not in Kafka.
	ClientOptions []kgo.Opt
}

func (o KafkaOptions) validate() error {
	switch {
	case len(o.Brokers) == 0:
		return fmt.Errorf("%w: no brokers", ErrKafkaOptions)
	case len(o.Topics) == 0:
		return fmt.Errorf("%w: no topics", ErrKafkaOptions)
	}
	return nil
}

// RunKafka consumes Debezium change events from Kafka into bronze until ctx
// is cancelled (then it returns nil) or bronze cannot be written (then it
// returns the error; restarting it loses and repeats nothing). Each poll of at
// most Options.MaxBatch records becomes one bronze batch that also records
// each partition's next offset; Kafka consumer-group commits are never used.
// On start each partition is read from the offset bronze holds (from its
// beginning when bronze holds none): records before it are dropped and the
// partition is repositioned there. Records of one partition keep their order.
// While it runs, another RunKafka of the door returns ErrBusy.
func (d *Door) RunKafka(ctx context.Context, ko KafkaOptions) error {
	if err := ko.validate(); err != nil {
		return err
	}
	if !d.kafka.TryLock() { // two consumers would both resume at the same offsets
		return ErrBusy
	}
	defer d.kafka.Unlock()
	opts := []kgo.Opt{
		kgo.SeedBrokers(ko.Brokers...),
		kgo.ConsumeTopics(ko.Topics...),
		kgo.ConsumeStartOffset(kgo.NewOffset().AtStart()),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.FetchMaxBytes(int32(min(d.opts.MaxBatchBytes, 1<<30))),
	}
	if ko.TopicRegex {
		opts = append(opts, kgo.ConsumeRegex())
	}
	cl, err := kgo.NewClient(append(opts, ko.ClientOptions...)...)
	if err != nil {
		return fmt.Errorf("debezium: kafka client: %w", err)
	}
	defer cl.Close()
	d.logger.Info("consuming kafka", "brokers", ko.Brokers, "topics", ko.Topics)
	for {
		fetches := cl.PollRecords(ctx, d.opts.MaxBatch)
		if ctx.Err() != nil {
			return nil
		}
		if fetches.IsClientClosed() {
			return ErrClosed
		}
		for _, fe := range fetches.Errors() {
			d.logger.Warn("kafka fetch failed; retrying", "topic", fe.Topic, "partition", fe.Partition, "err", fe.Err)
		}
		b, next, seek := d.kafkaBatch(fetches)
		err := d.write(EntryKafka, b, func(p *Position) {
			for _, o := range next {
				p.setKafka(o.topic, o.partition, o.next)
			}
		})
		if err != nil {
			return err
		}
		if len(seek) > 0 {
			cl.SetOffsets(seek)
		}
	}
}

// partitionOffset is the next offset to consume of one partition.
type partitionOffset struct {
	topic     string
	partition int32
	next      int64
}

// kafkaBatch decodes the polled records that lie at or after each
// partition's durable offset. It returns the batch, the partitions' new next
// offsets, and the partitions to reposition to their durable offset because
// they returned records before it.
func (d *Door) kafkaBatch(fetches kgo.Fetches) (*batch, []partitionOffset, map[string]map[int32]kgo.EpochOffset) {
	durable := d.Position()
	b := &batch{}
	var next []partitionOffset
	seek := map[string]map[int32]kgo.EpochOffset{}
	source := d.opts.Source + ":kafka"
	fetches.EachPartition(func(p kgo.FetchTopicPartition) {
		stored, ok := durable.kafkaOffset(p.Topic, p.Partition)
		last := int64(-1)
		for _, r := range p.Records {
			if ok && r.Offset < stored {
				if seek[p.Topic] == nil {
					seek[p.Topic] = map[int32]kgo.EpochOffset{}
				}
				seek[p.Topic][p.Partition] = kgo.EpochOffset{Epoch: -1, Offset: stored}
				continue
			}
			at := fmt.Sprintf("%s partition %d offset %d", r.Topic, r.Partition, r.Offset)
			if len(r.Value) > d.opts.MaxRecordBytes {
				b.events++
				b.reject(source, at, fmt.Sprintf("oversized record: %d bytes, over the limit of %d", len(r.Value), d.opts.MaxRecordBytes), r.Value)
			} else {
				d.add(b, r.Key, r.Value, source, at)
			}
			last = r.Offset
		}
		if last >= 0 {
			next = append(next, partitionOffset{p.Topic, p.Partition, last + 1})
		}
	})
	return b, next, seek
}
