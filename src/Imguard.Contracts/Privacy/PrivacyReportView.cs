namespace Imguard.Contracts.Privacy;

/// <summary>
/// GET /api/privacy-report: the gradient-inversion report on public Fashion-MNIST test images (never users' data).
/// <c>rows</c>: raw, mixup, instahide, instahide_abs; <c>table</c>: the CLI's text table; <c>png</c>: base64 PNG of the
/// images side by side (<c>pngLayout</c> says which column is which); <c>warning</c>: why InstaHide must not be over-trusted.
/// </summary>
public sealed record PrivacyReportView(
    string Data, int Count, int K, IReadOnlyList<PrivacyReportRowView> Rows, string Table, string Warning, string PngLayout, string Png,
    DateTimeOffset GeneratedAt);
