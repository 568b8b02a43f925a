using System.Text;
using System.Text.Json;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Files;

namespace Imguard.ServiceDefaults.Audit;

/// <summary>
/// The events a service has emitted and the audit server has not yet accepted, kept on disk (one JSON object per line,
/// flushed to disk before <see cref="AuditClient.Emit"/> returns), so that a service that stops or crashes while the
/// audit server is away sends them when it starts again. The file is emptied whenever every event in it has been
/// accepted. Delivery is at least once: a crash between acceptance and emptying sends those events again, under the
/// ids they were emitted with, and the audit server appends each id once.
/// </summary>
internal sealed class AuditOutbox : IDisposable
{
    private readonly FileStream _file;

    public AuditOutbox(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        OwnerOnly.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // 0600: the events name users, projects and datasets.
        _file = OwnerOnly.Create(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
    }

    /// <summary>The events left from an earlier run, in order; a torn last line (a crash mid-write) is skipped.</summary>
    public IReadOnlyList<AuditEventMessage> ReadPending()
    {
        _file.Position = 0;
        var events = new List<AuditEventMessage>();
        using var reader = new StreamReader(_file, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        while (reader.ReadLine() is { } line)
        {
            try
            {
                if (JsonSerializer.Deserialize<AuditEventMessage>(line, JsonSerializerOptions.Web) is { } message)
                {
                    events.Add(message);
                }
            }
            catch (JsonException)
            {
                // Only the line being written when the process died can be incomplete.
            }
        }
        _file.Seek(0, SeekOrigin.End);
        return events;
    }

    /// <summary>Appends one event and forces it to disk.</summary>
    public void Append(AuditEventMessage message)
    {
        byte[] line = JsonSerializer.SerializeToUtf8Bytes(message, JsonSerializerOptions.Web);
        _file.Write(line);
        _file.WriteByte((byte)'\n');
        _file.Flush(flushToDisk: true);
    }

    /// <summary>Empties the file (every event in it was accepted).</summary>
    public void Clear()
    {
        _file.SetLength(0);
        _file.Flush(flushToDisk: true);
    }

    public void Dispose() => _file.Dispose();
}
