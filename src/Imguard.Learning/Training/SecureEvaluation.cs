using Imguard.Learning.Nn;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Training;

/// <summary>
/// Secure inference on a shared test set (the "model testing service"): per batch the forward pass, a one-hot arg-max
/// of the logits (2⌈log₂ C⌉ rounds) and its product with the shared one-hot label (1 round), all on shares. The parties
/// end with shares of the predictions and of the number of correct ones; only whoever receives both halves (the
/// owner) learns them, by <see cref="EvaluationResult.Reconstruct"/>.
/// </summary>
public static class SecureEvaluation
{
    /// <summary>This party's shares of the predictions (N×C one-hot, ring integers 0/1) and of the correct count (fixed point).</summary>
    public static async Task<EvaluationShares> EvaluateAsync(
        SecureEngine engine, Sequential<SharedTensor> model, SharedDataset test, int batchSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var ctx = engine.Context;
        int n = test.Count, c = test.Classes;
        var predictions = new RingTensor(n, c);
        ulong correct = 0;
        var rows = Enumerable.Range(0, n).ToArray();
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            var (images, labels) = test.Gather(rows.AsSpan(start, count));
            var logits = await model.ForwardAsync(engine, images, cancellationToken).ConfigureAwait(false);
            correct = unchecked(correct + await PredictAsync(ctx, logits, labels, predictions, start, cancellationToken).ConfigureAwait(false));
        }
        return Shares(ctx, predictions, correct);
    }

    /// <summary>
    /// The one-hot arg-max of a batch's scores (logits, or summed probabilities) into <paramref name="predictions"/>
    /// from row <paramref name="start"/>, and this party's share of how many match <paramref name="labels"/>.
    /// </summary>
    internal static async ValueTask<ulong> PredictAsync(
        PartyContext ctx, SharedTensor scores, SharedTensor labels, RingTensor predictions, int start, CancellationToken cancellationToken)
    {
        int count = scores.Shape[0], c = scores.Shape[1];
        var oneHot = await Selection.ArgMaxAlongLastAxisAsync(ctx, scores, cancellationToken).ConfigureAwait(false);
        var hits = await Beaver.MultiplyRawAsync(ctx, oneHot, labels, cancellationToken).ConfigureAwait(false); // 0/1 × fixed-point one-hot
        oneHot.Share.Span.CopyTo(predictions.Span.Slice(start * c, count * c));
        ulong correct = 0;
        foreach (ulong h in hits.Share.Span)
        {
            correct = unchecked(correct + h);
        }
        return correct;
    }

    /// <summary>Σ of shares is a share of Σ: the count stays shared (fixed point, since the labels are).</summary>
    internal static EvaluationShares Shares(PartyContext ctx, RingTensor predictions, ulong correct) =>
        new(new SharedTensor(ctx.PartyId, predictions, ctx.Format), new SharedTensor(ctx.PartyId, new RingTensor([correct], 1), ctx.Format));
}

/// <summary>One party's half of an evaluation: predictions N×C one-hot (ring integers) and the correct count (fixed point).</summary>
public sealed record EvaluationShares(SharedTensor Predictions, SharedTensor CorrectCount);

/// <summary>What the owner learns from both halves: accuracy, predicted classes and the confusion matrix.</summary>
public sealed record EvaluationResult(int Count, int Correct, int[] Predicted, int[,]? Confusion)
{
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;

    /// <summary>Combines both parties' halves; with the true labels (the owner's) also the confusion matrix [true, predicted].</summary>
    public static EvaluationResult Reconstruct(EvaluationShares party0, EvaluationShares party1, IReadOnlyList<int>? trueLabels = null)
    {
        ArgumentNullException.ThrowIfNull(party0);
        ArgumentNullException.ThrowIfNull(party1);
        // The halves come from two servers: a mismatch is a bad pair of files, reported as such before the ring's own
        // argument checks would throw.
        if (!party0.Predictions.Share.Shape.SequenceEqual(party1.Predictions.Share.Shape) || party0.Predictions.Share.Rank != 2
            || party0.Predictions.Format != party1.Predictions.Format || party0.CorrectCount.Format != party1.CorrectCount.Format
            || party0.CorrectCount.Share.Length != 1 || party1.CorrectCount.Share.Length != 1)
        {
            throw LearningError.InvalidData("The two evaluation halves do not belong together (different shapes or number formats).");
        }
        var oneHot = SecretSharer.Reconstruct(party0.Predictions, party1.Predictions);
        int n = oneHot.Shape[0], c = oneHot.Shape[1];
        var predicted = new int[n];
        for (int i = 0; i < n; i++)
        {
            int hit = -1;
            for (int j = 0; j < c; j++)
            {
                ulong v = oneHot.Span[i * c + j];
                if (v == 1 && hit < 0)
                {
                    hit = j;
                }
                else if (v != 0)
                {
                    throw LearningError.InvalidData($"Prediction {i} is not a one-hot vector: the two halves do not belong together.");
                }
            }
            predicted[i] = hit >= 0 ? hit : throw LearningError.InvalidData($"Prediction {i} has no class: the two halves do not belong together.");
        }
        var count = SecretSharer.Reconstruct(party0.CorrectCount, party1.CorrectCount);
        int correct = (int)Math.Round(party0.CorrectCount.Format.Decode(count.Span[0]));
        int[,]? confusion = null;
        if (trueLabels is not null)
        {
            if (trueLabels.Count != n)
            {
                throw LearningError.LengthMismatch("true labels", n, trueLabels.Count);
            }
            confusion = new int[c, c];
            for (int i = 0; i < n; i++)
            {
                confusion[trueLabels[i], predicted[i]]++;
            }
        }
        return new EvaluationResult(n, correct, predicted, confusion);
    }
}
