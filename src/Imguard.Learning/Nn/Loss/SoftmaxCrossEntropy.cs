using Imguard.Mpc.Protocols;
using LinearOps = Imguard.Mpc.Protocols.Linear;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Nn.Loss;

/// <summary>
/// Softmax cross-entropy with soft labels (InstaHide and mixup mix labels): L = −(1/B) Σ_b Σ_c y_bc·log p_bc with
/// p = softmax(logits). Its gradient needs no logarithm: ∂L/∂logits = (p − y)/B — so on shares the loss value
/// itself is never computed (nor revealed) unless asked for (<see cref="RevealLossAsync"/>).
/// </summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>Probabilities and ∂L/∂logits for a batch (logits and labels B×C, each label row summing to 1).</summary>
    public static async ValueTask<(T Probabilities, T Gradient)> ForwardBackwardAsync<T>(
        ITensorEngine<T> engine, T logits, T softLabels, CancellationToken cancellationToken = default) where T : class
    {
        ArgumentNullException.ThrowIfNull(engine);
        var shape = engine.ShapeOf(logits);
        var labelShape = engine.ShapeOf(softLabels);
        if (shape.Length != 2 || !shape.AsSpan().SequenceEqual(labelShape))
        {
            throw LearningError.ShapeMismatch("SoftmaxCrossEntropy labels", shape, labelShape);
        }
        var probabilities = await engine.SoftmaxAsync(logits, cancellationToken).ConfigureAwait(false);
        var gradient = await engine.ScaleAsync(engine.Subtract(probabilities, softLabels), 1.0 / shape[0], cancellationToken).ConfigureAwait(false);
        return (probabilities, gradient);
    }

    /// <summary>The loss value, in plaintext (for the reference path and for reports).</summary>
    public static double Loss(PlainTensor probabilities, PlainTensor softLabels)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(softLabels);
        double sum = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            if (softLabels.Data[i] != 0)
            {
                sum -= softLabels.Data[i] * Math.Log(Math.Max(probabilities.Data[i], 1e-12));
            }
        }
        return sum / probabilities.Dimension(0);
    }

    /// <summary>
    /// ε of <see cref="RevealLossAsync"/>: the secure loss takes ln(p + ε), because softmax on shares can leave a
    /// probability at 0 or a few ulps below and <see cref="Functions.LogAsync"/> needs inputs ≥ 1e-4. It clamps each
    /// term's −ln at −ln ε ≈ 8.5 (<see cref="Loss"/> clamps at p = 1e-12, 27.6) and otherwise lowers the loss
    /// against <see cref="Loss"/> by Σ_c y·ln(1 + ε/p) ≈ Σ_c y·ε/p per example: ≤ 8e-4 where the labelled classes have p ≥ 0.25.
    /// </summary>
    public const double RevealedLossEpsilon = 2e-4;

    /// <summary>
    /// The batch's mean loss L = −(1/B) Σ_b Σ_c y_bc·ln(p_bc + ε) (ε = <see cref="RevealedLossEpsilon"/>), computed on
    /// shares from this party's shares of the probabilities and soft labels (B×C), and opened to both parties — the
    /// only value opened, one scalar (<see cref="Reveal.ToBothAsync"/>). Both parties must call it together.
    /// <para>
    /// What revealing leaks: one number per training step, to both compute parties (and to whoever they report
    /// it to): the loss curve of the encoded batch under the current model, i.e. how well the model fits that batch.
    /// Nothing else is opened: the logarithms and products stay shared, and the sum is truncated to the job's f
    /// fractional bits before it is opened, so no low-order bits of individual products come with it.
    /// </para>
    /// Error against the ε-shifted loss on the same values: the logarithm's ≤ 4 ulps per term, so ≤ 4 ulps once
    /// weighted by labels summing to 1 per row and averaged, plus &lt; 1 ulp of truncation: ≤ 5 ulps (7.6e-5 at f = 16)
    /// asserted, 0.2 ulps measured (the terms' roundings largely cancel); against <see cref="Loss"/> add ε's effect
    /// (see <see cref="RevealedLossEpsilon"/>). Tested in <c>RevealedLossTests</c>.
    /// Cost: the logarithm of B·C values (89 rounds, 187 words each), their product with the labels (1 round,
    /// 2 words each), one truncation of the sum and its opening (1 round, 1 word each): 92 rounds.
    /// </summary>
    public static async ValueTask<double> RevealLossAsync(
        SecureEngine engine, SharedTensor probabilities, SharedTensor softLabels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(softLabels);
        if (probabilities.Shape.Length != 2 || !probabilities.Shape.SequenceEqual(softLabels.Shape))
        {
            throw LearningError.ShapeMismatch("SoftmaxCrossEntropy labels", probabilities.Shape, softLabels.Shape);
        }
        var ctx = engine.Context;
        var format = ctx.Format;
        var shifted = LinearOps.AddPublic(ctx, probabilities, format.Encode(RevealedLossEpsilon));              // p + ε
        var logs = await Functions.LogAsync(ctx, shifted, cancellationToken).ConfigureAwait(false);         // ln(p + ε)
        var terms = await Beaver.MultiplyRawAsync(ctx, softLabels, logs, cancellationToken).ConfigureAwait(false); // y·ln(p + ε) at scale 2f
        ulong sum = 0;
        foreach (ulong term in terms.Share.Span)
        {
            sum = unchecked(sum + term);                                                                     // a share of Σ y·ln(p + ε)
        }
        var total = new SharedTensor(ctx.PartyId, new RingTensor([sum], 1), format);
        total = await Truncation.TruncateAsync(ctx, total, cancellationToken).ConfigureAwait(false);        // scale f
        var opened = await Reveal.ToBothAsync(ctx, total, cancellationToken).ConfigureAwait(false);         // the one opening
        return -format.Decode(opened.Data[0]) / probabilities.Shape[0];
    }
}
