using Imguard.Learning.Nn;
using Imguard.Learning.Training;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Randomness;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Hiding;

/// <summary>
/// "InstaHide in inference" on shares, the secure counterpart of <see cref="InstaHideInference.PredictAsync"/>: every
/// test image is encoded T times by <see cref="RowMixing"/> on the table [test images | partner images] with the
/// dealer's secret λ and mask (Imguard.Dealer's TestEncodingPlan), each encoding goes through the model and a secure
/// softmax, the probabilities are summed over the T encodings (still shared), and the arg-max of the sum is compared
/// with the shared label as in <see cref="SecureEvaluation"/>. Nothing is opened but the one-time-padded table; the
/// parties see which rows are mixed (the partner indices, as in training), not how.
/// Cost: one opening of (N + P)·D words; per batch of M images and encoding, the mixing's truncation (1 round), the
/// forward pass and the softmax (⌈log₂C⌉ + 61 rounds); from the dealer to party 1, M·(K + 1)·D words per batch and
/// encoding. Error against the reference under the same plan: the encodings as in <see cref="SecureInstaHide"/>
/// ((Σ_j|x_j|/2 + 1)·2^-f per scalar), then the forward pass's and the softmax's (≤ 1e-2 per probability).
/// </summary>
public static class SecureInstaHideInference
{
    /// <summary>
    /// Dealt-secret scopes of test-time tables start here; training epochs use the scopes below (their epoch numbers).
    /// Each opening of a table needs its own scope: use <c>FirstScope + i</c> for the i-th evaluation of a job.
    /// </summary>
    public const int FirstScope = 1 << 23;

    /// <summary>Opens this party's table [test images | partner images] under <paramref name="scope"/> (1 round per frame).</summary>
    public static ValueTask<RowMixing.MaskedTable> OpenTableAsync(
        PartyContext ctx, SharedDataset test, SharedDataset partners, Seed partySeed, int scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(partners);
        if (scope < FirstScope)
        {
            throw LearningError.InvalidArgument($"A test-time table needs a scope of at least {FirstScope}; lower scopes belong to training epochs.");
        }
        if (test.PartyId != ctx.PartyId || partners.PartyId != ctx.PartyId || !test.ImageShape.SequenceEqual(partners.ImageShape))
        {
            throw LearningError.InvalidArgument("The test and partner images must be this party's shares of images of one shape.");
        }
        int d = test.ImageScalars;
        var table = new RingTensor(test.Count + partners.Count, d);
        test.Images.Span.CopyTo(table.Span);
        partners.Images.Span.CopyTo(table.Span[(test.Count * d)..]);
        return RowMixing.OpenTableAsync(ctx, new SharedTensor(ctx.PartyId, table, ctx.Format), partySeed, scope, cancellationToken);
    }

    /// <summary>
    /// One batch of one encoding: the M encoded test images (M×C×H×W) mixed from <paramref name="tableRows"/> (M×K,
    /// from Imguard.Dealer's TestEncodingPlan.BatchTableRows). Party 1 passes the dealer's message, party 0 an empty array.
    /// </summary>
    public static async ValueTask<SharedTensor> EncodeBatchAsync(
        PartyContext ctx, RowMixing.MaskedTable table, Seed partySeed, int batchId, int[] tableRows, int k, ulong[] messageForParty1,
        int[] imageShape, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imageShape);
        var mixed = await RowMixing.MixAsync(ctx, table, partySeed, batchId, tableRows, k, messageForParty1, cancellationToken).ConfigureAwait(false);
        return mixed.Reshape([mixed.Shape[0], .. imageShape]);
    }

    /// <summary>
    /// This party's shares of the predictions (arg-max of the softmax summed over <paramref name="encodings"/>
    /// encodings) and of the correct count. <paramref name="batchFeed"/> gives, for (encoding, batch), the batch's table
    /// rows and the dealer's message (empty for party 0); <paramref name="batchSize"/> must be the plan's.
    /// </summary>
    public static async Task<EvaluationShares> EvaluateAsync(
        SecureEngine engine, Sequential<SharedTensor> model, SharedDataset test, SharedDataset partners, Seed partySeed, int scope,
        int encodings, int k, int batchSize, Func<int, int, CancellationToken, ValueTask<(int[] TableRows, ulong[] Message)>> batchFeed,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batchFeed);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(encodings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var ctx = engine.Context;
        var table = await OpenTableAsync(ctx, test, partners, partySeed, scope, cancellationToken).ConfigureAwait(false);
        int n = test.Count, c = test.Classes, batches = (n + batchSize - 1) / batchSize;
        var summed = new RingTensor(n, c);   // Σ over encodings of the softmax, fixed point
        for (int t = 0; t < encodings; t++)
        {
            for (int b = 0; b < batches; b++)
            {
                var (rows, message) = await batchFeed(t, b, cancellationToken).ConfigureAwait(false);
                int count = Math.Min(batchSize, n - b * batchSize);
                if (rows.Length != count * k)
                {
                    throw LearningError.InvalidArgument($"Batch {b} of encoding {t} has {rows.Length} table rows; expected {count} × {k}.");
                }
                var images = await EncodeBatchAsync(ctx, table, partySeed, t * batches + b, rows, k, message, test.ImageShape, cancellationToken).ConfigureAwait(false);
                var logits = await model.ForwardAsync(engine, images, cancellationToken).ConfigureAwait(false);
                var probabilities = await engine.SoftmaxAsync(logits, cancellationToken).ConfigureAwait(false);
                RingOps.Add(summed.Span.Slice(b * batchSize * c, count * c), probabilities.Share.Span, summed.Span.Slice(b * batchSize * c, count * c));
            }
        }
        var predictions = new RingTensor(n, c);
        var allRows = Enumerable.Range(0, n).ToArray();
        ulong correct = 0;
        for (int b = 0; b < batches; b++)
        {
            int start = b * batchSize, count = Math.Min(batchSize, n - start);
            var scores = new SharedTensor(ctx.PartyId, new RingTensor(summed.Span.Slice(start * c, count * c).ToArray(), count, c), ctx.Format);
            var (_, labels) = test.Gather(allRows.AsSpan(start, count));
            correct = unchecked(correct + await SecureEvaluation.PredictAsync(ctx, scores, labels, predictions, start, cancellationToken).ConfigureAwait(false));
        }
        return SecureEvaluation.Shares(ctx, predictions, correct);
    }
}
