namespace Imguard.Learning.Nn;

/// <summary>
/// The operations layers are written against, so that one layer implementation runs both in plaintext
/// (<see cref="PlainEngine"/>, the reference) and on secret shares (<see cref="SecureEngine"/>, two-party
/// computation). Fixed-point rounding exists only in the secure engine; the tests bound the difference.
/// Matrices are row-major (rows = batch). "Derivative" tensors hold 0/1 (ReLU's derivative).
/// </summary>
public interface ITensorEngine<T> where T : class
{
    int[] ShapeOf(T x);

    T Reshape(T x, params int[] shape);

    /// <summary>A zero tensor of x's shape (for a secure engine: shares of zero).</summary>
    T ZerosLike(T x);

    T Add(T a, T b);

    T Subtract(T a, T b);

    /// <summary>matrix (m×n) + row (n) added to every row.</summary>
    T AddRow(T matrix, T row);

    /// <summary>Column sums of an m×n matrix, shape (n).</summary>
    T SumRows(T matrix);

    T Transpose(T matrix);

    ValueTask<T> MatMulAsync(T a, T b, CancellationToken cancellationToken);

    /// <summary>max(x, 0) and 1{x ≥ 0}.</summary>
    ValueTask<(T Output, T Derivative)> ReluAsync(T x, CancellationToken cancellationToken);

    /// <summary>x ⊙ d for a 0/1 tensor d.</summary>
    ValueTask<T> MultiplyByDerivativeAsync(T x, T derivative, CancellationToken cancellationToken);

    /// <summary>x · c for a public constant c.</summary>
    ValueTask<T> ScaleAsync(T x, double factor, CancellationToken cancellationToken);

    /// <summary>Softmax along the last axis.</summary>
    ValueTask<T> SoftmaxAsync(T logits, CancellationToken cancellationToken);
}
