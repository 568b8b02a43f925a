namespace Imguard.Learning.Nn.Optim;

/// <summary>
/// SGD with momentum and weight decay, as PyTorch's: v ← μ·v + (g + λ·w), w ← w − η·v.
/// On shares the scalings are truncations; they are batched over all parameters (<see cref="ITensorEngine{T}.ScaleEachAsync"/>):
/// λ·w and μ·v of every parameter in one round, then η·v of every parameter in another — 2 rounds a step, not up
/// to 3 per parameter. The arithmetic is the same as scaling each tensor on its own.
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
        var all = parameters.ToArray();
        foreach (var p in all)
        {
            _ = p.Gradient ?? throw new InvalidOperationException($"Parameter {p.Name} has no gradient: run backward first.");
        }

        // Round 1: λ·w and μ·v wherever they apply.
        var first = new List<(T Value, double Factor)>();
        foreach (var p in all)
        {
            if (WeightDecay > 0)
            {
                first.Add((p.Value, WeightDecay));
            }
            if (p.Velocity is not null && Momentum != 0)
            {
                first.Add((p.Velocity, Momentum));
            }
        }
        var scaled = await engine.ScaleEachAsync(first, cancellationToken).ConfigureAwait(false);
        int next = 0;
        var velocities = new T[all.Length];
        for (int i = 0; i < all.Length; i++)
        {
            var p = all[i];
            var gradient = p.Gradient!;
            if (WeightDecay > 0)
            {
                gradient = engine.Add(gradient, scaled[next++]);
            }
            velocities[i] = p.Velocity is null || Momentum == 0 ? gradient : engine.Add(scaled[next++], gradient);
        }

        // Round 2: η·v for every parameter.
        var steps = await engine.ScaleEachAsync([.. velocities.Select(v => (v, LearningRate))], cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < all.Length; i++)
        {
            all[i].Velocity = velocities[i];
            all[i].Value = engine.Subtract(all[i].Value, steps[i]);
            all[i].Gradient = null;
        }
    }
}
