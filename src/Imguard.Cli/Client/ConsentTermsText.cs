using System.Globalization;
using System.Text.Json;
using Imguard.Client.Consent;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;

namespace Imguard.Cli.Client;

/// <summary>
/// What an owner approves, in plain words (<c>imguard job terms</c>, and before <c>imguard job approve</c> asks): every
/// dataset with its owner, purpose, size and key, how the inputs are standardised and what that opens, the model, every
/// signed setting, the recipients, the hiding summary, who has signed, and the digest this device computed. Keys are shown by short fingerprints computed here from the
/// keys themselves (names are the platform's, keys are not: owners compare fingerprints out of band), and "you (this
/// device)" marks this profile's key. Every text from the platform is escaped for the terminal.
/// </summary>
internal static class ConsentTermsText
{
    private const string You = " — you (this device)";

    // The signed names in words; a name not listed here is shown as signed.
    private static readonly Dictionary<string, string> Words = new(StringComparer.Ordinal)
    {
        [JobConsentTerms.Names.Epochs] = "epochs",
        [JobConsentTerms.Names.BatchSize] = "batch size",
        [JobConsentTerms.Names.LearningRate] = "learning rate",
        [JobConsentTerms.Names.Momentum] = "momentum",
        [JobConsentTerms.Names.WeightDecay] = "weight decay",
        [JobConsentTerms.Names.Schedule] = "learning-rate schedule",
        [JobConsentTerms.Names.Hiding] = "hiding mode",
        [JobConsentTerms.Names.K] = "images mixed per encoding (k)",
        [JobConsentTerms.Names.UpperBound] = "upper bound of a mixing coefficient",
        [JobConsentTerms.Names.RevealLoss] = "open each step's loss to both parties",
        [JobConsentTerms.Names.ComparisonBits] = "secure comparison width (bits)",
        [JobConsentTerms.Names.TestEncodings] = "test encodings (InstaHide in inference)",
        [JobConsentTerms.Names.TestOwnCoefficientMin] = "least own coefficient of a test image",
        [JobConsentTerms.Names.FractionalBits] = "fixed-point fractional bits",
        [JobConsentTerms.Names.Standardization] = "standardisation",
        [JobConsentTerms.Names.Revision] = "revision of the job",
    };

    public static IEnumerable<string> Lines(ConsentReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        ConsentTermsView view = review.View;
        yield return $"job {Text(view.JobId)} in project {Text(view.ProjectId)}: {view.State}";
        foreach (string purpose in new[] { ConsentPurposes.Train, ConsentPurposes.Test })
        {
            var datasets = view.Datasets.Where(d => d.Purpose == purpose).ToList();
            if (datasets.Count == 0)
            {
                continue;
            }
            yield return purpose == ConsentPurposes.Train ? "trains on:" : "evaluated on:";
            foreach (ConsentDatasetView dataset in datasets)
            {
                byte[] key = review.Terms.Datasets.First(d => d.DatasetId == dataset.DatasetId).OwnerKey;
                yield return $"  {Text(dataset.DatasetId)} '{Text(dataset.Name)}' of {Text(dataset.Owner)}, {dataset.Images.ToString("N0", CultureInfo.InvariantCulture)} images, " +
                    $"shared with key {OwnerKeys.ShortFingerprint(key)}{(review.IsDeviceKey(key) ? You : "")}";
            }
        }
        foreach (string line in StandardizationLines(review.Terms))
        {
            yield return line;
        }
        yield return $"model (as signed): {Text(view.ModelSpecJson)}";
        yield return "settings:";
        foreach (ConsentParameter parameter in review.Terms.Parameters.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            string words = Words.TryGetValue(parameter.Name, out string? w) ? $"{w} ({parameter.Name})" : parameter.Name;
            yield return $"  {Text(words)}: {Value(parameter)}";
        }
        yield return "the model goes to:";
        foreach (ConsentRecipient recipient in review.Terms.Recipients.OrderBy(r => r.User, StringComparer.Ordinal))
        {
            yield return $"  {Text(recipient.User)}, key {OwnerKeys.ShortFingerprint(recipient.Key)}{(review.IsDeviceKey(recipient.Key) ? You : "")}";
        }
        yield return $"hiding: {Text(view.HidingSummary)}";
        yield return "signatures (as the platform reports them):";
        foreach (ConsentSignerView signer in view.Signers)
        {
            string when = signer.SignedAt is { } at ? $" at {at.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : "";
            string mine = string.Equals(signer.Fingerprint, review.DeviceFingerprint, StringComparison.OrdinalIgnoreCase) ? You : "";
            yield return $"  {(signer.Signed ? "signed " : "waiting")} {Text(signer.Fingerprint)} {Text(signer.Holder)}{when}{mine}";
        }
        // The terms decide who must sign, not the platform's list: a key it leaves out is shown all the same.
        foreach (RequiredSignature required in review.Required.Where(r =>
            !view.Signers.Any(s => string.Equals(s.Fingerprint, r.ShortFingerprint, StringComparison.OrdinalIgnoreCase))))
        {
            yield return $"  waiting {required.ShortFingerprint} {Text(required.Holder)} (required by the terms; the platform does not list it)" +
                (review.IsDeviceKey(required.Key) ? You : "");
        }
        yield return $"digest (computed on this device): {review.DigestHex}";
        yield return review.DeviceMustSign
            ? $"this device's key {review.DeviceFingerprint} is one the job waits for"
            : $"this device's key {review.DeviceFingerprint} is not one the job waits for";
    }

