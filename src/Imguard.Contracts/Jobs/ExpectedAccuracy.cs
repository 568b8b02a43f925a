namespace Imguard.Contracts.Jobs;

/// <summary>
/// The test accuracy a job's settings can be expected to give, from the measured table (Imguard.Learning's
/// AccuracyTable, docs/accuracy.md), beside the same model's accuracy without hiding, and the sentences a person reads
/// before starting the job: the platform serves them with its cost estimate, so the web form and <c>imguard train</c>
/// say the same. One record for both ends: the table makes it, the platform serves it, the owner's client reads it.
/// </summary>
/// <param name="Measured">Whether the table has a figure for these settings (Fashion-MNIST-shaped data, a preset, a measured hiding setting).</param>
/// <param name="Percent">Expected test accuracy in percent (clean test images, or the job's test-time encodings), or null.</param>
/// <param name="WithoutHidingPercent">The same model, training-set size and epochs without hiding, or null.</param>
/// <param name="Poor">
/// Whether the figure is poor: more than AccuracyTable.PoorMarginPoints (5) points below training without hiding, or
/// under AccuracyTable.PoorBelowPercent (50) %.
/// </param>
/// <param name="Summary">One line: the figure and the no-hiding figure, or why there is none.</param>
/// <param name="Warning">When <see cref="Poor"/>: what that means and what to change, in plain words; otherwise null.</param>
/// <param name="Basis">What the figure was measured on and how far it carries to these settings.</param>
/// <param name="MeasuredEpochs">Epochs of the table's row (the largest measured that is not more than the job's).</param>
/// <param name="MeasuredTrainingImages">Training images of the table's row (the measured size nearest the job's).</param>
/// <param name="MeasuredTestEncodings">Test-time encodings T of the table's row (0: clean test images).</param>
public sealed record ExpectedAccuracy(
    bool Measured,
    double? Percent,
    double? WithoutHidingPercent,
    bool Poor,
    string Summary,
    string? Warning,
    string Basis,
    int? MeasuredEpochs = null,
    int? MeasuredTrainingImages = null,
    int? MeasuredTestEncodings = null);
