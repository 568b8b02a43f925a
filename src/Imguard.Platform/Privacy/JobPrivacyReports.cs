using System.Collections.Concurrent;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Privacy;
using Imguard.Learning.Data;
using Imguard.Learning.Nn;
using Imguard.Learning.Privacy;

namespace Imguard.Platform.Privacy;

/// <summary>
/// The gradient-inversion report for one job's exact model and hiding settings (k, coefficient bound), on the same
/// PUBLIC Fashion-MNIST test images as <see cref="PublicPrivacyReport"/> — never users' data, which the platform does
/// not have. Computed on first request for a (model, k, bound) and kept in memory (at most <see cref="MaxKept"/>;
/// jobs with the same settings share one). Each platform start draws fresh weights and hiding plans.
/// </summary>
/// <remarks>
/// It answers for what the attack can measure: a model whose first trainable layer is linear (the mlp presets, with or
/// without |x| first) on 1×28×28 images of 10 classes. For anything else it says why, and points the owner to
/// <c>imguard privacy-report --job ID --images DIR</c>, which runs the same attack on their own images on their own machine.
/// </remarks>
public sealed class JobPrivacyReports(PublicPrivacyReport publicReport)
{
    /// <summary>Reports kept in memory; the oldest goes first.</summary>
    public const int MaxKept = 32;

    private readonly ConcurrentDictionary<string, Lazy<Task<PrivacyReportView>>> _reports = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    /// <summary>The report for a job with <paramref name="modelSpecJson"/> and <paramref name="training"/>, or why there is none.</summary>
    public async Task<(PrivacyReportView? Report, string? Unavailable, string? NotApplicable)> GetAsync(string modelSpecJson, JobTrainingOptions training,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelSpecJson);
        ArgumentNullException.ThrowIfNull(training);
        ModelSpec spec = ModelSpec.Parse(modelSpecJson);
        spec.InferShapes();
        if (NotApplicable(spec) is { } reason)
        {
            return (null, null, reason);
        }
        if (!TestSetInstalled())
        {
            return (null, PublicPrivacyReport.UnavailableMessage(publicReport.Directory), null);
        }

        string key = $"{modelSpecJson}\n{training.K}\n{training.UpperBound:R}";
        var entry = _reports.GetOrAdd(key, _ =>
        {
            _order.Enqueue(key);
            // Shared by every caller: one caller going away must not cancel it for the others.
            return new Lazy<Task<PrivacyReportView>>(() => Task.Run(() => RunAsync(spec, training, CancellationToken.None), CancellationToken.None));
        });
        while (_order.Count > MaxKept && _order.TryDequeue(out string? oldest))
        {
            _reports.TryRemove(oldest, out _);
        }
        try
        {
            return (await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false), null, null);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            _reports.TryRemove(key, out _); // a failed run is retried on the next request
            throw;
        }
    }

    /// <summary>Why the report cannot measure this model, or null.</summary>
    public static string? NotApplicable(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.Input.AsSpan().SequenceEqual([1, 28, 28]) || spec.Classes != 10)
        {
            return $"The per-run report attacks public Fashion-MNIST images (1×28×28, 10 classes); this job's model takes "
                + $"{string.Join("×", spec.Input)} with {spec.Classes} classes. Run the attack on your own images on your own machine: "
                + "imguard privacy-report --job ID --images DIR.";
        }
        LayerSpec? firstTrainable = spec.Layers.FirstOrDefault(l => l.Type is not ("abs" or "flatten" or "relu"));
        return firstTrainable?.Type == "linear" ? null
            : $"The gradient-inversion attack of this report inverts a first linear layer; this job's model starts with '{firstTrainable?.Type ?? "nothing"}'. "
                + "It measures what one example's gradient gives away only for models whose first trainable layer is linear (the mlp presets).";
    }

    private bool TestSetInstalled() =>
        new[] { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" }
            .All(name => File.Exists(Path.Combine(publicReport.Directory, name + ".gz")) || File.Exists(Path.Combine(publicReport.Directory, name)));

    private async Task<PrivacyReportView> RunAsync(ModelSpec spec, JobTrainingOptions training, CancellationToken cancellationToken)
    {
        LabeledImages test = FashionMnist.LoadTest(publicReport.Directory);
        LabeledImages pool = test.Slice(0, Math.Min(PublicPrivacyReport.Pool, test.Count));
        var options = new PrivacyReportOptions(Math.Min(PublicPrivacyReport.AttackedImages, pool.Count), training.K, training.UpperBound) { Model = spec };
        PrivacyReportResult result = await PrivacyReport.RunAsync(pool, options, cancellationToken: cancellationToken).ConfigureAwait(false);
        return PublicPrivacyReport.View(result,
            $"this job's model and hiding settings (k = {training.K}, coefficients at most {training.UpperBound:0.##}) on the first {result.Count} images of "
            + $"the public Fashion-MNIST test set (Debian package {FashionMnist.DebianPackage}); mixing partners from its first {pool.Count}");
    }
}
