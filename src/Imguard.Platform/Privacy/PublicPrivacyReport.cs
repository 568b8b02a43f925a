using Imguard.Contracts.Privacy;
using Imguard.Learning.Data;
using Imguard.Learning.Privacy;
using Imguard.Platform.Api;

namespace Imguard.Platform.Privacy;

/// <summary>
/// The gradient-inversion privacy report (<see cref="PrivacyReport"/>) on PUBLIC data only: the first
/// <see cref="AttackedImages"/> images of the Fashion-MNIST test set from the Debian package
/// <see cref="FashionMnist.DebianPackage"/> (mixing partners drawn from the first <see cref="Pool"/>), never on users'
/// data — the platform has none. Computed once on first request (a few seconds on one core), then served from memory;
/// a failed run is retried on the next request. Each platform start draws fresh model weights and hiding plans.
/// </summary>
public sealed class PublicPrivacyReport
{
    /// <summary>Images attacked (and shown side by side).</summary>
    public const int AttackedImages = 6;

    /// <summary>Test images the mixing partners are drawn from.</summary>
    public const int Pool = 2_000;

    /// <summary>Images mixed per encoding in the mixup and InstaHide rows.</summary>
    public const int K = 4;

    /// <summary>What a caller is told when the public dataset is not installed.</summary>
    public static string UnavailableMessage(string directory) =>
        $"The privacy report runs on the public Fashion-MNIST test set, which is not installed on the platform ({directory}); " +
        $"an administrator can install it with: apt-get install {FashionMnist.DebianPackage}.";

    private readonly string _directory;
    private readonly Lock _lock = new();
    private Task<PrivacyReportView>? _report;
    private PrivacyReportView? _completed;

    public PublicPrivacyReport(string? directory = null)
    {
        _directory = directory ?? FashionMnist.DefaultDirectory;
    }

    public string Directory => _directory;

    /// <summary>The report, or null when the public test set is not installed (see <see cref="UnavailableMessage"/>).</summary>
    public async Task<PrivacyReportView?> GetAsync(CancellationToken cancellationToken = default)
    {
        if (!TestSetInstalled())
        {
            return null;
        }

        Task<PrivacyReportView> report;
        lock (_lock)
        {
            if (_report is null || _report.IsFaulted || _report.IsCanceled)
            {
                // Shared by every caller: one caller going away must not cancel it for the others.
                _report = Task.Run(() => RunAsync(CancellationToken.None), CancellationToken.None);
            }

            report = _report;
        }

        return await report.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The report if it has been computed already, else null (never starts a run: a caller that cannot wait shows words instead).</summary>
    public PrivacyReportView? Completed() => Volatile.Read(ref _completed);

    private bool TestSetInstalled() =>
        new[] { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" }
            .All(name => File.Exists(Path.Combine(_directory, name + ".gz")) || File.Exists(Path.Combine(_directory, name)));

    private async Task<PrivacyReportView> RunAsync(CancellationToken cancellationToken)
    {
        LabeledImages test = FashionMnist.LoadTest(_directory);
        LabeledImages pool = test.Slice(0, Math.Min(Pool, test.Count));
        PrivacyReportResult result = await PrivacyReport.RunAsync(pool, new PrivacyReportOptions(Math.Min(AttackedImages, pool.Count), K), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        var view = View(result,
            $"the first {result.Count} images of the public Fashion-MNIST test set (Debian package {FashionMnist.DebianPackage}); mixing partners from its first {pool.Count}");
        Volatile.Write(ref _completed, view);
        return view;
    }

    /// <summary>A report as the API serves it; <paramref name="data"/> says what was attacked.</summary>
    internal static PrivacyReportView View(PrivacyReportResult result, string data) => new(
        data,
        result.Count,
        result.K,
        [.. result.Rows.Select(r => new PrivacyReportRowView(
            r.Name, r.Description, r.AbsoluteValue, Finite(r.MeanPsnr), [.. r.Psnr.Select(Finite)], r.MeanSsim, [.. r.Ssim]))],
        result.ToTable(),
        PrivacyReport.InstaHideWarning,
        result.Layout,
        Convert.ToBase64String(result.ToPng(scale: 3)),
        DateTimeOffset.UtcNow);

    // JSON has no infinity: an exact recovery (PSNR +∞) is sent as null.
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
