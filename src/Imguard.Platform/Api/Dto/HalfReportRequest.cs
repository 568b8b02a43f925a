namespace Imguard.Platform.Api;

/// <summary>POST /internal/datasets/{id}/halves: what a party received (its party id comes from its certificate).</summary>
public sealed record HalfReportRequest(int Channels, int Height, int Width, int? Classes, int Count, string? Digest);
