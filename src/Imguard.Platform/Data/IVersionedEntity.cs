namespace Imguard.Platform.Data;

/// <summary>
/// A row guarded by optimistic concurrency: <see cref="Version"/> is a concurrency token that
/// <see cref="PlatformDbContext"/> increments on every update, and an update whose version no longer matches the
/// stored one fails with <c>DbUpdateConcurrencyException</c>. An application-managed counter works the same on
/// SQLite (no row versions) and PostgreSQL (where <c>xmin</c> would tie the schema to one provider).
/// </summary>
internal interface IVersionedEntity
{
    long Version { get; set; }
}
