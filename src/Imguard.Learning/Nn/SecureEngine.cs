using Imguard.Mpc.Protocols;
using LinearOps = Imguard.Mpc.Protocols.Linear;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Nn;

/// <summary>
/// The engine on secret shares: each call is this party's half of a two-party protocol from
/// <see cref="Imguard.Mpc.Protocols"/>; both parties must make the same calls in the same order.
/// Costs per call: linear ops and reshapes are local; MatMul 2 rounds; ReLU with derivative 1 round;
/// multiply by derivative 1 round (no truncation: the derivative is a 0/1 integer); scale 1 round (truncation);
/// softmax ⌈log₂n⌉ + 61 rounds (see Functions).
/// </summary>
public sealed class SecureEngine(PartyContext context) : ITensorEngine<SharedTensor>
{
    public PartyContext Context { get; } = context ?? throw new ArgumentNullException(nameof(context));

    public int[] ShapeOf(SharedTensor x) => x.Shape.ToArray();

    public SharedTensor Reshape(SharedTensor x, params int[] shape) => x.Reshape(shape);

    public SharedTensor ZerosLike(SharedTensor x) => x.WithShare(new RingTensor(x.Shape.ToArray()));

    public SharedTensor Add(SharedTensor a, SharedTensor b) => LinearOps.Add(Context, a, b);

    public SharedTensor Subtract(SharedTensor a, SharedTensor b) => LinearOps.Subtract(Context, a, b);

    public SharedTensor AddRow(SharedTensor matrix, SharedTensor row)
    {
        int m = matrix.Shape[0], n = matrix.Shape[1];
        if (row.Share.Rank != 1 || row.Shape[0] != n)
        {
            throw LearningError.ShapeMismatch("AddRow", [n], row.Shape);
        }
        var z = matrix.Share.Clone();
        for (int i = 0; i < m; i++)
        {
            RingOps.Add(z.Span.Slice(i * n, n), row.Share.Span, z.Span.Slice(i * n, n));
        }
        return matrix.WithShare(z);
    }

    public SharedTensor SumRows(SharedTensor matrix)
    {
        var z = new RingTensor(matrix.Shape[1]);
        RingOps.SumAxis(matrix.Share.Span, matrix.Shape, 0, z.Span);
        return matrix.WithShare(z);
    }

    public SharedTensor Transpose(SharedTensor matrix)
    {
        int m = matrix.Shape[0], n = matrix.Shape[1];
        var z = new RingTensor(n, m);
        RingOps.Transpose(matrix.Share.Span, z.Span, m, n);
        return matrix.WithShare(z);
    }

    public ValueTask<SharedTensor> MatMulAsync(SharedTensor a, SharedTensor b, CancellationToken cancellationToken) =>
        Beaver.MatMulAsync(Context, a, b, cancellationToken);

    public async ValueTask<(SharedTensor Output, SharedTensor Derivative)> ReluAsync(SharedTensor x, CancellationToken cancellationToken) =>
        await Comparison.ReluWithDerivativeAsync(Context, x, cancellationToken).ConfigureAwait(false);

    public ValueTask<SharedTensor> MultiplyByDerivativeAsync(SharedTensor x, SharedTensor derivative, CancellationToken cancellationToken) =>
        Beaver.MultiplyRawAsync(Context, x, derivative, cancellationToken);

    public async ValueTask<SharedTensor> ScaleAsync(SharedTensor x, double factor, CancellationToken cancellationToken)
    {
        var scaled = LinearOps.MultiplyPublic(Context, x, Context.Format.Encode(factor));
        return await Truncation.TruncateAsync(Context, scaled, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<SharedTensor> SoftmaxAsync(SharedTensor logits, CancellationToken cancellationToken) =>
        Functions.SoftmaxAlongLastAxisAsync(Context, logits, cancellationToken);
}
