using Imguard.Audit.Events;

namespace Imguard.Audit.Tests;

/// <summary>Events shaped like the platform's: a type, an actor, subjects and non-secret properties.</summary>
internal static class SampleEvents
{
    private static readonly string[] Types = ["dataset.uploaded", "job.started", "model.downloaded", "user.login"];
    private static readonly string[] Actors = ["user:alice", "user:bob", "party:0", "platform"];

    /// <summary>The i-th event of a deterministic mix (types and actors cycle; subjects name a project and an item).</summary>
    public static AuditEvent Event(int i) =>
        new(Types[i % Types.Length], Actors[i / 2 % Actors.Length], [$"project:{i % 3}", $"item:{i}"],
            new AuditProperties().Add("index", i).Add("bytes", 1024L * i).AddHash("sha256", System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))));
}
