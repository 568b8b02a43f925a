using System.Net;
using System.Text;
using Imguard.Contracts.Jobs;
using Imguard.Mpc.Preprocessing;
using Imguard.Party.Jobs;

namespace Imguard.Party.Tests.Jobs;

/// <summary>
/// The party's dealer feed against an in-memory dealer (an <see cref="HttpMessageHandler"/> that answers item requests
/// in the dealer's wire format): a step's items are fetched one by one until its kind has shown its plan twice, then
/// prefetched in plan order, one request at a time and a bounded number of batches ahead; a refusal reaches the
/// protocol as the dealer's own error; cancelling the attempt stops a prefetch that waits for the dealer.
/// </summary>
public sealed class RemoteDealerFeedTests
{
    private const string JobId = "job-feed";
    private static readonly StepKind Step = new(8, EpochStart: false, First: false);

    [Fact]
    public async Task A_confirmed_plan_is_prefetched_in_order_one_request_at_a_time_and_at_most_two_batches_ahead()
    {
        var dealer = new FakeDealer();
        await using var feed = Feed(dealer);
        RandomnessRequest[] plan = Plan(100);
        long index = 0;
        for (int step = 0; step < 2; step++)
        {
            feed.BeginSegment(Step);
            index = await TakeAsync(feed, index, plan);
        }
        Assert.Equal(Enumerable.Repeat(1, 200), dealer.BatchSizes);
        Assert.Equal(0, feed.ItemsPrefetched);

        // The third step of the kind: its plan is known, and the loop runs ahead of a protocol that has taken nothing
        // yet, but only as far as the bound (one batch per request, at most BatchesAhead fetched and one more blocked).
        feed.BeginSegment(Step);
        await WaitForAsync(() => dealer.BatchSizes.Count == 200 + RemoteDealerFeed.BatchesAhead + 1);
        await Task.Delay(300);
        Assert.Equal(200 + RemoteDealerFeed.BatchesAhead + 1, dealer.BatchSizes.Count);
        index = await TakeAsync(feed, index, plan);
        await feed.Prefetching;
        Assert.Equal([4, 16, 64, 16], dealer.BatchSizes.Skip(200));
        Assert.Equal(100, feed.ItemsPrefetched);
        Assert.Equal(300, feed.ItemsReceived);
        Assert.Equal(1, dealer.MostAtOnce);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), dealer.Indices);

        // A step of a kind never seen is fetched item by item again.
        feed.BeginSegment(Step with { Rows = 3 });
        await TakeAsync(feed, index, Plan(5));
        Assert.Equal(209, dealer.BatchSizes.Count);
    }

    [Fact]
    public async Task A_refusal_while_prefetching_reaches_the_protocol_that_awaits_the_item_as_the_dealers_error()
    {
        var dealer = new FakeDealer { RefuseFrom = 2 * 30 + 10 };
        await using var feed = Feed(dealer);
        RandomnessRequest[] plan = Plan(30);
        long index = 0;
        for (int step = 0; step < 2; step++)
        {
            feed.BeginSegment(Step);
            index = await TakeAsync(feed, index, plan);
        }
        feed.BeginSegment(Step);
        // Items of batches the dealer did answer are handed out; the first item of the refused batch throws.
        index = await TakeAsync(feed, index, plan[..4]);
        var refused = await Assert.ThrowsAsync<DealerRequestException>(async () => await TakeAsync(feed, index, plan[4..]));
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("out of step", refused.Message, StringComparison.Ordinal);
        Assert.Equal(64, feed.ItemsReceived);
    }

    [Fact]
    public async Task Cancelling_the_attempt_stops_a_prefetch_that_waits_for_the_dealer()
    {
        var dealer = new FakeDealer();
        using var attempt = new CancellationTokenSource();
        await using var feed = Feed(dealer, attempt.Token);
        RandomnessRequest[] plan = Plan(20);
        long index = 0;
        for (int step = 0; step < 2; step++)
        {
            feed.BeginSegment(Step);
            index = await TakeAsync(feed, index, plan);
        }
        dealer.Hang = true;
        feed.BeginSegment(Step);
        Task<ulong[]> waiting = feed.ReceiveAsync(index, plan[0], attempt.Token).AsTask();
        await WaitForAsync(() => dealer.Hanging > 0);
        Assert.False(waiting.IsCompleted);

        await attempt.CancelAsync();
        await feed.Prefetching.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(feed.Prefetching.IsCanceled || feed.Prefetching.IsFaulted);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, dealer.Hanging);
    }

    [Fact]
    public async Task A_step_that_takes_other_items_than_its_kinds_plan_ends_the_attempt()
    {
        var dealer = new FakeDealer();
        await using var feed = Feed(dealer);
        RandomnessRequest[] plan = Plan(6);
        long index = 0;
        for (int step = 0; step < 2; step++)
        {
            feed.BeginSegment(Step);
            index = await TakeAsync(feed, index, plan);
        }
        feed.BeginSegment(Step);
        await Assert.ThrowsAsync<DealerPrefetchException>(async () => await feed.ReceiveAsync(index, RandomnessRequest.ElementwiseTriple(3)));
    }

    private static RemoteDealerFeed Feed(FakeDealer dealer, CancellationToken cancellationToken = default) =>
        new(new DealerClient(new HttpClient(dealer) { BaseAddress = new Uri("https://platform.test/") }), JobId, 0, prefetch: true, cancellationToken);

    private static RandomnessRequest[] Plan(int items) =>
        Enumerable.Range(0, items).Select(i => RandomnessRequest.ElementwiseTriple(1 + i % 3)).ToArray();

    /// <summary>Takes the plan's items as a protocol would, checking each is the dealer's message for its index.</summary>
    private static async Task<long> TakeAsync(RemoteDealerFeed feed, long index, RandomnessRequest[] plan)
    {
        foreach (var request in plan)
        {
            ulong[] message = await feed.ReceiveAsync(index, request);
            Assert.Equal(FakeDealer.Message(index, request), message);
            index++;
        }
        return index;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }
        Assert.True(condition());
    }

    /// <summary>Answers item requests in order with a message derived from the index; can refuse from an index on or hang.</summary>
    private sealed class FakeDealer : HttpMessageHandler
    {
        private readonly object _gate = new();
        private int _atOnce;
        private int _hanging;
        private volatile bool _hang;

        public List<int> BatchSizes { get; } = [];

        public List<long> Indices { get; } = [];

        public int MostAtOnce { get; private set; }

        public long RefuseFrom { get; init; } = long.MaxValue;

        public bool Hang
        {
            get => _hang;
            set => _hang = value;
        }

        public int Hanging => Volatile.Read(ref _hanging);

        public static ulong[] Message(long index, RandomnessRequest request) =>
            Enumerable.Range(0, request.M).Select(i => (ulong)(index * 10 + i)).ToArray();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal(HttpMethod.Post, request.Method);
            Assert.Equal("/" + DealerEndpoints.Items(JobId, 0), request.RequestUri!.AbsolutePath);
            var items = DealerItemRequests.Decode(await request.Content!.ReadAsByteArrayAsync(cancellationToken), DealerEndpoints.MaxItemsPerRequest);
            lock (_gate)
            {
                MostAtOnce = Math.Max(MostAtOnce, ++_atOnce);
            }
            try
            {
                if (Hang)
                {
                    Interlocked.Increment(ref _hanging);
                    try
                    {
                        await Task.Delay(Timeout.Infinite, cancellationToken);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _hanging);
                    }
                }
                lock (_gate)
                {
                    BatchSizes.Add(items.Count);
                    Indices.AddRange(items.Select(i => i.Index));
                }
                if (items.Any(i => i.Index >= RefuseFrom))
                {
                    return new HttpResponseMessage(HttpStatusCode.Conflict)
                    {
                        Content = new StringContent("""{"title":"Conflict","detail":"The parties are out of step at item 70."}""", Encoding.UTF8, "application/problem+json"),
                    };
                }
                var body = new MemoryStream();
                foreach (var (index, item) in items)
                {
                    DealerStream.Write(body, index, item, Message(index, item));
                }
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body.ToArray()) };
            }
            finally
            {
                lock (_gate)
                {
                    _atOnce--;
                }
            }
        }
    }
}
