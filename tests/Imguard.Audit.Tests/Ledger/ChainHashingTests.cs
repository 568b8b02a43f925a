using Imguard.Audit.Ledger;
using Imguard.Contracts.Audit;

namespace Imguard.Audit.Tests.Ledger;

public sealed class ChainHashingTests
{
    // Known answers computed by an independent implementation of the encoding in ChainHashing's summary
    // (Python: struct.pack('>I', len) framing, '>q' integers, hashlib.sha256).
    [Fact]
    public void The_record_hash_matches_the_known_answer()
    {
        byte[] hash = ChainHashing.RecordHash(1, 1_700_000_000_000_000, "dataset.uploaded", "user:alice",
            ["project:7", "dataset:ds-12"], """{"bytes":1024,"count":3}""", new byte[32]);
        Assert.Equal("3f6751853e52d49220c048cc2736ecf8cbbd9238b7a2657a4cd75ffbd83334fd", Convert.ToHexStringLower(hash));
    }

    [Fact]
    public void The_checkpoint_message_matches_the_known_answer()
    {
        byte[] chainHash = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
        byte[] message = AuditCheckpointEncoding.SignedBytes(10, chainHash, 1_700_000_000_000_000, "00112233445566778899aabbccddeeff");
        Assert.Equal(
            "0000001b696d67756172642e61756469742e636865636b706f696e742e7631000000000000000a00000020000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00060a24181e4000000000203030313132323333343435353636373738383939616162626363646465656666",
            Convert.ToHexStringLower(message));
    }

    [Fact]
    public void The_chained_checkpoint_message_and_its_digest_match_the_known_answers()
    {
        // Format 2: format 1's fields, then u64 previous sequence ‖ bytes previous digest ‖ u32 interval ‖ i64 period µs.
        var checkpoint = new AuditCheckpoint
        {
            Sequence = 20,
            ChainHash = [.. Enumerable.Range(0, 32).Select(i => (byte)i)],
            Timestamp = AuditTime.FromMicroseconds(1_700_000_000_000_000),
            KeyId = "00112233445566778899aabbccddeeff",
            Signature = [],
            PreviousSequence = 10,
            PreviousDigest = [.. Enumerable.Range(32, 32).Select(i => (byte)i)],
            Policy = new AuditCheckpointPolicy(1000, TimeSpan.FromMinutes(1)),
        };
        Assert.Equal(
            "0000001b696d67756172642e61756469742e636865636b706f696e742e7632000000000000001400000020000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00060a24181e4000000000203030313132323333343435353636373738383939616162626363646465656666000000000000000a00000020202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f000003e80000000003938700",
            Convert.ToHexStringLower(ChainHashing.CheckpointMessage(checkpoint)));
        Assert.Equal("504cfc2a91f571c07f0f47ad67fcdc62fb12e92bcd7db185d3b5d6681ee77a80", Convert.ToHexStringLower(ChainHashing.CheckpointDigest(checkpoint)));

        // The wire form signs the same bytes.
        Assert.Equal(ChainHashing.CheckpointMessage(checkpoint), AuditCheckpointEncoding.SignedBytes(checkpoint.ToMessage()));
    }

    [Fact]
    public void Length_prefixes_keep_field_boundaries_apart()
    {
        byte[] prev = new byte[32];
        byte[] a = ChainHashing.RecordHash(1, 0, "a.b", "ab", ["c"], "{}", prev);
        byte[] b = ChainHashing.RecordHash(1, 0, "a.b", "a", ["bc"], "{}", prev);
        byte[] c = ChainHashing.RecordHash(1, 0, "a.b", "a", ["b", "c"], "{}", prev);
        byte[] d = ChainHashing.RecordHash(1, 0, "a.b", "a", ["b"], "c{}", prev);
        Assert.Equal(4, new[] { a, b, c, d }.Select(Convert.ToHexString).Distinct().Count());
    }

    [Fact]
    public void Every_field_and_the_previous_hash_change_the_record_hash()
    {
        byte[] prev = new byte[32];
        string[] subjects = ["s:1"];
        string baseline = Convert.ToHexString(ChainHashing.RecordHash(5, 100, "x.y", "u:1", subjects, "{}", prev));
        byte[] otherPrev = new byte[32];
        otherPrev[31] = 1;
        string[] variants =
        [
            Convert.ToHexString(ChainHashing.RecordHash(6, 100, "x.y", "u:1", subjects, "{}", prev)),
            Convert.ToHexString(ChainHashing.RecordHash(5, 101, "x.y", "u:1", subjects, "{}", prev)),
            Convert.ToHexString(ChainHashing.RecordHash(5, 100, "x.z", "u:1", subjects, "{}", prev)),
            Convert.ToHexString(ChainHashing.RecordHash(5, 100, "x.y", "u:2", subjects, "{}", prev)),
            Convert.ToHexString(ChainHashing.RecordHash(5, 100, "x.y", "u:1", ["s:2"], "{}", prev)),
            Convert.ToHexString(ChainHashing.RecordHash(5, 100, "x.y", "u:1", subjects, """{"a":1}""", prev)),
            Convert.ToHexString(ChainHashing.RecordHash(5, 100, "x.y", "u:1", subjects, "{}", otherPrev)),
        ];
        Assert.DoesNotContain(baseline, variants);
        Assert.Equal(variants.Length, variants.Distinct().Count());
    }

    [Fact]
    public void Timestamps_round_trip_through_microseconds()
    {
        var t = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234560);
        Assert.Equal(t, AuditTime.FromMicroseconds(AuditTime.ToMicroseconds(t)));
    }
}
