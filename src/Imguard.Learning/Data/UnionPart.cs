namespace Imguard.Learning.Data;

/// <summary>One owner's dataset in a <see cref="DatasetUnion"/>: its id, its owner (as the job names them) and its image count.</summary>
public sealed record UnionPart(string DatasetId, string Owner, int Count);
