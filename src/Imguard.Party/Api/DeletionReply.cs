namespace Imguard.Party.Api;

/// <summary>A deleted half: whether there was one to delete.</summary>
public sealed record DeletionReply(string DatasetId, bool Existed);
