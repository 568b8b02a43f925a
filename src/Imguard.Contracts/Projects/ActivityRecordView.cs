using System.Text.Json;

namespace Imguard.Contracts.Projects;

/// <summary>
/// One audit record in a project's activity: when, what, who, the subjects it names and its facts (ids, counts,
/// shapes, states; the audit server refuses anything that looks like a secret). The chain hashes are left out.
/// </summary>
public sealed record ActivityRecordView(long Sequence, DateTimeOffset Timestamp, string EventType, string Actor, IReadOnlyList<string> Subjects, JsonElement Properties);
