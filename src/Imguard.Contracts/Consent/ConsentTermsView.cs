using Imguard.Contracts.Jobs;

namespace Imguard.Contracts.Consent;

/// <summary>
/// GET /api/jobs/{id}/consent: a training job's consent terms as an approver is shown them, and which signatures the
/// job still waits for. The approver's client rebuilds <see cref="ConsentTerms"/> from the fields it shows
/// (<see cref="ToTerms"/>; the browser's digest.ts from the same JSON) and signs the digest it computes itself;
/// <see cref="Digest"/> is for display and comparison only, never signed as given.
/// </summary>
/// <param name="State">The job's state (AwaitingApproval while signatures are collected).</param>
/// <param name="HidingSummary">The hiding mode in words with its measured leakage (the project's privacy report), what an owner reads before signing.</param>
/// <param name="Signers">Every key that must sign, with whether it has.</param>
/// <param name="Digest">SHA-256 of the terms' encoding, lower-case hex, as the platform computed it.</param>
public sealed record ConsentTermsView(
    string JobId,
    string ProjectId,
    JobState State,
    IReadOnlyList<ConsentDatasetView> Datasets,
    string ModelSpecJson,
    IReadOnlyList<ConsentParameterView> Parameters,
    IReadOnlyList<ConsentRecipientView> Recipients,
    string HidingSummary,
    IReadOnlyList<ConsentSignerView> Signers,
    string Digest)
{
    /// <summary>The terms the fields say, or why they are not well-formed (a key that is not base64, an unknown kind).</summary>
    public (ConsentTerms? Terms, string? Problem) ToTerms()
    {
        try
        {
            var terms = new ConsentTerms
            {
                JobId = JobId,
                ProjectId = ProjectId,
                Datasets = [.. Datasets.Select(d => new ConsentDataset(d.DatasetId, d.Purpose, d.Owner, Convert.FromBase64String(d.OwnerKey)))],
                ModelSpecJson = ModelSpecJson,
                Parameters = [.. Parameters.Select(p => p.ToParameter())],
                Recipients = [.. Recipients.Select(r => new ConsentRecipient(r.User, Convert.FromBase64String(r.Key)))],
            };
            return ConsentDigest.Check(terms) is { } problem ? (null, problem) : (terms, null);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NullReferenceException)
        {
            return (null, $"the consent terms are malformed: {e.Message}");
        }
    }
}

/// <summary>One dataset of a job as an approver sees it: its name, purpose, size, owner and the owner's key (SPKI DER, base64).</summary>
public sealed record ConsentDatasetView(string DatasetId, string Name, string Purpose, string Owner, string OwnerKey, string Fingerprint, long Images);

/// <summary>A recipient of the model with the key they sign and collect with (SPKI DER, base64).</summary>
public sealed record ConsentRecipientView(string User, string Key, string Fingerprint);

/// <summary>A key that must sign: its short fingerprint, who holds it in words, and whether (and when) it signed.</summary>
public sealed record ConsentSignerView(string Fingerprint, string Holder, bool Signed, DateTimeOffset? SignedAt);

/// <summary>
/// One signed setting. <see cref="Kind"/> is <c>integer</c>, <c>real</c>, <c>text</c> or <c>flag</c>, and exactly the
/// matching value field is set (a real travels as a JSON number, which both .NET and JavaScript write as the shortest
/// round-tripping decimal, so the bits survive).
/// </summary>
public sealed record ConsentParameterView(string Name, string Kind, long? Integer = null, double? Real = null, string? Text = null, bool? Flag = null)
{
    public static ConsentParameterView From(ConsentParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.Kind switch
        {
            ConsentParameterKind.Integer => new(parameter.Name, "integer", Integer: parameter.IntegerValue),
            ConsentParameterKind.Real => new(parameter.Name, "real", Real: parameter.RealValue),
            ConsentParameterKind.Flag => new(parameter.Name, "flag", Flag: parameter.IntegerValue != 0),
            _ => new(parameter.Name, "text", Text: parameter.TextValue),
        };
    }

    public ConsentParameter ToParameter() => Kind switch
    {
        "integer" when Integer is { } i => ConsentParameter.Integer(Name, i),
        "real" when Real is { } r => ConsentParameter.Real(Name, r),
        "flag" when Flag is { } f => ConsentParameter.Flag(Name, f),
        "text" when Text is { } t => ConsentParameter.Text(Name, t),
        _ => throw new FormatException($"parameter '{Name}' of kind '{Kind}' has no value of that kind"),
    };
}

/// <summary>POST /api/jobs/{id}/approve: a signature (r ‖ s, 64 bytes, base64) over the terms' digest by <paramref name="Key"/> (SPKI DER, base64).</summary>
public sealed record ApproveJobRequest(string Key, string Signature);

/// <summary>POST /api/jobs/{id}/decline: the job becomes Declined; the reason (optional, at most 500 characters) is shown to the job's participants.</summary>
public sealed record DeclineJobRequest(string? Reason = null);

/// <summary>PUT /api/me/signing-key: the user's public key (SPKI DER of ECDSA P-256, base64), named as theirs when they receive a model.</summary>
public sealed record SigningKeyRequest(string Key);

/// <summary>The user's registered signing key.</summary>
public sealed record SigningKeyView(string Key, string Fingerprint, DateTimeOffset RegisteredAt);
