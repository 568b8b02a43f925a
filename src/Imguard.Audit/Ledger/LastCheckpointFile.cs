using System.Text.Json;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Files;

namespace Imguard.Audit.Ledger;

/// <summary>
/// The last checkpoint the log signed, kept in a small file outside the database (<see cref="AuditLogOptions.LastCheckpointPath"/>):
/// one JSON <see cref="AuditCheckpointMessage"/>, replaced atomically (<see cref="AtomicFile"/>), owner
/// read/write only. Whoever can only write the database cannot make the server forget a checkpoint it signed; the
/// content is signed, so a damaged or foreign file is ignored (the caller checks the signature), never trusted.
/// </summary>
internal static class LastCheckpointFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The checkpoint in the file, or null when there is none or it cannot be read as one.</summary>
    public static AuditCheckpoint? Read(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            AuditCheckpointMessage? message = JsonSerializer.Deserialize<AuditCheckpointMessage>(File.ReadAllText(path), Json);
            return message is null ? null : AuditCheckpoint.FromMessage(message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Replaces the file with <paramref name="checkpoint"/>.</summary>
    public static void Write(string path, AuditCheckpoint checkpoint) =>
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, checkpoint.ToMessage(), Json));
}
