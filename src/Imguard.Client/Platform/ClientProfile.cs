using System.Text.Json;
using Imguard.Contracts.Files;

namespace Imguard.Client.Platform;

/// <summary>
/// What <c>imguard login</c> remembers: the platform's URL, the deployment's CA certificate (PEM, the only root the
/// client trusts for the platform and the parties) and an API token. Saved readable by the user only, at
/// <c>$IMGUARD_PROFILE</c> or <c>~/.config/imguard/profile.json</c>.
/// </summary>
public sealed record ClientProfile
{
    public required Uri Platform { get; init; }

    public required string CaCertificatePem { get; init; }

    public required string UserName { get; init; }

    public required string Token { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public static string DefaultPath =>
        Environment.GetEnvironmentVariable("IMGUARD_PROFILE") is { Length: > 0 } path
            ? path
            // DoNotVerify: without it .NET answers "" while ~/.config does not exist yet (a fresh account), and the
            // profile, token and all, landed in the working directory as imguard/profile.json.
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "imguard", "profile.json");

    public void Save(string path)
    {
        OwnerOnly.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, this, JsonSerializerOptions.Web));
    }

    public static ClientProfile Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Not logged in (no profile at '{path}'). Run `imguard login` first.");
        }
        try
        {
            return JsonSerializer.Deserialize<ClientProfile>(File.ReadAllText(path), JsonSerializerOptions.Web)
                ?? throw new InvalidOperationException($"The profile at '{path}' is empty; run `imguard login` again.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The profile at '{path}' is not a valid profile ({e.Message}); run `imguard login` again.", e);
        }
    }
}
