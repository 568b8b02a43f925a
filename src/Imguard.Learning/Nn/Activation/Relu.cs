namespace Imguard.Learning.Nn.Activation;

/// <summary>ReLU. Forward keeps the 0/1 derivative (on shares it comes from the same round as the output); backward multiplies by it.</summary>
public sealed class Relu<T> : Layer<T> where T : class
{
    private T? _derivative;

    public override async ValueTask<T> ForwardAsync(ITensorEngine<T> engine, T input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var (output, derivative) = await engine.ReluAsync(input, cancellationToken).ConfigureAwait(false);
        _derivative = derivative;
        return output;
    }

    public override async ValueTask<T> BackwardAsync(ITensorEngine<T> engine, T outputGradient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var derivative = _derivative ?? throw BackwardBeforeForward("ReLU");
        _derivative = null;
        return await engine.MultiplyByDerivativeAsync(outputGradient, derivative, cancellationToken).ConfigureAwait(false);
    }
}
