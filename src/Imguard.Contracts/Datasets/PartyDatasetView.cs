namespace Imguard.Contracts.Datasets;

/// <summary>The platform's registration of a dataset as a party sees it (metadata only).</summary>
public sealed record PartyDatasetView(string Id, string Status, int Channels, int Height, int Width, int Classes, long Count, int FractionalBits);
