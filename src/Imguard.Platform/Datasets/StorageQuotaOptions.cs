namespace Imguard.Platform.Datasets;

/// <summary>
/// Storage quotas the platform enforces when it grants (section <c>Platform:Quotas</c>), validated at start: a dataset
/// is registered, and upload grants are issued for it, only while the datasets that are not deleted stay within both
/// quotas. Sizes are what each party stores (<see cref="DatasetStorage.HalfBytes"/>): with the defaults a user's
/// datasets take at most 8 GiB at each party and a project's 16 GiB (the README's Fashion-MNIST training set takes
/// 364 MiB, its test set 61 MiB). The parties enforce their own quotas on what they actually store.
/// </summary>
public sealed class StorageQuotaOptions
{
    /// <summary>The default per-user quota: 8 GiB.</summary>
    public const long DefaultPerUserBytes = 8L << 30;

    /// <summary>The default per-project quota: 16 GiB.</summary>
    public const long DefaultPerProjectBytes = 16L << 30;

    /// <summary>Bytes each party may hold for the datasets one user registered (all projects together).</summary>
    public long PerUserBytes { get; set; } = DefaultPerUserBytes;

    /// <summary>Bytes each party may hold for one project's datasets (all its members together).</summary>
    public long PerProjectBytes { get; set; } = DefaultPerProjectBytes;

    /// <summary>Throws when a quota is out of range (1 MiB to 1 PiB).</summary>
    public void Validate()
    {
        foreach ((long value, string name) in new[] { (PerUserBytes, nameof(PerUserBytes)), (PerProjectBytes, nameof(PerProjectBytes)) })
        {
            if (value is < 1L << 20 or > 1L << 50)
            {
                throw PlatformError.BadOption(name, "1 MiB (1048576) to 1 PiB");
            }
        }
    }
}
