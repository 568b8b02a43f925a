using System.Buffers.Binary;
using CsCheck;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Ring;

namespace Imguard.Mpc.Tests.Preprocessing;

/// <summary>
/// Property tests of the two parsers between a party and the dealer: the dealer parsing a party's batch of item
/// headers (<see cref="DealerItemRequests.Decode"/>, any party can send anything) and a party parsing the dealer's
/// items (<see cref="DealerStreamReader"/>). Hostile bytes are refused as <see cref="InvalidDataException"/> (or, for a
/// header that names another item, the out-of-order error), and no size a header claims is allocated before it is
/// checked against what the request needs.
/// </summary>
public sealed class DealerStreamPropertyTests
{
    private static readonly Dealer TheDealer = Dealer.CreateRandom();

    private static readonly Gen<RandomnessRequest> Convolution =
        from kind in Gen.OneOf(RandomnessKind.ConvolutionTriple, RandomnessKind.ConvolutionFilterGradientTriple, RandomnessKind.ConvolutionInputGradientTriple)
        from shape in Gen.Select(Gen.Int[0, 3], Gen.Int[1, 3], Gen.Int[1, 8], Gen.Int[1, 8], Gen.Int[1, 3])
        from kernel in Gen.Select(Gen.Int[1, 4], Gen.Int[1, 4], Gen.Int[1, 3], Gen.Int[0, 2])
        where shape.Item3 + 2 * kernel.Item4 >= kernel.Item1 && shape.Item4 + 2 * kernel.Item4 >= kernel.Item2
        let geometry = new Conv2dGeometry(shape.Item2, shape.Item3, shape.Item4, kernel.Item1, kernel.Item2, kernel.Item3, kernel.Item4)
        select kind switch
        {
            RandomnessKind.ConvolutionTriple => RandomnessRequest.ConvolutionTriple(shape.Item1, geometry, shape.Item5),
            RandomnessKind.ConvolutionFilterGradientTriple => RandomnessRequest.ConvolutionFilterGradientTriple(shape.Item1, geometry, shape.Item5),
            _ => RandomnessRequest.ConvolutionInputGradientTriple(shape.Item1, geometry, shape.Item5),
        };

    /// <summary>Small valid requests of every kind (what a party asks for, at toy sizes).</summary>
    private static readonly Gen<RandomnessRequest> SmallRequest = Gen.OneOf(
        Gen.Int[0, 40].Select(RandomnessRequest.ElementwiseTriple),
        Gen.Select(Gen.Int[0, 6], Gen.Int[0, 6], Gen.Int[0, 6]).Select(RandomnessRequest.MatrixTriple),
        Gen.Select(Gen.Int[0, 40], Gen.Int[1, 40]).Select(RandomnessRequest.Truncation),
        Gen.Select(Gen.Int[0, 20], Gen.Int[2, 64], Gen.Bool).Select(RandomnessRequest.Sign),
        Gen.Select(Gen.Int[0, 130], Gen.Int[2, 64], Gen.Bool).Select(RandomnessRequest.BitSign),
        Gen.Select(Gen.Int[0, 130], Gen.Int[2, 64]).Select(RandomnessRequest.BitSignForBackward),
        Convolution);

