namespace Imguard.Platform.Projects;

/// <summary>
/// The shape of one image as the model sees it (channels × height × width), fixed per project: the owner's client
/// resizes every image to it before sharing.
/// </summary>
/// <param name="Channels">1 (grey) to 4.</param>
/// <param name="Height">Pixels, 1 to <see cref="MaxSide"/>.</param>
/// <param name="Width">Pixels, 1 to <see cref="MaxSide"/>.</param>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>The largest height or width accepted: 2PC cost grows with pixels, and 512 is far beyond what trains.</summary>
    public const int MaxSide = 512;

    /// <summary>The most channels accepted (RGBA).</summary>
    public const int MaxChannels = 4;

    /// <summary>Why the shape is unusable, or null when it is fine.</summary>
    public string? Check() =>
        Channels is < 1 or > MaxChannels ? $"An image has 1 to {MaxChannels} channels; {Channels} given."
        : Height is < 1 or > MaxSide || Width is < 1 or > MaxSide ? $"Image height and width are 1 to {MaxSide} pixels; {Height}×{Width} given."
        : null;

    /// <inheritdoc />
    public override string ToString() => $"{Channels}×{Height}×{Width}";
}
