namespace Imguard.Learning.Nn.Optim;

/// <summary>
/// SGD with momentum and weight decay, as PyTorch's: v ← μ·v + (g + λ·w), w ← w − η·v.
/// On shares: three scalings (truncations) per parameter, 1 round each.
/// </summary>
public sealed class Sgd(double learningRate, double momentum = 0.9, double weightDecay = 0)
{
    public double LearningRate { get; set; } = learningRate > 0 ? learningRate : throw new ArgumentOutOfRangeException(nameof(learningRate));

    public double Momentum { get; } = momentum is >= 0 and < 1 ? momentum : throw new ArgumentOutOfRangeException(nameof(momentum));

    public double WeightDecay { get; } = weightDecay >= 0 ? weightDecay : throw new ArgumentOutOfRangeException(nameof(weightDecay));

    public async ValueTask StepAsync<T>(ITensorEngine<T> engine, IEnumerable<Parameter<T>> parameters, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var p in parameters)
        {
            var gradient = p.Gradient ?? throw new InvalidOperationException($"Parameter {p.Name} has no gradient: run backward first.");
            if (WeightDecay > 0)
            {
                gradient = engine.Add(gradient, await engine.ScaleAsync(p.Value, WeightDecay, cancellationToken).ConfigureAwait(false));
            }
            var velocity = p.Velocity is null || Momentum == 0
                ? gradient
                : engine.Add(await engine.ScaleAsync(p.Velocity, Momentum, cancellationToken).ConfigureAwait(false), gradient);
            p.Velocity = velocity;
            p.Value = engine.Subtract(p.Value, await engine.ScaleAsync(velocity, LearningRate, cancellationToken).ConfigureAwait(false));
            p.Gradient = null;
        }
    }
}
