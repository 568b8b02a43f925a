using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Imguard.Party.Shares;
using static Imguard.Party.Tests.Shares.ShareFixtures;

namespace Imguard.Party.Tests.Shares;

/// <summary>
/// Upload state files read at restart (<c>upload.json</c> beside <c>upload.partial</c>), random and mutated: the store
/// always opens, and the upload either resumes consistently or is refused as gone; never another exception.
/// </summary>
public sealed class UploadStatePropertyTests
{
    private static readonly JsonNode?[] Values =
    [
        null, "", "x", "ds-a", "../../etc", new string('a', 300), "0123456789abcdef0123456789abcdef", "2030-01-01T00:00:00Z",
        "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00", 0, 1, 2, -1, 144, 1000, int.MaxValue, long.MaxValue, long.MinValue,
        1e308, 0.5, true, false, new JsonArray(), new JsonObject(), new JsonObject { ["a"] = new JsonArray(1, 2) },
    ];

    private static readonly string[] Fields =
        ["version", "uploadId", "datasetId", "partyId", "declaredBytes", "maxBytes", "committedBytes", "createdUtc", "user", "project", "lastChunkUtc"];

    /// <summary>A state file: random bytes, a valid one with fields set to odd values or removed, or a valid one with bytes flipped, cut or inserted.</summary>
    private static Gen<Func<string, byte[]>> StateFile =>
        Gen.OneOf(
            Gen.Byte.Array[0, 600].Select(bytes => (Func<string, byte[]>)(_ => bytes)),
            Gen.Select(Gen.Int[0, Fields.Length - 1].Array[1, 4], Gen.Int[0, Values.Length].Array[4], (fields, values) => (Func<string, byte[]>)(valid =>
            {
                JsonObject state = JsonNode.Parse(valid)!.AsObject();
                for (int i = 0; i < fields.Length; i++)
                {
                    if (values[i] == Values.Length)
                    {
                        state.Remove(Fields[fields[i]]);
                    }
                    else
                    {
                        state[Fields[fields[i]]] = Values[values[i]]?.DeepClone();
                    }
                }
                return Encoding.UTF8.GetBytes(state.ToJsonString());
            })),
            Gen.Select(Gen.Int[0, 3], Gen.Int[0, 100_000], Gen.Byte, (kind, at, value) => (Func<string, byte[]>)(valid =>
            {
                byte[] bytes = Encoding.UTF8.GetBytes(valid);
                int i = at % bytes.Length;
                return kind switch
                {
                    0 => [.. bytes[..i], value, .. bytes[i..]],
                    1 => [.. bytes[..i], .. bytes[(i + 1)..]],
                    2 => bytes[..i],
                    _ => [.. bytes[..i], value, .. bytes[(i + 1)..]],
                };
            })));

    [Fact]
    public async Task A_restart_over_any_state_file_opens_the_store_and_resumes_or_refuses_cleanly()
    {
        var (file, _) = await FileAsync();
        Gen.Select(StateFile, Gen.Int[0, 2000]).Sample((mutate, partialLength) =>
        {
            using var dir = new TempDirectory();
            var session = Begin(new ShareStore(dir.Path), file);
            string directory = Path.Combine(dir.Path, "uploads", session.UploadId);
            string statePath = Path.Combine(directory, "upload.json");
            File.WriteAllBytes(statePath, mutate(File.ReadAllText(statePath)));
            File.WriteAllBytes(Path.Combine(directory, "upload.partial"), file[..Math.Min(partialLength, file.Length)]);

            var restarted = new ShareStore(dir.Path);
            UploadSession resumed;
            try
            {
                resumed = UploadSession.Open(restarted, session.UploadId);
            }
            catch (ShareStoreException e) when (e.Kind is ShareStoreErrorKind.NotFound or ShareStoreErrorKind.Expired or ShareStoreErrorKind.DatasetClosed)
            {
                return;
            }
            // Resumed: its numbers agree with each other and with the data file, and a chunk is taken or refused cleanly.
            UploadStatus status = resumed.Status;
            Assert.InRange(status.CommittedBytes, 0, status.DeclaredBytes);
            Assert.Equal(status.CommittedBytes, new FileInfo(Path.Combine(directory, "upload.partial")).Length);
            long at = status.CommittedBytes;
            int length = (int)Math.Min(100, Math.Max(0, Math.Min(file.Length, status.DeclaredBytes) - at));
            if (length > 0 && at + length <= file.Length)
            {
                try
                {
                    resumed.AppendChunkAsync(at, file.AsMemory((int)at, length), Sha(file.AsSpan((int)at, length))).GetAwaiter().GetResult();
                }
                catch (ShareStoreException)
                {
                    // A refusal (e.g. a header that contradicts the declaration) is a clean answer.
                }
            }
        }, iter: 150);
    }
}
