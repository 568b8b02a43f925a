using Imguard.Contracts.Shares;

namespace Imguard.Contracts.Tests.Shares;

public sealed class ShareFileLimitsTests
{
    private static readonly ShareFileHeader Small = ShareFiles.Header(count: 13, chunkSize: 64);

    public static TheoryData<string, int, ulong> AbsurdFields() => new()
    {
        { "example count", 96, 1UL << 40 },
        { "example count", 96, ulong.MaxValue },
        { "image size", 80, 65535 },       // 65535 × 3 × 4 scalars per image is fine alone, but the payload is not
        { "class count", 92, 1u << 24 },
        { "class count", 92, uint.MaxValue },
    };

    [Theory]
    [MemberData(nameof(AbsurdFields))]
    public async Task Absurd_sizes_are_refused_from_the_header_alone_before_allocating(string what, int offset, ulong value)
    {
        _ = what;
        var header = ShareFiles.EditedHeader(Small, b =>
        {
            if (offset == 96)
            {
                ShareFiles.WriteU64(b, offset, value);
            }
            else
            {
                ShareFiles.WriteU32(b, offset, (uint)value);
            }
            if (offset == 80)
            {
                ShareFiles.WriteU32(b, 84, 65535);
                ShareFiles.WriteU32(b, 88, 65535);
            }
        });
        // Only the 144 header bytes exist: a reader that trusted the sizes would allocate or seek far beyond them.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = await Assert.ThrowsAsync<ShareFileException>(() => ShareFileReader.OpenAsync(new MemoryStream(header)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(e.Kind is ShareFileErrorKind.LimitExceeded or ShareFileErrorKind.InvalidHeader, e.Kind.ToString());
        Assert.InRange(allocated, 0, 256 * 1024);
    }

    [Fact]
    public void A_seed_header_is_bounded_by_the_size_it_expands_to()
    {
        var seed = ShareFiles.Header(count: 1L << 30, party: 0, kind: SharePayloadKind.Seed);
        var e = Assert.Throws<ShareFileException>(() => ShareFileHeader.Parse(seed.ToBytes()));
        Assert.Equal(ShareFileErrorKind.LimitExceeded, e.Kind);
        Assert.Contains("example count", e.Message, StringComparison.Ordinal);

        var limits = new ShareFileLimits { MaxExamples = int.MaxValue, MaxPayloadBytes = 1L << 30 };
        e = Assert.Throws<ShareFileException>(() => ShareFileHeader.Parse(seed.ToBytes(), limits));
        Assert.Equal(ShareFileErrorKind.LimitExceeded, e.Kind);
        Assert.Contains("payload size", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_many_chunks_are_refused()
    {
        var header = ShareFiles.Header(count: 100_000, chunkSize: 8); // 12 MB in 1.5 M chunks of 8 bytes
        var e = Assert.Throws<ShareFileException>(() => ShareFileHeader.Parse(header.ToBytes()));
        Assert.Equal(ShareFileErrorKind.LimitExceeded, e.Kind);
        Assert.Contains("chunk count", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Limits_are_configurable()
    {
        var (file, _) = await ShareFiles.WriteAsync(Small, ShareFiles.Rows(Small, 1));
        await ShareFiles.ReadAllAsync(file, limits: new ShareFileLimits { MaxExamples = 13, MaxPayloadBytes = Small.PayloadBytes });

        var e = await Assert.ThrowsAsync<ShareFileException>(() => ShareFiles.ReadAllAsync(file, limits: new ShareFileLimits { MaxExamples = 12 }));
        Assert.Equal(ShareFileErrorKind.LimitExceeded, e.Kind);
        e = await Assert.ThrowsAsync<ShareFileException>(() => ShareFiles.ReadAllAsync(file, limits: new ShareFileLimits { MaxPayloadBytes = Small.PayloadBytes - 1 }));
        Assert.Equal(ShareFileErrorKind.LimitExceeded, e.Kind);
        e = await Assert.ThrowsAsync<ShareFileException>(() => ShareFiles.ReadAllAsync(file, limits: new ShareFileLimits { MaxClasses = 2 }));
        Assert.Equal(ShareFileErrorKind.LimitExceeded, e.Kind);
        e = await Assert.ThrowsAsync<ShareFileException>(() => ShareFiles.ReadAllAsync(file, limits: new ShareFileLimits { MaxImageScalars = 11 }));
        Assert.Equal(ShareFileErrorKind.LimitExceeded, e.Kind);
    }

    [Fact]
    public void Limits_themselves_are_bounded()
    {
        Assert.Throws<ArgumentException>(() => new ShareFileLimits { MaxExamples = 0 });
        Assert.Throws<ArgumentException>(() => new ShareFileLimits { MaxExamples = 1L << 40 });
        Assert.Throws<ArgumentException>(() => new ShareFileLimits { MaxPayloadBytes = -1 });
    }
}
