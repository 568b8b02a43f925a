namespace Imguard.Platform.Data;

/// <summary>Row of <c>api_tokens</c>: only the SHA-256 of the token is kept, and a short prefix to find and show it.</summary>
internal sealed class ApiTokenEntity
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public string Name { get; set; } = "";

    public byte[] TokenHash { get; set; } = [];

    public string Prefix { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public UserEntity? User { get; set; }
}
