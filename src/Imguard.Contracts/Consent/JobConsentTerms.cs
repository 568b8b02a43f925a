using Imguard.Contracts.Jobs;

namespace Imguard.Contracts.Consent;

/// <summary>
/// A training job's consent terms made from its description, and the check that every key the terms name signed them.
/// One implementation for every end that needs it: the platform builds the terms it shows and stores, each party
/// rebuilds them from the description it was sent and the owner keys bound to its own halves, and the CLI rebuilds
/// them from the platform's view to compare before it signs. A field of the description that changes what the job
/// does is a parameter here; <c>JobConsentTermsTests</c> fails when a new field of <see cref="JobTrainingOptions"/>
/// is not.
/// </summary>
public static class JobConsentTerms
{
    /// <summary>The parameter names, as signed (the web UI shows them under these names).</summary>
    public static class Names
    {
        public const string Epochs = "epochs";
        public const string BatchSize = "batchSize";
        public const string LearningRate = "learningRate";
        public const string Momentum = "momentum";
        public const string WeightDecay = "weightDecay";
        public const string Schedule = "schedule";
        public const string Hiding = "hiding";
        public const string K = "k";
        public const string UpperBound = "upperBound";
        public const string RevealLoss = "revealLoss";
        public const string ComparisonBits = "comparisonBits";
        public const string TestEncodings = "testEncodings";
        public const string TestOwnCoefficientMin = "testOwnCoefficientMin";
        public const string FractionalBits = "fractionalBits";
        public const string Standardization = "standardization";
        public const string Revision = "revision";

        /// <summary>Prefix of the parameter that signs one dataset's pixel scaling: <c>scaling.&lt;dataset id&gt;</c>.</summary>
        public const string ScalingPrefix = "scaling.";
    }

    /// <summary>
    /// The terms of <paramref name="description"/>, taking each dataset's owner key from <paramref name="ownerKeyOf"/>
    /// (a party: the key in its stored half's header; the platform: the key the parties reported), or why none can be made.
    /// </summary>
    public static (ConsentTerms? Terms, string? Problem) Build(JobDescription description, Func<string, byte[]?> ownerKeyOf)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(ownerKeyOf);
        if (description.ModelFromJobId is not null)
        {
            return (null, "an inference job has no consent terms");
        }
        if (description.Consent is not { } consent)
        {
            return (null, "the job carries no consent (owners, recipients, signatures)");
        }
        if (consent.Check() is { } shape)
        {
            return (null, shape);
        }

        var datasets = new List<ConsentDataset>();
        IEnumerable<(string Id, string Purpose)> named = description.TrainDatasetIds.Select(id => (id, ConsentPurposes.Train));
        if (description.TestDatasetId is { } test)
        {
            named = named.Append((test, ConsentPurposes.Test));
        }
        foreach (var (id, purpose) in named)
        {
            string? owner = consent.Owners.FirstOrDefault(o => o.DatasetId == id)?.Owner;
            if (owner is null)
            {
                return (null, $"dataset '{id}' has no owner named");
            }
            byte[]? key = ownerKeyOf(id);
            if (key is null)
            {
                return (null, $"dataset '{id}' has no owner key: it was shared before share files carried one (version 1); its owner shares it again");
            }
            datasets.Add(new ConsentDataset(id, purpose, owner, key));
        }

