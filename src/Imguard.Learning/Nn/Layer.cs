namespace Imguard.Learning.Nn;

/// <summary>
/// A layer: forward keeps what backward needs; backward takes ∂L/∂output, stores its parameters' gradients and
/// returns ∂L/∂input. Written once against <see cref="ITensorEngine{T}"/>, so the same code runs in plaintext and
/// on shares.
/// </summary>
public abstract class Layer<T> where T : class
{
    public abstract ValueTask<T> ForwardAsync(ITensorEngine<T> engine, T input, CancellationToken cancellationToken = default);

    public abstract ValueTask<T> BackwardAsync(ITensorEngine<T> engine, T outputGradient, CancellationToken cancellationToken = default);

    /// <summary>
    /// Backward for a layer nothing below needs a gradient from (the lowest layer with parameters in a training step):
    /// stores the parameter gradients and skips ∂L/∂input. For Linear and Conv2d that saves a whole matrix product
    /// per step (on shares: its openings, its triple and its truncation); the default runs the full backward.
    /// </summary>
    public virtual async ValueTask BackwardParametersAsync(ITensorEngine<T> engine, T outputGradient, CancellationToken cancellationToken = default) =>
        await BackwardAsync(engine, outputGradient, cancellationToken).ConfigureAwait(false);

    public virtual IReadOnlyList<Parameter<T>> Parameters => [];

    protected static InvalidOperationException BackwardBeforeForward(string layer) =>
        new($"{layer}: backward was called before forward.");
}
