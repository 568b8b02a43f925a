namespace Imguard.Learning.Nn.Activation;

/// <summary>
/// |x|, as 2·ReLU(x) − x, so that it costs what one ReLU costs: on shares one comparison (the ReLU's round and bytes)
/// and local additions, exact on the fixed-point grid (ReLU's product with its 0/1 derivative needs no truncation).
/// Backward multiplies by d|x|/dx = 2·1{x ≥ 0} − 1, from the ReLU's derivative: one product with a 0/1 tensor, then
/// local work. Used as a model's first layer with InstaHide: |x̃| removes the secret ±1 mask (which |x| removes
/// anyway, so it hides nothing less) and leaves the network a mixture of non-negative images to learn from.
/// </summary>
public sealed class Abs<T> : Layer<T> where T : class
{
    private T? _derivative;

    public override async ValueTask<T> ForwardAsync(ITensorEngine<T> engine, T input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var (relu, derivative) = await engine.ReluAsync(input, cancellationToken).ConfigureAwait(false);
        _derivative = derivative;
        return engine.Subtract(engine.Add(relu, relu), input);   // |x| = 2·max(x, 0) − x
    }

    public override async ValueTask<T> BackwardAsync(ITensorEngine<T> engine, T outputGradient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var derivative = _derivative ?? throw BackwardBeforeForward("Abs");
        _derivative = null;
        var kept = await engine.MultiplyByDerivativeAsync(outputGradient, derivative, cancellationToken).ConfigureAwait(false);
        return engine.Subtract(engine.Add(kept, kept), outputGradient);   // g·(2·1{x ≥ 0} − 1)
    }
}
