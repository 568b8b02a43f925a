using Imguard.Learning.Nn.Activation;
using Imguard.Learning.Nn.Pooling;
using Imguard.Mpc.Randomness;

namespace Imguard.Learning.Nn;

/// <summary>
/// Builds a <see cref="Sequential{T}"/> from a <see cref="ModelSpec"/> and its parameters (weights and biases in
/// layer order), and draws initial parameters. Initial weights are drawn by whoever deals the job's randomness and
/// handed out as shares, so neither compute party learns them; they depend on no data.
/// </summary>
public static class ModelBuilder
{
    /// <summary>The parameter shapes of a spec, in layer order (weight then bias of each linear/conv layer).</summary>
    public static IReadOnlyList<int[]> ParameterShapes(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var shapes = spec.InferShapes();
        var result = new List<int[]>();
        int[] input = spec.Input;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            switch (layer.Type.ToLowerInvariant())
            {
                case "linear":
                    result.Add([input[0], layer.Out]);
                    result.Add([layer.Out]);
                    break;
                case "conv2d":
                    result.Add([layer.Out, input[0], layer.Kernel, layer.Kernel]);
                    result.Add([layer.Out]);
                    break;
            }
            input = shapes[i];
        }
        return result;
    }

    public static Sequential<T> Build<T>(ModelSpec spec, IReadOnlyList<T> parameters) where T : class
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(parameters);
        int expected = ParameterShapes(spec).Count;
        if (parameters.Count != expected)
        {
            throw LearningError.InvalidArgument($"The spec has {expected} parameter tensors; {parameters.Count} were given.");
        }
        var layers = new List<Layer<T>>();
        int next = 0;
        foreach (var layer in spec.Layers)
        {
            switch (layer.Type.ToLowerInvariant())
            {
                case "linear":
                    layers.Add(new Linear<T>(parameters[next], parameters[next + 1]));
                    next += 2;
                    break;
                case "conv2d":
                    layers.Add(new Conv2d<T>(parameters[next], parameters[next + 1], layer.Stride == 0 ? 1 : layer.Stride, layer.Padding));
                    next += 2;
                    break;
                case "relu":
                    layers.Add(new Relu<T>());
                    break;
                case "abs":
                    layers.Add(new Abs<T>());
                    break;
                case "avgpool2d":
                    layers.Add(new AvgPool2d<T>(layer.Kernel, layer.Stride == 0 ? null : layer.Stride));
                    break;
                case "maxpool2d":
                    layers.Add(new MaxPool2d<T>(layer.Kernel, layer.Stride == 0 ? null : layer.Stride));
                    break;
                case "flatten":
                    layers.Add(new Flatten<T>());
                    break;
            }
        }
        return new Sequential<T>(layers);
    }

    /// <summary>
    /// PyTorch's default initialisation (Kaiming-uniform with a = √5: weights and biases uniform in ±1/√fan_in),
    /// drawn from <paramref name="prng"/>.
    /// </summary>
    public static IReadOnlyList<PlainTensor> InitialParameters(ModelSpec spec, AesCtrPrg prng)
    {
        ArgumentNullException.ThrowIfNull(prng);
        var shapes = ParameterShapes(spec);
        var result = new List<PlainTensor>();
        for (int i = 0; i < shapes.Count; i += 2)
        {
            var weightShape = shapes[i];
            int fanIn = weightShape.Length == 2 ? weightShape[0] : weightShape[1] * weightShape[2] * weightShape[3];
            double bound = 1.0 / Math.Sqrt(fanIn);
            result.Add(Uniform(weightShape, bound, prng));
            result.Add(Uniform(shapes[i + 1], bound, prng));
        }
        return result;
    }

    private static PlainTensor Uniform(int[] shape, double bound, AesCtrPrg prng)
    {
        var t = new PlainTensor(shape);
        for (int i = 0; i < t.Length; i++)
        {
            double u = (prng.NextUInt64() >> 11) * (1.0 / (1UL << 53)); // uniform in [0, 1), 53 bits
            t.Data[i] = (2 * u - 1) * bound;
        }
        return t;
    }
}