        var terms = new ConsentTerms
        {
            JobId = description.JobId,
            ProjectId = description.ProjectId,
            Datasets = datasets,
            ModelSpecJson = description.ModelSpecJson,
            Parameters = Parameters(description),
            Recipients = consent.Recipients,
        };
        return ConsentDigest.Check(terms) is { } problem ? (null, problem) : (terms, null);
    }

    /// <summary>
    /// Every setting of the job that its approvers sign, by <see cref="Names"/>: the training options, the number
    /// formats and, when the description carries one, the standardisation — its mode and each dataset's pixel scaling
    /// (a disclosed one with its numbers), so a platform cannot tell the parties to map a dataset its owner did not
    /// describe so. A description without a standardisation (from before it) signs none of these. From the first
    /// revision on, the revision number too, so no signature over an earlier revision counts.
    /// </summary>
    public static IReadOnlyList<ConsentParameter> Parameters(JobDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        JobTrainingOptions t = description.Training;
        IEnumerable<ConsentParameter> standardization = description.Standardization is { } s
            ?
            [
                ConsentParameter.Text(Names.Standardization, s.Mode),
                .. s.Datasets.Select(d => ConsentParameter.Text(Names.ScalingPrefix + d.DatasetId, d.Scaling.ToConsentText())),
            ]
            : [];
        IEnumerable<ConsentParameter> revision = description.Revision > 0 ? [ConsentParameter.Integer(Names.Revision, description.Revision)] : [];
        return
        [
            .. standardization,
            .. revision,
            ConsentParameter.Integer(Names.Epochs, t.Epochs),
            ConsentParameter.Integer(Names.BatchSize, t.BatchSize),
            ConsentParameter.Real(Names.LearningRate, t.LearningRate),
            ConsentParameter.Real(Names.Momentum, t.Momentum),
            ConsentParameter.Real(Names.WeightDecay, t.WeightDecay),
            ConsentParameter.Text(Names.Schedule, t.Schedule),
            ConsentParameter.Text(Names.Hiding, t.Hiding),
            ConsentParameter.Integer(Names.K, t.K),
            ConsentParameter.Real(Names.UpperBound, t.UpperBound),
            ConsentParameter.Flag(Names.RevealLoss, t.RevealLoss),
            // The description's comparison width is the one the parties run (the platform copies the option into it).
            ConsentParameter.Integer(Names.ComparisonBits, description.ComparisonBits),
            ConsentParameter.Integer(Names.TestEncodings, t.TestEncodings),
            ConsentParameter.Real(Names.TestOwnCoefficientMin, t.TestOwnCoefficientMin),
            ConsentParameter.Integer(Names.FractionalBits, description.FractionalBits),
        ];
    }

    /// <summary>
    /// The keys that must sign <paramref name="terms"/>: every dataset owner's key and every recipient's key, each once
    /// (an owner who also receives the model signs once), with who holds it in words.
    /// </summary>
    public static IReadOnlyList<RequiredSignature> RequiredSignatures(ConsentTerms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var required = new List<RequiredSignature>();
        foreach (ConsentDataset dataset in terms.Datasets.OrderBy(d => d.DatasetId, StringComparer.Ordinal))
        {
            Add(dataset.OwnerKey, $"{dataset.Owner}, owner of dataset '{dataset.DatasetId}'");
        }
        foreach (ConsentRecipient recipient in terms.Recipients.OrderBy(r => r.User, StringComparer.Ordinal))
        {
            Add(recipient.Key, $"{recipient.User}, recipient of the model");
        }
        return required;

        void Add(byte[] key, string who)
        {
            if (required.FirstOrDefault(r => r.Key.AsSpan().SequenceEqual(key)) is { } existing)
            {
                required[required.IndexOf(existing)] = existing with { Holder = $"{existing.Holder}; {who}" };
            }
            else
            {
                required.Add(new RequiredSignature(key, OwnerKeys.ShortFingerprint(key), who));
            }
        }
    }

    /// <summary>The required signatures that <paramref name="approvals"/> lack or hold invalid (empty when the job may start).</summary>
    public static IReadOnlyList<RequiredSignature> Missing(ConsentTerms terms, IReadOnlyList<ConsentApproval> approvals)
    {
        ArgumentNullException.ThrowIfNull(approvals);
        byte[] digest = ConsentDigest.Compute(terms);
        return
        [
            .. RequiredSignatures(terms).Where(required => !approvals.Any(a =>
                a is not null && a.Key.AsSpan().SequenceEqual(required.Key) && ConsentSignature.Verify(a.Key, digest, a.Signature))),
        ];
    }

    /// <summary>Null when every required key signed <paramref name="terms"/>; otherwise a message naming the first that did not.</summary>
    public static string? Verify(ConsentTerms terms, IReadOnlyList<ConsentApproval> approvals) =>
        Missing(terms, approvals) is [var first, ..]
            ? $"no valid signature over the job's consent terms by key {first.ShortFingerprint} ({first.Holder})"
            : null;
}

/// <summary>A key that must sign a job's consent terms, its short fingerprint and who holds it.</summary>
public sealed record RequiredSignature(byte[] Key, string ShortFingerprint, string Holder);
