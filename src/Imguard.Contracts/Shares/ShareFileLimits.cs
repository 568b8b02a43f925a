namespace Imguard.Contracts.Shares;

/// <summary>
/// Bounds a reader enforces on the sizes a header declares, checked right after the header hash and before anything
/// is allocated or read, so a crafted 144-byte file cannot make a party reserve gigabytes. Each bound is capped by the
/// format's hard caps in <see cref="ShareFileFormat"/>.
/// </summary>
public sealed record ShareFileLimits
{
    private readonly long _maxExamples = 1 << 24;
    private readonly long _maxImageScalars = 1 << 24;
    private readonly int _maxClasses = 1 << 16;
    private readonly long _maxPayloadBytes = 16L << 30;
    private readonly long _maxChunkCount = 1 << 20;

    /// <summary>The defaults: 16 Mi examples, 16 Mi scalars per image, 65,536 classes, 16 GiB payload, 1 Mi chunks.</summary>
    public static ShareFileLimits Default { get; } = new();

    /// <summary>Most examples (N) a file may declare.</summary>
    public long MaxExamples
    {
        get => _maxExamples;
        init => _maxExamples = InRange(value, ShareFileFormat.MaxExampleCount, nameof(MaxExamples));
    }

    /// <summary>Most scalars per image (D = channels · height · width).</summary>
    public long MaxImageScalars
    {
        get => _maxImageScalars;
        init => _maxImageScalars = InRange(value, ShareFileFormat.MaxRowScalars - ShareFileFormat.MaxClassCount, nameof(MaxImageScalars));
    }

    /// <summary>Most classes (C).</summary>
    public int MaxClasses
    {
        get => _maxClasses;
        init => _maxClasses = (int)InRange(value, ShareFileFormat.MaxClassCount, nameof(MaxClasses));
    }

    /// <summary>Most payload bytes N · (D + C) · 8 (for a seed payload: the size it expands to).</summary>
    public long MaxPayloadBytes
    {
        get => _maxPayloadBytes;
        init => _maxPayloadBytes = InRange(value, long.MaxValue / 2, nameof(MaxPayloadBytes));
    }

    /// <summary>Most payload chunks (the trailer, 32 bytes per chunk, is read into memory).</summary>
    public long MaxChunkCount
    {
        get => _maxChunkCount;
        init => _maxChunkCount = InRange(value, int.MaxValue / ShareFileFormat.HashSize, nameof(MaxChunkCount));
    }

    private static long InRange(long value, long cap, string name) =>
        value >= 1 && value <= cap ? value : throw ContractsError.InvalidLimit(name, $"{name} must lie in [1, {cap}]; got {value}.");
}
