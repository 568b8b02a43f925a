namespace Imguard.Contracts.Privacy;

/// <summary>
/// GET /api/jobs/{id}/privacy-report: the gradient-inversion report measured for this job's exact model and hiding
/// settings on public Fashion-MNIST images (never users' data). <c>hiding</c>: the job's mode; <c>row</c>: the name of
/// the report's row that is this job's mode (<c>raw</c>, <c>mixup</c>, <c>instahide</c>; the other rows are there to
/// compare).
/// </summary>
public sealed record JobPrivacyReportView(string JobId, string Hiding, int K, string Row, PrivacyReportView Report);
