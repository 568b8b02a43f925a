using Imguard.Audit.Events;
using Imguard.Audit.Ledger;
using Imguard.Audit.Signing;

namespace Imguard.Audit.Tests.Ledger;

public sealed class AuditLogTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Appends_get_dense_sequence_numbers_and_link_to_their_predecessor()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var key = AuditSigningKey.Generate();
        using var log = new AuditLog(db.Database, key);

        var records = new List<AuditRecord>();
        for (int i = 0; i < 5; i++)
        {
            records.Add(await log.AppendAsync(SampleEvents.Event(i)));
        }

        Assert.Equal([1L, 2, 3, 4, 5], records.Select(r => r.Sequence));
        Assert.Equal(new byte[32], records[0].PreviousHash);
        for (int i = 1; i < records.Count; i++)
        {
            Assert.Equal(records[i - 1].RecordHash, records[i].PreviousHash);
        }

        AuditRecord? stored = await log.GetAsync(3);
        Assert.NotNull(stored);
        Assert.Equal(records[2].RecordHash, stored.RecordHash);
        Assert.Equal(records[2].Subjects, stored.Subjects);
        Assert.Equal(records[2].PropertiesJson, stored.PropertiesJson);
        Assert.Equal(records[2].Timestamp, stored.Timestamp);
        Assert.Equal(stored.RecordHash, ChainHashing.RecordHash(stored));
        Assert.Null(await log.GetAsync(6));
    }

    [Fact]
    public async Task A_delivery_appended_twice_leaves_one_record_and_returns_the_first()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var key = AuditSigningKey.Generate();
        using var log = new AuditLog(db.Database, key);

        var delivery = new AuditDelivery("party-0", "0123456789abcdef0123456789abcdef");
        AuditAppendResult first = await log.AppendOnceAsync(SampleEvents.Event(0), delivery);
        AuditAppendResult again = await log.AppendOnceAsync(SampleEvents.Event(0), delivery);
        AuditAppendResult otherSender = await log.AppendOnceAsync(SampleEvents.Event(0), new AuditDelivery("party-1", delivery.EventId));
        AuditRecord plain = await log.AppendAsync(SampleEvents.Event(0));

        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.Record.Sequence, again.Record.Sequence);
        Assert.Equal(first.Record.RecordHash, again.Record.RecordHash);
        Assert.Equal(delivery, again.Record.Delivery);
        Assert.False(otherSender.Duplicate);
        Assert.Equal([1L, 2L, 3L], new[] { first.Record.Sequence, otherSender.Record.Sequence, plain.Sequence });
        Assert.Null(await log.GetAsync(4));
        Assert.True((await log.VerifyAsync()).IsValid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("a/b")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public void A_malformed_event_id_is_refused(string eventId) =>
        Assert.ThrowsAny<ArgumentException>(() => new AuditDelivery("party-0", eventId));

    [Fact]
    public async Task Timestamps_are_UTC_microseconds_and_never_go_backwards()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var key = AuditSigningKey.Generate();
        var clock = new ManualTimeProvider(Start.AddTicks(7)); // sub-microsecond part is dropped
        using var log = new AuditLog(db.Database, key, timeProvider: clock);

        AuditRecord first = await log.AppendAsync(SampleEvents.Event(0));
        clock.Set(Start.AddMinutes(-5)); // the clock steps back
        AuditRecord second = await log.AppendAsync(SampleEvents.Event(1));

        Assert.Equal(Start, first.Timestamp);
        Assert.Equal(TimeSpan.Zero, first.Timestamp.Offset);
        Assert.Equal(first.Timestamp, second.Timestamp);
        Assert.True((await log.VerifyAsync()).IsValid);
    }

    [Fact]
    public async Task A_checkpoint_is_signed_every_N_records_and_on_demand()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var key = AuditSigningKey.Generate();
        using var log = new AuditLog(db.Database, key, new AuditLogOptions { CheckpointInterval = 4 });

        Assert.Null(await log.CheckpointAsync()); // empty log: nothing to sign
        var records = new List<AuditRecord>();
        for (int i = 0; i < 10; i++)
        {
            records.Add(await log.AppendAsync(SampleEvents.Event(i)));
        }

        var checkpoints = await log.GetCheckpointsAsync();
        Assert.Equal([4L, 8], checkpoints.Select(c => c.Sequence));
        Assert.Equal(records[3].RecordHash, checkpoints[0].ChainHash);
        Assert.All(checkpoints, c => Assert.Equal(key.KeyId, c.KeyId));
        Assert.All(checkpoints, c => Assert.Equal(64, c.Signature.Length));

        AuditCheckpoint? onDemand = await log.CheckpointAsync();
        Assert.NotNull(onDemand);
        Assert.Equal(10, onDemand.Sequence);
        Assert.Equal(records[9].RecordHash, onDemand.ChainHash);
        AuditCheckpoint? again = await log.CheckpointAsync(); // idempotent at the same head
        Assert.Equal(onDemand.Signature, again!.Signature);
        Assert.Equal([4L, 8, 10], (await log.GetCheckpointsAsync()).Select(c => c.Sequence));

        var report = await log.VerifyAsync();
        Assert.True(report.IsValid, report.ToString());
        Assert.Equal(10, report.RecordCount);
        Assert.Equal(10, report.LastCheckpointSequence);
        Assert.Equal(0, report.UncheckpointedRecords);
    }

    [Fact]
    public async Task The_checkpoint_interval_must_be_positive()
    {
        await using var db = TestDatabase.CreateEmpty();
        using var key = AuditSigningKey.Generate();
        Assert.Throws<ArgumentOutOfRangeException>(() => new AuditLog(db.Database, key, new AuditLogOptions { CheckpointInterval = 0 }));
    }

    [Fact]
    public async Task Queries_filter_by_event_type_actor_subject_and_time_range()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var key = AuditSigningKey.Generate();
        var clock = new ManualTimeProvider(Start);
        using var log = new AuditLog(db.Database, key, timeProvider: clock);
        for (int i = 0; i < 24; i++)
        {
            await log.AppendAsync(SampleEvents.Event(i)); // event i at Start + i minutes
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        static long[] Seq(AuditPage page) => [.. page.Records.Select(r => r.Sequence)];

        // Event i is record i + 1: type i % 4, actor (i / 2) % 4, subjects project:(i % 3) and item:i.
        Assert.Equal(new long[] { 2, 6, 10, 14, 18, 22 }, Seq(await log.QueryAsync(new AuditQuery { EventType = "job.started" })));
        Assert.Equal(new long[] { 3, 4, 11, 12, 19, 20 }, Seq(await log.QueryAsync(new AuditQuery { Actor = "user:bob" })));
        Assert.Equal(new long[] { 2, 5, 8, 11, 14, 17, 20, 23 }, Seq(await log.QueryAsync(new AuditQuery { Subject = "project:1" })));
        Assert.Equal(new long[] { 8 }, Seq(await log.QueryAsync(new AuditQuery { Subject = "item:7" })));
        Assert.Equal(new long[] { 6, 7, 8 }, Seq(await log.QueryAsync(new AuditQuery { From = Start.AddMinutes(5), To = Start.AddMinutes(8) })));
        Assert.Equal(new long[] { 11, 20 }, Seq(await log.QueryAsync(new AuditQuery { Actor = "user:bob", Subject = "project:1" })));
        Assert.Equal(new long[] { 20 }, Seq(await log.QueryAsync(new AuditQuery { Actor = "user:bob", Subject = "project:1", From = Start.AddMinutes(12) })));
        Assert.Empty((await log.QueryAsync(new AuditQuery { EventType = "no.such" })).Records);

        AuditRecord one = (await log.QueryAsync(new AuditQuery { Subject = "item:7" })).Records.Single();
        Assert.Equal(["project:1", "item:7"], one.Subjects);
        Assert.Contains("\"index\":7", one.PropertiesJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cursor_paging_visits_every_match_once_in_either_order()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var key = AuditSigningKey.Generate();
        using var log = new AuditLog(db.Database, key);
        for (int i = 0; i < 23; i++)
        {
            await log.AppendAsync(SampleEvents.Event(i));
        }

        foreach (bool newestFirst in new[] { false, true })
        {
            var seen = new List<long>();
            long? cursor = null;
            int pages = 0;
            do
            {
                AuditPage page = await log.QueryAsync(new AuditQuery { Limit = 5, Cursor = cursor, NewestFirst = newestFirst });
                seen.AddRange(page.Records.Select(r => r.Sequence));
                cursor = page.NextCursor;
                pages++;
            }
            while (cursor is not null);

            Assert.Equal(5, pages);
            var expected = Enumerable.Range(1, 23).Select(i => (long)i);
            Assert.Equal(newestFirst ? expected.Reverse() : expected, seen);
        }

        // Paging with a filter: the cursor continues within the filtered set; an exact last page has no next cursor.
        AuditPage first = await log.QueryAsync(new AuditQuery { Subject = "project:0", Limit = 4 });
        Assert.Equal([1L, 4, 7, 10], first.Records.Select(r => r.Sequence));
        AuditPage second = await log.QueryAsync(new AuditQuery { Subject = "project:0", Limit = 4, Cursor = first.NextCursor });
        Assert.Equal([13L, 16, 19, 22], second.Records.Select(r => r.Sequence));
        Assert.Null(second.NextCursor);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(AuditQuery.MaxLimit + 1)]
    public async Task Page_sizes_outside_1_to_the_maximum_are_refused(int limit)
    {
        await using var db = await TestDatabase.CreateAsync();
        using var key = AuditSigningKey.Generate();
        using var log = new AuditLog(db.Database, key);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.QueryAsync(new AuditQuery { Limit = limit }));
        await Assert.ThrowsAsync<ArgumentException>(() => log.QueryAsync(new AuditQuery { From = Start, To = Start.AddSeconds(-1) }));
    }

    [Fact]
    public async Task Concurrent_appends_from_many_tasks_keep_one_dense_valid_chain()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var key = AuditSigningKey.Generate();
        using var log = new AuditLog(db.Database, key, new AuditLogOptions { CheckpointInterval = 16 });

        const int Tasks = 8, PerTask = 20;
        var results = await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            var mine = new List<AuditRecord>();
            for (int i = 0; i < PerTask; i++)
            {
                mine.Add(await log.AppendAsync(new AuditEvent("job.step", $"party:{t}", [$"job:{t}"], new AuditProperties().Add("step", i))));
            }

            return mine;
        })));

        var all = results.SelectMany(r => r).OrderBy(r => r.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, Tasks * PerTask).Select(i => (long)i), all.Select(r => r.Sequence));
        foreach (var mine in results)
        {
            Assert.True(mine.Zip(mine.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence)); // each task's order kept
        }

        var report = await log.VerifyAsync();
        Assert.True(report.IsValid, report.ToString());
        Assert.Equal(Tasks * PerTask, report.RecordCount);
        Assert.Equal(Tasks * PerTask / 16, report.CheckpointCount);
    }

    [Fact]
    public async Task Two_log_instances_on_one_file_serialise_through_the_database_lock()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var key = AuditSigningKey.Generate();
        using var first = new AuditLog(db.Database, key);
        using var second = new AuditLog(new Audit.Storage.AuditDatabase(Audit.Storage.AuditDatabaseOptions.ForSqlite(db.Path)), key);

        await Task.WhenAll(Enumerable.Range(0, 6).Select(t => Task.Run(async () =>
        {
            AuditLog log = t % 2 == 0 ? first : second;
            for (int i = 0; i < 10; i++)
            {
                await log.AppendAsync(new AuditEvent("job.step", $"party:{t % 2}", properties: new AuditProperties().Add("step", i)));
            }
        })));

        var report = await first.VerifyAsync();
        Assert.True(report.IsValid, report.ToString());
        Assert.Equal(60, report.RecordCount);
    }
}
