namespace Imguard.Party.Shares;

/// <summary>
/// Whom a committed half counts against (<c>owners/&lt;datasetId&gt;.json</c>, written with the half by
/// <see cref="UploadSession.CompleteAsync"/>): the upload's owner and the half's length. Halves without one (an
/// offline import) count against no quota.
/// </summary>
internal sealed record StoredOwner(int Version, string User, string Project, long Bytes)
{
    public const int CurrentVersion = 1;
}
