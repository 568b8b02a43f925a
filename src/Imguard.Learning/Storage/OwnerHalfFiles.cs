using Imguard.Contracts.Shares;

namespace Imguard.Learning.Storage;

/// <summary>
/// The two share files the owner's device wrote for one dataset, and their digests: the owner registers both
/// digests with the platform, each file goes to its party, and the platform later checks each party's reported
/// digest against the registered one.
/// </summary>
/// <param name="DatasetId">The id both headers carry.</param>
/// <param name="Party0Path">Party 0's file (a seed payload when the split was seed-compressed).</param>
/// <param name="Party0Digest">Party 0's half digest.</param>
/// <param name="Party1Path">Party 1's file (always a tensor payload).</param>
/// <param name="Party1Digest">Party 1's half digest.</param>
public sealed record OwnerHalfFiles(string DatasetId, string Party0Path, HalfDigest Party0Digest, string Party1Path, HalfDigest Party1Digest);