    /// <summary>
    /// The job's standardisation in plain words, made from the signed parameters (<c>standardization</c>,
    /// <c>scaling.&lt;id&gt;</c>) of the terms this device rebuilt: what is opened, to whom, and each dataset's part in it.
    /// Terms without them (a job from before) are as shared.
    /// </summary>
    internal static IEnumerable<string> StandardizationLines(ConsentTerms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        string? mode = terms.Parameters.FirstOrDefault(p => p.Name == JobConsentTerms.Names.Standardization)?.TextValue;
        var scalings = terms.Parameters.Where(p => p.Name.StartsWith(JobConsentTerms.Names.ScalingPrefix, StringComparison.Ordinal))
            .Select(p => (Id: p.Name[JobConsentTerms.Names.ScalingPrefix.Length..], Scaling: p.TextValue ?? ""))
            .ToList();
        switch (mode)
        {
            case JobStandardizationModes.Union:
                int? channels = InputChannels(terms.ModelSpecJson);
                string count = channels is { } c ? $", {2 * c} in all for {c} channel{(c == 1 ? "" : "s")}" : "";
                yield return "standardisation: standardised on shares over the union of every training set: the parties open 2 numbers per channel " +
                    $"(the mean and the deviation of all owners' training images together{count}) to both parties, the platform and every participant; " +
                    "no per-owner statistic is opened";
                break;
            case null or JobStandardizationModes.AsShared:
                yield return "standardisation: each dataset as its owner standardised it (with the owner's own statistics, which stay on the owner's device; nothing is opened)";
                break;
            default:
                yield return $"standardisation: {Text(mode)} (a mode this client does not know; shown as signed)";
                break;
        }
        foreach ((string id, string scaling) in scalings)
        {
            yield return $"  {Text(id)} {ScalingWords(scaling)}";
        }
    }

    // A dataset's signed scaling (PixelScaling.ToConsentText) in words.
    private static string ScalingWords(string scaling) => scaling switch
    {
        PixelScalings.Raw => "was shared raw (x/255): no statistic of it is opened",
        PixelScalings.Own => "was standardised with its owner's own statistics, which stay on the owner's device",
        _ when scaling.StartsWith(PixelScalings.Disclosed + " ", StringComparison.Ordinal) =>
            $"discloses its owner's statistics {Text(scaling[(PixelScalings.Disclosed.Length + 1)..])} (public to every participant)",
        _ => $"scaled '{Text(scaling)}' (shown as signed)",
    };

    // The channel count of the model's input (the first of "input": [C, H, W]), or null when the spec does not say.
    private static int? InputChannels(string modelSpecJson)
    {
        try
        {
            using var document = JsonDocument.Parse(modelSpecJson);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("input", out JsonElement input) && input.ValueKind == JsonValueKind.Array
                && input.GetArrayLength() > 0 && input[0].TryGetInt32(out int channels) && channels > 0
                ? channels : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The keys that have not signed yet, in the platform's words, or null when none.</summary>
    public static string? WaitingFor(ConsentTermsView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var unsigned = view.Signers.Where(s => !s.Signed).Select(s => $"{Text(s.Fingerprint)} ({Text(s.Holder)})").ToList();
        return unsigned.Count == 0 ? null : $"{Text(view.JobId)} waits for approval by: {string.Join("; ", unsigned)}";
    }

    private static string Value(ConsentParameter parameter) => parameter.Kind switch
    {
        ConsentParameterKind.Integer => parameter.IntegerValue.ToString(CultureInfo.InvariantCulture),
        ConsentParameterKind.Real => parameter.RealValue.ToString("R", CultureInfo.InvariantCulture),
        ConsentParameterKind.Flag => parameter.IntegerValue != 0 ? "yes" : "no",
        _ => Text(parameter.TextValue),
    };

    private static string Text(string? text) => TerminalText.Escape(text);
}