    /// <summary>A 48-byte item header with the right magic and any index, kind, dimensions and word count.</summary>
    private static byte[] Header(long index, int kind, int m, int k, int n, int parameter, long words)
    {
        var header = new byte[DealerItemRequests.HeaderBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(header, 0x314C4145_44474D49UL);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), index);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), kind);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(20), m);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(24), k);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(28), n);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(32), parameter);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(40), words);
        return header;
    }

    private static readonly Gen<int> AnyInt = Gen.Frequency(
        (3, Gen.Int[-2, 70]), (1, Gen.OneOf(int.MinValue, int.MaxValue, 1 << 15, (1 << 15) - 1, 0xFFFF, 0x10001, 1 << 16, 1 << 24, 0x7F7F7F7F)), (2, Gen.Int));

    /// <summary>A field as a hostile party might set it: kept, or replaced by something small, extreme or arbitrary.</summary>
    private static Gen<int> Hostile(int value) => Gen.Frequency((6, Gen.Const(value)), (1, AnyInt));

    /// <summary>Headers a hostile party could send: a valid request's header with some fields (or the word count) replaced.</summary>
    private static readonly Gen<byte[]> HostileHeader =
        from index in Gen.Frequency((6, Gen.Long[0, 100]), (1, Gen.Long))
        from request in SmallRequest
        from kind in Gen.Frequency((8, Gen.Const((int)request.Kind)), (1, Gen.Int[0, 12]), (1, Gen.Int))
        from dims in Gen.Select(Hostile(request.M), Hostile(request.K), Hostile(request.N), Hostile(request.Parameter))
        from words in Gen.Frequency((8, Gen.Const(0L)), (1, Gen.Long))
        select Header(index, kind, dims.Item1, dims.Item2, dims.Item3, dims.Item4, words);

    [Fact]
    public void A_party_batch_of_random_bytes_or_hostile_headers_is_refused_as_invalid_data_or_is_a_batch_of_valid_requests()
    {
        int accepted = 0, refused = 0;
        Gen.Frequency(
            (1, Gen.Byte.Array[0, 600]),
            (4, HostileHeader.Array[1, 3].Select(headers => headers.SelectMany(h => h).ToArray())))
        .Sample(body =>
        {
            IReadOnlyList<(long Index, RandomnessRequest Request)> items;
            try
            {
                items = DealerItemRequests.Decode(body, maxItems: 5);
            }
            catch (InvalidDataException)
            {
                Interlocked.Increment(ref refused);
                return;
            }
            Interlocked.Increment(ref accepted);
            Assert.InRange(items.Count, 1, 5);
            foreach (var (index, request) in items)
            {
                Assert.True(index >= 0);
                request.Validate();
                // What the dealer does next with an accepted request, before generating: describe it and size it.
                Assert.False(string.IsNullOrEmpty(request.ToString()));
                Assert.True(Dealer.WorkWords(request) >= 0);
            }
        }, iter: 5000);
        Assert.True(accepted > 100 && refused > 100, $"{accepted} accepted, {refused} refused");
    }

    [Fact]
    public void A_body_longer_than_the_item_limit_is_refused_before_its_headers_are_read()
    {
        Gen.Int[6, 300].Sample(count =>
        {
            var body = new byte[count * DealerItemRequests.HeaderBytes];
            long before = GC.GetAllocatedBytesForCurrentThread();
            Assert.Throws<InvalidDataException>(() => DealerItemRequests.Decode(body, maxItems: 5));
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 4096);
        }, iter: 100);
    }

    [Fact]
    public void Requests_round_trip_through_a_party_batch()
    {
        Gen.Select(Gen.Long[0, long.MaxValue / 2], SmallRequest.Array[1, 8]).Sample((first, requests) =>
        {
            var items = requests.Select((r, i) => (first + i, r)).ToArray();
            Assert.Equal(items, DealerItemRequests.Decode(DealerItemRequests.Encode(items), 8));
        }, iter: 500);
    }

    [Fact]
    public void The_dealers_work_estimate_bounds_what_generating_an_item_allocates()
    {
        // The dealer refuses a party's request whose WorkWords exceeds its limit before generating anything, so the
        // estimate must really bound the generation: here at toy sizes, with a factor for pooled arrays' rounding.
        SmallRequest.Sample(request =>
        {
            long work = Dealer.WorkWords(request);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var (m0, m1) = TheDealer.Generate(7, request);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.InRange(allocated, 0, 4 * 8 * work + 64 * 1024);
            Assert.Equal(Dealer.MessageWords(request, 0), m0.Length);
            Assert.Equal(Dealer.MessageWords(request, 1), m1.Length);
        }, iter: 1000, threads: 1);
    }

    /// <summary>Party 1's dealer stream for <paramref name="requests"/> (from index 0) and the messages in it.</summary>
    private static (byte[] Stream, ulong[][] Messages) StreamFor(int party, RandomnessRequest[] requests)
    {
        using var stream = new MemoryStream();
        var messages = new ulong[requests.Length][];
        for (int i = 0; i < requests.Length; i++)
        {
            var (m0, m1) = TheDealer.Generate(i, requests[i]);
            messages[i] = party == 0 ? m0 : m1;
            DealerStream.Write(stream, i, requests[i], messages[i]);
        }
        return (stream.ToArray(), messages);
    }

    [Fact]
    public async Task A_dealer_stream_round_trips_and_drives_a_partys_randomness()
    {
        await Gen.Select(Gen.Int[0, 1], SmallRequest.Array[1, 6]).SampleAsync(async (party, requests) =>
        {
            var (bytes, messages) = StreamFor(party, requests);
            var reader = new DealerStreamReader(new MemoryStream(bytes));
            for (int i = 0; i < requests.Length; i++)
            {
                Assert.Equal(messages[i], await reader.ReceiveAsync(i, requests[i]));
            }
            var source = new DealerRandomness(party, TheDealer.SeedFor(party), new DealerStreamReader(new MemoryStream(bytes))) { OnDemand = false };
            await source.PreprocessAsync(new RandomnessPlan().AddRange(requests));
            Assert.Equal(requests.Length, source.PreparedCount);
        }, iter: 200);
    }

    /// <summary>Reads a whole (possibly damaged) stream as the party would; true when every item was accepted.</summary>
    private static async Task<bool> ReadAllAsync(byte[] bytes, RandomnessRequest[] requests, int party)
    {
        var source = new DealerRandomness(party, TheDealer.SeedFor(party), new DealerStreamReader(new MemoryStream(bytes)));
        try
        {
            await source.PreprocessAsync(new RandomnessPlan().AddRange(requests));
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
        catch (InvalidOperationException e) when (e.Message.Contains("out of", StringComparison.OrdinalIgnoreCase))
        {
            // The header names another item than the party asked for: the parties and the dealer are out of step.
            return false;
        }
    }

    [Fact]
    public async Task Every_byte_change_truncation_or_extension_of_a_dealer_stream_is_refused_or_changes_only_payload_words()
    {
        await Gen.Select(Gen.Int[0, 1], SmallRequest.Array[1, 3], Gen.Int[0, int.MaxValue], Gen.Byte[1, 255], Gen.Int[0, 2]).SampleAsync(async (party, requests, position, xor, how) =>
        {
            var (bytes, _) = StreamFor(party, requests);
            if (bytes.Length == 0)
            {
                return;
            }
            int at = position % bytes.Length;
            byte[] damaged = how switch
            {
                0 => bytes[..at],
                1 => [.. bytes, .. new byte[1 + (position % 64)]],
                _ => ChangeAt(bytes, at, xor),
            };
            long before = GC.GetAllocatedBytesForCurrentThread();
            bool accepted = await ReadAllAsync(damaged, requests, party);
            // Whatever a header claims, the reader holds no more than the items the party asked for need.
            long need = requests.Sum(r => Dealer.WorkWords(r)) * 8 * 8 + 64 * 1024;
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, need + 8L * damaged.Length);
            if (how == 0)
            {
                Assert.False(accepted, "a truncated stream was accepted");
            }
            else if (how == 2 && accepted)
            {
                // Integrity of the words is TLS's job; a change the reader accepts lies in a payload word.
                Assert.True(InPayload(bytes, requests, party, at), $"a change at byte {at} of a header was accepted");
            }
        }, iter: 1000);
    }

    private static byte[] ChangeAt(byte[] bytes, int at, byte xor)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= xor;
        return copy;
    }

    private static bool InPayload(byte[] bytes, RandomnessRequest[] requests, int party, int at)
    {
        int offset = 0;
        foreach (var request in requests)
        {
            long words = Dealer.MessageWords(request, party);
            if (at < offset + DealerItemRequests.HeaderBytes)
            {
                return false;
            }
            offset += DealerItemRequests.HeaderBytes + (int)(8 * words);
            if (at < offset)
            {
                return true;
            }
        }
        _ = bytes;
        return false;
    }

    [Fact]
    public async Task A_header_that_announces_more_words_than_its_request_needs_is_refused_before_they_are_allocated()
    {
        await Gen.Select(SmallRequest, Gen.Frequency((3, Gen.Long[1, 1 << 20]), (1, Gen.Long[1, 1L << 40])), Gen.Int[0, 1]).SampleAsync(async (request, extra, party) =>
        {
            long needed = Math.Max(Dealer.MessageWords(request, 0), Dealer.MessageWords(request, 1));
            var header = Header(0, (int)request.Kind, request.M, request.K, request.N, request.Parameter, needed + extra);
            var reader = new DealerStreamReader(new MemoryStream([.. header, .. new byte[64]]));
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReceiveAsync(0, request));
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 16 * 1024);
            Assert.Contains("words", e.Message, StringComparison.Ordinal);
        }, iter: 1000, threads: 1);
    }

    [Fact]
    public void A_dealt_secret_share_for_party_1_is_exactly_the_dealers_message_or_a_length_error()
    {
        Gen.Select(Gen.Int[1, 5].Array[1, 3], Gen.Int[0, 200], Gen.Int[0, 1]).Sample((shape, messageLength, party) =>
        {
            int size = shape.Aggregate(1, (a, b) => a * b);
            var message = new ulong[messageLength];
            ulong stream = DealtSecrets.Stream(DealtPurpose.InitialParameters, 0, 0);
            if (party == 1 && messageLength != size)
            {
                Assert.Throws<ArgumentException>(() => DealtSecrets.ShareOf(party, TheDealer.SeedFor(party), stream, shape, message));
                return;
            }
            var share = DealtSecrets.ShareOf(party, TheDealer.SeedFor(party), stream, shape, message);
            Assert.Equal(shape, share.Shape.ToArray());
        }, iter: 500);
    }

    // Regression cases the properties above found (named, fixed inputs).

    [Fact]
    public async Task A_header_that_announces_gigabytes_for_a_small_item_is_refused_without_allocating_them()
    {
        // Before the reader bounded the count by the request, a flipped byte of the word count made a party allocate
        // 64 MB for a 1×6 matrix triple, and up to the 8 GiB limit for any item.
        var request = RandomnessRequest.MatrixTriple(1, 1, 6);
        var header = Header(0, (int)request.Kind, request.M, request.K, request.N, request.Parameter, (1L << 30) - 1);
        var reader = new DealerStreamReader(new MemoryStream([.. header, .. new byte[48]]));
        long before = GC.GetAllocatedBytesForCurrentThread();
        await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReceiveAsync(0, request));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 16 * 1024);
    }

    [Fact]
    public async Task A_header_naming_an_impossible_convolution_is_reported_as_out_of_step_not_thrown_from_its_description()
    {
        // Parameter's top byte is the padding: with its sign bit set the packed geometry does not exist, and
        // describing it for the out-of-order error threw ArgumentException from RandomnessRequest.ToString().
        var request = RandomnessRequest.ConvolutionTriple(3, new Conv2dGeometry(3, 1, 4, 3, 1, 2, 1), 3);
        var forged = request with { Parameter = request.Parameter ^ unchecked((int)0x8000_0000) };
        Assert.Contains("impossible geometry", forged.ToString(), StringComparison.Ordinal);
        var header = Header(0, (int)forged.Kind, forged.M, forged.K, forged.N, forged.Parameter, 0);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await new DealerStreamReader(new MemoryStream(header)).ReceiveAsync(0, request));
        Assert.Contains("out of step", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reserved_header_bytes_must_be_zero_in_a_dealer_stream_and_in_a_party_batch()
    {
        var request = RandomnessRequest.ElementwiseTriple(2);
        var header = Header(0, (int)request.Kind, request.M, request.K, request.N, request.Parameter, 2);
        header[38] = 1;
        await Assert.ThrowsAsync<InvalidDataException>(async () => await new DealerStreamReader(new MemoryStream([.. header, .. new byte[16]])).ReceiveAsync(0, request));
        var asked = Header(0, (int)request.Kind, request.M, request.K, request.N, request.Parameter, 0);
        asked[36] = 1;
        Assert.Throws<InvalidDataException>(() => DealerItemRequests.Decode(asked, 1));
    }
}
